package app

import (
	"fmt"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/peerstep/peerstep/demo-game/sim"
)

// attract is the match of bots that plays behind the title.
type attract struct {
	st   *sim.State
	view arenaView
	seed uint64
}

func newAttract(seed uint64) *attract {
	st, _ := sim.New(sim.Config{Players: 6, Seed: seed, Width: 96, Height: 54, RoundsToWin: 99})
	at := &attract{st: st, seed: seed}
	for range 60 * 7 { // skip the countdown: trails from the first frame
		at.update()
	}
	return at
}

func (at *attract) update() {
	n := at.st.Players()
	in := make([]sim.Input, n)
	present := make([]bool, n)
	for p := range in {
		in[p], present[p] = sim.Bot(at.st, p), true
	}
	at.st.Step(in, present)
	for _, e := range at.st.Events() {
		at.view.event(at.st, e)
	}
	at.view.update()
	if _, over := at.st.Winner(); over {
		at.seed++
		*at = *newAttract(at.seed)
	}
}

// title is the first screen: host, join, practice, quit.
type title struct {
	sel     int
	bots    int
	buttons []button
	ticks   int
}

const (
	itemHost = iota
	itemJoin
	itemPractice
	itemOptions
	itemQuit
	titleItems // how many there are
)

func newTitle(a *App) *title {
	if a.attract == nil {
		a.attract = newAttract(7)
	}
	return &title{bots: 3}
}

func (t *title) labels() []string {
	return []string{"HOST A MATCH", "JOIN WITH A CODE", fmt.Sprintf("PRACTICE  < %d BOTS >", t.bots), "OPTIONS", "QUIT"}
}

func (t *title) update(a *App) error {
	t.ticks++
	if len(inpututil.AppendJustPressedKeys(nil)) > 0 {
		t.ticks = 0 // a -frames run ends after that many ticks with no key
	}
	a.attract.update()
	if a.autoplay && t.ticks >= a.cfg.Flags.Frames {
		return ebiten.Termination
	}
	switch {
	case inpututil.IsKeyJustPressed(ebiten.KeyArrowUp) || inpututil.IsKeyJustPressed(ebiten.KeyW):
		t.sel = (t.sel + titleItems - 1) % titleItems
	case inpututil.IsKeyJustPressed(ebiten.KeyArrowDown) || inpututil.IsKeyJustPressed(ebiten.KeyS) || inpututil.IsKeyJustPressed(ebiten.KeyTab):
		t.sel = (t.sel + 1) % titleItems
	case t.sel == itemPractice && (inpututil.IsKeyJustPressed(ebiten.KeyArrowLeft) || inpututil.IsKeyJustPressed(ebiten.KeyA)):
		t.bots = max(1, t.bots-1)
	case t.sel == itemPractice && (inpututil.IsKeyJustPressed(ebiten.KeyArrowRight) || inpututil.IsKeyJustPressed(ebiten.KeyD)):
		t.bots = min(sim.MaxPlayers-1, t.bots+1)
	}
	mx, my := ebiten.CursorPosition()
	clicked := -1
	for i, b := range t.buttons {
		if b.contains(mx, my) {
			if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
				clicked = i
			}
		}
	}
	if clicked >= 0 {
		t.sel = clicked
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyO) {
		a.setScreen(newOptions(a))
		return nil
	}
	if clicked < 0 && !inpututil.IsKeyJustPressed(ebiten.KeyEnter) && !inpututil.IsKeyJustPressed(ebiten.KeySpace) {
		if inpututil.IsKeyJustPressed(ebiten.KeyEscape) {
			return ebiten.Termination
		}
		return nil
	}
	switch t.sel {
	case itemHost:
		a.setScreen(newHostSetup(a))
	case itemJoin:
		a.setScreen(newJoin(a, ""))
	case itemPractice:
		if err := a.practice(a.setup().options(a.options()), t.bots); err != nil {
			a.notify(err.Error(), true)
		}
	case itemOptions:
		a.setScreen(newOptions(a))
	case itemQuit:
		return ebiten.Termination
	}
	return nil
}

func (t *title) draw(a *App, dst *ebiten.Image) {
	s := a.s
	W, H := float64(a.w), float64(a.h)
	at := a.attract
	at.view.draw(dst, at.st, 0, 0, W, H, -1, s)
	fillRect(dst, 0, 0, W, H, scaleCol(colBG, 1, 0.72))

	name := a.Name()
	boost := keyLabel(a.prefs.Keys.Boost)
	l := layTitle(W, H, s,
		fmt.Sprintf("playing as %q  (O: options)   steer: arrows / WASD   boost: %s   M: mute   F11: fullscreen", name, boost),
		fmt.Sprintf("playing as %q   arrows/WASD + %s", name, boost))

	// The logo, and a stripe of the riders' colours under it.
	bold.glowText(dst, "NEON TRAILS", W/2, l.logo.y, l.logoScale, colAccent, center)
	sw := l.stripe.w / float64(len(playerColors))
	for i, c := range playerColors {
		fillRect(dst, l.stripe.x+sw*float64(i), l.stripe.y, sw-2, l.stripe.h, c)
	}
	regular.text(dst, "light cycles for 2 to 8 friends - peer to peer, no server", W/2, l.tagline.y, s, colDim, center)

	// The menu, on a panel of its own over the bots' match.
	b := l.backdrop
	fillRect(dst, b.x, b.y, b.w, b.h, scaleCol(colBG, 1, 0.78))
	t.buttons = t.buttons[:0]
	for i, label := range t.labels() {
		r := l.buttons[i]
		b := button{label: label, x: r.x, y: r.y, w: r.w, h: r.h}
		t.buttons = append(t.buttons, b)
		drawButton(dst, b, l.menuScale, i == t.sel, true)
	}
	hint := "arrows + ENTER to choose"
	if t.sel == itemPractice {
		m := a.setup()
		hint = fmt.Sprintf("LEFT / RIGHT: how many bots   %s bots, %s speed (as HOST A MATCH)", strings.ToUpper(m.skill.String()), strings.ToUpper(m.pace.String()))
		if textWidth(hint, s) > int(W)-16*s {
			hint = fmt.Sprintf("LEFT/RIGHT: bots   %s, %s", strings.ToUpper(m.skill.String()), strings.ToUpper(m.pace.String()))
		}
	}
	regular.text(dst, hint, W/2, l.hint.y, s, colFaint, center)

	// Who you are, and the controls, at the bottom.
	regular.text(dst, l.footText, W/2, l.foot.y, s, colDim, center)
}
