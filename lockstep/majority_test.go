package lockstep

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

func TestDiverged(t *testing.T) {
	sums := func(s ...uint64) []PlayerChecksum {
		out := make([]PlayerChecksum, len(s))
		for i, v := range s {
			out[i] = PlayerChecksum{Player: PlayerID(i), Sum: v}
		}
		return out
	}
	tests := []struct {
		name string
		sums []PlayerChecksum
		want []PlayerID
	}{
		{"none", nil, nil},
		{"one", sums(7), nil},
		{"two agree", sums(7, 7), nil},
		{"two differ: no one can say", sums(7, 8), nil},
		{"three, one off", sums(7, 8, 7), []PlayerID{1}},
		{"three, all differ", sums(7, 8, 9), nil},
		{"four, a tie", sums(7, 7, 8, 8), nil},
		{"four, one off", sums(8, 7, 7, 7), []PlayerID{0}},
		{"four, two apart", sums(7, 8, 7, 9), nil},
		{"five, two off apart", sums(7, 8, 7, 9, 7), []PlayerID{1, 3}},
		{"out of order", []PlayerChecksum{{5, 1}, {2, 9}, {0, 1}, {9, 1}, {1, 8}}, []PlayerID{1, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Diverged(tt.sums); !slices.Equal(got, tt.want) {
				t.Errorf("Diverged(%v) = %v, want %v", tt.sums, got, tt.want)
			}
		})
	}
}

// TestDesyncMajority: one peer's state goes astray at a checksum frame;
// every peer, the stray one too, raises one EventDesync for that frame
// naming it as diverged (none with two players, where no one can say),
// over a lossy network.
func TestDesyncMajority(t *testing.T) {
	const K, bad = 10, 60
	for _, n := range []int{2, 3, 4, 5} {
		for _, loss := range []float64{0, 0.1} {
			t.Run(fmt.Sprintf("%d players, %.0f%% loss", n, loss*100), func(t *testing.T) {
				m := newMatch(uint64(n), n, Config{InputDelay: 3, ChecksumInterval: K}, 30*time.Millisecond, 5*time.Millisecond, 200)
				m.net.loss = loss
				stray := PlayerID(n - 1)
				for i, p := range m.peers {
					p.checksum = func(f Frame, sum uint64) uint64 {
						if PlayerID(i) == stray && f >= bad {
							return sum ^ 1
						}
						return sum
					}
				}
				m.run()
				var want []PlayerID
				if n >= 3 {
					want = []PlayerID{stray}
				}
				for i, p := range m.peers {
					var evs []Event
					for _, e := range p.events {
						if e.Kind == EventDesync && e.Frame == bad {
							evs = append(evs, e)
						}
					}
					if len(evs) != 1 {
						t.Fatalf("peer %d: %d desync events for frame %d, want one: %v", i, len(evs), bad, p.events)
					}
					if ev := evs[0]; !slices.Equal(ev.Diverged, want) || len(ev.Remote) != n-1 {
						t.Errorf("peer %d: %v; want diverged %v and %d remote checksums", i, ev, want, n-1)
					}
				}
			})
		}
	}
}

// TestDesyncWaitsForEveryPeer: a desync seen while a peer has not
// reported waits for it; when that peer crashes instead, the event comes
// once the others start dropping it, with the majority of those who stay.
func TestDesyncWaitsForEveryPeer(t *testing.T) {
	const K, bad, crashed, stray = 10, 60, 2, 3
	m := newMatch(7, 4, Config{InputDelay: 3, ChecksumInterval: K, DisconnectTimeout: time.Second}, 20*time.Millisecond, 0, 300)
	for i, p := range m.peers {
		p.checksum = func(f Frame, sum uint64) uint64 {
			if i == stray && f >= bad {
				return sum ^ 1
			}
			return sum
		}
	}
	m.onTick = func(m *match, i int) {
		// The crash comes before its checksum of frame bad leaves.
		if i == crashed && len(m.peers[i].hashes) >= bad {
			m.peers[i].gone = true
		}
	}
	m.run()
	for i, p := range m.peers {
		if i == crashed {
			continue
		}
		interrupted, left, desyncs := -1, false, 0
		for j, e := range p.events {
			switch {
			case e.Kind == EventInterrupted && e.Player == crashed:
				interrupted = j
			case e.Kind == EventPlayerLeft && e.Player == crashed:
				left = true
			case e.Kind == EventDesync && e.Frame == bad:
				desyncs++
				if interrupted < 0 {
					t.Errorf("peer %d: desync raised before player %d fell silent: it did not wait", i, crashed)
				}
				if !slices.Equal(e.Diverged, []PlayerID{stray}) || len(e.Remote) != 2 {
					t.Errorf("peer %d: %v; want player %d diverged among 3", i, e, stray)
				}
			}
		}
		if !left || desyncs != 1 {
			t.Errorf("peer %d: left %v, %d desyncs for frame %d; want it left and one desync: %v", i, left, desyncs, bad, p.events)
		}
	}
}
