package play

import (
	"testing"

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
