package app

import (
	"image"
	"image/color"
	"math"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/vector"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/font/inconsolata"
	"golang.org/x/image/math/fixed"

	"github.com/peerstep/peerstep/demo-game/internal/prefs"
)

// The palette: deep night blue, neon riders, quiet text.
var (
	colBG      = rgb(0x0a0d1a)
	colFloor   = rgb(0x0f1428)
	colGrid    = rgb(0x1a2142)
	colWall    = rgb(0x3b4d9c)
	colPanel   = rgb(0x131a33)
	colPanelHi = rgb(0x1d2750)
	colText    = rgb(0xe8ebf7)
	colDim     = rgb(0x8690b8)
	colFaint   = rgb(0x4a5380)
	colAccent  = rgb(0x22d3ee)
	colGood    = rgb(0x4ade80)
	colWarn    = rgb(0xfacc15)
	colBad     = rgb(0xfb5a6e)

	// playerColors: one clear neon colour per player, easy to tell
	// apart side by side.
	playerColors = []color.RGBA{
		rgb(0x22d3ee), // cyan
		rgb(0xff4fb8), // pink
		rgb(0xa3e635), // lime
		rgb(0xff9838), // orange
		rgb(0xa78bfa), // violet
		rgb(0xfde047), // yellow
		rgb(0xff5a5a), // red
		rgb(0x4f8dff), // blue
	}
	playerColorNames = []string{"cyan", "pink", "lime", "orange", "violet", "yellow", "red", "blue"}
	neonColors       = playerColors

	// safeColors: Okabe and Ito's eight colours for colour-blind eyes,
	// with white for their black on this dark floor; they differ in
	// lightness as well as hue.
	safeColors = []color.RGBA{
		rgb(0x56b4e9), // sky blue
		rgb(0xe69f00), // orange
		rgb(0xf0e442), // yellow
		rgb(0x009e73), // bluish green
		rgb(0xcc79a7), // reddish purple
		rgb(0xf2f2f2), // white
		rgb(0xd55e00), // vermilion
		rgb(0x2f8fd8), // blue, lightened for the dark floor
	}
)

// setPalette picks the riders' colours: prefs.PaletteSafe or the neon.
func setPalette(name string) {
	playerColors = neonColors
	if name == prefs.PaletteSafe {
		playerColors = safeColors
	}
}

func rgb(v uint32) color.RGBA {
	return color.RGBA{uint8(v >> 16), uint8(v >> 8), uint8(v), 0xff}
}

func playerColor(p int) color.RGBA {
	if p < 0 {
		return colDim
	}
	return playerColors[p%len(playerColors)]
}

// scaleCol returns c with its brightness scaled by k and alpha a (0..1).
func scaleCol(c color.RGBA, k, a float64) color.RGBA {
	f := func(v uint8) uint8 { return uint8(math.Min(255, float64(v)*k*a)) }
	return color.RGBA{f(c.R), f(c.G), f(c.B), uint8(255 * a)}
}

// mixCol blends a towards b by t (0..1).
func mixCol(a, b color.RGBA, t float64) color.RGBA {
	f := func(x, y uint8) uint8 { return uint8(float64(x) + (float64(y)-float64(x))*t) }
	return color.RGBA{f(a.R, b.R), f(a.G, b.G), f(a.B, b.B), f(a.A, b.A)}
}

// font draws text from a bitmap face (Inconsolata 8x16, from
// golang.org/x/image) at whole-number scales, so that it stays crisp.
type font struct {
	face  *basicfont.Face
	atlas *ebiten.Image
}

func newFont(face *basicfont.Face) *font {
	m := face.Mask.(*image.Alpha)
	b := m.Bounds()
	rgba := image.NewRGBA(b)
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			a := m.AlphaAt(x, y).A
			rgba.SetRGBA(x, y, color.RGBA{a, a, a, a})
		}
	}
	return &font{face: face, atlas: ebiten.NewImageFromImage(rgba)}
}

var (
	regular *font
	bold    *font
)

func loadFonts() {
	if regular == nil {
		regular, bold = newFont(inconsolata.Regular8x16), newFont(inconsolata.Bold8x16)
	}
	loadBigText()
}

// lineHeight is the height of a line of text at scale s.
func lineHeight(s int) int { return 17 * s }

// textWidth is the width of str at scale s.
func textWidth(str string, s int) int { return len([]rune(str)) * 8 * s }

// draw draws str with its top-left corner at x, y.
func (f *font) draw(dst *ebiten.Image, str string, x, y float64, s int, c color.Color) {
	var op ebiten.DrawImageOptions
	op.ColorScale.ScaleWithColor(c)
	h := f.face.Ascent + f.face.Descent
	for i, r := range []rune(str) {
		if r == ' ' {
			continue
		}
		_, _, mp, _, ok := f.face.Glyph(fixed.Point26_6{}, r)
		if !ok {
			_, _, mp, _, _ = f.face.Glyph(fixed.Point26_6{}, '?')
		}
		glyph := f.atlas.SubImage(image.Rect(0, mp.Y, f.face.Width, mp.Y+h)).(*ebiten.Image)
		op.GeoM.Reset()
		op.GeoM.Scale(float64(s), float64(s))
		op.GeoM.Translate(math.Round(x)+float64((i*f.face.Advance+f.face.Left)*s), math.Round(y))
		dst.DrawImage(glyph, &op)
	}
}

type align int

const (
	left align = iota
	center
	right
)

// text draws str aligned on x, top at y.
func (f *font) text(dst *ebiten.Image, str string, x, y float64, s int, c color.Color, a align) {
	w := float64(textWidth(str, s))
	switch a {
	case center:
		x -= w / 2
	case right:
		x -= w
	}
	f.draw(dst, str, x, y, s, c)
}

// glowText draws str in neon: a soft halo of c under a bright core.
func (f *font) glowText(dst *ebiten.Image, str string, x, y float64, s int, c color.RGBA, a align) {
	halo := scaleCol(c, 1, 0.18)
	for _, d := range [][2]float64{{-2, 0}, {2, 0}, {0, -2}, {0, 2}, {-1, -1}, {1, 1}, {-1, 1}, {1, -1}} {
		f.text(dst, str, x+d[0]*float64(s), y+d[1]*float64(s), s, halo, a)
	}
	f.text(dst, str, x, y, s, mixCol(c, colText, 0.35), a)
}

// fit shortens str with "..." to at most n characters.
func fit(str string, n int) string {
	r := []rune(str)
	if len(r) <= n {
		return str
	}
	if n <= 3 {
		return string(r[:n])
	}
	return string(r[:n-3]) + "..."
}

// wrap cuts str into lines of at most n characters, at spaces.
func wrap(str string, n int) []string {
	var lines []string
	cur := ""
	for _, w := range strings.Fields(str) {
		switch {
		case cur == "":
			cur = w
		case len(cur)+1+len(w) <= n:
			cur += " " + w
		default:
			lines = append(lines, cur)
			cur = w
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

func fillRect(dst *ebiten.Image, x, y, w, h float64, c color.Color) {
	vector.DrawFilledRect(dst, float32(x), float32(y), float32(w), float32(h), c, false)
}

func strokeRect(dst *ebiten.Image, x, y, w, h, width float64, c color.Color) {
	vector.StrokeRect(dst, float32(x), float32(y), float32(w), float32(h), float32(width), c, false)
}

// panel draws a rounded-looking box: a fill and a thin border.
func panel(dst *ebiten.Image, x, y, w, h float64, fill, border color.Color) {
	fillRect(dst, x, y, w, h, fill)
	strokeRect(dst, x, y, w, h, 1, border)
}

// glowRect draws a rectangle outline with a neon halo.
func glowRect(dst *ebiten.Image, x, y, w, h float64, c color.RGBA) {
	for i := 3; i >= 1; i-- {
		d := float64(i * 2)
		strokeRect(dst, x-d, y-d, w+2*d, h+2*d, 2, scaleCol(c, 1, 0.08*float64(4-i)))
	}
	strokeRect(dst, x, y, w, h, 2, c)
}

// button is a clickable line of a menu.
type button struct {
	label string
	x, y  float64
	w, h  float64
}

func (b button) contains(x, y int) bool {
	return float64(x) >= b.x && float64(x) < b.x+b.w && float64(y) >= b.y && float64(y) < b.y+b.h
}

// drawButton draws a menu entry, highlighted when selected.
func drawButton(dst *ebiten.Image, b button, s int, selected bool, enabled bool) {
	c := colDim
	if !enabled {
		c = colFaint
	}
	if selected {
		fillRect(dst, b.x, b.y, b.w, b.h, colPanelHi)
		fillRect(dst, b.x, b.y, float64(3*s), b.h, colAccent)
		c = colText
	}
	bold.text(dst, b.label, b.x+b.w/2, b.y+(b.h-float64(lineHeight(s)))/2, s, c, center)
}

// toast is a notice shown for a while.
type toast struct {
	text string
	col  color.RGBA
	age  int // ticks shown so far
}

const toastTicks = 4 * 60

// toasts is the stack of notices at the bottom of a screen.
type toasts []toast

func (t *toasts) add(text string, c color.RGBA) {
	*t = append(*t, toast{text: text, col: c})
	if len(*t) > 4 {
		*t = (*t)[len(*t)-4:]
	}
}

func (t *toasts) update() {
	out := (*t)[:0]
	for _, n := range *t {
		n.age++
		if n.age < toastTicks {
			out = append(out, n)
		}
	}
	*t = out
}

// placed is a notice laid out in a column: its box and its lines.
type placed struct {
	box   rect
	lines []string
	n     toast
}

// inColumn lays the notices out in col, the newest at its foot and the
// older above it, each wrapped to the column's width, as many as fit. top
// is the y above the highest one placed (col.bottom() when none is).
func (t toasts) inColumn(col rect, s int) (out []placed, top float64) {
	fs := float64(s)
	lh := float64(lineHeight(s))
	n := max(8, int((col.w-16*fs)/(8*fs)))
	y := col.bottom()
	for i := len(t) - 1; i >= 0; i-- {
		lines := wrap(t[i].text, n)
		h := float64(len(lines))*lh + 6*fs
		if y-h < col.y {
			break
		}
		y -= h
		out = append(out, placed{box: rect{col.x, y, col.w, h}, lines: lines, n: t[i]})
		y -= 3 * fs
	}
	if len(out) == 0 {
		return nil, col.bottom()
	}
	return out, out[len(out)-1].box.y
}

// alpha is a notice's opacity: it fades out over its last half second.
func (n toast) alpha() float64 {
	if left := toastTicks - n.age; left < 30 {
		return float64(left) / 30
	}
	return 1
}

// drawColumn draws the notices inColumn placed.
func drawColumn(dst *ebiten.Image, ps []placed, s int) {
	fs := float64(s)
	lh := float64(lineHeight(s))
	for _, p := range ps {
		a, b := p.n.alpha(), p.box
		fillRect(dst, b.x, b.y, b.w, b.h, scaleCol(colPanel, 1, 0.92*a))
		fillRect(dst, b.x, b.y, 3*fs, b.h, scaleCol(p.n.col, 1, a))
		for i, line := range p.lines {
			regular.text(dst, line, b.x+10*fs, b.y+3*fs+float64(i)*lh, s, scaleCol(mixCol(p.n.col, colText, 0.5), 1, a), left)
		}
	}
}

// draw draws the notices upwards from y, centred on x.
func (t toasts) draw(dst *ebiten.Image, x, y float64, s int) {
	lh := float64(lineHeight(s) + 8*s)
	for i := len(t) - 1; i >= 0; i-- {
		n := t[i]
		a := n.alpha()
		w := float64(textWidth(n.text, s) + 24*s)
		y -= lh + float64(4*s)
		fillRect(dst, x-w/2, y, w, lh, scaleCol(colPanel, 1, 0.92*a))
		fillRect(dst, x-w/2, y, float64(3*s), lh, scaleCol(n.col, 1, a))
		regular.text(dst, n.text, x, y+float64(4*s), s, scaleCol(mixCol(n.col, colText, 0.5), 1, a), center)
	}
}

// overHint places the newest notice over a screen's bottom line of height
// h (a match's hint line), centred, cut to the width of a W x H window.
func (t toasts) overHint(W, H, h float64, s int) []placed {
	if len(t) == 0 {
		return nil
	}
	fs := float64(s)
	n := t[len(t)-1]
	line := fit(n.text, int((W-40*fs)/(8*fs)))
	w := float64(textWidth(line, s)) + 20*fs
	return []placed{{box: rect{(W - w) / 2, H - h, w, h}, lines: []string{line}, n: n}}
}
