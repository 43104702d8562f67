package netcode

import (
	"testing"

	"github.com/peerstep/peerstep/lockstep"
)

// TestSessionQueries: ConfirmedFrame follows the match, and PeerStats finds
// one player's link by PlayerID.
func TestSessionQueries(t *testing.T) {
	if f := localHost(t, 2).ConfirmedFrame(); f != lockstep.NoFrame {
		t.Fatalf("ConfirmedFrame in the lobby = %d, want NoFrame", f)
	}
	peers := lobby(t, 3, nil, 9)
	for i, p := range peers {
		if f := p.ConfirmedFrame(); f != lockstep.NoFrame {
			t.Errorf("player %d: ConfirmedFrame before the first tick = %d, want NoFrame", i, f)
		}
	}
	const frames = 120
	res := play(t, peers, frames, nil)
	checkEqual(t, res, nil)
	for i, p := range peers {
		if f := p.ConfirmedFrame(); f < frames-1 {
			t.Errorf("player %d: ConfirmedFrame = %d after simulating %d frames", i, f, frames)
		}
		for _, tt := range []struct {
			p  lockstep.PlayerID
			ok bool
		}{{0, i != 0}, {1, i != 1}, {2, i != 2}, {3, false}, {200, false}} {
			ps, ok := p.PeerStats(tt.p)
			if ok != tt.ok {
				t.Errorf("player %d: PeerStats(%d) ok = %v, want %v", i, tt.p, ok, tt.ok)
				continue
			}
			if !ok {
				if ps != (PeerStats{}) {
					t.Errorf("player %d: PeerStats(%d) = %+v with ok false", i, tt.p, ps)
				}
				continue
			}
			if ps.Player != int(tt.p) || ps.Name == "" || ps.RTT <= 0 || ps.BytesSent == 0 {
				t.Errorf("player %d: PeerStats(%d) = %+v", i, tt.p, ps)
			}
		}
	}
}
