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
}

// Error names the frame and the two checksums that differ.
func (e *MismatchError) Error() string {
	return fmt.Sprintf("determinism: the state differs at frame %d: checksum %#x on first run, %#x on re-simulation",
		e.Frame, e.First, e.Second)
}
