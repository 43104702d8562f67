package netcode

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"
)

var allNATs = []natKind{natPublic, natFull, natRestr, natPort, natSymAD, natSym}

// unreachablePair reports the NAT pairs two players cannot link directly
// through: both map each destination to a new port and filter by address
// and port, so neither side's packets match a mapping the other opened.
// Any other pair links: the host's knocks and the joiner's Hellos cross,
// and where one side maps per destination the other tries the ports just
// above the ones it knows (the virtual NAT, like many real ones, gives the
// next port).
func unreachablePair(a, b natKind) bool { return a == natSym && b == natSym }

// TestNATMatrix joins a host behind each kind of NAT with a joiner behind
// each, on the virtual internet, with the short code: every pair that can
// link joins and plays to equal checksums; the one that cannot fails within
// JoinTimeout with ErrHostUnreachable saying what it tried.
func TestNATMatrix(t *testing.T) {
	for _, hk := range allNATs {
		for _, jk := range allNATs {
			t.Run("host-"+hk.name+"/joiner-"+jk.name, func(t *testing.T) {
				t.Parallel()
				w := newVnetWorld(t)
				ctx := context.Background()
				hcfg := w.config("host", w.player(hk))
				hcfg.MaxPlayers = 2
				host, err := Host[testInput](ctx, hcfg)
				if err != nil {
					t.Fatal(err)
				}
				defer host.Close()
				jcfg := w.config("ada", w.player(jk))
				jcfg.JoinTimeout = 8 * time.Second
				start := time.Now()
				j, err := Join[testInput](ctx, host.Code(), jcfg)
				took := time.Since(start).Round(100 * time.Millisecond)
				if unreachablePair(hk, jk) {
					if err == nil {
						j.Close()
						t.Fatalf("joined a host behind a %s NAT from behind a %s NAT, which no direct link gets through", hk.name, jk.name)
					}
					if !errors.Is(err, ErrHostUnreachable) || !strings.Contains(err.Error(), "neither side") {
						t.Fatalf("join: %v, want ErrHostUnreachable saying neither side reaches the other", err)
					}
					t.Logf("%v after %v", err, took)
					return
				}
				if err != nil {
					t.Fatalf("join: %v after %v; host DHT %+v, host NAT %+v", err, took, host.c.dht.Load().Stats(), host.Stats().NAT)
				}
				defer j.Close()
				t.Logf("joined in %v", took)
				sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
				defer cancel()
				if err := host.WaitPlayers(sctx, 2); err != nil {
					t.Fatal(err)
				}
				if err := host.Start(sctx); err != nil {
					t.Fatal(err)
				}
				if err := j.WaitStart(sctx); err != nil {
					t.Fatal(err)
				}
				checkEqual(t, play(t, []*Session[testInput]{host, j}, 30, nil), nil)
			})
		}
	}
}
