package lockstep

import (
	"errors"
	"testing"
	"time"
)

func TestDropPlayerErrors(t *testing.T) {
	tests := []struct {
		name    string
		players int
		setup   func(e *Engine) // before the call under test
		drop    PlayerID
		want    error // nil: the call starts a drop
	}{
		{"a present player", 3, nil, 2, nil},
		{"unknown slot", 3, nil, 3, ErrUnknownPlayer},
		{"far out of range", 3, nil, 200, ErrUnknownPlayer},
		{"the local player", 3, nil, 0, ErrLocalPlayer},
		{"a drop still pending", 3, func(e *Engine) { mustDrop(t, e, 2) }, 2, ErrAlreadyDropped},
		{"a player who left", 2, func(e *Engine) { mustDrop(t, e, 1) }, 1, ErrAlreadyDropped},
		{"a player who said it leaves", 3, func(e *Engine) { mustReceive(t, e, 2, &LeaveMsg{}) }, 2, ErrAlreadyDropped},
		{"after Leave", 3, func(e *Engine) { e.Leave() }, 2, ErrStopped},
		{"after being dropped", 3, func(e *Engine) { mustReceive(t, e, 1, &KickedMsg{Frame: 0}) }, 2, ErrDropped},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(Config{Players: tt.players, Local: 0})
			if err != nil {
				t.Fatal(err)
			}
			e.Tick(0)
			if tt.setup != nil {
				tt.setup(e)
			}
			e.Ready()
			err = e.DropPlayer(tt.drop)
			reports := 0
			for _, o := range e.Ready().Messages {
				if _, ok := o.Msg.(*DropReportMsg); ok {
					reports++
				}
			}
			if tt.want == nil {
				if err != nil {
					t.Fatalf("DropPlayer(%d) = %v, want nil", tt.drop, err)
				}
				if reports == 0 {
					t.Fatal("a drop that started sent no drop report")
				}
				return
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("DropPlayer(%d) = %v, want %v", tt.drop, err, tt.want)
			}
			if reports != 0 {
				t.Fatalf("a refused drop sent %d drop reports", reports)
			}
		})
	}
}

func mustDrop(t *testing.T, e *Engine, p PlayerID) {
	t.Helper()
	if err := e.DropPlayer(p); err != nil {
		t.Fatal(err)
	}
}

func mustReceive(t *testing.T, e *Engine, from PlayerID, m Message) {
	t.Helper()
	if err := e.Receive(from, m); err != nil {
		t.Fatal(err)
	}
}

// TestDropPlayerAgreed: one peer drops a player who is still playing (a
// vote-kick); the others go through the agreement and all drop it at the
// same frame, and the kicked player learns that frame.
func TestDropPlayerAgreed(t *testing.T) {
	for _, tt := range []struct {
		name            string
		seed            uint64
		players         int
		kicker, kicked  int
		latency, jitter time.Duration
	}{
		{"2 players", 21, 2, 0, 1, 20 * time.Millisecond, 0},
		{"4 players", 22, 4, 0, 2, 30 * time.Millisecond, 10 * time.Millisecond},
		{"8 players", 23, 8, 5, 3, 50 * time.Millisecond, 20 * time.Millisecond},
	} {
		t.Run(tt.name, func(t *testing.T) {
			m := newMatch(tt.seed, tt.players, Config{InputDelay: 3, ChecksumInterval: 10}, tt.latency, tt.jitter, 400)
			for _, p := range m.peers {
				p.checksum = func(f Frame, sum uint64) uint64 { return sum }
			}
			kicked := m.peers[tt.kicked]
			var dropAt Frame = NoFrame
			m.onTick = func(m *match, i int) {
				if i == tt.kicker && dropAt == NoFrame && len(m.peers[i].hashes) >= 150 {
					dropAt = Frame(len(m.peers[i].hashes))
					if err := m.peers[i].e.DropPlayer(PlayerID(tt.kicked)); err != nil {
						t.Fatalf("seed %d: DropPlayer: %v", tt.seed, err)
					}
					if err := m.peers[i].e.DropPlayer(PlayerID(tt.kicked)); !errors.Is(err, ErrAlreadyDropped) {
						t.Fatalf("seed %d: a second DropPlayer = %v, want ErrAlreadyDropped", tt.seed, err)
					}
				}
				if i == tt.kicked {
					for _, e := range kicked.events {
						if e.Kind == EventDropped {
							kicked.gone = true
						}
					}
				}
			}
			m.run()
			if !kicked.gone {
				t.Fatalf("seed %d: the kicked player was never told it was dropped; events %v", tt.seed, kicked.events)
			}
			checkAgreement(t, m, tt.seed)
			var left Frame = NoFrame
			for i, p := range m.peers {
				if i == tt.kicked {
					continue
				}
				f, ok := leaves(p)[PlayerID(tt.kicked)]
				if !ok {
					t.Fatalf("seed %d: peer %d never saw player %d leave", tt.seed, i, tt.kicked)
				}
				left = f
			}
			if left < dropAt {
				t.Fatalf("seed %d: player %d left at frame %d, before the drop was asked at frame %d", tt.seed, tt.kicked, left, dropAt)
			}
			var told Frame = NoFrame
			for _, e := range kicked.events {
				if e.Kind == EventDropped {
					told = e.Frame
				}
			}
			if told != left {
				t.Fatalf("seed %d: the kicked player was told frame %d, the others agreed on %d", tt.seed, told, left)
			}
			// Everything the kicked player simulated before the drop
			// matches what the others did.
			for f := 0; f < int(left) && f < len(kicked.hashes); f++ {
				if kicked.hashes[f] != m.peers[tt.kicker].hashes[f] {
					t.Fatalf("seed %d: the kicked player differs at frame %d", tt.seed, f)
				}
			}
		})
	}
}
