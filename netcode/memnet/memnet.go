package memnet

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Errors a Network returns, wrapped in a [*net.OpError] as the net
// package's own would be.
var (
	// ErrAddrInUse: Listen on an address where a socket is bound already.
	ErrAddrInUse = errors.New("memnet: address already in use")
	// ErrNoFreePort: Listen on port 0 of an address whose every port in
	// the ephemeral range is taken.
	ErrNoFreePort = errors.New("memnet: no free port")
	// ErrBadAddress: an address that is not an IP address and port, or a
	// destination that is not a *net.UDPAddr.
	ErrBadAddress = errors.New("memnet: bad address")
	// ErrTooLarge: a datagram longer than MaxDatagram.
	ErrTooLarge = errors.New("memnet: datagram too large")
	// ErrBadConfig: a Config field out of range.
	ErrBadConfig = errors.New("memnet: bad config")
)

// MaxDatagram is the longest datagram WriteTo sends, the largest UDP
// payload over IPv4.
const MaxDatagram = 65507

// The ports a socket bound to port 0 gets, as Linux and the IANA
// suggest for ephemeral ports.
const (
	firstEphemeral = 49152
	lastEphemeral  = 65535
)

// Config sets up a Network. The zero value of a field selects its default.
type Config struct {
	// QueueLen is how many datagrams a socket holds unread; one more
	// that arrives is dropped, as a full socket buffer drops it. Default
	// 1024, at most 1<<20.
	QueueLen int
}

// DefaultConfig returns the defaults: a queue of 1024 datagrams a socket.
func DefaultConfig() Config { return Config{QueueLen: 1024} }

// Validate reports a field out of range, with an error wrapping
// ErrBadConfig. Zero fields are valid: they select the default.
func (c Config) Validate() error {
	if c.QueueLen < 0 || c.QueueLen > 1<<20 {
		return fmt.Errorf("%w: QueueLen %d out of [0, %d]", ErrBadConfig, c.QueueLen, 1<<20)
	}
	return nil
}

func (c Config) withDefaults() Config {
	d := DefaultConfig()
	if c.QueueLen == 0 {
		c.QueueLen = d.QueueLen
	}
	return c
}

// Network is a set of sockets that send datagrams to each other by
// address. It is safe for concurrent use. It holds no goroutine and
// needs no closing: a Network whose sockets are closed is garbage.
type Network struct {
	cfg Config

	mu       sync.RWMutex
	socks    map[netip.AddrPort]*Conn
	nextPort uint16 // the next ephemeral port to try
}

// New returns an empty network; a nil cfg means DefaultConfig. It fails
// only for an invalid cfg.
func New(cfg *Config) (*Network, error) {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return &Network{cfg: c.withDefaults(), socks: make(map[netip.AddrPort]*Conn), nextPort: firstEphemeral}, nil
}

// ListenPacket opens a socket as [net.ListenPacket] would: network is
// "udp", "udp4" or "udp6" and address "ip:port"; an empty ip (":0") means
// the unspecified address of the network's family, and port 0 a free
// port. See Listen.
func (n *Network) ListenPacket(network, address string) (net.PacketConn, error) {
	c, err := n.listenString(network, address)
	if err != nil {
		return nil, err // not a typed nil in the interface
	}
	return c, nil
}

func (n *Network) listenString(network, address string) (*Conn, error) {
	opErr := func(err error) error {
		return &net.OpError{Op: "listen", Net: network, Err: fmt.Errorf("%w: %q: %v", ErrBadAddress, address, err)}
	}
	host, port, err := net.SplitHostPort(address)
	if err != nil {
		return nil, opErr(err)
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return nil, opErr(err)
	}
	var ip netip.Addr
	switch {
	case host != "":
		if ip, err = netip.ParseAddr(host); err != nil {
			return nil, opErr(err)
		}
	case network == "udp6":
		ip = netip.IPv6Unspecified()
	default:
		ip = netip.IPv4Unspecified()
	}
	ip = ip.Unmap()
	switch {
	case network == "udp4" && !ip.Is4(), network == "udp6" && !ip.Is6():
		return nil, opErr(errors.New("address of the other family"))
	case network != "udp" && network != "udp4" && network != "udp6":
		return nil, &net.OpError{Op: "listen", Net: network, Err: net.UnknownNetworkError(network)}
	}
	return n.Listen(netip.AddrPortFrom(ip, uint16(p)))
}

// Listen opens a socket bound to addr. Port 0 picks a free port; the
// unspecified address (0.0.0.0, ::) binds the loopback address of its
// family. An address that is bound already fails with an error wrapping
// ErrAddrInUse.
func (n *Network) Listen(addr netip.AddrPort) (*Conn, error) {
	ip := addr.Addr().Unmap()
	if !ip.IsValid() {
		return nil, &net.OpError{Op: "listen", Net: "udp", Err: fmt.Errorf("%w: no IP address in %v", ErrBadAddress, addr)}
	}
	if ip.IsUnspecified() {
		if ip.Is4() {
			ip = netip.AddrFrom4([4]byte{127, 0, 0, 1})
		} else {
			ip = netip.IPv6Loopback()
		}
	}
	ip = ip.WithZone("")
	n.mu.Lock()
	defer n.mu.Unlock()
	ap := netip.AddrPortFrom(ip, addr.Port())
	if addr.Port() == 0 {
		free := false
		for range lastEphemeral - firstEphemeral + 1 {
			ap = netip.AddrPortFrom(ip, n.nextPort)
			if n.nextPort == lastEphemeral {
				n.nextPort = firstEphemeral
			} else {
				n.nextPort++
			}
			if n.socks[ap] == nil {
				free = true
				break
			}
		}
		if !free {
			return nil, &net.OpError{Op: "listen", Net: "udp", Addr: net.UDPAddrFromAddrPort(addr), Err: ErrNoFreePort}
		}
	} else if n.socks[ap] != nil {
		return nil, &net.OpError{Op: "listen", Net: "udp", Addr: net.UDPAddrFromAddrPort(ap), Err: ErrAddrInUse}
	}
	c := &Conn{
		net:         n,
		addr:        ap,
		queue:       make(chan datagram, n.cfg.QueueLen),
		done:        make(chan struct{}),
		deadlineSet: make(chan struct{}),
	}
	n.socks[ap] = c
	return c, nil
}

// deliver puts a copy of b from from in the queue of the socket bound at
// to, if there is one and its queue has room.
func (n *Network) deliver(b []byte, from, to netip.AddrPort) (routed, queued bool) {
	n.mu.RLock()
	dst := n.socks[to]
	n.mu.RUnlock()
	if dst == nil {
		return false, false
	}
	d := datagram{b: append([]byte(nil), b...), from: from}
	select {
	case dst.queue <- d:
		return true, true
	default:
		dst.stats.overflowed.Add(1)
		return true, false
	}
}

func (n *Network) unbind(c *Conn) {
	n.mu.Lock()
	if n.socks[c.addr] == c {
		delete(n.socks, c.addr)
	}
	n.mu.Unlock()
}

// datagram is one datagram in a socket's queue.
type datagram struct {
	b    []byte
	from netip.AddrPort
}

// Stats counts what a socket did.
type Stats struct {
	// Sent is the number of datagrams WriteTo accepted, including the ones
	// the network then dropped.
	Sent uint64
	// Unrouted is the number of those sent to an address where no socket
	// was bound.
	Unrouted uint64
	// Received is the number of datagrams ReadFrom returned.
	Received uint64
	// Overflowed is the number of datagrams that arrived while this
	// socket's queue was full, and were dropped.
	Overflowed uint64
}

type counters struct {
	sent, unrouted, received, overflowed atomic.Uint64
}

// Conn is one socket of a Network, a [net.PacketConn]. It is safe for
// concurrent use.
type Conn struct {
	net   *Network
	addr  netip.AddrPort
	queue chan datagram // never closed: writers may race with Close
	done  chan struct{} // closed by Close
	once  sync.Once
	stats counters

	mu            sync.Mutex
	readDeadline  time.Time
	writeDeadline time.Time
	deadlineSet   chan struct{} // closed and replaced when readDeadline changes
}

var _ net.PacketConn = (*Conn)(nil)

// LocalAddr returns the address the socket is bound to, a *net.UDPAddr.
func (c *Conn) LocalAddr() net.Addr { return net.UDPAddrFromAddrPort(c.addr) }

// AddrPort returns the address the socket is bound to.
func (c *Conn) AddrPort() netip.AddrPort { return c.addr }

// Stats returns the socket's counters.
func (c *Conn) Stats() Stats {
	return Stats{
		Sent:       c.stats.sent.Load(),
		Unrouted:   c.stats.unrouted.Load(),
		Received:   c.stats.received.Load(),
		Overflowed: c.stats.overflowed.Load(),
	}
}

func (c *Conn) isClosed() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// ReadFrom waits for the next datagram and copies it into p; a datagram
// longer than p is cut to len(p), as UDP would. The address is the
// sender's, a *net.UDPAddr. Past the read deadline ReadFrom fails with an
// error wrapping os.ErrDeadlineExceeded (a net.Error whose Timeout is
// true); after Close, with one wrapping net.ErrClosed.
func (c *Conn) ReadFrom(p []byte) (int, net.Addr, error) {
	n, from, err := c.ReadFromUDPAddrPort(p)
	if err != nil {
		return 0, nil, err
	}
	return n, net.UDPAddrFromAddrPort(from), nil
}

// ReadFromUDPAddrPort is ReadFrom with the sender as a netip.AddrPort, as
// on a [*net.UDPConn].
func (c *Conn) ReadFromUDPAddrPort(p []byte) (int, netip.AddrPort, error) {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for {
		if c.isClosed() {
			return 0, netip.AddrPort{}, c.opError("read", nil, net.ErrClosed)
		}
		select {
		case d := <-c.queue:
			return c.received(p, d)
		default:
		}
		c.mu.Lock()
		dl, changed := c.readDeadline, c.deadlineSet
		c.mu.Unlock()
		var expired <-chan time.Time
		if !dl.IsZero() {
			wait := time.Until(dl)
			if wait <= 0 {
				return 0, netip.AddrPort{}, c.opError("read", nil, os.ErrDeadlineExceeded)
			}
			if timer == nil {
				timer = time.NewTimer(wait)
			} else {
				timer.Reset(wait)
			}
			expired = timer.C
		}
		select {
		case d := <-c.queue:
			if c.isClosed() {
				return 0, netip.AddrPort{}, c.opError("read", nil, net.ErrClosed)
			}
			return c.received(p, d)
		case <-c.done:
		case <-changed:
		case <-expired:
		}
	}
}

func (c *Conn) received(p []byte, d datagram) (int, netip.AddrPort, error) {
	c.stats.received.Add(1)
	return copy(p, d.b), d.from, nil
}

// WriteTo sends a copy of p to addr, a *net.UDPAddr, and returns len(p)
// without waiting: a datagram the network drops (nobody bound at addr, a
// full queue there) reports success too, as UDP would. p may be reused as
// soon as WriteTo returns. After Close, or once the write deadline has
// passed, WriteTo fails.
func (c *Conn) WriteTo(p []byte, addr net.Addr) (int, error) {
	ua, ok := addr.(*net.UDPAddr)
	if !ok || ua == nil {
		return 0, c.opError("write", addr, fmt.Errorf("%w: %T is not a *net.UDPAddr", ErrBadAddress, addr))
	}
	return c.WriteToUDPAddrPort(p, ua.AddrPort())
}

// WriteToUDPAddrPort is WriteTo with the destination as a netip.AddrPort,
// as on a [*net.UDPConn].
func (c *Conn) WriteToUDPAddrPort(p []byte, addr netip.AddrPort) (int, error) {
	to := netip.AddrPortFrom(addr.Addr().Unmap().WithZone(""), addr.Port())
	var err error
	switch {
	case c.isClosed():
		err = net.ErrClosed
	case !to.Addr().IsValid():
		err = fmt.Errorf("%w: no IP address in %v", ErrBadAddress, addr)
	case len(p) > MaxDatagram:
		err = fmt.Errorf("%w: %d bytes, at most %d", ErrTooLarge, len(p), MaxDatagram)
	default:
		c.mu.Lock()
		dl := c.writeDeadline
		c.mu.Unlock()
		if !dl.IsZero() && !time.Now().Before(dl) {
			err = os.ErrDeadlineExceeded
		}
	}
	if err != nil {
		return 0, c.opError("write", net.UDPAddrFromAddrPort(addr), err)
	}
	c.stats.sent.Add(1)
	if routed, _ := c.net.deliver(p, c.addr, to); !routed {
		c.stats.unrouted.Add(1)
	}
	return len(p), nil
}

// SetDeadline sets the read and write deadlines.
func (c *Conn) SetDeadline(t time.Time) error {
	if err := c.SetReadDeadline(t); err != nil {
		return err
	}
	return c.SetWriteDeadline(t)
}

// SetReadDeadline makes ReadFrom fail with an error wrapping
// os.ErrDeadlineExceeded once t has passed, a call already waiting
// included; the zero time removes the deadline.
func (c *Conn) SetReadDeadline(t time.Time) error {
	if c.isClosed() {
		return c.opError("set", nil, net.ErrClosed)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.readDeadline = t
	close(c.deadlineSet)
	c.deadlineSet = make(chan struct{})
	return nil
}

// SetWriteDeadline makes WriteTo fail with an error wrapping
// os.ErrDeadlineExceeded once t has passed; the zero time removes the
// deadline. WriteTo never waits, so only a deadline that has passed
// matters.
func (c *Conn) SetWriteDeadline(t time.Time) error {
	if c.isClosed() {
		return c.opError("set", nil, net.ErrClosed)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writeDeadline = t
	return nil
}

// Close unbinds the socket, so that its address may be bound again, and
// makes waiting and later ReadFrom calls fail with an error wrapping
// net.ErrClosed; datagrams still queued are discarded. Closing again
// fails with net.ErrClosed, as a *net.UDPConn does.
func (c *Conn) Close() error {
	closed := false
	c.once.Do(func() {
		closed = true
		close(c.done)
		c.net.unbind(c)
	})
	if !closed {
		return c.opError("close", nil, net.ErrClosed)
	}
	return nil
}

// opError builds the error a *net.UDPConn would return.
func (c *Conn) opError(op string, addr net.Addr, err error) error {
	return &net.OpError{Op: op, Net: "udp", Source: c.LocalAddr(), Addr: addr, Err: err}
}

// String describes c for logs.
func (c *Conn) String() string { return "memnet.Conn(" + c.addr.String() + ")" }
