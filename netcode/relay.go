package netcode

import (
	"bytes"
	"time"
)

// Relays inside the mesh. When two players cannot link directly within
// relayAfter while both reach a third, each sends its datagrams for the
// other through that third player, sealed with the pair's own keys: the
// relay forwards what it cannot read, forge or replay (link.forward). The
// pair keeps probing each other directly, and the first datagram that
// comes directly makes the link direct again. A relay that falls silent is
// replaced by another, if any; otherwise the link falls silent too and the
// match drops that player at an agreed frame, as for any other silence.

const (
	// relayAfter is how long a link may stay without a direct datagram
	// before it is relayed.
	relayAfter = 3 * time.Second
	// relayRetry is how long a relay may go without bringing anything
	// from the other side before another is tried.
	relayRetry = 3 * time.Second
)

// chooseRelays gives a relay to every link that needs one and can have
// one, and tells the game when a link turns relayed or direct. It runs on
// the lobby loop's goroutine.
func (c *core) chooseRelays() {
	now := time.Now()
	c.mu.Lock()
	type slotLink struct {
		slot int
		l    *link
		mask uint32
	}
	var all []slotLink
	for i, p := range c.players {
		if bytes.Equal(p.pub, c.pub) {
			continue
		}
		if l := c.links[string(p.pub)]; l != nil {
			all = append(all, slotLink{i, l, c.maskOfLocked(i)})
		}
	}
	c.mu.Unlock()
	// A relay is given up well inside DisconnectTimeout, so that the link
	// it carried moves to another before the match drops anyone.
	silent := max(c.cfg.DisconnectTimeout/4, 500*time.Millisecond)
	alive := func(l *link) bool {
		return l.direct.Load() && !l.gone.Load() && now.Sub(time.Unix(0, l.lastHeard.Load())) < silent
	}
	for _, t := range all {
		l := t.l
		if l.direct.Load() {
			c.noteVia(t.slot, l, nil)
			continue
		}
		if now.Sub(l.created) < relayAfter {
			continue
		}
		p := l.relay.Load()
		stale := p != nil && (!alive(p.via) ||
			(now.Sub(time.Unix(0, l.lastHeard.Load())) > relayRetry && now.Sub(time.Unix(0, l.relaySince.Load())) > relayRetry))
		if p != nil && !stale {
			if l.confirmed.Load() {
				c.noteVia(t.slot, l, p.via)
			}
			continue
		}
		// The players this peer reaches directly that reach t.slot, tried
		// in turn.
		var cands []*link
		for _, r := range all {
			if r.l != l && alive(r.l) && r.mask&(1<<t.slot) != 0 {
				cands = append(cands, r.l)
			}
		}
		if len(cands) == 0 {
			if p != nil {
				l.dropRelay(p.via)
			}
			continue
		}
		next := cands[0]
		if p != nil {
			for i, r := range cands {
				if r == p.via {
					next = cands[(i+1)%len(cands)]
				}
			}
		}
		l.useRelay(next)
	}
}

// maskOfLocked is the bitmask of slots player i reported links to; c.mu is
// held.
func (c *core) maskOfLocked(i int) uint32 {
	p := c.players[i]
	if bytes.Equal(p.pub, c.pub) {
		return c.ownLinksLocked()
	}
	if c.isHost && p.linksVersion != c.lobbyVersion {
		return 0
	}
	return p.links
}

// noteVia tells the game when the link to slot turns relayed (via the
// link via) or direct (via nil), once per change.
func (c *core) noteVia(slot int, l *link, via *link) {
	if l.shownVia == via {
		return
	}
	was := l.shownVia
	l.shownVia = via
	c.mu.Lock()
	defer c.mu.Unlock()
	name, relay, relayName := c.nameOfLocked(l.pub), -1, ""
	if via != nil {
		relay, relayName = c.slotOfLocked(via.pub), c.nameOfLocked(via.pub)
		c.events = append(c.events, Event{Kind: EventLinkRelayed, Player: slot, Name: name, Via: relay, ViaName: relayName})
		c.cfg.Logger.Info("link relayed", "player", name, "via", relayName)
		return
	}
	if was != nil {
		c.events = append(c.events, Event{Kind: EventLinkDirect, Player: slot, Name: name, Via: -1})
		c.cfg.Logger.Info("link direct", "player", name)
	}
}

func (c *core) slotOfLocked(pub []byte) int {
	for i, p := range c.players {
		if bytes.Equal(p.pub, pub) {
			return i
		}
	}
	return -1
}

func (c *core) nameOfLocked(pub []byte) string {
	if i := c.slotOfLocked(pub); i >= 0 {
		return c.players[i].name
	}
	return ""
}
