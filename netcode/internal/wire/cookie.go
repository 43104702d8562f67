package wire

import "github.com/peerstep/peerstep/internal/msgp"

// Cookie is the host's stateless answer to Hello: a token bound to the
// joiner's address and key that the joiner echoes in Join.
type Cookie struct {
	Cookie []byte
}

var cookieSpec = spec{
	typ: TypeCookie, name: "cookie",
	direction: "host → joiner (handshake)",
	body:      "[cookie]",
	about:     "HMAC(host key, 10-s time bucket, joiner address, public key), at most 64 bytes",
}

func decodeCookie(r *msgp.Reader) Message {
	r.ArrayOf(1)
	return &Cookie{Cookie: cloneBin(r.BinOrNil(maxCookie))}
}

// Type implements Message.
func (*Cookie) Type() Type { return TypeCookie }

func (m *Cookie) appendBody(b []byte) []byte {
	return msgp.AppendBinOrNil(msgp.AppendArrayHeader(b, 1), m.Cookie)
}

func (m *Cookie) validate() error { return checkLen("cookie", m.Cookie, maxCookie) }
