package wire

import (
	"fmt"
	"math"

	"github.com/peerstep/peerstep/internal/msgp"
)

// Welcome grants a slot.
type Welcome struct {
	Slot       uint8
	HostPub    []byte
	MaxPlayers uint8
}

var welcomeSpec = spec{
	typ: TypeWelcome, name: "welcome",
	direction: "host → joiner (handshake)",
	body:      "[slot, host public key, lobby size]",
	about:     "the joiner's slot, below 16",
}

func decodeWelcome(r *msgp.Reader) Message {
	r.ArrayOf(3)
	return &Welcome{
		Slot:       uint8(r.UintIn(math.MaxUint8)),
		HostPub:    cloneBin(r.BinOrNil(keySize)),
		MaxPlayers: uint8(r.UintIn(math.MaxUint8)),
	}
}

// Type implements Message.
func (*Welcome) Type() Type { return TypeWelcome }

func (m *Welcome) appendBody(b []byte) []byte {
	b = msgp.AppendArrayHeader(b, 3)
	b = msgp.AppendUint(b, uint64(m.Slot))
	b = msgp.AppendBinOrNil(b, m.HostPub)
	return msgp.AppendUint(b, uint64(m.MaxPlayers))
}

func (m *Welcome) validate() error {
	if m.MaxPlayers > MaxPlayers || m.Slot >= MaxPlayers {
		return fmt.Errorf("%w: slot %d of %d", ErrMalformed, m.Slot, m.MaxPlayers)
	}
	return checkKey(m.HostPub)
}
