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
	// Seats is how many player slots the joiner asks for: the players who
	// play on its machine (netcode.Config.LocalPlayers). 0 means 1; only
	// more than one is written.
	Seats uint8
}

var joinSpec = spec{
	typ: TypeJoin, name: "join",
	direction: "joiner → host (handshake)",
	body:      "[public key, cookie, name, [address, ...](, seats)]",
	about:     "the cookie echoed; the player's name; its own address candidates, \"ip:port\"; seats: the player slots asked for, written only when more than one",
}

func decodeJoin(r *msgp.Reader) Message {
	n := r.ArrayHeader()
	if n != 4 && n != 5 {
		r.Fail("join of %d fields, want 4 or 5", n)
	}
	m := &Join{
		Pub:    cloneBin(r.BinOrNil(keySize)),
		Cookie: cloneBin(r.BinOrNil(maxCookie)),
		Name:   string(r.StrMax(MaxName)),
		Addrs:  readStrs(r, MaxAddrs, maxAddr),
	}
	if n == 5 {
		m.Seats = readSeats(r)
	}
	return m
}

// readSeats reads a seat count that was written out: 2 to MaxPlayers (one
// seat is written by leaving the field out, so each message has one
// encoding).
func readSeats(r *msgp.Reader) uint8 {
	seats := r.UintIn(MaxPlayers)
	if seats < 2 && r.Err() == nil {
		r.Fail("%d seats written out", seats)
	}
	return uint8(seats)
}

// Type implements Message.
func (*Join) Type() Type { return TypeJoin }

func (m *Join) appendBody(b []byte) []byte {
	if m.Seats > 1 {
		b = msgp.AppendArrayHeader(b, 5)
	} else {
		b = msgp.AppendArrayHeader(b, 4)
	}
	b = msgp.AppendBinOrNil(b, m.Pub)
	b = msgp.AppendBinOrNil(b, m.Cookie)
	b = msgp.AppendStr(b, m.Name)
	b = appendStrs(b, m.Addrs)
	if m.Seats > 1 {
		b = msgp.AppendUint(b, uint64(m.Seats))
	}
	return b
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
	if m.Seats > MaxPlayers {
		return fmt.Errorf("%w: %d seats", ErrMalformed, m.Seats)
	}
	return checkAddrs(m.Addrs)
}
