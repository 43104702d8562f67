package app

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/peerstep/peerstep/demo-game/internal/synth"
	"github.com/peerstep/peerstep/demo-game/sim"
)

func TestCues(t *testing.T) {
	ev := func(k sim.EventKind, p, n int) sim.Event { return sim.Event{Kind: k, Player: p, By: -1, N: n} }
	crash := func(p int, c sim.Cause) sim.Event {
		return sim.Event{Kind: sim.EventCrash, Player: p, By: -1, Cause: c}
	}
	tests := []struct {
		name   string
		events []sim.Event
		local  int
		want   []cue
	}{
		{"nothing", nil, 0, nil},
		{"countdown", []sim.Event{ev(sim.EventCountdown, -1, 3)}, 0, []cue{{synth.Beep, 0.6}}},
		{"go", []sim.Event{ev(sim.EventGo, -1, 0)}, 0, []cue{{synth.Go, 0.7}}},
		{"my crash is loudest", []sim.Event{crash(1, sim.CauseWall), crash(0, sim.CauseTrail)}, 0, []cue{{synth.Crash, 1}}},
		{"another's crash", []sim.Event{crash(1, sim.CauseWall)}, 0, []cue{{synth.Crash, 0.45}}},
		{"leaving is no crash", []sim.Event{crash(1, sim.CauseLeft)}, 0, nil},
		{"my boost", []sim.Event{ev(sim.EventBoost, 0, 0)}, 0, []cue{{synth.Boost, 0.6}}},
		{"another's boost is quiet", []sim.Event{ev(sim.EventBoost, 1, 0)}, 0, nil},
		{"round won", []sim.Event{ev(sim.EventRoundOver, 2, 1)}, 2, []cue{{synth.RoundWin, 0.8}}},
		{"round lost", []sim.Event{ev(sim.EventRoundOver, 1, 1)}, 2, []cue{{synth.RoundLost, 0.7}}},
		{"a draw", []sim.Event{ev(sim.EventRoundOver, -1, 1)}, 2, []cue{{synth.RoundLost, 0.7}}},
		{"match won", []sim.Event{ev(sim.EventRoundOver, 0, 3), ev(sim.EventMatchOver, 0, 0)}, 0,
			[]cue{{synth.RoundWin, 0.8}, {synth.MatchWin, 0.9}}},
		{"match lost", []sim.Event{ev(sim.EventMatchOver, 1, 0)}, 0, []cue{{synth.MatchLost, 0.8}}},
		{"a replay's winner", []sim.Event{ev(sim.EventMatchOver, 1, 0)}, -1, []cue{{synth.MatchWin, 0.9}}},
	}
	for _, tt := range tests {
		if got := cues(tt.events, tt.local); !slices.Equal(got, tt.want) {
			t.Errorf("%s: cues = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestRiderSound rides player 0 through a round: one turn asked for is
// one tick heard, the hum runs while it rides, louder on a boost, and
// stops once it crashed.
func TestRiderSound(t *testing.T) {
	st, err := sim.New(sim.Config{Players: 2, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var rs riderSound
	present := []bool{true, true}
	turns, ticks := 0, 0
	step := func(in sim.Input) (bool, float64) {
		st.Step([]sim.Input{in, sim.Bot(st, 1)}, present)
		ticks++
		return rs.update(st, 0)
	}
	for st.Phase() == sim.Countdown {
		if turned, _ := step(sim.MakeInput(sim.None, false)); turned {
			t.Fatalf("tick %d: a turn heard in a countdown with no key pressed", ticks)
		}
	}
	_, hum := step(sim.MakeInput(sim.None, false))
	if hum <= 0 {
		t.Fatalf("no hum while riding (phase %v)", st.Phase())
	}
	_, boost := step(sim.MakeInput(sim.None, true))
	if !st.Rider(0).Boost || boost <= hum {
		t.Errorf("boosting hums at %g, riding at %g", boost, hum)
	}
	dir := st.Rider(0).Dir
	turn := sim.Left
	if dir == sim.Left || dir == sim.Right {
		turn = sim.Up
	}
	in := sim.MakeInput(turn, false)
	for range 60 {
		turned, _ := step(in)
		in = sim.MakeInput(sim.None, false)
		if turned {
			turns++
		}
	}
	if turns != 1 || st.Rider(0).Dir != turn {
		t.Fatalf("one turn asked for: %d heard, the rider goes %v (wanted %v)", turns, st.Rider(0).Dir, turn)
	}
	for range 100000 {
		if !st.Rider(0).Alive || st.Phase() != sim.Playing {
			break
		}
		step(sim.MakeInput(sim.None, false)) // straight on, into something
	}
	if _, hum := rs.update(st, 0); hum != 0 {
		t.Errorf("hum %g after the round (phase %v, alive %v)", hum, st.Phase(), st.Rider(0).Alive)
	}
	if _, hum := rs.update(st, -1); st.Phase() != sim.Playing && hum != 0 {
		t.Errorf("a replay hums %g out of play", hum)
	}
}

// TestSoundOff: with sound off for the run, or no device, nothing plays,
// nothing panics, and at most one line says why.
func TestSoundOff(t *testing.T) {
	var warn bytes.Buffer
	s := newSound(false, 0.8, false, &warn)
	if warn.Len() != 0 || s.ctx != nil {
		t.Errorf("sound off for the run: warned %q, context %v", warn.String(), s.ctx)
	}
	s.play(cue{synth.Crash, 1})
	s.setHum(1)
	s.adjust(0.5)
	if s.volume != 1 || !strings.HasPrefix(s.status(), "sound 100% - ") {
		t.Errorf("volume %g, status %q", s.volume, s.status())
	}
	s.muted = true
	if s.gain() != 0 || !strings.HasPrefix(s.status(), "sound muted") {
		t.Errorf("muted: gain %g, status %q", s.gain(), s.status())
	}

	s = newSound(true, 0.5, false, &warn)
	if err := probeAudio(); err != nil {
		if s.ctx != nil || strings.Count(warn.String(), "\n") != 1 || !strings.Contains(warn.String(), "sound off: no audio device") {
			t.Errorf("no device (%v): context %v, warned %q", err, s.ctx, warn.String())
		}
	} else if s.ctx == nil || warn.Len() != 0 {
		t.Errorf("a device: context %v, warned %q", s.ctx, warn.String())
	}
	for range 40 {
		s.setHum(1) // plays, or is silently nothing
	}
	s.play(cue{synth.Boost, 1})
}

func TestVolumeSteps(t *testing.T) {
	s := &sound{volume: 0.8, muted: true}
	for range 5 {
		s.adjust(0.1)
	}
	if s.volume != 1 || s.muted {
		t.Errorf("up from 0.8: %g muted %v", s.volume, s.muted)
	}
	for range 12 {
		s.adjust(-0.1)
	}
	if s.volume != 0 {
		t.Errorf("down past 0: %g", s.volume)
	}
}
