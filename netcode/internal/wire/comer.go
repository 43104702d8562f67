package wire

import (
	"fmt"
	"math"

	"github.com/peerstep/peerstep/internal/msgp"
)

// Comer tells a player of a running match that a player is coming into
// it at Slot (and the Seats-1 slots after it, for a machine of several
// players): a dropped player coming back with the share code. The
// receiver opens a link to the key Pub at Addrs, so that the comer's
// links are up before the match lets it in.
type Comer struct {
	Slot  uint8
	Seats uint8
	Pub   []byte
	Name  string
	Addrs []string
}

var comerSpec = spec{
	typ: TypeComer, name: "comer",
	direction: "host → every player of the running match",
	body:      "[slot, seats, public key, name, [address, ...]]",
	about:     "a player coming into the match at slot: open a link to it",
}

func decodeComer(r *msgp.Reader) Message {
	r.ArrayOf(5)
	return &Comer{
		Slot:  uint8(r.UintIn(MaxPlayers - 1)),
		Seats: uint8(r.UintIn(MaxPlayers)),
		Pub:   cloneBin(r.BinOrNil(keySize)),
		Name:  string(r.StrMax(MaxName)),
		Addrs: readStrs(r, MaxAddrs, maxAddr),
	}
}

// Type implements Message.
func (*Comer) Type() Type { return TypeComer }

func (m *Comer) appendBody(b []byte) []byte {
	b = msgp.AppendArrayHeader(b, 5)
	b = msgp.AppendUint(b, uint64(m.Slot))
	b = msgp.AppendUint(b, uint64(m.Seats))
	b = msgp.AppendBinOrNil(b, m.Pub)
	b = msgp.AppendStr(b, m.Name)
	return appendStrs(b, m.Addrs)
}

func (m *Comer) validate() error {
	switch {
	case m.Seats == 0 || int(m.Slot)+int(m.Seats) > MaxPlayers:
		return fmt.Errorf("%w: comer at slot %d with %d seats", ErrMalformed, m.Slot, m.Seats)
	case len(m.Name) > MaxName:
		return fmt.Errorf("%w: name too long", ErrMalformed)
	}
	if err := checkKey(m.Pub); err != nil {
		return err
	}
	return checkAddrs(m.Addrs)
}

// Resume starts a comer's match inside the running one: where its engine
// starts (lockstep.JoinPoint, field by field) and, in State messages for
// frame Snapshot that follow, the sender's game state after that frame.
// A Start with the match's players comes before it.
type Resume struct {
	Snapshot uint32
	From     uint32
	Clock    uint32
	// Seats holds, by PlayerID, the first frame each player is in the
	// match and the first it is not (-1: still in).
	Seats []SeatSpan
}

// SeatSpan is one player slot's part in the match, as in lockstep.Seat.
type SeatSpan struct {
	From  uint32
	Until int32
}

var resumeSpec = spec{
	typ: TypeResume, name: "resume",
	direction: "host → a comer",
	body:      "[snapshot frame, first frame of the comer's input, frame clock, [[from, until], ...]]",
	about:     "where the comer's engine starts; until -1: still in; the state after the snapshot frame follows in State messages",
}

func decodeResume(r *msgp.Reader) Message {
	r.ArrayOf(4)
	m := &Resume{
		Snapshot: uint32(r.UintIn(math.MaxInt32)),
		From:     uint32(r.UintIn(math.MaxInt32)),
		Clock:    uint32(r.UintIn(math.MaxInt32)),
	}
	n := r.ArrayMax(MaxPlayers)
	if r.Err() != nil {
		return m
	}
	m.Seats = make([]SeatSpan, n)
	for i := range m.Seats {
		r.ArrayOf(2)
		m.Seats[i] = SeatSpan{From: uint32(r.UintIn(math.MaxInt32)), Until: int32(r.IntIn(-1, math.MaxInt32))}
	}
	return m
}

// Type implements Message.
func (*Resume) Type() Type { return TypeResume }

func (m *Resume) appendBody(b []byte) []byte {
	b = msgp.AppendArrayHeader(b, 4)
	b = msgp.AppendUint(b, uint64(m.Snapshot))
	b = msgp.AppendUint(b, uint64(m.From))
	b = msgp.AppendUint(b, uint64(m.Clock))
	b = msgp.AppendArrayHeader(b, len(m.Seats))
	for _, s := range m.Seats {
		b = msgp.AppendArrayHeader(b, 2)
		b = msgp.AppendUint(b, uint64(s.From))
		b = msgp.AppendInt(b, int64(s.Until))
	}
	return b
}

func (m *Resume) validate() error {
	for _, f := range []uint32{m.Snapshot, m.From, m.Clock} {
		if err := checkFrame(f); err != nil {
			return err
		}
	}
	switch {
	case m.From <= m.Snapshot:
		return fmt.Errorf("%w: resume from frame %d, not after the snapshot %d", ErrMalformed, m.From, m.Snapshot)
	case len(m.Seats) < 2 || len(m.Seats) > MaxPlayers:
		return fmt.Errorf("%w: %d seats", ErrMalformed, len(m.Seats))
	}
	for _, s := range m.Seats {
		if err := checkFrame(s.From); err != nil {
			return err
		}
		if s.Until < -1 {
			return fmt.Errorf("%w: seat until %d", ErrMalformed, s.Until)
		}
	}
	return nil
}
