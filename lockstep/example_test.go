package lockstep_test

import (
	"fmt"
	"time"

	"github.com/peerstep/peerstep/lockstep"
)

// Two engines driven by hand, passing messages directly: each tick both
// players add an input, the messages are delivered, and the frames that
// every player's input is known for come out, the same on both sides.
func Example_twoPlayers() {
	a, _ := lockstep.New(lockstep.Config{Players: 2, Local: 0, InputDelay: 1})
	b, _ := lockstep.New(lockstep.Config{Players: 2, Local: 1, InputDelay: 1})
	deliver := func(from lockstep.PlayerID, rd lockstep.Ready, to *lockstep.Engine) {
		for _, o := range rd.Messages {
			wire, _ := lockstep.EncodeMessage(o.Msg) // what a transport carries
			m, _ := lockstep.DecodeMessage(wire)
			to.Receive(from, m)
		}
	}
	for tick := range 3 {
		now := time.Duration(tick) * lockstep.DefaultFrameDuration
		a.Tick(now)
		b.Tick(now)
		a.AddLocalInput([]byte{'A', byte('0' + tick)})
		b.AddLocalInput([]byte{'B', byte('0' + tick)})
		ra, rb := a.Ready(), b.Ready()
		deliver(0, ra, b)
		deliver(1, rb, a)
		frames := append(ra.Frames, a.Ready().Frames...)
		for _, f := range frames {
			fmt.Printf("tick %d: frame %d inputs %q\n", tick, f.Frame, f.Inputs)
		}
	}
	// Output:
	// tick 0: frame 0 inputs ["" ""]
	// tick 1: frame 1 inputs ["A0" "B0"]
	// tick 2: frame 2 inputs ["A1" "B1"]
}

// A game's own input type travels as msgpack.
func ExampleEncodeInput() {
	type Pad struct {
		Buttons uint8
		X, Y    int8
	}
	b, _ := lockstep.EncodeInput(Pad{Buttons: 1, X: -1})
	in, _ := lockstep.DecodeInput[Pad](b)
	fmt.Printf("%d bytes: %+v\n", len(b), in)
	// Output: 4 bytes: {Buttons:1 X:-1 Y:0}
}

// Two players on one keyboard play a third over the network: the engine
// of the pair adds both their inputs each tick, and its messages go to
// the other machine as one peer.
func ExampleEngine_AddLocalInputs() {
	pair := [][]lockstep.PlayerID{{0, 1}}
	couch, _ := lockstep.New(lockstep.Config{Players: 3, Local: 0, Groups: pair, InputDelay: 1})
	remote, _ := lockstep.New(lockstep.Config{Players: 3, Local: 2, Groups: pair, InputDelay: 1})
	fmt.Println("local players:", couch.LocalPlayers())
	for tick := range 3 {
		now := time.Duration(tick) * lockstep.DefaultFrameDuration
		couch.Tick(now)
		remote.Tick(now)
		couch.AddLocalInputs([][]byte{{'L', byte('0' + tick)}, {'R', byte('0' + tick)}})
		remote.AddLocalInput([]byte{'N', byte('0' + tick)})
		rc, rr := couch.Ready(), remote.Ready()
		for _, o := range rc.Messages {
			remote.Receive(0, o.Msg) // the pair's first player names its machine
		}
		for _, o := range rr.Messages {
			couch.Receive(2, o.Msg)
		}
		for _, f := range append(rc.Frames, couch.Ready().Frames...) {
			fmt.Printf("tick %d: frame %d inputs %q\n", tick, f.Frame, f.Inputs)
		}
	}
	// Output:
	// local players: [0 1]
	// tick 0: frame 0 inputs ["" "" ""]
	// tick 1: frame 1 inputs ["L0" "R0" "N0"]
	// tick 2: frame 2 inputs ["L1" "R1" "N1"]
}

// Three machines report their checksums after a frame; the one that
// differs from the other two is the one whose state went astray. With two
// machines that differ there is no majority, and Diverged says nothing.
func ExampleDiverged() {
	fmt.Println(lockstep.Diverged([]lockstep.PlayerChecksum{{Player: 0, Sum: 0xbeef}, {Player: 1, Sum: 0xbeef}, {Player: 2, Sum: 0xdead}}))
	fmt.Println(lockstep.Diverged([]lockstep.PlayerChecksum{{Player: 0, Sum: 0xbeef}, {Player: 1, Sum: 0xdead}}))
	// Output:
	// [2]
	// []
}
