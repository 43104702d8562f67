package wire

import (
	"fmt"
	"math"

	"github.com/peerstep/peerstep/internal/msgp"
)

// Refusal reasons.
const (
	RefusedFull    uint8 = 1
	RefusedStarted uint8 = 2
	RefusedVersion uint8 = 3
)

// Refused turns a join down.
type Refused struct {
	Reason uint8
	Text   string
}

var refusedSpec = spec{
	typ: TypeRefused, name: "refused",
	direction: "host → joiner (handshake)",
	body:      "[reason, text]",
	about:     "reason 1 full, 2 started, 3 version; text at most 200 bytes",
}

func decodeRefused(r *msgp.Reader) Message {
	r.ArrayOf(2)
	return &Refused{Reason: uint8(r.UintIn(math.MaxUint8)), Text: string(r.StrMax(MaxReason))}
}

// Type implements Message.
func (*Refused) Type() Type { return TypeRefused }

func (m *Refused) appendBody(b []byte) []byte {
	b = msgp.AppendArrayHeader(b, 2)
	b = msgp.AppendUint(b, uint64(m.Reason))
	return msgp.AppendStr(b, m.Text)
}

func (m *Refused) validate() error {
	if len(m.Text) > MaxReason {
		return fmt.Errorf("%w: reason too long", ErrMalformed)
	}
	return nil
}
