package netcode

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/netcode/memnet"
	"github.com/peerstep/peerstep/netcode/netsim"
	"github.com/peerstep/peerstep/netcode/sharecode"
)

// One Session suite, run over every transport a session may use, as
// hashicorp/raft runs its transport tests over each transport: sockets in
// memory (netcode/memnet through Config.PacketConn), loopback UDP (the
// socket a session binds from Config.ListenAddr), and loopback UDP through
// the network simulator (Config.Network).

// transport is what the players' sockets are.
type transport struct {
	// sim impairs every player's socket with the network simulator, the
	// host's with sim.Seed and joiner i's with the lobby's seed + i; nil
	// leaves them clean.
	sim *netsim.Config
	// mem, when set, puts every player on this in-memory network, each on
	// an address of its own, instead of loopback UDP; sim, if set too,
	// impairs the memnet sockets.
	mem *memTransport
}

// memTransport is an in-memory network whose sockets each get an address
// of their own, as players on several machines would.
type memTransport struct {
	net  *memnet.Network
	next atomic.Uint32
}

func newMemTransport(t *testing.T) *memTransport {
	t.Helper()
	n, err := memnet.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &memTransport{net: n}
}

// listen opens a socket on the next address of 10.77.0.0/16.
func (m *memTransport) listen(t *testing.T) *memnet.Conn {
	t.Helper()
	i := m.next.Add(1)
	ip := netip.AddrFrom4([4]byte{10, 77, byte(i >> 8), byte(i)})
	c, err := m.net.Listen(netip.AddrPortFrom(ip, 0))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// config is player's Config on tr, named name; seed seeds joiners'
// impairments.
func (tr transport) config(t *testing.T, name string, player int, seed uint64) *Config {
	t.Helper()
	var sim *netsim.Config
	if tr.sim != nil {
		s := *tr.sim
		if player > 0 {
			s.Seed = seed + uint64(player)
		}
		sim = &s
	}
	cfg := localConfig(name, sim)
	if tr.mem != nil {
		cfg.PacketConn = tr.mem.listen(t) // the session closes it
	}
	return cfg
}

// deadAddr returns an address on tr where nobody listens: a socket's,
// bound and closed.
func (tr transport) deadAddr(t *testing.T) netip.AddrPort {
	t.Helper()
	if tr.mem != nil {
		c := tr.mem.listen(t)
		c.Close()
		return c.AddrPort()
	}
	c := listenLocal(t)
	ap := c.LocalAddr().(*net.UDPAddr).AddrPort()
	c.Close()
	return ap
}

// host opens a lobby on tr for up to maxPlayers; the test's end closes it.
func (tr transport) host(t *testing.T, maxPlayers int) *Session[testInput] {
	t.Helper()
	cfg := tr.config(t, "host", 0, 0)
	cfg.MaxPlayers = maxPlayers
	host, err := Host[testInput](context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { host.Close() })
	return host
}

// lobby hosts a match on tr, joins n-1 players to it with the host's
// direct code, and starts it. tweak, if set, sees every player's Config.
func (tr transport) lobby(t *testing.T, n int, seed uint64, tweak func(*Config)) []*Session[testInput] {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	hcfg := tr.config(t, "host", 0, seed)
	hcfg.MaxPlayers = n
	if tweak != nil {
		tweak(hcfg)
	}
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
	for i := 1; i < n; i++ {
		cfg := tr.config(t, fmt.Sprintf("p%d", i), i, seed)
		if tweak != nil {
			tweak(cfg)
		}
		j, err := Join[testInput](ctx, host.Code(), cfg)
		if err != nil {
			t.Fatalf("join %d: %v", i, err)
		}
		peers = append(peers, j)
	}
	if err := host.Start(ctx); err != nil {
		t.Fatalf("start: %v", err)
	}
	for i, p := range peers[1:] {
		if err := p.WaitStart(ctx); err != nil {
			t.Fatalf("player %d: wait start: %v", i+1, err)
		}
	}
	return peers
}

// TestSessionMemory runs the suite on sockets in memory, in virtual time
// (session_virtual_test.go).
func TestSessionMemory(t *testing.T) {
	virtual(t, sessionScenarios, &netsim.Config{Latency: 20 * time.Millisecond, Jitter: 5 * time.Millisecond, Loss: 0.02})
}

// TestSessionUDP runs the suite on loopback UDP.
func TestSessionUDP(t *testing.T) {
	runSessionSuite(t, transport{})
}

// TestSessionNetsim runs the suite on loopback UDP through the network
// simulator: latency, jitter and loss on every player's sends.
func TestSessionNetsim(t *testing.T) {
	runSessionSuite(t, transport{sim: &netsim.Config{Latency: 40 * time.Millisecond, Jitter: 10 * time.Millisecond, Loss: 0.03}})
}

// A scenario is one test's body, run over the sockets tr gives (with the
// impairment it needs added to tr.sim). It reaches the network through tr
// only, waits through the time package only and calls no t.Run, so that
// it may also run in a testing/synctest bubble over a memnet network made
// in the bubble.
type scenario struct {
	name string
	run  func(t *testing.T, tr transport)
}

// runScenarios runs each scenario as a subtest over tr.
func runScenarios(t *testing.T, tr transport, scs []scenario) {
	for _, sc := range scs {
		t.Run(sc.name, func(t *testing.T) { sc.run(t, tr) })
	}
}

// sessionScenarios are the Session suite.
var sessionScenarios = []scenario{
	{"match/2players", func(t *testing.T, tr transport) { testMatch(t, tr, 2) }},
	{"match/4players", func(t *testing.T, tr transport) { testMatch(t, tr, 4) }},
	{"match/8players", func(t *testing.T, tr transport) { testMatch(t, tr, 8) }},
	{"host-leaves/close", func(t *testing.T, tr transport) { testHostLeaves(t, tr, "close") }},
	{"host-leaves/vanish", func(t *testing.T, tr transport) { testHostLeaves(t, tr, "vanish") }},
	{"drop-player", testDropPlayer},
	{"join-errors", testJoinErrors},
	{"local-players", testLocalPlayers},
	{"desync-majority", testDesyncMajority},
	{"rejoin/close", func(t *testing.T, tr transport) { testRejoin(t, tr, false) }},
	{"rejoin/vanish", func(t *testing.T, tr transport) { testRejoin(t, tr, true) }},
	{"desync-repair", func(t *testing.T, tr transport) { testDesyncRepair(t, tr, 0) }},
	{"desync-repair-100k", func(t *testing.T, tr transport) { testDesyncRepair(t, tr, 100<<10) }},
	{"desync-choose", func(t *testing.T, tr transport) { testDesyncChoose(t, tr, false) }},
	{"desync-choose-crossed", func(t *testing.T, tr transport) { testDesyncChoose(t, tr, true) }},
}

// runSessionSuite runs every scenario of the Session suite over tr.
func runSessionSuite(t *testing.T, tr transport) { runScenarios(t, tr, sessionScenarios) }

// testMatch: n players play 300 frames to equal checksums, every link
// carrying traffic both ways.
func testMatch(t *testing.T, tr transport, n int) {
	peers := tr.lobby(t, n, 7, nil)
	res := play(t, peers, 300, nil)
	checkEqual(t, res, nil)
	for i, p := range peers {
		st := p.Stats()
		if len(st.Peers) != n-1 {
			t.Errorf("player %d: stats for %d peers, want %d", i, len(st.Peers), n-1)
		}
		for _, ps := range st.Peers {
			if ps.BytesSent == 0 || ps.DatagramsReceived == 0 || ps.RTT <= 0 {
				t.Errorf("player %d: empty stats for peer %d: %+v", i, ps.Player, ps)
			}
		}
	}
	t.Logf("host stats: %+v", peers[0].Stats())
}

// testHostLeaves: the host closes its session, or its socket goes dark,
// mid-match; the others play on and agree on the frame it left at.
func testHostLeaves(t *testing.T, tr transport, mode string) {
	peers := tr.lobby(t, 3, 1, nil)
	res := play(t, peers, 500, func(i int, f lockstep.Frame) bool {
		if i != 0 || f < 200 {
			return false
		}
		if mode == "close" {
			peers[0].Close()
		} else {
			// Vanish without a word: the socket goes dark.
			peers[0].c.ep.conn.Close()
		}
		return true
	})
	checkEqual(t, res, map[int]bool{0: true})
	var frames []lockstep.Frame
	for i := 1; i < 3; i++ {
		found := false
		for _, e := range res[i].events {
			if e.Kind == EventPlayerLeft && e.Player == 0 {
				found = true
				frames = append(frames, e.Frame)
			}
		}
		if !found {
			t.Errorf("player %d was not told that the host left: %v", i, res[i].events)
		}
	}
	if len(frames) == 2 && frames[0] != frames[1] {
		t.Errorf("players disagree on the frame the host left: %v", frames)
	}
}

// testDropPlayer: a game drops a player who is still playing (a
// vote-kick). The others agree on the frame it leaves at and play on with
// equal checksums; the kicked player learns that frame and Tick says
// ErrDropped.
func testDropPlayer(t *testing.T, tr transport) {
	if err := tr.host(t, 2).DropPlayer(1); !errors.Is(err, ErrNotStarted) {
		t.Fatalf("DropPlayer in the lobby = %v, want ErrNotStarted", err)
	}
	peers := tr.lobby(t, 3, 5, nil)
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

// testJoinErrors: a wrong code, a malformed one and an address where
// nobody listens each fail Join with their own error, and the host keeps
// nothing of them; a full lobby and a started match refuse.
func testJoinErrors(t *testing.T, tr transport) {
	ctx := context.Background()
	host := tr.host(t, 2)
	code, err := sharecode.Parse(host.Code())
	if err != nil {
		t.Fatal(err)
	}
	if ap := host.c.ep.localAddr(); len(code.Addrs) != 1 || code.Addrs[0] != ap {
		t.Fatalf("the direct code holds %v; the host is bound to %v", code.Addrs, ap)
	}

	wrong := code
	wrong.Secret[0] ^= 0xff
	typo := []byte(host.Code())
	typo[len(typo)-2] = map[bool]byte{true: 'A', false: 'B'}[typo[len(typo)-2] != 'A']
	deadCode := code
	deadCode.Addrs = []netip.AddrPort{tr.deadAddr(t)}

	tests := []struct {
		name string
		code string
		want error
	}{
		{"wrong secret", wrong.String(), ErrCodeRejected},
		{"typo", string(typo), sharecode.ErrBadShareCode},
		{"empty", "", sharecode.ErrBadShareCode},
		{"unreachable", deadCode.String(), ErrHostUnreachable},
	}
	for _, tt := range tests {
		cfg := tr.config(t, "x", 1, 3)
		cfg.JoinTimeout = time.Second
		s, err := Join[testInput](ctx, tt.code, cfg)
		if err == nil {
			s.Close()
			t.Errorf("%s: join succeeded", tt.name)
		} else if !errors.Is(err, tt.want) {
			t.Errorf("%s: join: %v, want %v", tt.name, err, tt.want)
		}
	}
	if n := len(host.Lobby().Players); n != 1 {
		t.Fatalf("host lobby has %d players after failed joins, want 1", n)
	}

	// The lobby fills, then refuses.
	j1, err := Join[testInput](ctx, host.Code(), tr.config(t, "j1", 1, 4))
	if err != nil {
		t.Fatal(err)
	}
	defer j1.Close()
	_, err = Join[testInput](ctx, host.Code(), tr.config(t, "j2", 2, 4))
	if !errors.Is(err, ErrLobbyFull) {
		t.Fatalf("join full lobby: %v, want ErrLobbyFull", err)
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := host.Start(sctx); err != nil {
		t.Fatal(err)
	}
	if err := host.Start(sctx); !errors.Is(err, ErrAlreadyStarted) {
		t.Fatalf("second start: %v", err)
	}
	_, err = Join[testInput](ctx, host.Code(), tr.config(t, "late", 3, 4))
	if !errors.Is(err, ErrMatchStarted) && !errors.Is(err, ErrLobbyFull) {
		t.Fatalf("join started match: %v, want ErrMatchStarted", err)
	}
}

// testLocalPlayers: two players on one machine (Config.LocalPlayers)
// join a host and a third player: they take two slots of the lobby and of
// the match, each one's input lands in its own slot on every machine, all
// end with equal checksums, and a lobby without room for both refuses
// them with a message that says so.
func testLocalPlayers(t *testing.T, tr transport) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	hcfg := tr.config(t, "host", 0, 5)
	hcfg.MaxPlayers = 4
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
	join := func(name string, player, seats int) (*Session[testInput], error) {
		cfg := tr.config(t, name, player, 5)
		cfg.LocalPlayers = seats
		cfg.JoinTimeout = 5 * time.Second
		return Join[testInput](ctx, host.Code(), cfg)
	}
	couch, err := join("couch", 1, 2)
	if err != nil {
		t.Fatalf("join with two players: %v", err)
	}
	peers = append(peers, couch)
	// Three of four slots are taken: a second pair does not fit.
	if s, err := join("pair", 2, 2); !errors.Is(err, ErrLobbyFull) || !strings.Contains(err.Error(), "room for 1 more") {
		if s != nil {
			s.Close()
		}
		t.Fatalf("a pair joining a lobby with one free slot: %v, want ErrLobbyFull saying there is room for 1 more", err)
	}
	solo, err := join("solo", 3, 1)
	if err != nil {
		t.Fatalf("join the last slot: %v", err)
	}
	peers = append(peers, solo)
	if err := host.WaitPlayers(ctx, 4); err != nil {
		t.Fatalf("WaitPlayers(4) with three machines and four players: %v", err)
	}
	var seats []int
	for _, p := range host.Lobby().Players {
		seats = append(seats, p.Seats)
	}
	if fmt.Sprint(seats) != "[1 2 1]" {
		t.Fatalf("lobby seats %v, want [1 2 1]", seats)
	}
	if err := host.Start(ctx); err != nil {
		t.Fatalf("start: %v", err)
	}
	for _, p := range peers[1:] {
		if err := p.WaitStart(ctx); err != nil {
			t.Fatal(err)
		}
	}
	info, _ := couch.Match()
	if fmt.Sprint(info.LocalPlayers) != "[1 2]" || info.Local != 1 || fmt.Sprint(info.Players) != "[host couch couch 2 solo]" {
		t.Fatalf("the pair's match: local %d, local players %v, players %q; want 1, [1 2], [host couch couch 2 solo]", info.Local, info.LocalPlayers, info.Players)
	}
	if _, err := couch.Tick(testInput{}); !errors.Is(err, lockstep.ErrInputCount) {
		t.Fatalf("Tick with one input for two local players: %v, want ErrInputCount", err)
	}
	var mu sync.Mutex
	landed := make([][4]int, len(peers)) // by peer, by slot: inputs that named it
	res := playHooked(t, peers, 300, playHooks{onFrame: func(i int, f Frame[testInput]) {
		mu.Lock()
		defer mu.Unlock()
		for slot, in := range f.Inputs {
			switch {
			case !f.Present[slot]:
				t.Errorf("peer %d: frame %d: slot %d absent", i, f.Number, slot)
			case in.Slot == uint8(slot)+1:
				landed[i][slot]++
			case in.Slot != 0:
				t.Errorf("peer %d: frame %d: slot %d holds the input of player %d", i, f.Number, slot, in.Slot-1)
			}
		}
	}})
	checkEqual(t, res, nil)
	for i := range peers {
		for slot, n := range landed[i] {
			if n < 250 {
				t.Errorf("peer %d: %d of 300 frames had player %d's own input", i, n, slot)
			}
		}
	}
	if st := host.Stats(); len(st.Peers) != 3 {
		t.Errorf("host stats for %d players, want 3 (the pair's two on one link)", len(st.Peers))
	}
}

// testDesyncMajority: of three players, one reports checksums that differ
// from a frame on; every player, that one too, is told of the desync at
// that frame and that it is the one that diverged.
func testDesyncMajority(t *testing.T, tr transport) {
	const stray, interval = 2, 20
	bad := lockstep.Frame(3 * interval)
	peers := tr.lobby(t, 3, 13, func(c *Config) { c.ChecksumInterval = interval })
	res := playHooked(t, peers, 150, playHooks{checksum: func(i int, f lockstep.Frame, sum uint64) uint64 {
		if i == stray && f >= bad {
			return sum ^ 1
		}
		return sum
	}})
	for i, r := range res {
		if r.err != nil {
			t.Fatal(r.err)
		}
		var got []Event
		for _, e := range r.events {
			if e.Kind == EventDesync && e.Frame == bad {
				got = append(got, e)
			}
		}
		if len(got) != 1 || !slices.Equal(got[0].Diverged, []int{stray}) || len(got[0].Remote) != 2 {
			t.Errorf("player %d: desyncs at frame %d %v; want one naming player %d as diverged, with 2 remote checksums", i, bad, got, stray)
		}
	}
}

// testDesyncRepair: of three players with Snapshots, one's state goes
// astray at a frame; the majority's lowest player sends it its state, it
// loads it and simulates the frames since again, and the match ends with
// every state equal. The stray player's event holds both states of the
// resync frame, which differ; a state of pad bytes more takes several
// chunks.
func testDesyncRepair(t *testing.T, tr transport, pad int) {
	const stray, interval, frames = 2, 20, 420
	bad := lockstep.Frame(2*interval + 5)
	peers := tr.lobby(t, 3, 17, func(c *Config) { c.ChecksumInterval = interval; c.Snapshots = true })
	res := playHooked(t, peers, frames, playHooks{pad: pad, corrupt: func(i int, f lockstep.Frame) bool {
		return i == stray && f == bad
	}})
	var resyncAt lockstep.Frame = -1
	for i, r := range res {
		if r.err != nil {
			t.Fatal(r.err)
		}
		var first *Event
		for k, e := range r.events {
			switch {
			case e.Kind == EventDesync && first == nil:
				first = &r.events[k]
			case e.Kind == EventResynced:
				if i != stray || e.Player != 0 || resyncAt >= 0 {
					t.Errorf("player %d: %v; want one resync, of player %d from player 0", i, e, stray)
				}
				resyncAt = e.Frame
				if len(e.State) != 16+pad || len(e.OwnState) != 16+pad || bytes.Equal(e.State, e.OwnState) {
					t.Errorf("resync states of %d and %d bytes, equal %v; want two of %d that differ", len(e.State), len(e.OwnState), bytes.Equal(e.State, e.OwnState), 16+pad)
				}
			}
		}
		if first == nil || first.Frame != bad+interval-5 || !slices.Equal(first.Diverged, []int{stray}) {
			t.Errorf("player %d: first desync %v; want at frame %d naming player %d as diverged", i, first, bad+interval-5, stray)
		}
	}
	if resyncAt < 0 {
		t.Fatalf("player %d was never resynced", stray)
	}
	t.Logf("state of %d bytes: astray after frame %d, repaired with the state after frame %d", 16+pad, bad, resyncAt)
	// After the repair, no checksum differs, and the states are equal.
	for i, r := range res {
		for _, e := range r.events {
			if e.Kind == EventDesync && e.Frame > resyncAt+3*interval {
				t.Errorf("player %d: %v, after the resync at frame %d", i, e, resyncAt)
			}
		}
		if r.game.sum != res[0].game.sum || r.game.frame != res[0].game.frame {
			t.Errorf("player %d: frame %d sum %x; player 0: frame %d sum %x", i, r.game.frame, r.game.sum, res[0].game.frame, res[0].game.sum)
		}
	}
}

// testDesyncChoose: with two players a desync has no majority; each game
// calls RepairDesync for every EventDesync, both naming player 0 or, when
// crossed, each naming itself (then the lower, player 0, is kept). Player
// 1 went astray: it is resynced once from player 0 and the match ends
// with equal states.
func testDesyncChoose(t *testing.T, tr transport, crossed bool) {
	const stray, interval, frames = 1, 20, 360
	bad := lockstep.Frame(2*interval + 5)
	peers := tr.lobby(t, 2, 29, func(c *Config) { c.ChecksumInterval = interval; c.Snapshots = true })
	var mu sync.Mutex
	var repairErrs []error
	res := playHooked(t, peers, frames, playHooks{
		corrupt: func(i int, f lockstep.Frame) bool { return i == stray && f == bad },
		onEvents: func(i int, evs []Event) {
			for _, e := range evs {
				if e.Kind != EventDesync {
					continue
				}
				keep := lockstep.PlayerID(0)
				if crossed {
					keep = lockstep.PlayerID(i)
				}
				if len(e.Diverged) != 0 {
					t.Errorf("player %d: %v names who diverged, with two players", i, e)
				}
				if err := peers[i].RepairDesync(e.Frame, keep); err != nil {
					mu.Lock()
					repairErrs = append(repairErrs, fmt.Errorf("player %d: RepairDesync(%d, %d): %w", i, e.Frame, keep, err))
					mu.Unlock()
				}
			}
		},
	})
	for _, err := range repairErrs {
		t.Error(err)
	}
	var resyncAt lockstep.Frame = -1
	for i, r := range res {
		if r.err != nil {
			t.Fatal(r.err)
		}
		for _, e := range r.events {
			if e.Kind != EventResynced {
				continue
			}
			if i != stray || e.Player != 0 || resyncAt >= 0 || bytes.Equal(e.State, e.OwnState) {
				t.Errorf("player %d: %v; want one resync, of player %d from player 0, with states that differ", i, e, stray)
			}
			resyncAt = e.Frame
		}
	}
	if resyncAt < 0 {
		t.Fatalf("player %d was never resynced", stray)
	}
	for i, r := range res {
		for _, e := range r.events {
			if e.Kind == EventDesync && e.Frame > resyncAt+3*interval {
				t.Errorf("player %d: %v, after the resync at frame %d", i, e, resyncAt)
			}
		}
	}
	if res[0].game.sum != res[1].game.sum || res[0].game.frame != res[1].game.frame {
		t.Errorf("frame %d sum %x against frame %d sum %x", res[0].game.frame, res[0].game.sum, res[1].game.frame, res[1].game.sum)
	}
	t.Logf("astray after frame %d, repaired with player 0's state after frame %d (crossed %v)", bad, resyncAt, crossed)
}
