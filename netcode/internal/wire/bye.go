package wire

import "github.com/peerstep/peerstep/internal/msgp"

// Bye says the sender is leaving.
type Bye struct{}

var byeSpec = spec{
	typ: TypeBye, name: "bye",
	direction: "any → any",
	body:      "[]",
	about:     "the sender leaves",
}

func decodeBye(r *msgp.Reader) Message {
	r.ArrayOf(0)
	return &Bye{}
}

// Type implements Message.
func (*Bye) Type() Type { return TypeBye }

func (m *Bye) appendBody(b []byte) []byte { return msgp.AppendArrayHeader(b, 0) }

func (m *Bye) validate() error { return nil }
