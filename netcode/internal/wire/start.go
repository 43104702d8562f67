package wire

import (
	"fmt"
	"math"

	"github.com/peerstep/peerstep/internal/msgp"
)

// Start begins the match. Pubs and Names list the players in PlayerID order.
type Start struct {
	Seed             uint64
	Pubs             [][]byte
	Names            []string
	TickHz           uint16
	InputDelay       uint8
	ChecksumInterval int16
	Settings         []byte
}

var startSpec = spec{
	typ: TypeStart, name: "start",
	direction: "host → joiners",
	body:      "[seed, [public key, ...], [name, ...], tick rate, input delay, checksum interval, settings]",
	about:     "keys and names in PlayerID order (a key on consecutive slots: the players of one machine); settings: the game's, at most 4096 bytes",
}

func decodeStart(r *msgp.Reader) Message {
	r.ArrayOf(7)
	return &Start{
		Seed:             r.Uint(),
		Pubs:             readBins(r, MaxPlayers, keySize),
		Names:            readStrs(r, MaxPlayers, MaxName),
		TickHz:           uint16(r.UintIn(math.MaxUint16)),
		InputDelay:       uint8(r.UintIn(math.MaxUint8)),
		ChecksumInterval: int16(r.IntIn(math.MinInt16, math.MaxInt16)),
		Settings:         cloneBin(r.BinOrNil(maxSettings)),
	}
}

// Type implements Message.
func (*Start) Type() Type { return TypeStart }

func (m *Start) appendBody(b []byte) []byte {
	b = msgp.AppendArrayHeader(b, 7)
	b = msgp.AppendUint(b, m.Seed)
	b = appendBins(b, m.Pubs)
	b = appendStrs(b, m.Names)
	b = msgp.AppendUint(b, uint64(m.TickHz))
	b = msgp.AppendUint(b, uint64(m.InputDelay))
	b = msgp.AppendInt(b, int64(m.ChecksumInterval))
	return msgp.AppendBinOrNil(b, m.Settings)
}

func (m *Start) validate() error {
	if len(m.Pubs) < 1 || len(m.Pubs) > MaxPlayers || len(m.Names) != len(m.Pubs) {
		return fmt.Errorf("%w: %d players, %d names", ErrMalformed, len(m.Pubs), len(m.Names))
	}
	for i := range m.Pubs {
		if err := checkKey(m.Pubs[i]); err != nil {
			return err
		}
		if len(m.Names[i]) > MaxName {
			return fmt.Errorf("%w: name too long", ErrMalformed)
		}
	}
	if m.TickHz == 0 || m.TickHz > maxTickHz {
		return fmt.Errorf("%w: tick rate %d", ErrMalformed, m.TickHz)
	}
	return checkLen("settings", m.Settings, maxSettings)
}
