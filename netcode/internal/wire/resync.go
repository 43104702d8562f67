package wire

import (
	"math"

	"github.com/peerstep/peerstep/internal/msgp"
)

// Resync tells a player whose state went astray (a desync the majority
// can attribute) that the sender's state after Frame follows in State
// messages, to load in place of its own.
type Resync struct {
	Frame uint32
}

var resyncSpec = spec{
	typ: TypeResync, name: "resync",
	direction: "a player of the majority → a diverged player",
	body:      "[frame]",
	about:     "the frame whose state follows; the receiver saves its own there too, for the game to compare",
}

func decodeResync(r *msgp.Reader) Message {
	r.ArrayOf(1)
	return &Resync{Frame: uint32(r.UintIn(math.MaxInt32))}
}

// Type implements Message.
func (*Resync) Type() Type { return TypeResync }

func (m *Resync) appendBody(b []byte) []byte {
	return msgp.AppendUint(msgp.AppendArrayHeader(b, 1), uint64(m.Frame))
}

func (m *Resync) validate() error { return checkFrame(m.Frame) }
