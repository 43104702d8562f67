package sim

import (
	"errors"
	"fmt"
	"testing"
)

// TestPaceSpeed: over one second of play a rider crosses exactly its
// pace's cells, and twice as many while it boosts, at every tick rate; in
// the first round (the warm-up) one pace slower, unless NoWarmUp.
func TestPaceSpeed(t *testing.T) {
	for _, tc := range []struct {
		pace        Pace
		tps         int
		boost       bool
		round       int
		noWarmUp    bool
		wantPerSecs int
	}{
		{PaceSlow, 60, false, 2, false, 10},
		{PaceNormal, 60, false, 2, false, 15},
		{PaceFast, 60, false, 2, false, 20},
		{PaceSlow, 60, true, 2, false, 20},
		{PaceNormal, 60, true, 2, false, 30},
		{PaceFast, 60, true, 2, false, 40},
		{PaceSlow, 20, false, 2, false, 10},
		{PaceFast, 30, false, 2, false, 20},
		{PaceFast, 20, true, 2, false, 40},
		// The warm-up: round 1 of a match.
		{PaceSlow, 60, false, 1, false, 7},
		{PaceNormal, 60, false, 1, false, 10},
		{PaceFast, 60, false, 1, false, 15},
		{PaceSlow, 60, true, 1, false, 14},
		{PaceNormal, 60, true, 1, false, 20},
		{PaceFast, 20, true, 1, false, 30},
		{PaceNormal, 30, false, 1, false, 10},
		// No warm-up (a replay of an older match): round 1 at the pace.
		{PaceNormal, 60, false, 1, true, 15},
		{PaceSlow, 60, true, 1, true, 20},
	} {
		t.Run(fmt.Sprintf("%v/%dHz/boost=%v/round%d/nowarm=%v", tc.pace, tc.tps, tc.boost, tc.round, tc.noWarmUp), func(t *testing.T) {
			s, err := New(Config{Players: 2, Width: 120, Height: 30, TicksPerSecond: tc.tps, Pace: tc.pace, NoWarmUp: tc.noWarmUp})
			if err != nil {
				t.Fatal(err)
			}
			clear(s.grid)
			s.phase, s.phaseTick, s.round = Playing, 0, tc.round
			if s.WarmUp() != (tc.round == 1 && !tc.noWarmUp) {
				t.Errorf("WarmUp() = %v in round %d, NoWarmUp %v", s.WarmUp(), tc.round, tc.noWarmUp)
			}
			put(s, 0, 5, 5, Right)
			put(s, 1, 5, 20, Right)
			s.riders[0].Energy = s.maxEnergy
			in := []Input{MakeInput(None, tc.boost), 0}
			// Boost lasts a second and a half of meter at most: one
			// second of it is within the meter.
			for range tc.tps {
				s.Step(in, all(2))
			}
			if got := s.Rider(0).X - 5; got != tc.wantPerSecs {
				t.Errorf("%v at %d Hz, boost %v: %d cells in a second, want %d", tc.pace, tc.tps, tc.boost, got, tc.wantPerSecs)
			}
		})
	}
}

// TestPaceConfig: the zero pace is normal, a pace out of range is a bad
// config, and the names parse back.
func TestPaceConfig(t *testing.T) {
	if DefaultConfig(2).Pace != PaceNormal || Pace(0) != PaceNormal {
		t.Errorf("the default pace is %v", DefaultConfig(2).Pace)
	}
	for _, tc := range []struct {
		pace Pace
		ok   bool
	}{{PaceSlow, true}, {PaceNormal, true}, {PaceFast, true}, {3, false}, {255, false}} {
		err := Config{Players: 2, Pace: tc.pace}.Validate()
		if (err == nil) != tc.ok || err != nil && !errors.Is(err, ErrBadConfig) {
			t.Errorf("pace %d: %v, want ok %v", tc.pace, err, tc.ok)
		}
	}
	for _, p := range Paces {
		if got, ok := ParsePace(p.String()); !ok || got != p {
			t.Errorf("ParsePace(%q) = %v, %v", p.String(), got, ok)
		}
	}
	if _, ok := ParsePace("ludicrous"); ok || Pace(7).String() != "pace?" {
		t.Error(`ParsePace("ludicrous") succeeded, or Pace(7) has a name`)
	}
	if n, b := Pace(9).Speeds(); n != Speed || b != BoostSpeed {
		t.Errorf("a pace out of range moves at %d, %d", n, b)
	}
}

// TestPaceDeterministic: the same config and bots give the same checksum
// at every pace; paces give different matches; the pace survives an
// encoding round trip, and a decoded state steps on as the original does.
func TestPaceDeterministic(t *testing.T) {
	sums := map[Pace]uint64{}
	for _, p := range Paces {
		cfg := Config{Players: 3, Seed: 11, Pace: p}
		a, b := botState(t, cfg, 900), botState(t, cfg, 900)
		if a.Checksum() != b.Checksum() {
			t.Errorf("%v: the same match has checksums %x and %x", p, a.Checksum(), b.Checksum())
		}
		data, _ := a.MarshalBinary()
		var c State
		if err := c.UnmarshalBinary(data); err != nil {
			t.Fatalf("%v: %v", p, err)
		}
		if c.Config().Pace != p {
			t.Errorf("%v came back as %v", p, c.Config().Pace)
		}
		in := []Input{MakeInput(Up, false), MakeInput(Left, true), 0}
		for range 100 {
			a.Step(in, all(3))
			c.Step(in, all(3))
		}
		if a.Checksum() != c.Checksum() {
			t.Errorf("%v: a decoded state stepped to %x, the original to %x", p, c.Checksum(), a.Checksum())
		}
		sums[p] = arenaDigest(a)
	}
	if sums[PaceSlow] == sums[PaceNormal] || sums[PaceNormal] == sums[PaceFast] {
		t.Errorf("paces played out alike: %x", sums)
	}
}

// TestSlowRoundsLast: bots at the slow pace live more ticks before the
// first crash than at normal, and at normal more than at fast, summed
// over seeds: a slow round is the gentler one.
func TestSlowRoundsLast(t *testing.T) {
	const seeds = 12
	firstCrash := func(p Pace) int {
		total := 0
		for seed := range uint64(seeds) {
			s, err := New(Config{Players: 2, Seed: seed, Pace: p})
			if err != nil {
				t.Fatal(err)
			}
			start, crashed := -1, false
			n := 0
			play(t, s, 2, 6000, func() bool {
				n++
				if start < 0 && s.Phase() == Playing {
					start = n
				}
				for _, e := range s.Events() {
					crashed = crashed || e.Kind == EventCrash
				}
				return crashed
			})
			total += n - start
		}
		return total
	}
	slow, normal, fast := firstCrash(PaceSlow), firstCrash(PaceNormal), firstCrash(PaceFast)
	t.Logf("ticks to the first crash over %d seeds: slow %d, normal %d, fast %d", seeds, slow, normal, fast)
	if slow <= normal || normal <= fast {
		t.Errorf("ticks to the first crash: slow %d, normal %d, fast %d; want slow > normal > fast", slow, normal, fast)
	}
}

// TestWarmUpRoundLasts: the first round, ridden one pace slower, lasts
// longer than it would at the match's pace, summed over seeds for two
// and three bots at every pace: the time a new player has to learn the
// controls before the match is at full speed. It logs the seconds.
func TestWarmUpRoundLasts(t *testing.T) {
	const seeds = 16
	round1 := func(players int, p Pace, noWarmUp bool) (ticks int) {
		for seed := range uint64(seeds) {
			s, err := New(Config{Players: players, Seed: seed, Pace: p, NoWarmUp: noWarmUp})
			if err != nil {
				t.Fatal(err)
			}
			start, n := -1, 0
			play(t, s, 2, 20000, func() bool {
				n++
				if start < 0 && s.Phase() == Playing {
					start = n
				}
				return s.Phase() == RoundOver || s.Phase() == MatchOver
			})
			ticks += n - start
		}
		return ticks
	}
	for _, players := range []int{2, 3} {
		for _, p := range Paces {
			warm, full := round1(players, p, false), round1(players, p, true)
			t.Logf("%d players, %v: round 1 lasts %.1f s on average with the warm-up, %.1f s without",
				players, p, float64(warm)/seeds/60, float64(full)/seeds/60)
			if warm <= full {
				t.Errorf("%d players, %v: round 1 lasts %d ticks over %d seeds with the warm-up, %d without", players, p, warm, seeds, full)
			}
		}
	}
}

// TestWarmUpNovice: a novice (an easy bot, player 0) against normal bots
// lives longer in the warm-up round than in a round at the match's pace,
// summed over seeds: the round the issue saw lost in seconds. It logs the
// seconds and how many first rounds the novice won.
func TestWarmUpNovice(t *testing.T) {
	const seeds = 24
	novice := func(players int, noWarmUp bool) (ticks, wins int) {
		for seed := range uint64(seeds) {
			s, err := New(Config{Players: players, Seed: seed, NoWarmUp: noWarmUp})
			if err != nil {
				t.Fatal(err)
			}
			in := make([]Input, players)
			for n := 0; n < 20000 && s.Phase() != RoundOver && s.Phase() != MatchOver; n++ {
				for p := range in {
					in[p] = Bot(s, p)
				}
				in[0] = SkilledBot(s, 0, Easy)
				s.Step(in, nil)
				if s.Phase() == Playing && s.Rider(0).Alive {
					ticks++
				}
			}
			if w, ok := s.RoundWinner(); ok && w == 0 {
				wins++
			}
		}
		return ticks, wins
	}
	for _, players := range []int{2, 3} {
		warm, warmWins := novice(players, false)
		full, fullWins := novice(players, true)
		t.Logf("%d players: a novice rides round 1 for %.1f s on average with the warm-up (wins %d of %d), %.1f s without (wins %d)",
			players, float64(warm)/seeds/60, warmWins, seeds, float64(full)/seeds/60, fullWins)
		if warm <= full {
			t.Errorf("%d players: a novice rides %d ticks with the warm-up, %d without", players, warm, full)
		}
	}
}
