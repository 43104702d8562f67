package wire

import (
	"math"

	"github.com/peerstep/peerstep/internal/msgp"
)

// Mesh reports which slots of lobby Version the sender has a working link to.
type Mesh struct {
	Version uint32
	Links   uint32
}

var meshSpec = spec{
	typ: TypeMesh, name: "mesh",
	direction: "joiner → host, every 200 ms",
	body:      "[lobby version, links]",
	about:     "links: bitmask of the slots the sender has a working link to",
}

func decodeMesh(r *msgp.Reader) Message {
	r.ArrayOf(2)
	return &Mesh{Version: uint32(r.UintIn(math.MaxUint32)), Links: uint32(r.UintIn(math.MaxUint32))}
}

// Type implements Message.
func (*Mesh) Type() Type { return TypeMesh }

func (m *Mesh) appendBody(b []byte) []byte {
	b = msgp.AppendArrayHeader(b, 2)
	b = msgp.AppendUint(b, uint64(m.Version))
	return msgp.AppendUint(b, uint64(m.Links))
}

func (m *Mesh) validate() error { return nil }
