package prefs

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Prefs)
		want string // a part of the error, "" for none
	}{
		{"defaults", func(*Prefs) {}, ""},
		{"a name", func(p *Prefs) { p.Name = "ada" }, ""},
		{"a long name", func(p *Prefs) { p.Name = strings.Repeat("x", 33) }, "name"},
		{"a blank name", func(p *Prefs) { p.Name = "   " }, "name"},
		{"a control in the name", func(p *Prefs) { p.Name = "a\nb" }, "name"},
		{"arrows bound", func(p *Prefs) { p.Keys = Keys{"ArrowLeft", "ArrowRight", "ShiftLeft", "P"} }, ""},
		{"no such key", func(p *Prefs) { p.Keys.TurnLeft = "Hyper" }, `turn_left "Hyper"`},
		{"M is mute", func(p *Prefs) { p.Keys.Boost = "M" }, `boost "M"`},
		{"escape", func(p *Prefs) { p.Keys.TurnRight = "Escape" }, "turn_right"},
		{"bound twice", func(p *Prefs) { p.Keys.Boost = "Q" }, `boost "Q": bound twice`},
		{"pause bound twice", func(p *Prefs) { p.Keys.Pause = "Space" }, `pause "Space": bound twice`},
		{"no pause key", func(p *Prefs) { p.Keys.Pause = "" }, `pause ""`},
		{"palette", func(p *Prefs) { p.Palette = "sepia" }, "palette"},
		{"colour-blind", func(p *Prefs) { p.Palette = PaletteSafe }, ""},
		{"loud", func(p *Prefs) { p.Volume = 1.5 }, "volume"},
		{"negative", func(p *Prefs) { p.Volume = -0.1 }, "volume"},
		{"NaN", func(p *Prefs) { p.Volume = math.NaN() }, "volume"},
		{"silent is fine", func(p *Prefs) { p.Volume, p.Muted = 0, true }, ""},
		{"patterns", func(p *Prefs) { p.Patterns = true }, ""},
		{"a remembered match", func(p *Prefs) { p.Match = Match{1, "250x24", 7, "hard", "fast"} }, ""},
		{"no rounds", func(p *Prefs) { p.Match.Rounds = 0 }, "match rounds 0"},
		{"rounds beyond -rounds", func(p *Prefs) { p.Match.Rounds = 100 }, "match rounds 100"},
		{"an arena too small", func(p *Prefs) { p.Match.Arena = "23x40" }, `match arena "23x40"`},
		{"an arena in other words", func(p *Prefs) { p.Match.Arena = "80 x 50" }, "match arena"},
		{"bots", func(p *Prefs) { p.Match.Bots = -1 }, "match bots -1"},
		{"skill", func(p *Prefs) { p.Match.BotSkill = "Hard" }, "match bot_skill"},
		{"speed", func(p *Prefs) { p.Match.Speed = "" }, "match speed"},
		{"two wrong", func(p *Prefs) { p.Volume, p.Palette = 2, "x" }, "palette \"x\": one of neon, colour-blind; volume 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Default()
			tt.edit(&p)
			err := p.Check()
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Fatalf("Check = %v, want %q", err, tt.want)
			}
			if err != nil && p.fix().Check() != nil {
				t.Errorf("fix left %v", p.fix().Check())
			}
		})
	}
}

func TestDecode(t *testing.T) {
	d := Default()
	tests := []struct {
		name, in string
		want     Prefs
		bad      bool // ErrBadFile
		warn     bool // another error
	}{
		{"a file of the last release (no patterns, no match)", `{"name":"ada","keys":{"turn_left":"A","turn_right":"D","boost":"ShiftLeft"},"palette":"colour-blind","volume":0.3,"muted":true}`,
			Prefs{Name: "ada", Keys: Keys{"A", "D", "ShiftLeft", "P"}, Palette: PaletteSafe, Volume: 0.3, Muted: true, Match: d.Match}, false, false},
		{"a file of this release", `{"name":"ada","keys":{"turn_left":"A","turn_right":"D","boost":"ShiftLeft"},"palette":"neon","patterns":true,"volume":0.3,"muted":false,` +
			`"match":{"rounds":5,"arena":"48x30","bots":2,"bot_skill":"hard","speed":"slow"}}`,
			Prefs{Name: "ada", Keys: Keys{"A", "D", "ShiftLeft", "P"}, Palette: PaletteNeon, Patterns: true, Volume: 0.3, Match: Match{5, "48x30", 2, "hard", "slow"}}, false, false},
		{"part of a match", `{"match":{"speed":"fast"}}`, Prefs{Keys: d.Keys, Palette: d.Palette, Volume: d.Volume, Match: Match{3, ArenaAuto, 0, "normal", "fast"}}, false, false},
		{"a match out of range", `{"match":{"rounds":0,"arena":"10x10","bots":8,"bot_skill":"godlike","speed":"warp"}}`, d, false, true},
		{"one match field bad", `{"match":{"rounds":7,"arena":"080x50","bots":1}}`, Prefs{Keys: d.Keys, Palette: d.Palette, Volume: d.Volume, Match: Match{7, ArenaAuto, 1, "normal", "normal"}}, false, true},
		{"patterns not a bool", `{"patterns":"yes"}`, d, true, false},
		{"empty object", `{}`, d, false, false},
		{"missing fields", `{"volume":0.5}`, Prefs{Keys: d.Keys, Palette: d.Palette, Volume: 0.5, Match: d.Match}, false, false},
		{"unknown fields", `{"future":[1,2],"muted":true}`, Prefs{Keys: d.Keys, Palette: d.Palette, Volume: d.Volume, Muted: true, Match: d.Match}, false, false},
		{"one key bad", `{"name":"bob","keys":{"turn_left":"Nope","turn_right":"E","boost":"Space"}}`,
			Prefs{Name: "bob", Keys: d.Keys, Palette: d.Palette, Volume: d.Volume, Match: d.Match}, false, true},
		{"P was boost, before the pause", `{"keys":{"turn_left":"A","turn_right":"D","boost":"P"}}`,
			Prefs{Keys: Keys{"A", "D", "P", "O"}, Palette: d.Palette, Volume: d.Volume, Match: d.Match}, false, true},
		{"volume out of range", `{"volume":7,"palette":"neon"}`, d, false, true},
		{"not JSON", `volume = 0.5`, d, true, false},
		{"cut short", `{"name":"ada",`, d, true, false},
		{"wrong type", `{"volume":"loud"}`, d, true, false},
		{"empty", ``, d, true, false},
		{"too large", `{"name":"` + strings.Repeat("x", MaxSize) + `"}`, d, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Decode([]byte(tt.in))
			if got != tt.want {
				t.Errorf("Decode = %+v, want %+v", got, tt.want)
			}
			if errors.Is(err, ErrBadFile) != tt.bad || (err != nil && !tt.bad) != tt.warn {
				t.Errorf("Decode error %v; want bad file %v, a warning %v", err, tt.bad, tt.warn)
			}
			if got.Check() != nil {
				t.Errorf("Decode returned options that fail Check: %v", got.Check())
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	p := Prefs{Name: "zoë", Keys: Keys{"ArrowLeft", "Period", "Space", "Digit1"}, Palette: PaletteSafe, Patterns: true, Volume: 0.7,
		Match: Match{Rounds: 15, Arena: "160x100", Bots: 7, BotSkill: "easy", Speed: "fast"}}
	got, err := Decode(p.Encode())
	if err != nil || got != p {
		t.Fatalf("Decode(Encode(%+v)) = %+v, %v", p, got, err)
	}
	if !bytes.HasSuffix(p.Encode(), []byte("}\n")) {
		t.Errorf("Encode does not end the file with a newline: %q", p.Encode())
	}
}

func TestPath(t *testing.T) {
	t.Setenv(EnvPath, "/env/options.json")
	if p, _ := Path("/flag.json"); p != "/flag.json" {
		t.Errorf("with a flag: %s", p)
	}
	if p, _ := Path(""); p != "/env/options.json" {
		t.Errorf("with the environment: %s", p)
	}
	t.Setenv(EnvPath, "")
	t.Setenv("XDG_CONFIG_HOME", "/xdg")
	t.Setenv("HOME", "/home/ada")
	p, err := Path("")
	if want, _ := os.UserConfigDir(); err != nil || p != filepath.Join(want, "peerstep", "neontrails.json") {
		t.Errorf("by default: %s, %v", p, err)
	}
}

func TestLoadSave(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "neontrails.json")

	p, warn := Load(path)
	if p != Default() || !strings.Contains(warn, "no options file") || strings.Contains(warn, "\n") {
		t.Fatalf("no file: %+v, %q", p, warn)
	}
	p.Name, p.Volume = "ada", 0.4
	if err := Save(path, p); err != nil {
		t.Fatal(err)
	}
	if got, warn := Load(path); got != p || warn != "" {
		t.Fatalf("after Save: %+v, %q", got, warn)
	}
	bad := Default()
	bad.Volume = 9
	if err := Save(path, bad); err == nil {
		t.Error("Save wrote options that fail Check")
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("files left: %v", entries)
	}

	// A file that does not parse: defaults, one line, and kept whole
	// (twice) when saving over it.
	for i, name := range []string{"neontrails.json.bad", "neontrails.json.bad.2"} {
		junk := []byte("{\"name\": \"ada\", oops " + strings.Repeat("z", i) + "\n")
		if err := os.WriteFile(path, junk, 0o644); err != nil {
			t.Fatal(err)
		}
		got, warn := Load(path)
		if got != Default() || !strings.Contains(warn, ".bad") || strings.Contains(warn, "\n") {
			t.Fatalf("a bad file: %+v, %q", got, warn)
		}
		if b, _ := os.ReadFile(path); !bytes.Equal(b, junk) {
			t.Fatal("Load changed the bad file")
		}
		if err := Save(path, p); err != nil {
			t.Fatal(err)
		}
		if b, err := os.ReadFile(filepath.Join(filepath.Dir(path), name)); err != nil || !bytes.Equal(b, junk) {
			t.Fatalf("%s: %q, %v; want the bad file kept", name, b, err)
		}
		if got, warn := Load(path); got != p || warn != "" {
			t.Fatalf("after saving over the bad file: %+v, %q", got, warn)
		}
	}

	// Fields out of range: the others kept, one line naming them.
	if err := os.WriteFile(path, []byte(`{"name":"bob","volume":3}`), 0o644); err != nil {
		t.Fatal(err)
	}
	got, warn := Load(path)
	if got.Name != "bob" || got.Volume != Default().Volume || !strings.Contains(warn, "volume 3") {
		t.Errorf("out of range: %+v, %q", got, warn)
	}
}

func TestBindable(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Bindable {
		if seen[k] {
			t.Errorf("%s listed twice", k)
		}
		seen[k] = true
	}
	for _, k := range []string{"M", "Escape", "Tab", "Enter", "F11", "Minus", "Equal"} {
		if seen[k] {
			t.Errorf("%s can be bound, but it has a job of its own", k)
		}
	}
	d := Default()
	for _, k := range []string{d.Keys.TurnLeft, d.Keys.TurnRight, d.Keys.Boost} {
		if !seen[k] {
			t.Errorf("the default %s cannot be bound", k)
		}
	}
}

func TestClamp(t *testing.T) {
	for in, want := range map[float64]float64{-1: 0, 0.04: 0, 0.26: 0.3, 0.8: 0.8, 1.2: 1} {
		if got := Clamp(in); got != want {
			t.Errorf("Clamp(%g) = %g, want %g", in, got, want)
		}
	}
}

// FuzzDecode: whatever the file, Decode returns options that pass Check,
// never panics, and what it accepts whole comes back the same through
// Encode.
func FuzzDecode(f *testing.F) {
	f.Add(Default().Encode())
	f.Add((Prefs{Name: "ada", Keys: Keys{"A", "D", "Space", "P"}, Palette: PaletteSafe, Volume: 0.2, Muted: true}).Encode())
	f.Add([]byte(`{"volume":1e400}`))
	f.Add([]byte(`{"keys":{"boost":"Q"}}`))
	f.Add([]byte(`[`))
	f.Add([]byte(`{"patterns":true,"match":{"rounds":5,"arena":"48x30","bots":2,"bot_skill":"hard","speed":"slow"}}`))
	f.Add([]byte(`{"match":{"arena":"24x250","speed":"fast"}}`))
	f.Add([]byte(`{"match":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := Decode(b)
		if cerr := p.Check(); cerr != nil {
			t.Fatalf("Decode(%q) = %+v, which fails Check: %v", b, p, cerr)
		}
		if err != nil {
			return
		}
		q, err := Decode(p.Encode())
		if err != nil || q != p {
			t.Fatalf("%+v encoded decodes as %+v, %v", p, q, err)
		}
	})
}

// TestMatchArena: the remembered arena reads back as the size it names,
// and every size reads back as itself.
func TestMatchArena(t *testing.T) {
	for _, tc := range []struct {
		arena string
		w, h  int
		ok    bool
	}{
		{ArenaAuto, 0, 0, true},
		{"48x30", 48, 30, true},
		{"250x250", 250, 250, true},
		{"24x251", 0, 0, false},
		{"48x30x2", 0, 0, false},
		{"", 0, 0, false},
		{"x", 0, 0, false},
	} {
		w, h, ok := Match{Arena: tc.arena}.ArenaSize()
		if w != tc.w || h != tc.h || ok != tc.ok {
			t.Errorf("%q: %dx%d, %v; want %dx%d, %v", tc.arena, w, h, ok, tc.w, tc.h, tc.ok)
		}
		if ok && ArenaName(w, h) != tc.arena {
			t.Errorf("ArenaName(%d, %d) = %q, want %q", w, h, ArenaName(w, h), tc.arena)
		}
	}
}
