package netcode

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestWaitPlayers: the host waits for the players it wants and no longer;
// bad counts, a joiner, a closed session and a started match each get their
// own error.
func TestWaitPlayers(t *testing.T) { testWaitPlayers(t, transport{}) }

func testWaitPlayers(t *testing.T, tr transport) {
	ctx := context.Background()
	host := tr.host(t, 3)

	for _, tt := range []struct {
		n    int
		want error
	}{{1, ErrNotEnoughPlayers}, {0, ErrNotEnoughPlayers}, {4, ErrLobbyFull}} {
		if err := host.WaitPlayers(ctx, tt.n); !errors.Is(err, tt.want) {
			t.Errorf("WaitPlayers(%d) = %v, want %v", tt.n, err, tt.want)
		}
	}
	short, cancel := context.WithTimeout(ctx, 100*time.Millisecond)
	err := host.WaitPlayers(short, 2)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitPlayers with nobody joining = %v, want the context's deadline", err)
	}

	// Two friends join one after the other while the host waits for both.
	joined := make(chan *Session[testInput], 2)
	go func() {
		for _, name := range []string{"ada", "bob"} {
			j, err := Join[testInput](ctx, host.Code(), tr.config(t, name, 1, 0))
			if err != nil {
				t.Errorf("join %s: %v", name, err)
				close(joined)
				return
			}
			joined <- j
			time.Sleep(100 * time.Millisecond)
		}
	}()
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := host.WaitPlayers(wctx, 3); err != nil {
		t.Fatalf("WaitPlayers(3): %v", err)
	}
	lb := host.Lobby()
	if len(lb.Players) != 3 || !lb.Ready {
		t.Fatalf("after WaitPlayers(3) the lobby holds %d players, ready %v", len(lb.Players), lb.Ready)
	}
	var joiners []*Session[testInput]
	for range 2 {
		j := <-joined
		if j == nil {
			t.FailNow()
		}
		defer j.Close()
		joiners = append(joiners, j)
	}
	if err := joiners[0].WaitPlayers(ctx, 2); !errors.Is(err, ErrNotHost) {
		t.Errorf("a joiner's WaitPlayers = %v, want ErrNotHost", err)
	}
	if err := host.Start(wctx); err != nil {
		t.Fatalf("Start right after WaitPlayers: %v", err)
	}
	if err := host.WaitPlayers(ctx, 2); !errors.Is(err, ErrAlreadyStarted) {
		t.Errorf("WaitPlayers after the start = %v, want ErrAlreadyStarted", err)
	}

	other, err := Host[testInput](ctx, tr.config(t, "other", 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- other.WaitPlayers(ctx, 2) }()
	time.Sleep(50 * time.Millisecond)
	other.Close()
	if err := <-done; !errors.Is(err, ErrClosed) {
		t.Errorf("WaitPlayers on a closed session = %v, want ErrClosed", err)
	}
}
