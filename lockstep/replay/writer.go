package replay

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"math/bits"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/peerstep/peerstep/lockstep"
)

// Header describes a match: everything besides the inputs that a game needs
// to replay it. Its zero value is not a valid header: Players must be set.
type Header struct {
	// Game identifies the game, e.g. "neon-trails". Up to MaxStringSize bytes.
	Game string
	// GameVersion is the version of the game that recorded the match; a
	// game that changed its simulation may refuse older replays.
	GameVersion string
	// Players is the number of player slots, 1 to lockstep.MaxPlayers.
	// Every frame has one input slot per player.
	Players int
	// Names holds the players' names by PlayerID; it may be shorter than
	// Players, or empty. An empty Names reads back as nil.
	Names []string
	// Seed is the match's random seed.
	Seed uint64
	// TickHz is the simulation rate in frames per second; 0 if unknown.
	TickHz int
	// InputDelay is the input delay the match started with, in frames.
	InputDelay int
	// ChecksumInterval is how often checksums were reported, in frames
	// (negative: never).
	ChecksumInterval int
	// Settings is the game's own settings, opaque here (e.g. msgpack), up
	// to MaxSettingsSize bytes. An empty Settings reads back as nil.
	Settings []byte
}

// Writer records a match to an io.Writer: NewWriter writes the header, then
// the caller writes every confirmed frame in order with WriteFrame, and the
// checksums reported during the match with WriteChecksum, and finishes the
// file with Close. A file that was not closed reads back with
// Replay.Truncated set.
//
// Each call writes whole records with one Write to the underlying writer.
// After an error of the underlying writer, every later call returns it.
// A Writer is not safe for concurrent use.
type Writer struct {
	w       io.Writer
	buf     bytes.Buffer
	enc     *msgpack.Encoder
	players int
	next    lockstep.Frame // next frame to write
	lastSum lockstep.Frame // frame of the last checksum written
	sums    int
	err     error // sticky error of w
	closed  bool
}

// NewWriter writes the magic, the format version and h to w and returns a
// Writer for the match's frames. It returns an error wrapping ErrInvalid if
// h cannot be stored (see Header and the Max constants).
func NewWriter(w io.Writer, h Header) (*Writer, error) {
	if err := validateHeader(&h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrInvalid, err)
	}
	rw := &Writer{w: w, players: h.Players, lastSum: lockstep.NoFrame}
	rw.enc = msgpack.NewEncoder(&rw.buf)
	rw.buf.WriteString(Magic)
	if err := encodeHeader(rw.enc, &h); err != nil {
		return nil, err
	}
	if err := rw.emit(); err != nil {
		return nil, err
	}
	return rw, nil
}

// emit writes the buffered bytes to the underlying writer.
func (w *Writer) emit() error {
	_, err := w.w.Write(w.buf.Bytes())
	w.buf.Reset()
	if err != nil {
		w.err = fmt.Errorf("replay: write: %w", err)
		return w.err
	}
	return nil
}

// check returns the error that stops any further write, or nil.
func (w *Writer) check() error {
	if w.closed {
		return ErrClosed
	}
	return w.err
}

// WriteFrame records f. Frames must come in order: the first is frame 0 and
// each next one is the previous plus one. f must have one entry in Inputs
// and in Present per player; a present player's input is at most
// lockstep.MaxInputSize bytes and an absent player's input is empty.
// f.WantChecksum is not recorded (see Replay.Frames). A frame that breaks
// these rules is refused with an error wrapping ErrInvalid, and the Writer
// stays usable.
func (w *Writer) WriteFrame(f lockstep.ReadyFrame) error {
	if err := w.check(); err != nil {
		return err
	}
	if f.Frame != w.next {
		return fmt.Errorf("%w: frame %d written after frame %d, want %d", ErrInvalid, f.Frame, w.next-1, w.next)
	}
	if w.next == math.MaxInt32 {
		return fmt.Errorf("%w: frame %d is the last frame a replay can hold", ErrInvalid, f.Frame)
	}
	if len(f.Inputs) != w.players || len(f.Present) != w.players {
		return fmt.Errorf("%w: frame %d has %d inputs and %d presence flags for %d players",
			ErrInvalid, f.Frame, len(f.Inputs), len(f.Present), w.players)
	}
	var mask uint64
	for p, present := range f.Present {
		n := len(f.Inputs[p])
		switch {
		case present && n > lockstep.MaxInputSize:
			return fmt.Errorf("%w: frame %d: input of player %d is %d bytes, max %d",
				ErrInvalid, f.Frame, p, n, lockstep.MaxInputSize)
		case !present && n != 0:
			return fmt.Errorf("%w: frame %d: input for absent player %d", ErrInvalid, f.Frame, p)
		case present:
			mask |= 1 << p
		}
	}
	e := w.enc
	_ = e.EncodeArrayLen(3 + bits.OnesCount64(mask))
	_ = e.EncodeUint(kindFrame)
	_ = e.EncodeInt(int64(f.Frame))
	_ = e.EncodeUint(mask)
	for p, present := range f.Present {
		if present {
			_ = encodeBin(e, f.Inputs[p])
		}
	}
	if err := w.emit(); err != nil {
		return err
	}
	w.next++
	return nil
}

// WriteChecksum records sum, the game's checksum of its state after frame.
// The frame must already be written, and checksums come in increasing frame
// order, at most one per frame; otherwise the error wraps ErrInvalid.
func (w *Writer) WriteChecksum(frame lockstep.Frame, sum uint64) error {
	if err := w.check(); err != nil {
		return err
	}
	if frame < 0 || frame >= w.next {
		return fmt.Errorf("%w: checksum for frame %d, which is not written yet (next frame %d)", ErrInvalid, frame, w.next)
	}
	if frame <= w.lastSum {
		return fmt.Errorf("%w: checksum for frame %d after one for frame %d", ErrInvalid, frame, w.lastSum)
	}
	e := w.enc
	_ = e.EncodeArrayLen(3)
	_ = e.EncodeUint(kindChecksum)
	_ = e.EncodeInt(int64(frame))
	_ = e.EncodeUint(sum)
	if err := w.emit(); err != nil {
		return err
	}
	w.lastSum = frame
	w.sums++
	return nil
}

// Flush flushes the underlying writer if it has a Flush method returning an
// error (as *bufio.Writer has); otherwise it does nothing, as every record
// is already handed to the underlying writer.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if f, ok := w.w.(interface{ Flush() error }); ok {
		if err := f.Flush(); err != nil {
			w.err = fmt.Errorf("replay: flush: %w", err)
			return w.err
		}
	}
	return nil
}

// Close writes the end record, which marks the file as complete, and
// flushes. It does not close the underlying writer. Any later call returns
// ErrClosed.
func (w *Writer) Close() error {
	if err := w.check(); err != nil {
		return err
	}
	w.closed = true
	e := w.enc
	_ = e.EncodeArrayLen(3)
	_ = e.EncodeUint(kindEnd)
	_ = e.EncodeInt(int64(w.next))
	_ = e.EncodeInt(int64(w.sums))
	if err := w.emit(); err != nil {
		return err
	}
	return w.Flush()
}
