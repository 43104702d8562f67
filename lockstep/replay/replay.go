package replay

import (
	"fmt"

	"github.com/peerstep/peerstep/lockstep"
)

// Checksum is a checksum the game reported during the match: Sum is the
// checksum of the game state after simulating Frame.
type Checksum struct {
	Frame lockstep.Frame
	Sum   uint64
}

// Replay is a recorded match, as Read returns it.
type Replay struct {
	// Header describes the match.
	Header Header
	// Frames holds every recorded frame in order, from frame 0. Each has
	// Header.Players entries in Inputs and Present; an absent player's
	// input is nil and a present player's is non-nil (possibly empty).
	// WantChecksum is set on the frames that have a recorded checksum.
	Frames []lockstep.ReadyFrame
	// Checksums holds the recorded checksums in increasing frame order,
	// each for a frame of Frames.
	Checksums []Checksum
	// Truncated says the file ended before its end record: the recording
	// crashed or was aborted, and Frames holds the frames recorded up to
	// then (up to the last flush, for a FileWriter).
	Truncated bool
}

// Play replays the match: it calls step for every frame, in order, and,
// after each frame that has a recorded checksum, calls checksum and compares
// its result with the recorded one. The first difference stops the replay
// and returns a *MismatchError naming the frame. A nil checksum function
// plays the frames without checking.
//
// step must not keep or modify the frame's slices. Play returns an error
// wrapping ErrInvalid if rp is inconsistent (which a Replay from Read never
// is): frames not numbered 0, 1, 2... or checksums out of order.
func (rp *Replay) Play(step func(lockstep.ReadyFrame), checksum func() uint64) error {
	if step == nil {
		return fmt.Errorf("%w: nil step function", ErrInvalid)
	}
	if err := rp.validate(); err != nil {
		return err
	}
	next := 0
	for _, f := range rp.Frames {
		step(f)
		if next < len(rp.Checksums) && rp.Checksums[next].Frame == f.Frame {
			want := rp.Checksums[next].Sum
			next++
			if checksum == nil {
				continue
			}
			if got := checksum(); got != want {
				return &MismatchError{Frame: f.Frame, Recorded: want, Got: got}
			}
		}
	}
	return nil
}

// validate checks what Play relies on.
func (rp *Replay) validate() error {
	for i, f := range rp.Frames {
		if f.Frame != lockstep.Frame(i) {
			return fmt.Errorf("%w: frame %d at index %d", ErrInvalid, f.Frame, i)
		}
	}
	last := lockstep.NoFrame
	for _, c := range rp.Checksums {
		if c.Frame <= last || int(c.Frame) >= len(rp.Frames) {
			return fmt.Errorf("%w: checksum for frame %d out of order or beyond the last frame", ErrInvalid, c.Frame)
		}
		last = c.Frame
	}
	return nil
}
