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

// Stats counts what a Conn did with the datagrams of one direction:
// [Conn.Stats] with the datagrams written to it, [Conn.InboundStats] with
// the datagrams it read from the wrapped conn. Every datagram, and every
// duplicate, is counted in exactly one of Lost, QueueDropped, Delivered,
// Failed, Discarded and Pending:
//
//	Written + Duplicated == Lost + QueueDropped + Delivered + Failed + Discarded + Pending
type Stats struct {
	// Written is the number of datagrams WriteTo accepted, including the
	// ones the simulated network then dropped. Inbound: the number of
	// datagrams read from the wrapped conn.
	Written uint64
	// WrittenBytes is the total size of the Written datagrams.
	WrittenBytes uint64
	// Delivered is the number of datagrams, duplicates included, written
	// to the wrapped conn without error. Inbound: returned by ReadFrom.
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
	// to write, for example to an address it cannot send to. Inbound: 0.
	Failed uint64
	// Discarded is the number of datagrams still in flight when the Conn
	// (or the conn it wraps) closed.
	Discarded uint64
	// Pending is the number of datagrams scheduled but not yet written to
	// the wrapped conn. Inbound: not yet returned by ReadFrom.
	Pending uint64
}

// MaxPending is how many datagrams may be in flight in one direction of a
// Conn. Beyond it, like a real link's full transmit queue, the simulated
// network drops what arrives (counted in Stats.QueueDropped) rather than
// hold an unbounded backlog when datagrams outpace delivery.
const MaxPending = 1 << 16

// maxRead is the largest datagram the inbound reader takes from the
// wrapped conn: the largest UDP payload.
const maxRead = 1 << 16

var errMissingAddress = errors.New("missing address")

// addrPortWriter is implemented by *net.UDPConn (and by *Conn); it lets
// the scheduler write without allocating a *net.UDPAddr per datagram.
type addrPortWriter interface {
	WriteToUDPAddrPort(b []byte, addr netip.AddrPort) (int, error)
}

// path is one direction of the simulated network: its impairment, random
// source, the datagrams in flight and its counters. Conn.mu guards it.
type path struct {
	imp      Impairment
	src      *rand.PCG
	rng      *rand.Rand
	q        schedule
	seq      uint64        // datagrams scheduled so far
	linkFree time.Duration // since epoch: when the Bandwidth link is idle again
	stats    Stats         // Pending is computed by Conn.Stats
	writing  int           // outbound: taken out of q, being written
	ready    []datagram    // inbound: due, waiting for ReadFrom
	idle     bool          // the scheduler sleeps until q[0] is due or it is woken
	wake     chan struct{} // a new earliest datagram was scheduled
}

func newPath(imp Impairment, seed, stream uint64) *path {
	src := rand.NewPCG(seed, stream)
	return &path{imp: imp, src: src, rng: rand.New(src), wake: make(chan struct{}, 1)}
}

// pending is how many datagrams of p are in flight.
func (p *path) pending() int { return len(p.q) + p.writing + len(p.ready) }

// admitLocked decides the fate of datagram b, arriving at now for ap (when
// valid) or addr, and schedules its copies. It reports whether the
// scheduler sleeps past the new earliest datagram and must be woken.
func (p *path) admitLocked(now time.Duration, b []byte, ap netip.AddrPort, addr net.Addr) (wake bool) {
	p.stats.Written++
	p.stats.WrittenBytes += uint64(len(b))
	d := decide(p.rng, &p.imp)
	if d.lost {
		p.stats.Lost++
		return false
	}
	if p.pending() >= MaxPending {
		p.stats.QueueDropped++
		return false
	}
	start := now
	if bw := p.imp.Bandwidth; bw > 0 {
		p.linkFree = max(p.linkFree, now)
		waiting := (p.linkFree - now).Seconds() * float64(bw) // bytes not yet sent
		if waiting >= 1 && waiting+float64(len(b)) > float64(p.imp.queueLimit()) {
			p.stats.QueueDropped++
			return false
		}
		p.linkFree += time.Duration(float64(len(b)) / float64(bw) * float64(time.Second))
		start = p.linkFree
	}
	if d.copies == 2 {
		p.stats.Duplicated++
	}
	before := p.seq
	for i := range d.copies {
		if d.reordered[i] {
			p.stats.Reordered++
		}
		p.seq++
		p.q.push(datagram{due: start + d.delay[i], seq: p.seq, buf: newBuffer(b), ap: ap, addr: addr})
	}
	// Wake the scheduler if it sleeps past a new earliest datagram. When
	// it is busy it looks at q again before it sleeps.
	wake = p.idle && p.q[0].seq > before
	if wake {
		p.idle = false
	}
	return wake
}

// signal wakes whoever waits on ch, without blocking: a wake-up that is
// pending already will do.
func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Conn is a net.PacketConn whose writes go through a simulated network
// before they reach the conn it wraps and, when its Config impairs what
// is read (Config.Inbound or Config.BothWays), whose reads come through a
// simulated network too. Otherwise reads pass through untouched. A Conn
// is safe for concurrent use.
type Conn struct {
	inner net.PacketConn
	apw   addrPortWriter // inner, if it can write to a netip.AddrPort
	epoch time.Time      // zero of the datagrams' due times

	mu       sync.Mutex
	cfg      Config
	out      *path
	in       *path // nil: reads pass through
	closed   bool
	broken   error     // the wrapped conn's net.ErrClosed error, once seen
	deadline time.Time // write deadline, as set by SetWriteDeadline

	// Reads through in.
	readDeadline time.Time
	deadlineSet  chan struct{} // closed and replaced when readDeadline changes
	readErr      error         // a transient error of the wrapped conn, for the next ReadFrom
	readBroken   error         // the wrapped conn cannot be read any more
	readable     chan struct{} // in.ready got datagrams, or reading ended

	done chan struct{} // closed by Close
	wg   sync.WaitGroup
}

var _ net.PacketConn = (*Conn)(nil)

// Wrap returns a Conn that impairs what is written to conn as cfg says,
// and what is read from it when cfg impairs reads (Config.Inbound or
// Config.BothWays). The Conn owns conn from then on: closing the Conn
// closes conn, and a Conn that impairs reads reads conn itself.
func Wrap(conn net.PacketConn, cfg Config) (*Conn, error) {
	if conn == nil {
		return nil, errors.New("netsim: Wrap of a nil conn")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	c := &Conn{
		inner:       conn,
		epoch:       time.Now(),
		cfg:         cfg,
		out:         newPath(cfg.outbound(), cfg.Seed, pcgStream),
		deadlineSet: make(chan struct{}),
		readable:    make(chan struct{}, 1),
		done:        make(chan struct{}),
	}
	c.apw, _ = conn.(addrPortWriter)
	c.wg.Add(1)
	go c.run()
	if in := cfg.inbound(); in.Enabled() {
		c.in = newPath(in, cfg.Seed, pcgStreamIn)
		// The reader owns conn's reads: a deadline set before would make
		// it spin on timeouts. The Conn keeps its own read deadline.
		_ = conn.SetReadDeadline(time.Time{})
		c.wg.Add(2)
		go c.readLoop()
		go c.runInbound()
	}
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
// network; closing it makes the Conn's later writes fail. When the Conn
// impairs reads, it reads the wrapped conn itself: a read from the
// wrapped conn takes a datagram from the Conn.
func (c *Conn) Unwrap() net.PacketConn { return c.inner }

// errNoInbound is SetConfig's answer to an inbound impairment on a Conn
// made without one.
var errNoInbound = errors.New("netsim: SetConfig: this Conn was made with reads untouched; wrap the conn with an inbound impairment to impair them")

// SetConfig changes the impairment of the datagrams written, and read,
// from now on; datagrams already in flight keep their delays. If
// cfg.Seed differs from the current Seed the random sources are reseeded,
// otherwise their sequences continue. Whether reads go through the
// simulated network is settled by Wrap: SetConfig can change or remove the
// inbound impairment of a Conn made with one, but cannot add one to a
// Conn made without. An invalid cfg is refused and changes nothing.
func (c *Conn) SetConfig(cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.in == nil && cfg.inbound().Enabled() {
		return errNoInbound
	}
	if cfg.Seed != c.cfg.Seed {
		c.out.src.Seed(cfg.Seed, pcgStream)
		if c.in != nil {
			c.in.src.Seed(cfg.Seed, pcgStreamIn)
		}
	}
	c.cfg = cfg
	c.out.imp = cfg.outbound()
	if c.in != nil {
		c.in.imp = cfg.inbound()
	}
	return nil
}

// Config returns the current impairment.
func (c *Conn) Config() Config {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.cfg
}

// Stats returns the counters of what was written so far.
func (c *Conn) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.out.statsLocked()
}

// InboundStats returns the counters of what was read so far, when the
// Conn impairs reads; otherwise zero, since reads pass through uncounted.
func (c *Conn) InboundStats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.in == nil {
		return Stats{}
	}
	return c.in.statsLocked()
}

func (p *path) statsLocked() Stats {
	s := p.stats
	s.Pending = uint64(p.pending())
	return s
}

// ReadFrom reads the next datagram. When the Conn impairs reads, the
// datagram has been through the simulated network: it waited its delay
// and was not lost; otherwise ReadFrom reads the wrapped conn directly.
// As with UDP, a datagram longer than p is cut to len(p). After Close,
// ReadFrom fails with an error wrapping [net.ErrClosed]; past the read
// deadline, with one wrapping [os.ErrDeadlineExceeded].
func (c *Conn) ReadFrom(p []byte) (int, net.Addr, error) {
	if c.in == nil {
		return c.inner.ReadFrom(p)
	}
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		c.mu.Lock()
		switch {
		case c.closed:
			c.mu.Unlock()
			return 0, nil, c.opError("read", nil, net.ErrClosed)
		case c.readErr != nil:
			err := c.readErr
			c.readErr = nil
			c.mu.Unlock()
			return 0, nil, err
		case len(c.in.ready) > 0:
			d := c.in.ready[0]
			c.in.ready[0] = datagram{}
			c.in.ready = c.in.ready[1:]
			n := copy(p, d.buf.b)
			c.in.stats.Delivered++
			c.in.stats.DeliveredBytes += uint64(len(d.buf.b))
			more := len(c.in.ready) > 0
			c.mu.Unlock()
			d.buf.free()
			if more {
				signal(c.readable) // for another reader
			}
			return n, d.addr, nil
		case c.readBroken != nil:
			err := c.readBroken
			c.mu.Unlock()
			return 0, nil, err
		}
		dl, changed := c.readDeadline, c.deadlineSet
		c.mu.Unlock()

		var expired <-chan time.Time
		if !dl.IsZero() {
			wait := time.Until(dl)
			if wait <= 0 {
				return 0, nil, c.opError("read", nil, os.ErrDeadlineExceeded)
			}
			if timer == nil {
				timer = time.NewTimer(wait)
			} else {
				timer.Reset(wait)
			}
			expired = timer.C
		}
		select {
		case <-c.readable:
		case <-changed:
		case <-c.done:
		case <-expired:
		}
	}
}

// readLoop reads the wrapped conn and hands each datagram to the inbound
// path, until the Conn or the wrapped conn closes.
func (c *Conn) readLoop() {
	defer c.wg.Done()
	buf := make([]byte, maxRead)
	for {
		n, addr, err := c.inner.ReadFrom(buf)
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return
		}
		if err != nil {
			ended := errors.Is(err, net.ErrClosed)
			if ended {
				c.readBroken = err
				c.in.stats.Discarded += uint64(len(c.in.q))
				c.in.q = nil
			} else {
				// A transient error such as an ICMP port unreachable:
				// the next ReadFrom reports it, as the socket would.
				c.readErr = err
			}
			c.mu.Unlock()
			signal(c.readable)
			if ended {
				return
			}
			continue
		}
		now := time.Since(c.epoch)
		wake := c.in.admitLocked(now, buf[:n], netip.AddrPort{}, addr)
		ready := c.in.promoteLocked(now) // what is due at once skips the scheduler
		c.mu.Unlock()
		if wake {
			signal(c.in.wake)
		}
		if ready {
			signal(c.readable)
		}
	}
}

// promoteLocked moves the datagrams of p due by now to p.ready and reports
// whether it moved any.
func (p *path) promoteLocked(now time.Duration) bool {
	moved := false
	for len(p.q) > 0 && p.q[0].due <= now {
		p.ready = append(p.ready, p.q.pop())
		moved = true
	}
	return moved
}

// runInbound is the inbound scheduler: it hands each datagram read to
// ReadFrom when it is due, until Close.
func (c *Conn) runInbound() {
	defer c.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		c.mu.Lock()
		if c.closed {
			c.mu.Unlock()
			return
		}
		now := time.Since(c.epoch)
		moved := c.in.promoteLocked(now)
		wait := time.Duration(-1)
		if len(c.in.q) > 0 {
			wait = c.in.q[0].due - now
		}
		c.in.idle = true
		c.mu.Unlock()
		if moved {
			signal(c.readable)
		}
		if wait >= 0 {
			timer.Reset(wait)
		} else {
			timer.Stop()
		}
		select {
		case <-c.done:
			return
		case <-c.in.wake:
		case <-timer.C:
		}
	}
}

// LocalAddr returns the wrapped conn's local address.
func (c *Conn) LocalAddr() net.Addr { return c.inner.LocalAddr() }

// SetDeadline sets the read and write deadlines; see SetReadDeadline and
// SetWriteDeadline.
func (c *Conn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}

// SetReadDeadline makes ReadFrom calls fail with an error wrapping
// [os.ErrDeadlineExceeded] once t has passed, including a call already
// waiting; the zero time removes the deadline. Without an inbound
// impairment it sets the wrapped conn's read deadline.
func (c *Conn) SetReadDeadline(t time.Time) error {
	if c.in == nil {
		return c.inner.SetReadDeadline(t)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return c.opError("set", nil, net.ErrClosed)
	}
	c.readDeadline = t
	close(c.deadlineSet)
	c.deadlineSet = make(chan struct{})
	return nil
}

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
	wake := c.out.admitLocked(time.Since(c.epoch), p, ap, addr)
	c.mu.Unlock()
	if wake {
		signal(c.out.wake)
	}
	return len(p), nil
}

// run is the outbound scheduler: it writes each datagram to the wrapped
// conn when it is due, until Close.
func (c *Conn) run() {
	defer c.wg.Done()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	var (
		batch []datagram // taken out of q, being written
		t     tally      // what became of batch
	)
	out := c.out
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
		for len(out.q) > 0 && out.q[0].due <= now {
			batch = append(batch, out.q.pop())
		}
		out.writing = len(batch)
		wait := time.Duration(-1)
		if len(out.q) > 0 {
			wait = out.q[0].due - now
		}
		out.idle = len(batch) == 0
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
		case <-out.wake:
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
	out := c.out
	out.stats.Delivered += t.delivered
	out.stats.DeliveredBytes += t.bytes
	out.stats.Failed += t.failed
	out.stats.Discarded += t.discarded
	out.writing = 0
	if t.broken != nil && c.broken == nil && !c.closed {
		c.broken = t.broken
		out.stats.Discarded += uint64(len(out.q))
		out.q = nil
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

// Close discards the datagrams still in flight either way, stops the
// Conn's goroutines and closes the wrapped conn, returning the latter's
// error. Calling Close again does nothing and returns nil.
func (c *Conn) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	c.out.stats.Discarded += uint64(len(c.out.q))
	c.out.q = nil
	if in := c.in; in != nil {
		in.stats.Discarded += uint64(len(in.q) + len(in.ready))
		in.q, in.ready = nil, nil
	}
	c.mu.Unlock()
	close(c.done)
	err := c.inner.Close() // also interrupts a write the scheduler is blocked in, and the reader
	c.wg.Wait()
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
