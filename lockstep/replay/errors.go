package replay

import (
	"errors"
	"fmt"

	"github.com/peerstep/peerstep/lockstep"
)

// Sentinel errors. Errors returned by this package wrap one of them (test
// with errors.Is), except I/O errors of the underlying reader or writer,
// which are returned wrapped as they are, and *MismatchError.
var (
	// ErrBadMagic: the data does not start with the replay magic; it is not
	// a replay file.
	ErrBadMagic = errors.New("replay: not a replay file (bad magic)")
	// ErrVersion: the file is a replay of a format version this package
	// does not read.
	ErrVersion = errors.New("replay: unsupported format version")
	// ErrCorrupt: the file is malformed or inconsistent (a bad record, frames
	// out of order, an oversize input, a header cut short...).
	ErrCorrupt = errors.New("replay: corrupt file")
	// ErrInvalid: a Writer was handed a header, frame or checksum that a
	// replay cannot hold, or Play was handed an inconsistent Replay.
	ErrInvalid = errors.New("replay: invalid argument")
	// ErrClosed: the Writer or FileWriter was closed or aborted.
	ErrClosed = errors.New("replay: writer closed")
)

// MismatchError is returned by Replay.Play when the game's checksum after
// a frame differs from the one recorded in the replay: the game does not
// reproduce the match from that frame on.
type MismatchError struct {
	// Frame is the first frame whose checksum differs.
	Frame lockstep.Frame
	// Recorded is the checksum stored in the replay.
	Recorded uint64
	// Got is the checksum the game reported on playback.
	Got uint64
}

// Error names the frame and the two checksums that differ.
func (e *MismatchError) Error() string {
	return fmt.Sprintf("replay: checksum mismatch at frame %d: recorded %#016x, got %#016x",
		e.Frame, e.Recorded, e.Got)
}
