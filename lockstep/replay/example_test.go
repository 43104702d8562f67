package replay_test

import (
	"bytes"
	"fmt"

	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/lockstep/replay"
)

func Example() {
	var file bytes.Buffer
	w, err := replay.NewWriter(&file, replay.Header{
		Game:    "neon-trails",
		Players: 2,
		Names:   []string{"ada", "grace"},
		Seed:    42,
		TickHz:  60,
	})
	if err != nil {
		panic(err)
	}
	for f := lockstep.Frame(0); f < 3; f++ {
		frame := lockstep.ReadyFrame{
			Frame:   f,
			Inputs:  [][]byte{{byte(f)}, {byte(10 * f)}},
			Present: []bool{true, true},
		}
		if f == 2 { // grace left at frame 2
			frame.Inputs[1], frame.Present[1] = nil, false
		}
		if err := w.WriteFrame(frame); err != nil {
			panic(err)
		}
	}
	if err := w.WriteChecksum(2, 0xbeef); err != nil {
		panic(err)
	}
	if err := w.Close(); err != nil {
		panic(err)
	}

	rp, err := replay.Read(&file)
	if err != nil {
		panic(err)
	}
	fmt.Println(rp.Header.Game, rp.Header.Names, "seed", rp.Header.Seed)
	for _, f := range rp.Frames {
		fmt.Println("frame", f.Frame, "inputs", f.Inputs, "present", f.Present)
	}
	fmt.Printf("checksums %x, truncated %v\n", rp.Checksums, rp.Truncated)
	// Output:
	// neon-trails [ada grace] seed 42
	// frame 0 inputs [[0] [0]] present [true true]
	// frame 1 inputs [[1] [10]] present [true true]
	// frame 2 inputs [[2] []] present [true false]
	// checksums [{2 beef}], truncated false
}
