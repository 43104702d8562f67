package sim

import (
	"fmt"
	"testing"
)

// play steps s with every player a bot whose input reaches the state delay
// frames late, as over lockstep, until stop returns true or max ticks.
func play(t testing.TB, s *State, delay, max int, stop func() bool) {
	t.Helper()
	n := s.Players()
	present := all(n)
	var pipe [][]Input
	for range max {
		in := make([]Input, n)
		for p := range in {
			in[p] = Bot(s, p)
		}
		pipe = append(pipe, in)
		cur := make([]Input, n)
		if len(pipe) > delay {
			cur, pipe = pipe[0], pipe[1:]
		}
		s.Step(cur, present)
		if stop() {
			return
		}
	}
}

// arenaDigest hashes what the players see (the arena and the riders), not
// the configuration: two matches that play out alike have equal digests.
func arenaDigest(s *State) uint64 {
	e := encoder{hash: true, h: fnvOffset}
	e.bytes(s.grid)
	for _, r := range s.riders {
		e.u16(uint16(r.X))
		e.u16(uint16(r.Y))
		e.u8(uint8(r.Dir))
	}
	return e.h
}

func TestDeterminism(t *testing.T) {
	for _, players := range []int{2, 5, 8} {
		t.Run(fmt.Sprint(players), func(t *testing.T) {
			a, _ := New(Config{Players: players, Seed: 42})
			b, _ := New(Config{Players: players, Seed: 42})
			c, _ := New(Config{Players: players, Seed: 43})
			present := all(players)
			differs := 0
			for tick := range 5000 {
				in := make([]Input, players)
				inC := make([]Input, players)
				for p := range in {
					in[p], inC[p] = Bot(a, p), Bot(c, p)
				}
				if tick%97 == 0 {
					// Bots of both twins see the same state.
					for p := range in {
						if Bot(b, p) != in[p] {
							t.Fatalf("tick %d: bots of the twins disagree", tick)
						}
					}
				}
				a.Step(in, present)
				b.Step(in, present)
				c.Step(inC, present)
				if a.Checksum() != b.Checksum() {
					t.Fatalf("tick %d: same seed and inputs, checksums %x and %x", tick, a.Checksum(), b.Checksum())
				}
				if arenaDigest(a) != arenaDigest(c) {
					differs++
				}
			}
			if differs < 1000 {
				t.Errorf("another seed played out the same for all but %d ticks", differs)
			}
		})
	}
}

// TestBotsPlayMatches: bots alone, with a lockstep input delay, play whole
// matches to the end, in rounds of a decent length.
func TestBotsPlayMatches(t *testing.T) {
	const maxTicks = 60 * 60 * 15 // a quarter of an hour
	for _, tc := range []struct{ players, delay int }{{2, 0}, {2, 4}, {4, 4}, {8, 6}} {
		t.Run(fmt.Sprintf("%dp-delay%d", tc.players, tc.delay), func(t *testing.T) {
			var total, rounds, draws, walls, longest int
			seeds := uint64(2)
			if testing.Short() {
				seeds = 1
			}
			for seed := range seeds {
				s, _ := New(Config{Players: tc.players, Seed: seed})
				start := 0
				play(t, s, tc.delay, maxTicks, func() bool {
					for _, e := range s.Events() {
						switch {
						case e.Kind == EventGo:
							start = s.Tick()
						case e.Kind == EventRoundOver:
							total += s.Tick() - start
							longest = max(longest, s.Tick()-start)
							rounds++
							if e.Player < 0 {
								draws++
							}
						case e.Kind == EventCrash && e.Cause == CauseWall:
							walls++
						}
					}
					return s.Phase() == MatchOver
				})
				w, over := s.Winner()
				if !over || w < 0 || s.Scores()[w] != s.Config().RoundsToWin {
					t.Fatalf("seed %d: after %d ticks, winner %d over %v scores %v", seed, s.Tick(), w, over, s.Scores())
				}
			}
			avg := total / rounds
			t.Logf("%d rounds (%d draws), %d.%d s on average, longest %d s, %d crashes into walls",
				rounds, draws, avg/60, avg%60/6, longest/60, walls)
			if avg < 3*60 {
				t.Errorf("rounds last %d ticks on average: the bots crash too soon", avg)
			}
		})
	}
}

func TestBotNeverPanics(t *testing.T) {
	s, _ := New(Config{Players: 4, Seed: 2})
	for _, p := range []int{-1, 4, 100} {
		if in := Bot(s, p); in != 0 {
			t.Errorf("Bot for player %d: %v", p, in)
		}
	}
}

// survival plays one round per seed of four bots, two of skill a (players
// 0 and 2) against two of skill b (1 and 3), and returns the ticks each
// side's riders lived, from GO to their crash or the round's end, summed
// over the seeds.
func survival(seeds int, a, b Skill) (lived [2]int) {
	for seed := range uint64(seeds) {
		s, _ := New(Config{Players: 4, Seed: seed})
		present := all(4)
		start := -1
		alive := [4]bool{true, true, true, true}
		for range 60 * 60 * 5 {
			in := make([]Input, 4)
			for p := range in {
				k := a
				if p%2 == 1 {
					k = b
				}
				in[p] = SkilledBot(s, p, k)
			}
			s.Step(in, present)
			over := false
			for _, e := range s.Events() {
				switch e.Kind {
				case EventGo:
					start = s.Tick()
				case EventCrash:
					if alive[e.Player] {
						alive[e.Player] = false
						lived[e.Player%2] += s.Tick() - start
					}
				case EventRoundOver:
					over = true
				}
			}
			if over {
				for p, ok := range alive {
					if ok {
						lived[p%2] += s.Tick() - start
					}
				}
				break
			}
		}
	}
	return lived
}

// TestSkills: over 24 seeds, easy bots live fewer ticks than hard ones
// they ride against, and than normal ones; normal fewer than hard. The
// same seed and skills play the same round.
func TestSkills(t *testing.T) {
	const seeds = 24
	for _, tc := range []struct{ weak, strong Skill }{{Easy, Hard}, {Easy, Normal}, {Normal, Hard}} {
		t.Run(tc.weak.String()+"-"+tc.strong.String(), func(t *testing.T) {
			lived := survival(seeds, tc.weak, tc.strong)
			t.Logf("%v bots lived %d ticks on average, %v bots %d", tc.weak, lived[0]/seeds/2, tc.strong, lived[1]/seeds/2)
			if lived[0] >= lived[1] {
				t.Errorf("%v bots lived %d ticks in all, %v bots %d: the weaker should live less", tc.weak, lived[0], tc.strong, lived[1])
			}
		})
	}
	if a, b := survival(3, Easy, Hard), survival(3, Easy, Hard); a != b {
		t.Errorf("the same seeds and skills lived %v, then %v", a, b)
	}
}

func TestParseSkill(t *testing.T) {
	for _, k := range Skills {
		if got, ok := ParseSkill(k.String()); !ok || got != k {
			t.Errorf("ParseSkill(%q) = %v, %v", k.String(), got, ok)
		}
	}
	if _, ok := ParseSkill("godlike"); ok {
		t.Error(`ParseSkill("godlike") succeeded`)
	}
	if Skill(0) != Normal || Skill(9).String() != "skill?" {
		t.Errorf("the zero Skill is %v; Skill(9) is %q", Skill(0), Skill(9).String())
	}
}
