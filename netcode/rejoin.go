package netcode

import (
	"bytes"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/netcode/internal/wire"
)

// Rejoin. A player dropped from a running match (a crash, a lost network,
// a restart) joins again with the same share code and name. The host
// answers its handshake as in the lobby and, once the engine has settled
// the old player's drop, points its slot at the new link and tells every
// player (Comer) to open a link to it; the comer gets the host's lobby of
// the match's players and links to each. When the comer reports every
// link up (Mesh), the host's engine admits it (lockstep.Engine.Admit),
// which every engine agrees on through the input stream; at the
// admission the host sends the comer the match (Start), where its engine
// starts (Resume, a lockstep.JoinPoint) and its game state after the
// JoinPoint's snapshot (State chunks, as a desync repair's). The comer's
// engine runs from the JoinPoint at once, so that its inputs reach the
// others before they need them; its game gets the frames once the state
// is in, the first with Frame.Load.

// comerTimeout bounds how long a comer may take to be let in.
const comerTimeout = 30 * time.Second

// comer is a player coming back into the running match; host only, under
// c.mu.
type comer struct {
	pub     []byte
	addrs   []netip.AddrPort
	seats   int
	member  int // in c.players
	slot    lockstep.PlayerID
	link    *link
	since   time.Time
	placed  bool   // its slots point at its link and the others were told
	version uint32 // of the lobby it was sent
	admit   bool   // the engine admitted it
}

// comerIn is a Comer message for the next tick.
type comerIn struct {
	from *link
	msg  *wire.Comer
}

// firstSlotLocked returns the first PlayerID of member k: the members' seats
// come one after another.
func (c *core) firstSlotLocked(k int) lockstep.PlayerID {
	s := 0
	for _, p := range c.players[:k] {
		s += max(p.seats, 1)
	}
	return lockstep.PlayerID(s)
}

// admitComerLocked answers a proven joiner once the match has started: a
// player named as one of the match's coming back; c.mu is held.
func (c *core) admitComerLocked(from netip.AddrPort, j *wire.Join) wire.Message {
	for _, cm := range c.comers {
		if bytes.Equal(cm.pub, j.Pub) { // a retry: same answer
			return &wire.Welcome{Slot: uint8(cm.slot), HostPub: c.pub, MaxPlayers: uint8(c.cfg.MaxPlayers)}
		}
	}
	if !c.cfg.Snapshots {
		return &wire.Refused{Reason: wire.RefusedStarted, Text: "the match has already started, and this game cannot hand it to a player coming back (Config.Snapshots)"}
	}
	name := j.Name
	if name == "" {
		name = "player"
	}
	seats := max(int(j.Seats), 1)
	k := -1
	for i, m := range c.players {
		coming := slices.ContainsFunc(c.comers, func(cm *comer) bool { return cm.member == i })
		if m.name == name && max(m.seats, 1) == seats && !bytes.Equal(m.pub, c.pub) && !coming {
			k = i
			break
		}
	}
	if k < 0 {
		return &wire.Refused{Reason: wire.RefusedStarted, Text: fmt.Sprintf("the match has already started, and no player named %q is out of it", name)}
	}
	l, err := c.newPeerLink(j.Pub, from, nil)
	if err != nil {
		c.cfg.Logger.Warn("cannot open link to a player coming back", "err", err)
		return nil
	}
	c.links[string(j.Pub)] = l
	cands := []netip.AddrPort{from}
	for _, s := range j.Addrs {
		if ap, err := netip.ParseAddrPort(s); err == nil && ap != from && ap.IsValid() {
			cands = append(cands, ap)
		}
	}
	cm := &comer{pub: append([]byte(nil), j.Pub...), addrs: cands, seats: seats, member: k, slot: c.firstSlotLocked(k), link: l, since: time.Now()}
	c.comers = append(c.comers, cm)
	c.cfg.Logger.Info("a player is coming back", "name", name, "slot", cm.slot, "from", from)
	return &wire.Welcome{Slot: uint8(cm.slot), HostPub: c.pub, MaxPlayers: uint8(c.cfg.MaxPlayers)}
}

// serveComers moves each comer on: once its old player is out of the
// match its slots point at its link and everyone is told; once its links
// are up the engine admits it. m.mu is held.
func (c *core) serveComers() {
	m := &c.match
	e := m.engine
	c.mu.Lock()
	defer c.mu.Unlock()
	c.comers = slices.DeleteFunc(c.comers, func(cm *comer) bool {
		if cm.link.gone.Load() || time.Since(cm.since) > comerTimeout {
			c.cfg.Logger.Info("a player coming back did not make it", "slot", cm.slot)
			if !cm.admit {
				delete(c.links, string(cm.pub))
				go cm.link.close()
			}
			return true
		}
		switch {
		case !cm.placed:
			for s := cm.slot; int(s) < int(cm.slot)+cm.seats; s++ {
				if e.Present(s) {
					return false // its drop is not settled yet
				}
			}
			c.placeComerLocked(cm)
		case !cm.admit:
			mem := c.players[cm.member]
			need := uint32(1) << cm.member
			for k := range c.players {
				if k != cm.member && e.Present(c.firstSlotLocked(k)) {
					need |= 1 << k
				}
			}
			if mem.linksVersion != cm.version || mem.links&need != need {
				return false
			}
			if err := e.Admit(cm.slot); err != nil {
				c.cfg.Logger.Warn("cannot let a player back in", "slot", cm.slot, "err", err)
				return true
			}
			cm.admit = true
		}
		return false
	})
}

// placeComerLocked points cm's slots at its link, tells every player in
// the match to link to it, and sends it the lobby of the match's players
// to link to; c.mu and m.mu are held.
func (c *core) placeComerLocked(cm *comer) {
	m := &c.match
	mem := c.players[cm.member]
	old := mem.pub
	mem.pub, mem.addrs, mem.links, mem.linksVersion = cm.pub, cm.addrs, 0, 0
	for s := cm.slot; int(s) < int(cm.slot)+cm.seats; s++ {
		m.peers[s] = cm.link
	}
	if l := c.links[string(old)]; l != nil && l != cm.link {
		delete(c.links, string(old))
		go l.close()
	}
	c.lobbyVersion++
	cm.version, cm.placed = c.lobbyVersion, true
	msg := &wire.Comer{Slot: uint8(cm.slot), Seats: uint8(cm.seats), Pub: cm.pub, Name: mem.name}
	for _, a := range cm.addrs {
		if len(msg.Addrs) < wire.MaxAddrs {
			msg.Addrs = append(msg.Addrs, a.String())
		}
	}
	lobby := &wire.Lobby{Version: c.lobbyVersion, MaxPlayers: uint8(c.cfg.MaxPlayers)}
	for k, p := range c.players {
		info := wire.PlayerInfo{Slot: uint8(k), Name: p.name, Pub: p.pub}
		if p.seats > 1 {
			info.Seats = uint8(p.seats)
		}
		slot := c.firstSlotLocked(k)
		if m.engine.Present(slot) || k == cm.member {
			for _, a := range p.addrs {
				if len(info.Addrs) < wire.MaxAddrs {
					info.Addrs = append(info.Addrs, a.String())
				}
			}
			if k != cm.member && !bytes.Equal(p.pub, c.pub) && m.peers[slot] != nil {
				m.peers[slot].write(msg)
			}
		}
		lobby.Players = append(lobby.Players, info)
	}
	cm.link.write(lobby)
	m.logger.Info("a player coming back: linking it to the match", "slot", cm.slot)
}

// onComer queues a Comer message for the next tick; read goroutine.
func (c *core) onComer(l *link, msg *wire.Comer) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started && !c.isHost && len(c.comersIn) < lockstep.MaxPlayers {
		c.comersIn = append(c.comersIn, comerIn{from: l, msg: msg})
	}
}

// takeComers opens a link to each player the host says is coming back
// and points its slots at it; m.mu is held.
func (c *core) takeComers() {
	m := &c.match
	c.mu.Lock()
	defer c.mu.Unlock()
	in := c.comersIn
	c.comersIn = nil
	for _, ci := range in {
		msg := ci.msg
		if len(c.players) == 0 || ci.from != c.links[string(c.players[0].pub)] || bytes.Equal(msg.Pub, c.pub) {
			continue // only the host introduces comers
		}
		last := int(msg.Slot) + int(msg.Seats)
		if last > len(m.peers) {
			continue
		}
		present := false
		for s := int(msg.Slot); s < last; s++ {
			present = present || m.engine.Present(lockstep.PlayerID(s))
		}
		if present {
			continue
		}
		l := c.links[string(msg.Pub)]
		if l == nil {
			var cands []netip.AddrPort
			for _, a := range msg.Addrs {
				if ap, err := netip.ParseAddrPort(a); err == nil {
					cands = append(cands, ap)
				}
			}
			var err error
			if l, err = c.newPeerLink(msg.Pub, netip.AddrPort{}, cands); err != nil {
				c.cfg.Logger.Warn("cannot open a link to a player coming back", "err", err)
				continue
			}
			c.links[string(msg.Pub)] = l
			go l.probe()
		}
		if old := m.peers[msg.Slot]; old != nil && old != l {
			delete(c.links, string(old.pub))
			go old.close()
		}
		for s := int(msg.Slot); s < last; s++ {
			m.peers[s] = l
		}
		m.logger.Info("a player is coming back: linking to it", "slot", msg.Slot, "name", msg.Name)
	}
}

// resumeComer sends the comer admitted at slot p the match, where its
// engine starts and, once the game saved it, its state; m.mu is held.
func (c *core) resumeComer(p lockstep.PlayerID) {
	m := &c.match
	c.mu.Lock()
	i := slices.IndexFunc(c.comers, func(cm *comer) bool { return cm.admit && cm.slot == p })
	if i < 0 {
		c.mu.Unlock()
		return
	}
	cm := c.comers[i]
	c.comers = slices.Delete(c.comers, i, i+1)
	st := &wire.Start{Seed: m.info.Seed, Names: slices.Clone(m.info.Players), TickHz: uint16(m.info.TickRate),
		InputDelay: uint8(m.engine.InputDelay()), ChecksumInterval: int16(m.engine.Config().ChecksumInterval), Settings: m.info.Settings}
	for _, mem := range c.players {
		for range max(mem.seats, 1) {
			st.Pubs = append(st.Pubs, mem.pub)
		}
	}
	c.mu.Unlock()
	jp, err := m.engine.JoinPoint(p)
	if err != nil {
		m.logger.Warn("no join point for a player coming back", "slot", p, "err", err)
		return
	}
	rm := &wire.Resume{Snapshot: uint32(jp.Snapshot), From: uint32(jp.From), Clock: uint32(jp.Clock)}
	for _, s := range jp.Seats {
		rm.Seats = append(rm.Seats, wire.SeatSpan{From: uint32(s.From), Until: int32(s.Until)})
	}
	if !cm.link.write(rm) || !cm.link.write(st) {
		return
	}
	rs := &m.rs
	rs.feeds = append(rs.feeds, &feedJob{to: p, frame: jp.Snapshot})
	rs.wantAt(jp.Snapshot)
	m.logger.Info("a player is back: sending it the match", "slot", p, "state after", jp.Snapshot, "from", jp.From)
}

// onResume keeps the Resume that makes this session a comer, for the
// Start that follows it; read goroutine.
func (c *core) onResume(l *link, msg *wire.Resume) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.started && len(c.players) > 0 && bytes.Equal(l.pub, c.players[0].pub) {
		c.resume = msg
	}
}

// joinPointOf turns a Resume into the engine's JoinPoint.
func joinPointOf(r *wire.Resume) lockstep.JoinPoint {
	jp := lockstep.JoinPoint{Snapshot: lockstep.Frame(r.Snapshot), From: lockstep.Frame(r.From), Clock: lockstep.Frame(r.Clock)}
	for _, s := range r.Seats {
		jp.Seats = append(jp.Seats, lockstep.Seat{From: lockstep.Frame(s.From), Until: lockstep.Frame(s.Until)})
	}
	return jp
}
