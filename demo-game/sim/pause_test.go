package sim

import (
	"fmt"
	"testing"
)

// pauseIn is a frame's inputs where the players in press press pause.
func pauseIn(n int, press ...int) []Input {
	in := make([]Input, n)
	for _, p := range press {
		in[p] = in[p].WithPause(true)
	}
	return in
}

// frozen is what must not move while a match is paused.
type frozen struct {
	tick, phaseTick int
	phase           Phase
	riders          string
	arena           uint64
}

func freeze(s *State) frozen {
	riders := s.Riders()
	for p := range riders {
		riders[p].Pauses = 0 // the count of pauses asked for may change
	}
	return frozen{s.tick, s.phaseTick, s.phase, fmt.Sprint(riders), arenaDigest(s)}
}

// TestPauseAgreement: a press pauses the match for everyone; the world
// stands still while the players agree one by one; once every player
// still in the match agreed (a player who leaves no longer counts) the
// countdown runs ResumeSeconds and the world moves on from where it
// stood. A pause ends on its own after PauseSeconds; each player has
// MaxPauses a match.
func TestPauseAgreement(t *testing.T) {
	const tps = 60
	type step struct {
		press   []int  // who presses pause
		leave   int    // a player who leaves this frame, or -1
		repeat  int    // how many such frames (default 1)
		wantBy  int    // Paused's player after the frames, -1 not paused
		agreed  []int  // who has agreed after them
		resume  int    // ResumeTicksLeft after them
		events  string // the pause events of the last frame
		comment string
	}
	none := -1
	tests := []struct {
		name    string
		players int
		steps   []step
	}{
		{"request, partial, all agree", 3, []step{
			{press: []int{1}, leave: none, wantBy: 1, events: "pause(1)", comment: "bob pauses"},
			{leave: none, repeat: 100, wantBy: 1, comment: "the pause holds"},
			{press: []int{1}, leave: none, wantBy: 1, agreed: []int{1}, events: "pause-agree(1)", comment: "bob agrees"},
			{press: []int{1}, leave: none, wantBy: 1, agreed: []int{1}, comment: "a second press changes nothing"},
			{press: []int{0}, leave: none, wantBy: 1, agreed: []int{0, 1}, events: "pause-agree(0)"},
			{press: []int{2}, leave: none, wantBy: 1, agreed: []int{0, 1, 2}, resume: 3 * tps, events: "pause-agree(2) resuming(3)", comment: "all agree"},
			{press: []int{0}, leave: none, repeat: 3*tps - 1, wantBy: 1, agreed: []int{0, 1, 2}, resume: 1, comment: "presses in the countdown do nothing"},
			{leave: none, wantBy: none, events: "resumed"},
		}},
		{"a player leaves mid-pause", 3, []step{
			{press: []int{0}, leave: none, wantBy: 0, events: "pause(0)"},
			{press: []int{0, 1}, leave: none, wantBy: 0, agreed: []int{0, 1}, events: "pause-agree(0) pause-agree(1)"},
			{leave: 2, wantBy: 0, agreed: []int{0, 1}, resume: 3 * tps, events: "resuming(3)", comment: "the last one left: the others agreed"},
		}},
		{"the one who paused leaves", 3, []step{
			{press: []int{2}, leave: none, wantBy: 2, events: "pause(2)"},
			{leave: 2, wantBy: 2},
			{press: []int{0, 1}, leave: none, wantBy: 2, agreed: []int{0, 1}, resume: 3 * tps, events: "pause-agree(0) pause-agree(1) resuming(3)"},
		}},
		{"everyone else leaves", 2, []step{
			{press: []int{0}, leave: none, wantBy: 0, events: "pause(0)"},
			{leave: 1, wantBy: none, comment: "the match is over, the pause with it"},
		}},
		{"two press at once", 3, []step{
			{press: []int{2, 1}, leave: none, wantBy: 1, events: "pause(1)", comment: "the lower number pauses; the other press agrees to nothing"},
		}},
		{"the pause runs out", 2, []step{
			{press: []int{0}, leave: none, wantBy: 0, events: "pause(0)"},
			{press: []int{1}, leave: none, wantBy: 0, agreed: []int{1}, events: "pause-agree(1)"},
			{leave: none, repeat: PauseSeconds*tps - 2, wantBy: 0, agreed: []int{1}},
			{leave: none, wantBy: 0, agreed: []int{1}, resume: 3 * tps, events: "resuming(3, by 0)", comment: "sixty seconds"},
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := rig(t, tc.players, func(s *State) {
				for p := range tc.players {
					put(s, p, 5+4*p, 20, Up)
				}
			})
			present := all(tc.players)
			s.Step(nil, present) // a frame of play
			before := freeze(s)
			for i, st := range tc.steps {
				if st.leave >= 0 {
					present[st.leave] = false
				}
				var evs string
				for range max(1, st.repeat) {
					s.Step(pauseIn(tc.players, st.press...), present)
					evs = pauseEvents(s)
				}
				by, ok := s.Paused()
				if by != st.wantBy || ok != (st.wantBy >= 0) {
					t.Fatalf("step %d (%s): Paused() = %d, %v, want %d", i, st.comment, by, ok, st.wantBy)
				}
				for p := range tc.players {
					want := false
					for _, a := range st.agreed {
						want = want || a == p
					}
					if ok && s.PauseAgreed(p) != want {
						t.Errorf("step %d (%s): player %d agreed %v, want %v", i, st.comment, p, s.PauseAgreed(p), want)
					}
				}
				if s.ResumeTicksLeft() != st.resume {
					t.Errorf("step %d (%s): %d ticks to resume, want %d", i, st.comment, s.ResumeTicksLeft(), st.resume)
				}
				if evs != st.events {
					t.Errorf("step %d (%s): events %q, want %q", i, st.comment, evs, st.events)
				}
				if now := freeze(s); ok && st.leave < 0 && now != before {
					t.Errorf("step %d (%s): the world moved while paused: %+v, was %+v", i, st.comment, now, before)
				}
				before = freeze(s) // a player who left changed it
			}
			if _, ok := s.Paused(); !ok && s.Phase() != MatchOver {
				tick := s.Tick()
				s.Step(nil, present)
				if s.Tick() != tick+1 {
					t.Errorf("after the pause the tick went from %d to %d", tick, s.Tick())
				}
			}
		})
	}
}

// pauseEvents lists the pause's events of the last Step.
func pauseEvents(s *State) string {
	var out string
	for _, e := range s.Events() {
		var ev string
		switch e.Kind {
		case EventPause, EventPauseAgree:
			ev = fmt.Sprintf("%v(%d)", e.Kind, e.Player)
		case EventResuming:
			ev = fmt.Sprintf("resuming(%d)", e.N)
			if e.By >= 0 {
				ev = fmt.Sprintf("resuming(%d, by %d)", e.N, e.By)
			}
		case EventResumed:
			ev = "resumed"
		default:
			continue
		}
		if out != "" {
			out += " "
		}
		out += ev
	}
	return out
}

// TestPauseLimit: each player may pause MaxPauses times a match; a
// rematch gives them back; nobody pauses the results.
func TestPauseLimit(t *testing.T) {
	s := rig(t, 2, func(s *State) {
		put(s, 0, 5, 20, Up)
		put(s, 1, 15, 20, Up)
	})
	pauseOnce := func() bool {
		s.Step(pauseIn(2, 0), nil)
		if _, ok := s.Paused(); !ok {
			return false
		}
		s.Step(pauseIn(2, 0, 1), nil)
		for range ResumeSeconds * 60 {
			s.Step(nil, nil)
		}
		if _, ok := s.Paused(); ok {
			t.Fatal("the pause did not end after its countdown")
		}
		return true
	}
	for i := range MaxPauses {
		if s.PausesLeft(0) != MaxPauses-i {
			t.Errorf("%d pauses left after %d, want %d", s.PausesLeft(0), i, MaxPauses-i)
		}
		if !pauseOnce() {
			t.Fatalf("pause %d refused", i+1)
		}
	}
	if pauseOnce() {
		t.Errorf("pause %d of %d allowed", MaxPauses+1, MaxPauses)
	}
	if s.PausesLeft(1) != MaxPauses {
		t.Errorf("the other player has %d pauses left, want %d", s.PausesLeft(1), MaxPauses)
	}
	s.endMatch(0)
	s.Step(pauseIn(2, 1), nil)
	if _, ok := s.Paused(); ok {
		t.Error("the results paused")
	}
	s.Rematch()
	if s.PausesLeft(0) != MaxPauses {
		t.Errorf("after a rematch %d pauses left, want %d", s.PausesLeft(0), MaxPauses)
	}
}

// TestPauseDeterministic: peers that step the same inputs (bots, who agree
// at once, and a person who pauses and agrees late) reach the same
// checksums; a state decoded mid-pause steps on as the original; a match
// with a pause plays out as the one without, only later.
func TestPauseDeterministic(t *testing.T) {
	for seed := range uint64(8) {
		cfg := Config{Players: 3, Seed: seed}
		run := func(pauseAt, agreeAt int, mid func(s *State) *State) (*State, int) {
			s, err := New(cfg)
			if err != nil {
				t.Fatal(err)
			}
			frames := 0
			for f := 0; f < 3000; f++ {
				in := []Input{Bot(s, 0), Bot(s, 1), Bot(s, 2)}
				if f == 400 {
					in[0] = 0 // the frame of the pause takes no turn: in both runs
				}
				if f == pauseAt || f == agreeAt {
					in[0] = in[0].WithPause(true)
				} else if _, ok := s.Paused(); ok {
					in[0] = 0 // the person has not agreed yet
				}
				s.Step(in, nil)
				if f == pauseAt+5 && mid != nil {
					s = mid(s)
				}
				if _, ok := s.Paused(); ok {
					frames++
				}
			}
			return s, frames
		}
		roundTrip := func(s *State) *State {
			data, err := s.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			var c State
			if err := c.UnmarshalBinary(data); err != nil {
				t.Fatalf("seed %d: a paused state does not decode: %v", seed, err)
			}
			if _, ok := c.Paused(); !ok {
				t.Fatalf("seed %d: the decoded state is not paused", seed)
			}
			return &c
		}
		a, pa := run(400, 700, nil)
		b, pb := run(400, 700, roundTrip)
		if a.Checksum() != b.Checksum() || pa != pb {
			t.Errorf("seed %d: two peers reached %x and %x", seed, a.Checksum(), b.Checksum())
		}
		if want := 700 - 400 + ResumeSeconds*60; pa != want {
			t.Errorf("seed %d: paused %d frames, want %d", seed, pa, want)
		}
		// Without the pause the match is the same, that many frames sooner.
		c, _ := run(-1, -1, nil)
		if c.Tick() != a.Tick()+pa {
			t.Errorf("seed %d: %d ticks without the pause, %d with it and %d paused", seed, c.Tick(), a.Tick(), pa)
		}
		for range pa {
			a.Step([]Input{Bot(a, 0), Bot(a, 1), Bot(a, 2)}, nil)
		}
		if arenaDigest(a) != arenaDigest(c) || fmt.Sprint(a.Scores()) != fmt.Sprint(c.Scores()) {
			t.Errorf("seed %d: the paused match played out otherwise", seed)
		}
	}
}
