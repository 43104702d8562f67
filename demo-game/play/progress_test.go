package play

import (
	"slices"
	"testing"
)

// TestProgress feeds Progress the frame counts of ticks that each ran a
// different number of frames: a tick that jumps past several multiples of
// the step reports all of them, in order, and none is reported twice.
func TestProgress(t *testing.T) {
	tests := []struct {
		name  string
		every int
		ticks []int   // the count after each tick
		want  [][]int // what each tick reports
	}{
		{"one frame a tick", 60, []int{59, 60, 61, 120}, [][]int{nil, {60}, nil, {120}}},
		// The CI flake: a catch-up tick went from 360 to 480 frames,
		// and "frame 420" was never printed.
		{"catch-up tick", 60, []int{360, 480}, [][]int{{60, 120, 180, 240, 300, 360}, {420, 480}}},
		{"several frames, between multiples", 60, []int{58, 62, 119, 125}, [][]int{nil, {60}, nil, {120}}},
		{"count stands still", 60, []int{60, 60, 60}, [][]int{{60}, nil, nil}},
		{"count goes back", 60, []int{120, 30, 150, 180}, [][]int{{60, 120}, nil, nil, {180}}},
		{"zero step", 0, []int{60, 120}, [][]int{nil, nil}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := Progress{Every: tc.every}
			for i, n := range tc.ticks {
				if got := p.Passed(n); !slices.Equal(got, tc.want[i]) {
					t.Errorf("tick %d (count %d): Passed = %v, want %v", i, n, got, tc.want[i])
				}
			}
		})
	}
}

// TestProgressEveryMultipleOnce: whatever the frames per tick, the
// multiples reported over a match are each multiple exactly once, in
// order.
func TestProgressEveryMultipleOnce(t *testing.T) {
	for _, batch := range []int{1, 2, 7, 59, 60, 61, 130} {
		p := Progress{Every: 60}
		var got []int
		for n := 0; n <= 600; n += batch {
			got = append(got, p.Passed(n)...)
		}
		got = append(got, p.Passed(600)...)
		want := []int{60, 120, 180, 240, 300, 360, 420, 480, 540, 600}
		if !slices.Equal(got, want) {
			t.Errorf("%d frames a tick: reported %v, want %v", batch, got, want)
		}
	}
}
