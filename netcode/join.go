package netcode

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/peerstep/peerstep/netcode/internal/seal"
	"github.com/peerstep/peerstep/netcode/internal/wire"
	"github.com/peerstep/peerstep/netcode/sharecode"
)

// A joiner looks for the host everywhere its Reach allows at once: the
// direct code's addresses, a query on the local network (a Hello sent to a
// multicast group and the broadcast address, which the host answers from
// its own socket), and the DHT, where the host announced itself under an
// infohash derived from the secret. Every address where the host may be
// gets a Hello every resend, which also opens this side's NAT towards it;
// the host knocks at the joiner's address, which it finds in the DHT, so
// that the first leg is a simultaneous open. The first authentic answer (a
// cookie, sealed with the lobby key) wins.

const (
	// helloEvery is how often a joiner sends its Hello to every address.
	helloEvery = 200 * time.Millisecond
	// maxTargets bounds the addresses a joiner tries.
	maxTargets = 16
	// sprayAfter is how long an address found in the DHT may stay silent
	// before the joiner also tries the ports just above it, for a NAT that
	// gives each destination the next port.
	sprayAfter = time.Second
	// sprayPorts is how many ports above a silent address are tried, and
	// sprayBudget how many such Hellos one Join sends at most.
	sprayPorts  = 16
	sprayBudget = 256
)

// joinTarget is an address where the host may be.
type joinTarget struct {
	addr    netip.AddrPort
	source  string // "code", "dht", "knock", "lan"
	added   time.Time
	sprayed bool
}

// joiner is the state of one Join.
type joiner struct {
	c     *core
	code  sharecode.Code
	hello []byte

	targets  []*joinTarget
	lan      []netip.AddrPort
	lanSent  int
	sprayed  int
	sent     nonceRing // the nonces of our Hellos, which a true reject echoes
	found    chan netip.AddrPort
	join     []byte // the sealed Join, once a cookie came
	hostAddr netip.AddrPort
	answered bool // a cookie came

	rejected   <-chan time.Time // set once an address said "wrong code"
	rejectedBy netip.AddrPort
}

// join runs the handshake with the host of the share code.
func (c *core) join(ctx context.Context, code sharecode.Code) error {
	c.setSecret(code)
	r := c.cfg.Reach
	if !code.Direct() && !r.discovers() {
		return fmt.Errorf("%w: a short code is found on the local network or in the DHT, and Config.Reach turns both off (use the host's direct code)", ErrBadConfig)
	}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.JoinTimeout)
	defer cancel()
	if err := c.startReach(); err != nil {
		return err
	}
	c.ep.start()
	j, err := newJoiner(c, code)
	if err != nil {
		return err
	}
	if r.useDHT() {
		hostIH, joinIH := seal.DeriveRendezvous(code.Secret[:])
		c.wg.Add(1)
		go func() {
			defer c.wg.Done()
			c.rendezvousLoop(ctx, joinIH, hostIH, func(ap netip.AddrPort) {
				select {
				case j.found <- ap:
				default:
				}
			})
		}()
	}
	return j.run(ctx)
}

func newJoiner(c *core, code sharecode.Code) (*joiner, error) {
	hello, err := wire.Encode(&wire.Hello{Pub: c.pub})
	if err != nil {
		return nil, err
	}
	j := &joiner{c: c, code: code, hello: hello, found: make(chan netip.AddrPort, 64)}
	var where []string
	for _, a := range code.Addrs {
		j.addTarget(a, "code")
	}
	if len(code.Addrs) > 0 {
		where = append(where, "at the code's addresses")
	}
	if c.cfg.Reach.useLAN() {
		for _, q := range c.cfg.Reach.LANQueries {
			j.lan = append(j.lan, netip.MustParseAddrPort(q)) // checked by withDefaults
		}
		where = append(where, "on this network")
	}
	if c.cfg.Reach.useDHT() {
		where = append(where, "in the DHT")
	}
	j.progress(Progress{Stage: ProgressLooking, Detail: strings.Join(where, ", ")})
	return j, nil
}

func (j *joiner) progress(p Progress) {
	if f := j.c.cfg.OnProgress; f != nil {
		f(p)
	}
}

// addTarget adds an address where the host may be and says hello to it.
func (j *joiner) addTarget(ap netip.AddrPort, source string) {
	ap = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	if !ap.IsValid() || ap.Port() == 0 || len(j.targets) >= maxTargets {
		return
	}
	for _, t := range j.targets {
		if t.addr == ap {
			return
		}
	}
	t := &joinTarget{addr: ap, source: source, added: time.Now()}
	j.targets = append(j.targets, t)
	j.progress(Progress{Stage: ProgressTrying, Addr: ap, Source: source})
	if j.join == nil {
		j.sendHello(ap)
	}
}

func (j *joiner) sendHello(to netip.AddrPort) {
	c := j.c
	if d, err := seal.SealHandshake(nil, c.lobbyKey, c.matchID, c.cfg.Rand, j.hello); err == nil {
		j.sent.add(seal.HandshakeNonce(d))
		_ = c.ep.writeTo(d, to)
	}
}

// resend sends the Join to the host, or a Hello to every address where the
// host may be, the LAN query every other time, and Hellos to the ports
// above addresses that stay silent.
func (j *joiner) resend() {
	if j.join != nil {
		_ = j.c.ep.writeTo(j.join, j.hostAddr)
		return
	}
	for _, t := range j.targets {
		j.sendHello(t.addr)
		if !t.sprayed && t.source != "code" && time.Since(t.added) > sprayAfter && j.sprayed+sprayPorts <= sprayBudget {
			t.sprayed = true
			for i := 1; i <= sprayPorts && int(t.addr.Port())+i < 1<<16; i++ {
				j.sendHello(netip.AddrPortFrom(t.addr.Addr(), t.addr.Port()+uint16(i)))
				j.sprayed++
			}
		}
	}
	if j.lanSent%2 == 0 {
		for _, q := range j.lan {
			j.sendHello(q)
		}
	}
	j.lanSent++
}

// fromCode reports whether a is one of the direct code's addresses, or the
// host's once it answered.
func (j *joiner) fromCode(a netip.AddrPort) bool {
	return slices.Contains(j.code.Addrs, a) || (j.answered && a == j.hostAddr)
}

func (j *joiner) run(ctx context.Context) error {
	c := j.c
	j.resend()
	tick := time.NewTicker(helloEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return j.failure(ctx)
		case <-tick.C:
			j.resend()
		case <-j.rejected:
			return fmt.Errorf("%w (the host at %v does not know it)", ErrCodeRejected, j.rejectedBy)
		case ap := <-j.found:
			c.reach.mu.Lock()
			c.reach.dhtFound++
			c.reach.mu.Unlock()
			j.addTarget(ap, "dht")
		case p := <-c.hs:
			done, err := j.handle(p)
			if done || err != nil {
				return err
			}
		}
	}
}

// handle takes one handshake datagram; done when the host gave a slot.
func (j *joiner) handle(p handshakePacket) (done bool, err error) {
	c := j.c
	if p.kind == seal.KindReject {
		return false, j.onReject(p)
	}
	plain, err := seal.OpenHandshake(nil, c.lobbyKey, c.matchID, p.data)
	if err != nil {
		c.ep.dropped.Add(1)
		return false, nil
	}
	m, err := wire.Decode(plain)
	if errors.Is(err, wire.ErrVersion) {
		// Sealed with the secret, so from the host, in a wire version this
		// program does not speak.
		return false, fmt.Errorf("%w (host %v: %v; this program speaks wire version %d)", ErrIncompatibleVersion, p.from, err, wire.Version)
	}
	if err != nil {
		return false, nil
	}
	switch m := m.(type) {
	case *wire.Knock:
		j.addTarget(p.from, "knock")
	case *wire.Cookie:
		if j.join != nil {
			return false, nil // the first host address to answer won
		}
		b, err := wire.Encode(&wire.Join{Pub: c.pub, Cookie: m.Cookie, Name: c.cfg.Name, Addrs: c.joinCandidates(), Seats: c.joinSeats()})
		if err != nil {
			return false, err
		}
		if j.join, err = seal.SealHandshake(nil, c.lobbyKey, c.matchID, c.cfg.Rand, b); err != nil {
			return false, err
		}
		j.hostAddr, j.answered, j.rejected = p.from, true, nil
		j.progress(Progress{Stage: ProgressHostFound, Addr: p.from})
		j.resend()
	case *wire.Refused:
		switch m.Reason {
		case wire.RefusedFull:
			return false, fmt.Errorf("%w: %s", ErrLobbyFull, m.Text)
		case wire.RefusedStarted:
			return false, fmt.Errorf("%w: %s", ErrMatchStarted, m.Text)
		case wire.RefusedVersion:
			return false, fmt.Errorf("%w: %s", ErrIncompatibleVersion, m.Text)
		}
		return false, fmt.Errorf("netcode: the host refused: %s", m.Text)
	case *wire.Welcome:
		if !j.answered || p.from != j.hostAddr {
			return false, nil
		}
		l, err := c.newPeerLink(m.HostPub, p.from, nil)
		if err != nil {
			return false, err
		}
		c.mu.Lock()
		c.links[string(m.HostPub)] = l
		c.players = []*member{{pub: append([]byte(nil), m.HostPub...), name: "host"}}
		c.mu.Unlock()
		j.progress(Progress{Stage: ProgressJoined, Addr: p.from})
		c.wg.Add(1)
		go c.lobbyLoop()
		return true, nil
	}
	return false, nil
}

// onReject believes only a reject that echoes one of our Hellos, from a
// direct code's address we sent it to; anything else is forged.
func (j *joiner) onReject(p handshakePacket) error {
	c := j.c
	id, nonce, ok := seal.RejectNonce(p.data)
	if !ok || id != c.matchID || !j.fromCode(p.from) || !j.sent.has(nonce) {
		c.ep.dropped.Add(1)
		return nil
	}
	if j.join != nil {
		return nil // another address already answered
	}
	if len(j.code.Addrs) == 1 && len(j.targets) == 1 {
		return fmt.Errorf("%w (the host at %v does not know it)", ErrCodeRejected, p.from)
	}
	if j.rejected == nil {
		j.rejectedBy = p.from
		j.rejected = time.After(rejectGrace)
	}
	return nil
}

// failure says why a Join ran out of time, with what it tried.
func (j *joiner) failure(ctx context.Context) error {
	if !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return ctx.Err()
	}
	c := j.c
	nat := c.natInfo()
	c.reach.mu.Lock()
	stunAsked := c.reach.stunAsked
	c.reach.mu.Unlock()
	var tried []string
	for _, t := range j.targets {
		tried = append(tried, fmt.Sprintf("%v (%s)", t.addr, t.source))
	}
	var note string
	if nat.MapsPerDestination {
		note = "; this side's NAT maps each destination to its own port, which only a host that is easy to reach, or a relay, gets through"
	} else if stunAsked > 0 && len(nat.Public) == 0 {
		note = "; no STUN server answered either: is this machine online?"
	}
	switch {
	case j.answered:
		return fmt.Errorf("%w: the host at %v answered but gave no slot before the timeout%s", ErrHostUnreachable, j.hostAddr, note)
	case len(j.targets) > 0 && len(j.code.Addrs) == len(j.targets):
		return fmt.Errorf("%w at %v (is the match still open, and the address reachable?)%s", ErrHostUnreachable, j.code.Addrs, note)
	case len(j.targets) > 0:
		return fmt.Errorf("%w: the host was found at %s, but neither side could reach the other%s", ErrHostUnreachable, strings.Join(tried, ", "), note)
	}
	var where []string
	if len(j.lan) > 0 {
		where = append(where, "on this network")
	}
	if c.cfg.Reach.useDHT() {
		where = append(where, fmt.Sprintf("in the DHT (%d nodes known)", nat.DHTNodes))
	}
	return fmt.Errorf("%w: looked %s%s", ErrHostNotFound, strings.Join(where, " and "), note)
}

// joinCandidates are the addresses a joiner tells the host it may be
// reached at: its interfaces' and what it learned.
func (c *core) joinCandidates() []string {
	var out []string
	c.mu.Lock()
	for _, a := range c.extraCands {
		out = append(out, a.String())
	}
	c.mu.Unlock()
	for _, a := range c.localCandidates() {
		if len(out) < wire.MaxAddrs && !slices.Contains(out, a.ap.String()) {
			out = append(out, a.ap.String())
		}
	}
	return out
}

// joinSeats is the Join's seat count: written only for more than one.
func (c *core) joinSeats() uint8 {
	if c.cfg.LocalPlayers > 1 {
		return uint8(c.cfg.LocalPlayers)
	}
	return 0
}
