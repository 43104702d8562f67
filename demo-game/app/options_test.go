package app

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/peerstep/peerstep/demo-game/internal/prefs"
	"github.com/peerstep/peerstep/demo-game/play"
	"github.com/peerstep/peerstep/demo-game/sim"
)

func TestOptionsLayout(t *testing.T) {
	hint := (&optionsScreen{}).hint()
	for _, sz := range sizes {
		W, H := float64(sz[0]), float64(sz[1])
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			s := textScale(sz[0], sz[1])
			l := layOptions(W, H, s, "OPTIONS", hint, numOpts)
			checkLayout(t, W, H, []named{{"head", l.head}, {"panel", l.panel}, {"message", l.msg}, {"where", l.where}, {"footer", l.foot}})
			if len(l.rows) != numOpts {
				t.Fatalf("%d rows, want %d", len(l.rows), numOpts)
			}
			for i, r := range l.rows {
				if !r.within(l.panel) {
					t.Errorf("row %d %+v sticks out of the panel %+v", i, r, l.panel)
				}
				if i > 0 && r.overlaps(l.rows[i-1]) {
					t.Errorf("rows %d and %d overlap", i-1, i)
				}
				if r.h < float64(lineHeight(s)) {
					t.Errorf("row %d is %g high, under a line of text", i, r.h)
				}
			}
			if l.valueX+float64(textWidth("< COLOUR-BLIND SAFE >", s)) > l.rows[0].right() {
				t.Errorf("the palette's value does not fit its row")
			}
		})
	}
}

func TestBind(t *testing.T) {
	tests := []struct {
		row  int
		key  string
		want prefs.Keys
		bad  bool
	}{
		{optLeft, "A", prefs.Keys{TurnLeft: "A", TurnRight: "E", Boost: "Space", Pause: "P"}, false},
		{optBoost, "ShiftRight", prefs.Keys{TurnLeft: "Q", TurnRight: "E", Boost: "ShiftRight", Pause: "P"}, false},
		{optLeft, "E", prefs.Keys{TurnLeft: "E", TurnRight: "Q", Boost: "Space", Pause: "P"}, false}, // swapped
		{optRight, "Space", prefs.Keys{TurnLeft: "Q", TurnRight: "Space", Boost: "E", Pause: "P"}, false},
		{optPause, "Digit0", prefs.Keys{TurnLeft: "Q", TurnRight: "E", Boost: "Space", Pause: "Digit0"}, false},
		{optPause, "Q", prefs.Keys{TurnLeft: "P", TurnRight: "E", Boost: "Space", Pause: "Q"}, false}, // swapped
		{optLeft, "Escape", prefs.Default().Keys, true},
		{optBoost, "M", prefs.Default().Keys, true},
		{optRight, "F11", prefs.Default().Keys, true},
	}
	for _, tt := range tests {
		o := &optionsScreen{p: prefs.Default()}
		msg, bad := o.bind(tt.row, tt.key)
		if o.p.Keys != tt.want || bad != tt.bad || msg == "" {
			t.Errorf("bind(%s, %s) = %+v, %q, bad %v; want %+v, bad %v", optLabels[tt.row], tt.key, o.p.Keys, msg, bad, tt.want, tt.bad)
		}
		if o.p.Check() != nil {
			t.Errorf("bind(%s, %s) left %v", optLabels[tt.row], tt.key, o.p.Check())
		}
	}
}

// TestBindableKeys: every key the options may bind is one Ebiten knows by
// that name, and reads back as it.
func TestBindableKeys(t *testing.T) {
	for _, name := range prefs.Bindable {
		k, ok := keyByName(name)
		if !ok || k.String() != name {
			t.Errorf("%s: Ebiten key %v (%v), named %q", name, k, ok, k.String())
		}
	}
	b := makeBinds(prefs.Keys{TurnLeft: "Nope", TurnRight: "ArrowRight", Boost: "Space"})
	if b.left != ebiten.KeyQ || b.right != ebiten.KeyArrowRight || b.boost != ebiten.KeySpace || b.pause != ebiten.KeyP {
		t.Errorf("makeBinds = %+v", b)
	}
}

func TestKeyLabel(t *testing.T) {
	for in, want := range map[string]string{"Q": "Q", "Space": "SPACE", "ArrowLeft": "LEFT ARROW", "Digit7": "7",
		"ShiftLeft": "SHIFT LEFT", "ControlRight": "CONTROL RIGHT", "Period": "PERIOD"} {
		if got := keyLabel(in); got != want {
			t.Errorf("keyLabel(%s) = %q, want %q", in, got, want)
		}
	}
}

func TestTurns(t *testing.T) {
	tests := []struct{ d, l, r sim.Dir }{
		{sim.Up, sim.Left, sim.Right}, {sim.Right, sim.Up, sim.Down},
		{sim.Down, sim.Right, sim.Left}, {sim.Left, sim.Down, sim.Up},
	}
	for _, tt := range tests {
		if l, r := turnLeft(tt.d), turnRight(tt.d); l != tt.l || r != tt.r {
			t.Errorf("from %v: left %v, right %v; want %v, %v", tt.d, l, r, tt.l, tt.r)
		}
	}
	// Two quick turns left from up make a U-turn, though the rider still
	// goes up when the second is pressed; later, turns follow the rider.
	var sg steering
	sg.ticks = 100
	first := turnLeft(sg.base(sim.Up))
	sg.turn(first)
	sg.ticks += 3
	if second := turnLeft(sg.base(sim.Up)); first != sim.Left || second != sim.Down {
		t.Errorf("two quick lefts from up: %v then %v", first, second)
	}
	sg.ticks += 60
	if d := sg.base(sim.Right); d != sim.Right {
		t.Errorf("a second later the base is %v, want the rider's right", d)
	}
}

// TestPrefsInApp: New reads the options file (-config): its name unless
// -name was given, its palette and volume; a missing file and a bad one
// each get one line; the volume keys' changes are saved on Close, and a
// bad file is kept as .bad.
func TestPrefsInApp(t *testing.T) {
	defer setPalette(prefs.PaletteNeon)
	dir := t.TempDir()
	path := filepath.Join(dir, "neontrails.json")
	p := prefs.Default()
	p.Name, p.Palette, p.Volume = "zed", prefs.PaletteSafe, 0.3
	if err := prefs.Save(path, p); err != nil {
		t.Fatal(err)
	}
	flags := play.Flags{Options: play.Options{Name: "tux"}}
	newApp := func(nameSet bool, path string) (*App, string) {
		var warn bytes.Buffer
		a, err := New(Config{Flags: flags, PrefsPath: path, NameSet: nameSet, Warn: &warn, Out: &bytes.Buffer{}})
		if err != nil {
			t.Fatal(err)
		}
		return a, warn.String()
	}
	a, warn := newApp(false, path)
	if a.Name() != "zed" || playerColors[0] != safeColors[0] || a.snd.volume != 0.3 || strings.Contains(warn, "options") {
		t.Errorf("from the file: name %q, colour %v, volume %g, warned %q", a.Name(), playerColors[0], a.snd.volume, warn)
	}
	if a, _ := newApp(true, path); a.Name() != "tux" {
		t.Errorf("-name tux: the name is %q", a.Name())
	}
	a.snd.adjust(0.2)
	a.prefs.Volume, a.dirty = a.snd.volume, true
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := prefs.Load(path); got.Volume != 0.5 || got.Name != "zed" {
		t.Errorf("saved on Close: %+v", got)
	}

	a, warn = newApp(false, filepath.Join(dir, "none.json"))
	if a.Name() != "tux" || strings.Count(warn, "no options file") != 1 {
		t.Errorf("no file: name %q, warned %q", a.Name(), warn)
	}
	if err := os.WriteFile(path, []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, warn = newApp(false, path)
	if a.prefs != prefs.Default() || !strings.Contains(warn, ".bad") {
		t.Errorf("a bad file: %+v, warned %q", a.prefs, warn)
	}
	a.dirty = true
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path + ".bad"); err != nil || string(b) != "not json" {
		t.Errorf("the bad file: %q, %v", b, err)
	}
}

// TestOptionsStep: LEFT and RIGHT change the palette, the volume and
// mute, in effect at once, and mark the options to be saved.
func TestOptionsStep(t *testing.T) {
	defer setPalette(prefs.PaletteNeon)
	a := &App{snd: &sound{}, prefs: prefs.Default()}
	a.applyPrefs(a.prefs)
	o := newOptions(a)
	o.sel = optPalette
	o.step(a, 1)
	if a.prefs.Palette != prefs.PaletteSafe || playerColors[1] != safeColors[1] || !a.dirty {
		t.Errorf("palette: %q, colour %v, dirty %v", a.prefs.Palette, playerColors[1], a.dirty)
	}
	o.step(a, 1)
	if a.prefs.Palette != prefs.PaletteNeon || playerColors[1] != neonColors[1] {
		t.Errorf("palette again: %q", a.prefs.Palette)
	}
	o.sel = optSound
	o.step(a, 1)
	if !a.snd.muted || a.snd.gain() != 0 {
		t.Errorf("mute: muted %v, gain %g", a.snd.muted, a.snd.gain())
	}
	o.sel = optVolume
	for range 3 {
		o.step(a, -1)
	}
	if a.snd.volume != 0.5 || a.snd.muted {
		t.Errorf("volume down three from 0.8: %g, muted %v", a.snd.volume, a.snd.muted)
	}
	o.sel = optName
	o.step(a, 1)
	if a.prefs.Name != "" {
		t.Errorf("RIGHT on the name changed it to %q", a.prefs.Name)
	}
}
