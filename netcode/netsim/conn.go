package netsim

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"sync"
	"time"
)

// Stats counts what a Conn did with the datagrams written to it. Every
// datagram written, and every duplicate, is counted in exactly one of
// Lost, QueueDropped, Delivered, Failed, Discarded and Pending:
//
//	Written + Duplicated == Lost + QueueDropped + Delivered + Failed + Discarded + Pending
type Stats struct {
	// Written is the number of datagrams WriteTo accepted, including the
	// ones the simulated network then dropped.
	Written uint64
	// WrittenBytes is the total size of the Written datagrams.
	WrittenBytes uint64
	// Delivered is the number of datagrams, duplicates included, written
	// to the wrapped conn without error.
	Delivered uint64
	// DeliveredBytes is the total size of the Delivered datagrams.
	DeliveredBytes uint64
	// Lost is the number of datagrams dropped by Config.Loss.
	Lost uint64
	// QueueDropped is the number of datagrams dropped because a queue was
	// full: the Config.Bandwidth queue held more than Config.QueueLimit
	// bytes, or MaxPending datagrams were in flight already.
	QueueDropped uint64
	// Duplicated is the number of datagrams sent twice.
	Duplicated uint64
	// Reordered is the number of datagrams, duplicates included, held
	// back by Config.ReorderDelay.
	Reordered uint64
	// Failed is the number of delayed datagrams the wrapped conn refused
	// to write, for example to an address it cannot send to.
	Failed uint64
	// Discarded is the number of datagrams still in flight when the Conn
	// (or the conn it wraps) closed.
	Discarded uint64
	// Pending is the number of datagrams scheduled but not yet written to
	// the wrapped conn.
	Pending uint64
}

// MaxPending is how many datagrams may be in flight in one Conn. Beyond
// it, like a real link's full transmit queue, the simulated network drops
// what is written (counted in Stats.QueueDropped) rather than hold an
// unbounded backlog when writes outpace the wrapped conn.
const MaxPending = 1 << 16

var errMissingAddress = errors.New("missing address")

// addrPortWriter is implemented by *net.UDPConn (and by *Conn); it lets
// the scheduler write without allocating a *net.UDPAddr per datagram.
type addrPortWriter interface {
	WriteToUDPAddrPort(b []byte, addr netip.AddrPort) (int, error)
}

// Conn is a net.PacketConn whose writes go through a simulated network
// before they reach the conn it wraps. Reads pass through untouched. A
// Conn is safe for concurrent use.
type Conn struct {
	inner net.PacketConn
	apw   addrPortWriter // inner, if it can write to a netip.AddrPort
	epoch time.Time      // zero of the datagrams' due times

	mu       sync.Mutex
	cfg      Config
	src      *rand.PCG
	rng      *rand.Rand
	q        schedule
	seq      uint64        // datagrams scheduled so far
	linkFree time.Duration // since epoch: when the Bandwidth link is idle again
	stats    Stats         // Pending is computed by Stats
	writing  int           // datagrams the scheduler took out of q and is writing
	idle     bool          // the scheduler sleeps until q[0] is due or it is woken
	closed   bool
	broken   error     // the wrapped conn's net.ErrClosed error, once seen
	deadline time.Time // write deadline, as set by SetWriteDeadline

	wake   chan struct{} // a new earliest datagram was scheduled
	done   chan struct{} // closed by Close
	exited chan struct{} // closed when the scheduler returns
}

var _ net.PacketConn = (*Conn)(nil)

// Wrap returns a Conn that impairs what is written to conn as cfg says.
// The Conn owns conn from then on: closing the Conn closes conn.
func Wrap(conn net.PacketConn, cfg Config) (*Conn, error) {
	if conn == nil {
		return nil, errors.New("netsim: Wrap of a nil conn")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	src := rand.NewPCG(cfg.Seed, pcgStream)
	c := &Conn{
		inner:  conn,
		epoch:  time.Now(),
		cfg:    cfg,
		src:    src,
		rng:    rand.New(src),
		wake:   make(chan struct{}, 1),
		done:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	c.apw, _ = conn.(addrPortWriter)
	go c.run()
	return c, nil
}

// Listen opens a packet socket with [net.ListenPacket] (for instance
// Listen("udp", "127.0.0.1:0", cfg)) and wraps it.
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

// Unwrap returns the wrapped conn. Writing to it bypasses the simulated
// network; closing it makes the Conn's later writes fail.
func (c *Conn) Unwrap() net.PacketConn { return c.inner }

// SetConfig changes the impairment of the datagrams written from now on;
// datagrams already in flight keep their delays. If cfg.Seed differs
// from the current Seed the random source is reseeded, otherwise its
// sequence continues. An invalid cfg is refused and changes nothing.
func (c *Conn) SetConfig(cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	c.mu.Lock()
	if cfg.Seed != c.cfg.Seed {
		c.src.Seed(cfg.Seed, pcgStream)
	}
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
	s := c.stats
	s.Pending = uint64(len(c.q) + c.writing)
	return s
}

// ReadFrom reads from the wrapped conn, unimpaired.
func (c *Conn) ReadFrom(p []byte) (int, net.Addr, error) { return c.inner.ReadFrom(p) }

// LocalAddr returns the wrapped conn's local address.
func (c *Conn) LocalAddr() net.Addr { return c.inner.LocalAddr() }

// SetDeadline sets the read deadline of the wrapped conn and the write
// deadline of c; see SetWriteDeadline.
func (c *Conn) SetDeadline(t time.Time) error {
	if err := c.inner.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}

// SetReadDeadline sets the read deadline of the wrapped conn.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.inner.SetReadDeadline(t) }

// SetWriteDeadline makes WriteTo calls after t fail with an error that
// wraps [os.ErrDeadlineExceeded]; the zero time removes the deadline.
// Since WriteTo never waits, the deadline only matters once it has
// passed. It does not apply to the delayed writes to the wrapped conn.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return c.opError("set", nil, net.ErrClosed)
	}
	c.deadline = t
	return nil
}

// WriteTo sends p to addr through the simulated network and returns
// len(p), nil without waiting for the simulated delay. A datagram the
// network drops also reports success, as UDP would. p may be reused as
// soon as WriteTo returns, and so may addr. After Close, WriteTo fails
// with an error wrapping [net.ErrClosed].
func (c *Conn) WriteTo(p []byte, addr net.Addr) (int, error) {
	if ua, ok := addr.(*net.UDPAddr); ok {
		if ua == nil {
			return 0, c.opError("write", nil, errMissingAddress)
		}
		if ap := ua.AddrPort(); ap.Addr().IsValid() {
			return c.write(p, nil, netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()))
		}
	}
	if addr == nil {
		return 0, c.opError("write", nil, errMissingAddress)
	}
	return c.write(p, addr, netip.AddrPort{})
}

// WriteToUDPAddrPort is WriteTo with the destination as a
// [netip.AddrPort], as on a [*net.UDPConn].
func (c *Conn) WriteToUDPAddrPort(p []byte, addr netip.AddrPort) (int, error) {
	if !addr.Addr().IsValid() {
		return 0, c.opError("write", nil, errMissingAddress)
	}
	return c.write(p, nil, netip.AddrPortFrom(addr.Addr().Unmap(), addr.Port()))
}

// write schedules p for addr, or for ap when ap is valid.
func (c *Conn) write(p []byte, addr net.Addr, ap netip.AddrPort) (int, error) {
	c.mu.Lock()
	var err error
	switch {
	case c.closed:
		err = net.ErrClosed
	case c.broken != nil:
		err = c.broken
	case !c.deadline.IsZero() && !time.Now().Before(c.deadline):
		err = os.ErrDeadlineExceeded
	}
	if err != nil {
		c.mu.Unlock()
		if ap.IsValid() {
			addr = net.UDPAddrFromAddrPort(ap)
		}
		return 0, c.opError("write", addr, err)
	}

	now := time.Since(c.epoch)
	c.stats.Written++
	c.stats.WrittenBytes += uint64(len(p))
	d := decide(c.rng, &c.cfg)
	if d.lost {
		c.stats.Lost++
		c.mu.Unlock()
		return len(p), nil
	}
	if len(c.q)+c.writing >= MaxPending {
		c.stats.QueueDropped++
		c.mu.Unlock()
		return len(p), nil
	}
	start := now
	if bw := c.cfg.Bandwidth; bw > 0 {
		c.linkFree = max(c.linkFree, now)
		waiting := (c.linkFree - now).Seconds() * float64(bw) // bytes not yet sent
		if waiting >= 1 && waiting+float64(len(p)) > float64(c.cfg.queueLimit()) {
			c.stats.QueueDropped++
			c.mu.Unlock()
			return len(p), nil
		}
		c.linkFree += time.Duration(float64(len(p)) / float64(bw) * float64(time.Second))
		start = c.linkFree
	}
	if d.copies == 2 {
		c.stats.Duplicated++
	}
	before := c.seq
	for i := range d.copies {
		if d.reordered[i] {
			c.stats.Reordered++
		}
		c.seq++
		c.q.push(datagram{due: start + d.delay[i], seq: c.seq, buf: newBuffer(p), ap: ap, addr: addr})
	}
	// Wake the scheduler if it sleeps past a new earliest datagram. When
	// it is busy it looks at q again before it sleeps.
	wake := c.idle && c.q[0].seq > before
	if wake {
		c.idle = false
	}
	c.mu.Unlock()
	if wake {
		select {
		case c.wake <- struct{}{}:
		default: // a wake-up is pending already
		}
	}
	return len(p), nil
}

// run is the scheduler: it writes each datagram to the wrapped conn when
// it is due, until Close.
func (c *Conn) run() {
	defer close(c.exited)
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var (
		batch []datagram // taken out of q, being written
		t     tally      // what became of batch
	)
	for {
		c.mu.Lock()
		c.settleLocked(&t)
		clear(batch)
		batch = batch[:0]
		if t.closed {
			c.mu.Unlock()
			return
		}
		now := time.Since(c.epoch)
		for len(c.q) > 0 && c.q[0].due <= now {
			batch = append(batch, c.q.pop())
		}
		c.writing = len(batch)
		wait := time.Duration(-1)
		if len(c.q) > 0 {
			wait = c.q[0].due - now
		}
		c.idle = len(batch) == 0
		c.mu.Unlock()

		if len(batch) > 0 {
			t = c.deliver(batch)
			continue // writing took time: look again before sleeping
		}
		if wait >= 0 {
			timer.Reset(wait)
		} else {
			timer.Stop()
		}
		select {
		case <-c.done:
			return
		case <-c.wake:
		case <-timer.C:
		}
	}
}

// tally is what became of a batch of datagrams.
type tally struct {
	delivered, bytes, failed, discarded uint64
	broken                              error // the wrapped conn is closed
	closed                              bool  // the Conn is closed
}

// deliver writes the due datagrams in batch to the wrapped conn, without
// holding c.mu, and tallies the outcome.
func (c *Conn) deliver(batch []datagram) (t tally) {
	for i := range batch {
		if t.closed = c.isClosed(); t.closed {
			t.discarded = uint64(len(batch) - i)
			return t
		}
		err := c.send(&batch[i])
		if err == nil {
			t.delivered++
			t.bytes += uint64(len(batch[i].buf.b))
			batch[i].buf.free()
			continue
		}
		if t.closed = c.isClosed(); t.closed {
			t.discarded = uint64(len(batch) - i)
			return t
		}
		t.failed++
		batch[i].buf.free()
		if errors.Is(err, net.ErrClosed) {
			// Someone closed the wrapped conn: nothing more can be sent.
			t.broken = err
			t.discarded = uint64(len(batch) - i - 1)
			return t
		}
	}
	return t
}

// settleLocked counts a tally.
func (c *Conn) settleLocked(t *tally) {
	c.stats.Delivered += t.delivered
	c.stats.DeliveredBytes += t.bytes
	c.stats.Failed += t.failed
	c.stats.Discarded += t.discarded
	c.writing = 0
	if t.broken != nil && c.broken == nil && !c.closed {
		c.broken = t.broken
		c.stats.Discarded += uint64(len(c.q))
		c.q = nil
	}
	t.closed = t.closed || c.closed
	t.delivered, t.bytes, t.failed, t.discarded, t.broken = 0, 0, 0, 0, nil
}

// send writes one datagram to the wrapped conn.
func (c *Conn) send(d *datagram) error {
	var err error
	switch {
	case !d.ap.IsValid():
		_, err = c.inner.WriteTo(d.buf.b, d.addr)
	case c.apw != nil:
		_, err = c.apw.WriteToUDPAddrPort(d.buf.b, d.ap)
	default:
		_, err = c.inner.WriteTo(d.buf.b, net.UDPAddrFromAddrPort(d.ap))
	}
	return err
}

func (c *Conn) isClosed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// Close discards the datagrams still in flight, stops the scheduler
// goroutine and closes the wrapped conn, returning the latter's error.
// Calling Close again does nothing and returns nil.
func (c *Conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.stats.Discarded += uint64(len(c.q))
	c.q = nil
	c.mu.Unlock()
	close(c.done)
	err := c.inner.Close() // also interrupts a write the scheduler is blocked in
	<-c.exited
	return err
}

// opError builds the error a *net.UDPConn would return.
func (c *Conn) opError(op string, addr net.Addr, err error) error {
	e := &net.OpError{Op: op, Addr: addr, Err: err}
	if la := c.inner.LocalAddr(); la != nil {
		e.Net = la.Network()
		e.Source = la
	}
	return e
}

// String describes c for logs: its local address and impairment.
func (c *Conn) String() string {
	return fmt.Sprintf("netsim.Conn(%v, %v)", c.LocalAddr(), c.Config())
}
