package wire

import (
	"fmt"

	"github.com/peerstep/peerstep/internal/msgp"
)

// Join asks for a player slot.
type Join struct {
	Pub    []byte
	Cookie []byte
	Name   string
	// Addrs are the joiner's own address candidates, "ip:port".
	Addrs []string
}

var joinSpec = spec{
	typ: TypeJoin, name: "join",
	direction: "joiner → host (handshake)",
	body:      "[public key, cookie, name, [address, ...]]",
	about:     "the cookie echoed; the player's name; its own address candidates, \"ip:port\"",
}

func decodeJoin(r *msgp.Reader) Message {
	r.ArrayOf(4)
	return &Join{
		Pub:    cloneBin(r.BinOrNil(keySize)),
		Cookie: cloneBin(r.BinOrNil(maxCookie)),
		Name:   string(r.StrMax(MaxName)),
		Addrs:  readStrs(r, MaxAddrs, maxAddr),
	}
}

// Type implements Message.
func (*Join) Type() Type { return TypeJoin }

func (m *Join) appendBody(b []byte) []byte {
	b = msgp.AppendArrayHeader(b, 4)
	b = msgp.AppendBinOrNil(b, m.Pub)
	b = msgp.AppendBinOrNil(b, m.Cookie)
	b = msgp.AppendStr(b, m.Name)
	return appendStrs(b, m.Addrs)
}

func (m *Join) validate() error {
	if err := checkKey(m.Pub); err != nil {
		return err
	}
	if err := checkLen("cookie", m.Cookie, maxCookie); err != nil {
		return err
	}
	if len(m.Name) > MaxName {
		return fmt.Errorf("%w: name of %d bytes", ErrMalformed, len(m.Name))
	}
	return checkAddrs(m.Addrs)
}
