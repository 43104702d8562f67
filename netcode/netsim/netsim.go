// Package netsim impairs a net.PacketConn the way a bad network would:
// one-way latency, jitter, loss, duplication, reordering and a bandwidth
// cap, with seeded decisions. It is peerstep's user-space substitute for
// netem, used by tests, benchmarks and the demo's flags.
//
// Impairment applies to what a Conn sends; wrap every peer's socket to
// impair both directions of every link.
//
//	conn, _ := net.ListenPacket("udp", "127.0.0.1:0")
//	sim, _ := netsim.Wrap(conn, netsim.Config{Latency: 40 * time.Millisecond, Jitter: 5 * time.Millisecond, Loss: 0.02, Seed: 1})
//	defer sim.Close()
//	// use sim wherever conn was used
package netsim

import (
	"container/heap"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"time"
)

// Config says how to impair the datagrams a Conn sends. The zero value
// impairs nothing.
type Config struct {
	// Latency is the one-way delay added to every datagram.
	Latency time.Duration
	// Jitter varies each datagram's delay uniformly within ±Jitter (the
	// delay never goes below zero). Datagrams may then overtake each other,
	// as on a real network.
	Jitter time.Duration
	// Loss is the probability, 0 to 1, that a datagram is dropped.
	Loss float64
	// Duplicate is the probability that a datagram is sent twice; the copy
	// gets its own delay.
	Duplicate float64
	// Reorder is the probability that a datagram is held back by
	// ReorderDelay more, so that later ones overtake it.
	Reorder float64
	// ReorderDelay is the extra delay of a reordered datagram. Zero means
	// 10 ms plus half the latency.
	ReorderDelay time.Duration
	// Bandwidth caps the bytes per second sent; datagrams queue behind
	// each other. Zero means unlimited.
	Bandwidth int
	// QueueLimit is how many bytes may wait behind the bandwidth cap
	// before new datagrams are dropped. Zero means half a second's worth.
	QueueLimit int
	// Seed seeds the random decisions: the same seed and the same sequence
	// of writes make the same decisions.
	Seed uint64
}

// Validate reports the first field out of range.
func (c Config) Validate() error {
	switch {
	case c.Latency < 0:
		return fmt.Errorf("netsim: negative latency %v", c.Latency)
	case c.Jitter < 0:
		return fmt.Errorf("netsim: negative jitter %v", c.Jitter)
	case c.ReorderDelay < 0:
		return fmt.Errorf("netsim: negative reorder delay %v", c.ReorderDelay)
	case c.Bandwidth < 0:
		return fmt.Errorf("netsim: negative bandwidth %d", c.Bandwidth)
	case c.QueueLimit < 0:
		return fmt.Errorf("netsim: negative queue limit %d", c.QueueLimit)
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"loss", c.Loss}, {"duplicate", c.Duplicate}, {"reorder", c.Reorder}} {
		if !(p.v >= 0 && p.v <= 1) {
			return fmt.Errorf("netsim: %s probability %v outside [0, 1]", p.name, p.v)
		}
	}
	return nil
}

// Enabled reports whether c impairs anything.
func (c Config) Enabled() bool {
	return c.Latency > 0 || c.Jitter > 0 || c.Loss > 0 || c.Duplicate > 0 || c.Reorder > 0 || c.Bandwidth > 0
}

// String describes c briefly, e.g. "40ms±5ms loss 2%".
func (c Config) String() string {
	if !c.Enabled() {
		return "clean"
	}
	var parts []string
	if c.Latency > 0 || c.Jitter > 0 {
		s := c.Latency.String()
		if c.Jitter > 0 {
			s += "±" + c.Jitter.String()
		}
		parts = append(parts, s)
	}
	pct := func(name string, v float64) {
		if v > 0 {
			parts = append(parts, fmt.Sprintf("%s %g%%", name, v*100))
		}
	}
	pct("loss", c.Loss)
	pct("dup", c.Duplicate)
	pct("reorder", c.Reorder)
	if c.Bandwidth > 0 {
		parts = append(parts, fmt.Sprintf("%d B/s", c.Bandwidth))
	}
	return strings.Join(parts, " ")
}

// RegisterFlags adds flags for c's fields to fs, each name preceded by
// prefix: latency, jitter, loss, dup, reorder, bandwidth and seed.
func (c *Config) RegisterFlags(fs *flag.FlagSet, prefix string) {
	fs.DurationVar(&c.Latency, prefix+"latency", c.Latency, "simulated one-way latency of sent datagrams (e.g. 40ms)")
	fs.DurationVar(&c.Jitter, prefix+"jitter", c.Jitter, "simulated jitter: each datagram's latency varies by up to this much")
	fs.Float64Var(&c.Loss, prefix+"loss", c.Loss, "simulated loss probability of sent datagrams, 0 to 1")
	fs.Float64Var(&c.Duplicate, prefix+"dup", c.Duplicate, "simulated duplication probability, 0 to 1")
	fs.Float64Var(&c.Reorder, prefix+"reorder", c.Reorder, "simulated reordering probability, 0 to 1")
	fs.IntVar(&c.Bandwidth, prefix+"bandwidth", c.Bandwidth, "simulated bandwidth cap in bytes per second (0: none)")
	fs.Uint64Var(&c.Seed, prefix+"seed", c.Seed, "seed of the network simulation's random decisions")
}

// Stats counts what a Conn did with the datagrams written to it.
type Stats struct {
	Written      uint64 // datagrams handed to WriteTo
	Delivered    uint64 // datagrams written to the wrapped conn, duplicates included
	Lost         uint64 // dropped by Loss
	QueueDropped uint64 // dropped because the bandwidth queue was full
	Duplicated   uint64
	Reordered    uint64
	BytesWritten uint64
}

type pending struct {
	due  time.Time
	seq  uint64
	data []byte
	addr net.Addr
}

type queue []*pending

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if q[i].due.Equal(q[j].due) {
		return q[i].seq < q[j].seq
	}
	return q[i].due.Before(q[j].due)
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(*pending)) }
func (q *queue) Pop() any {
	old := *q
	p := old[len(old)-1]
	old[len(old)-1] = nil
	*q = old[:len(old)-1]
	return p
}

// Conn is a net.PacketConn whose writes go through the simulated network.
// Reads pass through untouched. It is safe for concurrent use.
type Conn struct {
	net.PacketConn

	mu       sync.Mutex
	cfg      Config
	rng      *rand.Rand
	q        queue
	seq      uint64
	linkFree time.Time // when the simulated link finishes sending what it has
	stats    Stats
	closed   bool
	wake     chan struct{}
	done     chan struct{}
	wg       sync.WaitGroup
}

// Wrap returns conn impaired as cfg says. Closing the result closes conn.
func Wrap(conn net.PacketConn, cfg Config) (*Conn, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := &Conn{
		PacketConn: conn,
		cfg:        cfg,
		rng:        rand.New(rand.NewPCG(cfg.Seed, 0x6e657473696d)),
		wake:       make(chan struct{}, 1),
		done:       make(chan struct{}),
	}
	c.wg.Add(1)
	go c.run()
	return c, nil
}

// Listen opens a UDP socket on address and wraps it.
func Listen(network, address string, cfg Config) (*Conn, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	pc, err := net.ListenPacket(network, address)
	if err != nil {
		return nil, err
	}
	c, err := Wrap(pc, cfg)
	if err != nil {
		pc.Close()
		return nil, err
	}
	return c, nil
}

// Unwrap returns the wrapped conn.
func (c *Conn) Unwrap() net.PacketConn { return c.PacketConn }

// SetConfig changes the impairment of datagrams written from now on.
func (c *Conn) SetConfig(cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	c.mu.Lock()
	c.cfg = cfg
	c.mu.Unlock()
	return nil
}

// Config returns the current impairment.
func (c *Conn) Config() Config {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cfg
}

// Stats returns the counters so far.
func (c *Conn) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stats
}

// delay draws one datagram's delay; c.mu is held.
func (c *Conn) delay() (time.Duration, bool) {
	d := c.cfg.Latency
	if j := c.cfg.Jitter; j > 0 {
		d += time.Duration(c.rng.Int64N(int64(2*j)+1)) - j
	}
	reordered := false
	if c.cfg.Reorder > 0 && c.rng.Float64() < c.cfg.Reorder {
		extra := c.cfg.ReorderDelay
		if extra == 0 {
			extra = 10*time.Millisecond + c.cfg.Latency/2
		}
		d += extra
		reordered = true
	}
	return max(d, 0), reordered
}

// WriteTo sends p to addr through the simulated network. It never waits
// for the simulated delay; a datagram the network drops still reports
// success, as UDP would.
func (c *Conn) WriteTo(p []byte, addr net.Addr) (int, error) {
	now := time.Now()
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return 0, fmt.Errorf("netsim: write: %w", net.ErrClosed)
	}
	c.stats.Written++
	c.stats.BytesWritten += uint64(len(p))
	if c.cfg.Loss > 0 && c.rng.Float64() < c.cfg.Loss {
		c.stats.Lost++
		c.mu.Unlock()
		return len(p), nil
	}
	copies := 1
	if c.cfg.Duplicate > 0 && c.rng.Float64() < c.cfg.Duplicate {
		copies = 2
		c.stats.Duplicated++
	}
	var sendAt time.Time = now
	if bw := c.cfg.Bandwidth; bw > 0 {
		limit := c.cfg.QueueLimit
		if limit == 0 {
			limit = max(bw/2, 2048)
		}
		if c.linkFree.Before(now) {
			c.linkFree = now
		}
		backlog := int(int64(c.linkFree.Sub(now)) * int64(bw) / int64(time.Second))
		if backlog+len(p) > limit {
			c.stats.QueueDropped++
			c.mu.Unlock()
			return len(p), nil
		}
		c.linkFree = c.linkFree.Add(time.Duration(len(p)) * time.Second / time.Duration(bw))
		sendAt = c.linkFree
	}
	for range copies {
		d, reordered := c.delay()
		if reordered {
			c.stats.Reordered++
		}
		c.seq++
		heap.Push(&c.q, &pending{due: sendAt.Add(d), seq: c.seq, data: append([]byte(nil), p...), addr: addr})
	}
	c.mu.Unlock()
	select {
	case c.wake <- struct{}{}:
	default:
	}
	return len(p), nil
}

// run delivers datagrams when they are due.
func (c *Conn) run() {
	defer c.wg.Done()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		c.mu.Lock()
		now := time.Now()
		var due []*pending
		for len(c.q) > 0 && !c.q[0].due.After(now) {
			due = append(due, heap.Pop(&c.q).(*pending))
		}
		wait := time.Hour
		if len(c.q) > 0 {
			wait = c.q[0].due.Sub(now)
		}
		c.stats.Delivered += uint64(len(due))
		c.mu.Unlock()
		for _, p := range due {
			if _, err := c.PacketConn.WriteTo(p.data, p.addr); errors.Is(err, net.ErrClosed) {
				return
			}
		}
		timer.Reset(wait)
		select {
		case <-c.done:
			return
		case <-c.wake:
		case <-timer.C:
		}
	}
}

// Close discards the datagrams still in flight, stops the delivery
// goroutine and closes the wrapped conn.
func (c *Conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.q = nil
	c.mu.Unlock()
	close(c.done)
	c.wg.Wait()
	return c.PacketConn.Close()
}
