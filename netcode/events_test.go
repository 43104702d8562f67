package netcode

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/peerstep/peerstep/lockstep"
)

// TestEngineEventsCarryDetail: what the engine says of a desync and an
// interruption reaches the game's Event, and its String.
func TestEngineEventsCarryDetail(t *testing.T) {
	tests := []struct {
		name    string
		in      lockstep.Event
		want    Event
		strings []string
	}{
		{
			"desync",
			lockstep.Event{Kind: lockstep.EventDesync, Frame: 90, Players: []lockstep.PlayerID{2},
				Checksum: 0xaaaa, Remote: []lockstep.PlayerChecksum{{Player: 1, Sum: 0xaaaa}, {Player: 2, Sum: 0xbbbb}},
				Diverged: []lockstep.PlayerID{2}},
			Event{Kind: EventDesync, Frame: 90, Players: []int{2},
				Checksum: 0xaaaa, Remote: []PlayerChecksum{{Player: 1, Sum: 0xaaaa}, {Player: 2, Sum: 0xbbbb}},
				Diverged: []int{2}},
			[]string{"frame 90", "000000000000aaaa here", "000000000000aaaa from player 1", "000000000000bbbb from player 2",
				"diverged from the majority: [2]"},
		},
		{
			"desync of two",
			lockstep.Event{Kind: lockstep.EventDesync, Frame: 30, Players: []lockstep.PlayerID{1},
				Checksum: 0xaaaa, Remote: []lockstep.PlayerChecksum{{Player: 1, Sum: 0xbbbb}}},
			Event{Kind: EventDesync, Frame: 30, Players: []int{1},
				Checksum: 0xaaaa, Remote: []PlayerChecksum{{Player: 1, Sum: 0xbbbb}}},
			[]string{"frame 30", "no majority"},
		},
		{
			"interrupted",
			lockstep.Event{Kind: lockstep.EventInterrupted, Player: 1, UntilDrop: 1500 * time.Millisecond},
			Event{Kind: EventInterrupted, Player: 1, UntilDrop: 1500 * time.Millisecond},
			[]string{"player 1", "dropped in 1.5s"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &core{}
			c.engineEvents([]lockstep.Event{tt.in})
			if len(c.events) != 1 {
				t.Fatalf("events %v, want one", c.events)
			}
			got := c.events[0]
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("event %+v, want %+v", got, tt.want)
			}
			for _, s := range tt.strings {
				if !strings.Contains(got.String(), s) {
					t.Errorf("String() = %q, missing %q", got.String(), s)
				}
			}
		})
	}
}

// TestLobbyHandshakeEvents: as the lobby's links come up every player hears
// of each (EventPlayerLinked, counting up to all the others) and then that
// every player reaches every other (EventLobbyReady), before the start.
func TestLobbyHandshakeEvents(t *testing.T) {
	peers := lobby(t, 3, nil, 21)
	for i, p := range peers {
		var linked []Event
		ready, started := -1, -1
		for k, e := range p.Events() {
			switch e.Kind {
			case EventPlayerLinked:
				linked = append(linked, e)
			case EventLobbyReady:
				if ready < 0 {
					ready = k
				}
				if e.Of != 3 {
					t.Errorf("player %d: %v: Of %d, want 3", i, e, e.Of)
				}
			case EventStarted:
				started = k
			}
		}
		if len(linked) != 2 {
			t.Fatalf("player %d heard of %d links, want 2: %v", i, len(linked), linked)
		}
		seen := map[int]bool{}
		for n, e := range linked {
			if e.Player == i || seen[e.Player] || e.Of != 2 || len(e.Players) != n+1 {
				t.Errorf("player %d: link event %d is %q (player %d, %v of %d)", i, n, e, e.Player, e.Players, e.Of)
			}
			seen[e.Player] = true
		}
		if ready < 0 || started >= 0 && ready > started {
			t.Errorf("player %d: lobby-ready at event %d, started at %d", i, ready, started)
		}
	}
}
