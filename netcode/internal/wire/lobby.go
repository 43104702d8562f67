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
	body:      "[version, lobby size, [[slot, name, public key, [address, ...], links], ...]]",
	about:     "players by slot; links: bitmask of the slots each has a working link to",
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
		b = msgp.AppendArrayHeader(b, 5)
		b = msgp.AppendUint(b, uint64(p.Slot))
		b = msgp.AppendStr(b, p.Name)
		b = msgp.AppendBinOrNil(b, p.Pub)
		b = appendStrs(b, p.Addrs)
		b = msgp.AppendUint(b, uint64(p.Links))
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
		r.ArrayOf(5)
		m.Players[i] = PlayerInfo{
			Slot:  uint8(r.UintIn(math.MaxUint8)),
			Name:  string(r.StrMax(MaxName)),
			Pub:   cloneBin(r.BinOrNil(keySize)),
			Addrs: readStrs(r, MaxAddrs, maxAddr),
			Links: uint32(r.UintIn(math.MaxUint32)),
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
		if p.Slot >= MaxPlayers || len(p.Name) > MaxName {
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
