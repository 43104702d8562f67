// Package prefs is Neon Trails' options file: the player's name, the keys
// bound to turning and boosting, the palette and trail patterns, the
// sound's volume and the host's last match setup, kept as a small JSON
// file between runs. Decoding, checking and the
// file's place are pure and need no window:
//
//	p, warn := prefs.Load(path) // defaults, and one line, when the file is missing or bad
//	p.Volume = 0.5
//	err := prefs.Save(path, p)  // keeps a copy of a file that did not parse
package prefs

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/peerstep/peerstep/demo-game/sim"
)

// EnvPath is the environment variable that, when set, names the options
// file instead of the user's config directory (tests point it at a
// temporary directory). A -config flag goes before it.
const EnvPath = "NEONTRAILS_CONFIG"

// MaxSize bounds the file: anything larger is not an options file.
const MaxSize = 64 << 10

// MaxName is the longest name in bytes, as the lobby takes it.
const MaxName = 32

// The palettes.
const (
	// PaletteNeon is the riders' bright neon colours, the default.
	PaletteNeon = "neon"
	// PaletteSafe is eight colours told apart with every common colour
	// blindness, by lightness as well as hue.
	PaletteSafe = "colour-blind"
)

// Palettes are the palettes there are, in the options screen's order.
var Palettes = []string{PaletteNeon, PaletteSafe}

// Keys are the keys bound to the four actions, by Ebiten's key names
// ("Q", "ArrowLeft", "Space"): a turn to the rider's left and right,
// boost, and pause (which asks for a pause and agrees to resume one). The
// arrows and WASD always steer in the four directions too. A file from
// before the pause had none: P.
type Keys struct {
	TurnLeft  string `json:"turn_left"`
	TurnRight string `json:"turn_right"`
	Boost     string `json:"boost"`
	Pause     string `json:"pause"`
}

// ArenaAuto is Match.Arena's value for an arena that grows with the
// players.
const ArenaAuto = "auto"

// MaxRounds is the most rounds to win Match takes, as -rounds does.
const MaxRounds = 99

// Match is the match setup a host chose last, preselected on the next
// HOST A MATCH; practice plays at its bot skill and speed too.
type Match struct {
	// Rounds to win, 1 to MaxRounds.
	Rounds int `json:"rounds"`
	// Arena is ArenaAuto or a size "WxH" in cells, each side sim.MinSize
	// to sim.MaxSize.
	Arena string `json:"arena"`
	// Bots is how many bots join the host's lobby, 0 to sim.MaxPlayers-1.
	Bots int `json:"bots"`
	// BotSkill is a sim.Skill's name: "easy", "normal" or "hard".
	BotSkill string `json:"bot_skill"`
	// Speed is a sim.Pace's name: "slow", "normal" or "fast".
	Speed string `json:"speed"`
}

// ArenaSize returns the arena's size in cells, 0, 0 for ArenaAuto, and
// false when Arena is neither.
func (m Match) ArenaSize() (w, h int, ok bool) {
	if m.Arena == ArenaAuto {
		return 0, 0, true
	}
	if _, err := fmt.Sscanf(m.Arena, "%dx%d", &w, &h); err != nil || fmt.Sprintf("%dx%d", w, h) != m.Arena ||
		w < sim.MinSize || w > sim.MaxSize || h < sim.MinSize || h > sim.MaxSize {
		return 0, 0, false
	}
	return w, h, true
}

// ArenaName returns Match.Arena's value for an arena of w by h cells
// (ArenaAuto for 0 by 0).
func ArenaName(w, h int) string {
	if w == 0 && h == 0 {
		return ArenaAuto
	}
	return fmt.Sprintf("%dx%d", w, h)
}

// problems names each field of m out of range, as Check does.
func (m Match) problems() (rounds, arena, bots, skill, speed string) {
	if m.Rounds < 1 || m.Rounds > MaxRounds {
		rounds = fmt.Sprintf("match rounds %d: 1 to %d", m.Rounds, MaxRounds)
	}
	if _, _, ok := m.ArenaSize(); !ok {
		arena = fmt.Sprintf("match arena %q: %s or WIDTHxHEIGHT, each side %d to %d", m.Arena, ArenaAuto, sim.MinSize, sim.MaxSize)
	}
	if m.Bots < 0 || m.Bots > sim.MaxPlayers-1 {
		bots = fmt.Sprintf("match bots %d: 0 to %d", m.Bots, sim.MaxPlayers-1)
	}
	if _, ok := sim.ParseSkill(m.BotSkill); !ok {
		skill = fmt.Sprintf("match bot_skill %q: easy, normal or hard", m.BotSkill)
	}
	if _, ok := sim.ParsePace(m.Speed); !ok {
		speed = fmt.Sprintf("match speed %q: slow, normal or fast", m.Speed)
	}
	return
}

// fix returns m with each bad field back at its default.
func (m Match) fix() Match {
	d := Default().Match
	rounds, arena, bots, skill, speed := m.problems()
	if rounds != "" {
		m.Rounds = d.Rounds
	}
	if arena != "" {
		m.Arena = d.Arena
	}
	if bots != "" {
		m.Bots = d.Bots
	}
	if skill != "" {
		m.BotSkill = d.BotSkill
	}
	if speed != "" {
		m.Speed = d.Speed
	}
	return m
}

// Prefs are the options. The zero value is not valid: start from Default.
type Prefs struct {
	// Name is the player's name in lobbies; "" means the user's name.
	// The -name flag goes before it for a run.
	Name string `json:"name"`
	// Keys are the bound keys.
	Keys Keys `json:"keys"`
	// Palette is one of Palettes.
	Palette string `json:"palette"`
	// Patterns draws each rider's trail with a pattern of its own
	// (dashes, dots, stripes), so that riders are told apart without
	// their colours.
	Patterns bool `json:"patterns"`
	// Volume is the sound's level, 0 to 1; Muted silences it.
	Volume float64 `json:"volume"`
	Muted  bool    `json:"muted"`
	// Match is the host's last match setup. A file from before it had
	// none: the defaults.
	Match Match `json:"match"`
}

// Default returns the options of a first run.
func Default() Prefs {
	return Prefs{
		Keys:    Keys{TurnLeft: "Q", TurnRight: "E", Boost: "Space", Pause: "P"},
		Palette: PaletteNeon,
		Volume:  0.8,
		Match:   Match{Rounds: 3, Arena: ArenaAuto, BotSkill: sim.Normal.String(), Speed: sim.PaceNormal.String()},
	}
}

// Bindable are the key names a key may be bound to: letters but M (mute),
// digits, the arrows, SPACE, the modifiers and some punctuation. ESC,
// TAB, ENTER, F3, F11 and the volume keys keep their own jobs.
var Bindable = func() []string {
	var ks []string
	for c := 'A'; c <= 'Z'; c++ {
		if c != 'M' {
			ks = append(ks, string(c))
		}
	}
	for c := '0'; c <= '9'; c++ {
		ks = append(ks, "Digit"+string(c))
	}
	return append(ks, "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "Space",
		"ShiftLeft", "ShiftRight", "ControlLeft", "ControlRight", "AltLeft", "AltRight",
		"Comma", "Period", "Slash", "Semicolon", "Quote", "BracketLeft", "BracketRight", "Backslash")
}()

// ErrBadFile says the options file is not one: not JSON, or too large.
var ErrBadFile = errors.New("not an options file")

// Check reports what is wrong with p, every field that is, in one line;
// nil when nothing is.
func (p Prefs) Check() error {
	var bad []string
	if len(p.Name) > MaxName || (p.Name != "" && strings.TrimSpace(p.Name) == "") || strings.ContainsFunc(p.Name, isControl) {
		bad = append(bad, fmt.Sprintf("name %q: up to %d bytes, not blank", p.Name, MaxName))
	}
	keys := []struct{ what, key string }{{"turn_left", p.Keys.TurnLeft}, {"turn_right", p.Keys.TurnRight}, {"boost", p.Keys.Boost}, {"pause", p.Keys.Pause}}
	for i, k := range keys {
		switch {
		case !slices.Contains(Bindable, k.key):
			bad = append(bad, fmt.Sprintf("%s %q: not a key that can be bound", k.what, k.key))
		case slices.ContainsFunc(keys[:i], func(o struct{ what, key string }) bool { return o.key == k.key }):
			bad = append(bad, fmt.Sprintf("%s %q: bound twice", k.what, k.key))
		}
	}
	if !slices.Contains(Palettes, p.Palette) {
		bad = append(bad, fmt.Sprintf("palette %q: one of %s", p.Palette, strings.Join(Palettes, ", ")))
	}
	if !(p.Volume >= 0 && p.Volume <= 1) { // NaN too
		bad = append(bad, fmt.Sprintf("volume %v: 0 to 1", p.Volume))
	}
	rounds, arena, bots, skill, speed := p.Match.problems()
	for _, m := range []string{rounds, arena, bots, skill, speed} {
		if m != "" {
			bad = append(bad, m)
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return errors.New(strings.Join(bad, "; "))
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// fix returns p with each bad field back at its default.
func (p Prefs) fix() Prefs {
	d := Default()
	if (Prefs{Name: p.Name, Keys: d.Keys, Palette: d.Palette, Volume: d.Volume, Match: d.Match}).Check() != nil {
		p.Name = d.Name
	}
	if (Prefs{Keys: p.Keys, Palette: d.Palette, Volume: d.Volume, Match: d.Match}).Check() != nil {
		// Only the pause bad (a file from before it, whose keys took P):
		// the pause alone goes back to its default, or to another key
		// that is free and steers nothing.
		k := p.Keys
		for _, name := range []string{d.Keys.Pause, "O", "L", "K", "J", "Digit0", "Digit9"} {
			if k.Pause = name; (Prefs{Keys: k, Palette: d.Palette, Volume: d.Volume, Match: d.Match}).Check() == nil {
				break
			}
		}
		p.Keys = d.Keys
		if (Prefs{Keys: k, Palette: d.Palette, Volume: d.Volume, Match: d.Match}).Check() == nil {
			p.Keys = k
		}
	}
	if !slices.Contains(Palettes, p.Palette) {
		p.Palette = d.Palette
	}
	if !(p.Volume >= 0 && p.Volume <= 1) {
		p.Volume = d.Volume
	}
	p.Match = p.Match.fix()
	return p
}

// Decode reads an options file. A file that is not JSON (or too large)
// gives the defaults and an error wrapping ErrBadFile; fields missing
// take their defaults, fields unknown are ignored, and fields out of
// range go back to their defaults, with an error naming them. The
// options returned always pass Check.
func Decode(b []byte) (Prefs, error) {
	if len(b) > MaxSize {
		return Default(), fmt.Errorf("%w: %d bytes (at most %d)", ErrBadFile, len(b), MaxSize)
	}
	p := Default()
	if err := json.Unmarshal(b, &p); err != nil {
		return Default(), fmt.Errorf("%w: %v", ErrBadFile, err)
	}
	if err := p.Check(); err != nil {
		return p.fix(), err
	}
	return p, nil
}

// Encode writes p as the file's JSON, indented, with a newline.
func (p Prefs) Encode() []byte {
	b, err := json.MarshalIndent(p, "", "  ")
	if err != nil { // only NaN or infinite volumes, which Check refuses
		b, _ = json.MarshalIndent(p.fix(), "", "  ")
	}
	return append(b, '\n')
}

// Path returns the options file's path: flag when given, else $EnvPath,
// else neontrails.json in peerstep's directory of os.UserConfigDir.
func Path(flag string) (string, error) {
	if flag != "" {
		return flag, nil
	}
	if p := os.Getenv(EnvPath); p != "" {
		return p, nil
	}
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "peerstep", "neontrails.json"), nil
}

// Load reads the options at path. It always returns options to play
// with; warn is one line when they are not (all) the file's: no file yet,
// a file that does not parse, fields out of range. It changes no file.
func Load(path string) (p Prefs, warn string) {
	b, err := readSmall(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return Default(), fmt.Sprintf("no options file at %s yet: the defaults", path)
	case err != nil:
		return Default(), fmt.Sprintf("options file %s: %v: the defaults", path, err)
	}
	p, err = Decode(b)
	if errors.Is(err, ErrBadFile) {
		return p, fmt.Sprintf("options file %s: %v: the defaults (saving keeps it as %s)", path, oneLine(err), filepath.Base(path)+".bad")
	}
	if err != nil {
		return p, fmt.Sprintf("options file %s: %v: the defaults for those", path, oneLine(err))
	}
	return p, ""
}

func readSmall(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(&limited{f, MaxSize + 1}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// limited reads at most n bytes of r.
type limited struct {
	r interface{ Read([]byte) (int, error) }
	n int
}

func (l *limited) Read(b []byte) (int, error) {
	if l.n <= 0 {
		return 0, nil
	}
	b = b[:min(len(b), l.n)]
	n, err := l.r.Read(b)
	l.n -= n
	return n, err
}

func oneLine(err error) string { return strings.Join(strings.Fields(err.Error()), " ") }

// Save writes p to path, making its directory, through a temporary file
// renamed into place so that a crash leaves the old file or the new. A
// file already there that does not parse is first moved, whole, to
// path + ".bad" (or ".bad.2", ".bad.3"... when that is taken).
func Save(path string, p Prefs) error {
	if err := p.Check(); err != nil {
		return fmt.Errorf("options: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if old, err := readSmall(path); err == nil && len(old) > 0 {
		if _, err := Decode(old); errors.Is(err, ErrBadFile) {
			if err := keepBad(path); err != nil {
				return fmt.Errorf("options: keeping the bad file: %w", err)
			}
		}
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".neontrails-*.json")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename, nothing is there
	if _, err := tmp.Write(p.Encode()); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// keepBad moves the file at path to the first free of path.bad,
// path.bad.2 and on.
func keepBad(path string) error {
	for i := 1; i < 100; i++ {
		bad := path + ".bad"
		if i > 1 {
			bad += fmt.Sprintf(".%d", i)
		}
		if _, err := os.Lstat(bad); errors.Is(err, fs.ErrNotExist) {
			return os.Rename(path, bad)
		}
	}
	return errors.New("too many .bad copies already")
}

// Clamp returns v within 0 and 1, rounded to a tenth: a volume step.
func Clamp(v float64) float64 { return math.Round(math.Max(0, math.Min(1, v))*10) / 10 }
