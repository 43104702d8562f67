package netcode

import (
	"time"

	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/netcode/internal/wire"
)

// The input side channel. KCP is one ordered, reliable stream: a lost
// datagram holds every later input back for a retransmission timeout, a
// round trip and more, and at one small segment a tick fast resend hardly
// ever fires. Inputs are small and every tick makes a new one, so they
// travel beside KCP in Fast datagrams instead: each tick, one datagram per
// player with the new input, sent InputCopies times; an input the player has
// not acknowledged a retransmission timeout after it left is sent again.
// Every Fast acknowledges the receiver's inputs, so acknowledgements cost
// nothing extra. Pings and pongs ride along: losing one loses nothing.
// Everything else the engine says (checksums, drop reports, leaving) needs
// order and delivery, and stays on KCP.

// maxLogFrames bounds the local inputs kept for sending again: a player
// that has not acknowledged this many frames has long been dropped.
const maxLogFrames = 1024

// adaptLossPermille is the loss, measured on datagrams from a player, above
// which a default session sends each input to that player once more: at
// 10 % loss two copies and the next tick's both miss one input in a
// thousand, and each miss waits a retransmission timeout.
const adaptLossPermille = 40

// maxFastInputBytes bounds the inputs of one Fast datagram; the rest waits
// for the next tick.
const maxFastInputBytes = 900

// inputLog holds the local player's inputs by frame, with when each was
// first sent, until every player has acknowledged it.
type inputLog struct {
	base   lockstep.Frame // frame of inputs[0]
	inputs [][]byte
	sentAt []time.Duration
}

// last returns the newest frame held, or base-1.
func (g *inputLog) last() lockstep.Frame { return g.base + lockstep.Frame(len(g.inputs)) - 1 }

// add appends inputs for start, start+1, ... Inputs the log already holds are
// skipped; a start beyond the end (never produced by the engine) restarts
// the log there.
func (g *inputLog) add(start lockstep.Frame, ins [][]byte, now time.Duration) {
	if len(g.inputs) == 0 || start > g.last()+1 {
		g.base, g.inputs, g.sentAt = start, g.inputs[:0], g.sentAt[:0]
	}
	for i, in := range ins {
		if start+lockstep.Frame(i) <= g.last() {
			continue
		}
		g.inputs = append(g.inputs, in)
		g.sentAt = append(g.sentAt, now)
	}
	if over := len(g.inputs) - maxLogFrames; over > 0 {
		g.trim(g.base + lockstep.Frame(over))
	}
}

// trim forgets the frames before from.
func (g *inputLog) trim(from lockstep.Frame) {
	n := int(from - g.base)
	if n <= 0 {
		return
	}
	if n >= len(g.inputs) {
		clear(g.inputs)
		g.base, g.inputs, g.sentAt = from, g.inputs[:0], g.sentAt[:0]
		return
	}
	k := copy(g.inputs, g.inputs[n:])
	clear(g.inputs[k:])
	g.inputs = g.inputs[:k]
	g.sentAt = g.sentAt[:copy(g.sentAt, g.sentAt[n:])]
	g.base = from
}

// fastPeer is the side channel's state towards one player.
type fastPeer struct {
	acked      lockstep.Frame // the player holds every local input up to here
	ackSent    lockstep.Frame // the last Ack this peer sent the player
	resentAt   time.Duration  // when unacknowledged inputs were last sent again
	fresh      bool           // the engine addressed a new input to the player this tick
	freshStart lockstep.Frame
	msgs       [][]byte // pings and pongs for this tick
}

// receiveFast hands one Fast datagram from player from to the engine.
func (c *core) receiveFast(from lockstep.PlayerID, f *wire.Fast, at time.Duration) {
	m := &c.match
	e := m.engine
	fp := &m.fast[from]
	if a := lockstep.Frame(f.Ack); a > fp.acked {
		fp.acked = a
	}
	if len(f.Inputs) > 0 {
		msg := &lockstep.InputMsg{Player: from, Start: lockstep.Frame(f.Start), Inputs: f.Inputs}
		if err := e.ReceiveAt(from, msg, at); err != nil {
			c.cfg.Logger.Debug("engine refused fast input", "player", from, "err", err)
		}
	}
	for _, b := range f.Msgs {
		msg, err := lockstep.DecodeMessage(b)
		if err != nil {
			c.cfg.Logger.Warn("bad engine message", "player", from, "err", err)
			continue
		}
		switch msg.(type) {
		case *lockstep.PingMsg, *lockstep.PongMsg:
		default:
			// Only what may be lost travels unreliably.
			c.cfg.Logger.Debug("engine message out of place in a fast datagram", "player", from, "kind", msg.Kind())
			continue
		}
		if err := e.ReceiveAt(from, msg, at); err != nil {
			c.cfg.Logger.Debug("engine refused message", "player", from, "err", err)
		}
	}
}

// sendFast sends this tick's Fast datagram to every player that is owed
// one: a new input, an input to send again, a ping or pong, or a new
// acknowledgement.
func (c *core) sendFast(now time.Duration) {
	m := &c.match
	e := m.engine
	minAck := m.log.last()
	for p, l := range m.peers {
		if l == nil || !e.Present(lockstep.PlayerID(p)) {
			continue
		}
		fp := &m.fast[p]
		minAck = min(minAck, fp.acked)
		f := wire.Fast{Ack: int32(e.LastInput(lockstep.PlayerID(p))), Msgs: fp.msgs}
		from := lockstep.NoFrame
		if fp.fresh {
			from = fp.freshStart
		}
		first := max(fp.acked+1, m.log.base)
		if first <= m.log.last() {
			rtt, dev := e.RoundTrip(lockstep.PlayerID(p))
			rto := rtt + 2*dev + m.frameDur + 2*time.Millisecond
			if rtt == 0 {
				rto = 200 * time.Millisecond
			}
			if m.log.sentAt[first-m.log.base] <= now-rto && fp.resentAt <= now-rto {
				from, fp.resentAt = first, now
			}
		}
		m.fillInputs(&f, from)
		if len(f.Inputs) == 0 && len(f.Msgs) == 0 && lockstep.Frame(f.Ack) == fp.ackSent {
			continue
		}
		if !c.sendFastCopy(l, &f, 1) {
			continue
		}
		copies := m.copies
		if c.adaptiveCopies && l.lossIn.Load() >= adaptLossPermille {
			copies++
		}
		if fp.fresh && copies > 1 {
			// The other copies leave the pings out and carry the frame
			// before as well: if both datagrams of a tick are lost, the
			// next tick's still bring its input, a frame late rather than a
			// retransmission timeout.
			f.Msgs = nil
			f.Inputs = f.Inputs[:0]
			m.fillInputs(&f, max(min(from, fp.freshStart-1), fp.acked+1))
			c.sendFastCopy(l, &f, copies-1)
		}
		fp.ackSent = lockstep.Frame(f.Ack)
		fp.fresh = false
		clear(fp.msgs)
		fp.msgs = fp.msgs[:0]
	}
	m.log.trim(minAck + 1)
}

// fillInputs puts the logged inputs from frame from on into f, within
// one datagram's budget.
func (m *matchState) fillInputs(f *wire.Fast, from lockstep.Frame) {
	if from == lockstep.NoFrame || from > m.log.last() {
		return
	}
	from = max(from, m.log.base)
	f.Start = int32(from)
	size := 0
	for fr := from; fr <= m.log.last() && len(f.Inputs) < wire.MaxFastInputs; fr++ {
		in := m.log.inputs[fr-m.log.base]
		if size += len(in) + 3; size > maxFastInputBytes && len(f.Inputs) > 0 {
			break
		}
		f.Inputs = append(f.Inputs, in)
	}
}

// sendFastCopy encodes f and sends it copies times.
func (c *core) sendFastCopy(l *link, f *wire.Fast, copies int) bool {
	m := &c.match
	b, err := wire.AppendFast(m.fastBuf[:0], f)
	if err != nil {
		c.cfg.Logger.Warn("cannot encode fast datagram", "link", l.recvID, "err", err)
		return false
	}
	m.fastBuf = b
	l.sendFast(b, copies)
	return true
}

// flushInputsReliably sends every local input some player has not
// acknowledged over KCP, ahead of a message that must not overtake them
// (leaving the match).
func (c *core) flushInputsReliably() {
	m := &c.match
	for p, l := range m.peers {
		if l == nil {
			continue
		}
		first := max(m.fast[p].acked+1, m.log.base)
		if first > m.log.last() {
			continue
		}
		msg := &lockstep.InputMsg{Player: m.info.Local, Start: first, Inputs: m.log.inputs[first-m.log.base:]}
		if len(msg.Inputs) > lockstep.MaxInputsPerMessage {
			msg.Inputs = msg.Inputs[len(msg.Inputs)-lockstep.MaxInputsPerMessage:]
			msg.Start = m.log.last() + 1 - lockstep.Frame(len(msg.Inputs))
		}
		b, err := lockstep.EncodeMessage(msg)
		if err != nil {
			continue
		}
		l.write(&wire.Engine{Msgs: [][]byte{b}})
	}
}
