package netcode

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/netcode/internal/seal"
	"github.com/peerstep/peerstep/netcode/internal/wire"
	"github.com/peerstep/peerstep/netcode/sharecode"
)

// rejectGrace is how long a joiner that got a reject from one of the
// code's addresses still waits for a cookie from another before it gives
// up: a stale address may now belong to someone else's match.
const rejectGrace = 250 * time.Millisecond

func (c *core) startHost() error {
	cands := c.localCandidates()
	code, err := sharecode.New(codeCandidates(cands), c.cfg.Rand)
	if err != nil {
		return fmt.Errorf("netcode: share code: %w", err)
	}
	c.setSecret(code)
	jar, err := seal.NewCookieJar(c.cfg.Rand)
	if err != nil {
		return fmt.Errorf("netcode: cookies: %w", err)
	}
	c.cookies = jar
	if c.cfg.LocalPlayers >= c.cfg.MaxPlayers {
		return fmt.Errorf("%w: LocalPlayers %d leave no room in a lobby of MaxPlayers %d", ErrBadConfig, c.cfg.LocalPlayers, c.cfg.MaxPlayers)
	}
	c.players = []*member{{pub: c.pub, name: c.cfg.Name, addrs: addrsOf(cands), seats: c.cfg.LocalPlayers}}
	if err := c.startReach(); err != nil {
		return err
	}
	c.ep.start()
	if c.cfg.Reach.useDHT() {
		c.goWithSession(c.hostRendezvous)
	}
	if c.cfg.Reach.useLAN() {
		lan, err := listenLAN(c)
		if err != nil {
			// Friends on this network can still join with the direct
			// code; say why the short code will not be found here.
			c.cfg.Logger.Warn("no LAN discovery", "listen", c.cfg.Reach.LANListen, "err", err)
		} else {
			c.lan = lan
		}
	}
	c.wg.Add(1)
	go c.lobbyLoop()
	return nil
}

// onHandshake handles handshake datagrams; it runs on the endpoint's read
// goroutine. A host answers joins; a joiner passes them to Join.
func (c *core) onHandshake(kind byte, from netip.AddrPort, b []byte) {
	if !c.isHost {
		select {
		case c.hs <- handshakePacket{kind: kind, from: from, data: append([]byte(nil), b...)}:
		default:
			c.ep.dropped.Add(1)
		}
		return
	}
	if kind != seal.KindHandshake {
		c.ep.dropped.Add(1)
		return
	}
	_, id, _ := seal.Peek(b)
	if id != c.matchID {
		// Sealed for another match: a joiner with a wrong or stale code.
		// Tell it at once, within the budget that keeps this host from
		// reflecting forged traffic.
		c.ep.dropped.Add(1)
		if c.rejects.allow(from, c.now()) {
			_ = c.ep.writeTo(seal.Reject(b), from)
		}
		return
	}
	plain, err := seal.OpenHandshake(nil, c.lobbyKey, c.matchID, b)
	if err != nil {
		c.ep.dropped.Add(1)
		return
	}
	m, err := wire.Decode(plain)
	if errors.Is(err, wire.ErrVersion) {
		// The joiner knows the secret but speaks another wire version:
		// say so in ours. It cannot decode the answer either, but an
		// answer sealed with the secret that it cannot decode tells it
		// the same (Join), and a newer joiner reads the reason.
		c.ep.dropped.Add(1)
		c.sendHandshake(from, &wire.Refused{Reason: wire.RefusedVersion, Text: fmt.Sprintf("the host speaks wire version %d", wire.Version)})
		return
	}
	if err != nil {
		c.ep.dropped.Add(1)
		return
	}
	switch m := m.(type) {
	case *wire.Hello:
		// Stateless: nothing is kept until the joiner echoes the cookie
		// from the address it was sent to.
		c.sendHandshake(from, &wire.Cookie{Cookie: c.cookies.Make(from, m.Pub, time.Now())})
	case *wire.Join:
		if !c.cookies.Verify(m.Cookie, from, m.Pub, time.Now()) {
			c.ep.dropped.Add(1)
			return
		}
		if reply := c.admit(from, m); reply != nil {
			c.sendHandshake(from, reply)
		}
	default:
		c.ep.dropped.Add(1)
	}
}

func (c *core) sendHandshake(to netip.AddrPort, m wire.Message) {
	b, err := wire.Encode(m)
	if err != nil {
		return
	}
	d, err := seal.SealHandshake(nil, c.lobbyKey, c.matchID, c.cfg.Rand, b)
	if err != nil {
		return
	}
	_ = c.ep.writeTo(d, to)
}

// admit gives a proven joiner a slot, or says why not.
func (c *core) admit(from netip.AddrPort, j *wire.Join) wire.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	if bytes.Equal(j.Pub, c.pub) {
		return nil
	}
	if c.started {
		return c.admitComerLocked(from, j)
	}
	for i, m := range c.players {
		if bytes.Equal(m.pub, j.Pub) { // a retry: same answer
			return &wire.Welcome{Slot: uint8(i), HostPub: c.pub, MaxPlayers: uint8(c.cfg.MaxPlayers)}
		}
	}
	if c.started {
		return &wire.Refused{Reason: wire.RefusedStarted, Text: "the match has already started"}
	}
	seats := max(int(j.Seats), 1)
	if taken := seatsOf(c.players); taken+seats > c.cfg.MaxPlayers {
		text := fmt.Sprintf("the lobby is full (%d players)", c.cfg.MaxPlayers)
		if seats > 1 && taken < c.cfg.MaxPlayers {
			text = fmt.Sprintf("the lobby has room for %d more players, not %d", c.cfg.MaxPlayers-taken, seats)
		}
		return &wire.Refused{Reason: wire.RefusedFull, Text: text}
	}
	cands := []netip.AddrPort{from}
	for _, s := range j.Addrs {
		if ap, err := netip.ParseAddrPort(s); err == nil && ap != from && ap.IsValid() {
			cands = append(cands, ap)
		}
	}
	l, err := c.newPeerLink(j.Pub, from, nil)
	if err != nil {
		c.cfg.Logger.Warn("cannot open link to joiner", "err", err)
		return nil
	}
	c.links[string(j.Pub)] = l
	name := j.Name
	if name == "" {
		name = "player"
	}
	c.players = append(c.players, &member{pub: append([]byte(nil), j.Pub...), name: name, addrs: cands, seats: seats})
	c.lobbyVersion++
	slot := len(c.players) - 1
	c.events = append(c.events, Event{Kind: EventPlayerJoined, Player: slot, Name: name, Frame: lockstep.NoFrame})
	c.cfg.Logger.Info("player joined", "slot", slot, "name", name, "from", from)
	return &wire.Welcome{Slot: uint8(slot), HostPub: c.pub, MaxPlayers: uint8(c.cfg.MaxPlayers)}
}

// lobbyMsgLocked builds the host's lobby message.
func (c *core) lobbyMsgLocked() *wire.Lobby {
	m := &wire.Lobby{Version: c.lobbyVersion, MaxPlayers: uint8(c.cfg.MaxPlayers)}
	for i, p := range c.players {
		info := wire.PlayerInfo{Slot: uint8(i), Name: p.name, Pub: p.pub}
		if p.seats > 1 {
			info.Seats = uint8(p.seats)
		}
		for _, a := range p.addrs {
			if len(info.Addrs) < wire.MaxAddrs {
				info.Addrs = append(info.Addrs, a.String())
			}
		}
		if i == 0 {
			info.Links = c.ownLinksLocked()
		} else if p.linksVersion == c.lobbyVersion {
			info.Links = p.links
		}
		m.Players = append(m.Players, info)
	}
	return m
}

// ownLinksLocked is the bitmask of slots this peer has a confirmed link to,
// its own included.
func (c *core) ownLinksLocked() uint32 {
	var mask uint32
	for i, p := range c.players {
		if bytes.Equal(p.pub, c.pub) {
			mask |= 1 << i
			continue
		}
		if l := c.links[string(p.pub)]; l != nil && l.confirmed.Load() {
			mask |= 1 << i
		}
	}
	return mask
}

// meshCompleteLocked reports whether every player reached every other.
func (c *core) meshCompleteLocked() bool {
	all := uint32(1)<<len(c.players) - 1
	msg := c.lobbyMsgLocked()
	for _, p := range msg.Players {
		if p.Links&all != all {
			return false
		}
	}
	return true
}

func (c *core) onMesh(l *link, m *wire.Mesh) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.players {
		if bytes.Equal(p.pub, l.pub) {
			p.links, p.linksVersion = m.Links, m.Version
		}
	}
}

// lobbyLoop probes unconfirmed links, keeps the lobby in sync and notices
// players who vanish before the start.
func (c *core) lobbyLoop() {
	defer c.wg.Done()
	t := time.NewTicker(lobbyTick)
	defer t.Stop()
	for n := 0; ; n++ {
		select {
		case <-c.closed:
			return
		case <-t.C:
		}
		c.mu.Lock()
		links := make([]*link, 0, len(c.links))
		for _, l := range c.links {
			links = append(links, l)
		}
		started := c.started
		if !started {
			c.showLinksLocked(false)
		}
		var msg wire.Message
		var to []*link
		if !started && n%4 == 0 {
			if c.isHost {
				c.expireLocked()
				msg = c.lobbyMsgLocked()
				for _, p := range c.players[1:] {
					if l := c.links[string(p.pub)]; l != nil {
						to = append(to, l)
					}
				}
			} else if len(c.players) > 0 {
				msg = &wire.Mesh{Version: c.lobbyVersion, Links: c.ownLinksLocked()}
				if l := c.links[string(c.players[0].pub)]; l != nil {
					to = append(to, l)
					if time.Since(time.Unix(0, l.lastHeard.Load())) > 2*c.cfg.DisconnectTimeout && c.lobbyErr == nil {
						c.lobbyErr = ErrHostLeft
						c.events = append(c.events, Event{Kind: EventHostLeft})
					}
				}
			}
		}
		c.mu.Unlock()
		for _, l := range links {
			if l.via() == nil || n%20 == 0 {
				l.probe() // a relayed link probes once a second
			}
		}
		c.chooseRelays()
		for _, l := range to {
			l.write(msg)
		}
	}
}

// showLinksLocked tells the game, as the lobby's handshakes go, each link
// of this player's that came up (EventPlayerLinked, with how many of the
// others it reaches so far) and when every player reaches every other
// (EventLobbyReady): a lobby screen's "linking 2 of 3".
func (c *core) showLinksLocked(starting bool) {
	if c.linkedShown == nil {
		c.linkedShown = map[string]bool{}
	}
	if !slices.ContainsFunc(c.players, func(p *member) bool { return bytes.Equal(p.pub, c.pub) }) {
		return // a joiner before the lobby lists it: of how many is not known yet
	}
	var shown, fresh []int
	for i, p := range c.players {
		if bytes.Equal(p.pub, c.pub) {
			continue
		}
		if c.linkedShown[string(p.pub)] {
			shown = append(shown, i)
		} else if l := c.links[string(p.pub)]; l != nil && l.confirmed.Load() {
			fresh = append(fresh, i)
		}
	}
	for _, i := range fresh {
		c.linkedShown[string(c.players[i].pub)] = true
		shown = append(shown, i)
		c.events = append(c.events, Event{Kind: EventPlayerLinked, Player: i, Name: c.players[i].name, Frame: lockstep.NoFrame,
			Players: slices.Sorted(slices.Values(shown)), Of: len(c.players) - 1})
	}
	// The host starts a match only once the mesh is whole, so a joiner
	// whose copy of the lobby lags behind knows it is at the start.
	ready := len(c.players) >= 2 && (starting || c.meshCompleteLocked())
	if ready && !c.readyShown {
		c.events = append(c.events, Event{Kind: EventLobbyReady, Player: -1, Frame: lockstep.NoFrame, Of: len(c.players)})
	}
	c.readyShown = ready
}

// expireLocked removes joiners silent for twice the disconnect timeout.
func (c *core) expireLocked() {
	for i := len(c.players) - 1; i >= 1; i-- {
		p := c.players[i]
		l := c.links[string(p.pub)]
		if l == nil || time.Since(time.Unix(0, l.lastHeard.Load())) > 2*c.cfg.DisconnectTimeout {
			c.removeMemberLocked(p.pub)
		}
	}
}

// waitPlayers is the host's WaitPlayers.
func (c *core) waitPlayers(ctx context.Context, n int) error {
	switch {
	case !c.isHost:
		return ErrNotHost
	case n < lockstep.MinPlayers:
		return fmt.Errorf("%w: WaitPlayers(%d)", ErrNotEnoughPlayers, n)
	case n > c.cfg.MaxPlayers:
		return fmt.Errorf("%w: WaitPlayers(%d) with MaxPlayers %d", ErrLobbyFull, n, c.cfg.MaxPlayers)
	}
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		c.mu.Lock()
		started := c.started
		ready := seatsOf(c.players) >= n && c.meshCompleteLocked()
		c.mu.Unlock()
		if started {
			return ErrAlreadyStarted
		}
		if ready {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("netcode: waiting for %d players: %w", n, ctx.Err())
		case <-c.closed:
			return ErrClosed
		case <-t.C:
		}
	}
}

// startMatch is the host's Start.
func (c *core) startMatch(ctx context.Context) error {
	if !c.isHost {
		return ErrNotHost
	}
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for {
		c.mu.Lock()
		switch {
		case c.started:
			c.mu.Unlock()
			return ErrAlreadyStarted
		case len(c.players) < 2:
			c.mu.Unlock()
			return ErrNotEnoughPlayers
		}
		if c.meshCompleteLocked() {
			seed := c.cfg.Seed
			for seed == 0 {
				var b [8]byte
				if _, err := c.cfg.Rand.Read(b[:]); err != nil {
					c.mu.Unlock()
					return fmt.Errorf("netcode: seed: %w", err)
				}
				seed = binary.LittleEndian.Uint64(b[:])
			}
			st := &wire.Start{
				Seed:             seed,
				TickHz:           uint16(c.cfg.TickRate),
				ChecksumInterval: int16(c.cfg.ChecksumInterval),
				Settings:         c.cfg.Settings,
			}
			var to []*link
			for _, p := range c.players {
				// A member's players take consecutive slots under its key.
				for _, name := range seatNames(p.name, p.seats) {
					st.Pubs = append(st.Pubs, p.pub)
					st.Names = append(st.Names, name)
				}
				if l := c.links[string(p.pub)]; l != nil {
					to = append(to, l)
				}
			}
			// What the host's own links call for: a joiner whose links
			// measured nothing yet starts there.
			frame := time.Second / time.Duration(c.cfg.TickRate)
			st.InputDelay = uint8(startDelay(to, frame, frame/8+c.cfg.DelayMargin))
			err := c.beginLocked(st)
			c.mu.Unlock()
			if err != nil {
				return err
			}
			for _, l := range to {
				l.write(st)
			}
			return nil
		}
		c.mu.Unlock()
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w: %v", ErrMeshIncomplete, ctx.Err())
		case <-c.closed:
			return ErrClosed
		case <-t.C:
		}
	}
}

// onLobby applies the host's lobby to a joiner: players, and links to open.
func (c *core) onLobby(from *link, m *wire.Lobby) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started || len(c.players) == 0 || !bytes.Equal(from.pub, c.players[0].pub) {
		return
	}
	if len(m.Players) == 0 || !bytes.Equal(m.Players[0].Pub, from.pub) {
		return
	}
	old := c.players
	var next []*member
	for i, p := range m.Players {
		mem := &member{pub: p.Pub, name: p.Name, links: p.Links, linksVersion: m.Version, seats: max(int(p.Seats), 1)}
		for _, s := range p.Addrs {
			if ap, err := netip.ParseAddrPort(s); err == nil {
				mem.addrs = append(mem.addrs, ap)
			}
		}
		next = append(next, mem)
		if i == 0 || bytes.Equal(p.Pub, c.pub) {
			continue
		}
		if l := c.links[string(p.Pub)]; l != nil {
			l.setCandidates(mem.addrs)
			continue
		}
		l, err := c.newPeerLink(p.Pub, netip.AddrPort{}, mem.addrs)
		if err != nil {
			c.cfg.Logger.Warn("cannot open link", "player", p.Name, "err", err)
			continue
		}
		c.links[string(p.Pub)] = l
		go l.probe()
	}
	// Players who left the lobby: close their links, tell the game.
	for _, o := range old {
		found := false
		for _, n := range next {
			if bytes.Equal(o.pub, n.pub) {
				found = true
			}
		}
		if !found && !bytes.Equal(o.pub, from.pub) {
			if l := c.links[string(o.pub)]; l != nil {
				delete(c.links, string(o.pub))
				go l.close()
			}
			c.events = append(c.events, Event{Kind: EventPlayerLeft, Name: o.name, Player: -1, Frame: lockstep.NoFrame})
		}
	}
	for i, n := range next {
		found := false
		for _, o := range old {
			if bytes.Equal(o.pub, n.pub) {
				found = true
			}
		}
		if !found && i > 0 {
			c.events = append(c.events, Event{Kind: EventPlayerJoined, Player: i, Name: n.name, Frame: lockstep.NoFrame})
		}
	}
	c.players = next
	c.lobbyVersion = m.Version
	c.cfg.MaxPlayers = int(m.MaxPlayers)
}

// onStart begins the match on a joiner.
func (c *core) onStart(from *link, m *wire.Start) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started || len(c.players) == 0 || !bytes.Equal(from.pub, c.players[0].pub) {
		return
	}
	if err := c.beginLocked(m); err != nil {
		c.lobbyErr = err
	}
}

// nonceRing remembers the nonces of the last Hellos a joiner sent.
type nonceRing struct {
	n    int
	ring [128][seal.HandshakeNonceSize]byte
}

func (r *nonceRing) add(nonce []byte) {
	copy(r.ring[r.n%len(r.ring)][:], nonce)
	r.n++
}

func (r *nonceRing) has(nonce []byte) bool {
	for i := range min(r.n, len(r.ring)) {
		if string(r.ring[i][:]) == string(nonce) {
			return true
		}
	}
	return false
}

// seatsOf counts the player slots the members take.
func seatsOf(members []*member) int {
	n := 0
	for _, m := range members {
		n += max(m.seats, 1)
	}
	return n
}

// seatNames names the players of a member with seats of them: its name,
// then the name with " 2", " 3"... (cut so that each fits wire.MaxName).
func seatNames(name string, seats int) []string {
	out := []string{name}
	for k := 2; k <= seats; k++ {
		suffix := fmt.Sprintf(" %d", k)
		base := name
		if len(base)+len(suffix) > wire.MaxName {
			base = strings.ToValidUTF8(base[:wire.MaxName-len(suffix)], "")
		}
		out = append(out, base+suffix)
	}
	return out
}
