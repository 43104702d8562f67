package determinism_test

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/lockstep/determinism"
)

// walker moves each player by its input, and gives both a one-time bonus
// at frame 200. The bug: whether the bonus was given is not part of the
// saved state, so a re-simulated frame 200 gives none.
type walker struct {
	pos        [2]int64
	bonusGiven bool // hidden state: not saved
}

func (w *walker) Save() ([]byte, error) {
	b := binary.AppendVarint(nil, w.pos[0])
	return binary.AppendVarint(b, w.pos[1]), nil
}

func (w *walker) Load(b []byte) error {
	for i := range w.pos {
		v, n := binary.Varint(b)
		if n <= 0 {
			return errors.New("bad state")
		}
		w.pos[i], b = v, b[n:]
	}
	return nil
}

func (w *walker) Step(f lockstep.ReadyFrame) {
	for p, in := range f.Inputs {
		w.pos[p] += int64(in[0]%3) - 1
	}
	if f.Frame == 200 && !w.bonusGiven {
		w.bonusGiven = true
		w.pos[0] += 10
		w.pos[1] += 10
	}
}

func (w *walker) Checksum() uint64 { return uint64(w.pos[0])<<32 ^ uint64(w.pos[1]) }

func Example() {
	err := determinism.Run(&walker{}, determinism.Config{Players: 2, Frames: 150})
	fmt.Println("150 frames:", err)

	err = determinism.Run(&walker{}, determinism.Config{Players: 2, Frames: 600})
	var mismatch *determinism.MismatchError
	if errors.As(err, &mismatch) {
		fmt.Println("600 frames: the state differs at frame", mismatch.Frame)
		// Both states after that frame are in the error: decode and diff.
		var first, second walker
		if first.Load(mismatch.FirstState) == nil && second.Load(mismatch.SecondState) == nil {
			fmt.Println("first run:     ", first.pos)
			fmt.Println("re-simulation: ", second.pos)
		}
	}
	// Output:
	// 150 frames: <nil>
	// 600 frames: the state differs at frame 200
	// first run:      [37 -2]
	// re-simulation:  [27 -12]
}
