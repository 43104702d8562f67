package netcode

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/peerstep/peerstep/netcode/internal/rendezvous/dhttest"
	"github.com/peerstep/peerstep/netcode/internal/stunc"
	"github.com/peerstep/peerstep/netcode/sharecode"
)

// stunServer runs a STUN server on loopback until the test ends.
func stunServer(t *testing.T) string {
	t.Helper()
	c := listenLocal(t)
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := c.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			if b, ok := stunc.Answer(buf[:n], from); ok {
				c.WriteToUDPAddrPort(b, from)
			}
		}
	}()
	return c.LocalAddr().String()
}

// progressLog records a Join's progress.
type progressLog struct {
	mu    sync.Mutex
	steps []Progress
}

func (p *progressLog) add(s Progress) {
	p.mu.Lock()
	p.steps = append(p.steps, s)
	p.mu.Unlock()
}

func (p *progressLog) has(stage ProgressStage, source string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.ContainsFunc(p.steps, func(s Progress) bool { return s.Stage == stage && (source == "" || s.Source == source) })
}

// TestShortCodeThroughDHT: the host announces itself in a DHT of three real
// nodes on loopback; a joiner with the short code (no address in it) finds
// it there, joins, and they play. Both learned their public address from two
// STUN servers, which agree.
func TestShortCodeThroughDHT(t *testing.T) {
	d := dhttest.Start(t, listenLocal(t), listenLocal(t), listenLocal(t))
	stun := []string{stunServer(t), stunServer(t)}
	reach := Reach{NoLAN: true, NoPortMapping: true, DHTBootstrap: d.Bootstrap(), STUNServers: stun}
	ctx := context.Background()
	hcfg := localConfig("host", nil)
	hcfg.Reach = reach
	host, err := Host[testInput](ctx, hcfg)
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	code := host.Code()
	if sc, err := sharecode.Parse(code); err != nil || sc.Direct() {
		t.Fatalf("the host's code %s is not a short code: %v", code, err)
	}
	var prog progressLog
	jcfg := localConfig("ada", nil)
	jcfg.Reach = reach
	jcfg.OnProgress = prog.add
	jcfg.JoinTimeout = 15 * time.Second
	j, err := Join[testInput](ctx, code, jcfg)
	if err != nil {
		t.Fatalf("join with the short code: %v (progress %v)", err, prog.steps)
	}
	defer j.Close()
	for _, want := range []struct {
		stage  ProgressStage
		source string
	}{{ProgressLooking, ""}, {ProgressHostFound, ""}, {ProgressJoined, ""}} {
		if !prog.has(want.stage, want.source) {
			t.Errorf("no %v progress (from %q): %v", want.stage, want.source, prog.steps)
		}
	}
	// Whichever lookup answers first: the joiner's own finds the host
	// ("dht"), or the host's finds the joiner and its knock arrives first
	// ("knock"). Either way only the DHT can have said where.
	if !prog.has(ProgressTrying, "dht") && !prog.has(ProgressTrying, "knock") {
		t.Errorf("no trying progress from the DHT or a knock: %v", prog.steps)
	}
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
	checkEqual(t, play(t, []*Session[testInput]{host, j}, 60, nil), nil)
	for i, s := range []*Session[testInput]{host, j} {
		nat := s.Stats().NAT
		local := netip.MustParseAddrPort(s.LocalAddr())
		if !slices.Equal(nat.Public, []netip.AddrPort{local}) || nat.MapsPerDestination {
			t.Errorf("player %d: NAT %+v, want its own address %v from both servers", i, nat, local)
		}
	}
}

// TestShortCodeOnLAN: a joiner finds the host with a LAN query (here sent
// to the host's listener on loopback; the namespace lab sends it to the
// multicast group and the broadcast address).
func TestShortCodeOnLAN(t *testing.T) {
	ctx := context.Background()
	hcfg := localConfig("host", nil)
	hcfg.Reach = Reach{NoInternet: true, LANListen: "127.0.0.1:0"}
	host, err := Host[testInput](ctx, hcfg)
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	if host.c.lan == nil {
		t.Fatal("the host has no LAN listener")
	}
	other, err := Host[testInput](ctx, hcfg) // another match on the same network
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	var prog progressLog
	jcfg := localConfig("ada", nil)
	jcfg.Reach = Reach{NoInternet: true, LANQueries: []string{other.c.lan.addr().String(), host.c.lan.addr().String()}}
	jcfg.OnProgress = prog.add
	j, err := Join[testInput](ctx, host.Code(), jcfg)
	if err != nil {
		t.Fatalf("join on the LAN: %v (progress %v)", err, prog.steps)
	}
	defer j.Close()
	if lb := host.Lobby(); len(lb.Players) != 2 {
		t.Errorf("the host's lobby holds %d players", len(lb.Players))
	}
	if lb := other.Lobby(); len(lb.Players) != 1 {
		t.Errorf("the other match's lobby holds %d players", len(lb.Players))
	}
	if !prog.has(ProgressHostFound, "") {
		t.Errorf("no host-found progress: %v", prog.steps)
	}
}

// TestShortCodeNotFound: a short code nobody hosts fails within JoinTimeout
// with ErrHostNotFound, saying where it looked.
func TestShortCodeNotFound(t *testing.T) {
	d := dhttest.Start(t, listenLocal(t), listenLocal(t))
	code, err := sharecode.New(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	lan := listenLocal(t) // a LAN where nobody answers
	cfg := localConfig("ada", nil)
	cfg.Reach = Reach{NoSTUN: true, NoPortMapping: true, DHTBootstrap: d.Bootstrap(), LANQueries: []string{lan.LocalAddr().String()}}
	cfg.JoinTimeout = 2 * time.Second
	start := time.Now()
	_, err = Join[testInput](context.Background(), code.String(), cfg)
	if !errors.Is(err, ErrHostNotFound) {
		t.Fatalf("join of a code nobody hosts: %v, want ErrHostNotFound", err)
	}
	for _, w := range []string{"on this network", "in the DHT"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("the error %q does not say it looked %s", err, w)
		}
	}
	t.Logf("%v after %v", err, time.Since(start).Round(time.Millisecond))
}

// TestShortCodeNeedsDiscovery: a short code with LAN and DHT both off
// cannot be found; Join says so at once.
func TestShortCodeNeedsDiscovery(t *testing.T) {
	code, _ := sharecode.New(nil, nil)
	_, err := Join[testInput](context.Background(), code.String(), localConfig("ada", nil))
	if !errors.Is(err, ErrBadConfig) || !strings.Contains(err.Error(), "direct code") {
		t.Fatalf("short code with discovery off: %v", err)
	}
}

// TestOtherDatagramsStillDropped: KRPC-looking and STUN-looking datagrams
// from strangers are dropped and counted like any garbage, parsed by no one.
func TestOtherDatagramsStillDropped(t *testing.T) {
	d := dhttest.Start(t, listenLocal(t))
	cfg := localConfig("host", nil)
	cfg.Reach = Reach{NoLAN: true, NoPortMapping: true, DHTBootstrap: d.Bootstrap(), STUNServers: []string{stunServer(t)}}
	host, err := Host[testInput](context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	time.Sleep(200 * time.Millisecond) // STUN done
	before := host.Stats().DatagramsDropped
	sock := listenLocal(t)
	to := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: int(netip.MustParseAddrPort(host.LocalAddr()).Port())}
	stunLike := []byte{0x01, 0x01, 0, 0, 0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	for _, b := range [][]byte{[]byte("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe"), stunLike} {
		for range 10 {
			sock.WriteTo(b, to)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for host.Stats().DatagramsDropped-before < 20 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if got := host.Stats().DatagramsDropped - before; got != 20 {
		t.Errorf("%d of 20 stranger datagrams dropped and counted", got)
	}
}
