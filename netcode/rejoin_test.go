package netcode

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// testRejoin: of three players, player 2 leaves the running match at
// frame 90 (closing, or vanishing: its process gone without a word) and
// comes back with the share code and its name in a new session. The
// others see it leave and come back ("is back", EventPlayerJoined with
// Rejoined), its new game starts from the host's state, and all three
// end at the same frame with the same sum, no checksum differing.
func testRejoin(t *testing.T, tr transport, vanish bool) {
	const frames, leaveAt = 600, 90
	tweak := func(c *Config) { c.ChecksumInterval = 20; c.Snapshots = true }
	peers := tr.lobby(t, 3, 41, tweak)
	var wg sync.WaitGroup
	var stay []peerResult
	wg.Add(1)
	go func() {
		defer wg.Done()
		stay = playHooked(t, peers[:2], frames, playHooks{})
	}()
	gone := playHooked(t, peers[2:], leaveAt, playHooks{})
	if gone[0].err != nil {
		t.Fatal(gone[0].err)
	}
	if vanish {
		peers[2].c.ep.conn.Close() // no goodbye: the others hear nothing more
	} else {
		peers[2].Close()
	}
	// The new session: a new key, a new socket, the same code and name.
	cfg := tr.config(t, "p2", 2, 41)
	tweak(cfg)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	// A stranger's name is no one's who left: refused.
	scfg := tr.config(t, "stranger", 3, 41)
	tweak(scfg)
	if s, err := Join[testInput](ctx, peers[0].Code(), scfg); !errors.Is(err, ErrMatchStarted) {
		if s != nil {
			s.Close()
		}
		t.Fatalf("a stranger joining the running match: %v, want ErrMatchStarted", err)
	}
	back, err := Join[testInput](ctx, peers[0].Code(), cfg)
	if err != nil {
		t.Fatalf("join again: %v", err)
	}
	t.Cleanup(func() { back.Close() })
	if err := back.WaitStart(ctx); err != nil {
		t.Fatalf("wait start again: %v", err)
	}
	info, _ := back.Match()
	if info.Local != 2 || info.Players[2] != "p2" {
		t.Fatalf("back as player %d of %v, want 2", info.Local, info.Players)
	}
	again := playHooked(t, []*Session[testInput]{back}, frames, playHooks{})
	wg.Wait()
	res := append(stay, again...)
	checkEqual(t, res, nil)
	if again[0].game.frame != frames {
		t.Fatalf("the player back reached frame %d", again[0].game.frame)
	}
	for i, r := range stay {
		var left, joined *Event
		for k, e := range r.events {
			switch {
			case e.Kind == EventPlayerLeft && e.Player == 2:
				left = &r.events[k]
			case e.Kind == EventPlayerJoined && e.Frame >= 0:
				joined = &r.events[k]
			}
		}
		if left == nil || joined == nil || joined.Player != 2 || !joined.Rejoined || joined.Name != "p2" || joined.Frame <= left.Frame {
			t.Fatalf("player %d: left %v, joined %v; want player 2 to leave, then come back", i, left, joined)
		}
		t.Logf("player %d: %v; %v", i, left, joined)
	}
}
