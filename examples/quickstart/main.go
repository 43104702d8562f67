// Command quickstart is the first thing to run: a host and three joiners
// find each other through a share code over real loopback UDP, play a small
// deterministic simulation for a few hundred frames, and print their
// checksums (all equal) and a line of statistics each. No window, no
// Ebiten: just netcode.
//
//	go run ./examples/quickstart
//	go run ./examples/quickstart -latency 40ms -jitter 5ms -loss 0.02
package main

import (
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"sync"
	"time"

	"github.com/peerstep/peerstep/netcode"
	"github.com/peerstep/peerstep/netcode/netsim"
)

// Input is one player's input for one frame: which way it pushes its dot.
type Input struct {
	Dx, Dy int8
}

// World is the game state: a dot per player on a 64x64 torus. It uses
// integers only, so every machine computes the same thing.
type World struct {
	X, Y []int
}

// NewWorld places the players' dots from the match seed.
func NewWorld(seed uint64, players int) *World {
	w := &World{X: make([]int, players), Y: make([]int, players)}
	for p := range players {
		seed = seed*6364136223846793005 + 1442695040888963407
		w.X[p], w.Y[p] = int(seed>>40)%64, int(seed>>20)%64
	}
	return w
}

// Step advances the world by one frame.
func (w *World) Step(f netcode.Frame[Input]) {
	for p, in := range f.Inputs {
		if f.Present[p] {
			w.X[p] = (w.X[p] + int(in.Dx) + 64) % 64
			w.Y[p] = (w.Y[p] + int(in.Dy) + 64) % 64
		}
	}
}

// Checksum hashes the world.
func (w *World) Checksum() uint64 {
	h := fnv.New64a()
	for p := range w.X {
		fmt.Fprintf(h, "%d,%d;", w.X[p], w.Y[p])
	}
	return h.Sum64()
}

func main() {
	frames := flag.Int("frames", 300, "frames to play")
	var sim netsim.Config
	sim.RegisterFlags(flag.CommandLine, "")
	flag.Parse()
	if *frames < 1 {
		fmt.Fprintf(os.Stderr, "quickstart: -frames %d: at least 1\n", *frames)
		os.Exit(2)
	}
	if err := sim.CheckFlags(""); err != nil { // "-latency 100h: at most 10s"
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(2)
	}
	if err := run(*frames, sim); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(frames int, sim netsim.Config) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	config := func(name string, seed uint64) *netcode.Config {
		// All players are in this process: no discovery beyond it.
		cfg := &netcode.Config{Name: name, ListenAddr: "127.0.0.1:0", Reach: netcode.Local()}
		if sim.Enabled() {
			s := sim
			s.Seed += seed
			cfg.Network = &s
		}
		return cfg
	}

	// 1. One player hosts and gets a share code.
	host, err := netcode.Host[Input](ctx, config("host", 0))
	if err != nil {
		return err
	}
	fmt.Println("share code:", host.Code())
	players := []*netcode.Session[Input]{host}
	defer func() {
		for _, p := range players {
			p.Close()
		}
	}()

	// 2. Three friends join with it.
	for i, name := range []string{"ada", "bob", "cy"} {
		s, err := netcode.Join[Input](ctx, host.Code(), config(name, uint64(i+1)))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		players = append(players, s)
	}

	// 3. The host waits until everyone reaches everyone, and starts.
	if err := host.WaitPlayers(ctx, len(players)); err != nil {
		return err
	}
	if err := host.Start(ctx); err != nil {
		return err
	}

	// 4. Every player runs the same loop.
	sums := make([]uint64, len(players))
	errs := make([]error, len(players))
	var wg sync.WaitGroup
	for i, s := range players {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sums[i], errs[i] = play(ctx, s, frames)
		}()
	}
	wg.Wait()

	for i, s := range players {
		if errs[i] != nil {
			return errs[i]
		}
		info, _ := s.Match()
		st := s.Stats()
		var sent, recv uint64
		var rtt time.Duration
		for _, p := range st.Peers {
			sent += p.BytesSent
			recv += p.BytesReceived
			rtt = max(rtt, p.RTT)
		}
		fmt.Printf("%-4s checksum %016x  delay %d frames  stalls %d  max rtt %v  sent %d B  received %d B\n",
			info.Players[info.Local], sums[i], st.InputDelay, st.FramesStalled, rtt.Round(time.Millisecond), sent, recv)
	}
	for _, sum := range sums[1:] {
		if sum != sums[0] {
			return fmt.Errorf("checksums differ: the simulation is not deterministic")
		}
	}
	fmt.Println("all checksums equal")
	return nil
}

// play is one player's game loop.
func play(ctx context.Context, s *netcode.Session[Input], frames int) (uint64, error) {
	if err := s.WaitStart(ctx); err != nil {
		return 0, err
	}
	info, _ := s.Match()
	w := NewWorld(info.Seed, len(info.Players))
	// A timer rather than a ticker: each tick waits one frame plus what
	// s.Pace asks, which keeps every player's ticks within a fraction of a
	// frame of the others' and lets the input delay be as short as the
	// network allows.
	frame := time.Second / time.Duration(info.TickRate)
	timer := time.NewTimer(frame)
	defer timer.Stop()
	next := time.Now().Add(frame)
	var sum uint64
	// Keep ticking a little after the last frame so that the others get
	// every input they need to finish too.
	for n, done := 0, 0; done < frames || n < frames+30; n++ {
		select {
		case <-timer.C:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		next = next.Add(frame + s.Pace())
		timer.Reset(time.Until(next))
		// A real game reads the keyboard here.
		in := Input{Dx: int8(n%3 - 1), Dy: int8((n/7+int(info.Local))%3 - 1)}
		fs, err := s.Tick(in)
		if err != nil {
			return 0, err
		}
		for _, f := range fs {
			if done == frames {
				break
			}
			w.Step(f)
			done++
			if f.WantChecksum {
				s.ReportChecksum(f.Number, w.Checksum())
			}
			if done == frames {
				sum = w.Checksum()
			}
		}
		for _, e := range s.Events() {
			if e.Kind == netcode.EventDesync {
				return 0, fmt.Errorf("%v", e)
			}
		}
	}
	return sum, nil
}
