package wire

import "github.com/peerstep/peerstep/internal/msgp"

// Knock is what a host sends, unasked, to an address where it learned a
// joiner may be (from the DHT): it opens the host's NAT towards that
// address, and tells the joiner, who can open it (it is sealed with the
// lobby key), where the host is. Its body is empty.
type Knock struct{}

var knockSpec = spec{
	typ: TypeKnock, name: "knock",
	direction: "host → an address where the DHT says a joiner is (handshake)",
	body:      "[]",
	about:     "it opens the host's NAT towards the joiner, who learns where the host is",
}

func decodeKnock(r *msgp.Reader) Message {
	r.ArrayOf(0)
	return &Knock{}
}

// Type implements Message.
func (*Knock) Type() Type { return TypeKnock }

func (m *Knock) appendBody(b []byte) []byte { return msgp.AppendArrayHeader(b, 0) }

func (m *Knock) validate() error { return nil }
