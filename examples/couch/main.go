// Command couch shows two players on one machine playing online: a host
// plays alone, and a second machine joins with two players sharing its
// keyboard (netcode.Config.LocalPlayers = 2). The pair's session takes two
// slots of the match and hands in both players' inputs each tick
// (Session.TickAll); every machine simulates the same three riders and
// ends with the same checksum. Over real loopback UDP, in one process, no
// window.
//
//	go run ./examples/couch
//	go run ./examples/couch -latency 40ms -jitter 5ms -loss 0.02
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

// Input is one player's push for one frame.
type Input struct {
	Dx, Dy int8
}

// World is a dot per player on a 64x64 torus, in integers only.
type World struct {
	X, Y []int
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
		fmt.Fprintf(os.Stderr, "couch: -frames %d: at least 1\n", *frames)
		os.Exit(2)
	}
	if err := sim.CheckFlags(""); err != nil {
		fmt.Fprintln(os.Stderr, "couch:", err)
		os.Exit(2)
	}
	if err := run(*frames, sim); err != nil {
		fmt.Fprintln(os.Stderr, "couch:", err)
		os.Exit(1)
	}
}

func run(frames int, sim netsim.Config) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	config := func(name string, seed uint64) *netcode.Config {
		// Both machines are in this process: no discovery beyond it.
		cfg := &netcode.Config{Name: name, ListenAddr: "127.0.0.1:0", Reach: netcode.Local()}
		if sim.Enabled() {
			s := sim
			s.Seed += seed
			cfg.Network = &s
		}
		return cfg
	}
	host, err := netcode.Host[Input](ctx, config("ada", 0))
	if err != nil {
		return err
	}
	defer host.Close()

	// The second machine: two players at one keyboard, one session.
	cfg := config("sofa", 1)
	cfg.LocalPlayers = 2
	pair, err := netcode.Join[Input](ctx, host.Code(), cfg)
	if err != nil {
		return err
	}
	defer pair.Close()

	if err := host.WaitPlayers(ctx, 3); err != nil { // three players, two machines
		return err
	}
	if err := host.Start(ctx); err != nil {
		return err
	}
	sessions := []*netcode.Session[Input]{host, pair}
	sums := make([]uint64, len(sessions))
	errs := make([]error, len(sessions))
	var wg sync.WaitGroup
	for i, s := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sums[i], errs[i] = play(ctx, s, frames)
		}()
	}
	wg.Wait()
	for i, s := range sessions {
		if errs[i] != nil {
			return errs[i]
		}
		info, _ := s.Match()
		var names []string
		for _, p := range info.LocalPlayers {
			names = append(names, info.Players[p])
		}
		fmt.Printf("machine %d plays %q (slots %v): checksum %016x\n", i+1, names, info.LocalPlayers, sums[i])
	}
	if sums[0] != sums[1] {
		return fmt.Errorf("checksums differ: the simulation is not deterministic")
	}
	fmt.Println("all checksums equal")
	return nil
}

// play is one machine's game loop: each tick it reads one input for each
// of its players and hands them in together.
func play(ctx context.Context, s *netcode.Session[Input], frames int) (uint64, error) {
	if err := s.WaitStart(ctx); err != nil {
		return 0, err
	}
	info, _ := s.Match()
	w := &World{X: make([]int, len(info.Players)), Y: make([]int, len(info.Players))}
	frame := time.Second / time.Duration(info.TickRate)
	timer := time.NewTimer(frame)
	defer timer.Stop()
	next := time.Now().Add(frame)
	var sum uint64
	inputs := make([]Input, len(info.LocalPlayers))
	for n, done := 0, 0; done < frames || n < frames+30; n++ {
		select {
		case <-timer.C:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		next = next.Add(frame + s.Pace())
		timer.Reset(time.Until(next))
		// A real game reads each player's keys here (WASD and the
		// arrows, say), in the order of info.LocalPlayers.
		for k, p := range info.LocalPlayers {
			inputs[k] = Input{Dx: int8((n+int(p))%3 - 1), Dy: int8((n/5+2*int(p))%3 - 1)}
		}
		fs, err := s.TickAll(inputs)
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
