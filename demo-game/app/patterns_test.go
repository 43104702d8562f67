package app

import (
	"fmt"
	"image/color"
	"testing"

	"github.com/peerstep/peerstep/demo-game/internal/prefs"
)

// styles is a pattern's look over the first n places of a trail.
func styles(tp trailPattern, n int) string {
	var out string
	for i := range n {
		out += fmt.Sprintf("%+v;", tp.at(i))
	}
	return out
}

// TestTrailPatterns: with patterns on, the eight riders' trails each look
// different from the others' along the first cells; with them off every
// trail is solid and lit all along.
func TestTrailPatterns(t *testing.T) {
	seen := map[string]int{}
	for p := range len(trailPatterns) {
		tp := patternFor(p, true)
		k := styles(tp, 84) // a multiple of every mask's and dot's period
		if q, ok := seen[k]; ok {
			t.Errorf("riders %d and %d have the same pattern: %s and %s", q, p, trailPatterns[q].name, tp.name)
		}
		seen[k] = p
		if tp.name == "" {
			t.Errorf("rider %d's pattern has no name", p)
		}
	}
	if patternFor(8, true) != patternFor(0, true) {
		t.Error("a ninth rider does not wrap to the first pattern")
	}
	for _, p := range []int{-1, 0, 3, 7} {
		for place := range 12 {
			if st := patternFor(p, false).at(place); st != (cellStyle{lit: true}) {
				t.Errorf("patterns off: rider %d at %d is %+v", p, place, st)
			}
		}
	}
	for _, tc := range []struct {
		pat   int
		place int
		want  cellStyle
	}{
		{1, 0, cellStyle{lit: true}},
		{1, 3, cellStyle{}},
		{1, 5, cellStyle{lit: true}},
		{2, 3, cellStyle{lit: true, thin: true, dot: true}},
		{2, 4, cellStyle{lit: true, thin: true}},
		{3, 9, cellStyle{lit: true, hollow: true}},
		{7, 2, cellStyle{hollow: true}},
		{4, -3, cellStyle{lit: true}}, // a place before the first counts as the first
	} {
		if got := trailPatterns[tc.pat].at(tc.place); got != tc.want {
			t.Errorf("%s at %d: %+v, want %+v", trailPatterns[tc.pat].name, tc.place, got, tc.want)
		}
	}
	if d := dimCol(color.RGBA{200, 100, 40, 128}); d != (color.RGBA{50, 25, 10, 128}) {
		t.Errorf("dimCol: %v", d)
	}
}

// TestTrailCell: a dimmed cell is drawn darker than a lit one, a thin
// cell narrower, and a double line adds the floor over its middle.
func TestTrailCell(t *testing.T) {
	k := color.RGBA{200, 200, 200, 255}
	draw := func(st cellStyle) (q, over quads) {
		trailCell(&q, &over, 0, 0, 8, 4, k, st, true, false)
		return q, over
	}
	lit, _ := draw(cellStyle{lit: true})
	dim, _ := draw(cellStyle{})
	thin, _ := draw(cellStyle{lit: true, thin: true})
	_, hollow := draw(cellStyle{lit: true, hollow: true})
	if len(lit.vs) != 8 || lit.vs[0].ColorR <= dim.vs[0].ColorR {
		t.Errorf("lit %d vertices of red %v, dimmed red %v", len(lit.vs), lit.vs[0].ColorR, dim.vs[0].ColorR)
	}
	if w := func(q quads) float32 { return q.vs[3].DstY - q.vs[0].DstY }; w(thin) >= w(lit) {
		t.Errorf("a thin line is %v thick, a solid one %v", w(thin), w(lit))
	}
	if len(hollow.vs) == 0 {
		t.Error("a double line put no floor over its middle")
	}
	var q, over quads
	drawPatternRun(&q, &over, 0, 0, 6, 5, 2, k)
	if len(q.vs) == 0 {
		t.Error("a swatch drew nothing")
	}
}

// TestPatternsOption: TRAILS turns the patterns on and off, in effect at
// once, and marks the options to be saved.
func TestPatternsOption(t *testing.T) {
	defer func() { patternsOn = false }()
	a := &App{snd: &sound{}, prefs: prefs.Default()}
	a.applyPrefs(a.prefs)
	o := newOptions(a)
	o.sel = optPatterns
	o.step(a, 1)
	if !a.prefs.Patterns || !patternsOn || !a.dirty {
		t.Errorf("patterns on: prefs %v, drawn %v, dirty %v", a.prefs.Patterns, patternsOn, a.dirty)
	}
	if o.value(a, optPatterns, false) == o.value(a, optPalette, false) {
		t.Error("TRAILS shows what COLOURS does")
	}
	o.step(a, -1)
	if a.prefs.Patterns || patternsOn {
		t.Errorf("patterns off again: prefs %v, drawn %v", a.prefs.Patterns, patternsOn)
	}
}
