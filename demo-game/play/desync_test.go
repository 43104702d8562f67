package play

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/peerstep/peerstep/demo-game/sim"
	"github.com/peerstep/peerstep/netcode"
)

func TestDesyncText(t *testing.T) {
	names := []string{"ada", "bob", "carol", "dan"}
	for _, tc := range []struct {
		name     string
		local    int
		players  []int
		diverged []int
		want     string
	}{
		{"two players, no majority", 0, []int{1}, nil, "desync at frame 60 with bob"},
		{"another diverged", 0, []int{2}, []int{2}, "desync at frame 60: carol went a different way"},
		{"two diverged", 0, []int{1, 3}, []int{1, 3}, "desync at frame 60: bob and dan went a different way"},
		{"this one diverged", 2, []int{0, 1, 3}, []int{2}, "desync at frame 60: your game went its own way"},
		{"a tie", 0, []int{2, 3}, nil, "desync at frame 60 with carol and dan"},
		{"unknown player", 0, []int{9}, []int{9}, "desync at frame 60: player 9 went a different way"},
		{"nothing named", 0, nil, nil, "desync at frame 60"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := netcode.Event{Kind: netcode.EventDesync, Frame: 60, Players: tc.players, Diverged: tc.diverged}
			if got := DesyncText(names, tc.local, e); got != tc.want {
				t.Errorf("DesyncText = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestRepairText(t *testing.T) {
	e := netcode.Event{Kind: netcode.EventResynced, Player: 0, Frame: 131}
	if got, want := RepairText([]string{"ada", "bob"}, e), "desync repaired: your game took ada's state of frame 131"; got != want {
		t.Errorf("RepairText = %q, want %q", got, want)
	}
	e.Player = 7
	if got, want := RepairText([]string{"ada"}, e), "desync repaired: your game took player 7's state of frame 131"; got != want {
		t.Errorf("RepairText = %q, want %q", got, want)
	}
}

// TestDesyncRepaired: one player's Neon Trails state goes astray (it steps
// once more than the frames say, as a bug would); with three players the
// majority's state repairs it, with two the host's (the game's choice).
// The repaired player sees a notice, and every player ends at frame 480
// with the same checksum.
func TestDesyncRepaired(t *testing.T) {
	for _, n := range []int{3, 2} {
		t.Run(fmt.Sprintf("%d players", n), func(t *testing.T) {
			const corruptAt, end = 60, 480
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			opts := func(name string) Options {
				return Options{Name: name, ListenAddr: loopback, Reach: netcode.Local(), RoundsToWin: 9}
			}
			host, err := Host(ctx, opts("ada"))
			if err != nil {
				t.Fatal(err)
			}
			lobbies := []*Lobby{host}
			for i := 1; i < n; i++ {
				l, err := Join(ctx, host.Code(), opts(fmt.Sprintf("p%d", i)))
				if err != nil {
					t.Fatal(err)
				}
				lobbies = append(lobbies, l)
			}
			for _, l := range lobbies {
				defer l.Close()
			}
			matches := make([]*Match, n)
			for started := 0; started < n; {
				if info := host.Info(); info.Ready && len(info.Players) == n {
					_ = host.Start()
				}
				for i, l := range lobbies {
					if matches[i] != nil {
						continue
					}
					m, err := l.Update()
					if err != nil {
						t.Fatal(err)
					}
					if m != nil {
						m.StopAfter(end)
						matches[i], started = m, started+1
					}
				}
				select {
				case <-ctx.Done():
					t.Fatalf("%d of %d matches started", started, n)
				case <-time.After(10 * time.Millisecond):
				}
			}
			stray := matches[n-1]
			corrupted := false
			var repaired []Notice
			tick := time.NewTicker(time.Second / 60)
			defer tick.Stop()
			for done := false; !done; {
				<-tick.C
				if ctx.Err() != nil {
					t.Fatalf("not every player reached frame %d: %d, %d", end, matches[0].Frames(), stray.Frames())
				}
				done = true
				for i, m := range matches {
					if err := m.Tick(sim.Bot(m.State(), m.Local())); err != nil {
						t.Fatalf("player %d: %v", i, err)
					}
					for _, nt := range m.Notices() {
						if strings.HasPrefix(nt.Text, "desync repaired") {
							if m != stray {
								t.Errorf("player %d: %q", i, nt.Text)
							}
							repaired = append(repaired, nt)
						}
					}
					done = done && m.Frames() == end
				}
				if !corrupted && stray.Frames() >= corruptAt {
					stray.state.Step(make([]sim.Input, n), stray.present) // one step too many
					corrupted = true
				}
			}
			if len(repaired) != 1 {
				t.Fatalf("%d repair notices, want one: %v", len(repaired), repaired)
			}
			t.Logf("the stray player: %q", repaired[0].Text)
			for i, m := range matches {
				if got, want := m.State().Checksum(), matches[0].State().Checksum(); got != want {
					t.Errorf("player %d ends at frame %d with checksum %x, the host with %x", i, m.Frames(), got, want)
				}
			}
		})
	}
}
