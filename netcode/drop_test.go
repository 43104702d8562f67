package netcode

import (
	"errors"
	"sync"
	"testing"

	"github.com/peerstep/peerstep/lockstep"
)

// TestDropPlayer: a game drops a player who is still playing (a
// vote-kick). The others agree on the frame it leaves at and play on with
// equal checksums; the kicked player learns that frame and Tick says
// ErrDropped.
func TestDropPlayer(t *testing.T) {
	if err := localHost(t, 2).DropPlayer(1); !errors.Is(err, ErrNotStarted) {
		t.Fatalf("DropPlayer in the lobby = %v, want ErrNotStarted", err)
	}
	peers := lobby(t, 3, nil, 5)
	const kicker, kicked = 1, 2
	var once sync.Once
	var callErrs []error
	res := playHooked(t, peers, 400, playHooks{
		onTick: func(i int, f lockstep.Frame) {
			if i != kicker || f < 150 {
				return
			}
			once.Do(func() {
				s := peers[kicker]
				callErrs = []error{
					s.DropPlayer(kicked),
					s.DropPlayer(kicked),
					s.DropPlayer(lockstep.PlayerID(kicker)),
					s.DropPlayer(3),
				}
			})
		},
	})
	want := []error{nil, ErrAlreadyDropped, ErrLocalPlayer, ErrUnknownPlayer}
	if len(callErrs) != len(want) {
		t.Fatalf("DropPlayer was called %d times, want %d", len(callErrs), len(want))
	}
	for k, err := range callErrs {
		if (want[k] == nil && err != nil) || (want[k] != nil && !errors.Is(err, want[k])) {
			t.Errorf("DropPlayer call %d = %v, want %v", k, err, want[k])
		}
	}
	checkEqual(t, res, map[int]bool{kicked: true})
	var left []lockstep.Frame
	for i := range 2 {
		for _, e := range res[i].events {
			if e.Kind == EventPlayerLeft && e.Player == kicked {
				left = append(left, e.Frame)
			}
		}
	}
	if len(left) != 2 || left[0] != left[1] || left[0] < 150 {
		t.Fatalf("players 0 and 1 saw player %d leave at frames %v, want one frame from 150 on", kicked, left)
	}
	if !errors.Is(res[kicked].err, ErrDropped) {
		t.Errorf("the kicked player's loop ended with %v, want ErrDropped", res[kicked].err)
	}
	// Its loop ended on the Tick that said so, before reading events.
	res[kicked].events = append(res[kicked].events, peers[kicked].Events()...)
	told := lockstep.NoFrame
	for _, e := range res[kicked].events {
		if e.Kind == EventDropped {
			told = e.Frame
		}
	}
	if told != left[0] {
		t.Errorf("the kicked player was told frame %d, the others agreed on %d; events %v", told, left[0], res[kicked].events)
	}
	if err := peers[0].DropPlayer(kicked); !errors.Is(err, ErrAlreadyDropped) {
		t.Errorf("DropPlayer of a player who left = %v, want ErrAlreadyDropped", err)
	}
	if err := peers[kicked].DropPlayer(0); !errors.Is(err, ErrDropped) {
		t.Errorf("DropPlayer by a dropped player = %v, want ErrDropped", err)
	}
}
