package netcode

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/netcode/internal/rendezvous"
	"github.com/peerstep/peerstep/netcode/internal/seal"
	"github.com/peerstep/peerstep/netcode/internal/stunc"
	"github.com/peerstep/peerstep/netcode/internal/wire"
	"github.com/peerstep/peerstep/netcode/netsim"
	"github.com/peerstep/peerstep/netcode/sharecode"
)

// lobbyTick is the period of the lobby loop: probes, lobby updates, liveness.
const lobbyTick = 50 * time.Millisecond

// core is the non-generic body of a Session.
type core struct {
	cfg    Config
	ep     *endpoint
	netsim *netsim.Conn
	priv   *ecdh.PrivateKey
	pub    []byte
	code   sharecode.Code
	isHost bool
	epoch  time.Time

	ticking atomic.Bool // a Ticker runs the match's ticks

	lobbyKey [32]byte
	matchID  uint32
	cookies  *seal.CookieJar // host only
	hs       chan handshakePacket
	rejects  *answerBudget // host only: answers to joiners with a wrong code

	mu           sync.Mutex
	players      []*member // lobby order: slot = index; host first
	lobbyVersion uint32
	links        map[string]*link // by remote public key
	started      bool
	startedCh    chan struct{}
	lobbyErr     error           // joiner: why the lobby ended before the start
	linkedShown  map[string]bool // lobby: players the game was told this one links to, by key
	readyShown   bool            // lobby: the game was told every player reaches every other
	events       []Event
	inbox        []inbound
	resyncIn     []resyncMsg // Resync and State messages for the next tick
	disconnected []*link
	comers       []*comer     // host: players coming back into the running match
	comersIn     []comerIn    // Comer messages for the next tick
	resume       *wire.Resume // a comer: where its engine starts, before the Start

	match matchState // touched by Tick and Close only, under match.mu

	stun       *stunc.Client
	dht        atomic.Pointer[rendezvous.Node]
	reach      reachState
	extraCands []netip.AddrPort // learned public addresses (STUN), under mu
	lan        *lanListener     // host only

	closed    chan struct{}
	closeOnce sync.Once
	wg        sync.WaitGroup
}

// member is one player in the lobby.
type member struct {
	pub          []byte
	name         string
	addrs        []netip.AddrPort
	links        uint32 // by slot, as reported for linksVersion
	linksVersion uint32
	seats        int // players on the member's machine (Config.LocalPlayers); 0 counts as 1
}

// inbound is what a link handed in for the engine, stamped with when it
// arrived so that round trips and pacing see the network, not the tick.
type inbound struct {
	from *link
	at   time.Duration // c.now() on arrival
	msgs []lockstep.Message
}

type handshakePacket struct {
	kind byte
	from netip.AddrPort
	data []byte
}

func newCore(cfg *Config, isHost bool) (*core, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if c.Rand == nil {
		c.Rand = rand.Reader
	}
	udp := c.PacketConn
	if udp == nil {
		laddr, err := net.ResolveUDPAddr("udp", c.ListenAddr)
		if err != nil {
			return nil, fmt.Errorf("%w: ListenAddr %q: %v", ErrBadConfig, c.ListenAddr, err)
		}
		if udp, err = listenUDP(laddr); err != nil {
			return nil, fmt.Errorf("netcode: listen on %s: %w", c.ListenAddr, err)
		}
	}
	conn := udp
	var sim *netsim.Conn
	if c.Network != nil && c.Network.Enabled() {
		if sim, err = netsim.Wrap(udp, *c.Network); err != nil {
			udp.Close()
			return nil, fmt.Errorf("%w: network simulation: %v", ErrBadConfig, err)
		}
		conn = sim
	}
	priv, err := seal.GenerateKey(c.Rand)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("netcode: key: %w", err)
	}
	co := &core{
		cfg:       c,
		ep:        newEndpoint(conn, c.Logger),
		netsim:    sim,
		priv:      priv,
		pub:       priv.PublicKey().Bytes(),
		isHost:    isHost,
		epoch:     time.Now(),
		links:     make(map[string]*link),
		startedCh: make(chan struct{}),
		closed:    make(chan struct{}),
		hs:        make(chan handshakePacket, 64),
		rejects:   newAnswerBudget(rejectPerSource, rejectRate, rejectBurst),
	}
	co.ep.handshake = co.onHandshake
	co.ep.other = co.onOther
	co.stun = stunc.New(co.ep.writeTo)
	return co, nil
}

func (c *core) setSecret(code sharecode.Code) {
	c.code = code
	c.lobbyKey, c.matchID = seal.DeriveLobby(code.Secret[:])
}

func (c *core) now() time.Duration { return time.Since(c.epoch) }

func (c *core) emit(e Event) {
	c.mu.Lock()
	c.events = append(c.events, e)
	c.mu.Unlock()
}

// newPeerLink opens a link to the player with public key pub.
func (c *core) newPeerLink(pub []byte, addr netip.AddrPort, cands []netip.AddrPort) (*link, error) {
	rp, err := ecdh.X25519().NewPublicKey(pub)
	if err != nil {
		return nil, fmt.Errorf("netcode: peer key: %w", err)
	}
	shared, err := c.priv.ECDH(rp)
	if err != nil {
		return nil, fmt.Errorf("netcode: key exchange: %w", err)
	}
	return newLink(c.ep, linkParams{
		secret:     c.code.Secret[:],
		localPub:   c.pub,
		remotePub:  pub,
		shared:     shared,
		tuning:     c.cfg.KCP,
		addr:       addr,
		candidates: cands,
		onMessage:  c.onMessage,
		onDatagram: c.onDatagram,
		onBroken:   c.onBroken,
	})
}

// onMessage handles one message from a link; called on the endpoint's
// read goroutine, which must not block.
func (c *core) onMessage(l *link, m wire.Message) {
	switch m := m.(type) {
	case *wire.Engine:
		at := c.now()
		msgs := c.decodeEngineMsgs(l, m.Msgs)
		c.mu.Lock()
		c.inbox = append(c.inbox, inbound{from: l, at: at, msgs: msgs})
		c.mu.Unlock()
	case *wire.Resync, *wire.State:
		c.onResyncMsg(l, m)
	case *wire.Comer:
		c.onComer(l, m)
	case *wire.Resume:
		if !c.isHost {
			c.onResume(l, m)
		}
	case *wire.Bye:
		c.peerGone(l)
	case *wire.Lobby:
		if !c.isHost {
			c.onLobby(l, m)
		}
	case *wire.Mesh:
		if c.isHost {
			c.onMesh(l, m)
		}
	case *wire.Start:
		if !c.isHost {
			c.onStart(l, m)
		}
	}
}

func (c *core) onBroken(l *link) { c.peerGone(l) }

// peerGone handles a link that said goodbye or broke.
func (c *core) peerGone(l *link) {
	l.gone.Store(true)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started {
		for _, d := range c.disconnected {
			if d == l {
				return
			}
		}
		c.disconnected = append(c.disconnected, l)
		return
	}
	if c.isHost {
		c.removeMemberLocked(l.pub)
		return
	}
	if len(c.players) > 0 && bytes.Equal(l.pub, c.players[0].pub) && c.lobbyErr == nil {
		c.lobbyErr = ErrHostLeft
		c.events = append(c.events, Event{Kind: EventHostLeft})
	}
}

// removeMemberLocked drops a player from the lobby before the start.
func (c *core) removeMemberLocked(pub []byte) {
	for i, m := range c.players {
		if i > 0 && bytes.Equal(m.pub, pub) {
			c.players = append(c.players[:i], c.players[i+1:]...)
			c.lobbyVersion++
			c.events = append(c.events, Event{Kind: EventPlayerLeft, Player: i, Name: m.name, Frame: lockstep.NoFrame})
			if l := c.links[string(pub)]; l != nil {
				delete(c.links, string(pub))
				go l.close()
			}
			return
		}
	}
}

func (c *core) close() error {
	c.closeOnce.Do(func() {
		c.leaveMatch()
		c.mu.Lock()
		links := make([]*link, 0, len(c.links))
		for _, l := range c.links {
			links = append(links, l)
		}
		c.mu.Unlock()
		for _, l := range links {
			l.write(&wire.Bye{})
		}
		for _, l := range links {
			l.flushOut()
		}
		if len(links) > 0 {
			// Let KCP put the last messages on the wire.
			time.Sleep(3 * c.cfg.KCP.Interval)
		}
		close(c.closed)
		for _, l := range links {
			l.close()
		}
		if n := c.dht.Load(); n != nil {
			n.Close()
		}
		if c.lan != nil {
			c.lan.close()
		}
		c.ep.close()
		c.wg.Wait()
		c.unmapPort() // after the goroutine that maps has ended
	})
	return nil
}

func (c *core) isClosed() bool {
	select {
	case <-c.closed:
		return true
	default:
		return false
	}
}

// waitStart blocks until the match starts, the lobby ends or ctx is done.
func (c *core) waitStart(ctx context.Context) error {
	t := time.NewTicker(lobbyTick)
	defer t.Stop()
	for {
		c.mu.Lock()
		err := c.lobbyErr
		c.mu.Unlock()
		if err != nil {
			return err
		}
		select {
		case <-c.startedCh:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("netcode: waiting for the match to start: %w", ctx.Err())
		case <-c.closed:
			return ErrClosed
		case <-t.C:
		}
	}
}

// listenUDP binds the session's socket, allowed to send to the broadcast
// address (LAN queries).
func listenUDP(laddr *net.UDPAddr) (net.PacketConn, error) {
	lc := net.ListenConfig{Control: func(network, address string, rc syscall.RawConn) error {
		var serr error
		if err := rc.Control(func(fd uintptr) {
			serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_BROADCAST, 1)
		}); err != nil {
			return err
		}
		return serr
	}}
	network := "udp" // dual-stack when bound to [::]
	if laddr.IP.To4() != nil {
		network = "udp4"
	}
	return lc.ListenPacket(context.Background(), network, laddr.String())
}
