package sim

import (
	"errors"
	"testing"
)

// TestPaceSpeed: over one second of play a rider crosses exactly its
// pace's cells, and twice as many while it boosts, at every tick rate.
func TestPaceSpeed(t *testing.T) {
	for _, tc := range []struct {
		pace        Pace
		tps         int
		boost       bool
		wantPerSecs int
	}{
		{PaceSlow, 60, false, 10},
		{PaceNormal, 60, false, 15},
		{PaceFast, 60, false, 20},
		{PaceSlow, 60, true, 20},
		{PaceNormal, 60, true, 30},
		{PaceFast, 60, true, 40},
		{PaceSlow, 20, false, 10},
		{PaceFast, 30, false, 20},
		{PaceFast, 20, true, 40},
	} {
		t.Run(tc.pace.String(), func(t *testing.T) {
			s, err := New(Config{Players: 2, Width: 120, Height: 30, TicksPerSecond: tc.tps, Pace: tc.pace})
			if err != nil {
				t.Fatal(err)
			}
			clear(s.grid)
			s.phase, s.phaseTick = Playing, 0
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
