package wire

import "github.com/peerstep/peerstep/internal/msgp"

// Hello opens a join: the joiner presents its public key and asks for a cookie.
type Hello struct {
	Pub []byte
}

var helloSpec = spec{
	typ: TypeHello, name: "hello",
	direction: "joiner → host (handshake)",
	body:      "[public key]",
	about:     "the joiner's X25519 public key, 32 bytes",
}

func decodeHello(r *msgp.Reader) Message {
	r.ArrayOf(1)
	return &Hello{Pub: cloneBin(r.BinOrNil(keySize))}
}

// Type implements Message.
func (*Hello) Type() Type { return TypeHello }

func (m *Hello) appendBody(b []byte) []byte {
	return msgp.AppendBinOrNil(msgp.AppendArrayHeader(b, 1), m.Pub)
}

func (m *Hello) validate() error { return checkKey(m.Pub) }
