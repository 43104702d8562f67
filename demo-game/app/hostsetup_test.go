package app

import (
	"bytes"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peerstep/peerstep/demo-game/internal/prefs"
	"github.com/peerstep/peerstep/demo-game/play"
	"github.com/peerstep/peerstep/demo-game/sim"
)

// TestMatchSetup: the setup starts from the remembered one, a match flag
// given on the command line goes first, and what is chosen is remembered
// as the options file keeps it.
func TestMatchSetup(t *testing.T) {
	def := prefs.Default().Match
	rem := prefs.Match{Rounds: 5, Arena: "48x30", Bots: 2, BotSkill: "hard", Speed: "slow"}
	tests := []struct {
		name  string
		rem   prefs.Match
		flags play.Flags
		given []string
		want  matchSetup
	}{
		{"defaults", def, play.Flags{Options: play.Options{RoundsToWin: 3}}, nil, matchSetup{rounds: 3}},
		{"remembered", rem, play.Flags{Options: play.Options{RoundsToWin: 3}}, nil, matchSetup{rounds: 5, arena: 1, bots: 2, skill: sim.Hard, pace: sim.PaceSlow}},
		{"flag defaults do not override", rem, play.Flags{Bots: 0, Options: play.Options{RoundsToWin: 3, BotSkill: sim.Normal}}, nil, matchSetup{rounds: 5, arena: 1, bots: 2, skill: sim.Hard, pace: sim.PaceSlow}},
		{"-speed fast over the remembered", rem, play.Flags{Options: play.Options{Pace: sim.PaceFast}}, []string{"speed"}, matchSetup{rounds: 5, arena: 1, bots: 2, skill: sim.Hard, pace: sim.PaceFast}},
		{"-bot-skill normal over the remembered", rem, play.Flags{}, []string{"bot-skill"}, matchSetup{rounds: 5, arena: 1, bots: 2, skill: sim.Normal, pace: sim.PaceSlow}},
		{"-rounds 5 -arena 80x50 -bots 2", def, play.Flags{Bots: 2, Options: play.Options{RoundsToWin: 5, ArenaWidth: 80, ArenaHeight: 50}}, []string{"rounds", "arena", "bots"}, matchSetup{rounds: 5, arena: 2, bots: 2}},
		{"-rounds 40", def, play.Flags{Options: play.Options{RoundsToWin: 40}}, []string{"rounds"}, matchSetup{rounds: maxRounds}},
		{"remembered 60 rounds", prefs.Match{Rounds: 60, Arena: "auto", BotSkill: "easy", Speed: "fast"}, play.Flags{}, nil, matchSetup{rounds: maxRounds, skill: sim.Easy, pace: sim.PaceFast}},
		{"-bot-skill hard", def, play.Flags{Options: play.Options{RoundsToWin: 3, BotSkill: sim.Hard}}, []string{"bot-skill"}, matchSetup{rounds: 3, skill: sim.Hard}},
		{"an arena not offered", def, play.Flags{Options: play.Options{RoundsToWin: 3, ArenaWidth: 33, ArenaHeight: 33}}, []string{"arena"}, matchSetup{rounds: 3}},
		{"a remembered arena not offered", prefs.Match{Rounds: 3, Arena: "33x33", BotSkill: "normal", Speed: "normal"}, play.Flags{}, nil, matchSetup{rounds: 3}},
	}
	for _, tt := range tests {
		given := map[string]bool{}
		for _, g := range tt.given {
			given[g] = true
		}
		got := setupFrom(tt.rem, tt.flags, given)
		if got != tt.want {
			t.Errorf("%s: setupFrom = %+v, want %+v", tt.name, got, tt.want)
		}
		if back := setupFrom(got.remembered(), play.Flags{}, nil); back != got {
			t.Errorf("%s: remembered as %+v, which starts %+v", tt.name, got.remembered(), back)
		}
		p := prefs.Default()
		p.Match = got.remembered()
		if err := p.Check(); err != nil {
			t.Errorf("%s: remembered as %+v: %v", tt.name, p.Match, err)
		}
	}
	for _, f := range setupFlags {
		if flagDefault(f) == "" {
			t.Errorf("-%s is not a flag", f)
		}
	}

	m := matchSetup{rounds: 3}
	m.step(setArena, 1)
	m.step(setArena, 1)
	m.step(setRounds, -1)
	m.step(setBots, 1)
	m.step(setSkill, -1)
	m.step(setSpeed, -1)
	o := m.options(play.Options{Name: "ada", RoundsToWin: 9})
	if o.Name != "ada" || o.RoundsToWin != 2 || o.ArenaWidth != 80 || o.ArenaHeight != 50 || m.bots != 1 || o.BotSkill != sim.Easy || o.Pace != sim.PaceSlow {
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
		m.step(setSpeed, 1)
	}
	if m.rounds != 1 || m.arena != len(arenaSizes)-1 || m.bots != sim.MaxPlayers-1 || m.skill != sim.Hard || m.pace != sim.PaceFast {
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

// flagDefault returns the default of the demo's flag name, "" when there
// is no such flag.
func flagDefault(name string) string {
	var f play.Flags
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	f.Register(fs)
	if fl := fs.Lookup(name); fl != nil {
		return fl.Name + "=" + fl.DefValue
	}
	return ""
}

// TestRememberSetup: opening a lobby keeps the setup in the options
// file; the next run's HOST A MATCH starts from it, practice plays at its
// skill and speed, and a match flag given goes first.
func TestRememberSetup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "neontrails.json")
	open := func(given map[string]bool, f play.Flags) *App {
		a, err := New(Config{Flags: f, PrefsPath: path, Warn: &bytes.Buffer{}, Out: &bytes.Buffer{}, Given: given})
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	a := open(nil, play.Flags{})
	if got := newHostSetup(a).m; got != (matchSetup{rounds: 3}) {
		t.Fatalf("a first run's setup: %+v", got)
	}
	chosen := matchSetup{rounds: 7, arena: 3, pace: sim.PaceSlow, skill: sim.Easy, bots: 4}
	a.remember(chosen)
	if p, warn := prefs.Load(path); p.Match != (prefs.Match{Rounds: 7, Arena: "112x70", Bots: 4, BotSkill: "easy", Speed: "slow"}) || warn != "" {
		t.Errorf("saved: %+v, %q", p.Match, warn)
	}
	b := open(nil, play.Flags{})
	if got := newHostSetup(b).m; got != chosen {
		t.Errorf("the next run's setup: %+v, want %+v", got, chosen)
	}
	if o := b.setup().options(b.options()); o.BotSkill != sim.Easy || o.Pace != sim.PaceSlow || o.RoundsToWin != 7 {
		t.Errorf("practice from the title plays with %+v", o)
	}
	c := open(map[string]bool{"speed": true}, play.Flags{Options: play.Options{Pace: sim.PaceFast}})
	if got := newHostSetup(c).m; got.pace != sim.PaceFast || got.skill != sim.Easy {
		t.Errorf("-speed fast on a remembered slow setup: %+v", got)
	}
}

// TestSetupLANList: ON LAN LIST starts at NO, RIGHT puts the match on the
// list (Reach.LANList) and LEFT takes it off; with LAN discovery off
// (-offline) it stays off and says why.
func TestSetupLANList(t *testing.T) {
	var m matchSetup
	if m.lan || m.options(play.Options{}).Reach.LANList {
		t.Fatal("a new setup lists the match")
	}
	m.step(setLAN, 1)
	if !m.options(play.Options{}).Reach.LANList || !strings.Contains(m.value(setLAN), "YES") {
		t.Errorf("RIGHT on ON LAN LIST: listed %v, shows %q", m.lan, m.value(setLAN))
	}
	m.step(setLAN, -1)
	if m.options(play.Options{}).Reach.LANList {
		t.Error("LEFT left the match on the list")
	}
	off := matchSetup{lanOff: true}
	off.step(setLAN, 1)
	if off.options(play.Options{}).Reach.LANList || !strings.Contains(off.value(setLAN), "-offline") {
		t.Errorf("with LAN discovery off: listed %v, shows %q", off.lan, off.value(setLAN))
	}
	m.lan = true
	if m.remembered() != (matchSetup{}).remembered() {
		t.Error("the LAN list is remembered")
	}
}
