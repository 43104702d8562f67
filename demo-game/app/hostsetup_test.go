package app

import (
	"fmt"
	"testing"

	"github.com/peerstep/peerstep/demo-game/play"
	"github.com/peerstep/peerstep/demo-game/sim"
)

func TestMatchSetup(t *testing.T) {
	tests := []struct {
		name  string
		flags play.Flags
		want  matchSetup
	}{
		{"defaults", play.Flags{Options: play.Options{RoundsToWin: 3}}, matchSetup{rounds: 3}},
		{"unset rounds", play.Flags{}, matchSetup{rounds: 3}},
		{"-rounds 5 -arena 80x50 -bots 2", play.Flags{Bots: 2, Options: play.Options{RoundsToWin: 5, ArenaWidth: 80, ArenaHeight: 50}}, matchSetup{rounds: 5, arena: 2, bots: 2}},
		{"-rounds 40", play.Flags{Options: play.Options{RoundsToWin: 40}}, matchSetup{rounds: maxRounds}},
		{"-bot-skill hard", play.Flags{Options: play.Options{RoundsToWin: 3, BotSkill: sim.Hard}}, matchSetup{rounds: 3, skill: sim.Hard}},
		{"an arena not offered", play.Flags{Options: play.Options{RoundsToWin: 3, ArenaWidth: 33, ArenaHeight: 33}}, matchSetup{rounds: 3}},
	}
	for _, tt := range tests {
		if got := setupFrom(tt.flags); got != tt.want {
			t.Errorf("%s: setupFrom = %+v, want %+v", tt.name, got, tt.want)
		}
	}

	m := matchSetup{rounds: 3}
	m.step(setArena, 1)
	m.step(setArena, 1)
	m.step(setRounds, -1)
	m.step(setBots, 1)
	m.step(setSkill, -1)
	o := m.options(play.Options{Name: "ada", RoundsToWin: 9})
	if o.Name != "ada" || o.RoundsToWin != 2 || o.ArenaWidth != 80 || o.ArenaHeight != 50 || m.bots != 1 || o.BotSkill != sim.Easy {
		t.Errorf("after the steps: %+v, options %+v", m, o)
	}
	if m.step(setSkill, -1); m.skill != sim.Easy {
		t.Errorf("below easy: %v", m.skill)
	}
	for range 50 {
		m.step(setRounds, -1)
		m.step(setArena, 1)
		m.step(setBots, 1)
		m.step(setSkill, 1)
	}
	if m.rounds != 1 || m.arena != len(arenaSizes)-1 || m.bots != sim.MaxPlayers-1 || m.skill != sim.Hard {
		t.Errorf("at the ends: %+v", m)
	}
	m.step(setHost, 1) // a button: nothing to step
	for i, sz := range arenaSizes[1:] {
		c := sim.Config{Players: sim.MaxPlayers, Width: sz[0], Height: sz[1]}
		if err := c.Validate(); err != nil {
			t.Errorf("arena %d (%dx%d): %v", i+1, sz[0], sz[1], err)
		}
	}
	for row := range numSets {
		if row < setHost && m.value(row) == "" {
			t.Errorf("row %s shows nothing", setLabels[row])
		}
	}
}

func TestHostSetupLayout(t *testing.T) {
	for _, sz := range sizes {
		W, H := float64(sz[0]), float64(sz[1])
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			l := layOptions(W, H, textScale(sz[0], sz[1]), "HOST A MATCH", "UP / DOWN: choose", numSets)
			checkLayout(t, W, H, []named{{"head", l.head}, {"panel", l.panel}, {"message", l.msg}, {"footer", l.foot}})
			if len(l.rows) != numSets {
				t.Errorf("%d rows", len(l.rows))
			}
		})
	}
}
