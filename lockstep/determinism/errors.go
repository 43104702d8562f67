package determinism

import (
	"errors"
	"fmt"

	"github.com/peerstep/peerstep/lockstep"
)

// ErrInvalid is wrapped by the errors of Run that come from its arguments:
// a nil game, a Config out of range, an input generator that returns an
// oversize input.
var ErrInvalid = errors.New("determinism: invalid argument")

// MismatchError is what Run returns when the game is not deterministic: the
// checksum after Frame differed between its first simulation and a
// re-simulation of the same frame from the same saved state with the same
// inputs.
type MismatchError struct {
	// Frame is the first frame whose checksums differ.
	Frame lockstep.Frame
	// First is the checksum after the first simulation of Frame.
	First uint64
	// Second is the checksum after re-simulating Frame.
	Second uint64
	// FirstState is what Game.Save returned after the first simulation of
	// Frame, and SecondState what it returned after the re-simulation:
	// decode and diff them to see which part of the state went astray.
	// They may be equal when the checksum covers something Save leaves
	// out (which is a bug of its own: the checksum should be of the
	// saved state).
	FirstState  []byte
	SecondState []byte
}

// Error names the frame, the two checksums that differ and the sizes of
// the two states.
func (e *MismatchError) Error() string {
	return fmt.Sprintf("determinism: the state differs at frame %d: checksum %#x on first run, %#x on re-simulation (states of %d and %d bytes in the error)",
		e.Frame, e.First, e.Second, len(e.FirstState), len(e.SecondState))
}
