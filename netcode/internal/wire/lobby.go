package wire

import (
	"fmt"
	"math"

	"github.com/peerstep/peerstep/internal/msgp"
)

// PlayerInfo describes one player in the lobby.
type PlayerInfo struct {
	Slot  uint8
	Name  string
	Pub   []byte
	Addrs []string
	// Links is a bitmask of the slots this player has a working link to.
	Links uint32
	// Seats is how many players play on this member's machine (Join.Seats);
	// 0 means 1, and only more than one is written.
	Seats uint8
}

// Lobby is the host's view of the lobby, sent to every joiner on each
// change and as a heartbeat. A player's slot is its index in Players.
type Lobby struct {
	Version    uint32
	MaxPlayers uint8
	Players    []PlayerInfo
}

var lobbySpec = spec{
	typ: TypeLobby, name: "lobby",
	direction: "host → joiners, every 200 ms",
	body:      "[version, lobby size, [[slot, name, public key, [address, ...], links(, seats)], ...]]",
	about:     "players by slot; links: bitmask of the slots each has a working link to; seats as in join, written only when more than one",
}

// Type implements Message.
func (*Lobby) Type() Type { return TypeLobby }

func (m *Lobby) appendBody(b []byte) []byte {
	b = msgp.AppendArrayHeader(b, 3)
	b = msgp.AppendUint(b, uint64(m.Version))
	b = msgp.AppendUint(b, uint64(m.MaxPlayers))
	if m.Players == nil {
		return msgp.AppendNil(b)
	}
	b = msgp.AppendArrayHeader(b, len(m.Players))
	for i := range m.Players {
		p := &m.Players[i]
		if p.Seats > 1 {
			b = msgp.AppendArrayHeader(b, 6)
		} else {
			b = msgp.AppendArrayHeader(b, 5)
		}
		b = msgp.AppendUint(b, uint64(p.Slot))
		b = msgp.AppendStr(b, p.Name)
		b = msgp.AppendBinOrNil(b, p.Pub)
		b = appendStrs(b, p.Addrs)
		b = msgp.AppendUint(b, uint64(p.Links))
		if p.Seats > 1 {
			b = msgp.AppendUint(b, uint64(p.Seats))
		}
	}
	return b
}

func decodeLobby(r *msgp.Reader) Message {
	r.ArrayOf(3)
	m := &Lobby{Version: uint32(r.UintIn(math.MaxUint32)), MaxPlayers: uint8(r.UintIn(math.MaxUint8))}
	if r.IsNil() {
		r.Nil()
		return m
	}
	m.Players = make([]PlayerInfo, r.ArrayMax(MaxPlayers))
	for i := range m.Players {
		n := r.ArrayHeader()
		if n != 5 && n != 6 {
			r.Fail("lobby player of %d fields, want 5 or 6", n)
			return m
		}
		m.Players[i] = PlayerInfo{
			Slot:  uint8(r.UintIn(math.MaxUint8)),
			Name:  string(r.StrMax(MaxName)),
			Pub:   cloneBin(r.BinOrNil(keySize)),
			Addrs: readStrs(r, MaxAddrs, maxAddr),
			Links: uint32(r.UintIn(math.MaxUint32)),
		}
		if n == 6 {
			m.Players[i].Seats = readSeats(r)
		}
	}
	return m
}

func (m *Lobby) validate() error {
	if len(m.Players) > MaxPlayers || m.MaxPlayers > MaxPlayers {
		return fmt.Errorf("%w: %d players", ErrMalformed, len(m.Players))
	}
	for i := range m.Players {
		p := &m.Players[i]
		if p.Slot >= MaxPlayers || len(p.Name) > MaxName || p.Seats > MaxPlayers {
			return fmt.Errorf("%w: player entry", ErrMalformed)
		}
		if err := checkKey(p.Pub); err != nil {
			return err
		}
		if err := checkAddrs(p.Addrs); err != nil {
			return err
		}
	}
	return nil
}
