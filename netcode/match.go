package netcode

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/netcode/internal/wire"
)

// stallEventTicks is how many ticks in a row without a frame raise an
// EventStalled.
const stallEventTicks = 30

// MatchInfo describes a started match; every player sees the same.
type MatchInfo struct {
	// Seed is the match seed the host chose: seed the game with it.
	Seed uint64
	// Players are the players' names, by PlayerID.
	Players []string
	// Local is this player's PlayerID: the first of LocalPlayers.
	Local lockstep.PlayerID
	// LocalPlayers are the PlayerIDs of the players on this machine
	// (Config.LocalPlayers), in the order Session.TickAll takes their
	// inputs: Local alone, unless several play here.
	LocalPlayers []lockstep.PlayerID
	// TickRate is the simulation rate in frames per second.
	TickRate int
	// Settings are the host's game-specific settings.
	Settings []byte
}

// matchState is the running match; owned by the goroutine that calls Tick.
type matchState struct {
	mu       sync.Mutex // serialises Tick, ReportChecksum and Close
	info     MatchInfo
	engine   *lockstep.Engine
	peers    []*link // by PlayerID; nil for the local player
	frameDur time.Duration
	merge    func(older, newer []byte) []byte
	logger   *slog.Logger

	slowDebt  time.Duration // pacing advice not yet taken by Pace
	ticks     uint64        // Tick calls in the match
	lastPace  uint64        // ticks at the last Pace call
	unpaced   bool          // the loop was told once that it ignores Pace
	margin    time.Duration // Config.DelayMargin
	stalled   uint64
	stallRun  int
	dropped   bool
	left      bool
	lastTick  time.Duration // c.now() at the last tick
	lastAt    time.Duration // the engine's clock at the last tick
	paused    time.Duration // time this process did not tick, left out of the engine's clock
	batches   [][][]byte    // reliable messages by player, for one KCP message each
	datagrams []datagramOut // datagram messages by player
	out       *sendBatch    // the tick's datagrams, sent in one call; nil: one by one
	rs        resyncState   // desync repair
}

// pingInterval is how often the engine pings each player in a match: often
// enough for pacing to follow, cheap because pings ride in the tick's
// datagrams.
const pingInterval = 200 * time.Millisecond

// beginLocked creates the engine from a Start message. c.mu is held.
func (c *core) beginLocked(st *wire.Start) error {
	// A key on consecutive slots is one machine's players: an engine
	// group. The first of this machine's is the local player.
	local := -1
	var locals []lockstep.PlayerID
	var groups [][]lockstep.PlayerID
	for i, p := range st.Pubs {
		if bytes.Equal(p, c.pub) {
			if local < 0 {
				local = i
			}
			locals = append(locals, lockstep.PlayerID(i))
		}
		if i > 0 && bytes.Equal(p, st.Pubs[i-1]) {
			if n := len(groups); n > 0 && groups[n-1][len(groups[n-1])-1] == lockstep.PlayerID(i-1) {
				groups[n-1] = append(groups[n-1], lockstep.PlayerID(i))
			} else {
				groups = append(groups, []lockstep.PlayerID{lockstep.PlayerID(i - 1), lockstep.PlayerID(i)})
			}
		}
	}
	if local < 0 {
		return fmt.Errorf("netcode: the start message does not name this player")
	}
	if int(locals[len(locals)-1])-local+1 != len(locals) {
		return fmt.Errorf("netcode: the start message gives this player slots apart")
	}
	c.showLinksLocked(true) // what the lobby loop had no tick left to tell
	m := &c.match
	var join *lockstep.JoinPoint
	if c.resume != nil {
		// Coming into the running match: its engine starts where the
		// host's JoinPoint says, and the game gets frames once the
		// host's state is in.
		if !c.cfg.Snapshots {
			return fmt.Errorf("%w: the match is running, and coming into it needs Config.Snapshots (the game loads the others' state)", ErrBadConfig)
		}
		jp := joinPointOf(c.resume)
		if len(jp.Seats) != len(st.Pubs) {
			return fmt.Errorf("netcode: the host's join point has %d seats for %d players", len(jp.Seats), len(st.Pubs))
		}
		join = &jp
	}
	m.peers = make([]*link, len(st.Pubs))
	for i, p := range st.Pubs {
		if bytes.Equal(p, c.pub) {
			continue
		}
		l := c.links[string(p)]
		if l == nil && join != nil && join.Seats[i].Until != lockstep.NoFrame {
			continue // out of the match: no link
		}
		if l == nil {
			return fmt.Errorf("netcode: no link to player %d (%s)", i, st.Names[i])
		}
		m.peers[i] = l
	}
	m.frameDur = time.Second / time.Duration(st.TickHz)
	m.rs.init(c.cfg.Snapshots)
	m.margin = c.cfg.DelayMargin
	m.logger = c.cfg.Logger
	m.merge = c.cfg.MergeInput
	if m.merge == nil {
		m.merge = func(_, newer []byte) []byte { return newer }
	}
	delay := c.cfg.InputDelay
	if !c.cfg.FixedInputDelay {
		// The automatic delay starts where the lobby's round trips put
		// it, this player's or else the host's, and never goes below the
		// player's InputDelay.
		measured := startDelay(m.peers, m.frameDur, m.delayMargin())
		if measured == 0 {
			measured = int(st.InputDelay)
		}
		if measured == 0 {
			measured = lockstep.DefaultInputDelay // nothing measured yet
		}
		delay = max(delay, measured)
	}
	ecfg := lockstep.Config{
		Players:           len(st.Pubs),
		Local:             lockstep.PlayerID(local),
		Groups:            groups,
		InputDelay:        delay,
		AutoInputDelay:    !c.cfg.FixedInputDelay,
		MinInputDelay:     c.cfg.InputDelay,
		FrameDuration:     m.frameDur,
		ChecksumInterval:  int(st.ChecksumInterval),
		DisconnectTimeout: c.cfg.DisconnectTimeout,
		PingInterval:      pingInterval,
		MergeInput:        c.cfg.MergeInput,
		DelayMargin:       m.delayMargin(),
		InputCopies:       c.cfg.InputCopies,
		Join:              join,
	}
	eng, err := lockstep.New(ecfg)
	if err != nil {
		return fmt.Errorf("netcode: engine: %w", err)
	}
	m.engine = eng
	m.info = MatchInfo{
		Seed:         st.Seed,
		Players:      append([]string(nil), st.Names...),
		Local:        lockstep.PlayerID(local),
		LocalPlayers: locals,
		TickRate:     int(st.TickHz),
		Settings:     append([]byte(nil), st.Settings...),
	}
	m.batches = make([][][]byte, len(st.Pubs))
	m.datagrams = make([]datagramOut, len(st.Pubs))
	m.out = c.ep.newBatch()
	first := lockstep.Frame(0)
	if join != nil {
		first = join.Snapshot + 1
		host := slices.IndexFunc(st.Pubs, func(p []byte) bool { return bytes.Equal(p, c.players[0].pub) })
		if host < 0 {
			return fmt.Errorf("netcode: the host is not in the match it resumes")
		}
		m.rs.incoming = &incomingState{from: lockstep.PlayerID(host), frame: join.Snapshot, join: true}
		m.rs.joining = true
	}
	c.started = true
	close(c.startedCh)
	c.events = append(c.events, Event{Kind: EventStarted, Frame: first})
	c.cfg.Logger.Info("match started", "players", len(st.Pubs), "local", local, "seed", st.Seed)
	return nil
}

// startDelay picks the first input delay of an automatic match from the
// round trips KCP measured in the lobby, so that the match does not spend
// its first second stalling at the engine's default while its own pings
// settle: one way to the farthest player, plus margin (delayMargin),
// rounded up to frames. Zero when no link has measured anything.
func startDelay(peers []*link, frame, margin time.Duration) int {
	var worst time.Duration
	for _, l := range peers {
		if l != nil {
			worst = max(worst, l.rtt())
		}
	}
	if worst <= 0 {
		return 0
	}
	d := int((worst/2 + margin + frame - 1) / frame)
	return min(max(d, 1), lockstep.DefaultMaxInputDelay)
}

// tick runs one game tick: it feeds the engine what arrived, adds the local
// inputs (one per local player), sends what the engine wants sent and
// returns the frames to simulate.
func (c *core) tick(inputs [][]byte) ([]outFrame, error) {
	m := &c.match
	m.mu.Lock()
	defer m.mu.Unlock()
	if c.isClosed() || m.left {
		return nil, ErrClosed
	}
	c.mu.Lock()
	started := c.started
	inbox := c.inbox
	c.inbox = nil
	gone := c.disconnected
	c.disconnected = nil
	c.mu.Unlock()
	if !started {
		return nil, ErrNotStarted
	}
	if m.dropped {
		return nil, ErrDropped
	}
	e := m.engine
	// Tick first, then what arrived: the engine answers pings and times
	// round trips against this tick's time, and each message keeps the
	// time it arrived at, on the engine's clock.
	prevAt := m.lastAt
	now := m.engineNow(c.now(), c.cfg.DisconnectTimeout/4)
	e.Tick(now)
	for _, in := range inbox {
		from, ok := m.playerOf(in.from)
		if !ok {
			continue
		}
		at := min(max(in.at-m.paused, prevAt), now)
		for _, msg := range in.msgs {
			if err := e.ReceiveAt(from, msg, at); err != nil {
				c.cfg.Logger.Debug("engine refused message", "player", from, "err", err)
			}
		}
	}
	c.takeResyncMsgs()
	if c.isHost {
		c.serveComers()
	} else {
		c.takeComers()
	}
	for _, l := range gone {
		if p, ok := m.playerOf(l); ok {
			if err := e.DropPlayer(p); err != nil {
				c.cfg.Logger.Debug("link closed", "player", p, "err", err)
			}
		}
	}

	m.ticks++
	m.noticeUnpaced()
	if _, err := e.AddLocalInputs(inputs); err != nil && !errors.Is(err, lockstep.ErrDropped) {
		return nil, fmt.Errorf("netcode: local input: %w", err)
	}
	rd := e.Ready()
	c.send(rd.Messages)
	m.slowDebt = min(m.slowDebt+rd.SlowDown, 4*m.frameDur)
	c.engineEvents(rd.Events)
	frames := c.handOut(rd.Frames)
	c.pumpStates()
	if len(frames) == 0 && !m.rs.joining {
		m.stalled++
		m.stallRun++
		if m.stallRun == stallEventTicks {
			c.emit(Event{Kind: EventStalled, Frame: e.Stats().Frame, Players: ints(e.Stats().Waiting)})
		}
	} else {
		m.stallRun = 0
	}
	if m.dropped {
		return frames, ErrDropped
	}
	return frames, nil
}

// paceWindow is how many ticks without a Pace call make netcode tell the
// game, once, that its loop ignores pacing.
const paceWindow = 120

// noticeUnpaced logs once that the game loop calls Tick but never Pace: its
// ticks then drift out of phase with the others', and whoever runs ahead
// stalls on their inputs. A fixed-rate loop should use a Ticker.
func (m *matchState) noticeUnpaced() {
	if m.unpaced || m.ticks <= m.lastPace+paceWindow {
		return
	}
	m.unpaced = true
	m.logger.Warn("the game loop calls Tick but not Pace: its ticks drift out of phase with the other players'; wait out Pace, or let a Ticker run the ticks (Session.Ticker)")
}

// delayMargin is the time the automatic delay keeps beyond the one-way
// time: an eighth of a frame for pacing's residue, and the game's
// Config.DelayMargin.
func (m *matchState) delayMargin() time.Duration {
	return m.frameDur/8 + m.margin
}

// takePace hands the pacing debt to a game loop that waits it out itself.
func (c *core) takePace() time.Duration {
	m := &c.match
	m.mu.Lock()
	defer m.mu.Unlock()
	m.lastPace = m.ticks
	d := m.slowDebt
	m.slowDebt = 0
	return d
}

// engineNow is the engine's clock: now less the time this process did not
// run its loop (stopped, suspended, hung). Peers were not silent then, this
// peer was deaf, and what they sent is still on its way in: a pause must
// not count as their silence, or a resumed peer would drop everyone else
// before hearing that they dropped it.
func (m *matchState) engineNow(now, pause time.Duration) time.Duration {
	if gap := now - m.lastTick; m.lastTick > 0 && gap > pause {
		m.paused += gap - m.frameDur
	}
	m.lastTick = now
	m.lastAt = now - m.paused
	return m.lastAt
}

func (m *matchState) playerOf(l *link) (lockstep.PlayerID, bool) {
	for i, p := range m.peers {
		if p == l {
			return lockstep.PlayerID(i), true
		}
	}
	return 0, false
}

// send hands the engine's messages to the links: those that need the
// reliable channel batched into one KCP message per player, the others in
// this tick's datagrams (datagram.go).
func (c *core) send(out []lockstep.Outbound) {
	m := &c.match
	var lastMsg lockstep.Message
	var lastEnc []byte
	for _, o := range out {
		if int(o.To) >= len(m.peers) || m.peers[o.To] == nil {
			continue
		}
		if o.Msg != lastMsg {
			b, err := lockstep.EncodeMessage(o.Msg)
			if err != nil {
				c.cfg.Logger.Warn("cannot encode engine message", "err", err)
				continue
			}
			lastMsg, lastEnc = o.Msg, b
		}
		if !o.Reliable && len(lastEnc) <= wire.MaxDatagramSize {
			m.sendDatagramMsg(m.peers[o.To], &m.datagrams[o.To], lastEnc, max(o.Copies, 1))
			continue
		}
		m.batches[o.To] = append(m.batches[o.To], lastEnc)
	}
	for p := range m.datagrams {
		if m.peers[p] != nil {
			m.datagrams[p].flush(m.peers[p], m.out)
		}
	}
	if m.out != nil {
		m.out.flush()
	}
	for p, batch := range m.batches {
		if len(batch) == 0 {
			continue
		}
		for len(batch) > 0 {
			n := min(len(batch), wire.MaxBatch)
			m.peers[p].write(&wire.Engine{Msgs: batch[:n]})
			batch = batch[n:]
		}
		m.batches[p] = m.batches[p][:0]
	}
}

func (c *core) engineEvents(evs []lockstep.Event) {
	if len(evs) == 0 {
		return
	}
	m := &c.match
	out := make([]Event, 0, len(evs))
	for _, ev := range evs {
		e := Event{Player: int(ev.Player), Frame: ev.Frame, Players: ints(ev.Players), Delay: ev.Delay,
			Checksum: ev.Checksum, UntilDrop: ev.UntilDrop, Diverged: ints(ev.Diverged)}
		for _, r := range ev.Remote {
			e.Remote = append(e.Remote, PlayerChecksum{Player: int(r.Player), Sum: r.Sum})
		}
		switch ev.Kind {
		case lockstep.EventPlayerLeft:
			e.Kind = EventPlayerLeft
			if int(ev.Player) < len(m.info.Players) {
				e.Name = m.info.Players[ev.Player]
			}
		case lockstep.EventDesync:
			e.Kind = EventDesync
			c.planResync(ev)
		case lockstep.EventDropped:
			e.Kind = EventDropped
			m.dropped = true
		case lockstep.EventInterrupted:
			e.Kind = EventInterrupted
		case lockstep.EventResumed:
			e.Kind = EventResumed
		case lockstep.EventInputDelayChanged:
			e.Kind = EventInputDelayChanged
		case lockstep.EventPlayerJoined:
			e.Kind, e.Rejoined = EventPlayerJoined, ev.Rejoined
			if int(ev.Player) < len(m.info.Players) {
				e.Name = m.info.Players[ev.Player]
			}
			if c.isHost {
				c.resumeComer(ev.Player)
			}
		default:
			continue
		}
		out = append(out, e)
	}
	c.mu.Lock()
	c.events = append(c.events, out...)
	c.mu.Unlock()
}

func ints(ps []lockstep.PlayerID) []int {
	if len(ps) == 0 {
		return nil
	}
	out := make([]int, len(ps))
	for i, p := range ps {
		out[i] = int(p)
	}
	return out
}

// isStarted reads c.started under c.mu, which also makes the match state
// that beginLocked wrote visible to the caller.
func (c *core) isStarted() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.started
}

func (c *core) reportChecksum(f lockstep.Frame, sum uint64) error {
	m := &c.match
	m.mu.Lock()
	defer m.mu.Unlock()
	if !c.isStarted() {
		return ErrNotStarted
	}
	return m.engine.ReportChecksum(f, sum)
}

// confirmedFrame is the engine's ConfirmedFrame, NoFrame before the start.
func (c *core) confirmedFrame() lockstep.Frame {
	m := &c.match
	m.mu.Lock()
	defer m.mu.Unlock()
	if !c.isStarted() {
		return lockstep.NoFrame
	}
	return m.engine.ConfirmedFrame()
}

// dropPlayer starts the agreed drop of player p. The engine's reports go
// out with the next tick.
func (c *core) dropPlayer(p lockstep.PlayerID) error {
	m := &c.match
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case c.isClosed() || m.left:
		return ErrClosed
	case !c.isStarted():
		return ErrNotStarted
	case m.dropped:
		return ErrDropped
	}
	err := m.engine.DropPlayer(p)
	switch {
	case err == nil:
		c.cfg.Logger.Info("dropping player", "player", p)
		return nil
	case errors.Is(err, lockstep.ErrUnknownPlayer):
		return fmt.Errorf("%w: %w", ErrUnknownPlayer, err)
	case errors.Is(err, lockstep.ErrLocalPlayer):
		return fmt.Errorf("%w: %w", ErrLocalPlayer, err)
	case errors.Is(err, lockstep.ErrAlreadyDropped):
		return fmt.Errorf("%w: %w", ErrAlreadyDropped, err)
	case errors.Is(err, lockstep.ErrDropped):
		return fmt.Errorf("%w: %w", ErrDropped, err)
	}
	return fmt.Errorf("netcode: drop player %d: %w", p, err)
}

// leaveMatch tells the others this player leaves on purpose.
func (c *core) leaveMatch() {
	m := &c.match
	m.mu.Lock()
	defer m.mu.Unlock()
	if !c.isStarted() || m.left {
		return
	}
	m.left = true
	m.engine.Leave()
	c.send(m.engine.Ready().Messages)
}
