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
				Checksum: 0xaaaa, Remote: []lockstep.PlayerChecksum{{Player: 1, Sum: 0xaaaa}, {Player: 2, Sum: 0xbbbb}}},
			Event{Kind: EventDesync, Frame: 90, Players: []int{2},
				Checksum: 0xaaaa, Remote: []PlayerChecksum{{Player: 1, Sum: 0xaaaa}, {Player: 2, Sum: 0xbbbb}}},
			[]string{"frame 90", "000000000000aaaa here", "000000000000aaaa from player 1", "000000000000bbbb from player 2"},
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
