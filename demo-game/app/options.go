package app

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/peerstep/peerstep/demo-game/internal/prefs"
)

// The options screen's rows.
const (
	optName = iota
	optLeft
	optRight
	optBoost
	optPause
	optPalette
	optPatterns
	optVolume
	optSound
	optBack
	numOpts
)

var optLabels = [numOpts]string{"NAME", "TURN LEFT", "TURN RIGHT", "BOOST", "PAUSE", "COLOURS", "TRAILS", "VOLUME", "SOUND", "BACK"}

// optionsScreen edits the options: the name, the bound keys, the palette,
// the trails' patterns and the sound. Changes show (and sound) at once; leaving saves them.
type optionsScreen struct {
	p       prefs.Prefs
	sel     int
	editing bool   // typing the name
	name    []rune // the name being typed
	capture bool   // waiting for a key to bind to the selected row
	msg     string
	msgBad  bool
	rows    []rect // where the rows were drawn, for the mouse
	backAt  int
}

func newOptions(a *App) *optionsScreen { return &optionsScreen{p: a.prefs} }

// typing: while the name is typed or a key is awaited, M and the volume
// keys are letters and keys like any other.
func (o *optionsScreen) typing() bool { return o.editing || o.capture }

// keyOf returns the pointer to the bound key a row edits, or nil.
func (o *optionsScreen) keyOf(row int) *string {
	switch row {
	case optLeft:
		return &o.p.Keys.TurnLeft
	case optRight:
		return &o.p.Keys.TurnRight
	case optBoost:
		return &o.p.Keys.Boost
	case optPause:
		return &o.p.Keys.Pause
	}
	return nil
}

// bind binds name to the row's action. A key bound to another action
// already swaps with it, so that no key does two jobs. It returns what to
// say.
func (o *optionsScreen) bind(row int, name string) (msg string, bad bool) {
	if !slices.Contains(prefs.Bindable, name) {
		return fmt.Sprintf("%s keeps its own job: choose another key", keyLabel(name)), true
	}
	k := o.keyOf(row)
	for r := optLeft; r <= optPause; r++ {
		if other := o.keyOf(r); r != row && *other == name {
			*other = *k
			*k = name
			return fmt.Sprintf("%s is now %s, and %s %s", optLabels[row], keyLabel(name), optLabels[r], keyLabel(*other)), false
		}
	}
	*k = name
	return fmt.Sprintf("%s is now %s", optLabels[row], keyLabel(name)), false
}

// step changes the selected row's value to its next (d = 1) or previous
// (d = -1) choice.
func (o *optionsScreen) step(a *App, d int) {
	switch o.sel {
	case optPalette:
		i := slices.Index(prefs.Palettes, o.p.Palette)
		o.p.Palette = prefs.Palettes[(i+d+len(prefs.Palettes))%len(prefs.Palettes)]
	case optPatterns:
		o.p.Patterns = !o.p.Patterns
	case optVolume:
		o.p.Volume, o.p.Muted = prefs.Clamp(o.p.Volume+0.1*float64(d)), false
	case optSound:
		o.p.Muted = !o.p.Muted
	default:
		return
	}
	o.apply(a)
}

// apply puts the options being edited into effect, to see and hear them.
func (o *optionsScreen) apply(a *App) {
	if o.p != a.prefs {
		a.applyPrefs(o.p)
		a.dirty = true
	}
}

// leave saves and goes back to the title.
func (o *optionsScreen) leave(a *App) error {
	o.apply(a)
	if saved, err := a.savePrefs(); err != nil {
		a.notify(err.Error(), true)
	} else if saved {
		a.notify("options saved", false)
	}
	return a.toTitle()
}

func (o *optionsScreen) update(a *App) error {
	a.attract.update()
	switch {
	case o.capture:
		return o.updateCapture()
	case o.editing:
		o.updateName(a)
		return nil
	}
	mx, my := ebiten.CursorPosition()
	clicked := -1
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
		for i, r := range o.rows {
			if float64(mx) >= r.x && float64(mx) < r.right() && float64(my) >= r.y && float64(my) < r.bottom() {
				clicked, o.sel = i, i
			}
		}
	}
	enter := clicked >= 0 || inpututil.IsKeyJustPressed(ebiten.KeyEnter) || inpututil.IsKeyJustPressed(ebiten.KeyNumpadEnter) || inpututil.IsKeyJustPressed(ebiten.KeySpace)
	switch {
	case inpututil.IsKeyJustPressed(ebiten.KeyEscape):
		return o.leave(a)
	case inpututil.IsKeyJustPressed(ebiten.KeyArrowUp):
		o.sel, o.msg = (o.sel+numOpts-1)%numOpts, ""
	case inpututil.IsKeyJustPressed(ebiten.KeyArrowDown) || inpututil.IsKeyJustPressed(ebiten.KeyTab):
		o.sel, o.msg = (o.sel+1)%numOpts, ""
	case inpututil.IsKeyJustPressed(ebiten.KeyArrowLeft):
		o.step(a, -1)
	case inpututil.IsKeyJustPressed(ebiten.KeyArrowRight):
		o.step(a, 1)
	case enter:
		switch o.sel {
		case optName:
			o.editing, o.name, o.msg = true, []rune(o.p.Name), ""
		case optLeft, optRight, optBoost, optPause:
			o.capture, o.msg, o.msgBad = true, "press the key for "+optLabels[o.sel]+" (ESC: keep "+keyLabel(*o.keyOf(o.sel))+")", false
		case optBack:
			return o.leave(a)
		default:
			o.step(a, 1)
		}
	}
	return nil
}

// updateCapture binds the first key pressed to the selected row.
func (o *optionsScreen) updateCapture() error {
	for _, k := range inpututil.AppendJustPressedKeys(nil) {
		o.capture = false
		if k == ebiten.KeyEscape {
			o.msg = ""
			return nil
		}
		o.msg, o.msgBad = o.bind(o.sel, k.String())
		return nil
	}
	return nil
}

// updateName edits the name: letters, BACKSPACE, ENTER to keep it (an
// empty one means the user's name), ESC to give up.
func (o *optionsScreen) updateName(a *App) {
	switch {
	case inpututil.IsKeyJustPressed(ebiten.KeyEscape):
		o.editing = false
		return
	case inpututil.IsKeyJustPressed(ebiten.KeyEnter) || inpututil.IsKeyJustPressed(ebiten.KeyNumpadEnter):
		p := o.p
		p.Name = strings.TrimSpace(string(o.name))
		if err := p.Check(); err != nil {
			o.msg, o.msgBad = "a name of 1 to 32 letters, or none for your user name", true
			return
		}
		o.p, o.editing = p, false
		o.msg, o.msgBad = "", false
		o.apply(a)
		if a.cfg.NameSet {
			o.msg = "saved for the next runs: -name goes first in this one"
		}
		return
	}
	for _, r := range ebiten.AppendInputChars(nil) {
		if unicode.IsPrint(r) && len(string(o.name))+len(string(r)) <= prefs.MaxName {
			o.name = append(o.name, r)
		}
	}
	if ebiten.IsKeyPressed(ebiten.KeyBackspace) {
		o.backAt++
		if (o.backAt == 1 || (o.backAt > 20 && o.backAt%3 == 0)) && len(o.name) > 0 {
			o.name = o.name[:len(o.name)-1]
		}
	} else {
		o.backAt = 0
	}
}

// value is what a row shows on its right.
func (o *optionsScreen) value(a *App, row int, blink bool) string {
	switch row {
	case optName:
		if o.editing {
			c := " "
			if blink {
				c = "_"
			}
			return string(o.name) + c
		}
		v := o.p.Name
		if v == "" {
			v = a.userName + " (your user name)"
		}
		if a.cfg.NameSet {
			v += "   -name: " + a.Name()
		}
		return v
	case optLeft, optRight, optBoost, optPause:
		if o.capture && o.sel == row {
			return "press a key..."
		}
		return keyLabel(*o.keyOf(row))
	case optPalette:
		if o.p.Palette == prefs.PaletteSafe {
			return "< COLOUR-BLIND SAFE >"
		}
		return "< NEON >"
	case optPatterns:
		if o.p.Patterns {
			return "< PATTERNED > each rider's own"
		}
		return "< SOLID > by colour alone"
	case optVolume:
		return fmt.Sprintf("< %d%% >", int(o.p.Volume*100+0.5))
	case optSound:
		v := "< ON >"
		if o.p.Muted {
			v = "< MUTED >"
		}
		if a.snd.ctx == nil {
			v += "  " + a.snd.offWhy
		}
		return v
	}
	return ""
}

// hint is the footer's line of keys for the screen's state.
func (o *optionsScreen) hint() string {
	switch {
	case o.editing:
		return "type your name    ENTER: keep it    ESC: cancel"
	case o.capture:
		return "press a key    ESC: cancel"
	}
	return "UP / DOWN: choose    ENTER: change    LEFT / RIGHT: adjust    ESC: save and go back"
}

func (o *optionsScreen) draw(a *App, dst *ebiten.Image) {
	s := a.s
	fs := float64(s)
	at := a.attract
	W := float64(a.w)
	l := a.drawMenu(dst, "OPTIONS", o.hint(), numOpts)
	o.rows = append(o.rows[:0], l.rows...)
	blink := (at.st.Tick()/20)%2 == 0
	for i, r := range l.rows {
		sel := i == o.sel
		if sel {
			fillRect(dst, r.x, r.y, r.w, r.h, colPanelHi)
			fillRect(dst, r.x, r.y, 3*fs, r.h, colAccent)
		}
		ty := r.y + (r.h-float64(lineHeight(s)))/2
		lc, vc := colDim, colText
		if sel {
			lc = colText
		}
		if i == optBack {
			bold.text(dst, optLabels[i], r.x+r.w/2, ty, s, lc, center)
			continue
		}
		bold.text(dst, optLabels[i], r.x+12*fs, ty, s, lc, left)
		v := fit(o.value(a, i, blink), int((r.right()-12*fs-l.valueX)/(8*fs)))
		if (o.editing && i == optName) || (o.capture && sel) {
			vc = colAccent
		}
		regular.text(dst, v, l.valueX, ty, s, vc, left)
		if i == optPalette { // the riders' colours, as a player sees them
			sw := 10 * fs
			x := r.right() - 12*fs - float64(len(playerColors))*(sw+3*fs)
			if x > l.valueX+float64(textWidth(v, s))+8*fs {
				for k, c := range playerColors {
					fillRect(dst, x+float64(k)*(sw+3*fs), r.y+(r.h-sw)/2, sw, sw, c)
				}
			}
		}
		if i == optPatterns && o.p.Patterns { // each rider's pattern, a short column of trail
			c := 4 * fs
			n := int(math.Max(2, math.Floor((r.h-2*fs)/c)))
			sw := 10 * fs
			x := r.right() - 12*fs - float64(len(playerColors))*(sw+3*fs)
			if x > l.valueX+float64(textWidth(v, s))+8*fs {
				var q, over quads
				y0 := r.y + (r.h-float64(n)*c)/2
				for k, col := range playerColors {
					drawPatternRun(&q, &over, x+float64(k)*(sw+3*fs)+(sw-c)/2, y0, c, n, k, col)
				}
				q.flush(dst, ebiten.BlendSourceOver)
				over.flush(dst, ebiten.BlendSourceOver)
			}
		}
	}
	if o.msg != "" {
		c := colGood
		if o.msgBad {
			c = colWarn
		}
		regular.text(dst, fit(o.msg, int(W/(8*fs))-2), W/2, l.msg.y, s, c, center)
	}
	where := "options file: " + a.prefsPath
	if a.prefsPath == "" {
		where = "not saved: no config directory"
	}
	regular.text(dst, fit(where, int(W/(8*fs))-2), W/2, l.where.y, s, colFaint, center)
	regular.text(dst, l.footText, W/2, l.foot.y, s, colDim, center)
}

// drawMenu draws what every menu screen has behind its rows: the attract
// match dimmed, the heading and the panel; it returns the layout of the
// screen's n rows.
func (a *App) drawMenu(dst *ebiten.Image, head, hint string, n int) optionsLayout {
	W, H := float64(a.w), float64(a.h)
	at := a.attract
	at.view.draw(dst, at.st, 0, 0, W, H, -1, a.s)
	fillRect(dst, 0, 0, W, H, scaleCol(colBG, 1, 0.82))
	l := layOptions(W, H, a.s, head, hint, n)
	bold.glowText(dst, head, W/2, l.head.y, l.headScale, colAccent, center)
	panel(dst, l.panel.x, l.panel.y, l.panel.w, l.panel.h, scaleCol(colPanel, 1, 0.95), colFaint)
	return l
}
