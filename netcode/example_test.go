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
	x, y []int
}

func (w *world) step(f netcode.Frame[Input]) {
	for p, in := range f.Inputs {
		if f.Present[p] {
			w.x[p] += int(in.Dx)
			w.y[p] += int(in.Dy)
		}
	}
}

func (w *world) checksum() uint64 {
	h := fnv.New64a()
	fmt.Fprint(h, w.x, w.y)
	return h.Sum64()
}

// Four players in one process over loopback UDP: one hosts, three join with
// the share code, and all play 120 frames.
func Example_quickstart() {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg := func(name string) *netcode.Config {
		return &netcode.Config{Name: name, ListenAddr: "127.0.0.1:0"}
	}

	host, err := netcode.Host[Input](ctx, cfg("host"))
	if err != nil {
		fmt.Println(err)
		return
	}
	players := []*netcode.Session[Input]{host}
	for _, name := range []string{"ada", "bob", "cy"} {
		s, err := netcode.Join[Input](ctx, host.Code(), cfg(name))
		if err != nil {
			fmt.Println(err)
			return
		}
		players = append(players, s)
	}
	if err := host.Start(ctx); err != nil {
		fmt.Println(err)
		return
	}

	sums := make([]uint64, len(players))
	var wg sync.WaitGroup
	for i, s := range players {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := s.WaitStart(ctx); err != nil {
				return
			}
			info, _ := s.Match()
			w := &world{x: make([]int, len(info.Players)), y: make([]int, len(info.Players))}
			// One frame a tick, plus what Pace asks: the players' ticks
			// stay in phase and the input delay stays short.
			period := time.Second / time.Duration(info.TickRate)
			next := time.Now()
			wait := func() {
				next = next.Add(period + s.Pace())
				time.Sleep(time.Until(next))
			}
			for frame := 0; frame < 120; {
				wait()
				frames, err := s.Tick(Input{Dx: int8(i), Dy: int8(frame % 3)})
				if err != nil {
					return
				}
				for _, f := range frames {
					if frame < 120 {
						w.step(f)
						frame++
					}
				}
			}
			sums[i] = w.checksum()
			for range 20 { // keep the others fed while they finish
				wait()
				s.Tick(Input{})
			}
		}()
	}
	wg.Wait()
	for _, s := range players {
		s.Close()
	}
	fmt.Println("players:", len(players))
	fmt.Println("same state everywhere:", sums[0] != 0 && sums[0] == sums[1] && sums[1] == sums[2] && sums[2] == sums[3])
	// Output:
	// players: 4
	// same state everywhere: true
}
