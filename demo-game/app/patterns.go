package app

import (
	"image/color"
	"math"
)

// trailPattern is how a rider's trail is drawn when the options' trail
// patterns are on: a shape of its own beside its colour, so that riders
// are told apart by players who cannot tell the colours apart. It is
// drawing only: the simulation never sees it.
type trailPattern struct {
	name     string // what the options screen calls it
	mask     string // per trail place, '#' lit and '.' dimmed (dashes); "" is lit all along
	thin     bool   // a thread a third as thick
	dotEvery int    // a larger square every dotEvery places; 0 for none
	hollow   bool   // two edges with the floor between: a double line
}

// trailPatterns are the eight riders' patterns, in player order.
var trailPatterns = [...]trailPattern{
	{name: "solid"},
	{name: "dashes", mask: "###.."},
	{name: "dots", thin: true, dotEvery: 3},
	{name: "double", hollow: true},
	{name: "short dashes", mask: "#."},
	{name: "beads", dotEvery: 4},
	{name: "dash-dot", mask: "####.#."},
	{name: "dashed double", hollow: true, mask: "##."},
}

// patternsOn says the trails are drawn with trailPatterns (the options'
// patterns), as playerColors says which palette they have.
var patternsOn bool

// patternFor is player p's trail pattern: solid for everyone when
// patterns are off.
func patternFor(p int, on bool) trailPattern {
	if !on || p < 0 {
		return trailPatterns[0]
	}
	return trailPatterns[p%len(trailPatterns)]
}

// cellStyle is how one cell of a trail is drawn.
type cellStyle struct {
	lit    bool // in the trail's colour; else dimmed
	thin   bool
	dot    bool
	hollow bool
}

// at is the style of the cell at a trail's place (its order along the
// trail, from sim.State.Trail).
func (tp trailPattern) at(place int) cellStyle {
	place = max(place, 0)
	st := cellStyle{lit: true, thin: tp.thin, hollow: tp.hollow}
	if tp.mask != "" {
		st.lit = tp.mask[place%len(tp.mask)] == '#'
	}
	st.dot = tp.dotEvery > 0 && place%tp.dotEvery == 0
	return st
}

// dimCol is c at a quarter of its brightness, alpha kept: the dark part
// of a dash, still a wall to see.
func dimCol(c color.RGBA) color.RGBA {
	return color.RGBA{c.R / 4, c.G / 4, c.B / 4, c.A}
}

// trailCell adds one trail cell at pixel px, py of a grid of c pixels a
// cell, in colour k and style st, joined to the cell on its right and the
// one below when right and down say so. The line is t pixels thick. The
// floor between a double line's edges goes to over, to be drawn after
// every cell's line.
func trailCell(q, over *quads, px, py, c, t float64, k color.RGBA, st cellStyle, right, down bool) {
	col := k
	if !st.lit {
		col = dimCol(k)
	}
	lt := t
	if st.thin {
		lt = math.Max(1, math.Round(t/3))
	}
	in := (c - lt) / 2
	q.add(px+in, py+in, lt, lt, col)
	if right {
		q.add(px+in+lt, py+in, c-lt, lt, col)
	}
	if down {
		q.add(px+in, py+in+lt, lt, c-lt, col)
	}
	if st.dot {
		ds := math.Min(c, math.Round(t*1.7))
		q.add(px+(c-ds)/2, py+(c-ds)/2, ds, ds, k)
	}
	if st.hollow && lt >= 3 {
		gap := math.Max(1, math.Round(lt/3))
		gin := (c - gap) / 2
		floor := colFloor
		over.add(px+gin, py+gin, gap, gap, floor)
		if right {
			over.add(px+gin+gap, py+gin, c-gap, gap, floor)
		}
		if down {
			over.add(px+gin, py+gin+gap, gap, c-gap, floor)
		}
	}
}

// drawPatternRun adds n cells of c pixels of player p's trail pattern in
// a column from x, y down, in colour k: the pattern's swatch.
func drawPatternRun(q, over *quads, x, y, c float64, n, p int, k color.RGBA) {
	pat := patternFor(p, true)
	t := math.Max(2, math.Round(c*0.45))
	for i := range n {
		trailCell(q, over, x, y+float64(i)*c, c, t, k, pat.at(i), false, i < n-1)
	}
}
