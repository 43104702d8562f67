package app

import (
	"fmt"

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
	itemQuit
)

func newTitle(a *App) *title {
	if a.attract == nil {
		a.attract = newAttract(7)
	}
	return &title{bots: 3}
}

func (t *title) labels() []string {
	return []string{"HOST A MATCH", "JOIN WITH A CODE", fmt.Sprintf("PRACTICE  < %d BOTS >", t.bots), "QUIT"}
}

func (t *title) update(a *App) error {
	t.ticks++
	a.attract.update()
	if a.autoplay && t.ticks >= a.cfg.Flags.Frames {
		return ebiten.Termination
	}
	switch {
	case inpututil.IsKeyJustPressed(ebiten.KeyArrowUp) || inpututil.IsKeyJustPressed(ebiten.KeyW):
		t.sel = (t.sel + 3) % 4
	case inpututil.IsKeyJustPressed(ebiten.KeyArrowDown) || inpututil.IsKeyJustPressed(ebiten.KeyS) || inpututil.IsKeyJustPressed(ebiten.KeyTab):
		t.sel = (t.sel + 1) % 4
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
	if clicked < 0 && !inpututil.IsKeyJustPressed(ebiten.KeyEnter) && !inpututil.IsKeyJustPressed(ebiten.KeySpace) {
		if inpututil.IsKeyJustPressed(ebiten.KeyEscape) {
			return ebiten.Termination
		}
		return nil
	}
	switch t.sel {
	case itemHost:
		if err := a.host(); err != nil {
			a.notify("could not host: "+err.Error(), true)
		}
	case itemJoin:
		a.setScreen(newJoin(a, ""))
	case itemPractice:
		if err := a.practice(t.bots); err != nil {
			a.notify(err.Error(), true)
		}
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

	// The logo.
	big := 5 * s
	if textWidth("NEON TRAILS", big) > int(W*0.9) {
		big = 4 * s
	}
	y := H * 0.16
	bold.glowText(dst, "NEON TRAILS", W/2, y, big, colAccent, center)
	y += float64(lineHeight(big)) + float64(6*s)
	// A stripe of the riders' colours under the logo.
	sw := float64(textWidth("NEON TRAILS", big)) / float64(len(playerColors))
	for i, c := range playerColors {
		fillRect(dst, W/2-sw*float64(len(playerColors))/2+sw*float64(i), y, sw-2, float64(3*s), c)
	}
	y += float64(14 * s)
	regular.text(dst, "light cycles for 2 to 8 friends - peer to peer, no server", W/2, y, s, colDim, center)
	y += float64(lineHeight(s)*3 + 8*s)

	// The menu, on a panel of its own over the bots' match.
	bw := float64(max(textWidth("PRACTICE  < 7 BOTS >", 2*s)+48*s, int(W*0.3)))
	bh := float64(lineHeight(2*s) + 14*s)
	gap := float64(6 * s)
	if H < 700 {
		y -= float64(lineHeight(s) + 4*s)
		gap = float64(3 * s)
	}
	menuH := 4*bh + 3*gap
	fillRect(dst, W/2-bw/2-float64(10*s), y-float64(10*s), bw+float64(20*s), menuH+float64(20*s), scaleCol(colBG, 1, 0.78))
	t.buttons = t.buttons[:0]
	for i, l := range t.labels() {
		b := button{label: l, x: W/2 - bw/2, y: y, w: bw, h: bh}
		t.buttons = append(t.buttons, b)
		drawButton(dst, b, 2*s, i == t.sel, true)
		y += bh + gap
	}
	y += float64(14*s) - gap
	hint := "arrows + ENTER to choose"
	if t.sel == itemPractice {
		hint = "LEFT / RIGHT: how many bots"
	}
	regular.text(dst, hint, W/2, y, s, colFaint, center)

	// Who you are, and the controls, at the bottom.
	name := a.cfg.Flags.Name
	foot := fmt.Sprintf("playing as %q  (-name to change)   steer: arrows / WASD   boost: SPACE   F11: fullscreen", name)
	if textWidth(foot, s) > int(W)-16*s {
		foot = fmt.Sprintf("playing as %q   arrows/WASD + SPACE", name)
	}
	regular.text(dst, foot, W/2, H-float64(lineHeight(s)+10*s), s, colDim, center)
}
