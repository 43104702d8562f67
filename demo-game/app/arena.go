package app

import (
	"image"
	"image/color"
	"math"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/peerstep/peerstep/demo-game/sim"
)

// white is a 1x1 white source image for drawing coloured quads.
var white = func() *ebiten.Image {
	img := ebiten.NewImage(3, 3)
	img.Fill(color.White)
	return img.SubImage(image.Rect(1, 1, 2, 2)).(*ebiten.Image)
}()

// quads batches coloured rectangles into few draw calls.
type quads struct {
	vs []ebiten.Vertex
	is []uint16
}

func (q *quads) add(x, y, w, h float64, c color.RGBA) {
	if len(q.vs)+4 > 65000 {
		return
	}
	r, g, b, a := float32(c.R)/255, float32(c.G)/255, float32(c.B)/255, float32(c.A)/255
	n := uint16(len(q.vs))
	for _, p := range [4][2]float64{{x, y}, {x + w, y}, {x, y + h}, {x + w, y + h}} {
		q.vs = append(q.vs, ebiten.Vertex{DstX: float32(p[0]), DstY: float32(p[1]), SrcX: 1, SrcY: 1, ColorR: r, ColorG: g, ColorB: b, ColorA: a})
	}
	q.is = append(q.is, n, n+1, n+2, n+1, n+3, n+2)
}

func (q *quads) flush(dst *ebiten.Image, blend ebiten.Blend) {
	if len(q.vs) > 0 {
		dst.DrawTriangles(q.vs, q.is, white, &ebiten.DrawTrianglesOptions{Blend: blend})
	}
	q.vs, q.is = q.vs[:0], q.is[:0]
}

// effect is a short animation in the arena: a crash's burst.
type effect struct {
	x, y  int // cell
	col   color.RGBA
	age   int
	life  int
	seed  uint64
	round int
}

// arenaView draws a sim.State: glowing trails, riders, effects.
type arenaView struct {
	cells   *ebiten.Image // one pixel per cell, for the glow
	glow    *ebiten.Image // the halo, two pixels per cell
	pix     []byte
	q       quads
	over    quads // drawn over the trails: the floor inside double lines
	effects []effect
	// Where the arena was last drawn, for overlays.
	ox, oy, cell float64
	aw, ah       float64
}

// event adds the effect of a simulation event.
func (v *arenaView) event(st *sim.State, e sim.Event) {
	if e.Kind == sim.EventCrash {
		v.effects = append(v.effects, effect{x: e.X, y: e.Y, col: playerColor(e.Player), life: 45, seed: uint64(st.Tick())*131 + uint64(e.Player), round: st.Round()})
	}
}

// update ages the effects by one tick.
func (v *arenaView) update() {
	out := v.effects[:0]
	for _, e := range v.effects {
		e.age++
		if e.age < e.life {
			out = append(out, e)
		}
	}
	v.effects = out
}

// place computes where a state's arena goes inside the rectangle x, y, w, h:
// whole pixels per cell, centred.
func (v *arenaView) place(st *sim.State, x, y, w, h float64) {
	c := math.Max(2, math.Floor(math.Min(w/float64(st.Width()), h/float64(st.Height()))))
	v.cell = c
	v.aw, v.ah = c*float64(st.Width()), c*float64(st.Height())
	v.ox, v.oy = math.Floor(x+(w-v.aw)/2), math.Floor(y+(h-v.ah)/2)
}

// center returns the pixel centre of cell x, y.
func (v *arenaView) center(x, y int) (float64, float64) {
	return v.ox + (float64(x)+0.5)*v.cell, v.oy + (float64(y)+0.5)*v.cell
}

// trailColor is the colour of player p's trail, fading after its crash.
func trailColor(st *sim.State, r sim.Rider, p int) (color.RGBA, float64) {
	c := playerColor(p)
	if r.Alive || r.CrashTick < 0 {
		return c, 1
	}
	tps := st.Config().TicksPerSecond
	t := float64(st.Tick()-r.CrashTick) / float64(tps)
	return c, math.Max(0.15, 0.75-0.6*t)
}

// draw draws st into the rectangle; local is this player (-1: none).
func (v *arenaView) draw(dst *ebiten.Image, st *sim.State, x, y, w, h float64, local int, s int) {
	v.place(st, x, y, w, h)
	W, H := st.Width(), st.Height()
	c := v.cell
	riders := st.Riders()

	// The floor and its grid.
	glowRect(dst, v.ox-2, v.oy-2, v.aw+4, v.ah+4, colWall)
	fillRect(dst, v.ox, v.oy, v.aw, v.ah, colFloor)
	for gx := 4; gx < W; gx += 4 {
		v.q.add(v.ox+float64(gx)*c, v.oy, 1, v.ah, colGrid)
	}
	for gy := 4; gy < H; gy += 4 {
		v.q.add(v.ox, v.oy+float64(gy)*c, v.aw, 1, colGrid)
	}
	v.q.flush(dst, ebiten.BlendSourceOver)

	// The glow: the trails one pixel a cell, scaled up smoothly and
	// added a few times around.
	if v.cells == nil || v.cells.Bounds().Dx() != W || v.cells.Bounds().Dy() != H {
		v.cells = ebiten.NewImage(W, H)
		v.pix = make([]byte, 4*W*H)
	}
	cols := make([]color.RGBA, len(riders))
	fades := make([]float64, len(riders))
	for p, r := range riders {
		cols[p], fades[p] = trailColor(st, r, p)
	}
	for cy := range H {
		for cx := range W {
			i := 4 * (cy*W + cx)
			o := st.Cell(cx, cy)
			if o < 0 {
				v.pix[i], v.pix[i+1], v.pix[i+2], v.pix[i+3] = 0, 0, 0, 0
				continue
			}
			k := scaleCol(cols[o], 1, fades[o])
			v.pix[i], v.pix[i+1], v.pix[i+2], v.pix[i+3] = k.R, k.G, k.B, k.A
		}
	}
	v.cells.WritePixels(v.pix)
	// The halo is drawn at two pixels a cell into its own image, then
	// scaled up once: cheap even on a software renderer.
	gw, gh := 2*W+4, 2*H+4
	if v.glow == nil || v.glow.Bounds().Dx() != gw || v.glow.Bounds().Dy() != gh {
		v.glow = ebiten.NewImage(gw, gh)
	}
	v.glow.Clear()
	var op ebiten.DrawImageOptions
	op.Filter = ebiten.FilterLinear
	op.Blend = ebiten.BlendLighter
	for _, d := range [][3]float64{
		{0, 0, 0.35},
		{-1, 0, 0.16}, {1, 0, 0.16}, {0, -1, 0.16}, {0, 1, 0.16},
		{-2, 0, 0.08}, {2, 0, 0.08}, {0, -2, 0.08}, {0, 2, 0.08},
	} {
		op.GeoM.Reset()
		op.GeoM.Scale(2, 2)
		op.GeoM.Translate(2+d[0], 2+d[1])
		op.ColorScale.Reset()
		op.ColorScale.ScaleAlpha(float32(d[2]))
		v.glow.DrawImage(v.cells, &op)
	}
	op.GeoM.Reset()
	op.GeoM.Translate(-2, -2)
	op.GeoM.Scale(c/2, c/2)
	op.GeoM.Translate(v.ox, v.oy)
	op.ColorScale.Reset()
	dst.DrawImage(v.glow, &op)

	// The trails: a bright line through each cell, joined to the
	// neighbours of the same rider; with the options' patterns, each
	// rider's in a pattern of its own.
	t := math.Max(2, math.Round(c*0.45))
	joined := func(o, place, x, y int) bool {
		o2, p2 := st.Trail(x, y)
		return o2 == o && (p2 == place+1 || p2 == place-1)
	}
	pats := make([]trailPattern, len(riders))
	for p := range pats {
		pats[p] = patternFor(p, patternsOn)
	}
	for cy := range H {
		for cx := range W {
			o, place := st.Trail(cx, cy)
			if o < 0 {
				continue
			}
			k := scaleCol(mixCol(cols[o], colText, 0.2), 1, fades[o])
			px, py := v.ox+float64(cx)*c, v.oy+float64(cy)*c
			trailCell(&v.q, &v.over, px, py, c, t, k, pats[o].at(place), joined(o, place, cx+1, cy), joined(o, place, cx, cy+1))
		}
	}
	v.q.flush(dst, ebiten.BlendSourceOver)
	v.over.flush(dst, ebiten.BlendSourceOver)

	// The riders' heads.
	pulse := 0.5 + 0.5*math.Sin(float64(st.Tick())*0.25)
	for p, r := range riders {
		if !r.Alive {
			continue
		}
		col := playerColor(p)
		hx, hy := v.center(r.X, r.Y)
		halo := c * 1.6
		if r.Boost {
			halo = c * (2.2 + 0.4*pulse)
		}
		v.q.add(hx-halo/2, hy-halo/2, halo, halo, scaleCol(col, 1, 0.22))
		hs := math.Max(4, math.Round(c*1.1))
		v.q.add(hx-hs/2, hy-hs/2, hs, hs, mixCol(col, colText, 0.3))
		cs := math.Max(2, math.Round(c*0.5))
		v.q.add(hx-cs/2, hy-cs/2, cs, cs, colText)
		if p == local {
			rs := c*2.4 + 2*pulse
			v.q.flush(dst, ebiten.BlendLighter)
			strokeRect(dst, hx-rs/2, hy-rs/2, rs, rs, 1.5, scaleCol(colText, 1, 0.7))
		}
	}
	v.q.flush(dst, ebiten.BlendLighter)

	// Crash bursts: a ring and sparks in the rider's colour.
	for _, e := range v.effects {
		if e.round != st.Round() {
			continue
		}
		f := float64(e.age) / float64(e.life)
		ex, ey := v.center(e.x, e.y)
		ex = math.Max(v.ox, math.Min(v.ox+v.aw, ex))
		ey = math.Max(v.oy, math.Min(v.oy+v.ah, ey))
		a := 1 - f
		rr := c * (1 + 6*f)
		strokeRect(dst, ex-rr, ey-rr, 2*rr, 2*rr, math.Max(1, c/4), scaleCol(e.col, 1, a*0.8))
		seed := e.seed
		for range 14 {
			seed = seed*6364136223846793005 + 1442695040888963407
			ang := float64(seed>>40) / float64(1<<24) * 2 * math.Pi
			sp := c * (2 + 6*float64(seed>>20&0xfff)/4096)
			d := sp * math.Sqrt(f) * 1.5
			sz := math.Max(2, c*0.4*(1-f))
			v.q.add(ex+math.Cos(ang)*d-sz/2, ey+math.Sin(ang)*d-sz/2, sz, sz, scaleCol(mixCol(e.col, colText, 0.4), 1, a))
		}
	}
	v.q.flush(dst, ebiten.BlendLighter)
}

// labelName is the name on player p's label.
func labelName(names []string, p, local int) string {
	if p == local {
		return "YOU"
	}
	return names[p]
}

// labelRect is where rider r's name label goes: by its head, on the side
// it comes from, inside the arena as last placed.
func (v *arenaView) labelRect(r sim.Rider, name string, s int) rect {
	hx, hy := v.center(r.X, r.Y)
	lw := float64(textWidth(name, s) + 8*s)
	lh := float64(lineHeight(s) + 2*s)
	dx, dy := r.Dir.Delta()
	lx, ly := hx-lw/2, hy+v.cell*1.5
	if dy > 0 {
		ly = hy - v.cell*1.5 - lh
	}
	if dx != 0 {
		ly = hy - lh - v.cell
	}
	lx = math.Max(v.ox, math.Min(v.ox+v.aw-lw, lx))
	ly = math.Max(v.oy, math.Min(v.oy+v.ah-lh, ly))
	return rect{lx, ly, lw, lh}
}

// labelRects are the labels of the living riders, as drawLabels draws them.
func (v *arenaView) labelRects(st *sim.State, names []string, local int, s int) []rect {
	var out []rect
	for p, r := range st.Riders() {
		if r.Alive {
			out = append(out, v.labelRect(r, labelName(names, p, local), s))
		}
	}
	return out
}

// drawLabels draws each living rider's name by its head (at the start of a
// round, so that everyone finds themselves), with an arrow for its way.
func (v *arenaView) drawLabels(dst *ebiten.Image, st *sim.State, names []string, local int, s int) {
	for p, r := range st.Riders() {
		if !r.Alive {
			continue
		}
		name := labelName(names, p, local)
		col := playerColor(p)
		l := v.labelRect(r, name, s)
		fillRect(dst, l.x, l.y, l.w, l.h, scaleCol(colBG, 1, 0.85))
		strokeRect(dst, l.x, l.y, l.w, l.h, 1, col)
		bold.text(dst, name, l.x+l.w/2, l.y+float64(s), s, col, center)
		// The arrow: three dots ahead of the head.
		hx, hy := v.center(r.X, r.Y)
		dx, dy := r.Dir.Delta()
		for i := 1; i <= 3; i++ {
			ax, ay := hx+float64(dx*i)*v.cell*1.2, hy+float64(dy*i)*v.cell*1.2
			sz := math.Max(2, v.cell*0.5*(1-float64(i)*0.2))
			fillRect(dst, ax-sz/2, ay-sz/2, sz, sz, scaleCol(col, 1, 1-0.25*float64(i)))
		}
	}
}
