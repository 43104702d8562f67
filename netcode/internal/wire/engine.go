package wire

import (
	"fmt"

	"github.com/peerstep/peerstep/internal/msgp"
)

// Engine carries a batch of encoded lockstep messages.
type Engine struct {
	Msgs [][]byte
}

var engineSpec = spec{
	typ: TypeEngine, name: "engine",
	direction: "any → any",
	body:      "[[lockstep message, ...]]",
	about:     "at most 256 lockstep messages, each a byte string of the engine's own msgpack form",
}

func decodeEngine(r *msgp.Reader) Message {
	r.ArrayOf(1)
	return &Engine{Msgs: readBins(r, MaxBatch, MaxMessageSize)}
}

// Type implements Message.
func (*Engine) Type() Type { return TypeEngine }

func (m *Engine) appendBody(b []byte) []byte {
	return appendBins(msgp.AppendArrayHeader(b, 1), m.Msgs)
}

func (m *Engine) validate() error {
	if len(m.Msgs) > MaxBatch {
		return fmt.Errorf("%w: batch of %d", ErrMalformed, len(m.Msgs))
	}
	return nil
}
