// Package rendezvous lets two players who share a secret find each other's
// public address through the BitTorrent mainline DHT, with no server of
// their own. Each side announces itself under an infohash derived from the
// secret, with the implied port, so that the DHT nodes record the address
// and port its NAT shows them; each side looks up the other's infohash.
//
// The DHT node runs on the caller's socket (github.com/anacrolix/dht/v2): the
// caller hands in a way to send and passes it the datagrams that look like
// KRPC (a bencoded dictionary: they start with 'd'). The node is passive:
// it answers no one's queries, so it stores nothing for others and keeps
// only its routing table; and it takes datagrams only from the nodes it has
// queried lately, so a stranger cannot make it parse anything.
package rendezvous

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/anacrolix/dht/v2"
	"github.com/anacrolix/dht/v2/krpc"
	alog "github.com/anacrolix/log"
	"golang.org/x/time/rate"
)

// ErrClosed: the DHT node was closed.
var ErrClosed = errors.New("rendezvous: closed")

// Config sets up a DHT node.
type Config struct {
	// Send sends one datagram from the shared socket. Required.
	Send func(b []byte, to netip.AddrPort) error
	// LocalAddr is the shared socket's address.
	LocalAddr net.Addr
	// Bootstrap lists the nodes to start from, "host:port". Empty means
	// the DHT's well-known routers.
	Bootstrap []string
	// Resolve turns a bootstrap "host:port" into addresses. Nil takes IP
	// literals only.
	Resolve func(ctx context.Context, hostport string) ([]netip.AddrPort, error)
	// QueriesPerSecond bounds what the node sends. Default 50.
	QueriesPerSecond float64
	// QueryResend is how long a query waits for an answer before it is sent
	// again. Default 2 s, the DHT's own; a test on one machine may shorten it.
	QueryResend time.Duration
	// Logger receives the DHT's diagnostics at debug level. Nil discards.
	Logger *slog.Logger
}

// Node is a passive DHT node on a shared socket.
type Node struct {
	cfg  Config
	srv  *dht.Server
	conn *pipeConn
}

// New starts a DHT node. It sends nothing until Announce or Lookup.
func New(cfg Config) (*Node, error) {
	if cfg.Send == nil || cfg.LocalAddr == nil {
		return nil, errors.New("rendezvous: Config.Send and LocalAddr are required")
	}
	if cfg.QueriesPerSecond <= 0 {
		cfg.QueriesPerSecond = 50
	}
	if cfg.QueryResend <= 0 {
		cfg.QueryResend = 2 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Resolve == nil {
		cfg.Resolve = literal
	}
	n := &Node{cfg: cfg}
	n.conn = newPipeConn(cfg.Send, cfg.LocalAddr)
	sc := dht.NewDefaultServerConfig()
	sc.Conn = n.conn
	sc.Passive = true
	sc.NoSecurity = true
	sc.SendLimiter = rate.NewLimiter(rate.Limit(cfg.QueriesPerSecond), int(cfg.QueriesPerSecond))
	sc.QueryResendDelay = func() time.Duration { return cfg.QueryResend }
	sc.StartingNodes = n.startingNodes
	sc.Logger = slogLogger(cfg.Logger)
	srv, err := dht.NewServer(sc)
	if err != nil {
		return nil, fmt.Errorf("rendezvous: %w", err)
	}
	n.srv = srv
	return n, nil
}

func (n *Node) startingNodes() ([]dht.Addr, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var out []dht.Addr
	if len(n.cfg.Bootstrap) == 0 {
		return dht.GlobalBootstrapAddrs("udp")
	}
	for _, hp := range n.cfg.Bootstrap {
		aps, err := n.cfg.Resolve(ctx, hp)
		if err != nil {
			n.cfg.Logger.Debug("dht bootstrap node", "node", hp, "err", err)
			continue
		}
		for _, ap := range aps {
			out = append(out, dht.NewAddr(net.UDPAddrFromAddrPort(ap)))
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("rendezvous: no bootstrap node resolved from %v", n.cfg.Bootstrap)
	}
	return out, nil
}

// literal is the Resolve of a Config that gives none: IP literals only.
func literal(_ context.Context, hostport string) ([]netip.AddrPort, error) {
	ap, err := netip.ParseAddrPort(hostport)
	if err != nil {
		return nil, err
	}
	return []netip.AddrPort{netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())}, nil
}

// Deliver hands the node a datagram that arrived on the shared socket. It
// is dropped, and Deliver reports false, unless it comes from a node this
// one queried lately and the node's queue has room.
func (n *Node) Deliver(b []byte, from netip.AddrPort) bool { return n.conn.deliver(b, from) }

// Announce tells the DHT nodes closest to infohash that this socket is a
// peer of it: at port, or with port 0 at the implied port, the one each
// node sees the announce come from (the NAT's mapping). It returns once
// the closest nodes were asked, with the peers they already hold.
func (n *Node) Announce(ctx context.Context, infohash [20]byte, port uint16) ([]netip.AddrPort, error) {
	return n.traverse(ctx, infohash, true, port)
}

// Lookup asks the DHT for the peers of infohash.
func (n *Node) Lookup(ctx context.Context, infohash [20]byte) ([]netip.AddrPort, error) {
	return n.traverse(ctx, infohash, false, 0)
}

func (n *Node) traverse(ctx context.Context, infohash [20]byte, announce bool, port uint16) ([]netip.AddrPort, error) {
	var opts []dht.AnnounceOpt
	if announce {
		opts = append(opts, dht.AnnouncePeer(dht.AnnouncePeerOpts{Port: int(port), ImpliedPort: port == 0}))
	}
	a, err := n.srv.AnnounceTraversal(infohash, opts...)
	if err != nil {
		return nil, fmt.Errorf("rendezvous: %w", err)
	}
	defer func() {
		// Stop, and wait for the traversal's goroutines to end, so that
		// none outlives the caller: they end once the queries under way
		// are answered or given up, or the node closes.
		a.Close()
		t := time.NewTimer(2 * n.cfg.QueryResend)
		defer t.Stop()
		for {
			select {
			case _, ok := <-a.Peers:
				if !ok {
					return
				}
			case <-t.C:
				return
			}
		}
	}()
	var out []netip.AddrPort
	seen := map[netip.AddrPort]bool{}
	for {
		select {
		case pv, ok := <-a.Peers:
			if !ok { // the traversal ended, and its announces with it
				return out, nil
			}
			for _, p := range pv.Peers {
				if ap, ok := addrPort(p); ok && !seen[ap] {
					seen[ap] = true
					out = append(out, ap)
				}
			}
		case <-ctx.Done():
			return out, ctx.Err()
		}
	}
}

func addrPort(p krpc.NodeAddr) (netip.AddrPort, bool) {
	ip, ok := netip.AddrFromSlice(p.IP)
	if !ok || p.Port <= 0 || p.Port >= 1<<16 {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(ip.Unmap(), uint16(p.Port)), true
}

// Stats reports the node's routing table and traffic.
type Stats struct {
	Nodes, GoodNodes int
	Sent, Received   uint64
	Dropped          uint64 // datagrams from nodes not queried, or over the queue
}

// Stats returns the node's figures.
func (n *Node) Stats() Stats {
	s := n.srv.Stats()
	n.conn.mu.Lock()
	defer n.conn.mu.Unlock()
	return Stats{Nodes: s.Nodes, GoodNodes: s.GoodNodes, Sent: n.conn.sent, Received: n.conn.received, Dropped: n.conn.dropped}
}

// Close stops the node. Lookups under way end.
func (n *Node) Close() {
	n.srv.Close()
	n.conn.Close()
}

// pipeConn is the net.PacketConn the DHT server talks through: it reads the
// datagrams the caller delivers and sends through the caller's socket,
// remembering whom it sent to.
type pipeConn struct {
	send  func([]byte, netip.AddrPort) error
	local net.Addr

	mu       sync.Mutex
	queried  map[netip.AddrPort]time.Time // whom the node sent to, and when
	in       chan datagram
	closed   chan struct{}
	once     sync.Once
	sent     uint64
	received uint64
	dropped  uint64
}

type datagram struct {
	b    []byte
	from netip.AddrPort
}

const (
	// queryMemory is how long an address the node sent to may answer.
	queryMemory = time.Minute
	// maxQueried bounds the addresses remembered; the oldest go first.
	maxQueried = 4096
	queueLen   = 256
)

func newPipeConn(send func([]byte, netip.AddrPort) error, local net.Addr) *pipeConn {
	return &pipeConn{send: send, local: local, queried: make(map[netip.AddrPort]time.Time),
		in: make(chan datagram, queueLen), closed: make(chan struct{})}
}

func (c *pipeConn) deliver(b []byte, from netip.AddrPort) bool {
	from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
	c.mu.Lock()
	at, ok := c.queried[from]
	if !ok || time.Since(at) > queryMemory {
		c.dropped++
		c.mu.Unlock()
		return false
	}
	c.mu.Unlock()
	select {
	case c.in <- datagram{append([]byte(nil), b...), from}:
		c.mu.Lock()
		c.received++
		c.mu.Unlock()
		return true
	default:
		c.mu.Lock()
		c.dropped++
		c.mu.Unlock()
		return false
	}
}

func (c *pipeConn) ReadFrom(p []byte) (int, net.Addr, error) {
	select {
	case d := <-c.in:
		return copy(p, d.b), net.UDPAddrFromAddrPort(d.from), nil
	case <-c.closed:
		return 0, nil, net.ErrClosed
	}
}

func (c *pipeConn) WriteTo(p []byte, addr net.Addr) (int, error) {
	ua, ok := addr.(*net.UDPAddr)
	if !ok {
		return 0, fmt.Errorf("rendezvous: not a UDP address: %v", addr)
	}
	to := ua.AddrPort()
	to = netip.AddrPortFrom(to.Addr().Unmap(), to.Port())
	select {
	case <-c.closed:
		return 0, net.ErrClosed
	default:
	}
	c.mu.Lock()
	now := time.Now()
	if _, ok := c.queried[to]; !ok && len(c.queried) >= maxQueried {
		for a, t := range c.queried {
			if now.Sub(t) > queryMemory || len(c.queried) >= maxQueried {
				delete(c.queried, a)
			}
		}
	}
	c.queried[to] = now
	c.sent++
	c.mu.Unlock()
	if err := c.send(p, to); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (c *pipeConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return nil
}

func (c *pipeConn) LocalAddr() net.Addr                { return c.local }
func (c *pipeConn) SetDeadline(t time.Time) error      { return nil }
func (c *pipeConn) SetReadDeadline(t time.Time) error  { return nil }
func (c *pipeConn) SetWriteDeadline(t time.Time) error { return nil }

// slogLogger turns the DHT's log messages into debug records of l.
func slogLogger(l *slog.Logger) alog.Logger {
	lg := alog.NewLogger("dht")
	lg.Handlers = []alog.Handler{slogHandler{l}}
	return lg
}

type slogHandler struct{ l *slog.Logger }

func (h slogHandler) Handle(r alog.Record) {
	h.l.Debug(r.Msg.String(), "dht-level", r.Level.LogString())
}
