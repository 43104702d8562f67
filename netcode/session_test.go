package netcode

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"log/slog"
	"math/rand/v2"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/netcode/netsim"
)

// kcp-go runs a process-wide timer scheduler from its init.
var leakOpts = []goleak.Option{
	goleak.IgnoreTopFunction("github.com/xtaci/kcp-go/v5.(*TimedSched).sched"),
	goleak.IgnoreTopFunction("github.com/xtaci/kcp-go/v5.(*TimedSched).prepend"),
}

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m, leakOpts...)
}

// testInput is a small game input.
type testInput struct {
	Buttons uint8
	Aim     int16
	// Slot is the sender's PlayerID + 1, for tests that check every input
	// lands in its player's slot (zero: no input yet).
	Slot uint8
}

// stubGame hashes every frame it simulates: two peers with equal sums
// simulated the same frames with the same inputs.
type stubGame struct {
	frame lockstep.Frame
	sum   uint64
	pad   int // bytes of padding in a saved state, for states of any size
}

// save returns the state: the next frame, the sum and the padding, which
// holds the sum again so that a state that went astray differs throughout.
func (g *stubGame) save() []byte {
	b := binary.BigEndian.AppendUint64(nil, uint64(g.frame))
	b = binary.BigEndian.AppendUint64(b, g.sum)
	for i := range g.pad {
		b = append(b, byte(g.sum>>(8*(i%8))))
	}
	return b
}

// load takes a saved state back.
func (g *stubGame) load(b []byte) error {
	if len(b) != 16+g.pad {
		return fmt.Errorf("a state of %d bytes, want %d", len(b), 16+g.pad)
	}
	g.frame, g.sum = lockstep.Frame(binary.BigEndian.Uint64(b)), binary.BigEndian.Uint64(b[8:])
	return nil
}

func (g *stubGame) step(f Frame[testInput]) error {
	if f.Number != g.frame {
		return fmt.Errorf("simulated frame %d, want %d", f.Number, g.frame)
	}
	h := fnv.New64a()
	fmt.Fprintf(h, "%d|%d|", g.sum, f.Number)
	for i, in := range f.Inputs {
		fmt.Fprintf(h, "%v:%d:%d,", f.Present[i], in.Buttons, in.Aim)
	}
	g.sum = h.Sum64()
	g.frame++
	return nil
}

func localConfig(name string, sim *netsim.Config) *Config {
	return &Config{
		Name:              name,
		Reach:             Local(),
		ListenAddr:        "127.0.0.1:0",
		Network:           sim,
		DisconnectTimeout: 2 * time.Second,
		JoinTimeout:       5 * time.Second,
	}
}

// localHost opens a lobby on loopback for up to maxPlayers; the test's end
// closes it.
func localHost(t *testing.T, maxPlayers int) *Session[testInput] {
	t.Helper()
	return transport{}.host(t, maxPlayers)
}

// lobby hosts a match on loopback, impaired by sim if set, joins n-1
// players to it, then starts it.
func lobby(t *testing.T, n int, sim *netsim.Config, seed uint64) []*Session[testInput] {
	t.Helper()
	return transport{sim: sim}.lobby(t, n, seed, nil)
}

type peerResult struct {
	game   stubGame
	events []Event
	err    error
	// delays counts, by input delay, the rounds of pacedLoops's second
	// half that ran at it.
	delays map[int]int
}

// usualDelay is the input delay a peer ran at most often in the second
// half of pacedLoops: a spike of a busy machine's scheduling raises the
// automatic delay at once, and it takes seconds to come down again.
func (r *peerResult) usualDelay() int {
	best, n := -1, 0
	for d := range 64 {
		if r.delays[d] > n {
			best, n = d, r.delays[d]
		}
	}
	return best
}

// play runs every peer's game loop at the tick rate until each simulated
// `frames` frames; stop, if set, is called on each tick and may end a peer
// early (returning true).
func play(t *testing.T, peers []*Session[testInput], frames int, stop func(i int, frame lockstep.Frame) bool) []peerResult {
	t.Helper()
	return playHooked(t, peers, frames, playHooks{stop: stop})
}

// playHooks are the optional hooks of playHooked, each called with the
// player's index.
type playHooks struct {
	stop    func(i int, f lockstep.Frame) bool // before each tick; true ends the player's loop
	onTick  func(i int, f lockstep.Frame)      // before each tick
	onFrame func(i int, f Frame[testInput])    // on every frame, before it is simulated
	// checksum, if set, says what player i reports after frame f, whose
	// true checksum is sum.
	checksum func(i int, f lockstep.Frame, sum uint64) uint64
	// corrupt, if set, says whether player i's state goes astray after
	// frame f (its sum changes).
	corrupt func(i int, f lockstep.Frame) bool
	// pad is the padding of every game's saved state.
	pad int
	// onEvents, if set, sees player i's events after each tick.
	onEvents func(i int, evs []Event)
}

// playHooked is play with hooks.
func playHooked(t *testing.T, peers []*Session[testInput], frames int, h playHooks) []peerResult {
	t.Helper()
	res := make([]peerResult, len(peers))
	var wg sync.WaitGroup
	deadline := time.Now().Add(time.Duration(frames)*time.Second/60*3 + 15*time.Second)
	for i, p := range peers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &res[i]
			r.game.pad = h.pad
			info, _ := p.Match()
			tick := time.NewTicker(time.Second / time.Duration(info.TickRate))
			defer tick.Stop()
			for n := 0; r.game.frame < lockstep.Frame(frames); n++ {
				if time.Now().After(deadline) {
					r.err = fmt.Errorf("player %d: reached only frame %d of %d", i, r.game.frame, frames)
					return
				}
				if h.stop != nil && h.stop(i, r.game.frame) {
					return
				}
				if h.onTick != nil {
					h.onTick(i, r.game.frame)
				}
				<-tick.C
				ins := make([]testInput, len(info.LocalPlayers))
				for k, lp := range info.LocalPlayers {
					ins[k] = testInput{Buttons: uint8(n*7 + i + k), Aim: int16(n*int(i+1)) - 500, Slot: uint8(lp) + 1}
				}
				fs, err := p.TickAll(ins)
				if err != nil {
					r.err = fmt.Errorf("player %d tick: %w", i, err)
					return
				}
				for _, f := range fs {
					if h.onFrame != nil {
						h.onFrame(i, f)
					}
					if f.Load != nil {
						if err := r.game.load(f.Load); err != nil {
							r.err = fmt.Errorf("player %d load before frame %d: %w", i, f.Number, err)
							return
						}
					}
					if err := r.game.step(f); err != nil {
						r.err = err
						return
					}
					if h.corrupt != nil && h.corrupt(i, f.Number) {
						r.game.sum ^= 1
					}
					if f.WantSnapshot {
						if err := p.Snapshot(f.Number, r.game.save()); err != nil {
							r.err = fmt.Errorf("player %d snapshot: %w", i, err)
							return
						}
					}
					if f.WantChecksum {
						sum := r.game.sum
						if h.checksum != nil {
							sum = h.checksum(i, f.Number, sum)
						}
						_ = p.ReportChecksum(f.Number, sum)
					}
					if r.game.frame == lockstep.Frame(frames) {
						break
					}
				}
				evs := p.Events()
				if h.onEvents != nil {
					h.onEvents(i, evs)
				}
				r.events = append(r.events, evs...)
			}
			// Keep the links fed until everyone is done.
			for range 30 {
				<-tick.C
				_, _ = p.TickAll(make([]testInput, len(info.LocalPlayers)))
				r.events = append(r.events, p.Events()...)
			}
		}()
	}
	wg.Wait()
	return res
}

func checkEqual(t *testing.T, res []peerResult, skip map[int]bool) {
	t.Helper()
	var want *peerResult
	for i := range res {
		r := &res[i]
		if skip[i] {
			continue
		}
		if r.err != nil {
			t.Fatal(r.err)
		}
		for _, e := range r.events {
			if e.Kind == EventDesync {
				t.Errorf("player %d: %v", i, e)
			}
		}
		if want == nil {
			want = r
			continue
		}
		if r.game.sum != want.game.sum || r.game.frame != want.game.frame {
			t.Errorf("player %d: frame %d sum %x, want frame %d sum %x", i, r.game.frame, r.game.sum, want.game.frame, want.game.sum)
		}
	}
}

// TestInputCopies plays through 10% loss with each way of carrying inputs:
// in one datagram a tick (1: every lost input must be sent again, or the
// match stalls for good), in two, and adapting to the loss (0, the
// default: three at this loss).
func TestInputCopies(t *testing.T) { virtual(t, inputCopiesScenarios(), nil) }

func inputCopiesScenarios() []scenario {
	var out []scenario
	for _, copies := range []int{1, 2, 0} {
		out = append(out, scenario{fmt.Sprintf("copies=%d", copies), func(t *testing.T, tr transport) { testInputCopies(t, tr, copies) }})
	}
	return out
}

func testInputCopies(t *testing.T, tr transport, copies int) {
	tr.sim = &netsim.Config{Latency: 30 * time.Millisecond, Jitter: 5 * time.Millisecond, Loss: 0.1}
	peers := tr.lobby(t, 3, 11, func(c *Config) { c.InputCopies = copies })
	res := play(t, peers, 300, nil)
	checkEqual(t, res, nil)
	for i, p := range peers {
		for _, e := range res[i].events {
			if e.Kind == EventPlayerLeft || e.Kind == EventDropped {
				t.Errorf("player %d: %v", i, e)
			}
		}
		st := p.Stats()
		for _, ps := range st.Peers {
			if ps.Loss < 0.04 || ps.Loss > 0.2 {
				t.Errorf("player %d: loss from %d measured at %.3f; the network drops 0.1", i, ps.Player, ps.Loss)
			}
			// Input datagrams flow every tick: far more than
			// KCP alone sends for checksums and pings.
			want := copies
			if want == 0 {
				want = DefaultInputCopies // or one more
			}
			if perFrame := float64(ps.DatagramsSent) / 300; perFrame < float64(want)*0.8 {
				t.Errorf("player %d to %d: %.2f datagrams a frame with %d copies", i, ps.Player, perFrame, copies)
			}
		}
	}
}

func TestStartNeedsPlayers(t *testing.T) {
	host, err := Host[testInput](context.Background(), localConfig("host", nil))
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	if err := host.Start(context.Background()); !errors.Is(err, ErrNotEnoughPlayers) {
		t.Fatalf("Start alone: %v", err)
	}
	if _, err := host.Tick(testInput{}); !errors.Is(err, ErrNotStarted) {
		t.Fatalf("Tick before start: %v", err)
	}
}

func TestGarbageDuringMatch(t *testing.T) {
	peers := lobby(t, 3, nil, 3)
	target, err := net.ResolveUDPAddr("udp", peers[0].LocalAddr())
	if err != nil {
		t.Fatal(err)
	}
	flood, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer flood.Close()
	const sent = 6000
	done := make(chan struct{})
	go func() {
		defer close(done)
		rng := rand.New(rand.NewPCG(1, 2))
		buf := make([]byte, 1500)
		start := time.Now()
		for i := 0; i < sent && time.Since(start) < 20*time.Second; i++ {
			n := 1 + rng.IntN(len(buf))
			for k := range buf[:n] {
				buf[k] = byte(rng.Uint32())
			}
			if i%3 == 0 && n > 13 {
				buf[0] = 2 // looks like a link datagram
			}
			flood.WriteTo(buf[:n], target)
			if i%100 == 0 {
				time.Sleep(50 * time.Millisecond) // about 2000 a second
			}
		}
	}()
	res := play(t, peers, 360, nil)
	<-done
	checkEqual(t, res, nil)
	// Let the last datagrams land, then count.
	time.Sleep(100 * time.Millisecond)
	if got := peers[0].Stats().DatagramsDropped; got < sent*9/10 {
		t.Fatalf("host dropped %d datagrams, want at least %d of the %d sent", got, sent*9/10, sent)
	}
}

// TestCloseReleases: after Close the port is free again and, as TestMain's
// leak check shows for the whole package, no goroutine is left.
func TestCloseReleases(t *testing.T) {
	peers := lobby(t, 2, nil, 11)
	play(t, peers, 60, nil)
	addrs := []string{peers[0].LocalAddr(), peers[1].LocalAddr()}
	for _, p := range peers {
		if err := p.Close(); err != nil {
			t.Fatal(err)
		}
		if err := p.Close(); err != nil {
			t.Fatalf("second Close: %v", err)
		}
		if _, err := p.Tick(testInput{}); !errors.Is(err, ErrClosed) {
			t.Fatalf("Tick after Close: %v", err)
		}
	}
	for _, a := range addrs {
		c, err := net.ListenPacket("udp", a)
		if err != nil {
			t.Fatalf("port %s still held after Close: %v", a, err)
		}
		c.Close()
	}
	goleak.VerifyNone(t, leakOpts...)
}

func TestLobbySnapshotAndEvents(t *testing.T) { testLobbySnapshotAndEvents(t, transport{}) }

func testLobbySnapshotAndEvents(t *testing.T, tr transport) {
	ctx := context.Background()
	host, err := Host[testInput](ctx, tr.config(t, "host", 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	var joiners []*Session[testInput]
	for _, name := range []string{"ada", "bob"} {
		j, err := Join[testInput](ctx, host.Code(), tr.config(t, name, 1, 0))
		if err != nil {
			t.Fatal(err)
		}
		defer j.Close()
		joiners = append(joiners, j)
	}
	deadline := time.Now().Add(10 * time.Second)
	// Each player hears of the others' links in its own time: wait for
	// all three.
	for !host.Lobby().Ready || !joiners[0].Lobby().Ready || !joiners[1].Lobby().Ready {
		if time.Now().After(deadline) {
			t.Fatalf("lobby never ready: host %+v, joiners %+v and %+v", host.Lobby(), joiners[0].Lobby(), joiners[1].Lobby())
		}
		time.Sleep(20 * time.Millisecond)
	}
	for i, s := range []*Session[testInput]{host, joiners[0], joiners[1]} {
		lb := s.Lobby()
		if len(lb.Players) != 3 || lb.Code != host.Code() || lb.Started {
			t.Fatalf("session %d lobby: %+v", i, lb)
		}
		for slot, p := range lb.Players {
			if p.Slot != slot || p.Name != []string{"host", "ada", "bob"}[slot] || p.Host != (slot == 0) || p.You != (slot == i) || !p.Connected || p.Links != 2 {
				t.Errorf("session %d sees slot %d as %+v", i, slot, p)
			}
		}
	}
	var joined []string
	for _, e := range host.Events() {
		if e.Kind == EventPlayerJoined {
			joined = append(joined, e.Name)
		}
	}
	if fmt.Sprint(joined) != "[ada bob]" {
		t.Fatalf("host join events: %v", joined)
	}
	// One leaves the lobby: the host and the other joiner see it go.
	joiners[0].Close()
	for len(host.Lobby().Players) != 2 || len(joiners[1].Lobby().Players) != 2 {
		if time.Now().After(deadline.Add(5 * time.Second)) {
			t.Fatalf("leaver still listed: %+v", host.Lobby())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got := joiners[1].Lobby().Players[1].Name; got != "bob" {
		t.Fatalf("after ada left, slot 1 is %q", got)
	}
}

// loopKind is how a test's game loop drives its session.
type loopKind int

const (
	loopSleep   loopKind = iota // Tick, then sleep a frame plus Pace
	loopUnpaced                 // Tick, then sleep a frame: Pace ignored
	loopTicker                  // a Ticker ticks; the loop sets input and collects frames
)

func (k loopKind) String() string { return [...]string{"sleep", "unpaced", "ticker"}[k] }

// pacedLoops runs every peer's game loop on its own timer, period(i) a
// round, driving its session as kind says, until each simulated frames
// frames (and a second more, to feed the others). It returns each peer's
// result and the total Pace it waited.
func pacedLoops(peers []*Session[testInput], frames int, period func(i int) time.Duration, kind loopKind) ([]peerResult, []time.Duration) {
	res := make([]peerResult, len(peers))
	paced := make([]time.Duration, len(peers))
	var wg sync.WaitGroup
	for i, p := range peers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := &res[i]
			var tk *Ticker[testInput]
			if kind == loopTicker {
				if tk, r.err = p.Ticker(); r.err != nil {
					return
				}
				defer tk.Stop()
			}
			next := time.Now()
			deadline := next.Add(time.Duration(frames)*period(i)*3 + 15*time.Second)
			for n := 0; r.game.frame < lockstep.Frame(frames) || n < frames+60; n++ {
				if time.Now().After(deadline) {
					r.err = fmt.Errorf("player %d: reached only frame %d of %d", i, r.game.frame, frames)
					return
				}
				in := testInput{Buttons: uint8(n + i)}
				var fs []Frame[testInput]
				var err error
				if tk != nil {
					if err = tk.SetInput(in); err == nil {
						fs, err = tk.Frames()
					}
				} else {
					fs, err = p.Tick(in)
				}
				if err != nil {
					r.err = err
					return
				}
				for _, f := range fs {
					if r.game.frame < lockstep.Frame(frames) {
						if err := r.game.step(f); err != nil {
							r.err = err
							return
						}
					}
				}
				r.events = append(r.events, p.Events()...)
				if n > frames/2 {
					if r.delays == nil {
						r.delays = map[int]int{}
					}
					r.delays[p.Stats().InputDelay]++
				}
				next = next.Add(period(i))
				if kind == loopSleep {
					d := p.Pace()
					paced[i] += d
					next = next.Add(d)
				}
				time.Sleep(time.Until(next))
			}
		}()
	}
	wg.Wait()
	return res, paced
}

// TestPace: player 0's loop runs 3% fast. When it waits out Session.Pace,
// it stays with the others; when a Ticker runs its ticks, the loop's own
// rate does not matter; when it ignores Pace, netcode says so once in its
// log. Every way, the match agrees.
func TestPace(t *testing.T) {
	var scs []scenario
	for _, kind := range []loopKind{loopSleep, loopTicker, loopUnpaced} {
		scs = append(scs, scenario{kind.String(), func(t *testing.T, tr transport) { testPace(t, tr, kind) }})
	}
	virtual(t, scs, nil)
}

func testPace(t *testing.T, tr transport, kind loopKind) {
	const frames = 480
	period := func(i int) time.Duration {
		if i == 0 {
			return time.Second / 60 * 97 / 100
		}
		return time.Second / 60
	}
	var logs []*logBuffer
	peers := tr.lobby(t, 2, 5, func(c *Config) {
		lb := &logBuffer{}
		logs = append(logs, lb)
		c.Logger = slog.New(slog.NewTextHandler(lb, &slog.HandlerOptions{Level: slog.LevelWarn}))
	})
	res, paced := pacedLoops(peers, frames, period, kind)
	checkEqual(t, res, nil)
	warned := strings.Count(logs[0].String(), "calls Tick but not Pace")
	t.Logf("fast player: waited %v for Pace; warned %d times", paced[0], warned)
	switch kind {
	case loopSleep:
		if paced[0] <= 0 || warned != 0 {
			t.Errorf("waiting out Pace: waited %v, warned %d times; want a wait and no warning", paced[0], warned)
		}
	case loopTicker:
		if warned != 0 {
			t.Errorf("a Ticker's ticks were taken for a loop that ignores Pace (%d warnings)", warned)
		}
	case loopUnpaced:
		if warned != 1 {
			t.Errorf("a loop ignoring Pace was warned %d times, want once", warned)
		}
	}
}

// TestDelayFollowsPacing: at 20 Hz (50 ms frames) and 55 ms one way, loops
// that wait out Pace keep their ticks in phase and run at 2 frames of delay
// (55 ms and the eighth of a frame pacing needs, rounded up); a fixed-rate
// loop whose ticks a Ticker runs gets the same; a frame of DelayMargin is a
// frame more. It runs in virtual time (a synctest bubble over memnet), so
// a busy machine cannot move the answer; it counts the delay each peer ran
// at most often in the second half.
func TestDelayFollowsPacing(t *testing.T) { virtual(t, delayScenarios(), nil) }

func delayScenarios() []scenario {
	frame := time.Second / 20
	var out []scenario
	for _, tt := range []struct {
		kind   loopKind
		margin time.Duration // Config.DelayMargin
		want   int
	}{
		{loopSleep, 0, 2},
		{loopTicker, 0, 2},
		{loopSleep, frame, 3}, // a frame of margin: a frame more
	} {
		out = append(out, scenario{fmt.Sprintf("%v,margin=%v", tt.kind, tt.margin), func(t *testing.T, tr transport) {
			testDelayFollowsPacing(t, tr, tt.kind, tt.margin, tt.want)
		}})
	}
	return out
}

func testDelayFollowsPacing(t *testing.T, tr transport, kind loopKind, margin time.Duration, want int) {
	const hz = 20
	frame := time.Second / hz
	tr.sim = &netsim.Config{Latency: 55 * time.Millisecond}
	peers := tr.lobby(t, 2, 9, func(c *Config) { c.DelayMargin, c.TickRate = margin, hz })
	res, _ := pacedLoops(peers, 120, func(int) time.Duration { return frame }, kind)
	checkEqual(t, res, nil)
	for i := range peers {
		if d := res[i].usualDelay(); d != want {
			t.Errorf("player %d ran mostly at an input delay of %d frames (%v), want %d", i, d, res[i].delays, want)
		}
	}
}

// logBuffer collects a session's log lines; safe for concurrent writes.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
