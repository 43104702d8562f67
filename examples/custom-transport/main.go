// Command custom-transport drives the lockstep engine over a transport of
// its own, with no netcode at all: three players in one process, each a
// goroutine, whose engines talk through Go channels. It shows that the
// engine is a pure state machine: it is fed inputs, messages and the time,
// and it hands back messages to deliver and frames to simulate. Any
// transport will do (WebRTC data channels, a relay server, Steam
// sockets...): one that delivers every message in order, as these channels
// do, or one with a datagram channel beside a reliable one, for the
// messages the engine does not mark Reliable (it acknowledges and resends
// inputs itself).
//
// Run it with:
//
//	go run ./examples/custom-transport
package main

import (
	"fmt"
	"hash/fnv"
	"os"
	"sync"
	"time"

	"github.com/peerstep/peerstep/lockstep"
)

const (
	players = 3
	frames  = 180
	tick    = time.Second / 60
)

// packet is what the channel transport carries: the sender and the
// engine message in its wire form, as a real transport would.
type packet struct {
	from lockstep.PlayerID
	data []byte
}

func main() {
	// One inbox per player; every player can write to every inbox.
	inbox := make([]chan packet, players)
	for i := range inbox {
		inbox[i] = make(chan packet, 4096)
	}
	sums := make([]uint64, players)
	errs := make([]error, players)
	var wg sync.WaitGroup
	for p := range players {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sums[p], errs[p] = run(lockstep.PlayerID(p), inbox)
		}()
	}
	wg.Wait()
	for p := range players {
		if errs[p] != nil {
			fmt.Fprintf(os.Stderr, "player %d: %v\n", p, errs[p])
			os.Exit(1)
		}
		fmt.Printf("player %d: %d frames, state %016x\n", p, frames, sums[p])
	}
	for p := range players {
		if sums[p] != sums[0] {
			fmt.Fprintln(os.Stderr, "the players disagree")
			os.Exit(1)
		}
	}
	fmt.Println("all players agree")
}

// run is one player's game loop.
func run(me lockstep.PlayerID, inbox []chan packet) (uint64, error) {
	e, err := lockstep.New(lockstep.Config{Players: players, Local: me, InputDelay: 2})
	if err != nil {
		return 0, err
	}
	start := time.Now()
	next := start
	h := fnv.New64a() // the "game state": a hash of every input simulated
	simulated := 0
	// Keep ticking a little after the last frame so the others get our inputs.
	for n := 0; simulated < frames || n < frames+30; n++ {
		time.Sleep(time.Until(next))
		// 1. The time, then whatever arrived: the engine answers pings and
		// times round trips against this tick. A transport that stamps
		// messages as they arrive passes the stamp to ReceiveAt instead.
		e.Tick(time.Since(start))
		for drained := false; !drained; {
			select {
			case p := <-inbox[me]:
				m, err := lockstep.DecodeMessage(p.data)
				if err != nil {
					return 0, err
				}
				if err := e.Receive(p.from, m); err != nil {
					return 0, err
				}
			default:
				drained = true
			}
		}
		// 2. This tick's input.
		if _, err := e.AddLocalInput([]byte{byte(n), byte(me)}); err != nil {
			return 0, err
		}
		// 3. Deliver what the engine wants sent, simulate what is ready,
		// react to events and wait a little longer when told to.
		rd := e.Ready()
		for _, o := range rd.Messages {
			b, err := lockstep.EncodeMessage(o.Msg)
			if err != nil {
				return 0, err
			}
			inbox[o.To] <- packet{from: me, data: b}
		}
		for _, f := range rd.Frames {
			if simulated == frames {
				break
			}
			for p, in := range f.Inputs {
				fmt.Fprintf(h, "%d:%d:%x;", f.Frame, p, in)
			}
			simulated++
			if f.WantChecksum {
				if err := e.ReportChecksum(f.Frame, h.Sum64()); err != nil {
					return 0, err
				}
			}
		}
		for _, ev := range rd.Events {
			if ev.Kind == lockstep.EventDesync {
				return 0, fmt.Errorf("%v", ev)
			}
		}
		next = next.Add(tick + rd.SlowDown)
	}
	return h.Sum64(), nil
}
