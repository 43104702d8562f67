package netcode_test

import (
	"context"
	"fmt"
	"hash/fnv"
	"sync"
	"time"

	"github.com/peerstep/peerstep/netcode"
)

// Input is what one player does in one frame.
type Input struct {
	Dx, Dy int8
}

// world is a tiny deterministic game: every player moves a dot.
type world struct {
	frame  int
	x, y   []int
	events int
}

func newWorld(players int) *world { return &world{x: make([]int, players), y: make([]int, players)} }

func (w *world) step(f netcode.Frame[Input]) {
	for p, in := range f.Inputs {
		if f.Present[p] {
			w.x[p] += int(in.Dx)
			w.y[p] += int(in.Dy)
		}
	}
	w.frame++
}

func (w *world) checksum() uint64 {
	h := fnv.New64a()
	fmt.Fprint(h, w.x, w.y)
	return h.Sum64()
}

// notice would show an event on screen.
func (w *world) notice(netcode.Event) { w.events++ }

// matchFrames is how long the match lasts: two seconds at 60 Hz.
const matchFrames = 120

// readInput would read the keyboard; here every player steers its own way.
func readInput(s *netcode.Session[Input]) Input {
	info, _ := s.Match()
	return Input{Dx: int8(info.Local) + 1, Dy: int8(s.Stats().Frame % 3)}
}

// README quick start: begin

// hostMatch opens a lobby, shows its share code, waits for the friends and
// plays the match.
func hostMatch(ctx context.Context, cfg *netcode.Config, players int, show func(code string)) (uint64, error) {
	host, err := netcode.Host[Input](ctx, cfg) // cfg may be nil: the defaults
	if err != nil {
		return 0, err
	}
	defer host.Close() // leaving tells the others, who play on without you
	show(host.Code())  // read it out, or paste it in a chat
	if err := host.WaitPlayers(ctx, players); err != nil {
		return 0, err // ctx ended before enough friends joined
	}
	if err := host.Start(ctx); err != nil {
		return 0, err
	}
	return playMatch(host)
}

// joinMatch joins a friend's match with the code they gave you.
func joinMatch(ctx context.Context, cfg *netcode.Config, code string) (uint64, error) {
	s, err := netcode.Join[Input](ctx, code, cfg)
	if err != nil {
		return 0, err // a typo, a wrong or old code, the host out of reach
	}
	defer s.Close()
	if err := s.WaitStart(ctx); err != nil {
		return 0, err // the host left, or ctx ended
	}
	return playMatch(s)
}

// playMatch is the game loop, the same on every player's machine: each tick
// it hands in the local input and simulates the frames every player agrees
// on. The game decides when the match ends (here at a fixed frame), and
// every player decides the same; then Close lets the others finish.
func playMatch(s *netcode.Session[Input]) (uint64, error) {
	info, _ := s.Match() // seed, players, your PlayerID, tick rate
	game := newWorld(len(info.Players))
	period := time.Second / time.Duration(info.TickRate)
	for next := time.Now(); game.frame < matchFrames; {
		next = next.Add(period + s.Pace()) // Pace keeps everyone's ticks in phase
		time.Sleep(time.Until(next))
		frames, err := s.Tick(readInput(s))
		if err != nil {
			return 0, err // netcode.ErrDropped, netcode.ErrClosed
		}
		for _, f := range frames {
			if game.frame == matchFrames {
				break // past the end: the others stop here too
			}
			game.step(f)
			if f.WantChecksum {
				s.ReportChecksum(f.Number, game.checksum())
			}
		}
		for _, e := range s.Events() {
			game.notice(e) // a player left at frame F, a desync, a stall...
		}
	}
	return game.checksum(), nil
}

// README quick start: end

// Four players in one process over loopback UDP: one hosts, three join with
// the share code, all play the match to its last frame and close. This is
// the README's quick start.
func Example_quickstart() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg := func(name string) *netcode.Config {
		// This machine only: no LAN discovery, STUN or DHT in a test.
		return &netcode.Config{Name: name, ListenAddr: "127.0.0.1:0", Reach: netcode.Local()}
	}
	codes := make(chan string, 1)
	sums := make([]uint64, 4)
	errs := make([]error, 4)
	var wg sync.WaitGroup
	wg.Add(4)
	go func() {
		defer wg.Done()
		sums[0], errs[0] = hostMatch(ctx, cfg("ada"), 4, func(code string) { codes <- code })
	}()
	code := <-codes
	for i, name := range []string{"bob", "cy", "dee"} {
		go func() {
			defer wg.Done()
			sums[i+1], errs[i+1] = joinMatch(ctx, cfg(name), code)
		}()
	}
	wg.Wait()
	fmt.Println("errors:", errs)
	fmt.Println("same state everywhere:", sums[0] != 0 && sums[0] == sums[1] && sums[1] == sums[2] && sums[2] == sums[3])
	// Output:
	// errors: [<nil> <nil> <nil> <nil>]
	// same state everywhere: true
}
