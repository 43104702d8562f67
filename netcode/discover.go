package netcode

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/peerstep/peerstep/netcode/internal/portmap"
	"github.com/peerstep/peerstep/netcode/internal/rendezvous"
	"github.com/peerstep/peerstep/netcode/internal/seal"
	"github.com/peerstep/peerstep/netcode/internal/stunc"
	"github.com/peerstep/peerstep/netcode/internal/wire"
)

// What both a host and a joiner do to be reachable: learn the public
// address (STUN), run a DHT node on the session's socket, and, on a host,
// announce itself and knock at the joiners the DHT names.

// reachState is what the session learned of its own reachability.
type reachState struct {
	mu          sync.Mutex
	public      []netip.AddrPort // STUN answers, distinct, in the order they came
	stunAsked   int              // servers asked
	mapsPerDest bool             // two servers saw two different mappings
	dhtFound    int              // addresses the DHT gave for the other side
	mapping     *portmap.Mapping // the router's port mapping, if any
	mapErr      error            // why there is none
}

// NATInfo is what a session learned about its own network.
type NATInfo struct {
	// Public lists the public addresses STUN servers saw this socket at.
	Public []netip.AddrPort
	// MapsPerDestination: two STUN servers saw two different public
	// addresses, so the NAT gives each destination its own mapping (a
	// symmetric NAT). Direct links then need the other side to be easy to
	// reach, or a relay.
	MapsPerDestination bool
	// DHTNodes counts the DHT nodes in this session's routing table.
	DHTNodes int
	// Mapped is the public address the home router forwards to this
	// socket (NAT-PMP or UPnP-IGD, said by MapProtocol), zero when none
	// did; MapError says why not.
	Mapped      netip.AddrPort
	MapProtocol string
	MapError    string
}

// stunTimeout bounds the wait for a STUN server.
const stunTimeout = 3 * time.Second

// onOther takes the datagrams that are not peerstep's own: STUN answers to
// our requests and KRPC from DHT nodes we queried (a bencoded dictionary:
// "d"). It is the one place that tells them apart from peerstep's, whose
// first byte is a seal kind; it runs on the endpoint's read goroutine for
// every datagram, so it only looks at a few bytes before handing one on.
func (c *core) onOther(b []byte, from netip.AddrPort) bool {
	switch {
	case stunc.Looks(b):
		return c.stun.Handle(b, from)
	case len(b) > 0 && b[0] == 'd':
		if n := c.dht.Load(); n != nil {
			return n.Deliver(b, from)
		}
	}
	return false
}

// startReach starts what makes this session reachable, each in its own
// goroutine that ends with the session: STUN and the DHT node.
func (c *core) startReach() error {
	r := c.cfg.Reach
	if r.useDHT() {
		n, err := rendezvous.New(rendezvous.Config{
			Send:      c.ep.writeTo,
			LocalAddr: c.ep.conn.LocalAddr(),
			Bootstrap: r.DHTBootstrap,
			Resolve:   resolveHostPort,
			Logger:    c.cfg.Logger,
		})
		if err != nil {
			return err
		}
		c.dht.Store(n)
	}
	if r.useSTUN() {
		c.goWithSession(c.learnPublic)
	}
	if r.usePortMap() {
		c.goWithSession(c.mapPort)
	}
	return nil
}

// mapPort asks the home router to forward a public port to this socket,
// and makes the mapped address the session's first candidate.
func (c *core) mapPort(ctx context.Context) {
	m, err := portmap.Map(ctx, portmap.Config{
		InternalPort: c.ep.localAddr().Port(),
		Gateway:      c.cfg.Reach.Gateway,
		Logger:       c.cfg.Logger,
	})
	c.reach.mu.Lock()
	c.reach.mapping, c.reach.mapErr = m, err
	c.reach.mu.Unlock()
	if err != nil {
		c.cfg.Logger.Info("no port mapping", "err", err)
		return
	}
	c.cfg.Logger.Info("port mapped", "protocol", m.Protocol(), "addr", m.External())
	c.addOwnCandidate(m.External())
}

// mapped is the address the router maps to this socket, or zero.
func (c *core) mapped() netip.AddrPort {
	c.reach.mu.Lock()
	defer c.reach.mu.Unlock()
	if c.reach.mapping == nil {
		return netip.AddrPort{}
	}
	return c.reach.mapping.External()
}

// unmapPort removes the router's mapping, if any.
func (c *core) unmapPort() {
	c.reach.mu.Lock()
	m := c.reach.mapping
	c.reach.mapping = nil
	c.reach.mu.Unlock()
	if m != nil {
		if err := m.Close(); err != nil {
			c.cfg.Logger.Info("port mapping", "err", err)
		}
	}
}

// goWithSession runs f in a goroutine with a context that ends when the
// session closes; Close waits for it.
func (c *core) goWithSession(f func(ctx context.Context)) {
	ctx, cancel := context.WithCancel(context.Background())
	c.wg.Add(2)
	go func() {
		defer c.wg.Done()
		defer cancel()
		select {
		case <-c.closed:
		case <-ctx.Done():
		}
	}()
	go func() {
		defer c.wg.Done()
		defer cancel()
		f(ctx)
	}()
}

// learnPublic asks every STUN server at once where this socket is seen
// and adds the answers to the session's candidates.
func (c *core) learnPublic(ctx context.Context) {
	ctx, cancel := context.WithTimeout(ctx, stunTimeout)
	defer cancel()
	var wg sync.WaitGroup
	for _, s := range c.cfg.Reach.STUNServers {
		aps, err := resolveHostPort(ctx, s)
		if err != nil || len(aps) == 0 {
			c.cfg.Logger.Debug("STUN server", "server", s, "err", err)
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			ap, err := c.stun.Bind(ctx, aps[0])
			c.reach.mu.Lock()
			c.reach.stunAsked++
			if err == nil {
				if len(c.reach.public) > 0 && !slices.Contains(c.reach.public, ap) {
					c.reach.mapsPerDest = true
				}
				if !slices.Contains(c.reach.public, ap) {
					c.reach.public = append(c.reach.public, ap)
				}
			}
			c.reach.mu.Unlock()
			if err != nil {
				c.cfg.Logger.Debug("STUN", "server", aps[0], "err", err)
				return
			}
			c.cfg.Logger.Info("public address", "server", aps[0], "addr", ap)
			c.addOwnCandidate(ap)
		}()
	}
	wg.Wait()
}

// addOwnCandidate adds an address where others may reach this session,
// first: what a router maps or a STUN server saw reaches farther than an
// interface's address.
func (c *core) addOwnCandidate(ap netip.AddrPort) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !slices.Contains(c.extraCands, ap) {
		c.extraCands = append([]netip.AddrPort{ap}, c.extraCands...)
	}
	if c.isHost && len(c.players) > 0 {
		m := c.players[0]
		if !slices.Contains(m.addrs, ap) {
			m.addrs = append([]netip.AddrPort{ap}, m.addrs...)
			m.addrs = m.addrs[:min(len(m.addrs), wire.MaxAddrs)]
			c.lobbyVersion++
		}
	}
}

// natInfo reads what the session learned of its network.
func (c *core) natInfo() NATInfo {
	c.reach.mu.Lock()
	info := NATInfo{Public: slices.Clone(c.reach.public), MapsPerDestination: c.reach.mapsPerDest}
	if m := c.reach.mapping; m != nil {
		info.Mapped, info.MapProtocol = m.External(), m.Protocol()
	} else if c.reach.mapErr != nil {
		info.MapError = c.reach.mapErr.Error()
	}
	c.reach.mu.Unlock()
	if n := c.dht.Load(); n != nil {
		info.DHTNodes = n.Stats().Nodes
	}
	return info
}

// Rendezvous timing: how often a side announces itself in the DHT and
// looks the other side up.
const (
	announceEvery = 20 * time.Second
	lookupEvery   = time.Second
	// maxKnocked bounds the joiner addresses a host keeps knocking at.
	maxKnocked = 64
	// knockSpray is how many ports above a silent joiner's the host also
	// knocks at, once, for a NAT that maps each destination to the next
	// port.
	knockSpray = 16
)

// rendezvousLoop announces this session in the DHT under own and looks up
// other every lookupEvery, handing what it finds to found, until ctx ends.
func (c *core) rendezvousLoop(ctx context.Context, own, other [20]byte, found func(netip.AddrPort)) {
	n := c.dht.Load()
	if n == nil {
		return
	}
	c.wg.Add(1)
	go func() { // announcing waits for the whole traversal: apart from lookups
		defer c.wg.Done()
		// Soon again at first: an announce reaches only the nodes that
		// answered its traversal in time, and the other side is looking
		// now.
		wait := 2 * time.Second
		for {
			// A port the router maps reaches this socket from anywhere:
			// announce it rather than the one the NAT shows the DHT.
			if _, err := n.Announce(ctx, own, c.mapped().Port()); err != nil && ctx.Err() == nil {
				c.cfg.Logger.Debug("DHT announce", "err", err)
			}
			if !sleep(ctx, wait) {
				return
			}
			wait = min(2*wait, announceEvery)
		}
	}()
	wait := lookupEvery / 4 // soon again at first: the other side may be announcing now
	for {
		peers, err := n.Lookup(ctx, other)
		if err != nil && ctx.Err() == nil {
			c.cfg.Logger.Debug("DHT lookup", "err", err)
		}
		for _, p := range peers {
			if !c.isOwnAddr(p) {
				found(p)
			}
		}
		if !sleep(ctx, wait) {
			return
		}
		wait = min(2*wait, lookupEvery)
	}
}

// sleep waits for d, or less if ctx ends first; it reports whether ctx is
// still alive.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// isOwnAddr reports an address that is this session's own, as the DHT may
// list it (a host and a joiner of the same match on one machine share no
// socket, so this only skips our own announce).
func (c *core) isOwnAddr(ap netip.AddrPort) bool {
	c.reach.mu.Lock()
	defer c.reach.mu.Unlock()
	return slices.Contains(c.reach.public, ap) || ap == c.ep.localAddr()
}

// hostRendezvous announces the host in the DHT and knocks at every joiner
// the DHT names, until the match starts or the session closes.
func (c *core) hostRendezvous(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-c.startedCh:
			cancel()
		case <-ctx.Done():
		}
	}()
	hostIH, joinIH := seal.DeriveRendezvous(c.code.Secret[:])
	k := newKnocker(c)
	c.rendezvousLoop(ctx, hostIH, joinIH, k.knock)
}

// knocker sends Knocks to joiners a host learned of, and to the ports
// above theirs once they stay silent.
type knocker struct {
	c     *core
	mu    sync.Mutex
	seen  map[netip.AddrPort]int // knocks sent to each address
	order []netip.AddrPort
}

func newKnocker(c *core) *knocker { return &knocker{c: c, seen: map[netip.AddrPort]int{}} }

func (k *knocker) knock(ap netip.AddrPort) {
	k.mu.Lock()
	n, ok := k.seen[ap]
	if !ok {
		if len(k.order) >= maxKnocked {
			delete(k.seen, k.order[0])
			k.order = k.order[1:]
		}
		k.order = append(k.order, ap)
	}
	k.seen[ap] = n + 1
	k.mu.Unlock()
	if k.c.knowsAddr(ap) {
		return // a member already: nothing to open
	}
	k.c.sendHandshake(ap, &wire.Knock{})
	if n == 2 {
		// Still not joined after three knocks: its NAT may give us a
		// port of its own; try the next ones.
		for i := 1; i <= knockSpray && int(ap.Port())+i < 1<<16; i++ {
			k.c.sendHandshake(netip.AddrPortFrom(ap.Addr(), ap.Port()+uint16(i)), &wire.Knock{})
		}
	}
}

// knowsAddr reports whether a lobby member was heard from at ap.
func (c *core) knowsAddr(ap netip.AddrPort) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range c.links {
		if l.confirmed.Load() && l.currentAddr() == ap {
			return true
		}
	}
	return false
}

// udpAddrOf is the net.Addr of an AddrPort.
func udpAddrOf(ap netip.AddrPort) net.Addr { return net.UDPAddrFromAddrPort(ap) }
