package play

import (
	"testing"

	"github.com/peerstep/peerstep/demo-game/sim"
)

// TestSettings: the host's settings, the bot skill and the pace among
// them, arrive as they left; a version 1 recording (no skill) plays with
// normal bots and a version 2 one (no pace) at the normal pace; a skill
// or pace out of range and an unknown version are errors; settings
// before version 4 play without the warm-up, as they were recorded.
func TestSettings(t *testing.T) {
	for _, set := range []Settings{{}, {RoundsToWin: 5, Width: 48, Height: 30, BotSkill: sim.Easy}, {BotSkill: sim.Hard}, {Pace: sim.PaceSlow}, {RoundsToWin: 1, Pace: sim.PaceFast, BotSkill: sim.Easy}} {
		got, err := decodeSettings(set.encode())
		if err != nil || got != set {
			t.Errorf("%+v came back as %+v, %v", set, got, err)
		}
	}
	for _, tc := range []struct {
		b    []byte
		want Settings
	}{
		{[]byte{1, 3, 64, 40}, Settings{RoundsToWin: 3, Width: 64, Height: 40, BotSkill: sim.Normal, NoWarmUp: true}},
		{[]byte{2, 3, 0, 0, 2}, Settings{RoundsToWin: 3, BotSkill: sim.Hard, Pace: sim.PaceNormal, NoWarmUp: true}},
		{[]byte{3, 3, 0, 0, 2, 1}, Settings{RoundsToWin: 3, BotSkill: sim.Hard, Pace: sim.PaceSlow, NoWarmUp: true}},
		{[]byte{4, 3, 0, 0, 2, 1}, Settings{RoundsToWin: 3, BotSkill: sim.Hard, Pace: sim.PaceSlow}},
		{nil, Settings{NoWarmUp: true}},
	} {
		if got, err := decodeSettings(tc.b); err != nil || got != tc.want {
			t.Errorf("settings %v: %+v, %v; want %+v", tc.b, got, err, tc.want)
		}
	}
	for _, b := range [][]byte{{2, 3, 0, 0, 9}, {3, 3, 0, 0, 0}, {2, 3, 0, 0}, {3, 3, 0, 0, 0, 3}, {3, 3, 0, 0, 9, 0}, {5, 3, 0, 0, 0, 0}, {4, 3, 0, 0, 0}, {2, 3, 0, 0, 0, 0}} {
		if got, err := decodeSettings(b); err == nil {
			t.Errorf("settings %v decoded as %+v", b, got)
		}
	}
	opts := Options{RoundsToWin: 2, BotSkill: sim.Easy, Pace: sim.PaceSlow}
	m, err := NewPractice(opts, 3, 1)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if m.BotSkill() != sim.Easy || m.Bot(1) != sim.SkilledBot(m.State(), 1, sim.Easy) {
		t.Errorf("a practice match set to easy bots has %v bots", m.BotSkill())
	}
	if p := m.State().Config().Pace; p != sim.PaceSlow {
		t.Errorf("a practice match set to slow goes at %v", p)
	}
	if !m.State().WarmUp() {
		t.Error("a new practice match does not start with the warm-up round")
	}
}
