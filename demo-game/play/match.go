package play

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/peerstep/peerstep/demo-game/sim"
	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/lockstep/replay"
	"github.com/peerstep/peerstep/netcode"
)

// ErrReplayOver is returned by Tick once a replay has played to its end.
var ErrReplayOver = errors.New("play: the replay is over")

// Kind says what drives a Match.
type Kind uint8

// The kinds of match.
const (
	// Online: a match over netcode with other players.
	Online Kind = iota + 1
	// Practice: a match on this machine against bots.
	Practice
	// Replay: a recorded match played back.
	Replay
)

// frame is one frame to simulate, whatever its source.
type frame struct {
	n        int
	inputs   []sim.Input
	present  []bool
	wantSum  bool
	wantSnap bool   // give the source the state after this frame
	load     []byte // the state to load before this frame (a repaired desync)
}

// source hands a Match its frames.
type source interface {
	tick(in sim.Input) ([]frame, error)
	report(frame int, sum uint64)
	snapshot(frame int, state []byte)
	repair(frame lockstep.Frame, keep lockstep.PlayerID) error
	events() []netcode.Event
	stats() *netcode.Stats
	close() error
}

// Notice is a line for the view to show for a few seconds: a player left,
// is not answering, a desync...
type Notice struct {
	Text string
	// Player concerned, or -1.
	Player int
	// Bad: a problem rather than news.
	Bad bool
}

// Sample is one tick's worth of time in the net graph: 1/TickRate of a
// second of the wall clock. A game loop that runs late calls Tick several
// times at once and then not at all; by the clock, those calls land in
// one slot and the next slots have none, which tells a slow machine (Ticks
// 0) from a late network (Ticks > 0 and Frames 0).
type Sample struct {
	// Ticks is how many times Tick ran in this slot.
	Ticks int
	// Frames simulated in this slot: 0 after a tick is a stall, more than
	// 1 catching up.
	Frames int
	// RTT is the largest round trip to another player, InputDelay the
	// input delay, both as of this tick.
	RTT        time.Duration
	InputDelay int
}

// GraphLen is how many ticks the net graph keeps.
const GraphLen = 240

// PeerInfo is what the HUD shows about one player.
type PeerInfo struct {
	Player int
	Name   string
	// Local marks this player.
	Local bool
	// Present: still in the match.
	Present bool
	// RTT and Jitter of the link to this player; Loss the share of
	// datagrams resent to it.
	RTT, Jitter time.Duration
	Loss        float64
	// Silent: no word from the player for a while (it may be dropped).
	Silent bool
	// Via is the player whose machine relays the link to this one (the
	// two could not reach each other directly), -1 when it is direct.
	Via int
}

// NetInfo is what the HUD and the net graph show about the network.
type NetInfo struct {
	Kind       Kind
	InputDelay int
	Stalls     uint64
	// Advantage is how many frames this player runs ahead of the others.
	Advantage float64
	Peers     []PeerInfo
	// Graph holds the last ticks, oldest first.
	Graph []Sample
	// Simulated describes the network simulation, "" if none.
	Simulated string
}

// Match is one player's view of a running match: it takes this player's
// input once a tick, simulates the frames every player agrees on, and
// exposes the state for the view. Its methods belong to the game loop's
// goroutine.
type Match struct {
	kind     Kind
	src      source
	state    *sim.State
	names    []string
	local    int
	tickRate int
	seed     uint64
	settings []byte

	frames  int
	seen    int // frames simulated at least once: a repair simulates some again
	stopAt  int
	present []bool
	rec     *replay.FileWriter
	recErr  error
	events  []sim.Event
	notices []Notice
	drops   []Drop
	silent  []bool
	simNet  string
	waiting Waiting
	stalled []int // the players this tick's EventStalled names
	skill   sim.Skill

	graph    []Sample
	graphAt  int
	slot     int64 // the wall-clock slot of the last tick
	cur      Sample
	lastStat *netcode.Stats
	ticks    int
	err      error

	closeOnce sync.Once
	onClose   func()
}

func newMatch(kind Kind, src source, names []string, local int, seed uint64, tickRate int, settings []byte) (*Match, error) {
	cfg, err := simConfig(len(names), seed, tickRate, settings)
	if err != nil {
		return nil, err
	}
	set, _ := decodeSettings(settings) // simConfig checked them
	st, err := sim.New(cfg)
	if err != nil {
		return nil, err
	}
	m := &Match{
		kind: kind, src: src, state: st, names: names, local: local,
		tickRate: tickRate, seed: seed, settings: settings,
		present: make([]bool, len(names)),
		silent:  make([]bool, len(names)),
		graph:   make([]Sample, 0, GraphLen),
		waiting: Waiting{StallTicks: max(1, tickRate/2)},
		skill:   set.BotSkill,
	}
	for p := range m.present {
		m.present[p] = true
	}
	return m, nil
}

// record starts recording the match to path.
func (m *Match) record(path string, inputDelay int) error {
	rec, err := replay.Create(path, replay.Header{
		Game:             GameID,
		GameVersion:      GameVersion,
		Players:          len(m.names),
		Names:            m.names,
		Seed:             m.seed,
		TickHz:           m.tickRate,
		InputDelay:       inputDelay,
		ChecksumInterval: ChecksumInterval,
		Settings:         m.settings,
	})
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	m.rec = rec
	return nil
}

// Kind says what drives the match.
func (m *Match) Kind() Kind { return m.kind }

// State is the simulation, for the view to read. Do not change it.
func (m *Match) State() *sim.State { return m.state }

// Names returns the players' names, by player.
func (m *Match) Names() []string { return m.names }

// Local returns this player's number, -1 when watching a replay.
func (m *Match) Local() int { return m.local }

// TickRate returns the match's ticks per second.
func (m *Match) TickRate() int { return m.tickRate }

// StopAfter makes the match simulate no more than n frames (n > 0): the
// frames after are dropped, so that a test can compare states at frame n.
func (m *Match) StopAfter(n int) { m.stopAt = n }

// Frames returns how many frames have been simulated.
func (m *Match) Frames() int { return m.frames }

// Present reports whether player p is still in the match.
func (m *Match) Present(p int) bool { return m.present[p] }

// Err returns the error that ended the match, if any.
func (m *Match) Err() error { return m.err }

// Recording returns the replay file being written, "" if none.
func (m *Match) Recording() string {
	if m.rec == nil {
		return ""
	}
	return m.rec.Path()
}

// Tick runs one tick: it hands in this player's input and simulates every
// frame that is ready. An error ends the match: netcode.ErrDropped,
// netcode.ErrClosed, ErrReplayOver, or a replay that does not reproduce.
func (m *Match) Tick(in sim.Input) error {
	if m.err != nil {
		return m.err
	}
	m.ticks++
	frames, err := m.src.tick(in)
	for _, f := range frames {
		m.step(f)
	}
	m.stalled = nil
	m.pollEvents()
	m.waiting.Tick(len(frames), m.stalled)
	m.sample(len(frames))
	if err != nil {
		m.err = err
		if errors.Is(err, netcode.ErrDropped) {
			m.notice(Notice{Text: "you were dropped from the match", Player: m.local, Bad: true})
		}
	}
	return err
}

func (m *Match) step(f frame) {
	if f.load != nil {
		if err := m.state.UnmarshalBinary(f.load); err != nil {
			m.notice(Notice{Text: "the repaired state does not load: " + err.Error(), Player: -1, Bad: true})
		} else {
			m.frames = f.n
		}
	}
	if m.stopAt > 0 && m.frames >= m.stopAt {
		return
	}
	again := f.n < m.seen // after a load: its events and record are out already
	for p, ok := range f.present {
		if !ok && m.present[p] {
			m.present[p] = false
		}
	}
	m.state.Step(f.inputs, f.present)
	m.frames++
	m.seen = max(m.seen, f.n+1)
	if f.wantSnap {
		b, _ := m.state.MarshalBinary()
		m.src.snapshot(f.n, b)
	}
	if again {
		return // its checksum is reported, its events seen, its frame recorded
	}
	for _, e := range m.state.Events() {
		m.events = append(m.events, e)
		if e.Kind == sim.EventLeft {
			m.notice(Notice{Text: m.names[e.Player] + " left: the match goes on", Player: e.Player, Bad: true})
		}
	}
	if len(m.events) > 512 { // nobody drains them: keep the newest
		m.events = append(m.events[:0], m.events[len(m.events)-256:]...)
	}
	var sum uint64
	if f.wantSum {
		sum = m.state.Checksum()
		m.src.report(f.n, sum)
	}
	if m.rec != nil && m.recErr == nil {
		rf := lockstep.ReadyFrame{Frame: lockstep.Frame(f.n), Inputs: make([][]byte, len(f.inputs)), Present: f.present}
		for p, in := range f.inputs {
			if f.present[p] {
				rf.Inputs[p], _ = lockstep.EncodeInput(in)
			}
		}
		m.recErr = m.rec.WriteFrame(rf)
		if m.recErr == nil && f.wantSum {
			m.recErr = m.rec.WriteChecksum(rf.Frame, sum)
		}
		if m.recErr != nil {
			m.notice(Notice{Text: "recording stopped: " + m.recErr.Error(), Player: -1, Bad: true})
		}
	}
}

func (m *Match) notice(n Notice) { m.notices = append(m.notices, n) }

func (m *Match) name(p int) string {
	if p >= 0 && p < len(m.names) {
		return m.names[p]
	}
	return fmt.Sprintf("player %d", p)
}

// pollEvents turns the session's events into notices.
func (m *Match) pollEvents() {
	for _, e := range m.src.events() {
		switch e.Kind {
		case netcode.EventInterrupted:
			if e.Player >= 0 && e.Player < len(m.silent) {
				m.silent[e.Player] = true
			}
			m.notice(Notice{Text: m.name(e.Player) + " is not answering...", Player: e.Player, Bad: true})
		case netcode.EventResumed:
			if e.Player >= 0 && e.Player < len(m.silent) {
				m.silent[e.Player] = false
			}
			m.notice(Notice{Text: m.name(e.Player) + " is back", Player: e.Player})
		case netcode.EventPlayerLeft:
			if e.Player >= 0 && e.Player < len(m.silent) {
				m.silent[e.Player] = false
			}
			if e.Frame >= 0 {
				m.drops = append(m.drops, Drop{Player: e.Player, Name: m.name(e.Player), Frame: int(e.Frame)})
			}
		case netcode.EventDesync:
			m.notice(Notice{Text: DesyncText(m.names, m.local, e), Player: -1, Bad: true})
			if len(e.Diverged) == 0 {
				// No majority: every player keeps the host's game.
				_ = m.src.repair(e.Frame, 0)
			}
		case netcode.EventResynced:
			m.notice(Notice{Text: RepairText(m.names, e), Player: m.local})
		case netcode.EventStalled: // Waiting names them while the stall lasts
			m.stalled = append(m.stalled[:0], e.Players...)
			if m.stalled == nil {
				m.stalled = []int{}
			}
		case netcode.EventDropped:
			m.notice(Notice{Text: "the others dropped you from the match", Player: m.local, Bad: true})
		case netcode.EventLinkRelayed:
			m.notice(Notice{Text: "no direct path to " + m.name(e.Player) + ": " + m.name(e.Via) + " relays", Player: e.Player})
		case netcode.EventLinkDirect:
			m.notice(Notice{Text: "direct path to " + m.name(e.Player), Player: e.Player})
		}
	}
}

// sample adds a tick to the net graph; the session's statistics are read
// a few times a second.
func (m *Match) sample(frames int) {
	if m.ticks%6 == 1 || m.lastStat == nil {
		m.lastStat = m.src.stats()
	}
	slot := time.Now().UnixNano() / int64(time.Second/time.Duration(m.tickRate))
	if m.slot == 0 {
		m.slot = slot
	}
	if slot != m.slot {
		m.push(m.cur)
		for i := m.slot + 1; i < slot && i < m.slot+GraphLen; i++ {
			m.push(Sample{RTT: m.cur.RTT, InputDelay: m.cur.InputDelay}) // no tick in these slots
		}
		m.slot, m.cur = slot, Sample{}
	}
	m.cur.Ticks++
	m.cur.Frames += frames
	if st := m.lastStat; st != nil {
		m.cur.InputDelay = st.InputDelay
		m.cur.RTT = 0
		for _, p := range st.Peers {
			if m.present[p.Player] {
				m.cur.RTT = max(m.cur.RTT, p.RTT)
			}
		}
	}
}

func (m *Match) push(s Sample) {
	if len(m.graph) < GraphLen {
		m.graph = append(m.graph, s)
	} else {
		m.graph[m.graphAt] = s
		m.graphAt = (m.graphAt + 1) % GraphLen
	}
}

// Net returns what the HUD shows about the network.
func (m *Match) Net() NetInfo {
	ni := NetInfo{Kind: m.kind, Simulated: m.simNet}
	ni.Graph = append(append(ni.Graph, m.graph[m.graphAt:]...), m.graph[:m.graphAt]...)
	st := m.lastStat
	if st != nil {
		ni.InputDelay, ni.Stalls, ni.Advantage = st.InputDelay, st.FramesStalled, st.Advantage
	}
	for p, name := range m.names {
		pi := PeerInfo{Player: p, Name: name, Local: p == m.local, Present: m.present[p], Silent: m.silent[p], Via: -1}
		if st != nil {
			for _, ps := range st.Peers {
				if ps.Player == p {
					pi.RTT, pi.Jitter, pi.Loss, pi.Via = ps.RTT, ps.Jitter, ps.Loss, ps.Via
				}
			}
		}
		ni.Peers = append(ni.Peers, pi)
	}
	return ni
}

// BotSkill is how well the match's bots play, as the host set it.
func (m *Match) BotSkill() sim.Skill { return m.skill }

// Bot returns the input a bot at the match's skill sends for player p.
func (m *Match) Bot(p int) sim.Input { return sim.SkilledBot(m.state, p, m.skill) }

// Waiting returns the notice naming whom the match waits for ("waiting
// for bob") after a short stall, half a second without a frame; "" while
// it plays.
func (m *Match) Waiting() string {
	who, ok := m.waiting.For(m.silent, m.present, m.local)
	if !ok {
		return ""
	}
	return WaitingText(m.names, who)
}

// Events returns and clears what the simulation reported since the last
// call: crashes, rounds won, the countdown... for the view's effects.
func (m *Match) Events() []sim.Event {
	ev := m.events
	m.events = nil
	return ev
}

// Notices returns and clears the notices since the last call.
func (m *Match) Notices() []Notice {
	n := m.notices
	m.notices = nil
	return n
}

// Drop is a player the others dropped from a match: every remaining
// player agreed that Player is absent from Frame on.
type Drop struct {
	Player int
	Name   string
	Frame  int
}

// Drops returns and clears the players dropped since the last call, as
// the session reported them (before the match reaches their Frame).
func (m *Match) Drops() []Drop {
	d := m.drops
	m.drops = nil
	return d
}

// Close leaves the match, finishes the recording and stops the bots this
// player started. It returns the recording's error, if any.
func (m *Match) Close() error {
	var err error
	m.closeOnce.Do(func() {
		m.src.close()
		if m.onClose != nil {
			m.onClose()
		}
		if m.rec != nil {
			if cerr := m.rec.Close(); m.recErr == nil {
				m.recErr = cerr
			}
		}
		err = m.recErr
	})
	return err
}

// netSource is a match over netcode. A Ticker runs the session's ticks on
// its own timer, in phase with the other players': the game's Update runs at
// a fixed rate (Ebiten's) that cannot wait out the session's pacing, and the
// bots' loops likewise.
type netSource struct {
	s  *netcode.Session[sim.Input]
	tk *netcode.Ticker[sim.Input]
}

func (n *netSource) tick(in sim.Input) ([]frame, error) {
	if n.tk == nil {
		tk, err := n.s.Ticker()
		if err != nil {
			return nil, err
		}
		n.tk = tk
	}
	if err := n.tk.SetInput(in); err != nil {
		return nil, err
	}
	fs, err := n.tk.Frames()
	out := make([]frame, len(fs))
	for i, f := range fs {
		out[i] = frame{n: int(f.Number), inputs: f.Inputs, present: f.Present, wantSum: f.WantChecksum, wantSnap: f.WantSnapshot, load: f.Load}
	}
	return out, err
}

func (n *netSource) report(f int, sum uint64) { n.s.ReportChecksum(lockstep.Frame(f), sum) }
func (n *netSource) repair(f lockstep.Frame, keep lockstep.PlayerID) error {
	return n.s.RepairDesync(f, keep)
}
func (n *netSource) snapshot(f int, state []byte) {
	_ = n.s.Snapshot(lockstep.Frame(f), state) // refused only for a frame no longer wanted
}
func (n *netSource) events() []netcode.Event { return n.s.Events() }
func (n *netSource) close() error            { return n.s.Close() }
func (n *netSource) stats() *netcode.Stats {
	st := n.s.Stats()
	return &st
}

// newNetMatch makes the Match of a session whose match has started.
func newNetMatch(s *netcode.Session[sim.Input], opts Options) (*Match, error) {
	info, ok := s.Match()
	if !ok {
		return nil, netcode.ErrNotStarted
	}
	m, err := newMatch(Online, &netSource{s: s}, info.Players, int(info.Local), info.Seed, info.TickRate, info.Settings)
	if err != nil {
		return nil, err
	}
	if opts.Network.Enabled() {
		m.simNet = opts.Network.String()
	}
	if opts.Record != "" {
		if err := m.record(opts.Record, s.Stats().InputDelay); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// localSource is a practice match: this player against bots, no network.
type localSource struct {
	m       *Match
	present []bool
	next    int
}

func (l *localSource) tick(in sim.Input) ([]frame, error) {
	st := l.m.state
	inputs := make([]sim.Input, st.Players())
	for p := range inputs {
		inputs[p] = l.m.Bot(p)
	}
	inputs[l.m.local] = in
	f := frame{n: l.next, inputs: inputs, present: l.present, wantSum: (l.next+1)%ChecksumInterval == 0}
	l.next++
	return []frame{f}, nil
}

func (l *localSource) report(int, uint64)                             {}
func (l *localSource) snapshot(int, []byte)                           {}
func (l *localSource) repair(lockstep.Frame, lockstep.PlayerID) error { return nil }
func (l *localSource) events() []netcode.Event                        { return nil }
func (l *localSource) stats() *netcode.Stats                          { return nil }
func (l *localSource) close() error                                   { return nil }

// PracticeNames are the bots' names in practice.
var PracticeNames = []string{"Volt", "Nova", "Pixel", "Rune", "Echo", "Zed", "Flux"}

// NewPractice starts a match on this machine: this player (player 0,
// opts.Name) against bots computer players, 1 to 7.
func NewPractice(opts Options, bots int, seed uint64) (*Match, error) {
	if bots < 1 || bots > sim.MaxPlayers-1 {
		return nil, fmt.Errorf("play: %d bots (want 1 to %d)", bots, sim.MaxPlayers-1)
	}
	name := opts.Name
	if name == "" {
		name = "player"
	}
	names := append([]string{name}, PracticeNames[:bots]...)
	src := &localSource{present: make([]bool, len(names))}
	for p := range src.present {
		src.present[p] = true
	}
	m, err := newMatch(Practice, src, names, 0, seed, opts.tickRate(), opts.settings().encode())
	if err != nil {
		return nil, err
	}
	src.m = m
	if opts.Record != "" {
		if err := m.record(opts.Record, 0); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// replaySource plays a recorded match back, checking its checksums.
type replaySource struct {
	m    *Match
	path string
	rp   *replay.Replay
	next int
	sums map[int]uint64
}

func (r *replaySource) tick(sim.Input) ([]frame, error) {
	if r.next > 0 {
		if want, ok := r.sums[r.next-1]; ok {
			if got := r.m.state.Checksum(); got != want {
				return nil, &replay.MismatchError{Frame: lockstep.Frame(r.next - 1), Recorded: want, Got: got}
			}
		}
	}
	if r.next >= len(r.rp.Frames) {
		return nil, ErrReplayOver
	}
	rf := r.rp.Frames[r.next]
	f := frame{n: int(rf.Frame), inputs: make([]sim.Input, len(rf.Inputs)), present: rf.Present}
	for p, b := range rf.Inputs {
		f.inputs[p], _ = lockstep.DecodeInput[sim.Input](b) // bad input is the zero value, as in the match
	}
	r.next++
	return []frame{f}, nil
}

func (r *replaySource) report(int, uint64)                             {}
func (r *replaySource) snapshot(int, []byte)                           {}
func (r *replaySource) repair(lockstep.Frame, lockstep.PlayerID) error { return nil }
func (r *replaySource) events() []netcode.Event                        { return nil }
func (r *replaySource) stats() *netcode.Stats                          { return nil }
func (r *replaySource) close() error                                   { return nil }

// OpenReplay reads a replay file and returns a Match that plays it back,
// one recorded frame a tick, checking every recorded checksum (a mismatch
// ends it with a *replay.MismatchError).
func OpenReplay(path string) (*Match, error) {
	rp, err := replay.ReadFile(path)
	if err != nil {
		return nil, err
	}
	h := rp.Header
	if h.Game != GameID {
		return nil, fmt.Errorf("play: %s is a replay of %q, not of %s", path, h.Game, GameID)
	}
	names := make([]string, h.Players)
	for p := range names {
		names[p] = fmt.Sprintf("player %d", p+1)
		if p < len(h.Names) {
			names[p] = h.Names[p]
		}
	}
	tick := h.TickHz
	if tick == 0 {
		tick = DefaultTickRate
	}
	src := &replaySource{path: path, rp: rp, sums: map[int]uint64{}}
	for _, c := range rp.Checksums {
		src.sums[int(c.Frame)] = c.Sum
	}
	m, err := newMatch(Replay, src, names, -1, h.Seed, tick, h.Settings)
	if err != nil {
		return nil, fmt.Errorf("play: %s: %w", path, err)
	}
	src.m = m
	return m, nil
}

// ReplayLength returns how many frames a replay Match holds, 0 for other
// matches.
func (m *Match) ReplayLength() int {
	if r, ok := m.src.(*replaySource); ok {
		return len(r.rp.Frames)
	}
	return 0
}

// ReplayTruncated reports whether a replay Match plays a partial replay:
// its recorder stopped (crashed, was killed) before it finished the file,
// so the match goes on past the replay's last frame. It is false for
// other matches.
func (m *Match) ReplayTruncated() bool {
	r, ok := m.src.(*replaySource)
	return ok && r.rp.Truncated
}

// ReplaySummary says in a sentence how far a replay Match has played and
// what it found: "1140 frames of 1140 played, checksums match", and for a
// partial replay played to its end, that it ended early, at which frame,
// and why. It is "" for other matches.
func (m *Match) ReplaySummary() string {
	r, ok := m.src.(*replaySource)
	if !ok {
		return ""
	}
	n := len(r.rp.Frames)
	played := fmt.Sprintf("%d frames of %d played, checksums match", m.frames, n)
	switch {
	case !r.rp.Truncated:
		return played
	case m.frames < n:
		return played + fmt.Sprintf(" (a partial replay: the recording stopped at frame %d)", n)
	}
	return fmt.Sprintf("the replay ended early, at frame %d: the recording stopped there, "+
		"since %s is a partial replay whose recorder did not finish; %d frames played, checksums match",
		n, partialName(r.path), m.frames)
}

// partialName is the file a partial replay was read from: ReadFile reads
// path+".partial" when path is not there.
func partialName(path string) string {
	if _, err := os.Stat(path); err != nil && !strings.HasSuffix(path, replay.PartialSuffix) {
		if _, err := os.Stat(path + replay.PartialSuffix); err == nil {
			return path + replay.PartialSuffix
		}
	}
	return path
}
