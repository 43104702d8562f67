package wire

import (
	"fmt"
	"math"

	"github.com/peerstep/peerstep/internal/msgp"
)

// State is one piece of the game's state after a frame, as the game saved
// it: the receiver puts the pieces together at their offsets.
type State struct {
	Frame  uint32
	Total  uint32 // the whole state's size
	Offset uint32 // where Chunk goes in it
	Chunk  []byte
}

// Limits of State.
const (
	// MaxState bounds a game's state.
	MaxState = 16 << 20
	// MaxStateChunk bounds one State's piece of it.
	MaxStateChunk = 32 << 10
)

var stateSpec = spec{
	typ: TypeState, name: "state",
	direction: "a player of the majority → a diverged player",
	body:      "[frame, total, offset, chunk]",
	about:     "a piece of the sender's state after frame: total bytes in all (at most 16 MiB), chunk (at most 32 KiB, empty only for an empty state) at offset",
}

func decodeState(r *msgp.Reader) Message {
	r.ArrayOf(4)
	m := &State{Frame: uint32(r.UintIn(math.MaxInt32)), Total: uint32(r.UintIn(MaxState)), Offset: uint32(r.UintIn(MaxState))}
	m.Chunk = cloneBin(r.BinMax(MaxStateChunk))
	return m
}

// Type implements Message.
func (*State) Type() Type { return TypeState }

func (m *State) appendBody(b []byte) []byte {
	b = msgp.AppendArrayHeader(b, 4)
	b = msgp.AppendUint(b, uint64(m.Frame))
	b = msgp.AppendUint(b, uint64(m.Total))
	b = msgp.AppendUint(b, uint64(m.Offset))
	return msgp.AppendBin(b, m.Chunk)
}

func (m *State) validate() error {
	if err := checkFrame(m.Frame); err != nil {
		return err
	}
	switch {
	case m.Total > MaxState:
		return fmt.Errorf("%w: state of %d bytes", ErrMalformed, m.Total)
	case len(m.Chunk) > MaxStateChunk:
		return fmt.Errorf("%w: state chunk of %d bytes", ErrMalformed, len(m.Chunk))
	case len(m.Chunk) == 0 && m.Total > 0:
		return fmt.Errorf("%w: empty chunk of a state of %d bytes", ErrMalformed, m.Total)
	case uint64(m.Offset)+uint64(len(m.Chunk)) > uint64(m.Total):
		return fmt.Errorf("%w: chunk of %d bytes at %d of a state of %d", ErrMalformed, len(m.Chunk), m.Offset, m.Total)
	}
	return nil
}

// checkFrame checks a frame number of the engine's range.
func checkFrame(f uint32) error {
	if f > math.MaxInt32 {
		return fmt.Errorf("%w: frame %d", ErrMalformed, f)
	}
	return nil
}
