package sim

import (
	"errors"
	"fmt"
	"testing"
)

func TestDirs(t *testing.T) {
	for _, d := range []Dir{Up, Right, Down, Left} {
		if d.Opposite().Opposite() != d || d.CW().CCW() != d || d.CW().CW() != d.Opposite() {
			t.Errorf("%v: opposite %v, cw %v, ccw %v", d, d.Opposite(), d.CW(), d.CCW())
		}
		dx, dy := d.Delta()
		ox, oy := d.Opposite().Delta()
		if dx+ox != 0 || dy+oy != 0 || dx*dx+dy*dy != 1 {
			t.Errorf("%v: delta %d,%d, opposite's %d,%d", d, dx, dy, ox, oy)
		}
	}
	if None.Opposite() != None || None.CW() != None || Dir(9).Valid() {
		t.Error("None or an invalid direction turned into a direction")
	}
}

func TestInput(t *testing.T) {
	for _, d := range []Dir{None, Up, Right, Down, Left} {
		for _, b := range []bool{false, true} {
			in := MakeInput(d, b)
			if in.Dir() != d || in.Boost() != b || in.Then() != None {
				t.Errorf("MakeInput(%v, %v) = %08b: dir %v boost %v then %v", d, b, in, in.Dir(), in.Boost(), in.Then())
			}
			if in >= 128 {
				t.Errorf("MakeInput(%v, %v) = %d: not a one-byte msgpack fixint", d, b, in)
			}
		}
	}
	if in := Input(0xff); in.Dir() != None || in.Then() != None || !in.Boost() {
		t.Errorf("garbage input 0xff: dir %v then %v boost %v", in.Dir(), in.Then(), in.Boost())
	}
}

func TestMergeInputs(t *testing.T) {
	tests := []struct {
		older, newer Input
		first, then  Dir
		boost        bool
	}{
		{0, 0, None, None, false},
		{MakeInput(Up, false), 0, Up, None, false},
		{0, MakeInput(Left, true), Left, None, true},
		{MakeInput(Up, true), MakeInput(Right, false), Up, Right, true},
		{MakeInput(Up, false), MakeInput(Up, false), Up, None, false},
		{MergeInputs(MakeInput(Up, false), MakeInput(Right, false)), MakeInput(Down, false), Right, Down, false},
	}
	for _, tc := range tests {
		got := MergeInputs(tc.older, tc.newer)
		if got.Dir() != tc.first || got.Then() != tc.then || got.Boost() != tc.boost {
			t.Errorf("MergeInputs(%08b, %08b) = %v then %v boost %v; want %v then %v boost %v",
				tc.older, tc.newer, got.Dir(), got.Then(), got.Boost(), tc.first, tc.then, tc.boost)
		}
	}
}

func TestConfig(t *testing.T) {
	tests := []struct {
		cfg  Config
		ok   bool
		w, h int
	}{
		{Config{Players: 2}, true, 80, 50},
		{Config{Players: 4}, true, 80, 50},
		{Config{Players: 8}, true, 112, 70},
		{Config{Players: 3, Width: 30, Height: 30, RoundsToWin: 5, TicksPerSecond: 30}, true, 30, 30},
		{Config{Players: 1}, false, 0, 0},
		{Config{Players: 9}, false, 0, 0},
		{Config{Players: 2, Width: 10, Height: 10}, false, 0, 0},
		{Config{Players: 2, Width: 40}, false, 0, 0},
		{Config{Players: 2, RoundsToWin: 100}, false, 0, 0},
		{Config{Players: 2, TicksPerSecond: 5}, false, 0, 0},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%+v", tc.cfg), func(t *testing.T) {
			s, err := New(tc.cfg)
			if !tc.ok {
				if !errors.Is(err, ErrBadConfig) {
					t.Fatalf("New: %v, want ErrBadConfig", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Width() != tc.w || s.Height() != tc.h || s.Phase() != Countdown || s.Round() != 1 {
				t.Errorf("%dx%d, phase %v, round %d", s.Width(), s.Height(), s.Phase(), s.Round())
			}
			for p, r := range s.Riders() {
				if !r.Alive || !r.Active || s.Cell(r.X, r.Y) != p || r.Energy != s.MaxEnergy() {
					t.Errorf("rider %d at start: %+v, cell owner %d", p, r, s.Cell(r.X, r.Y))
				}
			}
		})
	}
}

// TestSpawns: for every number of players, over several rounds and arena
// sizes, riders start on distinct cells inside the arena, well apart, with
// room ahead, facing the middle.
func TestSpawns(t *testing.T) {
	for players := MinPlayers; players <= MaxPlayers; players++ {
		for _, size := range [][2]int{{0, 0}, {MinSize, MinSize}, {MaxSize, MinSize}, {MinSize, 60}} {
			s, err := New(Config{Players: players, Seed: uint64(players*100 + size[0]), Width: size[0], Height: size[1]})
			if err != nil {
				t.Fatal(err)
			}
			w, h := s.Width(), s.Height()
			for round := range 6 {
				riders := s.Riders()
				for p, r := range riders {
					if r.X < 0 || r.Y < 0 || r.X >= w || r.Y >= h || s.Cell(r.X, r.Y) != p || !r.Dir.Valid() {
						t.Fatalf("%dp %dx%d round %d: rider %d at %d,%d facing %v", players, w, h, round, p, r.X, r.Y, r.Dir)
					}
					// Facing inwards: a step ahead gets closer to the middle
					// (doubled coordinates keep it in integers).
					dx, dy := r.Dir.Delta()
					before := abs(2*r.X-(w-1)) + abs(2*r.Y-(h-1))
					after := abs(2*(r.X+dx)-(w-1)) + abs(2*(r.Y+dy)-(h-1))
					if after >= before {
						t.Errorf("%dp %dx%d: rider %d at %d,%d faces %v, away from the middle", players, w, h, p, r.X, r.Y, r.Dir)
					}
					if run := s.run(r.X, r.Y, dx, dy, 1000); run < min(w, h)/6 {
						t.Errorf("%dp %dx%d: rider %d has only %d cells ahead", players, w, h, p, run)
					}
					for q := range p {
						o := riders[q]
						if d := abs(o.X-r.X) + abs(o.Y-r.Y); d < 4 {
							t.Errorf("%dp %dx%d: riders %d and %d start %d cells apart", players, w, h, q, p, d)
						}
					}
				}
				s.startRound()
			}
		}
	}
}

// rig makes a state with riders placed by hand, mid-round in round 2,
// past the warm-up.
func rig(t testing.TB, players int, place func(s *State)) *State {
	t.Helper()
	s, err := New(Config{Players: players, Width: 60, Height: 24, TicksPerSecond: 60})
	if err != nil {
		t.Fatal(err)
	}
	clear(s.grid)
	s.phase, s.phaseTick, s.round = Playing, 0, 2
	place(s)
	for p, r := range s.riders {
		if r.Alive {
			s.grid[r.Y*s.cfg.Width+r.X] = uint8(p + 1)
		}
	}
	return s
}

// put places rider p at x, y facing d.
func put(s *State, p, x, y int, d Dir) {
	r := &s.riders[p]
	r.X, r.Y, r.Dir = x, y, d
}

func all(n int) []bool {
	b := make([]bool, n)
	for i := range b {
		b[i] = true
	}
	return b
}

// until steps s with fixed inputs until an event of kind k, and returns it.
func until(t *testing.T, s *State, in []Input, present []bool, k EventKind, max int) Event {
	t.Helper()
	for range max {
		s.Step(in, present)
		for _, e := range s.Events() {
			if e.Kind == k {
				return e
			}
		}
	}
	t.Fatalf("no %d event in %d ticks", k, max)
	return Event{}
}

func TestMovement(t *testing.T) {
	s := rig(t, 2, func(s *State) {
		put(s, 0, 10, 10, Right)
		put(s, 1, 40, 20, Up)
	})
	ticksPerCell := s.cfg.TicksPerSecond / Speed
	for tick := 1; tick <= 10*ticksPerCell; tick++ {
		s.Step(nil, nil)
		if want := 10 + tick/ticksPerCell; s.Rider(0).X != want || s.Rider(0).Y != 10 {
			t.Fatalf("tick %d: rider at %d,%d, want %d,10", tick, s.Rider(0).X, s.Rider(0).Y, want)
		}
	}
	if s.Rider(1).X != 40 || s.Rider(1).Y != 10 {
		t.Errorf("rider 1 at %d,%d after 10 cells up, want 40,10", s.Rider(1).X, s.Rider(1).Y)
	}
	for x := 10; x <= 20; x++ {
		if s.Cell(x, 10) != 0 {
			t.Errorf("cell %d,10: owner %d, want rider 0's trail", x, s.Cell(x, 10))
		}
	}
}

// TestTurnRules: from each heading, every requested direction, one cell
// later: straight back is ignored, the others are made.
func TestTurnRules(t *testing.T) {
	for _, heading := range []Dir{Up, Right, Down, Left} {
		for _, req := range []Dir{None, Up, Right, Down, Left} {
			s := rig(t, 2, func(s *State) {
				put(s, 0, 30, 12, heading)
				put(s, 1, 2, 2, Down)
			})
			s.Step([]Input{MakeInput(req, false), 0}, nil)
			for range 3 {
				s.Step(nil, nil)
			}
			want := req
			if req == None || req == heading.Opposite() {
				want = heading
			}
			dx, dy := want.Delta()
			r := s.Rider(0)
			if r.Dir != want || r.X != 30+dx || r.Y != 12+dy || !r.Alive {
				t.Errorf("heading %v, asked %v: rider %+v, want one cell %v", heading, req, r, want)
			}
		}
	}
}

func TestTurns(t *testing.T) {
	s := rig(t, 2, func(s *State) {
		put(s, 0, 10, 10, Right)
		put(s, 1, 2, 20, Up)
	})
	// Straight back is ignored; a double turn in one input makes both.
	s.Step([]Input{MakeInput(Left, false), 0}, all(2))
	s.Step([]Input{MergeInputs(MakeInput(Down, false), MakeInput(Left, false)), 0}, all(2))
	path := [][2]int{{10, 10}}
	for range 40 {
		s.Step(make([]Input, 2), all(2))
		r := s.Rider(0)
		if n := len(path); n == 0 || path[n-1] != [2]int{r.X, r.Y} {
			path = append(path, [2]int{r.X, r.Y})
		}
	}
	want := [][2]int{{10, 11}, {9, 11}, {8, 11}}
	if len(path) < 4 || path[1] != want[0] || path[2] != want[1] || path[3] != want[2] {
		t.Errorf("path %v, want it to start %v (down, then left)", path, want)
	}
	if r := s.Rider(0); r.Dir != Left {
		t.Errorf("rider faces %v, want left", r.Dir)
	}
	for i, c := range [][2]int{{10, 10}, {10, 11}, {9, 11}, {8, 11}} {
		if o, place := s.Trail(c[0], c[1]); o != 0 || place != i {
			t.Errorf("trail at %v: owner %d place %d, want 0 and %d", c, o, place, i)
		}
	}
}

func TestCrashes(t *testing.T) {
	t.Run("wall", func(t *testing.T) {
		s := rig(t, 2, func(s *State) {
			put(s, 0, 57, 5, Right)
			put(s, 1, 5, 20, Up)
		})
		e := until(t, s, make([]Input, 2), all(2), EventCrash, 60)
		if e.Player != 0 || e.Cause != CauseWall || e.X != 60 || e.Y != 5 {
			t.Errorf("crash %+v, want player 0 into the wall at 60,5", e)
		}
		if w, ok := s.RoundWinner(); !ok || w != 1 || s.Scores()[1] != 1 || s.Phase() != RoundOver {
			t.Errorf("round winner %d %v, scores %v, phase %v; want player 1 to win the round", w, ok, s.Scores(), s.Phase())
		}
	})
	t.Run("trail", func(t *testing.T) {
		s := rig(t, 3, func(s *State) {
			put(s, 0, 10, 10, Right)
			put(s, 1, 14, 4, Down)
			put(s, 2, 2, 2, Right)
		})
		e := until(t, s, make([]Input, 3), all(3), EventCrash, 60)
		if e.Player != 1 || e.Cause != CauseTrail || e.By != 0 || s.Kills()[0] != 1 {
			t.Errorf("crash %+v, kills %v; want player 1 into player 0's trail", e, s.Kills())
		}
		// The trail derezzes a second later.
		for range 60 {
			s.Step(make([]Input, 3), all(3))
		}
		for y := range s.Height() {
			for x := range s.Width() {
				if s.Cell(x, y) == 1 {
					t.Fatalf("player 1's trail still at %d,%d a second after its crash", x, y)
				}
			}
		}
	})
	t.Run("own trail", func(t *testing.T) {
		s := rig(t, 2, func(s *State) {
			put(s, 0, 10, 10, Right)
			put(s, 1, 2, 20, Up)
		})
		// Down, left, up, right: a tight loop back into itself.
		for _, d := range []Dir{Down, Left, Up} {
			s.Step([]Input{MakeInput(d, false), 0}, nil)
			for range 3 {
				s.Step(nil, nil)
			}
		}
		if r := s.Rider(0); r.X != 9 || r.Y != 10 || !r.Alive {
			t.Fatalf("rider %+v, want it alive at 9,10", r)
		}
		e := until(t, s, []Input{MakeInput(Right, false), 0}, nil, EventCrash, 10)
		if e.Player != 0 || e.Cause != CauseTrail || e.By != 0 || e.X != 10 || e.Y != 10 {
			t.Errorf("crash %+v, want player 0 into its own trail at 10,10", e)
		}
	})
	t.Run("same cell", func(t *testing.T) {
		s := rig(t, 3, func(s *State) {
			put(s, 0, 10, 10, Right)
			put(s, 1, 12, 10, Left)
			put(s, 2, 2, 2, Down)
		})
		var crashes []Event
		for range 10 {
			s.Step(make([]Input, 3), all(3))
			for _, e := range s.Events() {
				if e.Kind == EventCrash {
					crashes = append(crashes, e)
				}
			}
		}
		if len(crashes) != 2 || crashes[0].Cause != CauseHeadOn || crashes[1].Cause != CauseHeadOn ||
			crashes[0].By != 1 || crashes[1].By != 0 || crashes[0].X != 11 || crashes[1].X != 11 {
			t.Errorf("crashes %+v; want both head on in cell 11,10, into each other", crashes)
		}
		if s.Cell(11, 10) != -1 {
			t.Errorf("cell 11,10 owned by %d after the crash", s.Cell(11, 10))
		}
	})
	t.Run("swap", func(t *testing.T) {
		s := rig(t, 3, func(s *State) {
			put(s, 0, 10, 10, Right)
			put(s, 1, 11, 10, Left)
			put(s, 2, 2, 2, Down)
		})
		until(t, s, nil, nil, EventCrash, 10)
		var crashes []Event
		for _, e := range s.Events() {
			if e.Kind == EventCrash {
				crashes = append(crashes, e)
			}
		}
		if len(crashes) != 2 || crashes[0].Cause != CauseHeadOn || crashes[0].By != 1 || crashes[1].Cause != CauseHeadOn || crashes[1].By != 0 {
			t.Errorf("crashes %+v; want both head on, into each other", crashes)
		}
		if r0, r1 := s.Rider(0), s.Rider(1); r0.X != 10 || r1.X != 11 || r0.Alive || r1.Alive {
			t.Errorf("riders %+v and %+v, want both crashed where they were", r0, r1)
		}
	})
	t.Run("draw", func(t *testing.T) {
		s := rig(t, 2, func(s *State) {
			put(s, 0, 10, 10, Right)
			put(s, 1, 12, 10, Left)
		})
		e := until(t, s, make([]Input, 2), all(2), EventRoundOver, 20)
		if w, ok := s.RoundWinner(); e.Player != -1 || ok || w != -1 || s.Scores()[0]+s.Scores()[1] != 0 {
			t.Errorf("round over %+v, winner %d %v, scores %v; want a draw", e, w, ok, s.Scores())
		}
	})
}

func TestBoost(t *testing.T) {
	s := rig(t, 2, func(s *State) {
		put(s, 0, 1, 5, Right)
		put(s, 1, 1, 20, Right)
	})
	boosted := false
	for range 40 {
		s.Step([]Input{MakeInput(None, true), 0}, all(2))
		for _, e := range s.Events() {
			boosted = boosted || e.Kind == EventBoost && e.Player == 0
		}
	}
	a, b := s.Rider(0), s.Rider(1)
	if !boosted || !a.Boost || a.X-1 != 2*(b.X-1) || a.Energy != s.MaxEnergy()-40 {
		t.Errorf("after 40 ticks of boost: boost event %v, %+v vs %+v; want twice as far", boosted, a, b)
	}
}

// TestBoostMeter: the meter drains a unit a tick of boost, runs dry, does
// not restart boost below a quarter even held down, and refills a unit
// every rechargeEvery ticks.
func TestBoostMeter(t *testing.T) {
	s := rig(t, 2, func(s *State) {
		put(s, 0, 1, 5, Right)
		put(s, 1, 1, 20, Right)
	})
	full := s.MaxEnergy()
	hold := []Input{MakeInput(None, true), 0}
	step := func(in []Input) {
		s.Step(in, nil)
		// Keep the riders clear of the walls: only the meter matters here.
		clear(s.grid)
		s.riders[0].X, s.riders[1].X = 1, 1
	}
	for tick := 1; tick <= full; tick++ {
		step(hold)
		if r := s.Rider(0); !r.Boost || r.Energy != full-tick {
			t.Fatalf("boost tick %d: %+v, want boosting with %d left", tick, r, full-tick)
		}
	}
	// Held down on an empty meter: no boost until a quarter is back.
	started := -1
	for tick := 1; tick <= rechargeEvery*full; tick++ {
		step(hold)
		if r := s.Rider(0); r.Boost {
			started = tick
			if r.Energy >= full/4 {
				t.Errorf("boost restarted at %d energy, below the spend of its first tick", r.Energy)
			}
			break
		}
	}
	if lo, hi := rechargeEvery*(full/4-1), rechargeEvery*(full/4+1); started < lo || started > hi {
		t.Errorf("boost restarted %d ticks after running dry, want about %d", started, rechargeEvery*full/4)
	}
	// Released, it refills one unit every rechargeEvery ticks.
	e0 := s.Rider(0).Energy
	for range 30 * rechargeEvery {
		step(nil)
	}
	if got := s.Rider(0).Energy; got != e0+30 || s.Rider(0).Boost {
		t.Errorf("after %d ticks without boost: energy %d, want %d", 30*rechargeEvery, got, e0+30)
	}
}

func TestRoundsAndMatch(t *testing.T) {
	s, err := New(Config{Players: 3, Seed: 5, Width: 40, Height: 30, RoundsToWin: 2})
	if err != nil {
		t.Fatal(err)
	}
	// Riders 0 and 1 ride into the wall, rider 2 steers clear: it wins
	// two rounds and the match.
	for round := 1; round <= 2; round++ {
		for s.Phase() == Countdown {
			s.Step(nil, nil)
		}
		if s.Phase() != Playing || s.Round() != round {
			t.Fatalf("round %d: phase %v round %d", round, s.Phase(), s.Round())
		}
		for s.Phase() == Playing {
			in := []Input{0, 0, Bot(s, 2)}
			s.Step(in, nil)
		}
		if w, ok := s.RoundWinner(); !ok || w != 2 || s.Scores()[2] != round {
			t.Fatalf("round %d: winner %d %v, scores %v", round, w, ok, s.Scores())
		}
		if _, over := s.Winner(); over {
			t.Fatalf("match over right at the end of round %d", round)
		}
		var ended []EventKind
		for s.Phase() == RoundOver {
			s.Step(nil, nil)
			for _, e := range s.Events() {
				ended = append(ended, e.Kind)
			}
		}
		if round == 1 && (s.Phase() != Countdown || s.Round() != 2) {
			t.Fatalf("after round 1: phase %v round %d", s.Phase(), s.Round())
		}
		if round == 2 && (len(ended) != 1 || ended[0] != EventMatchOver) {
			t.Fatalf("after round 2: events %v", ended)
		}
	}
	if w, over := s.Winner(); !over || w != 2 || s.Phase() != MatchOver {
		t.Fatalf("winner %d over %v phase %v, want player 2 to win the match", w, over, s.Phase())
	}
	// Nothing moves once the match is over.
	before := s.Riders()
	for range 100 {
		s.Step([]Input{MakeInput(Up, false), MakeInput(Left, false), 0}, nil)
	}
	for p, r := range s.Riders() {
		if r.X != before[p].X || r.Y != before[p].Y || s.Round() != 2 {
			t.Errorf("rider %d moved after the match was over", p)
		}
	}
}

func TestLeave(t *testing.T) {
	s, _ := New(Config{Players: 3, Seed: 7})
	play(t, s, 0, 400, func() bool { return s.Phase() == Playing && s.PhaseTicks() > 30 })
	present := all(3)
	present[1] = false
	s.Step(make([]Input, 3), present)
	var left, crash bool
	for _, e := range s.Events() {
		left = left || e.Kind == EventLeft && e.Player == 1
		crash = crash || e.Kind == EventCrash && e.Player == 1 && e.Cause == CauseLeft
	}
	if !left || !crash || s.Rider(1).Active || s.Rider(1).Alive {
		t.Fatalf("after player 1 left: events %+v, rider %+v", s.Events(), s.Rider(1))
	}
	for y := range s.Height() {
		for x := range s.Width() {
			if s.Cell(x, y) == 1 {
				t.Fatalf("the trail of the player who left is still at %d,%d", x, y)
			}
		}
	}
	// Coming back is not a thing: present again, it stays out.
	s.Step(make([]Input, 3), all(3))
	if s.Rider(1).Active {
		t.Fatal("a player who left came back")
	}
	// The match goes on with two; when one more leaves, the last one wins.
	if _, over := s.Winner(); over {
		t.Fatal("the match ended when one of three players left")
	}
	present[2] = false
	s.Step(make([]Input, 3), present)
	if w, over := s.Winner(); !over || w != 0 {
		t.Errorf("with one player left: winner %d, over %v; want player 0", w, over)
	}
	// Alone, there is nobody to play a rematch with.
	for tick := range 200 {
		s.Step([]Input{MakeInput(None, tick%2 == 0), 0, 0}, present)
	}
	if s.Phase() != MatchOver {
		t.Errorf("a lone player started a rematch: phase %v", s.Phase())
	}
}

// TestLeaderLeaves: a player who leaves is out for good, even one round
// short of the match: the others play it out and one of them wins.
func TestLeaderLeaves(t *testing.T) {
	s, _ := New(Config{Players: 3, Seed: 11, RoundsToWin: 2})
	s.scores[0] = 1
	present := []bool{false, true, true}
	for range 60 * 60 * 5 {
		in := []Input{Bot(s, 0), Bot(s, 1), Bot(s, 2)}
		s.Step(in, present)
		if s.Phase() == Countdown && s.Rider(0).Alive {
			t.Fatal("the player who left is on its mark again")
		}
		if _, over := s.Winner(); over {
			break
		}
	}
	w, over := s.Winner()
	if !over || w == 0 || s.Scores()[w] != 2 {
		t.Errorf("winner %d over %v scores %v; want player 1 or 2 to win on points", w, over, s.Scores())
	}
}

func TestCountdown(t *testing.T) {
	s, _ := New(Config{Players: 2, Seed: 3})
	start := s.Riders()
	var beeps []int
	ticks := 0
	for s.Phase() == Countdown {
		// A direction during the countdown sets the starting one.
		s.Step([]Input{MakeInput(start[0].Dir.CW(), true), 0}, nil)
		ticks++
		for _, e := range s.Events() {
			if e.Kind == EventCountdown {
				beeps = append(beeps, e.N)
			}
		}
		for p, r := range s.Riders() {
			if r.X != start[p].X || r.Y != start[p].Y || r.Energy != s.MaxEnergy() {
				t.Fatalf("rider %d moved or boosted during the countdown: %+v", p, r)
			}
		}
	}
	if ticks != 3*60 || fmt.Sprint(beeps) != "[3 2 1]" {
		t.Errorf("countdown of %d ticks with beeps %v, want 180 and [3 2 1]", ticks, beeps)
	}
	if r := s.Rider(0); r.Dir != start[0].Dir.CW() {
		t.Errorf("rider 0 starts %v, want %v", r.Dir, start[0].Dir.CW())
	}
}

func TestRematchVote(t *testing.T) {
	s, _ := New(Config{Players: 2, Seed: 1, RoundsToWin: 1})
	s.endMatch(1)
	press := []Input{MakeInput(None, true), MakeInput(None, true)}
	release := make([]Input, 2)
	// Too early: a boost held from the last round is not a vote.
	s.Step(press, nil)
	if s.Rider(0).Ready {
		t.Fatal("voted right away")
	}
	for range 60 {
		s.Step(release, nil)
	}
	s.Step([]Input{press[0], 0}, nil)
	if !s.Rider(0).Ready || s.Rider(1).Ready || s.Phase() != MatchOver {
		t.Fatalf("after player 0's vote: %+v %+v %v", s.Rider(0), s.Rider(1), s.Phase())
	}
	s.Step(release, nil)
	s.Step([]Input{0, press[1]}, nil)
	if s.Phase() != Countdown || s.Round() != 1 || s.Rider(0).Ready {
		t.Fatalf("after both votes: phase %v round %d", s.Phase(), s.Round())
	}
}

// TestStepNoAllocs: in steady state Step allocates nothing.
func TestStepNoAllocs(t *testing.T) {
	s, _ := New(Config{Players: 8, Seed: 1})
	in := make([]Input, 8)
	present := all(8)
	for s.Phase() != Playing {
		s.Step(in, present)
	}
	for range 100 {
		for p := range in {
			in[p] = Bot(s, p)
		}
		s.Step(in, present)
	}
	allocs := testing.AllocsPerRun(200, func() {
		for p := range in {
			in[p] = Bot(s, p)
		}
		s.Step(in, present)
		_ = s.Checksum()
	})
	if allocs != 0 {
		t.Errorf("Bot+Step+Checksum allocate %.1f times a tick", allocs)
	}
}

func TestDefaultConfig(t *testing.T) {
	for players := MinPlayers; players <= MaxPlayers; players++ {
		c := DefaultConfig(players)
		w, h := ArenaSize(players)
		if c.Validate() != nil || c.Width != w || c.Height != h || c.RoundsToWin != 3 || c.TicksPerSecond != 60 {
			t.Errorf("DefaultConfig(%d) = %+v", players, c)
		}
	}
	if err := (Config{Players: 2, Width: 1000, Height: 30}).Validate(); !errors.Is(err, ErrBadConfig) {
		t.Errorf("a 1000-cell-wide arena: %v", err)
	}
}
