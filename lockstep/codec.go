package lockstep

import (
	"bytes"
	"fmt"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/peerstep/peerstep/internal/mpcheck"
	"github.com/peerstep/peerstep/internal/msgp"
)

// Wire limits checked by DecodeMessage.
const (
	// MaxMessageSize bounds one encoded message.
	MaxMessageSize = 64 << 10
	// MaxInputsPerMessage bounds the inputs one message carries.
	MaxInputsPerMessage = 512
)

// maxFrame is the largest frame a message may name: room is left for the
// frames of a message's inputs after its start.
const maxFrame = 1<<31 - 1 - MaxInputsPerMessage

// The wire form of a message is a msgpack array [kind, fields...], every
// value in its shortest form (package internal/msgp). Each kind has its
// own file, msg_<kind>.go, with its layout (a messageSpec, which
// docs/WIRE.md must list: TestWireDoc), its encoding, decoding and
// validation.

// messageSpec documents one kind of message on the wire.
type messageSpec struct {
	kind MessageKind
	// layout is the msgpack array, as docs/WIRE.md shows it.
	layout string
	// fields is the array's length, kind included.
	fields int
	// optional says one more field may follow (admissions, admitsLayout).
	optional bool
	// channel says how netcode sends it: "datagram" or "reliable".
	channel string
}

// messageSpecs lists every kind, in the order of their numbers.
var messageSpecs = [...]*messageSpec{&inputSpec, &checksumSpec, &pingSpec, &pongSpec, &dropReportSpec, &leaveSpec, &kickedSpec}

func specOf(k MessageKind) *messageSpec {
	if k == 0 || int(k) > len(messageSpecs) {
		return nil
	}
	return messageSpecs[k-1]
}

// wireMessage is what every message type implements beside Message.
type wireMessage interface {
	Message
	// appendTo appends the message's wire form.
	appendTo(b []byte) []byte
	// validate checks a message built in memory as decoding checks its
	// wire form.
	validate() error
}

// EncodeMessage returns the msgpack form of m.
func EncodeMessage(m Message) ([]byte, error) {
	return AppendMessage(make([]byte, 0, 64), m)
}

// AppendMessage appends the msgpack form of m to dst and returns the
// extended slice; on error dst is returned as it was. It allocates only to
// grow dst.
func AppendMessage(dst []byte, m Message) ([]byte, error) {
	w, ok := m.(wireMessage)
	if !ok || m == nil || isNilPointer(w) {
		return dst, fmt.Errorf("%w: cannot encode %T", ErrBadMessage, m)
	}
	b := w.appendTo(dst)
	if n := len(b) - len(dst); n > MaxMessageSize {
		return dst, fmt.Errorf("%w: %d bytes encoded", ErrBadMessage, n)
	}
	return b, nil
}

// isNilPointer reports a typed nil message, which has no fields to encode.
func isNilPointer(m wireMessage) bool {
	switch m := m.(type) {
	case *InputMsg:
		return m == nil
	case *ChecksumMsg:
		return m == nil
	case *PingMsg:
		return m == nil
	case *PongMsg:
		return m == nil
	case *DropReportMsg:
		return m == nil
	case *LeaveMsg:
		return m == nil
	case *KickedMsg:
		return m == nil
	}
	return true
}

// DecodeMessage parses the msgpack form of a message. It never panics and
// returns an error wrapping ErrBadMessage for anything malformed: an
// unknown kind, a wrong field count, out-of-range numbers, oversize input,
// a value not in its shortest form, trailing bytes. It allocates the
// message and, for inputs, one slice of them and one copy of their bytes.
func DecodeMessage(b []byte) (Message, error) {
	if len(b) > MaxMessageSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrBadMessage, len(b))
	}
	r := msgp.NewReader(b)
	n := r.ArrayHeader()
	kind := MessageKind(r.UintIn(255))
	spec := specOf(kind)
	if r.Err() == nil && (spec == nil || n != spec.fields && !(spec.optional && n == spec.fields+1)) {
		return nil, fmt.Errorf("%w: kind %v with %d fields", ErrBadMessage, kind, n)
	}
	if r.Err() != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadMessage, r.Err())
	}
	m := decodeFields(&r, kind, n)
	if err := r.End(); err != nil {
		return nil, fmt.Errorf("%w: %v: %v", ErrBadMessage, kind, err)
	}
	return m, nil
}

// decodeFields reads the fields after the kind, with each kind's own
// decoder. (A switch, not a function in messageSpec: a call through a
// function value would move the Reader to the heap.)
func decodeFields(r *msgp.Reader, kind MessageKind, fields int) Message {
	switch kind {
	case KindInput:
		return decodeInputMsg(r, fields)
	case KindChecksum:
		return decodeChecksumMsg(r)
	case KindPing:
		return decodePingMsg(r)
	case KindPong:
		return decodePongMsg(r)
	case KindDropReport:
		return decodeDropReportMsg(r)
	case KindLeave:
		return &LeaveMsg{}
	case KindKicked:
		return decodeKickedMsg(r)
	}
	r.Fail("no decoder of kind %v", kind)
	return nil
}

// validate checks a message built in memory, as DecodeMessage checks the
// wire form, so that Receive refuses nonsense from any transport.
func validate(m Message) error {
	w, ok := m.(wireMessage)
	if !ok || isNilPointer(w) {
		return fmt.Errorf("%w: unknown message %T", ErrBadMessage, m)
	}
	return w.validate()
}

// appendInputs appends a list of inputs: an array of byte strings, an
// empty input as nil (one byte, and the one form of it: nil and empty are
// the same input).
func appendInputs(b []byte, ins [][]byte) []byte {
	b = msgp.AppendArrayHeader(b, len(ins))
	for _, in := range ins {
		if len(in) == 0 {
			b = msgp.AppendNil(b)
		} else {
			b = msgp.AppendBin(b, in)
		}
	}
	return b
}

// readInputs reads what appendInputs wrote, copying the inputs out of the
// reader's bytes into one new array. An empty input reads as an empty,
// non-nil slice (nil in a ReadyFrame means an absent player); no inputs
// read as nil.
func readInputs(r *msgp.Reader) [][]byte {
	n := r.ArrayMax(MaxInputsPerMessage)
	if n == 0 || r.Err() != nil {
		return nil
	}
	out := make([][]byte, n)
	total := 0
	for i := range out {
		if r.IsNil() {
			r.Nil()
			continue
		}
		in := r.BinMax(MaxInputSize)
		if r.Err() == nil && len(in) == 0 {
			r.Fail("an empty input not written as nil")
		}
		out[i] = in
		total += len(in)
	}
	if r.Err() != nil {
		return nil
	}
	backing := make([]byte, total)
	for i, in := range out {
		k := copy(backing, in)
		out[i], backing = backing[:k:k], backing[k:]
	}
	return out
}

func checkInputs(ins [][]byte) error {
	if len(ins) > MaxInputsPerMessage {
		return fmt.Errorf("%w: %d inputs in one message", ErrBadMessage, len(ins))
	}
	for _, in := range ins {
		if len(in) > MaxInputSize {
			return fmt.Errorf("%w: input of %d bytes", ErrBadMessage, len(in))
		}
	}
	return nil
}

func checkFrame(what string, f, min Frame) error {
	if f < min || f > maxFrame {
		return fmt.Errorf("%w: %s frame %d", ErrBadMessage, what, f)
	}
	return nil
}

// EncodeInput encodes a game's typed input for AddLocalInput, in msgpack
// with structs as arrays (no field names on the wire: a few bytes a frame).
func EncodeInput[I any](in I) ([]byte, error) {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	enc.UseArrayEncodedStructs(true)
	enc.UseCompactInts(true)
	if err := enc.Encode(in); err != nil {
		return nil, fmt.Errorf("lockstep: encode input: %w", err)
	}
	b := buf.Bytes()
	if len(b) > MaxInputSize {
		return nil, fmt.Errorf("%w: %d bytes encoded", ErrInputTooLarge, len(b))
	}
	return b, nil
}

// DecodeInput decodes a typed input from a ReadyFrame. A nil or empty input
// (an absent player, or the frames before the first input) decodes to the
// zero value.
func DecodeInput[I any](b []byte) (I, error) {
	var in I
	if len(b) == 0 {
		return in, nil
	}
	if err := mpcheck.Check(b); err != nil {
		return in, fmt.Errorf("lockstep: decode input: %w", err)
	}
	if err := msgpack.Unmarshal(b, &in); err != nil {
		var zero I
		return zero, fmt.Errorf("lockstep: decode input: %w", err)
	}
	return in, nil
}
