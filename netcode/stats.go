package netcode

import (
	"time"

	"github.com/peerstep/peerstep/lockstep"
)

// PeerStats describes the link to one other player.
type PeerStats struct {
	// Player is the PlayerID in a match, the lobby slot before.
	Player int
	Name   string
	// Connected: an authenticated datagram has arrived on this link.
	Connected bool
	// Via is the player (slot before the match, PlayerID in it) through
	// whom this link's datagrams go, when the two cannot reach each other
	// directly; -1 when the link is direct.
	Via int
	// Relayed counts the datagrams from this player that came through a
	// relay, and Forwarded those this peer forwarded for it to another.
	Relayed   uint64
	Forwarded uint64
	// RTT is the smoothed round trip and Jitter its mean deviation, as the
	// engine measures them (KCP's before the match).
	RTT    time.Duration
	Jitter time.Duration
	// Loss is the share of this player's datagrams lost on the way here,
	// measured from the sealing counters over the last few seconds. Loss
	// is usually about the same both ways; a session that keeps
	// InputCopies at its default sends one more copy of each input to a
	// player whose pings measure more than 4 % loss each way.
	Loss float64
	// Everything on the wire to and from this player: sealed datagrams,
	// KCP headers and acknowledgements included.
	BytesSent         uint64
	BytesReceived     uint64
	DatagramsSent     uint64
	DatagramsReceived uint64
	// Retransmits counts KCP segments sent again.
	Retransmits uint64
}

// Stats describes a session.
type Stats struct {
	// Frame is the next frame to simulate.
	Frame lockstep.Frame
	// InputDelay is the input delay in frames.
	InputDelay int
	// Ticks counts the match's ticks so far.
	Ticks uint64
	// FramesStalled counts ticks on which no frame could run.
	FramesStalled uint64
	// Advantage is how many frames this peer runs ahead of the others.
	Advantage float64
	// DatagramsDropped counts datagrams that did not open (garbage,
	// another match, a wrong key) or were replays; none was parsed.
	DatagramsDropped uint64
	// BytesRelayed counts the bytes this peer forwarded between two other
	// players, whose link it relays: the cost of being a relay.
	BytesRelayed uint64
	// NAT is what the session learned of its network: its public
	// addresses (STUN) and whether its NAT maps per destination.
	NAT   NATInfo
	Peers []PeerStats
}

func (c *core) stats() Stats {
	m := &c.match
	m.mu.Lock()
	var st Stats
	var es lockstep.Stats
	if c.isStarted() {
		es = m.engine.Stats()
		st.Frame, st.InputDelay, st.Advantage = es.Frame, es.InputDelay, es.Advantage
	}
	st.Ticks, st.FramesStalled = m.ticks, m.stalled
	peers := m.peers
	names := m.info.Players
	m.mu.Unlock()
	st.DatagramsDropped = c.ep.dropped.Load() + c.ep.droppedReplay.Load()
	st.BytesRelayed = c.ep.relayed.Load()
	st.NAT = c.natInfo()

	add := func(id int, name string, l *link) {
		ps := PeerStats{
			Player:            id,
			Name:              name,
			Connected:         l.confirmed.Load(),
			RTT:               l.rtt(),
			BytesSent:         l.bytesOut.Load(),
			BytesReceived:     l.bytesIn.Load(),
			DatagramsSent:     l.dgramsOut.Load(),
			DatagramsReceived: l.dgramsIn.Load(),
			Retransmits:       l.retransmits.Load(),
			Via:               -1,
			Relayed:           l.relayedIn.Load(),
			Forwarded:         l.forwarded.Load(),
		}
		if v := l.via(); v != nil {
			c.mu.Lock()
			ps.Via = c.slotOfLocked(v.pub)
			c.mu.Unlock()
		}
		ps.Loss = float64(l.lossIn.Load()) / 1000
		for _, e := range es.Peers {
			if int(e.Player) == id && e.RTT > 0 {
				ps.RTT, ps.Jitter = e.RTT, e.Jitter
			}
		}
		st.Peers = append(st.Peers, ps)
	}
	if peers != nil {
		for i, l := range peers {
			if l != nil {
				add(i, names[i], l)
			}
		}
		return st
	}
	c.mu.Lock()
	type pl struct {
		slot int
		name string
		l    *link
	}
	var ls []pl
	for i, p := range c.players {
		if l := c.links[string(p.pub)]; l != nil {
			ls = append(ls, pl{i, p.name, l})
		}
	}
	c.mu.Unlock()
	for _, p := range ls {
		add(p.slot, p.name, p.l)
	}
	return st
}
