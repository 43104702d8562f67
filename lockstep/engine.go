package lockstep

import (
	"fmt"
	"slices"
	"time"
)

// Engine is one peer's lockstep state machine. It never reads a clock,
// starts a goroutine or touches a socket: the caller feeds it local input,
// messages from other players and the time, and drains Ready. It is not
// safe for concurrent use.
type Engine struct {
	cfg          Config
	n            int
	local        PlayerID
	locals       []PlayerID           // the players this engine adds inputs for, Local among them
	groupOf      [MaxPlayers]PlayerID // each player's group's first player: the peer it plays through
	groupPlayers [MaxPlayers][]int    // by a group's first player, its players
	now          time.Duration
	ticks        int // Tick calls seen

	next      Frame // next frame to simulate
	delay     int
	clock     Frame // the local frame clock: local inputs added so far
	lastLocal Frame
	prevLocal [][]byte // by local player, in locals' order
	pending   [][]byte
	hasPend   bool
	stopped   bool // Leave was called
	dropped   bool // the others dropped us
	merge     func(older, newer []byte) []byte

	admitting  []PlayerID // players Admit queued, for the next local input
	catchingUp bool       // a joining engine before its first frame: its clock follows the others'

	players []*peer
	reports []*DropReportMsg // latest drop report by reporter
	checks  map[Frame]*checkRec
	// awaiting lists, in order, the frames whose checksums differ but
	// still lack a peer's: EventDesync waits for every one, to say who
	// diverged.
	awaiting []Frame
	addedAt  map[Frame]time.Duration // when each local input not yet acknowledged by all was added

	lastPing        time.Duration
	lastDelayChange time.Duration
	shrinkSince     time.Duration // since when a smaller delay would do; -1: it would not
	tickAt          time.Duration // the time of the latest Tick
	tickClock       Frame         // the frame clock at that Tick

	out    []Outbound
	frames []ReadyFrame
	events []Event
}

// peer is the engine's view of one player, the local ones included. The
// fields from lastHeard on describe the link to the player's group, and
// are kept on its first player's peer only.
type peer struct {
	inputs map[Frame][]byte
	contig Frame // every frame up to contig is held

	settled  Frame   // first frame without this player; NoFrame while present
	dropping bool    // a drop is pending
	frozen   Frame   // contig when the drop began
	joined   Frame   // first frame with this player: 0, or the frame it was admitted from
	admits   []Admit // the admissions this player's held inputs carry, in frame order

	lastHeard   time.Duration
	resumedAt   time.Duration // when the player spoke again after a silence (silentGap)
	interrupted bool
	lastKicked  time.Duration
	kickedOnce  bool

	rtt, rttVar   time.Duration
	remoteFrame   Frame   // the player's frame clock in its latest ping or pong
	adv           float64 // smoothed: how many frames our clock runs ahead of its
	remoteAdv     float64 // the same, as the player sees it
	hasRemote     bool
	pingsAnswered int
	samples       [rttWindow]time.Duration // the latest round-trip samples, a ring

	// The input exchange towards this player.
	acked     Frame         // it holds every local input up to here
	ackSent   Frame         // the last Ack sent to it
	freshFrom Frame         // the first local input not yet sent to it; NoFrame if none
	resentAt  time.Duration // when unacknowledged inputs were last sent again
	resent    bool
	pings     [pingWindow]pingRec // the latest pings sent to it, a ring
	pingN     int                 // pings sent so far
}

// pingRec is one ping sent, for the loss estimate.
type pingRec struct {
	sent     time.Duration
	answered bool
}

// pingWindow is how many of the latest pings the loss estimate covers.
const pingWindow = 64

// lossyRoundTrip is the ping loss above which an adaptive engine sends
// each input once more: 4 % each way. At 10 % loss two copies of a
// tick's input and the next tick's both miss one input in a thousand.
const lossyRoundTrip = 0.08

// maxInputsPerDatagram and maxDatagramInputBytes bound the inputs of one
// InputMsg meant for a datagram; the rest waits for the next tick.
const (
	maxInputsPerDatagram  = 128
	maxDatagramInputBytes = 900
)

type checkRec struct {
	own      uint64
	hasOwn   bool
	remote   [MaxPlayers]uint64
	has      [MaxPlayers]bool
	alerted  bool
	awaiting bool // in Engine.awaiting
}

// shrinkAfter is how long a smaller automatic input delay must have been
// enough before the delay shrinks.
const shrinkAfter = 2 * time.Second

// silentGap is how long a player must have been silent for the pongs
// answering pings sent meanwhile to be left out of its round trip: a tick's
// datagrams normally come every frame, and a process that hung answers the
// pings queued for it only when it runs again, with the hang in the sample
// (the automatic delay would jump to its maximum and take seconds to come
// down).
func (e *Engine) silentGap() time.Duration {
	return max(e.cfg.InterruptTimeout/3, 8*e.cfg.FrameDuration)
}

// maxLag is how many frames the local clock may run ahead of the
// simulation before it stops: the room a late input has to arrive in
// without shifting the schedule.
const maxLag = 2

// maxUnacked bounds the local inputs kept for players to acknowledge.
const maxUnacked = 1024

// dropWindow is how many of a dropped player's inputs every drop report
// forwards: more than any two remaining peers' holdings can differ by.
func (e *Engine) dropWindow() Frame { return Frame(2*e.cfg.MaxInputDelay + 16) }

// DefaultConfig returns the configuration of an engine for local of
// players with every field at its default: the input delay
// DefaultInputDelay, tuned automatically between 1 and
// DefaultMaxInputDelay frames, 60 frames a second, a checksum every
// DefaultChecksumInterval frames, drops after DefaultDisconnectTimeout of
// silence, two copies of each input and one more over a lossy link.
func DefaultConfig(players int, local PlayerID) Config {
	c := Config{Players: players, Local: local, InputDelay: DefaultInputDelay, MinInputDelay: 1, AutoInputDelay: true}
	c.fillDefaults()
	return c
}

// fillDefaults gives the zero fields that have no meaning at zero their
// defaults.
func (c *Config) fillDefaults() {
	if c.MaxInputDelay == 0 {
		c.MaxInputDelay = DefaultMaxInputDelay
	}
	if c.FrameDuration == 0 {
		c.FrameDuration = DefaultFrameDuration
	}
	if c.DelayMargin == 0 && c.FrameDuration > 0 {
		c.DelayMargin = c.FrameDuration / 8
	}
	if c.ChecksumInterval == 0 {
		c.ChecksumInterval = DefaultChecksumInterval
	}
	if c.DisconnectTimeout == 0 {
		c.DisconnectTimeout = DefaultDisconnectTimeout
	}
	if c.InterruptTimeout == 0 {
		c.InterruptTimeout = c.DisconnectTimeout / 4
	}
	if c.PingInterval == 0 {
		c.PingInterval = DefaultPingInterval
	}
	if c.JoinLead == 0 {
		c.JoinLead = DefaultJoinLead
	}
}

// Validate reports the first thing wrong with c, as an error wrapping
// ErrBadConfig that names the field, or nil. Zero fields that New fills
// in count as their defaults.
func (c Config) Validate() error {
	c.fillDefaults()
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%w: "+format, append([]any{ErrBadConfig}, args...)...)
	}
	switch {
	case c.Players < MinPlayers || c.Players > MaxPlayers:
		return bad("Players %d out of [%d, %d]", c.Players, MinPlayers, MaxPlayers)
	case int(c.Local) >= c.Players:
		return bad("Local %d is not a player of %d", c.Local, c.Players)
	case c.groupsErr() != "":
		return bad("Groups: %s", c.groupsErr())
	case c.MaxInputDelay < 0 || c.MaxInputDelay > 120:
		return bad("MaxInputDelay %d out of [1, 120]", c.MaxInputDelay)
	case c.InputDelay < 0 || c.InputDelay > c.MaxInputDelay:
		return bad("InputDelay %d out of [0, %d]", c.InputDelay, c.MaxInputDelay)
	case c.MinInputDelay < 0 || c.MinInputDelay > c.MaxInputDelay:
		return bad("MinInputDelay %d out of [0, %d]", c.MinInputDelay, c.MaxInputDelay)
	case c.FrameDuration < 0:
		return bad("negative FrameDuration %v", c.FrameDuration)
	case c.DelayMargin < 0:
		return bad("negative DelayMargin %v", c.DelayMargin)
	case c.DisconnectTimeout < 0:
		return bad("negative DisconnectTimeout %v", c.DisconnectTimeout)
	case c.InterruptTimeout < 0:
		return bad("negative InterruptTimeout %v", c.InterruptTimeout)
	case c.PingInterval < 0:
		return bad("negative PingInterval %v", c.PingInterval)
	case c.InputCopies < 0 || c.InputCopies > 4:
		return bad("InputCopies %d out of [0, 4]", c.InputCopies)
	case c.JoinLead < 0 || c.JoinLead > maxJoinLead:
		return bad("JoinLead %d out of [1, %d]", c.JoinLead, maxJoinLead)
	case c.Join == nil && c.vacantErr() != "":
		return bad("Vacant: %s", c.vacantErr())
	case c.Join != nil && c.joinErr() != "":
		return bad("Join: %s", c.joinErr())
	}
	return nil
}

// maxJoinLead bounds Config.JoinLead: ten seconds at 60 frames a second.
const maxJoinLead = 600

// vacantErr says what is wrong with c.Vacant, or "".
func (c Config) vacantErr() string {
	var seen [MaxPlayers]bool
	for _, p := range c.Vacant {
		switch {
		case int(p) >= c.Players:
			return fmt.Sprintf("player %d of %d", p, c.Players)
		case seen[p]:
			return fmt.Sprintf("player %d twice", p)
		case c.sameGroup(p, c.Local):
			return fmt.Sprintf("player %d plays here", p)
		}
		seen[p] = true
	}
	return ""
}

// sameGroup reports whether a and b play on one machine.
func (c Config) sameGroup(a, b PlayerID) bool {
	if a == b {
		return true
	}
	for _, g := range c.Groups {
		if slices.Contains(g, a) && slices.Contains(g, b) {
			return true
		}
	}
	return false
}

// joinErr says what is wrong with c.Join, or "".
func (c Config) joinErr() string {
	j := c.Join
	switch {
	case j.Snapshot < 0 || j.Snapshot > maxFrame:
		return fmt.Sprintf("Snapshot frame %d", j.Snapshot)
	case j.From <= j.Snapshot || j.From > maxFrame:
		return fmt.Sprintf("From frame %d not after Snapshot %d", j.From, j.Snapshot)
	case j.Clock < 0 || j.Clock > maxFrame:
		return fmt.Sprintf("Clock frame %d", j.Clock)
	case len(j.Seats) != c.Players:
		return fmt.Sprintf("%d seats for %d players", len(j.Seats), c.Players)
	}
	for p, st := range j.Seats {
		switch {
		case st.From < 0 || st.From > maxFrame || st.Until < NoFrame || st.Until > maxFrame:
			return fmt.Sprintf("seat %d: frames %d to %d", p, st.From, st.Until)
		case st.Until != NoFrame && st.Until < st.From:
			return fmt.Sprintf("seat %d: until %d before from %d", p, st.Until, st.From)
		case c.sameGroup(PlayerID(p), c.Local) && (st.From != j.From || st.Until != NoFrame):
			return fmt.Sprintf("seat %d plays here but is not the one joining from %d", p, j.From)
		}
	}
	return ""
}

// groupsErr says what is wrong with c.Groups, or "".
func (c Config) groupsErr() string {
	var seen [MaxPlayers]bool
	for i, g := range c.Groups {
		if len(g) == 0 {
			return fmt.Sprintf("group %d is empty", i)
		}
		for _, p := range g {
			switch {
			case int(p) >= c.Players:
				return fmt.Sprintf("group %d names player %d of %d", i, p, c.Players)
			case seen[p]:
				return fmt.Sprintf("player %d is in two groups", p)
			}
			seen[p] = true
		}
	}
	return ""
}

// New returns an engine for cfg (see Config for what its zero fields
// mean), or an error wrapping ErrBadConfig from Validate.
func New(cfg Config) (*Engine, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg.fillDefaults()
	e := &Engine{
		cfg:         cfg,
		n:           cfg.Players,
		local:       cfg.Local,
		delay:       cfg.InputDelay,
		lastLocal:   NoFrame,
		shrinkSince: -1,
		merge:       cfg.MergeInput,
		reports:     make([]*DropReportMsg, cfg.Players),
		checks:      make(map[Frame]*checkRec),
		addedAt:     make(map[Frame]time.Duration),
	}
	if e.merge == nil {
		e.merge = func(_, newer []byte) []byte { return newer }
	}
	for p := range cfg.Players {
		e.groupOf[p] = PlayerID(p)
	}
	e.locals = []PlayerID{cfg.Local}
	for _, g := range cfg.Groups {
		for _, p := range g {
			e.groupOf[p] = g[0]
		}
		if slices.Contains(g, cfg.Local) {
			e.locals = slices.Clone(g)
		}
	}
	for p := range cfg.Players {
		lead := e.groupOf[p]
		e.groupPlayers[lead] = append(e.groupPlayers[lead], p)
	}
	e.prevLocal = make([][]byte, len(e.locals))
	e.pending = make([][]byte, len(e.locals))
	for range cfg.Players {
		e.players = append(e.players, &peer{inputs: make(map[Frame][]byte), contig: NoFrame, settled: NoFrame, frozen: NoFrame,
			acked: NoFrame, ackSent: NoFrame, freshFrom: NoFrame})
	}
	if j := cfg.Join; j != nil {
		e.startJoining(j)
	} else {
		for _, v := range cfg.Vacant {
			for _, m := range e.members(int(e.groupOf[v])) {
				e.players[m].settled = 0
			}
		}
	}
	return e, nil
}

// startJoining sets up an engine that joins a running match at j: it
// holds every input up to the snapshot (the state has them), its own
// input starts at j.From, and its clock starts at the admitting peer's.
func (e *Engine) startJoining(j *JoinPoint) {
	e.next = j.Snapshot + 1
	e.clock = max(j.Clock, e.next)
	e.lastLocal = j.From - 1
	e.catchingUp = true
	for p, pl := range e.players {
		st := j.Seats[p]
		pl.joined, pl.settled = st.From, st.Until
		pl.contig = max(j.Snapshot, st.From-1)
		pl.acked = j.From - 1
	}
}

// Config returns the engine's configuration, defaults filled in.
func (e *Engine) Config() Config { return e.cfg }

// Local returns the local player (Config.Local).
func (e *Engine) Local() PlayerID { return e.local }

// LocalPlayers returns every player this engine adds inputs for, in the
// order AddLocalInputs takes them: Local alone, or its group.
func (e *Engine) LocalPlayers() []PlayerID { return slices.Clone(e.locals) }

// isLocal reports whether p plays on this engine.
func (e *Engine) isLocal(p int) bool { return e.groupOf[p] == e.groupOf[e.local] }

// members returns the players of the group whose first player is lead.
func (e *Engine) members(lead int) []int { return e.groupPlayers[lead] }

// Present reports whether p is still in the match as far as this engine
// knows (a pending drop still counts as present, and so does a player
// admitted whose first frame is still to come).
func (e *Engine) Present(p PlayerID) bool {
	return int(p) < e.n && e.players[p].settled == NoFrame
}

// InputDelay returns the current input delay in frames.
func (e *Engine) InputDelay() int { return e.delay }

// SetInputDelay sets the input delay, 0 to MaxInputDelay. Across the change
// every frame keeps exactly one local input.
func (e *Engine) SetInputDelay(d int) error {
	if d < 0 || d > e.cfg.MaxInputDelay {
		return fmt.Errorf("%w: input delay %d out of [0, %d]", ErrBadConfig, d, e.cfg.MaxInputDelay)
	}
	e.delay = d
	return nil
}

// active reports whether p takes part in the exchange: present, not being
// dropped, not a local player.
func (e *Engine) active(p int) bool {
	pl := e.players[p]
	return !e.isLocal(p) && pl.settled == NoFrame && !pl.dropping
}

// linked reports whether p is an active group's first player: a peer this
// engine exchanges messages with.
func (e *Engine) linked(p int) bool { return e.active(p) && int(e.groupOf[p]) == p }

// broadcast sends m to every active peer over the reliable channel.
func (e *Engine) broadcast(m Message) {
	for p := range e.players {
		if e.linked(p) {
			e.out = append(e.out, Outbound{To: PlayerID(p), Msg: m, Reliable: true})
		}
	}
}

// sendDatagram sends m to p as a datagram, in copies datagrams.
func (e *Engine) sendDatagram(p PlayerID, m Message, copies int) {
	e.out = append(e.out, Outbound{To: p, Msg: m, Copies: copies})
}

// store keeps p's input for frame f, once, with the admissions it
// carries (those of admits for frame f); it reports whether the input
// was new.
func (e *Engine) store(p int, f Frame, in []byte, admits []Admit) bool {
	pl := e.players[p]
	if f <= pl.contig {
		return false
	}
	if _, ok := pl.inputs[f]; ok {
		return false
	}
	pl.inputs[f] = in
	for _, a := range admits {
		if a.Frame == f {
			i := len(pl.admits)
			for i > 0 && pl.admits[i-1].Frame > f {
				i--
			}
			pl.admits = slices.Insert(pl.admits, i, a)
		}
	}
	for {
		if _, ok := pl.inputs[pl.contig+1]; !ok {
			break
		}
		pl.contig++
	}
	return true
}

// admitsIn returns the admissions of pl's inputs from frame from to to.
func (pl *peer) admitsIn(from, to Frame) []Admit {
	var out []Admit
	for _, a := range pl.admits {
		if a.Frame >= from && a.Frame <= to {
			out = append(out, a)
		}
	}
	return out
}

func (pl *peer) input(f Frame) ([]byte, bool) {
	in, ok := pl.inputs[f]
	return in, ok
}

// AddLocalInput schedules the local player's input for frame
// current+InputDelay and returns that frame. If that frame already has an
// input (the engine stalled, or the delay shrank), the input is merged into
// a pending one that lands on the next free frame, and NoFrame is returned.
// An engine with several local players (Config.Groups) takes their inputs
// with AddLocalInputs; here it returns ErrInputCount.
func (e *Engine) AddLocalInput(in []byte) (Frame, error) {
	return e.AddLocalInputs([][]byte{in})
}

// AddLocalInputs is AddLocalInput for an engine with several local
// players: one input for each, in LocalPlayers' order, all for the same
// frame. Any other count returns ErrInputCount; an input over MaxInputSize
// returns ErrInputTooLarge. Either way nothing is added.
func (e *Engine) AddLocalInputs(ins [][]byte) (Frame, error) {
	switch {
	case e.dropped:
		return NoFrame, ErrDropped
	case e.stopped:
		return NoFrame, ErrStopped
	case len(ins) != len(e.locals):
		return NoFrame, fmt.Errorf("%w: %d inputs for %d local players", ErrInputCount, len(ins), len(e.locals))
	}
	for i, in := range ins {
		if len(in) > MaxInputSize {
			return NoFrame, fmt.Errorf("%w: %d bytes for player %d (at most %d)", ErrInputTooLarge, len(in), e.locals[i], MaxInputSize)
		}
	}
	owned := make([][]byte, len(ins))
	for i, in := range ins {
		owned[i] = append([]byte(nil), in...)
		if e.hasPend {
			owned[i] = e.merge(e.pending[i], owned[i])
		}
	}
	e.hasPend = false
	// The local clock counts ticks, one frame each, but stops while the
	// simulation waits on others: a stall shifts the whole schedule rather
	// than piling inputs up. Each tick's input goes delay frames ahead of
	// the clock. When the delay grew, the gap is filled with the previous
	// input; when it shrank, inputs merge until the schedule catches up.
	if e.catchingUp && e.next > e.players[e.local].joined {
		e.catchingUp = false
	}
	// A joining engine's clock follows the others' (catchUp) while its
	// simulation catches up from the snapshot.
	if e.clock-e.next >= maxLag && !e.catchingUp {
		e.pending, e.hasPend = owned, true
		return NoFrame, nil
	}
	target := e.clock + Frame(e.delay)
	e.clock++
	if target <= e.lastLocal {
		e.pending, e.hasPend = owned, true
		e.advance()
		return NoFrame, nil
	}
	start := e.lastLocal + 1
	admits := e.takeAdmits(target)
	for f := start; f <= target; f++ {
		for i, p := range e.locals {
			in := e.prevLocal[i]
			if f == target {
				in = owned[i]
			}
			var carried []Admit
			if i == 0 {
				carried = admits
			}
			e.store(int(p), f, in, carried)
		}
		e.addedAt[f] = e.now
	}
	e.prevLocal, e.lastLocal = owned, target
	for p, pl := range e.players {
		if e.linked(p) && pl.freshFrom == NoFrame {
			pl.freshFrom = start
		}
	}
	e.advance()
	return target, nil
}

// rto is how long an input may wait for p's acknowledgement before it is
// sent again: a round trip, its deviation twice, a frame for the tick
// the acknowledgement waits for and a little more.
func (e *Engine) rto(pl *peer) time.Duration {
	if pl.pingsAnswered == 0 {
		return 200 * time.Millisecond
	}
	return pl.rtt + 2*pl.rttVar + e.cfg.FrameDuration + 2*time.Millisecond
}

// copies returns how many datagrams carry a new input to pl.
func (e *Engine) copies(pl *peer) int {
	if e.cfg.InputCopies > 0 {
		return e.cfg.InputCopies
	}
	if pl.pingLoss(e.now) > lossyRoundTrip {
		return DefaultInputCopies + 1
	}
	return DefaultInputCopies
}

// pingLoss is the share of the latest pings to pl that got no answer,
// counting only pings old enough for their pong to be back; zero until
// there are enough of those to say.
func (pl *peer) pingLoss(now time.Duration) float64 {
	settle := max(2*pl.rtt+100*time.Millisecond, 300*time.Millisecond)
	count, lost := 0, 0
	for i := range min(pl.pingN, pingWindow) {
		r := pl.pings[i]
		if r.sent > now-settle {
			continue
		}
		count++
		if !r.answered {
			lost++
		}
	}
	if count < pingWindow/4 {
		return 0
	}
	return float64(lost) / float64(count)
}

// flushInputs sends each active player what it is owed of the input
// exchange: the new local inputs (with the one before, when there is more
// than one copy, or every unacknowledged one with a single copy, so that
// the loss of a whole tick's datagrams costs a frame, not a resend), every
// unacknowledged one again once a resend timeout has passed since it
// left, or a new acknowledgement.
func (e *Engine) flushInputs() {
	if e.stopped || e.dropped {
		return
	}
	for p, pl := range e.players {
		if !e.linked(p) {
			continue
		}
		from := pl.freshFrom
		copies := 1
		if from != NoFrame {
			// Two copies or more carry the frame before as well; one
			// alone carries every input not acknowledged yet, so that
			// the next tick's datagram makes up for a lost one.
			if copies = e.copies(pl); copies > 1 {
				from = max(from-1, pl.acked+1, 0)
			} else {
				from = max(pl.acked+1, 0)
			}
		}
		if first := pl.acked + 1; first <= e.lastLocal {
			rto := e.rto(pl)
			if e.now-e.addedAt[first] >= rto && (!pl.resent || e.now-pl.resentAt >= rto) {
				from, pl.resentAt, pl.resent = first, e.now, true
			}
		}
		ack := e.groupContig(p)
		if from == NoFrame && ack == pl.ackSent {
			continue
		}
		// One message for each local player, each acknowledging the
		// peer's whole group; they share the datagram budget.
		for _, lp := range e.locals {
			m := &InputMsg{Player: lp, Start: e.lastLocal + 1, AckNext: ack + 1}
			if from != NoFrame {
				m.Start = from
				m.Inputs = e.localInputs(lp, from, maxInputsPerDatagram, maxDatagramInputBytes/len(e.locals))
				m.Admits = e.players[lp].admitsIn(from, from+Frame(len(m.Inputs))-1)
			}
			e.sendDatagram(PlayerID(p), m, copies)
		}
		pl.ackSent, pl.freshFrom = ack, NoFrame
	}
}

// groupContig is the last frame up to which this engine holds every input
// of every player in lead's group: what it acknowledges to that peer.
func (e *Engine) groupContig(lead int) Frame {
	c := e.players[lead].contig
	for _, p := range e.members(lead) {
		c = min(c, e.players[p].contig)
	}
	return c
}

// localInputs returns local player lp's inputs from frame from on, oldest
// first, at most n of them and about size bytes.
func (e *Engine) localInputs(lp PlayerID, from Frame, n, size int) [][]byte {
	local := e.players[lp]
	var out [][]byte
	bytes := 0
	for f := from; f <= e.lastLocal && len(out) < n; f++ {
		in := local.inputs[f]
		if bytes += len(in) + 3; bytes > size && len(out) > 0 {
			break
		}
		out = append(out, in)
	}
	return out
}

// advance collects every frame that can run now.
func (e *Engine) advance() {
	for !e.dropped && e.next < e.clock {
		f := e.next
		rf := ReadyFrame{Frame: f, Inputs: make([][]byte, e.n), Present: make([]bool, e.n)}
		for p, pl := range e.players {
			if f < pl.joined || pl.settled != NoFrame && f >= pl.settled {
				continue
			}
			if pl.dropping && f > pl.frozen {
				return // wait until the drop is agreed
			}
			in, ok := pl.input(f)
			if !ok {
				return
			}
			rf.Inputs[p], rf.Present[p] = in, true
		}
		rf.WantChecksum = e.cfg.ChecksumInterval > 0 && int(f)%e.cfg.ChecksumInterval == 0
		e.frames = append(e.frames, rf)
		e.next++
		e.applyAdmits(f, rf.Present)
		if e.next%64 == 0 {
			e.prune()
		}
	}
}

// prune forgets inputs no one can need any more.
func (e *Engine) prune() {
	keep := e.next - e.dropWindow() - 64
	// The local inputs stay until every active player acknowledged them,
	// within a bound: a player that has not acknowledged this many frames
	// has long been dropped.
	keepLocal := keep
	for p, pl := range e.players {
		if e.linked(p) {
			keepLocal = min(keepLocal, pl.acked+1)
		}
	}
	keepLocal = max(keepLocal, e.lastLocal-maxUnacked)
	for p, pl := range e.players {
		k := keep
		if e.isLocal(p) {
			k = keepLocal
		}
		for f := range pl.inputs {
			if f < k && f <= pl.contig {
				delete(pl.inputs, f)
			}
		}
		for len(pl.admits) > 0 && pl.admits[0].Frame < k && pl.admits[0].Frame <= pl.contig {
			pl.admits = pl.admits[1:]
		}
	}
	for f := range e.addedAt {
		if f < keepLocal {
			delete(e.addedAt, f)
		}
	}
	if k := Frame(e.cfg.ChecksumInterval); k > 0 {
		old := e.next - 16*k - 600
		// A desync still waiting for a peer's checksum is raised with
		// what is known before its record goes.
		for len(e.awaiting) > 0 && e.awaiting[0] < old {
			f := e.awaiting[0]
			e.awaiting = e.awaiting[1:]
			if c := e.checks[f]; c != nil && !c.alerted {
				e.raiseDesync(f, c)
			}
		}
		for f := range e.checks {
			if f < old {
				delete(e.checks, f)
			}
		}
	}
}

// Receive handles a message from player from; the transport vouches for
// from. A bad message returns an error and changes nothing. It is
// ReceiveAt with the time of the latest Tick as the arrival time.
func (e *Engine) Receive(from PlayerID, m Message) error {
	return e.ReceiveAt(from, m, e.now)
}

// ReceiveAt is Receive for a message that arrived at time at, on the clock
// Tick is fed with, and waited until now to be handed in. A transport that
// stamps datagrams as they arrive gets round trips and pacing accurate to
// well under a frame; one that hands messages in only at ticks measures a
// tick's worth of noise. A time after the latest Tick counts as that Tick.
func (e *Engine) ReceiveAt(from PlayerID, m Message, at time.Duration) error {
	if at > e.now {
		at = e.now
	}
	if int(from) >= e.n || e.isLocal(int(from)) || e.groupOf[from] != from {
		return fmt.Errorf("%w: %d", ErrUnknownPlayer, from)
	}
	if m == nil {
		return fmt.Errorf("%w: nil message", ErrBadMessage)
	}
	if err := validate(m); err != nil {
		return err
	}
	pl := e.players[from]
	if pl.settled != NoFrame {
		// A player we dropped: tell it so, now and then.
		if !pl.kickedOnce || e.now-pl.lastKicked >= time.Second {
			pl.kickedOnce, pl.lastKicked = true, e.now
			e.out = append(e.out, Outbound{To: from, Msg: &KickedMsg{Frame: pl.settled}, Reliable: true})
		}
		return nil
	}
	if e.now-pl.lastHeard > e.silentGap() {
		// The player (or the path) was silent: what it answers now of
		// the pings sent meanwhile measures the silence, not the network.
		pl.resumedAt = e.now
	}
	pl.lastHeard = e.now
	if pl.interrupted {
		pl.interrupted = false
		for _, p := range e.members(int(from)) {
			e.events = append(e.events, Event{Kind: EventResumed, Player: PlayerID(p)})
		}
	}
	switch m := m.(type) {
	case *InputMsg:
		if e.groupOf[m.Player] != from {
			return fmt.Errorf("%w: player %d sent input for player %d", ErrBadMessage, from, m.Player)
		}
		if end := m.Start + Frame(len(m.Inputs)); end > e.next+Frame(4*e.cfg.MaxInputDelay)+256 {
			return fmt.Errorf("%w: input for frame %d while at frame %d", ErrBadMessage, end-1, e.next)
		}
		if m.AckNext > e.lastLocal+1 {
			return fmt.Errorf("%w: player %d acknowledged input before frame %d, sent up to %d", ErrBadMessage, from, m.AckNext, e.lastLocal)
		}
		for _, a := range m.Admits {
			if int(a.Player) >= e.n {
				return fmt.Errorf("%w: player %d admits player %d of %d", ErrBadMessage, from, a.Player, e.n)
			}
		}
		pl.acked = max(pl.acked, m.AckNext-1)
		for i, in := range m.Inputs {
			e.store(int(m.Player), m.Start+Frame(i), in, m.Admits)
		}
		e.advance()
	case *ChecksumMsg:
		e.remoteChecksum(from, m.Frame, m.Sum)
	case *PingMsg:
		e.catchUp(pl, m.Frame)
		e.sendDatagram(from, &PongMsg{Echo: m.Sent, Frame: e.clock, Held: e.now - at}, 1)
		pl.remoteAdv = float64(m.Advantage) / 1000
		if pl.pingsAnswered > 0 {
			e.sampleAdvantage(pl, m.Frame, at)
		}
	case *PongMsg:
		if m.Echo > at {
			return fmt.Errorf("%w: pong from the future", ErrBadMessage)
		}
		if !pl.answered(m.Echo) {
			return nil // a duplicate
		}
		if m.Echo < pl.resumedAt {
			e.sampleAdvantage(pl, m.Frame, at)
			return nil // it waited out the player's silence
		}
		e.sampleRTT(pl, max(at-m.Echo-m.Held, 0))
		e.sampleAdvantage(pl, m.Frame, at)
		e.catchUp(pl, m.Frame)
	case *DropReportMsg:
		if pl.dropping {
			return nil // a player being dropped has no say
		}
		for _, en := range m.Entries {
			if int(en.Player) >= e.n || e.groupOf[en.Player] == from {
				return fmt.Errorf("%w: drop report names player %d", ErrBadMessage, en.Player)
			}
			for _, a := range en.Admits {
				if int(a.Player) >= e.n {
					return fmt.Errorf("%w: drop report admits player %d of %d", ErrBadMessage, a.Player, e.n)
				}
			}
			// A report must carry the inputs it claims beyond what this
			// peer holds; one that leaves a gap would stall the match.
			// A reporter that joined after the gap never held those
			// inputs: those who did forward them.
			if x := e.players[en.Player]; !e.isLocal(int(en.Player)) && x.settled == NoFrame && !e.stale(en) {
				if c := x.contig; en.Last > c && (len(en.Inputs) == 0 || en.Start > c+1) && pl.joined <= c+1 {
					return fmt.Errorf("%w: drop report for player %d claims frame %d without the inputs after %d", ErrBadMessage, en.Player, en.Last, c)
				}
			}
		}
		for _, en := range m.Entries {
			if e.isLocal(int(en.Player)) && !e.stale(en) {
				e.droppedLocal(en.Last + 1)
				return nil
			}
		}
		// The reliable channel keeps a reporter's reports in order: the
		// latest is the one that counts (it may name fewer players than
		// the one before, when one of them was admitted again).
		e.reports[from] = m
		for _, en := range m.Entries {
			if e.stale(en) {
				continue
			}
			for i, in := range en.Inputs {
				e.store(int(en.Player), en.Start+Frame(i), in, en.Admits)
			}
		}
		for _, en := range m.Entries {
			if !e.stale(en) {
				e.beginDrop(int(en.Player))
			}
		}
		e.trySettle()
		e.advance()
	case *LeaveMsg:
		e.beginDrop(int(from))
		e.advance()
	case *KickedMsg:
		if m.Frame < e.players[e.local].joined {
			return nil // the drop of an earlier stint, from a peer yet to admit this one
		}
		e.droppedLocal(m.Frame)
	}
	return nil
}

// stale reports whether a drop entry is about an earlier stint of its
// player in the match: one that ended before its latest admission.
func (e *Engine) stale(en DropEntry) bool {
	return en.Last+1 < e.players[en.Player].joined
}

// catchUp moves a joining engine's clock up to where pl's stands, from
// the clock pl sent (a ping's or a pong's) and half the round trip: the
// clock starts at the admitting peer's when it made the JoinPoint, which
// is behind by the time the JoinPoint took to arrive. It stops at the
// engine's first own frame; pacing does the rest.
func (e *Engine) catchUp(pl *peer, remote Frame) {
	if !e.catchingUp {
		return
	}
	if e.next > e.players[e.local].joined {
		e.catchingUp = false
		return
	}
	t := e.cfg.FrameDuration
	if est := remote + Frame((pl.rtt/2+t/2)/t); est > e.clock {
		e.clock = est
	}
}

// answered marks the ping sent at sent as answered, and reports false if
// it was already: a duplicated pong must not count twice.
func (pl *peer) answered(sent time.Duration) bool {
	for i := range min(pl.pingN, pingWindow) {
		if r := &pl.pings[i]; r.sent == sent {
			if r.answered {
				return false
			}
			r.answered = true
			return true
		}
	}
	return true // older than the window
}

func (e *Engine) droppedLocal(f Frame) {
	if e.dropped {
		return
	}
	e.dropped = true
	e.events = append(e.events, Event{Kind: EventDropped, Player: e.local, Frame: f})
}

// sampleAdvantage compares the player's frame clock, sent in a ping or pong
// that arrived at time at, with where the local clock stood when it left,
// half a round trip earlier: the difference is how far ahead this peer
// runs, in frames and fractions of one.
func (e *Engine) sampleAdvantage(pl *peer, remoteClock Frame, at time.Duration) {
	left := at - pl.rtt/2
	local := float64(e.tickClock) + float64(left-e.tickAt)/float64(e.cfg.FrameDuration)
	s := local - float64(remoteClock)
	pl.remoteFrame = remoteClock
	if !pl.hasRemote {
		pl.adv, pl.hasRemote = s, true
		return
	}
	pl.adv += (s - pl.adv) / 4
}

// sampleRTT folds a round-trip sample in, RFC 6298 style.
func (e *Engine) sampleRTT(pl *peer, r time.Duration) {
	if pl.pingsAnswered == 0 {
		// A quarter, not RFC 6298's half: the deviation decides the input
		// delay, and half of a first sample would hold it a frame or two
		// too high for the first seconds of every match.
		pl.rtt, pl.rttVar = r, r/4
	} else {
		d := pl.rtt - r
		if d < 0 {
			d = -d
		}
		pl.rttVar = (3*pl.rttVar + d) / 4
		pl.rtt = (7*pl.rtt + r) / 8
	}
	pl.samples[pl.pingsAnswered%rttWindow] = r
	pl.pingsAnswered++
}

// rttWindow is how many of the latest round-trip samples the automatic
// delay looks at.
const rttWindow = 16

// oneWayBound is the one-way time an input to pl should rarely exceed:
// half the largest of the latest rttWindow round trips (pongs say how long
// each ping waited for a tick, so a sample is the network's, not tick
// phase). Until there are that many, half the smoothed round trip plus its
// deviation, which errs high. The largest recent sample moves less than
// the deviation's running mean: at 80 ms ± 15 ms and 10 % loss the delay
// stays at 6 frames where the mean and deviation had it at 7 a third of
// the time, with the same stalls (docs/TUNING.md §4).
func (pl *peer) oneWayBound() time.Duration {
	if pl.pingsAnswered < rttWindow {
		return pl.rtt/2 + pl.rttVar
	}
	var w time.Duration
	for _, r := range pl.samples {
		w = max(w, r)
	}
	return max(w, pl.rtt) / 2
}

// DropPlayer starts dropping player p: its link closed, or the game wants
// it out (a vote-kick). It goes through the same agreement as a player who
// falls silent: every remaining peer reports the last frame of p's input it
// holds, and p is absent from one frame they all compute alike, announced
// by EventPlayerLeft. The reports go out with the next Ready. A player of
// a group (Config.Groups) takes the whole group with it.
//
// The errors say why nothing happened: ErrUnknownPlayer for a slot not in
// the match, ErrLocalPlayer for a local player (see Leave),
// ErrAlreadyDropped for a player already being dropped or gone, and
// ErrDropped or ErrStopped once the local player is out of the match.
func (e *Engine) DropPlayer(p PlayerID) error {
	if err := e.checkOther(p); err != nil {
		return err
	}
	pl := e.players[p]
	switch {
	case pl.settled != NoFrame:
		return fmt.Errorf("%w: player %d left at frame %d", ErrAlreadyDropped, p, pl.settled)
	case pl.dropping:
		return fmt.Errorf("%w: player %d is being dropped", ErrAlreadyDropped, p)
	}
	e.beginDrop(int(p))
	e.advance()
	return nil
}

// checkOther says why a call about player p (DropPlayer, Admit) cannot
// go on: p is no slot of the match, plays here, or the local player is
// out of the match; nil if it can.
func (e *Engine) checkOther(p PlayerID) error {
	switch {
	case int(p) >= e.n:
		return fmt.Errorf("%w: %d of %d players", ErrUnknownPlayer, p, e.n)
	case e.isLocal(int(p)):
		return fmt.Errorf("%w: player %d", ErrLocalPlayer, p)
	case e.dropped:
		return ErrDropped
	case e.stopped:
		return ErrStopped
	}
	return nil
}

// PlayerDisconnected tells the engine that p's link closed. It is
// DropPlayer, under the name it had before DropPlayer said what happened.
//
// Deprecated: use DropPlayer.
func (e *Engine) PlayerDisconnected(p PlayerID) error { return e.DropPlayer(p) }

// Leave announces that the local player leaves on purpose. Afterwards
// AddLocalInput returns ErrStopped.
func (e *Engine) Leave() {
	if e.stopped || e.dropped {
		e.stopped = true
		return
	}
	e.stopped = true
	// The inputs a player has not acknowledged go ahead of the leave on
	// the reliable channel, so that no one is left without them.
	for p, pl := range e.players {
		if !e.linked(p) || pl.acked >= e.lastLocal {
			continue
		}
		from := max(pl.acked+1, e.lastLocal+1-MaxInputsPerMessage, 0)
		for _, lp := range e.locals {
			m := &InputMsg{Player: lp, Start: from, Inputs: e.localInputs(lp, from, MaxInputsPerMessage, MaxMessageSize/2), AckNext: e.groupContig(p) + 1}
			m.Admits = e.players[lp].admitsIn(from, from+Frame(len(m.Inputs))-1)
			e.out = append(e.out, Outbound{To: PlayerID(p), Msg: m, Reliable: true})
		}
	}
	e.broadcast(&LeaveMsg{})
}

// beginDrop starts dropping x and the rest of its group, if they are not
// already.
func (e *Engine) beginDrop(x int) {
	if x >= e.n || e.isLocal(x) {
		return
	}
	began := false
	for _, m := range e.members(int(e.groupOf[x])) {
		pl := e.players[m]
		if pl.settled != NoFrame || pl.dropping {
			continue
		}
		pl.dropping, began = true, true
		pl.frozen = pl.contig
	}
	if began {
		e.sendReport()
		e.trySettle()
	}
}

// entry describes this engine's view of x's drop for a report.
func (e *Engine) entry(x int) DropEntry {
	pl := e.players[x]
	en := DropEntry{Player: PlayerID(x), Last: pl.frozen}
	if pl.settled != NoFrame {
		en.Last, en.Final = pl.settled-1, true
	}
	start := max(0, en.Last-e.dropWindow()+1)
	// Forward the inputs held up to Last.
	s := en.Last + 1
	for s > start {
		if _, ok := pl.inputs[s-1]; !ok {
			break
		}
		s--
	}
	en.Start = s
	for f := s; f <= en.Last; f++ {
		en.Inputs = append(en.Inputs, pl.inputs[f])
	}
	en.Admits = pl.admitsIn(s, en.Last)
	return en
}

// sendReport tells every active player about every drop known here.
func (e *Engine) sendReport() {
	if m := e.report(); m != nil {
		e.broadcast(m)
	}
}

// report lists every drop known here, or returns nil if there is none. A
// vacant slot is no drop.
func (e *Engine) report() *DropReportMsg {
	m := &DropReportMsg{}
	for x, pl := range e.players {
		if pl.dropping || pl.settled != NoFrame && pl.settled > pl.joined {
			m.Entries = append(m.Entries, e.entry(x))
		}
	}
	if len(m.Entries) == 0 {
		return nil
	}
	return m
}

// trySettle agrees on the drop frame of every pending drop once each
// remaining player's latest report covers all of them.
func (e *Engine) trySettle() {
	var pending []int
	for x, pl := range e.players {
		if pl.dropping {
			pending = append(pending, x)
		}
	}
	if len(pending) == 0 {
		return
	}
	covers := func(r *DropReportMsg, x int) *DropEntry {
		for i := range r.Entries {
			if int(r.Entries[i].Player) == x && !e.stale(r.Entries[i]) {
				return &r.Entries[i]
			}
		}
		return nil
	}
	for r := range e.players {
		if !e.linked(r) {
			continue
		}
		rep := e.reports[r]
		if rep == nil {
			return
		}
		for _, x := range pending {
			if covers(rep, x) == nil {
				return
			}
		}
	}
	for _, x := range pending {
		pl := e.players[x]
		last := pl.frozen
		final := false
		for r := range e.players {
			if !e.linked(r) {
				continue
			}
			en := covers(e.reports[r], x)
			if en.Final {
				last, final = en.Last, true
				break
			}
			last = max(last, en.Last)
		}
		_ = final
		pl.dropping = false
		pl.settled = last + 1
		e.events = append(e.events, Event{Kind: EventPlayerLeft, Player: PlayerID(x), Frame: pl.settled})
		if int(e.groupOf[x]) == x {
			e.out = append(e.out, Outbound{To: PlayerID(x), Msg: &KickedMsg{Frame: pl.settled}, Reliable: true})
			pl.kickedOnce, pl.lastKicked = true, e.now
		}
	}
	e.sendReport()
}

// Tick tells the engine the time: it pings, notices silent players and
// tunes the input delay.
func (e *Engine) Tick(now time.Duration) {
	if now > e.now {
		e.now = now
	}
	if e.ticks == 0 {
		for _, pl := range e.players {
			pl.lastHeard = e.now
		}
		e.lastDelayChange = e.now
	}
	e.ticks++
	e.tickAt, e.tickClock = e.now, e.clock
	if e.dropped {
		return
	}
	for p, pl := range e.players {
		if !e.linked(p) {
			continue
		}
		silent := e.now - pl.lastHeard
		if silent >= e.cfg.InterruptTimeout && !pl.interrupted {
			pl.interrupted = true
			for _, m := range e.members(p) {
				e.events = append(e.events, Event{Kind: EventInterrupted, Player: PlayerID(m), UntilDrop: max(e.cfg.DisconnectTimeout-silent, 0)})
			}
		}
		if silent >= e.cfg.DisconnectTimeout {
			e.beginDrop(p)
		}
	}
	if len(e.awaiting) > 0 {
		e.compareAwaiting()
	}
	if e.ticks == 1 || e.now-e.lastPing >= e.cfg.PingInterval {
		e.lastPing = e.now
		for p := range e.players {
			if e.linked(p) && !e.stopped {
				pl := e.players[p]
				adv := e.advantageVs(pl)
				pl.pings[pl.pingN%pingWindow] = pingRec{sent: e.now}
				pl.pingN++
				e.sendDatagram(PlayerID(p), &PingMsg{Sent: e.now, Frame: e.clock, Advantage: int32(adv * 1000)}, 1)
			}
		}
	}
	if e.cfg.AutoInputDelay {
		e.autoDelay()
	}
	e.advance()
}

// advantageVs returns how many frames this peer's clock runs ahead of pl's.
func (e *Engine) advantageVs(pl *peer) float64 {
	if !pl.hasRemote {
		return 0
	}
	return pl.adv
}

func (e *Engine) autoDelay() {
	if e.now-e.lastDelayChange < time.Second {
		return
	}
	var worst time.Duration
	known := false
	for p, pl := range e.players {
		if e.linked(p) && pl.pingsAnswered >= 3 {
			known = true
			worst = max(worst, pl.oneWayBound())
		}
	}
	if !known {
		return
	}
	// Pacing keeps every peer's clock within a small fraction of a frame
	// of the others', so an input that arrives a little before its frame
	// is due is on time: the delay is the one-way time rounded up to a
	// frame, after a margin (DelayMargin) for pacing's residue.
	t := e.cfg.FrameDuration
	worst += e.cfg.DelayMargin
	want := int((worst + t - 1) / t)
	want = min(max(want, e.cfg.MinInputDelay), e.cfg.MaxInputDelay)
	// Grow at once; shrink only after the smaller delay has been enough
	// for shrinkAfter, so that one quiet second does not undo a jittery
	// minute and the delay does not flap on the edge of a frame.
	switch {
	case want >= e.delay:
		e.shrinkSince = -1
	case e.shrinkSince < 0:
		e.shrinkSince = e.now
	}
	if want > e.delay || (want < e.delay && e.now-e.shrinkSince >= shrinkAfter) {
		e.shrinkSince = -1
		e.delay = want
		e.lastDelayChange = e.now
		e.events = append(e.events, Event{Kind: EventInputDelayChanged, Delay: want})
	}
}

// Ready hands over what the engine produced since the last call: messages
// to send, frames to simulate, events, and the pacing advice.
func (e *Engine) Ready() Ready {
	e.flushInputs()
	rd := Ready{Messages: e.out, Frames: e.frames, Events: e.events}
	e.out, e.frames, e.events = nil, nil, nil
	rd.Lead = e.lead()
	rd.SlowDown = e.slowDown(rd.Lead)
	return rd
}

// slowDown turns this peer's lead over the slowest other player into a
// wait. Both sides of a pair measure the lead; half their difference
// cancels the error of assuming the path is as long both ways. The lead is
// measured every ping and closed a sixteenth a tick, so that a ping
// interval never closes it all and the control does not overshoot.
func (e *Engine) slowDown(a float64) time.Duration {
	if a < 0.05 {
		return 0 // a twentieth of a frame: within the noise of the estimate
	}
	t := e.cfg.FrameDuration
	return min(time.Duration(a*float64(t)/16), t/8)
}

// RoundTrip returns the smoothed round trip to player p (to the machine
// of its group) and its mean deviation; zero until a pong has come back.
func (e *Engine) RoundTrip(p PlayerID) (rtt, dev time.Duration) {
	if int(p) >= e.n {
		return 0, 0
	}
	pl := e.players[e.groupOf[p]]
	if pl.pingsAnswered == 0 {
		return 0, 0
	}
	return pl.rtt, pl.rttVar
}

// lead returns how many frames this peer runs ahead of the slowest other
// player, never below zero.
func (e *Engine) lead() float64 {
	a := 0.0
	for p, pl := range e.players {
		if e.linked(p) && pl.hasRemote {
			a = max(a, (e.advantageVs(pl)-pl.remoteAdv)/2)
		}
	}
	return a
}

// SetDelayMargin changes Config.DelayMargin: a transport that learns how
// the game loop paces itself tells the automatic delay how much room to
// keep.
func (e *Engine) SetDelayMargin(d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("%w: negative DelayMargin", ErrBadConfig)
	}
	e.cfg.DelayMargin = d
	return nil
}

// LastInput returns the last frame up to which player p's inputs are all
// held (NoFrame if none). A transport acknowledges inputs with it.
func (e *Engine) LastInput(p PlayerID) Frame {
	if int(p) >= e.n {
		return NoFrame
	}
	return e.players[p].contig
}

// ConfirmedFrame returns the last frame up to which every frame has the
// input of every player present at it: the frames the engine has handed
// out in Ready, and those it will hand out as soon as the local frame
// clock reaches them. A player being dropped confirms no frame past the
// last of its inputs this engine froze; one who left confirms every frame
// from its drop on. NoFrame when frame 0 is not confirmed yet.
func (e *Engine) ConfirmedFrame() Frame {
	confirmed := Frame(1<<31 - 1)
	for _, pl := range e.players {
		last := pl.contig
		switch {
		case pl.settled != NoFrame:
			if last >= pl.settled-1 {
				continue // every frame it was present for is held
			}
		case pl.dropping:
			last = min(last, pl.frozen)
		}
		confirmed = min(confirmed, last)
	}
	return confirmed
}

// ReportChecksum records the local checksum after frame f (a frame whose
// WantChecksum was set) and sends it to the others.
func (e *Engine) ReportChecksum(f Frame, sum uint64) error {
	k := e.cfg.ChecksumInterval
	switch {
	case k <= 0:
		return fmt.Errorf("%w: checksums are off", ErrBadChecksum)
	case f < 0 || int(f)%k != 0 || f >= e.next:
		return fmt.Errorf("%w: frame %d (interval %d, next frame %d)", ErrBadChecksum, f, k, e.next)
	}
	c := e.check(f)
	if c.hasOwn {
		return nil
	}
	c.own, c.hasOwn = sum, true
	e.broadcast(&ChecksumMsg{Frame: f, Sum: sum})
	e.compare(f, c)
	return nil
}

func (e *Engine) check(f Frame) *checkRec {
	c := e.checks[f]
	if c == nil {
		c = &checkRec{}
		e.checks[f] = c
	}
	return c
}

func (e *Engine) remoteChecksum(p PlayerID, f Frame, sum uint64) {
	if f < e.next-Frame(16*max(e.cfg.ChecksumInterval, 1))-600 {
		return
	}
	c := e.check(f)
	c.remote[p], c.has[p] = sum, true
	e.compare(f, c)
}

// compare raises EventDesync for frame f once the local checksum differs
// from a peer's and every peer still in the match has reported its own,
// so that the event can say who diverged; until then f waits in
// e.awaiting (Tick looks again as peers leave).
func (e *Engine) compare(f Frame, c *checkRec) {
	if !c.hasOwn || c.alerted {
		return
	}
	differ, all := false, true
	for p := range e.n {
		// A player on its way out may have simulated frames the others
		// settled differently: only those who stay are compared.
		if !e.linked(p) {
			continue
		}
		if !c.has[p] {
			all = false
			continue
		}
		if c.remote[p] != c.own {
			differ = true
		}
	}
	switch {
	case !differ:
	case all:
		e.raiseDesync(f, c)
	case !c.awaiting:
		c.awaiting = true
		i, _ := slices.BinarySearch(e.awaiting, f)
		e.awaiting = slices.Insert(e.awaiting, i, f)
	}
}

// compareAwaiting looks again at the desyncs waiting for a peer's
// checksum: a peer that left no longer counts.
func (e *Engine) compareAwaiting() {
	kept := e.awaiting[:0]
	for _, f := range e.awaiting {
		c := e.checks[f]
		if c == nil || c.alerted {
			continue
		}
		e.compare(f, c)
		if !c.alerted {
			kept = append(kept, f)
		}
	}
	clear(e.awaiting[len(kept):])
	e.awaiting = kept
}

// raiseDesync raises EventDesync for frame f with the checksums known,
// the peers that differ from this one, and those that differ from the
// majority's.
func (e *Engine) raiseDesync(f Frame, c *checkRec) {
	c.alerted = true
	var bad []PlayerID
	var remote []PlayerChecksum
	self := PlayerID(e.groupOf[e.local])
	votes := []PlayerChecksum{{Player: self, Sum: c.own}}
	for p := range e.n {
		if !e.linked(p) || !c.has[p] {
			continue
		}
		r := PlayerChecksum{Player: PlayerID(p), Sum: c.remote[p]}
		remote, votes = append(remote, r), append(votes, r)
		if r.Sum != c.own {
			bad = append(bad, r.Player)
		}
	}
	if len(bad) == 0 {
		return
	}
	e.events = append(e.events, Event{Kind: EventDesync, Frame: f, Players: bad, Checksum: c.own, Remote: remote,
		Diverged: Diverged(votes)})
}

// Diverged returns, of the peers' checksums after one frame (one entry
// per machine), the players whose checksum differs from the one that more
// than half of them share, in PlayerID order: the machines that went
// astray. It returns nil when no checksum has a strict majority (two
// machines that differ, or a tie), when no one can say who is right.
func Diverged(sums []PlayerChecksum) []PlayerID {
	for _, cand := range sums {
		n := 0
		for _, s := range sums {
			if s.Sum == cand.Sum {
				n++
			}
		}
		if 2*n <= len(sums) {
			continue
		}
		var out []PlayerID
		for _, s := range sums {
			if s.Sum != cand.Sum {
				out = append(out, s.Player)
			}
		}
		slices.Sort(out)
		return out
	}
	return nil
}

// Stats describes the engine now.
func (e *Engine) Stats() Stats {
	st := Stats{Frame: e.next, InputDelay: e.delay}
	first := true
	for p, pl := range e.players {
		if e.isLocal(p) {
			if _, ok := pl.input(e.next); !ok {
				st.Waiting = append(st.Waiting, PlayerID(p))
			}
			continue
		}
		link := e.players[e.groupOf[p]] // the link's figures are its group's
		present := pl.settled == NoFrame
		if present && e.next >= pl.joined {
			if _, ok := pl.input(e.next); !ok {
				st.Waiting = append(st.Waiting, PlayerID(p))
			}
			if link.hasRemote {
				if a := e.advantageVs(link); first || a < st.Advantage {
					st.Advantage, first = a, false
				}
			}
		}
		st.Peers = append(st.Peers, PeerStats{
			Player: PlayerID(p), Present: present, RTT: link.rtt, Jitter: link.rttVar,
			LastInput: pl.contig, RemoteFrame: link.remoteFrame, Acked: link.acked, PingLoss: link.pingLoss(e.now),
		})
	}
	return st
}
