package app

import (
	"fmt"
	"testing"
)

// sizes are the window sizes the layouts must fit: the smallest the issue
// names, the e2e test's, the default, and a fullscreen laptop.
var sizes = [][2]int{{640, 360}, {800, 450}, {960, 540}, {1280, 720}, {1600, 900}, {1920, 1080}}

// named is a rectangle with a name for the test's messages.
type named struct {
	name string
	r    rect
}

// checkLayout fails t when one of rs leaves the W x H screen or two of
// them overlap.
func checkLayout(t *testing.T, W, H float64, rs []named) {
	t.Helper()
	screen := rect{0, 0, W, H}
	for i, a := range rs {
		if !a.r.within(screen) {
			t.Errorf("%s %+v is off the %gx%g screen", a.name, a.r, W, H)
		}
		for _, b := range rs[i+1:] {
			if a.r.overlaps(b.r) {
				t.Errorf("%s %+v overlaps %s %+v", a.name, a.r, b.name, b.r)
			}
		}
	}
}

func TestTextScale(t *testing.T) {
	tests := []struct{ w, h, want int }{
		{800, 450, 1}, {960, 540, 1}, {1280, 720, 1}, {1600, 900, 2}, {1920, 1080, 2}, {2560, 1440, 3},
		{1200, 1000, 1}, // narrow: the width decides
	}
	for _, tc := range tests {
		if got := textScale(tc.w, tc.h); got != tc.want {
			t.Errorf("textScale(%d, %d) = %d, want %d", tc.w, tc.h, got, tc.want)
		}
	}
}

func TestTitleLayout(t *testing.T) {
	foot := fmt.Sprintf("playing as %q  (O: options)   steer: arrows / WASD   boost: SPACE   M: mute   F11: fullscreen", "player")
	short := fmt.Sprintf("playing as %q   arrows/WASD + SPACE", "player")
	for _, sz := range sizes {
		W, H := float64(sz[0]), float64(sz[1])
		t.Run(fmt.Sprintf("%dx%d", sz[0], sz[1]), func(t *testing.T) {
			l := layTitle(W, H, textScale(sz[0], sz[1]), foot, short)
			checkLayout(t, W, H, []named{{"logo", l.logo}, {"stripe", l.stripe}, {"tagline", l.tagline},
				{"menu", l.backdrop}, {"hint", l.hint}, {"footer", l.foot}})
			for i, b := range l.buttons {
				if !b.within(l.backdrop) {
					t.Errorf("button %d %+v sticks out of the menu %+v", i, b, l.backdrop)
				}
			}
		})
	}
}

func TestLobbyLayout(t *testing.T) {
	codes := map[string]string{
		"direct": "PS2-477B-KKSH-8CMD-5AFS-VJ0Y-M0BZ-0000-2WHM-KAC0",
		"short":  "PS2-7KQ-M2X-9AB-CDE-FGH-J4W",
	}
	for _, sz := range sizes {
		for kind, code := range codes {
			for _, host := range []bool{true, false} {
				W, H := float64(sz[0]), float64(sz[1])
				t.Run(fmt.Sprintf("%dx%d/%s/host=%v", sz[0], sz[1], kind, host), func(t *testing.T) {
					s := textScale(sz[0], sz[1])
					l := layLobby(W, H, s, code, 8, host)
					rs := []named{{"title", l.head}, {"hint", l.hint}, {"code", l.code}, {"spoken", l.spoken}, {"copy", l.copyBtn},
						{"copy message", l.copyMsg}, {"players", l.players}, {"start", l.start}, {"footer", l.foot}}
					for i, r := range l.slots {
						rs = append(rs, named{fmt.Sprintf("slot %d", i), r})
					}
					checkLayout(t, W, H, rs)
					if float64(textWidth(l.footText, s)) > W {
						t.Errorf("the footer %q is wider than the screen", l.footText)
					}
					for _, line := range l.codeLines {
						if float64(textWidth(line, l.codeScale)) > l.code.w {
							t.Errorf("code line %q is wider than its box", line)
						}
					}
				})
			}
		}
	}
}
