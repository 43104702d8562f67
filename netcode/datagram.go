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
// those for one player share one sealed datagram, and the messages the
// engine wants in more copies go again in as many more, together (the
// inputs of a machine's several players share each copy).

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

// datagramOut gathers one tick's datagram messages for one player: the
// tick's datagram, and its extra copies, the k-th holding the messages
// wanted in more than k+1 copies.
type datagramOut struct {
	buf   []byte
	extra [][]byte
}

// sendDatagramMsg adds one encoded datagram message for l: into the
// tick's datagram for l and into copies-1 extra copies, each of which goes
// out first when b would not fit.
func (m *matchState) sendDatagramMsg(l *link, d *datagramOut, b []byte, copies int) {
	d.buf = m.addToDatagram(l, d.buf, b)
	for k := range copies - 1 {
		if k == len(d.extra) {
			d.extra = append(d.extra, nil)
		}
		d.extra[k] = m.addToDatagram(l, d.extra[k], b)
	}
}

// addToDatagram appends b to the datagram being gathered in buf, sending
// buf first when b would not fit.
func (m *matchState) addToDatagram(l *link, buf, b []byte) []byte {
	if len(buf) > 0 && len(buf)+len(b) > wire.MaxDatagramSize {
		l.sendDatagram(m.out, buf)
		buf = buf[:0]
	}
	return append(buf, b...)
}

// flush sends the tick's datagram for l and its extra copies, those that
// hold anything, into out (nil: at once).
func (d *datagramOut) flush(l *link, out *sendBatch) {
	if len(d.buf) > 0 {
		l.sendDatagram(out, d.buf)
		d.buf = d.buf[:0]
	}
	for k, x := range d.extra {
		if len(x) > 0 {
			l.sendDatagram(out, x)
			d.extra[k] = x[:0]
		}
	}
}
