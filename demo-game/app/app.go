// Package app is Neon Trails' Ebiten layer: the screens (title, join,
// lobby, match, results), keys turned into inputs, and drawing. It only
// reads the match's state; package play runs the match and package sim is
// the game.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sync"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"
	"golang.design/x/clipboard"

	"github.com/peerstep/peerstep/demo-game/internal/prefs"
	"github.com/peerstep/peerstep/demo-game/play"
)

// Config sets the app up.
type Config struct {
	// Flags are the command line: what to start with, without the menus.
	Flags play.Flags
	// Out receives the lines tests read (share code, match started,
	// checksum). Nil means os.Stdout.
	Out io.Writer
	// NetGraph shows the net graph from the start of a match.
	NetGraph bool
	// Warn receives the one-line warnings (no sound device, an options
	// file missing or bad). Nil means os.Stderr.
	Warn io.Writer
	// PrefsPath is the options file (-config); "" means prefs.Path's
	// default ($NEONTRAILS_CONFIG, else the user's config directory).
	PrefsPath string
	// NameSet says the name in Flags was given (-name): it goes before
	// the options' name for this run.
	NameSet bool
	// Given are the flags given on the command line, by name: a match
	// flag among them (-rounds, -arena, -speed, -bot-skill, -bots) goes
	// before the remembered host setup on the menus. Nil means none.
	Given map[string]bool
}

// screen is one screen of the game.
type screen interface {
	update(a *App) error
	draw(a *App, dst *ebiten.Image)
}

// App is the game for Ebiten: it implements ebiten.Game.
type App struct {
	cfg      Config
	out      io.Writer
	scr      screen
	w, h     int // screen size in pixels
	s        int // the text scale (textScale): 1 up to about 810 pixels high, then 2...
	toasts   toasts
	autoplay bool // -frames: a bot steers and the app exits after the frames
	menus    bool // started on the title: a -frames run goes back to it after a match
	attract  *attract
	lastDraw time.Time
	drawn    int // frames drawn of this screen, for -frames runs
	snd      *sound
	hum      float64 // the engine hum's level this tick, set by the match screen

	prefs     prefs.Prefs
	prefsPath string // "" when there is nowhere to save them
	dirty     bool   // prefs changed since saved
	binds     binds
	userName  string // the name when neither -name nor the options give one
	warn      io.Writer
}

// setScreen switches to scr.
func (a *App) setScreen(scr screen) {
	a.scr, a.drawn = scr, 0
}

func screenName(scr screen) string {
	switch scr.(type) {
	case *title:
		return "title"
	case *join:
		return "join"
	case *lobby:
		return "lobby"
	case *matchScreen:
		return "match"
	case *optionsScreen:
		return "options"
	case *hostSetup:
		return "host setup"
	}
	return "?"
}

// New returns the app, on the screen the flags ask for: the title, or
// straight into a lobby, a join, a practice match or a replay.
func New(cfg Config) (*App, error) {
	loadFonts()
	a := &App{cfg: cfg, out: cfg.Out, autoplay: cfg.Flags.Frames > 0}
	if a.out == nil {
		a.out = os.Stdout
	}
	a.warn = cfg.Warn
	if a.warn == nil {
		a.warn = os.Stderr
	}
	a.userName = cfg.Flags.Name
	p := a.loadPrefs()
	// A run that plays by itself (-frames, the tests) stays silent.
	a.snd = newSound(!a.autoplay, p.Volume, p.Muted, a.warn)
	a.applyPrefs(p)
	f := cfg.Flags
	switch {
	case f.Host:
		return a, a.host()
	case f.Join != "":
		a.setScreen(newJoin(a, f.Join))
	case f.Practice:
		bots := f.Bots
		if bots == 0 {
			bots = 3
		}
		return a, a.practice(a.options(), bots)
	case f.Replay != "":
		m, err := play.OpenReplay(f.Replay)
		if err != nil {
			return nil, err
		}
		a.startMatch(m)
	default:
		a.menus = true
		a.setScreen(newTitle(a))
	}
	return a, nil
}

// loadPrefs reads the options file, saying in one line what went wrong.
func (a *App) loadPrefs() prefs.Prefs {
	path, err := prefs.Path(a.cfg.PrefsPath)
	if err != nil {
		fmt.Fprintf(a.warn, "neon trails: options: %v: the defaults, not saved\n", err)
		return prefs.Default()
	}
	a.prefsPath = path
	p, warn := prefs.Load(path)
	if warn != "" {
		fmt.Fprintf(a.warn, "neon trails: %s\n", warn)
	}
	return p
}

// applyPrefs puts options into effect: the name (unless -name gave one),
// the keys, the palette and the sound.
func (a *App) applyPrefs(p prefs.Prefs) {
	a.prefs = p
	a.binds = makeBinds(p.Keys)
	setPalette(p.Palette)
	patternsOn = p.Patterns
	if !a.cfg.NameSet {
		a.cfg.Flags.Name = a.userName
		if p.Name != "" {
			a.cfg.Flags.Name = p.Name
		}
	}
	a.snd.volume, a.snd.muted = p.Volume, p.Muted
}

// savePrefs writes the options when they changed, reporting whether it
// wrote them. Runs that play by themselves never write.
func (a *App) savePrefs() (saved bool, err error) {
	if !a.dirty || a.autoplay || a.prefsPath == "" {
		return false, nil
	}
	if err := prefs.Save(a.prefsPath, a.prefs); err != nil {
		return false, fmt.Errorf("saving the options: %w", err)
	}
	a.dirty = false
	return true, nil
}

// Name returns the player's name: -name's, else the options', else the
// user's.
func (a *App) Name() string { return a.cfg.Flags.Name }

// options returns the session options the flags give.
func (a *App) options() play.Options { return a.cfg.Flags.Options }

// println prints a line for tests and scripts to read.
func (a *App) println(format string, args ...any) {
	fmt.Fprintf(a.out, format+"\n", args...)
}

// notify shows a notice at the bottom of the screen.
func (a *App) notify(text string, bad bool) {
	c := colAccent
	if bad {
		c = colBad
	}
	if a.autoplay {
		a.println("notice: %s", text)
	}
	a.toasts.add(text, c)
}

func (a *App) host() error { return a.hostWith(a.options(), a.cfg.Flags.Bots) }

// hostWith opens a lobby with opts' match settings and adds bots to it.
func (a *App) hostWith(opts play.Options, bots int) error {
	l, err := play.Host(context.Background(), opts)
	if err != nil {
		return err
	}
	a.println("share code: %s", l.Code())
	if n := bots; n > 0 {
		if err := l.AddBots(n); err != nil {
			a.notify(err.Error(), true)
		}
	}
	a.setScreen(newLobby(a, l))
	return nil
}

// practice starts a practice match of opts against bots.
func (a *App) practice(opts play.Options, bots int) error {
	m, err := play.NewPractice(opts, bots, uint64(time.Now().UnixNano()))
	if err != nil {
		return err
	}
	a.startMatch(m)
	return nil
}

func (a *App) startMatch(m *play.Match) {
	ebiten.SetTPS(m.TickRate())
	if m.Kind() != play.Replay {
		a.println("match started: %d players, you are player %d", len(m.Names()), m.Local())
		a.println("bot skill: %v", m.BotSkill())
		a.println("speed: %v", m.State().Config().Pace)
	}
	a.setScreen(newMatchScreen(a, m))
}

// toTitle goes back to the title screen, or ends the program when a
// -frames run was started for one match from the flags.
func (a *App) toTitle() error {
	ebiten.SetTPS(60)
	if a.autoplay && !a.menus {
		return ebiten.Termination
	}
	a.setScreen(newTitle(a))
	return nil
}

// Update runs one tick.
func (a *App) Update() error {
	a.toasts.update()
	if a.autoplay {
		// Each key as it goes down and up, for a test that presses
		// keys to know when the game has seen one.
		for _, k := range inpututil.AppendJustPressedKeys(nil) {
			a.println("key: %s", k)
		}
		for _, k := range inpututil.AppendJustReleasedKeys(nil) {
			a.println("key up: %s", k)
		}
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyF11) || (inpututil.IsKeyJustPressed(ebiten.KeyEnter) && ebiten.IsKeyPressed(ebiten.KeyAlt)) {
		ebiten.SetFullscreen(!ebiten.IsFullscreen())
	}
	a.soundKeys()
	a.hum = 0
	err := a.scr.update(a)
	a.snd.setHum(a.hum)
	return err
}

// typing is a screen that takes text: its letters are not shortcuts.
type typing interface{ typing() bool }

// soundKeys are M to mute and unmute, - and = (or the keypad's - and +)
// for the volume, on every screen that does not take text.
func (a *App) soundKeys() {
	if t, ok := a.scr.(typing); ok && t.typing() {
		return
	}
	switch {
	case inpututil.IsKeyJustPressed(ebiten.KeyM):
		a.snd.muted = !a.snd.muted
	case inpututil.IsKeyJustPressed(ebiten.KeyMinus) || inpututil.IsKeyJustPressed(ebiten.KeyNumpadSubtract):
		a.snd.adjust(-0.1)
	case inpututil.IsKeyJustPressed(ebiten.KeyEqual) || inpututil.IsKeyJustPressed(ebiten.KeyNumpadAdd):
		a.snd.adjust(0.1)
	default:
		return
	}
	a.prefs.Volume, a.prefs.Muted, a.dirty = a.snd.volume, a.snd.muted, true
	a.notify(a.snd.status(), false)
}

// Draw draws the screen; it only reads the state.
func (a *App) Draw(dst *ebiten.Image) {
	a.pace()
	dst.Fill(colBG)
	a.scr.draw(a, dst)
	if a.autoplay {
		a.drawn++
		if a.drawn == 10 {
			a.println("screen: %s", screenName(a.scr))
		}
	}
	if _, own := a.scr.(*matchScreen); !own { // a match puts them out of the arena
		a.toasts.draw(dst, float64(a.w)/2, float64(a.h)-float64(34*a.s), a.s)
	}
}

// pace caps the frame rate at the tick rate (the state changes no more
// often) where vsync does not, as under Xvfb, and lower for a run that
// plays by itself, so that windows in tests leave the CPU to the others.
func (a *App) pace() {
	fps := ebiten.TPS()
	if a.autoplay {
		fps = 30
	}
	if fps <= 0 {
		fps = 60
	}
	if d := time.Second/time.Duration(fps) - time.Since(a.lastDraw); d > 0 {
		time.Sleep(d)
	}
	a.lastDraw = time.Now()
}

// Layout lays the screen out in real pixels, so that text and the arena
// stay crisp at any window size.
func (a *App) Layout(outsideWidth, outsideHeight int) (int, int) {
	k := ebiten.Monitor().DeviceScaleFactor()
	a.w = max(320, int(math.Ceil(float64(outsideWidth)*k)))
	a.h = max(240, int(math.Ceil(float64(outsideHeight)*k)))
	a.s = textScale(a.w, a.h)
	return a.w, a.h
}

// Close leaves whatever match or lobby is open, and saves the options
// when the volume keys changed them.
func (a *App) Close() error {
	_, err := a.savePrefs()
	if c, ok := a.scr.(interface{ close() error }); ok {
		err = errors.Join(c.close(), err)
	}
	return err
}

// Clipboard: golang.design/x/clipboard needs X11 (or the system's own);
// without it, copy and paste say why they failed and the game goes on.
var (
	clipOnce sync.Once
	clipErr  error
)

func clipInit() error {
	clipOnce.Do(func() {
		defer func() {
			if r := recover(); r != nil {
				clipErr = fmt.Errorf("clipboard: %v", r)
			}
		}()
		clipErr = clipboard.Init()
	})
	return clipErr
}

func copyText(s string) error {
	if err := clipInit(); err != nil {
		return err
	}
	if clipboard.Write(clipboard.FmtText, []byte(s)) == nil {
		return errors.New("the clipboard refused the text")
	}
	return nil
}

func pasteText() (string, error) {
	if err := clipInit(); err != nil {
		return "", err
	}
	return string(clipboard.Read(clipboard.FmtText)), nil
}
