package app

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/peerstep/peerstep/demo-game/play"
	"github.com/peerstep/peerstep/demo-game/sim"
)

// TestEscLeaves: the results say "ESC: leave", and one ESC does; in play
// it takes a second press while the first is armed.
func TestEscLeaves(t *testing.T) {
	tests := []struct {
		name        string
		kind        play.Kind
		phase       sim.Phase
		done, armed bool
		want        bool
	}{
		{"results", play.Online, sim.MatchOver, false, false, true},
		{"practice results", play.Practice, sim.MatchOver, false, false, true},
		{"playing, first press", play.Online, sim.Playing, false, false, false},
		{"countdown, first press", play.Online, sim.Countdown, false, false, false},
		{"round over, first press", play.Practice, sim.RoundOver, false, false, false},
		{"playing, second press", play.Online, sim.Playing, false, true, true},
		{"the match ended", play.Online, sim.Playing, true, false, true},
		{"replay", play.Replay, sim.Playing, false, false, true},
	}
	for _, tc := range tests {
		if got := escLeaves(tc.kind, tc.phase, tc.done, tc.armed); got != tc.want {
			t.Errorf("%s: escLeaves = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestMatchLayout: the player rows fit the side column; the net graph
// docks under them, out of the arena, whenever there is room, which there
// is for five players at every size from 800x450 and eight at 1280x720.
// (Below 800x450 eight rows of two lines no longer fit the column.)
func TestMatchLayout(t *testing.T) {
	for _, sz := range sizes[1:] {
		for players := 2; players <= sim.MaxPlayers; players++ {
			for _, graph := range []bool{false, true} {
				W, H := float64(sz[0]), float64(sz[1])
				t.Run(fmt.Sprintf("%dx%d/%d/graph=%v", sz[0], sz[1], players, graph), func(t *testing.T) {
					s := textScale(sz[0], sz[1])
					l := layMatch(W, H, s, players, graph)
					arena := rect{l.ax, l.ay, l.aw, l.ah}
					column := rect{l.sideX, l.ay, l.sideW, l.ah}
					rs := []named{{"arena", arena}, {"feed", l.feed}}
					for i, r := range l.rows {
						if !r.within(column) {
							t.Errorf("row %d %+v leaves the side column %+v", i, r, column)
						}
						rs = append(rs, named{fmt.Sprintf("row %d", i), r})
					}
					if graph && !l.graphOver {
						rs = append(rs, named{"graph", l.graph})
						if !l.graph.within(column) {
							t.Errorf("the graph %+v leaves the side column %+v", l.graph, column)
						}
					}
					checkLayout(t, W, H, rs)
					if graph && l.graph.empty() {
						t.Error("no room for the graph at all")
					}
					wantDocked := players <= 5 || (sz == [2]int{1280, 720})
					if graph && wantDocked && l.graphOver {
						t.Errorf("the graph is over the arena, with room in the column")
					}
					if graph && l.graphOver && !l.graph.within(arena) {
						t.Errorf("the graph %+v over the arena leaves it %+v", l.graph, arena)
					}
				})
			}
		}
	}
}

// TestFeedRows: a feed line too long for the column wraps between words
// and keeps names whole.
func TestFeedRows(t *testing.T) {
	dim := colDim
	name := func(n string) feedPart { return feedPart{text: n, col: colAccent, name: true} }
	tests := []struct {
		parts []feedPart
		n     int
		want  []string
	}{
		{[]feedPart{name("bot-Nova"), {text: " crashed into ", col: dim}, name("bot-Volt")}, 23,
			[]string{"bot-Nova crashed into", "bot-Volt"}},
		{[]feedPart{name("bot-Nova"), {text: " crashed into ", col: dim}, name("bot-Volt")}, 40,
			[]string{"bot-Nova crashed into bot-Volt"}},
		{[]feedPart{name("you"), {text: " and ", col: dim}, name("bot-Pixel"), {text: " met head on", col: dim}}, 20,
			[]string{"you and bot-Pixel", "met head on"}},
		{[]feedPart{name("averyveryverylongname"), {text: " hit the wall", col: dim}}, 12,
			[]string{"averyvery...", "hit the", "wall"}},
	}
	for _, tc := range tests {
		var got []string
		for i, row := range feedRows(tc.parts, tc.n) {
			var b strings.Builder
			for _, p := range row {
				b.WriteString(p.text)
			}
			width := tc.n
			if i > 0 {
				width = tc.n - 2
			}
			if b.Len() > width {
				t.Errorf("row %q is longer than %d", b.String(), width)
			}
			got = append(got, b.String())
		}
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("feedRows at %d = %q, want %q", tc.n, got, tc.want)
		}
	}
}

// TestCountdownSubtitle: the countdown's subtitle covers no rider's name
// label, in the first round of three players at 800x600 (the issue's
// case) and at other sizes and crowds, for many seeds.
func TestCountdownSubtitle(t *testing.T) {
	loadFonts()
	sub := "steer with the arrows - last rider standing wins"
	names := []string{"ada", "bot-Volt", "bot-Nova", "bot-Pixel", "bot-Rune", "bot-Echo", "bot-Zed", "bot-Flux"}
	for _, sz := range [][2]int{{800, 600}, {800, 450}, {1280, 720}, {1600, 900}} {
		for _, players := range []int{2, 3, 4, 8} {
			for seed := uint64(1); seed <= 40; seed++ {
				st, err := sim.New(sim.Config{Players: players, Seed: seed})
				if err != nil {
					t.Fatal(err)
				}
				if st.Phase() != sim.Countdown {
					t.Fatalf("a new match is in phase %v, not the countdown", st.Phase())
				}
				W, H := float64(sz[0]), float64(sz[1])
				s := textScale(sz[0], sz[1])
				l := layMatch(W, H, s, players, false)
				var v arenaView
				v.place(st, l.ax, l.ay, l.aw, l.ah)
				labels := v.labelRects(st, names[:players], 0, s)
				r := countdownPlace(&v, s, sub, labels)
				arena := rect{v.ox, v.oy, v.aw, v.ah}
				if !r.within(arena) {
					t.Errorf("%dx%d, %d players, seed %d: the subtitle %+v leaves the arena %+v", sz[0], sz[1], players, seed, r, arena)
				}
				if r.overlaps(countdownDigit(&v, s)) {
					t.Errorf("%dx%d, %d players, seed %d: the subtitle %+v covers the digit", sz[0], sz[1], players, seed, r)
				}
				for i, lb := range labels {
					if r.overlaps(lb) {
						t.Errorf("%dx%d, %d players, seed %d: the subtitle %+v covers label %d %+v", sz[0], sz[1], players, seed, r, i, lb)
					}
				}
			}
		}
	}
}

// TestToastsOffArena: in a match the notices stack at the foot of the
// side column, wrapped to its width, never over the arena, the player
// rows or the net graph; where the column has no room for one (eight
// players in a small window), the newest covers the hint line instead.
// Five players at 800x450 (the e2e's match) see all three of a dropped
// player's notices.
func TestToastsOffArena(t *testing.T) {
	var ts toasts
	for _, n := range []string{"carol is not answering...", "carol is back", "carol left: the match goes on"} {
		ts.add(n, colAccent)
	}
	for _, sz := range sizes[1:] {
		for players := 2; players <= sim.MaxPlayers; players++ {
			for _, graph := range []bool{false, true} {
				W, H := float64(sz[0]), float64(sz[1])
				t.Run(fmt.Sprintf("%dx%d/%d/graph=%v", sz[0], sz[1], players, graph), func(t *testing.T) {
					s := textScale(sz[0], sz[1])
					l := layMatch(W, H, s, players, graph)
					ps, top := ts.inColumn(l.feed, s)
					if len(ps) == 0 {
						ps = ts.overHint(W, H, l.bottom, s)
					}
					if len(ps) == 0 {
						t.Fatal("no notice placed at all")
					}
					if players == 5 && sz == [2]int{800, 450} && !graph && len(ps) != 3 {
						t.Errorf("%d of 3 notices placed", len(ps))
					}
					rs := []named{{"arena", rect{l.ax, l.ay, l.aw, l.ah}}}
					for i, r := range l.rows {
						rs = append(rs, named{fmt.Sprintf("row %d", i), r})
					}
					if graph && !l.graphOver { // a graph over the arena is translucent
						rs = append(rs, named{"graph", l.graph})
					}
					for i, p := range ps {
						rs = append(rs, named{fmt.Sprintf("notice %d %q", i, p.n.text), p.box})
						if i == 0 && p.n.text != "carol left: the match goes on" {
							t.Errorf("the first placed is %q, not the newest", p.n.text)
						}
						for _, line := range p.lines {
							if float64(textWidth(line, s))+10*float64(s) > p.box.w {
								t.Errorf("%q is wider than its notice %+v", line, p.box)
							}
						}
						if p.box.y < top {
							t.Errorf("notice %+v above the top %g it reports", p.box, top)
						}
					}
					checkLayout(t, W, H, rs)
				})
			}
		}
	}
}

// TestStatusOffArena: the status panel ("waiting for carol", "paused by
// ada") never covers the arena, the player rows or a docked net graph,
// and its lines fit it, at every size and crowd; where it takes the side
// column the notices still fit under it.
func TestStatusOffArena(t *testing.T) {
	var ts toasts
	ts.add("carol is not answering...", colAccent)
	texts := [][2]string{
		{"waiting for carol", "the match goes on as soon as their input arrives"},
		{"paused by a-rather-long-player-name", "press P to resume   2 of 5 agree"},
	}
	for _, sz := range sizes {
		for players := 2; players <= sim.MaxPlayers; players++ {
			for _, graph := range []bool{false, true} {
				if sz == sizes[0] && players == sim.MaxPlayers {
					continue // eight rows do not fit 640x360's column (TestMatchLayout)
				}
				for _, tx := range texts {
					W, H := float64(sz[0]), float64(sz[1])
					t.Run(fmt.Sprintf("%dx%d/%d/graph=%v/%s", sz[0], sz[1], players, graph, tx[0]), func(t *testing.T) {
						s := textScale(sz[0], sz[1])
						l := layMatch(W, H, s, players, graph)
						b := layStatus(l, W, s, tx[0], tx[1])
						rs := []named{{"arena", rect{l.ax, l.ay, l.aw, l.ah}}, {"status", b.box}}
						for i, r := range l.rows {
							rs = append(rs, named{fmt.Sprintf("row %d", i), r})
						}
						if graph && !l.graphOver {
							rs = append(rs, named{"graph", l.graph})
						}
						if !b.band {
							feed := statusFeed(l, b, s)
							if ps, _ := ts.inColumn(feed, s); len(ps) > 0 {
								rs = append(rs, named{"notice", ps[0].box})
							}
						}
						checkLayout(t, W, H, rs)
						if len(b.title) == 0 {
							t.Fatal("the status panel has no headline")
						}
						for _, line := range append(append([]string(nil), b.title...), b.sub...) {
							if float64(textWidth(line, s))+16*float64(s) > b.box.w {
								t.Errorf("%q is wider than the panel %+v", line, b.box)
							}
						}
						if b.band && !graph && players <= 5 && sz[1] >= 450 {
							t.Errorf("the panel is a band with room in the column")
						}
					})
				}
			}
		}
	}
}

// TestPauseText: the pause panel says who paused and what is left to do:
// press P, wait for whom, or the countdown; a player who left is not
// waited for.
func TestPauseText(t *testing.T) {
	names := []string{"ada", "bob", "carol"}
	st, err := sim.New(sim.Config{Players: 3, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	here := []bool{true, true, true}
	present := func(p int) bool { return here[p] }
	press := func(ps ...int) {
		in := make([]sim.Input, 3)
		for _, p := range ps {
			in[p] = in[p].WithPause(true)
		}
		st.Step(in, here)
	}
	check := func(local int, title, sub string) {
		t.Helper()
		gt, gs, _ := pauseText(st, names, local, present, ebiten.KeyP)
		if gt != title || gs != sub {
			t.Errorf("player %d sees %q / %q, want %q / %q", local, gt, gs, title, sub)
		}
	}
	press(1)
	check(0, "paused by bob", "press P to resume (0 of 3 agree)")
	check(1, "paused by you", "press P to resume (0 of 3 agree)")
	press(0)
	check(0, "paused by bob", "waiting for bob to press P (1 of 3 agree)")
	check(-1, "paused by bob", "waiting for bob to press P (1 of 3 agree)")
	press(1)
	check(1, "paused by you", "waiting for carol to press P (2 of 3 agree)")
	here[2] = false
	press()
	check(0, "paused by bob", "resuming in 3")
}
