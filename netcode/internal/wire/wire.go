// Package wire defines the msgpack messages that netcode peers exchange,
// outside the lockstep engine's own: the join handshake (sealed with the
// lobby key, sent as raw datagrams) and the lobby and match control messages
// (sent over the KCP link between two players).
//
// Every message travels in an envelope, a msgpack array of three elements:
//
//	[version uint, type uint, body]
//
// where body is the message struct encoded as a msgpack array of its fields
// in declaration order. Decode never panics, rejects an unknown version or
// type, trailing bytes, oversize input and out-of-range fields.
package wire

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/peerstep/peerstep/internal/mpcheck"
)

// Version is the wire version this code speaks. 2: link datagrams carry
// the counter's low 32 bits, inputs travel in Fast datagrams, pongs say how
// long their ping waited. 3: a reject echoes the nonce of the handshake it
// answers; share codes are version 2 (docs/WIRE.md).
const Version = 3

// MaxMessageSize bounds an encoded message.
const MaxMessageSize = 64 << 10

// Limits on fields, checked by Decode.
const (
	MaxName    = 32
	MaxAddrs   = 8
	MaxPlayers = 16
	MaxBatch   = 256
	MaxReason  = 200
)

// Type tags a message.
type Type uint8

// Message types. Their numbers are part of the wire format.
const (
	TypeHello   Type = iota + 1 // handshake: joiner -> host
	TypeCookie                  // handshake: host -> joiner
	TypeJoin                    // handshake: joiner -> host
	TypeWelcome                 // handshake: host -> joiner
	TypeRefused                 // handshake: host -> joiner
	TypeLobby                   // link: host -> every joiner
	TypeMesh                    // link: joiner -> host
	TypeStart                   // link: host -> every joiner
	TypeEngine                  // link: any -> any, lockstep messages
	TypeBye                     // link: any -> any
	TypeKnock                   // handshake: host -> a joiner it learned of
)

// Errors returned by Decode.
var (
	ErrMalformed = errors.New("wire: malformed message")
	ErrVersion   = errors.New("wire: unsupported version")
	ErrType      = errors.New("wire: unknown message type")
	ErrTooLarge  = errors.New("wire: message too large")
)

// Message is any wire message.
type Message interface {
	Type() Type
	validate() error
}

// Hello opens a join: the joiner presents its public key and asks for a cookie.
type Hello struct {
	_msgpack struct{} `msgpack:",as_array"`
	Pub      []byte
}

// Cookie is the host's stateless answer to Hello: a token bound to the
// joiner's address and key that the joiner echoes in Join.
type Cookie struct {
	_msgpack struct{} `msgpack:",as_array"`
	Cookie   []byte
}

// Join asks for a player slot.
type Join struct {
	_msgpack struct{} `msgpack:",as_array"`
	Pub      []byte
	Cookie   []byte
	Name     string
	// Addrs are the joiner's own address candidates, "ip:port".
	Addrs []string
}

// Welcome grants a slot.
type Welcome struct {
	_msgpack   struct{} `msgpack:",as_array"`
	Slot       uint8
	HostPub    []byte
	MaxPlayers uint8
}

// Refusal reasons.
const (
	RefusedFull    uint8 = 1
	RefusedStarted uint8 = 2
	RefusedVersion uint8 = 3
)

// Refused turns a join down.
type Refused struct {
	_msgpack struct{} `msgpack:",as_array"`
	Reason   uint8
	Text     string
}

// PlayerInfo describes one player in the lobby.
type PlayerInfo struct {
	_msgpack struct{} `msgpack:",as_array"`
	Slot     uint8
	Name     string
	Pub      []byte
	Addrs    []string
	// Links is a bitmask of the slots this player has a working link to.
	Links uint32
}

// Lobby is the host's view of the lobby, sent to every joiner on each
// change and as a heartbeat. A player's slot is its index in Players.
type Lobby struct {
	_msgpack   struct{} `msgpack:",as_array"`
	Version    uint32
	MaxPlayers uint8
	Players    []PlayerInfo
}

// Mesh reports which slots of lobby Version the sender has a working link to.
type Mesh struct {
	_msgpack struct{} `msgpack:",as_array"`
	Version  uint32
	Links    uint32
}

// Start begins the match. Pubs and Names list the players in PlayerID order.
type Start struct {
	_msgpack         struct{} `msgpack:",as_array"`
	Seed             uint64
	Pubs             [][]byte
	Names            []string
	TickHz           uint16
	InputDelay       uint8
	ChecksumInterval int16
	Settings         []byte
}

// Engine carries a batch of encoded lockstep messages.
type Engine struct {
	_msgpack struct{} `msgpack:",as_array"`
	Msgs     [][]byte
}

// Bye says the sender is leaving.
type Bye struct {
	_msgpack struct{} `msgpack:",as_array"`
}

// Knock is what a host sends, unasked, to an address where it learned a
// joiner may be (from the DHT): it opens the host's NAT towards that
// address, and tells the joiner, who can open it (it is sealed with the
// lobby key), where the host is. Its body is empty.
type Knock struct {
	_msgpack struct{} `msgpack:",as_array"`
}

// Type implements Message.
func (*Knock) Type() Type { return TypeKnock }

// Type implements Message.
func (*Hello) Type() Type { return TypeHello }

// Type implements Message.
func (*Cookie) Type() Type { return TypeCookie }

// Type implements Message.
func (*Join) Type() Type { return TypeJoin }

// Type implements Message.
func (*Welcome) Type() Type { return TypeWelcome }

// Type implements Message.
func (*Refused) Type() Type { return TypeRefused }

// Type implements Message.
func (*Lobby) Type() Type { return TypeLobby }

// Type implements Message.
func (*Mesh) Type() Type { return TypeMesh }

// Type implements Message.
func (*Start) Type() Type { return TypeStart }

// Type implements Message.
func (*Engine) Type() Type { return TypeEngine }

// Type implements Message.
func (*Bye) Type() Type { return TypeBye }

func checkKey(k []byte) error {
	if len(k) != 32 {
		return fmt.Errorf("%w: public key of %d bytes", ErrMalformed, len(k))
	}
	return nil
}

func checkAddrs(a []string) error {
	if len(a) > MaxAddrs {
		return fmt.Errorf("%w: %d addresses", ErrMalformed, len(a))
	}
	for _, s := range a {
		if len(s) > 64 {
			return fmt.Errorf("%w: address too long", ErrMalformed)
		}
	}
	return nil
}

func (m *Hello) validate() error  { return checkKey(m.Pub) }
func (m *Cookie) validate() error { return checkLen("cookie", m.Cookie, 64) }
func (m *Join) validate() error {
	if err := checkKey(m.Pub); err != nil {
		return err
	}
	if err := checkLen("cookie", m.Cookie, 64); err != nil {
		return err
	}
	if len(m.Name) > MaxName {
		return fmt.Errorf("%w: name of %d bytes", ErrMalformed, len(m.Name))
	}
	return checkAddrs(m.Addrs)
}
func (m *Welcome) validate() error {
	if m.MaxPlayers > MaxPlayers || m.Slot >= MaxPlayers {
		return fmt.Errorf("%w: slot %d of %d", ErrMalformed, m.Slot, m.MaxPlayers)
	}
	return checkKey(m.HostPub)
}
func (m *Refused) validate() error {
	if len(m.Text) > MaxReason {
		return fmt.Errorf("%w: reason too long", ErrMalformed)
	}
	return nil
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
func (m *Mesh) validate() error { return nil }
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
	if m.TickHz == 0 || m.TickHz > 1000 {
		return fmt.Errorf("%w: tick rate %d", ErrMalformed, m.TickHz)
	}
	return checkLen("settings", m.Settings, 4096)
}
func (m *Engine) validate() error {
	if len(m.Msgs) > MaxBatch {
		return fmt.Errorf("%w: batch of %d", ErrMalformed, len(m.Msgs))
	}
	return nil
}
func (m *Bye) validate() error   { return nil }
func (m *Knock) validate() error { return nil }

func checkLen(what string, b []byte, max int) error {
	if len(b) > max {
		return fmt.Errorf("%w: %s of %d bytes", ErrMalformed, what, len(b))
	}
	return nil
}

// Encode returns the envelope of m.
func Encode(m Message) ([]byte, error) {
	return Append(nil, m)
}

// Append appends the envelope of m to dst.
func Append(dst []byte, m Message) ([]byte, error) {
	buf := bytes.NewBuffer(dst)
	enc := msgpack.NewEncoder(buf)
	if err := enc.EncodeArrayLen(3); err != nil {
		return dst, err
	}
	if err := enc.EncodeUint(Version); err != nil {
		return dst, err
	}
	if err := enc.EncodeUint(uint64(m.Type())); err != nil {
		return dst, err
	}
	if err := enc.Encode(m); err != nil {
		return dst, fmt.Errorf("wire: encode %T: %w", m, err)
	}
	if buf.Len()-len(dst) > MaxMessageSize {
		return dst, fmt.Errorf("%w: %d bytes", ErrTooLarge, buf.Len()-len(dst))
	}
	return buf.Bytes(), nil
}

func newMessage(t Type) Message {
	switch t {
	case TypeHello:
		return new(Hello)
	case TypeCookie:
		return new(Cookie)
	case TypeJoin:
		return new(Join)
	case TypeWelcome:
		return new(Welcome)
	case TypeRefused:
		return new(Refused)
	case TypeLobby:
		return new(Lobby)
	case TypeMesh:
		return new(Mesh)
	case TypeStart:
		return new(Start)
	case TypeEngine:
		return new(Engine)
	case TypeBye:
		return new(Bye)
	case TypeKnock:
		return new(Knock)
	}
	return nil
}

// Decode parses one envelope. It never panics; any error wraps ErrMalformed,
// ErrVersion, ErrType or ErrTooLarge.
func Decode(b []byte) (Message, error) {
	if len(b) > MaxMessageSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(b))
	}
	if err := mpcheck.Check(b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	r := bytes.NewReader(b)
	dec := msgpack.NewDecoder(r)
	n, err := dec.DecodeArrayLen()
	if err != nil || n != 3 {
		return nil, fmt.Errorf("%w: bad envelope", ErrMalformed)
	}
	v, err := dec.DecodeUint64()
	if err != nil {
		return nil, fmt.Errorf("%w: bad version field", ErrMalformed)
	}
	if v != Version {
		return nil, fmt.Errorf("%w: %d", ErrVersion, v)
	}
	t, err := dec.DecodeUint64()
	if err != nil {
		return nil, fmt.Errorf("%w: bad type field", ErrMalformed)
	}
	if t > 255 {
		return nil, fmt.Errorf("%w: %d", ErrType, t)
	}
	m := newMessage(Type(t))
	if m == nil {
		return nil, fmt.Errorf("%w: %d", ErrType, t)
	}
	if err := dec.Decode(m); err != nil {
		return nil, fmt.Errorf("%w: %s body: %v", ErrMalformed, Type(t), err)
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrMalformed, r.Len())
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// String names the message type, for logs.
func (t Type) String() string {
	names := [...]string{"", "hello", "cookie", "join", "welcome", "refused", "lobby", "mesh", "start", "engine", "bye", "knock"}
	if int(t) < len(names) && t != 0 {
		return names[t]
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}
