package netcode

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pion/transport/v5/vnet"

	"github.com/peerstep/peerstep/lockstep"
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
					t.Logf("cell %s %s failed after %v: %v", hk.name, jk.name, took, err)
					return
				}
				if err != nil {
					t.Fatalf("join: %v after %v; host DHT %+v, host NAT %+v", err, took, host.c.dht.Load().Stats(), host.Stats().NAT)
				}
				defer j.Close()
				t.Logf("cell %s %s joined in %v", hk.name, jk.name, took)
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

// TestRelay: two joiners behind symmetric NATs cannot link directly, but
// both reach the host: the host relays their link, the match starts with
// it relayed and plays to equal checksums, and each side's stats and
// events say through whom.
func TestRelay(t *testing.T) {
	w := newVnetWorld(t)
	peers := w.hostAndJoin(t, natFull, natSym, natSym)
	startAll(t, peers)
	host := peers[0]
	before, start := host.Stats().BytesRelayed, time.Now()
	res := play(t, peers, 300, nil)
	checkEqual(t, res, nil)
	t.Logf("the host relayed %.0f B/s between the two joiners during the match", float64(host.Stats().BytesRelayed-before)/time.Since(start).Seconds())
	for i, j := range peers[1:] {
		other := 2 - i // the other joiner's PlayerID
		var via []int
		for _, ps := range j.Stats().Peers {
			if ps.Player == other {
				via = append(via, ps.Via)
				if ps.Relayed == 0 {
					t.Errorf("joiner %d: no datagram from player %d came relayed", i+1, other)
				}
			}
		}
		if len(via) != 1 || via[0] != 0 {
			t.Errorf("joiner %d: the link to player %d goes via %v, want the host (0)", i+1, other, via)
		}
		relayed := false
		for _, e := range res[i+1].events {
			relayed = relayed || (e.Kind == EventLinkRelayed && e.Player == other && e.Via == 0)
		}
		if !relayed {
			t.Errorf("joiner %d heard no EventLinkRelayed for player %d", i+1, other)
		}
	}
	if host.Stats().BytesRelayed == 0 {
		t.Error("the host says it relayed nothing")
	}
}

// TestRelayLeaves: the link between two joiners behind symmetric NATs goes
// through the host, which leaves in the middle of the match; the link
// moves to the other player who reaches both, and the three play on to
// equal checksums.
func TestRelayLeaves(t *testing.T) {
	w := newVnetWorld(t)
	peers := w.hostAndJoin(t, natPublic, natSym, natSym, natFull)
	startAll(t, peers)
	if v := viaOf(peers[1], 2); v != 0 && v != 3 {
		t.Fatalf("the symmetric joiners' link goes via %d, want a relay", v)
	}
	var left sync.Once
	res := play(t, peers, 300, func(i int, f lockstep.Frame) bool {
		if i == 0 && f >= 60 {
			left.Do(func() { go peers[0].Close() })
			return true
		}
		return false
	})
	checkEqual(t, res, map[int]bool{0: true})
	for _, i := range []int{1, 2} {
		other := 3 - i
		if v := viaOf(peers[i], other); v != 3 {
			t.Errorf("player %d: after the host left, the link to player %d goes via %d, want player 3", i, other, v)
		}
		for _, e := range res[i].events {
			if e.Kind == EventPlayerLeft && e.Player != 0 {
				t.Errorf("player %d: %v", i, e)
			}
		}
	}
}

// TestRelayTurnsDirect: two joiners whose direct path is blocked at first
// (a filter on the virtual internet drops what goes between them) are
// relayed by the host; once the path opens, their probes get through and
// the link turns direct.
func TestRelayTurnsDirect(t *testing.T) {
	w := newVnetWorld(t)
	ctx := context.Background()
	hcfg := w.config("host", w.player(natPublic))
	hcfg.MaxPlayers = 3
	host, err := Host[testInput](ctx, hcfg)
	if err != nil {
		t.Fatal(err)
	}
	peers := []*Session[testInput]{host}
	defer func() {
		for _, p := range peers {
			p.Close()
		}
	}()
	var blocked atomic.Bool
	blocked.Store(true)
	var wans []string
	for i := range 2 {
		conn := w.player(natFull)
		wans = append(wans, fmt.Sprintf("198.51.100.%d", 100+w.routers))
		j, err := Join[testInput](ctx, host.Code(), w.config(fmt.Sprintf("p%d", i+1), conn))
		if err != nil {
			t.Fatal(err)
		}
		peers = append(peers, j)
	}
	w.wan.AddChunkFilter(func(c vnet.Chunk) bool {
		src, dst := c.SourceAddr().(*net.UDPAddr), c.DestinationAddr().(*net.UDPAddr)
		between := (src.IP.String() == wans[0] && dst.IP.String() == wans[1]) || (src.IP.String() == wans[1] && dst.IP.String() == wans[0])
		return !(between && blocked.Load())
	})
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := host.WaitPlayers(sctx, 3); err != nil {
		t.Fatalf("the lobby never got ready: %v", err)
	}
	if v := viaOf(peers[1], 2); v != 0 {
		t.Fatalf("with the path blocked, the link goes via %d, want the host", v)
	}
	blocked.Store(false)
	deadline := time.Now().Add(10 * time.Second)
	for (viaOf(peers[1], 2) != -1 || viaOf(peers[2], 1) != -1) && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if a, b := viaOf(peers[1], 2), viaOf(peers[2], 1); a != -1 || b != -1 {
		t.Fatalf("the path opened, but the link still goes via %d and %d", a, b)
	}
	direct := false
	for time.Now().Before(deadline) && !direct {
		for _, e := range peers[1].Events() {
			direct = direct || (e.Kind == EventLinkDirect && e.Player == 2)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !direct {
		t.Error("no EventLinkDirect once the path opened")
	}
}

// hostAndJoin opens a lobby for a host behind hk and joins one player
// behind each of jks, with the short code; the test's end closes them all.
func (w *vnetWorld) hostAndJoin(t *testing.T, hk natKind, jks ...natKind) []*Session[testInput] {
	t.Helper()
	ctx := context.Background()
	hcfg := w.config("host", w.player(hk))
	hcfg.MaxPlayers = 1 + len(jks)
	host, err := Host[testInput](ctx, hcfg)
	if err != nil {
		t.Fatal(err)
	}
	peers := []*Session[testInput]{host}
	t.Cleanup(func() {
		for _, p := range peers {
			p.Close()
		}
	})
	for i, k := range jks {
		j, err := Join[testInput](ctx, host.Code(), w.config(fmt.Sprintf("p%d", i+1), w.player(k)))
		if err != nil {
			t.Fatalf("player %d, behind a %s NAT: %v", i+1, k.name, err)
		}
		peers = append(peers, j)
	}
	return peers
}

// startAll waits until the host's lobby holds every one of peers, each
// linked to every other, starts the match and waits for every joiner to
// see it start.
func startAll(t *testing.T, peers []*Session[testInput]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := peers[0].WaitPlayers(ctx, len(peers)); err != nil {
		for i, p := range peers {
			t.Logf("player %d: lobby %+v stats %+v", i, p.Lobby(), p.Stats().Peers)
		}
		t.Fatalf("the lobby never got ready: %v", err)
	}
	if err := peers[0].Start(ctx); err != nil {
		t.Fatal(err)
	}
	for _, p := range peers[1:] {
		if err := p.WaitStart(ctx); err != nil {
			t.Fatal(err)
		}
	}
}

// viaOf is the player through whom s's link to player goes (-1 direct,
// -2 no such link).
func viaOf(s *Session[testInput], player int) int {
	for _, ps := range s.Stats().Peers {
		if ps.Player == player {
			return ps.Via
		}
	}
	return -2
}
