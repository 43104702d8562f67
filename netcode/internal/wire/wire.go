// Package wire defines the msgpack messages that netcode peers exchange,
// outside the lockstep engine's own: the join handshake (sealed with the
// lobby key, sent as raw datagrams) and the lobby and match control messages
// (sent over the KCP link between two players).
//
// Every message travels in an envelope, a msgpack array of three elements:
//
//	[version uint, type uint, body]
//
// where body is the message's fields as a msgpack array, in the order of
// the struct's declaration, every value in its shortest form (package
// internal/msgp, the codec of the engine's messages too). Each type has
// its own file with its layout (a spec, which docs/WIRE.md must list:
// TestWireDoc), its encoding, decoding and validation. Decode never
// panics, rejects an unknown version or type, trailing bytes, oversize
// input, a value not in its shortest form and out-of-range fields.
package wire

import (
	"errors"
	"fmt"

	"github.com/peerstep/peerstep/internal/msgp"
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

// Further limits on fields.
const (
	keySize      = 32
	maxCookie    = 64
	maxAddr      = 64
	maxSettings  = 4096
	maxTickHz    = 1000
	envelopeSize = 3
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
	TypeResync                  // link: a player of the majority -> a diverged one
	TypeState                   // link: a player of the majority -> a diverged one
	TypeComer                   // link: host -> every player of a running match
	TypeResume                  // link: host -> a player coming into a running match
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
	// appendBody appends the body: the array of the message's fields.
	appendBody(b []byte) []byte
	// validate checks the fields against the limits Decode enforces.
	validate() error
}

// spec documents one message type on the wire.
type spec struct {
	typ Type
	// name is Type's String.
	name string
	// direction says who sends it to whom, and over what.
	direction string
	// body is the layout of the body array, as docs/WIRE.md shows it.
	body string
	// about says what the fields are, in a few words.
	about string
}

// specs lists every type, in the order of their numbers.
var specs = [...]*spec{&helloSpec, &cookieSpec, &joinSpec, &welcomeSpec, &refusedSpec, &lobbySpec, &meshSpec, &startSpec, &engineSpec, &byeSpec, &knockSpec, &resyncSpec, &stateSpec, &comerSpec, &resumeSpec}

func specOf(t Type) *spec {
	if t == 0 || int(t) > len(specs) {
		return nil
	}
	return specs[t-1]
}

// Encode returns the envelope of m.
func Encode(m Message) ([]byte, error) {
	return Append(nil, m)
}

// Append appends the envelope of m to dst and returns the extended slice;
// on error dst is returned as it was. It allocates only to grow dst.
func Append(dst []byte, m Message) ([]byte, error) {
	if m == nil || specOf(m.Type()) == nil {
		return dst, fmt.Errorf("%w: cannot encode %T", ErrType, m)
	}
	b := msgp.AppendArrayHeader(dst, envelopeSize)
	b = msgp.AppendUint(b, Version)
	b = msgp.AppendUint(b, uint64(m.Type()))
	b = m.appendBody(b)
	if n := len(b) - len(dst); n > MaxMessageSize {
		return dst, fmt.Errorf("%w: %d bytes", ErrTooLarge, n)
	}
	return b, nil
}

// Decode parses one envelope. It never panics; any error wraps ErrMalformed,
// ErrVersion, ErrType or ErrTooLarge. Byte strings in the message are
// copies: b may be reused once Decode returns.
func Decode(b []byte) (Message, error) {
	if len(b) > MaxMessageSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, len(b))
	}
	r := msgp.NewReader(b)
	r.ArrayOf(envelopeSize)
	if r.Err() != nil {
		return nil, fmt.Errorf("%w: bad envelope: %v", ErrMalformed, r.Err())
	}
	v := r.Uint()
	if r.Err() != nil {
		return nil, fmt.Errorf("%w: bad version field: %v", ErrMalformed, r.Err())
	}
	if v != Version {
		return nil, fmt.Errorf("%w: %d", ErrVersion, v)
	}
	t := r.Uint()
	if r.Err() != nil {
		return nil, fmt.Errorf("%w: bad type field: %v", ErrMalformed, r.Err())
	}
	if t > 255 || specOf(Type(t)) == nil {
		return nil, fmt.Errorf("%w: %d", ErrType, t)
	}
	m := decodeBody(&r, Type(t))
	if err := r.End(); err != nil {
		return nil, fmt.Errorf("%w: %s body: %v", ErrMalformed, Type(t), err)
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// decodeBody reads the body of a message of type t, with each type's own
// decoder. (A switch, not a function in spec: a call through a function
// value would move the Reader to the heap.)
func decodeBody(r *msgp.Reader, t Type) Message {
	switch t {
	case TypeHello:
		return decodeHello(r)
	case TypeCookie:
		return decodeCookie(r)
	case TypeJoin:
		return decodeJoin(r)
	case TypeWelcome:
		return decodeWelcome(r)
	case TypeRefused:
		return decodeRefused(r)
	case TypeLobby:
		return decodeLobby(r)
	case TypeMesh:
		return decodeMesh(r)
	case TypeStart:
		return decodeStart(r)
	case TypeEngine:
		return decodeEngine(r)
	case TypeBye:
		return decodeBye(r)
	case TypeKnock:
		return decodeKnock(r)
	case TypeResync:
		return decodeResync(r)
	case TypeState:
		return decodeState(r)
	case TypeComer:
		return decodeComer(r)
	case TypeResume:
		return decodeResume(r)
	}
	r.Fail("no decoder of type %v", t)
	return nil
}

// String names the message type, for logs.
func (t Type) String() string {
	if s := specOf(t); s != nil {
		return s.name
	}
	return fmt.Sprintf("type(%d)", uint8(t))
}

// Helpers shared by the message files.

// cloneBin copies a byte string out of the Reader's input, keeping nil nil.
func cloneBin(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

func appendStrs(b []byte, ss []string) []byte {
	if ss == nil {
		return msgp.AppendNil(b)
	}
	b = msgp.AppendArrayHeader(b, len(ss))
	for _, s := range ss {
		b = msgp.AppendStr(b, s)
	}
	return b
}

// readStrs reads what appendStrs wrote: nil as nil, an empty array as an
// empty slice.
func readStrs(r *msgp.Reader, max, maxLen int) []string {
	if r.IsNil() {
		r.Nil()
		return nil
	}
	n := r.ArrayMax(max)
	if r.Err() != nil {
		return nil
	}
	out := make([]string, n)
	for i := range out {
		out[i] = string(r.StrMax(maxLen))
	}
	return out
}

func appendBins(b []byte, bs [][]byte) []byte {
	if bs == nil {
		return msgp.AppendNil(b)
	}
	b = msgp.AppendArrayHeader(b, len(bs))
	for _, v := range bs {
		b = msgp.AppendBinOrNil(b, v)
	}
	return b
}

// readBins reads what appendBins wrote, copying the byte strings into one
// new array; nil stays nil and empty stays empty, the list's and each
// element's.
func readBins(r *msgp.Reader, max, maxLen int) [][]byte {
	if r.IsNil() {
		r.Nil()
		return nil
	}
	n := r.ArrayMax(max)
	if r.Err() != nil {
		return nil
	}
	out := make([][]byte, n)
	total := 0
	for i := range out {
		out[i] = r.BinOrNil(maxLen)
		total += len(out[i])
	}
	if r.Err() != nil {
		return nil
	}
	backing := make([]byte, total)
	for i, v := range out {
		if v == nil {
			continue
		}
		k := copy(backing, v)
		out[i], backing = backing[:k:k], backing[k:]
	}
	return out
}

func checkKey(k []byte) error {
	if len(k) != keySize {
		return fmt.Errorf("%w: public key of %d bytes", ErrMalformed, len(k))
	}
	return nil
}

func checkAddrs(a []string) error {
	if len(a) > MaxAddrs {
		return fmt.Errorf("%w: %d addresses", ErrMalformed, len(a))
	}
	for _, s := range a {
		if len(s) > maxAddr {
			return fmt.Errorf("%w: address too long", ErrMalformed)
		}
	}
	return nil
}

func checkLen(what string, b []byte, max int) error {
	if len(b) > max {
		return fmt.Errorf("%w: %s of %d bytes", ErrMalformed, what, len(b))
	}
	return nil
}
