package netcode

import (
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"

	kcp "github.com/xtaci/kcp-go/v5"
	"golang.org/x/net/ipv4"

	"github.com/peerstep/peerstep/netcode/internal/seal"
)

// maxDatagram bounds what the endpoint reads; larger datagrams are cut and
// then fail authentication.
const maxDatagram = 2048

// endpoint owns a peer's one UDP socket and demultiplexes what arrives on
// it: handshake datagrams go to the lobby, link datagrams to the link their
// ID names. Anything else, or anything that does not open, is dropped and
// counted before any decoding.
type endpoint struct {
	conn net.PacketConn
	log  *slog.Logger

	mu    sync.RWMutex
	links map[uint32]*link // by the ID the remote side seals with

	// handshake receives handshake and reject datagrams. It is called on
	// the read goroutine and must not block; b is only valid during the call.
	handshake func(kind byte, from netip.AddrPort, b []byte)
	// other is offered datagrams that may be someone else's protocol on
	// this socket (STUN answers, the DHT's KRPC) before they are taken for
	// peerstep's; it reports whether it took one. Read goroutine only.
	other func(b []byte, from netip.AddrPort) bool

	received      atomic.Uint64 // datagrams read
	dropped       atomic.Uint64 // datagrams that did not open or had no home
	droppedReplay atomic.Uint64 // authentic datagrams seen before
	relayed       atomic.Uint64 // bytes forwarded between two other players

	// kcpClock is a KCP object never updated, whose Check reads KCP's
	// clock for the links; safe for concurrent use, as Check then
	// writes nothing.
	kcpClock *kcp.KCP

	done chan struct{}
	wg   sync.WaitGroup
}

func newEndpoint(conn net.PacketConn, log *slog.Logger) *endpoint {
	return &endpoint{
		conn:     conn,
		log:      log,
		links:    make(map[uint32]*link),
		kcpClock: kcp.NewKCP(0, func([]byte, int) {}),
		done:     make(chan struct{}),
	}
}

func (e *endpoint) start() {
	e.wg.Add(1)
	go e.readLoop()
}

// localAddr returns the bound address.
func (e *endpoint) localAddr() netip.AddrPort {
	if ua, ok := e.conn.LocalAddr().(*net.UDPAddr); ok {
		return ua.AddrPort()
	}
	ap, _ := netip.ParseAddrPort(e.conn.LocalAddr().String())
	return ap
}

func (e *endpoint) addLink(l *link) {
	e.mu.Lock()
	e.links[l.recvID] = l
	e.mu.Unlock()
}

func (e *endpoint) removeLink(l *link) {
	e.mu.Lock()
	if e.links[l.recvID] == l {
		delete(e.links, l.recvID)
	}
	e.mu.Unlock()
}

func (e *endpoint) link(id uint32) *link {
	e.mu.RLock()
	l := e.links[id]
	e.mu.RUnlock()
	return l
}

func (e *endpoint) writeTo(b []byte, to netip.AddrPort) error {
	// *net.UDPConn and netsim.Conn take the address as it is; WriteTo
	// would build a *net.UDPAddr for every datagram.
	if w, ok := e.conn.(addrPortWriter); ok {
		_, err := w.WriteToUDPAddrPort(b, to)
		return err
	}
	_, err := e.conn.WriteTo(b, net.UDPAddrFromAddrPort(to))
	return err
}

// sendBatch gathers datagrams for one call that sends them all (sendmmsg
// on Linux): a tick's datagrams to every player cost one system call
// rather than one each. Not safe for concurrent use: the match's, under
// its mutex.
type sendBatch struct {
	pc    *ipv4.PacketConn
	msgs  []ipv4.Message
	addrs []net.UDPAddr
	n     int
	log   *slog.Logger
}

// maxBatch bounds the datagrams one sendBatch holds; a fuller batch is
// sent before more are added.
const maxBatch = 64

// newBatch returns a sendBatch for e's socket, or nil when the socket is
// not an IPv4 *net.UDPConn (the simulator, a dual-stack socket: x/net
// writes IPv4 addresses only as IPv4 socket addresses), whose datagrams
// then go one by one.
func (e *endpoint) newBatch() *sendBatch {
	uc, ok := e.conn.(*net.UDPConn)
	if !ok {
		return nil
	}
	if la, ok := uc.LocalAddr().(*net.UDPAddr); !ok || la.IP.To4() == nil {
		return nil
	}
	return &sendBatch{pc: ipv4.NewPacketConn(uc), log: e.log}
}

// slot returns an empty buffer to seal the next datagram into.
func (b *sendBatch) slot() []byte {
	if b.n == maxBatch {
		b.flush()
	}
	if b.n == len(b.msgs) {
		b.msgs = append(b.msgs, ipv4.Message{Buffers: [][]byte{make([]byte, 0, maxDatagram)}})
		b.addrs = append(b.addrs, net.UDPAddr{IP: make(net.IP, 4)})
	}
	return b.msgs[b.n].Buffers[0][:0]
}

// add queues d, sealed into the buffer slot returned, for the IPv4
// address to.
func (b *sendBatch) add(d []byte, to netip.AddrPort) {
	a := &b.addrs[b.n]
	ip := to.Addr().Unmap().As4()
	copy(a.IP, ip[:])
	a.Port = int(to.Port())
	m := &b.msgs[b.n]
	m.Buffers[0] = d
	m.Addr = a
	b.n++
}

// flush sends every datagram queued. A datagram the system refuses (a
// destination unreachable) is skipped: datagrams may be lost.
func (b *sendBatch) flush() {
	ms := b.msgs[:b.n]
	for len(ms) > 0 {
		n, err := b.pc.WriteBatch(ms, 0)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				break
			}
			b.log.Debug("write error", "err", err)
			n = max(n, 1)
		}
		ms = ms[n:]
	}
	b.n = 0
}

// addrPortWriter is a PacketConn that sends to a netip.AddrPort directly.
type addrPortWriter interface {
	WriteToUDPAddrPort(b []byte, addr netip.AddrPort) (int, error)
}

// readBatch is how many datagrams one read takes at most (recvmmsg on
// Linux): the datagrams that queued while the last were handled.
const readBatch = 8

func (e *endpoint) readLoop() {
	defer e.wg.Done()
	if uc, ok := e.conn.(*net.UDPConn); ok {
		if la, ok := uc.LocalAddr().(*net.UDPAddr); ok && la.IP.To4() != nil {
			e.readBatches(ipv4.NewPacketConn(uc))
			return
		}
	}
	buf := make([]byte, maxDatagram)
	for {
		n, addr, err := e.conn.ReadFrom(buf)
		if err != nil {
			if e.readFailed(err) {
				return
			}
			continue
		}
		e.received.Add(1)
		e.dispatch(buf[:n], udpAddrPort(addr))
	}
}

// readBatches is readLoop over an IPv4 UDP socket, several datagrams a
// system call.
func (e *endpoint) readBatches(pc *ipv4.PacketConn) {
	ms := make([]ipv4.Message, readBatch)
	for i := range ms {
		ms[i].Buffers = [][]byte{make([]byte, maxDatagram)}
	}
	for {
		n, err := pc.ReadBatch(ms, 0)
		if err != nil {
			if e.readFailed(err) {
				return
			}
			continue
		}
		for i := range ms[:n] {
			m := &ms[i]
			e.received.Add(1)
			if m.Addr == nil {
				e.dropped.Add(1)
				continue
			}
			e.dispatch(m.Buffers[0][:m.N], udpAddrPort(m.Addr))
		}
	}
}

// readFailed reports whether a read error ends the read loop: the socket
// closed. Any other, such as an ICMP port-unreachable reported on the
// socket, is transient: keep reading.
func (e *endpoint) readFailed(err error) bool {
	if errors.Is(err, net.ErrClosed) {
		return true
	}
	select {
	case <-e.done:
		return true
	default:
	}
	e.log.Debug("read error", "err", err)
	return false
}

func udpAddrPort(a net.Addr) netip.AddrPort {
	if ua, ok := a.(*net.UDPAddr); ok {
		ap := ua.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	ap, _ := netip.ParseAddrPort(a.String())
	return ap
}

func (e *endpoint) dispatch(b []byte, from netip.AddrPort) {
	if e.other != nil && e.other(b, from) {
		return
	}
	kind, id, ok := seal.Peek(b)
	if !ok {
		e.dropped.Add(1)
		return
	}
	switch kind {
	case seal.KindLink:
		l := e.link(id)
		if l == nil {
			e.dropped.Add(1)
			return
		}
		if err := l.receive(b, from, nil); err != nil {
			if errors.Is(err, seal.ErrReplay) {
				e.droppedReplay.Add(1)
			} else {
				e.dropped.Add(1)
			}
		}
	case seal.KindHandshake, seal.KindReject:
		if h := e.handshake; h != nil {
			h(kind, from, b)
		} else {
			e.dropped.Add(1)
		}
	default:
		e.dropped.Add(1)
	}
}

func (e *endpoint) close() {
	select {
	case <-e.done:
		return
	default:
	}
	close(e.done)
	e.conn.Close()
	e.wg.Wait()
}
