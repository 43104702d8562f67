package sim

import (
	"errors"
	"fmt"
)

// Limits of a Config.
const (
	MinPlayers = 2
	MaxPlayers = 8
	MinSize    = 24
	MaxSize    = 250
)

// Speeds in cells per second, and the boost meter.
const (
	// Speed is a rider's normal speed and BoostSpeed its speed while it
	// boosts, in cells per second: at 60 ticks per second, one cell every
	// four ticks, or every two with boost.
	Speed      = 15
	BoostSpeed = 30
	// MaxEnergy is a full boost meter, in ticks of boost at 60 ticks per
	// second (scaled to Config.TicksPerSecond): boosting spends one a
	// tick, and the meter refills by one every rechargeEvery ticks
	// without boost. Boost starts only with a quarter of the meter.
	MaxEnergy     = 90
	rechargeEvery = 3
)

// Pauses: any player may ask for one (Input.WithPause) while the match is
// not over; the world stops until every player still in the match has
// pressed pause again to agree, then resumes after a countdown.
const (
	// MaxPauses is how many pauses each player may ask for in a match
	// (a rematch starts a new count): a player cannot hold the others
	// up over and over.
	MaxPauses = 2
	// PauseSeconds is the longest a pause lasts: then the countdown to
	// resume starts by itself, so that a player who walked away without
	// agreeing holds nobody up for long.
	PauseSeconds = 60
	// ResumeSeconds is the countdown from the agreement (or the end of
	// PauseSeconds) to the world moving again.
	ResumeSeconds = 3
)

// ErrBadConfig is returned by New for a Config out of range.
var ErrBadConfig = errors.New("sim: bad config")

// Config sets up a match. The zero value of every field but Players selects
// its default.
type Config struct {
	// Players is the number of players, MinPlayers to MaxPlayers.
	Players int
	// Seed seeds the match's random decisions (where riders start).
	Seed uint64
	// Width and Height are the arena's size in cells, MinSize to MaxSize.
	// Zero picks a size for the number of players (see ArenaSize).
	Width, Height int
	// RoundsToWin is how many rounds win the match, 1 to 99. Default 3.
	RoundsToWin int
	// TicksPerSecond is the rate Step is called at, 10 to 240. Default 60.
	TicksPerSecond int
	// Pace is how fast riders go. The zero value is PaceNormal.
	Pace Pace
	// NoWarmUp turns off the warm-up: by default the first round of
	// every match rides one pace slower (see Pace.WarmUpSpeeds), so that
	// new players learn the controls before the game is at full speed.
	// Matches recorded before the warm-up existed set it to replay as
	// they were played.
	NoWarmUp bool
}

// Pace is how fast the riders of a match go: a slow match gives new
// players time to see a wall coming. The zero value is PaceNormal.
type Pace uint8

// The paces. Every one is a whole number of cells per second, so the
// simulation stays in integers.
const (
	// PaceNormal: Speed cells a second, BoostSpeed with boost.
	PaceNormal Pace = iota
	// PaceSlow: two thirds of normal, 10 cells a second (20 with boost).
	PaceSlow
	// PaceFast: four thirds of normal, 20 cells a second (40 with boost).
	PaceFast
)

// Paces are the paces from the slowest to the fastest, for a menu.
var Paces = []Pace{PaceSlow, PaceNormal, PaceFast}

var paceNames = [...]string{"normal", "slow", "fast"}

// paceSpeed is each pace's speed without boost, in cells per second;
// boost doubles it.
var paceSpeed = [...]int{Speed, 10, 20}

// String names the pace: "slow", "normal" or "fast".
func (p Pace) String() string {
	if int(p) < len(paceNames) {
		return paceNames[p]
	}
	return "pace?"
}

// Valid reports whether p is one of the paces.
func (p Pace) Valid() bool { return int(p) < len(paceNames) }

// ParsePace returns the pace String names, and false for any other name.
func ParsePace(name string) (Pace, bool) {
	for p, n := range paceNames {
		if n == name {
			return Pace(p), true
		}
	}
	return PaceNormal, false
}

// Speeds returns a rider's speed at pace p, in cells per second, without
// and with boost. It returns the normal speeds for a pace out of range.
func (p Pace) Speeds() (normal, boost int) {
	if !p.Valid() {
		p = PaceNormal
	}
	return paceSpeed[p], 2 * paceSpeed[p]
}

// warmSpeed is each pace's warm-up speed without boost: the next slower
// pace's, and for slow, seven cells a second.
var warmSpeed = [...]int{10, 7, Speed}

// WarmUpSpeeds returns a rider's speed in the warm-up round at pace p
// (the first round of a match, unless Config.NoWarmUp): one pace slower,
// slow's seven cells a second, in cells per second without and with
// boost. It returns normal's for a pace out of range.
func (p Pace) WarmUpSpeeds() (normal, boost int) {
	if !p.Valid() {
		p = PaceNormal
	}
	return warmSpeed[p], 2 * warmSpeed[p]
}

// ArenaSize returns the default arena size for a number of players: as
// large for two or three as for four, so that a small match leaves room
// to ride (rounds of a duel in 64x40 were over in seconds), larger as the
// crowd grows.
func ArenaSize(players int) (w, h int) {
	switch {
	case players <= 4:
		return 80, 50
	case players <= 6:
		return 96, 60
	}
	return 112, 70
}

// DefaultConfig returns the configuration of a match for players players,
// every default filled in, with seed 0.
func DefaultConfig(players int) Config {
	c, _ := Config{Players: players}.WithDefaults()
	return c
}

// Validate returns nil if New accepts c, or an error wrapping ErrBadConfig
// naming the first field out of range.
func (c Config) Validate() error {
	_, err := c.WithDefaults()
	return err
}

// WithDefaults returns c with every zero field set to its default, or an
// error wrapping ErrBadConfig naming the first field out of range.
func (c Config) WithDefaults() (Config, error) {
	if c.Players < MinPlayers || c.Players > MaxPlayers {
		return c, fmt.Errorf("%w: %d players (want %d to %d)", ErrBadConfig, c.Players, MinPlayers, MaxPlayers)
	}
	if c.Width == 0 && c.Height == 0 {
		c.Width, c.Height = ArenaSize(c.Players)
	}
	if c.Width < MinSize || c.Width > MaxSize || c.Height < MinSize || c.Height > MaxSize {
		return c, fmt.Errorf("%w: arena %dx%d (each side %d to %d)", ErrBadConfig, c.Width, c.Height, MinSize, MaxSize)
	}
	if c.RoundsToWin == 0 {
		c.RoundsToWin = 3
	}
	if c.RoundsToWin < 1 || c.RoundsToWin > 99 {
		return c, fmt.Errorf("%w: %d rounds to win (want 1 to 99)", ErrBadConfig, c.RoundsToWin)
	}
	if c.TicksPerSecond == 0 {
		c.TicksPerSecond = 60
	}
	if c.TicksPerSecond < 10 || c.TicksPerSecond > 240 {
		return c, fmt.Errorf("%w: %d ticks per second (want 10 to 240)", ErrBadConfig, c.TicksPerSecond)
	}
	if !c.Pace.Valid() {
		return c, fmt.Errorf("%w: pace %d (want 0 to %d)", ErrBadConfig, c.Pace, len(paceNames)-1)
	}
	return c, nil
}

// Phase is where a match is.
type Phase uint8

// The phases of a match, in the order they come.
const (
	// Countdown: riders are on their marks; a direction sets the one
	// they start in.
	Countdown Phase = iota
	// Playing: the round is on.
	Playing
	// RoundOver: a pause that shows who won the round.
	RoundOver
	// MatchOver: someone won the match; pressing boost votes for a
	// rematch, which starts once every player still here voted.
	MatchOver
)

var phaseNames = [...]string{"countdown", "playing", "round-over", "match-over"}

// String returns the phase's name, such as "playing".
func (p Phase) String() string {
	if int(p) < len(phaseNames) {
		return phaseNames[p]
	}
	return "phase?"
}

// Rider is one player's light cycle.
type Rider struct {
	// X, Y is the head's cell; Dir the way it goes.
	X, Y int
	Dir  Dir
	// Alive: still riding this round. Active: still in the match (a
	// player who left is neither).
	Alive  bool
	Active bool
	// Boost: boosting on the last tick. Energy: the boost meter, 0 to
	// the State's MaxEnergy.
	Boost  bool
	Energy int
	// CrashTick is the tick of the rider's crash this round, -1 if none;
	// CrashX, CrashY where it happened.
	CrashTick      int
	CrashX, CrashY int
	// Ready: voted for a rematch (MatchOver only).
	Ready bool
	// Pauses is how many pauses the player asked for this match.
	Pauses int

	moves    int    // cells ridden this round
	progress int    // sub-cell progress, in 1/TicksPerSecond of a cell
	queue    [2]Dir // turns requested, not made yet
	nq       int
	held     bool // boost held on the last tick
}

// Cause says why a rider crashed.
type Cause uint8

// The causes of a crash.
const (
	CauseWall   Cause = iota + 1 // hit the arena's edge
	CauseTrail                   // hit a trail (Event.By says whose)
	CauseHeadOn                  // met another rider head on (Event.By)
	CauseLeft                    // its player left the match
)

var causeNames = [...]string{"", "wall", "trail", "head-on", "left"}

// String returns the cause's name, such as "trail".
func (c Cause) String() string {
	if c >= CauseWall && int(c) < len(causeNames) {
		return causeNames[c]
	}
	return "cause?"
}

// EventKind says what an Event is about.
type EventKind uint8

// The things that happen in a Step, for the view to show.
const (
	// EventCountdown: N seconds to go before the round starts.
	EventCountdown EventKind = iota + 1
	// EventGo: the round started.
	EventGo
	// EventCrash: Player crashed at X, Y; Cause and By (a player, or -1)
	// say into what.
	EventCrash
	// EventRoundOver: Player won the round, or -1 for a draw.
	EventRoundOver
	// EventMatchOver: Player won the match, or -1 if nobody did.
	EventMatchOver
	// EventLeft: Player left the match; the others play on.
	EventLeft
	// EventReady: Player voted for a rematch.
	EventReady
	// EventRematch: a new match started.
	EventRematch
	// EventBoost: Player started boosting.
	EventBoost
	// EventPause: Player paused the match.
	EventPause
	// EventPauseAgree: Player agreed to resume.
	EventPauseAgree
	// EventResuming: the countdown to resume started, or went down a
	// second: N seconds to go. On its first, By is -1 when every player
	// agreed and the player who paused when the pause ran out of time.
	EventResuming
	// EventResumed: the pause is over; the world moves again.
	EventResumed
)

var eventNames = [...]string{"", "countdown", "go", "crash", "round-over", "match-over", "left", "ready", "rematch", "boost",
	"pause", "pause-agree", "resuming", "resumed"}

// String returns the kind's name, such as "crash".
func (k EventKind) String() string {
	if k >= EventCountdown && int(k) < len(eventNames) {
		return eventNames[k]
	}
	return "event?"
}

// Event is something that happened in the last Step, for the view's
// flashes and sounds. Which fields are set depends on Kind (see the
// EventKind constants); unused player fields are -1.
type Event struct {
	Kind EventKind
	// Player is who it happened to, or -1.
	Player int
	// X, Y is where: the cell a rider crashed into (it may lie just
	// outside the arena), or where it was when it boosted or left.
	X, Y int
	// By is the other player involved in a crash (whose trail, or who
	// met it head on), or -1.
	By int
	// Cause says why a rider crashed (EventCrash only).
	Cause Cause
	// N is the seconds left for EventCountdown and the round's number
	// for EventRoundOver.
	N int
}

// State is a match of Neon Trails. Its zero value is not usable: call New.
type State struct {
	cfg       Config
	tick      int
	phase     Phase
	phaseTick int // ticks spent in the current phase
	round     int
	rng       uint64
	roundWin  int // the last round's winner, -1 for a draw
	winner    int // the match's winner, -1 until there is one
	maxEnergy int
	grid      []uint8  // owner+1 by cell, 0 for empty
	seq       []uint16 // by cell: how many cells its owner had ridden when it entered
	riders    []Rider
	scores    []int
	kills     []int
	events    []Event
	pause     pause
}

// pause is a match's pause: who asked for it, for how long it has held
// the world, who agreed to resume, and the countdown to resuming.
type pause struct {
	by     int   // who paused, -1 while the match is not paused
	ticks  int   // ticks paused so far
	agreed uint8 // by player, the players who agreed to resume
	resume int   // ticks left of the countdown to resume, 0 before it starts
}

// New starts a match: round 1, on the countdown.
func New(cfg Config) (*State, error) {
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return nil, err
	}
	s := &State{
		cfg:       cfg,
		rng:       cfg.Seed ^ 0x6e656f6e74726c73, // "neontrls"
		grid:      make([]uint8, cfg.Width*cfg.Height),
		seq:       make([]uint16, cfg.Width*cfg.Height),
		riders:    make([]Rider, cfg.Players),
		scores:    make([]int, cfg.Players),
		kills:     make([]int, cfg.Players),
		maxEnergy: MaxEnergy * cfg.TicksPerSecond / 60,
		pause:     pause{by: -1},
	}
	for i := range s.riders {
		s.riders[i].Active = true
	}
	s.startMatch()
	return s, nil
}

// Config returns the match's configuration, defaults filled in.
func (s *State) Config() Config { return s.cfg }

// Players returns the number of players.
func (s *State) Players() int { return s.cfg.Players }

// Width returns the arena's width in cells.
func (s *State) Width() int { return s.cfg.Width }

// Height returns the arena's height in cells.
func (s *State) Height() int { return s.cfg.Height }

// Cell returns the player whose trail fills cell x, y, or -1 if the cell is
// empty or outside the arena.
func (s *State) Cell(x, y int) int {
	if x < 0 || y < 0 || x >= s.cfg.Width || y >= s.cfg.Height {
		return -1
	}
	return int(s.grid[y*s.cfg.Width+x]) - 1
}

// Trail returns the player whose trail fills cell x, y (-1 if none) and
// the place of the cell along that trail: two cells of one trail are
// joined when their places differ by one.
func (s *State) Trail(x, y int) (owner, place int) {
	if x < 0 || y < 0 || x >= s.cfg.Width || y >= s.cfg.Height {
		return -1, 0
	}
	i := y*s.cfg.Width + x
	return int(s.grid[i]) - 1, int(s.seq[i])
}

// Tick returns how many Steps the match has run.
func (s *State) Tick() int { return s.tick }

// Phase returns the match's phase.
func (s *State) Phase() Phase { return s.phase }

// PhaseTicks returns how many ticks the match has spent in its phase.
func (s *State) PhaseTicks() int { return s.phaseTick }

// PhaseTicksLeft returns how many ticks remain of a Countdown or RoundOver,
// 0 in the other phases.
func (s *State) PhaseTicksLeft() int {
	if d := s.phaseLength(); d > 0 {
		return d - s.phaseTick
	}
	return 0
}

// Round returns the round being played, from 1.
func (s *State) Round() int { return s.round }

// Scores returns the rounds each player has won.
func (s *State) Scores() []int { return append([]int(nil), s.scores...) }

// Kills returns, for each player, how many other riders crashed into its
// trail this match.
func (s *State) Kills() []int { return append([]int(nil), s.kills...) }

// Riders returns a copy of every player's rider.
func (s *State) Riders() []Rider { return append([]Rider(nil), s.riders...) }

// Rider returns player p's rider; p must be in [0, Players).
func (s *State) Rider(p int) Rider { return s.riders[p] }

// MaxEnergy returns a full boost meter.
func (s *State) MaxEnergy() int { return s.maxEnergy }

// RoundWinner returns who won the last round; ok is false for a draw or
// before any round ended.
func (s *State) RoundWinner() (player int, ok bool) { return s.roundWin, s.roundWin >= 0 }

// Winner returns who won the match; over is true once the match is over
// (player is then -1 if nobody won: everyone left).
func (s *State) Winner() (player int, over bool) { return s.winner, s.phase == MatchOver }

// Paused returns who paused the match, with ok true while it is paused
// (the world still, or counting down to resume); -1 and false while it
// plays. The player who paused may since have left.
func (s *State) Paused() (by int, ok bool) { return s.pause.by, s.pause.by >= 0 }

// PauseAgreed reports whether player p agreed to resume the pause.
func (s *State) PauseAgreed(p int) bool { return s.pause.agreed&(1<<p) != 0 }

// PauseTicks returns how many ticks the current pause has lasted, 0 when
// the match is not paused.
func (s *State) PauseTicks() int { return s.pause.ticks }

// ResumeTicksLeft returns the ticks left of the countdown to resume, 0
// while a pause waits for agreement or the match is not paused.
func (s *State) ResumeTicksLeft() int { return s.pause.resume }

// PausesLeft returns how many more pauses player p may ask for this match.
func (s *State) PausesLeft(p int) int { return max(0, MaxPauses-s.riders[p].Pauses) }

// WarmUp reports whether the round being played is the warm-up, ridden
// one pace slower (the first of the match, unless Config.NoWarmUp).
func (s *State) WarmUp() bool { return s.round == 1 && !s.cfg.NoWarmUp }

// speeds returns a rider's speeds in cells per second in this round,
// without and with boost.
func (s *State) speeds() (normal, boost int) {
	if s.WarmUp() {
		return s.cfg.Pace.WarmUpSpeeds()
	}
	return s.cfg.Pace.Speeds()
}

// Events returns what happened in the last Step. The slice is valid until
// the next Step.
func (s *State) Events() []Event { return s.events }

// Lengths of the timed phases, in seconds times TicksPerSecond.
func (s *State) phaseLength() int {
	tps := s.cfg.TicksPerSecond
	switch s.phase {
	case Countdown:
		if s.round == 1 {
			return 3 * tps
		}
		return 2 * tps
	case RoundOver:
		return 2 * tps
	}
	return 0
}

// rand returns the next number of the state's own generator (SplitMix64).
func (s *State) rand() uint64 {
	s.rng += 0x9e3779b97f4a7c15
	z := s.rng
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func (s *State) emit(e Event) { s.events = append(s.events, e) }

// Rematch starts a new match with the same players still here: scores
// cleared, round 1, on the countdown. Step calls it once every player still
// in the match has voted for a rematch; a game with no network may call it
// at any time.
func (s *State) Rematch() {
	for p := range s.scores {
		s.scores[p], s.kills[p] = 0, 0
	}
	s.startMatch()
	s.emit(Event{Kind: EventRematch, Player: -1, By: -1})
}

func (s *State) startMatch() {
	s.round, s.winner, s.roundWin = 0, -1, -1
	for p := range s.riders {
		s.riders[p].Ready, s.riders[p].Pauses = false, 0
	}
	s.pause = pause{by: -1}
	s.startRound()
}

// startRound clears the arena and puts every active rider on its mark.
func (s *State) startRound() {
	s.round++
	s.phase, s.phaseTick = Countdown, 0
	clear(s.grid)
	clear(s.seq)
	var buf [MaxPlayers]int
	active := buf[:0]
	for p := range s.riders {
		r := &s.riders[p]
		*r = Rider{Active: r.Active, CrashTick: -1, Ready: r.Ready, Pauses: r.Pauses, held: r.held}
		if r.Active {
			active = append(active, p)
		}
	}
	// Shuffle who starts where (Fisher-Yates), then spread the riders
	// evenly round a rectangle inset from the walls, each facing inwards.
	for i := len(active) - 1; i > 0; i-- {
		j := int(s.rand() % uint64(i+1))
		active[i], active[j] = active[j], active[i]
	}
	m := min(s.cfg.Width, s.cfg.Height) / 6
	w, h := s.cfg.Width-1-2*m, s.cfg.Height-1-2*m
	perim := 2 * (w + h)
	off := int(s.rand() % uint64(perim))
	for i, p := range active {
		pos := (off + i*perim/len(active)) % perim
		x, y, d := m, m, Down
		switch {
		case pos < w: // top side, going right
			x, y, d = m+pos, m, Down
		case pos < w+h: // right side, going down
			x, y, d = m+w, m+pos-w, Left
		case pos < 2*w+h: // bottom side, going left
			x, y, d = m+w-(pos-w-h), m+h, Up
		default: // left side, going up
			x, y, d = m, m+h-(pos-2*w-h), Right
		}
		r := &s.riders[p]
		r.X, r.Y, r.Dir, r.Alive, r.Energy = x, y, d, true, s.maxEnergy
		s.grid[y*s.cfg.Width+x] = uint8(p + 1)
	}
}

// Step runs exactly one tick. inputs and present hold, by player, the
// inputs of this frame and who is still in the match; a missing input is
// the zero Input. A player absent from one frame (present[p] false, or p
// past the end of a non-nil present) has left for good: its rider crashes
// at once, its trail derezzes, and it is out of the match. A nil present
// means everyone is present. While the match is paused (see Paused) Step
// still hears who left and who pressed pause, but the world stands still:
// no tick passes for the riders, the phases or Tick. Step is
// deterministic: the same state and arguments always give the same next
// state. It does not allocate once the state has warmed up.
func (s *State) Step(inputs []Input, present []bool) {
	s.events = s.events[:0]
	var pressed uint8 // who pressed pause this frame
	for p := range s.riders {
		r := &s.riders[p]
		if !r.Active {
			continue
		}
		if present != nil && (p >= len(present) || !present[p]) {
			s.leave(p)
			continue
		}
		if p < len(inputs) && inputs[p].Pause() {
			pressed |= 1 << p
		}
	}
	if s.stepPause(pressed) {
		return
	}
	s.tick++
	s.phaseTick++
	for p := range s.riders {
		r := &s.riders[p]
		if !r.Active {
			continue
		}
		var in Input
		if p < len(inputs) {
			in = inputs[p]
		}
		r.queueTurn(in.Dir())
		r.queueTurn(in.Then())
		pressed := in.Boost() && !r.held
		r.held = in.Boost()
		if pressed && s.phase == MatchOver && !r.Ready && s.phaseTick > s.cfg.TicksPerSecond {
			r.Ready = true
			s.emit(Event{Kind: EventReady, Player: p, By: -1})
		}
	}
	if s.phase != MatchOver {
		active, last := 0, -1
		for p, r := range s.riders {
			if r.Active {
				active, last = active+1, p
			}
		}
		if active < 2 {
			s.endMatch(last)
			return
		}
	}
	switch s.phase {
	case Countdown:
		s.stepCountdown()
	case Playing:
		s.stepPlaying()
	case RoundOver:
		if s.phaseTick >= s.phaseLength() {
			if s.roundWin >= 0 && s.scores[s.roundWin] >= s.cfg.RoundsToWin {
				s.endMatch(s.roundWin)
			} else {
				s.startRound()
			}
		}
	case MatchOver:
		all, active := true, 0
		for _, r := range s.riders {
			if r.Active {
				all, active = all && r.Ready, active+1
			}
		}
		if all && active >= 2 {
			s.Rematch()
		}
	}
}

// stepPause runs the pause's part of a Step, pressed holding by player
// who pressed pause this frame, and reports whether the world stands
// still this frame. A press while the match plays pauses it, if the
// player has pauses left (the lowest-numbered such player when several
// press at once: the others' presses are spent); a press while it waits
// for agreement agrees to resume. Once every player still in the match
// agreed, or the pause lasted PauseSeconds, the countdown to resume runs
// ResumeSeconds; on the frame it ends the world moves again.
func (s *State) stepPause(pressed uint8) bool {
	if s.phase == MatchOver {
		s.pause = pause{by: -1}
		return false
	}
	active := 0
	var here uint8
	for p, r := range s.riders {
		if r.Active {
			active++
			here |= 1 << p
		}
	}
	pa := &s.pause
	if pa.by < 0 {
		for p := range s.riders {
			if pressed&(1<<p) != 0 && s.riders[p].Pauses < MaxPauses && active >= 2 {
				s.riders[p].Pauses++
				*pa = pause{by: p}
				s.emit(Event{Kind: EventPause, Player: p, By: -1})
				return true
			}
		}
		return false
	}
	if active < 2 { // everyone else left: the match is about to end
		*pa = pause{by: -1}
		return false
	}
	tps := s.cfg.TicksPerSecond
	if pa.resume > 0 {
		pa.resume--
		if pa.resume == 0 {
			*pa = pause{by: -1}
			s.emit(Event{Kind: EventResumed, Player: -1, By: -1})
			return false
		} else if pa.resume%tps == 0 {
			s.emit(Event{Kind: EventResuming, Player: -1, By: -1, N: pa.resume / tps})
		}
		return true
	}
	pa.ticks++
	for p := range s.riders {
		if bit := uint8(1) << p; pressed&here&bit != 0 && pa.agreed&bit == 0 {
			pa.agreed |= bit
			s.emit(Event{Kind: EventPauseAgree, Player: p, By: -1})
		}
	}
	all := pa.agreed&here == here
	if all || pa.ticks >= PauseSeconds*tps {
		pa.resume = ResumeSeconds * tps
		by := -1
		if !all {
			by = pa.by
		}
		s.emit(Event{Kind: EventResuming, Player: -1, By: by, N: ResumeSeconds})
	}
	return true
}

// queueTurn queues a turn request, ignoring a repeat of the last one.
func (r *Rider) queueTurn(d Dir) {
	if !d.Valid() {
		return
	}
	last := r.Dir
	if r.nq > 0 {
		last = r.queue[r.nq-1]
	}
	if d == last {
		return
	}
	if r.nq == len(r.queue) {
		r.queue[0], r.nq = r.queue[1], 1
	}
	r.queue[r.nq] = d
	r.nq++
}

// popTurn makes the oldest queued turn that is a real turn (not straight
// on, not straight back).
func (r *Rider) popTurn() {
	for r.nq > 0 {
		d := r.queue[0]
		r.queue[0], r.queue[1], r.nq = r.queue[1], None, r.nq-1
		if d != r.Dir && d != r.Dir.Opposite() {
			r.Dir = d
			return
		}
	}
}

func (s *State) leave(p int) {
	r := &s.riders[p]
	if r.Alive && (s.phase == Playing || s.phase == Countdown) {
		s.crash(p, CauseLeft, -1)
	}
	r.Active, r.Alive, r.Ready = false, false, false
	s.derez(p)
	s.emit(Event{Kind: EventLeft, Player: p, X: r.X, Y: r.Y, By: -1})
	if s.phase == Playing {
		s.checkRoundOver()
	}
}

func (s *State) endMatch(winner int) {
	s.phase, s.phaseTick, s.winner = MatchOver, 0, winner
	s.pause = pause{by: -1}
	for p := range s.riders {
		s.riders[p].Ready = false
	}
	s.emit(Event{Kind: EventMatchOver, Player: winner, By: -1})
}

func (s *State) stepCountdown() {
	// Before the start a direction only changes the one a rider starts in.
	for p := range s.riders {
		r := &s.riders[p]
		if r.nq > 0 {
			r.Dir, r.queue, r.nq = r.queue[r.nq-1], [2]Dir{}, 0
		}
	}
	tps := s.cfg.TicksPerSecond
	left := s.phaseLength() - s.phaseTick
	if left <= 0 {
		s.phase, s.phaseTick = Playing, 0
		s.emit(Event{Kind: EventGo, Player: -1, By: -1})
		return
	}
	if s.phaseTick == 1 || left%tps == 0 {
		s.emit(Event{Kind: EventCountdown, Player: -1, By: -1, N: (left + tps - 1) / tps})
	}
}

func (s *State) stepPlaying() {
	tps := s.cfg.TicksPerSecond
	var steps [MaxPlayers]int
	most := 0
	for p := range s.riders {
		r := &s.riders[p]
		if !r.Alive {
			continue
		}
		speed, boostSpeed := s.speeds()
		// Boost lasts while it is held and the meter is not empty, but it
		// only starts with a quarter of the meter: holding the button down
		// on an empty meter does not sip every drop of recharge.
		boost := r.held && r.Energy > 0 && (r.Boost || r.Energy >= s.maxEnergy/4)
		if boost {
			speed = boostSpeed
			r.Energy--
			if !r.Boost {
				s.emit(Event{Kind: EventBoost, Player: p, X: r.X, Y: r.Y, By: -1})
			}
		} else if s.tick%rechargeEvery == 0 && r.Energy < s.maxEnergy {
			r.Energy++
		}
		r.Boost = boost
		r.progress += speed
		for r.progress >= tps {
			r.progress -= tps
			steps[p]++
		}
		most = max(most, steps[p])
	}
	// At low tick rates a rider may cross several cells in one tick: every
	// rider makes its first cell, then every rider still going its second...
	for sub := range most {
		s.moveOnce(&steps, sub)
	}
	// A crashed rider's trail derezzes a second after the crash, giving
	// the survivors room.
	for p := range s.riders {
		r := &s.riders[p]
		if !r.Alive && r.CrashTick >= 0 && s.tick-r.CrashTick == tps {
			s.derez(p)
		}
	}
	s.checkRoundOver()
}

// move is one rider's move into a cell, decided before any is made.
type move struct {
	on    bool // the rider moves in this sub-step
	x, y  int
	crash bool
	cause Cause
	by    int
}

// moveOnce moves by one cell every living rider with more than sub cells
// to go this tick. All of them move at once: each sees the arena as it was
// before any of them moved, so that player order never matters.
func (s *State) moveOnce(steps *[MaxPlayers]int, sub int) {
	var mv [MaxPlayers]move
	n := len(s.riders)
	for p := range n {
		r := &s.riders[p]
		if !r.Alive || steps[p] <= sub {
			continue
		}
		r.popTurn()
		dx, dy := r.Dir.Delta()
		m := &mv[p]
		m.on, m.x, m.y, m.by = true, r.X+dx, r.Y+dy, -1
		if m.x < 0 || m.y < 0 || m.x >= s.cfg.Width || m.y >= s.cfg.Height {
			m.crash, m.cause = true, CauseWall
		} else if owner := s.grid[m.y*s.cfg.Width+m.x]; owner != 0 {
			m.crash, m.cause, m.by = true, CauseTrail, int(owner)-1
		}
	}
	// Two riders meet head on when they enter the same cell, or swap
	// cells (each rides into the other's head).
	for p := range n {
		if !mv[p].on {
			continue
		}
		for q := range n {
			if q == p || !mv[q].on {
				continue
			}
			same := mv[p].x == mv[q].x && mv[p].y == mv[q].y && !mv[p].crash
			swap := mv[p].x == s.riders[q].X && mv[p].y == s.riders[q].Y &&
				mv[q].x == s.riders[p].X && mv[q].y == s.riders[p].Y
			if same || swap {
				mv[p].crash, mv[p].cause, mv[p].by = true, CauseHeadOn, q
				break
			}
		}
	}
	for p := range n {
		m := &mv[p]
		if !m.on {
			continue
		}
		if m.crash {
			s.crash(p, m.cause, m.by)
			continue
		}
		r := &s.riders[p]
		r.X, r.Y = m.x, m.y
		r.moves++
		i := m.y*s.cfg.Width + m.x
		s.grid[i], s.seq[i] = uint8(p+1), uint16(r.moves)
	}
}

// derez clears player p's trail from the arena.
func (s *State) derez(p int) {
	for i, c := range s.grid {
		if int(c) == p+1 {
			s.grid[i], s.seq[i] = 0, 0
		}
	}
}

func (s *State) crash(p int, cause Cause, by int) {
	r := &s.riders[p]
	r.Alive, r.Boost = false, false
	r.CrashTick = s.tick
	dx, dy := r.Dir.Delta()
	r.CrashX, r.CrashY = r.X+dx, r.Y+dy
	if cause == CauseLeft {
		r.CrashX, r.CrashY = r.X, r.Y
	}
	if by >= 0 && by != p && cause == CauseTrail {
		s.kills[by]++
	}
	s.emit(Event{Kind: EventCrash, Player: p, X: r.CrashX, Y: r.CrashY, By: by, Cause: cause})
}

func (s *State) checkRoundOver() {
	alive, last := 0, -1
	for p, r := range s.riders {
		if r.Alive {
			alive, last = alive+1, p
		}
	}
	if alive > 1 {
		return
	}
	s.phase, s.phaseTick, s.roundWin = RoundOver, 0, last
	if last >= 0 {
		s.scores[last]++
	}
	s.emit(Event{Kind: EventRoundOver, Player: last, By: -1, N: s.round})
}
