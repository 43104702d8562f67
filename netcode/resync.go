package netcode

import (
	"fmt"
	"slices"

	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/netcode/internal/wire"
)

// Desync repair. When three players or more compare checksums and one
// machine's differs from the majority's (lockstep's Event.Diverged), the
// lowest PlayerID of the majority, the feeder, sends each diverged player
// a Resync naming a frame R a little ahead of the frames it has handed
// out, asks its own game for a snapshot after R (Frame.WantSnapshot), and
// sends that state in State chunks over KCP, a window at a time so that
// the link's other messages do not queue behind it. The diverged player
// saves its own state after R too, if R is still ahead of it, for the
// game to compare; once the whole state is in, it hands out again every
// frame from R+1 on that it has handed out already (it keeps the latest
// maxHistory), the first with Frame.Load: the game loads the majority's
// state and simulates those frames again, with the inputs everyone agreed
// on, and is where the majority is. Inputs never differ between players,
// only what a game made of them, so nothing but the state moves.
//
// Each machine decides alone from what every machine sees alike (the
// checksums of one frame), so no agreement round is needed: the majority
// names the same feeder everywhere.

const (
	// maxHistory is how many of the latest frames handed out a session
	// with Snapshots keeps, to simulate them again after loading a state:
	// 20 s at 60 Hz.
	maxHistory = 1200
	// maxResyncs bounds the resyncs one player is sent in a match: a game
	// that is not deterministic goes astray again, and telling it is all
	// that helps then.
	maxResyncs = 3
	// stateWindow is how many KCP segments a state may keep queued on a
	// link before the next chunk waits for a tick: about 300 KB.
	stateWindow = 256
	// maxResyncInbox bounds the Resync and State messages waiting for the
	// next tick.
	maxResyncInbox = 4096
)

// outFrame is a frame as core.tick hands it out: the engine's, and what
// the game is asked to do with its state around it.
type outFrame struct {
	lockstep.ReadyFrame
	wantSnapshot bool   // save the state after this frame (Session.Snapshot)
	load         []byte // load this state before simulating this frame
}

// feedJob is a state this player sends to a diverged one.
type feedJob struct {
	to    lockstep.PlayerID
	frame lockstep.Frame
	state []byte // nil until the game saved it
	sent  int    // bytes of state sent
	begun bool   // a chunk went (an empty state is one empty chunk)
}

// incomingState is a state being received from the feeder.
type incomingState struct {
	from  lockstep.PlayerID
	frame lockstep.Frame
	buf   []byte
	got   int
	begun bool
	join  bool // the state a player coming into the match starts from
}

// resyncMsg is a Resync or State message from a link, for the next tick.
type resyncMsg struct {
	from *link
	msg  wire.Message
}

// resyncState is a match's desync repair; under matchState.mu.
type resyncState struct {
	on      bool                  // Config.Snapshots
	history []lockstep.ReadyFrame // the latest frames handed out, in order
	lastOut lockstep.Frame        // the last frame handed out; NoFrame before any
	want    []lockstep.Frame      // frames to hand out with wantSnapshot
	asked   []lockstep.Frame      // the latest frames handed out with it

	// As the feeder.
	feeds     []*feedJob
	sent      [lockstep.MaxPlayers]int            // resyncs started, by player
	quietTill [lockstep.MaxPlayers]lockstep.Frame // desyncs up to here are the state before the repair

	// As a diverged player.
	incoming *incomingState // being received
	ready    *incomingState // complete, waiting for its frame to come out
	own      []byte         // this player's state after ownFrame, for the game
	ownFrame lockstep.Frame
	ownAsked bool // ownFrame went out with wantSnapshot: wait for own a little

	desyncs []desyncRec // the latest desyncs seen, for RepairDesync

	// joining: this player came into the running match and holds the
	// engine's frames until the host's state is in.
	joining bool
}

func (rs *resyncState) init(on bool) {
	*rs = resyncState{on: on, lastOut: lockstep.NoFrame, ownFrame: lockstep.NoFrame}
	for i := range rs.quietTill {
		rs.quietTill[i] = lockstep.NoFrame
	}
}

// wantAt asks for a snapshot after frame f when it is handed out.
func (rs *resyncState) wantAt(f lockstep.Frame) {
	if !slices.Contains(rs.want, f) {
		rs.want = append(rs.want, f)
	}
}

// onResyncMsg queues a Resync or State message for the next tick; called
// on the endpoint's read goroutine.
func (c *core) onResyncMsg(l *link, m wire.Message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.started || len(c.resyncIn) >= maxResyncInbox {
		return
	}
	c.resyncIn = append(c.resyncIn, resyncMsg{from: l, msg: m})
}

// resyncLead is how many frames ahead of the frames handed out the feeder
// puts the resync frame for player p: time for the Resync to reach p
// before p hands that frame out, so that p saves its own state there too.
func (m *matchState) resyncLead(p lockstep.PlayerID) lockstep.Frame {
	rtt, _ := m.engine.RoundTrip(p)
	n := int(rtt/m.frameDur) + m.engine.InputDelay() + 10
	return lockstep.Frame(min(max(n, 10), 120))
}

// planResync makes this player the feeder of the players a desync says
// diverged, when it is the lowest PlayerID of the majority; m.mu is held.
func (c *core) planResync(ev lockstep.Event) {
	m := &c.match
	rs := &m.rs
	if !rs.on {
		return
	}
	rs.noteDesync(ev)
	if len(ev.Diverged) == 0 {
		return // no majority: the game chooses (RepairDesync)
	}
	self := m.engine.Local()
	if slices.Contains(ev.Diverged, self) {
		return // the majority's state is on its way
	}
	feeder := self
	for _, r := range ev.Remote {
		if !slices.Contains(ev.Diverged, r.Player) && r.Player < feeder {
			feeder = r.Player
		}
	}
	if feeder != self {
		return
	}
	for _, d := range ev.Diverged {
		c.feed(d, ev.Frame)
	}
}

// feed starts sending this player's state to player d, whose checksum
// after frame desync differed, unless d is being fed already, was repaired
// since, or was repaired too often; m.mu is held.
func (c *core) feed(d lockstep.PlayerID, desync lockstep.Frame) {
	m := &c.match
	rs := &m.rs
	l := m.peers[d]
	busy := slices.ContainsFunc(rs.feeds, func(j *feedJob) bool { return j.to == d })
	if l == nil || busy || desync <= rs.quietTill[d] {
		return
	}
	if rs.sent[d] >= maxResyncs {
		if rs.sent[d] == maxResyncs {
			rs.sent[d]++
			m.logger.Warn("a player's state went astray again after being repaired; not repairing it again: the game is not deterministic", "player", d, "frame", desync)
		}
		return
	}
	r := rs.lastOut + m.resyncLead(d)
	if !l.write(&wire.Resync{Frame: uint32(r)}) {
		return
	}
	rs.sent[d]++
	rs.quietTill[d] = r
	rs.feeds = append(rs.feeds, &feedJob{to: d, frame: r})
	rs.wantAt(r)
	m.logger.Info("repairing a desync: sending this state to the player that diverged", "player", d, "desync", desync, "state after", r)
}

// maxDesyncsKept is how many of the latest desyncs RepairDesync can name.
const maxDesyncsKept = 16

// desyncRec is a desync as this machine saw it, for RepairDesync.
type desyncRec struct {
	frame  lockstep.Frame
	own    uint64
	remote []lockstep.PlayerChecksum
}

// noteDesync keeps ev for RepairDesync; m.mu is held.
func (rs *resyncState) noteDesync(ev lockstep.Event) {
	rs.desyncs = append(rs.desyncs, desyncRec{frame: ev.Frame, own: ev.Checksum, remote: slices.Clone(ev.Remote)})
	if n := len(rs.desyncs) - maxDesyncsKept; n > 0 {
		rs.desyncs = slices.Delete(rs.desyncs, 0, n)
	}
}

// repairDesync is Session.RepairDesync.
func (c *core) repairDesync(f lockstep.Frame, keep lockstep.PlayerID) error {
	m := &c.match
	m.mu.Lock()
	defer m.mu.Unlock()
	if !c.isStarted() {
		return ErrNotStarted
	}
	rs := &m.rs
	if !rs.on {
		return fmt.Errorf("%w: RepairDesync needs Config.Snapshots", ErrBadConfig)
	}
	if int(keep) >= len(m.info.Players) {
		return fmt.Errorf("%w: player %d to keep (the match has %d)", ErrUnknownPlayer, keep, len(m.info.Players))
	}
	i := slices.IndexFunc(rs.desyncs, func(d desyncRec) bool { return d.frame == f })
	if i < 0 {
		return fmt.Errorf("%w: at frame %d", ErrNoDesync, f)
	}
	d := rs.desyncs[i]
	if keep != m.engine.Local() {
		if !slices.ContainsFunc(d.remote, func(r lockstep.PlayerChecksum) bool { return r.Player == keep }) {
			return fmt.Errorf("%w: player %d reported no checksum after frame %d", ErrNoDesync, keep, f)
		}
		return nil // keep's machine sends the state to whoever differs
	}
	// This machine's state is kept: it goes to every player whose
	// checksum differs (d.remote is in PlayerID order).
	for _, r := range d.remote {
		if r.Sum != d.own {
			c.feed(r.Player, f)
		}
	}
	c.settleCrossedFeeds()
	return nil
}

// settleCrossedFeeds resolves two machines that each chose to keep their
// own state for one another (RepairDesync on both, naming themselves):
// the lower PlayerID's state is kept, on both machines alike; m.mu is
// held.
func (c *core) settleCrossedFeeds() {
	m := &c.match
	rs := &m.rs
	self := m.engine.Local()
	for _, st := range []**incomingState{&rs.incoming, &rs.ready} {
		if *st == nil || !slices.ContainsFunc(rs.feeds, func(j *feedJob) bool { return j.to == (*st).from }) {
			continue
		}
		if self < (*st).from {
			m.logger.Info("both chose their own state; the lower player's is kept", "player", (*st).from)
			*st = nil
			rs.own, rs.ownFrame, rs.ownAsked = nil, lockstep.NoFrame, false
			continue
		}
		from := (*st).from
		rs.feeds = slices.DeleteFunc(rs.feeds, func(j *feedJob) bool { return j.to == from })
		rs.quietTill[from] = lockstep.NoFrame
	}
}

// takeResyncMsgs handles the Resync and State messages that came since the
// last tick; m.mu is held.
func (c *core) takeResyncMsgs() {
	c.mu.Lock()
	in := c.resyncIn
	c.resyncIn = nil
	c.mu.Unlock()
	m := &c.match
	rs := &m.rs
	for _, rm := range in {
		from, ok := m.playerOf(rm.from)
		if !ok || !rs.on {
			continue
		}
		switch msg := rm.msg.(type) {
		case *wire.Resync:
			f := lockstep.Frame(msg.Frame)
			rs.incoming = &incomingState{from: from, frame: f}
			rs.own, rs.ownFrame, rs.ownAsked = nil, f, false
			if f > rs.lastOut {
				rs.wantAt(f)
			}
			c.settleCrossedFeeds()
		case *wire.State:
			st := rs.incoming
			if st == nil || st.from != from || st.frame != lockstep.Frame(msg.Frame) {
				m.logger.Debug("state chunk of no resync", "player", from, "frame", msg.Frame)
				continue
			}
			if !st.begun {
				st.buf, st.begun = make([]byte, msg.Total), true
			}
			if int(msg.Total) != len(st.buf) || int(msg.Offset) != st.got {
				m.logger.Warn("state chunks out of order; the repair is abandoned", "player", from, "offset", msg.Offset, "want", st.got)
				rs.incoming = nil
				continue
			}
			st.got += copy(st.buf[st.got:], msg.Chunk)
			if st.got == len(st.buf) {
				rs.ready, rs.incoming = st, nil
			}
		}
	}
}

// handOut turns the engine's frames into the frames the game gets: each
// one asked for a snapshot is marked, the latest are kept, and a complete
// state from the feeder is loaded at the first frame after it, with the
// frames from there on handed out again. m.mu is held.
func (c *core) handOut(frames []lockstep.ReadyFrame) []outFrame {
	m := &c.match
	rs := &m.rs
	if !rs.on {
		out := make([]outFrame, len(frames))
		for i, f := range frames {
			out[i].ReadyFrame = f
		}
		return out
	}
	rs.history = append(rs.history, frames...)
	if n := len(rs.history) - maxHistory; n > maxHistory/4 {
		// Trimmed a quarter at a time, not every tick: the copy is the
		// size of the whole history.
		rs.history = slices.Delete(rs.history, 0, n)
	}
	if rs.joining && (rs.ready == nil || len(rs.history) == 0) {
		return nil // frames wait for the state they start from
	}
	var out []outFrame
	// The state is loaded once frames after it are out and, if this
	// player's own state after that frame was asked for, once the game
	// gave it (a game behind a Ticker simulates a little later), or after
	// two seconds of frames without it.
	st := rs.ready
	if st != nil && rs.ownAsked && rs.own == nil && len(rs.history) > 0 && rs.history[len(rs.history)-1].Frame <= st.frame+120 {
		st = nil
	}
	if st != nil && len(rs.history) > 0 && rs.history[len(rs.history)-1].Frame > st.frame {
		rs.ready = nil
		first := rs.history[0].Frame
		if st.frame+1 < first {
			m.logger.Warn("the repaired state is older than the frames kept; the repair is abandoned", "state after", st.frame, "oldest kept", first)
		} else {
			again := rs.history[st.frame+1-first:]
			out = make([]outFrame, len(again))
			for i, f := range again {
				out[i].ReadyFrame = f
			}
			out[0].load = st.buf
			if st.join {
				rs.joining = false
				m.logger.Info("back in the match: loaded the host's state", "state after", st.frame, "frames", len(again))
			} else {
				c.resynced(st)
				m.logger.Info("desync repaired: loaded the majority's state", "from", st.from, "state after", st.frame, "frames again", len(again)-len(frames))
			}
		}
	}
	if out == nil {
		out = make([]outFrame, len(frames))
		for i, f := range frames {
			out[i].ReadyFrame = f
		}
	}
	for i := range out {
		f := out[i].Frame
		if j := slices.Index(rs.want, f); j >= 0 && f > rs.lastOut {
			out[i].wantSnapshot = true
			rs.want = slices.Delete(rs.want, j, j+1)
			rs.asked = append(rs.asked, f)
			if n := len(rs.asked) - 8; n > 0 {
				rs.asked = slices.Delete(rs.asked, 0, n)
			}
			if f == rs.ownFrame {
				rs.ownAsked = true
			}
		}
	}
	if len(frames) > 0 {
		rs.lastOut = frames[len(frames)-1].Frame
	}
	// A frame asked for that can no longer come is forgotten.
	rs.want = slices.DeleteFunc(rs.want, func(f lockstep.Frame) bool { return f <= rs.lastOut })
	return out
}

// resynced tells the game its state was replaced by st's; m.mu is held.
func (c *core) resynced(st *incomingState) {
	m := &c.match
	rs := &m.rs
	ev := Event{Kind: EventResynced, Player: int(st.from), Frame: st.frame, State: st.buf}
	if rs.ownFrame == st.frame {
		ev.OwnState = rs.own
	}
	if int(st.from) < len(m.info.Players) {
		ev.Name = m.info.Players[st.from]
	}
	rs.own, rs.ownFrame, rs.ownAsked = nil, lockstep.NoFrame, false
	c.emit(ev)
}

// snapshot takes the game's state after frame f, asked for by a frame's
// WantSnapshot.
func (c *core) snapshot(f lockstep.Frame, state []byte) error {
	m := &c.match
	m.mu.Lock()
	defer m.mu.Unlock()
	if !c.isStarted() {
		return ErrNotStarted
	}
	if len(state) > wire.MaxState {
		return fmt.Errorf("%w: a state of %d bytes (at most %d)", ErrBadSnapshot, len(state), wire.MaxState)
	}
	rs := &m.rs
	used := false
	for _, j := range rs.feeds {
		if j.frame == f && j.state == nil {
			j.state, used = slices.Clone(state), true
			if j.state == nil {
				j.state = []byte{}
			}
		}
	}
	if rs.ownFrame == f && f != lockstep.NoFrame && rs.own == nil {
		rs.own, used = slices.Clone(state), true
	}
	if !used {
		if slices.Contains(rs.asked, f) {
			return nil // asked for, and no longer needed
		}
		return fmt.Errorf("%w: no snapshot was asked for after frame %d", ErrBadSnapshot, f)
	}
	c.pumpStates()
	return nil
}

// pumpStates sends the next chunks of the states being fed, as long as
// each link's queue has room; m.mu is held.
func (c *core) pumpStates() {
	m := &c.match
	rs := &m.rs
	rs.feeds = slices.DeleteFunc(rs.feeds, func(j *feedJob) bool {
		l := m.peers[j.to]
		if l == nil || l.gone.Load() || (j.state == nil && j.frame < rs.lastOut-maxHistory) {
			return true
		}
		for j.state != nil && (!j.begun || j.sent < len(j.state)) {
			if l.queued() > stateWindow {
				return false
			}
			n := min(len(j.state)-j.sent, wire.MaxStateChunk)
			if !l.write(&wire.State{Frame: uint32(j.frame), Total: uint32(len(j.state)), Offset: uint32(j.sent), Chunk: j.state[j.sent : j.sent+n]}) {
				return true
			}
			j.sent += n
			j.begun = true
		}
		if j.state == nil {
			return false
		}
		// Sent: the diverged player's checksums stay wrong until it has
		// loaded the state, a round trip or so from now.
		rs.quietTill[j.to] = max(rs.quietTill[j.to], rs.lastOut+m.resyncLead(j.to))
		return true
	})
}
