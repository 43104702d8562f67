package netcode

import (
	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/netcode/internal/wire"
)

// The engine's two channels. The engine says which of its messages need
// the reliable channel (checksums, drop reports, leaving) and which may go
// as datagrams (inputs, pings, pongs): it acknowledges, copies and resends
// inputs itself, so netcode only moves bytes. KCP is one ordered,
// reliable stream where a lost datagram holds every later message back
// for a retransmission, so datagram messages go beside it: each tick,
// those for one player share one sealed datagram, and a message the
// engine wants in more copies goes again, alone, in as many more.

// maxInbox bounds the datagrams waiting for the game's next tick: a game
// that stops ticking must not let a peer fill its memory.
const maxInbox = 4096

// onDatagram decodes a datagram's engine messages for the next tick;
// called on the endpoint's read goroutine, before the link reuses b.
func (c *core) onDatagram(l *link, b []byte) {
	parts, err := wire.SplitDatagram(b)
	if err != nil {
		c.cfg.Logger.Debug("bad datagram", "link", l.recvID, "err", err)
		return
	}
	msgs := c.decodeEngineMsgs(l, parts)
	c.mu.Lock()
	if c.started && len(c.inbox) < maxInbox {
		c.inbox = append(c.inbox, inbound{from: l, at: c.now(), msgs: msgs})
	}
	c.mu.Unlock()
}

// decodeEngineMsgs decodes the engine messages that came from l over
// either channel, leaving out (and logging) any that does not decode.
func (c *core) decodeEngineMsgs(l *link, parts [][]byte) []lockstep.Message {
	msgs := make([]lockstep.Message, 0, len(parts))
	for _, p := range parts {
		m, err := lockstep.DecodeMessage(p)
		if err != nil {
			c.cfg.Logger.Warn("bad engine message", "link", l.recvID, "err", err)
			continue
		}
		msgs = append(msgs, m)
	}
	return msgs
}

// datagramOut gathers one tick's datagram messages for one player.
type datagramOut struct {
	buf []byte
}

// sendDatagramMsg adds one encoded datagram message for l: into the
// tick's datagram for l, which goes out first when b would not fit, and
// copies-1 times more alone.
func (m *matchState) sendDatagramMsg(l *link, d *datagramOut, b []byte, copies int) {
	if len(d.buf) > 0 && len(d.buf)+len(b) > wire.MaxDatagramSize {
		l.sendDatagram(m.out, d.buf)
		d.buf = d.buf[:0]
	}
	d.buf = append(d.buf, b...)
	for range copies - 1 {
		l.sendDatagram(m.out, b)
	}
}

// flush sends the tick's datagram for l, if it holds anything, into out
// (nil: at once).
func (d *datagramOut) flush(l *link, out *sendBatch) {
	if len(d.buf) > 0 {
		l.sendDatagram(out, d.buf)
		d.buf = d.buf[:0]
	}
}
