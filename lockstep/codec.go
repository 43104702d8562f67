package lockstep

import (
	"bytes"
	"fmt"
	"time"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/peerstep/peerstep/internal/mpcheck"
)

// Wire limits checked by DecodeMessage.
const (
	// MaxMessageSize bounds one encoded message.
	MaxMessageSize = 64 << 10
	// MaxInputsPerMessage bounds the inputs one message carries.
	MaxInputsPerMessage = 512
)

// The wire form of a message is a msgpack array [kind, fields...], the
// fields in the order of the struct's declaration (an input's AckNext as its
// distance back from Start: the two players' frames are close, so it
// takes a byte):
//
//	input:       [1, player, start, [input bytes...], start-acknext]
//	checksum:    [2, frame, sum]
//	ping:        [3, sent ns, frame, advantage]
//	pong:        [4, echo ns, frame]
//	drop report: [5, [[player, last, final, start, [input bytes...]]...]]
//	leave:       [6]
//	kicked:      [7, frame]

// EncodeMessage returns the msgpack form of m.
func EncodeMessage(m Message) ([]byte, error) {
	var buf bytes.Buffer
	enc := msgpack.NewEncoder(&buf)
	var err error
	switch m := m.(type) {
	case *InputMsg:
		err = encodeAll(enc, 5, uint64(KindInput), uint64(m.Player), int64(m.Start), m.Inputs, int64(m.Start)-int64(m.AckNext))
	case *ChecksumMsg:
		err = encodeAll(enc, 3, uint64(KindChecksum), int64(m.Frame), m.Sum)
	case *PingMsg:
		err = encodeAll(enc, 4, uint64(KindPing), int64(m.Sent), int64(m.Frame), int64(m.Advantage))
	case *PongMsg:
		err = encodeAll(enc, 4, uint64(KindPong), int64(m.Echo), int64(m.Frame), int64(m.Held))
	case *DropReportMsg:
		if err = enc.EncodeArrayLen(2); err == nil {
			if err = enc.EncodeUint(uint64(KindDropReport)); err == nil {
				err = enc.EncodeArrayLen(len(m.Entries))
			}
		}
		for i := 0; err == nil && i < len(m.Entries); i++ {
			en := &m.Entries[i]
			err = encodeAll(enc, 5, uint64(en.Player), int64(en.Last), en.Final, int64(en.Start), en.Inputs)
		}
	case *LeaveMsg:
		err = encodeAll(enc, 1, uint64(KindLeave))
	case *KickedMsg:
		err = encodeAll(enc, 2, uint64(KindKicked), int64(m.Frame))
	default:
		return nil, fmt.Errorf("%w: cannot encode %T", ErrBadMessage, m)
	}
	if err != nil {
		return nil, fmt.Errorf("lockstep: encode: %w", err)
	}
	if buf.Len() > MaxMessageSize {
		return nil, fmt.Errorf("%w: %d bytes encoded", ErrBadMessage, buf.Len())
	}
	return buf.Bytes(), nil
}

func encodeAll(enc *msgpack.Encoder, n int, vs ...any) error {
	if err := enc.EncodeArrayLen(n); err != nil {
		return err
	}
	for _, v := range vs {
		var err error
		switch v := v.(type) {
		case uint64:
			err = enc.EncodeUint(v)
		case int64:
			err = enc.EncodeInt(v)
		case bool:
			err = enc.EncodeBool(v)
		case [][]byte:
			if err = enc.EncodeArrayLen(len(v)); err == nil {
				for _, b := range v {
					if err = enc.EncodeBytes(b); err != nil {
						break
					}
				}
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// decoder reads fields and remembers the first error.
type decoder struct {
	d   *msgpack.Decoder
	err error
}

func (d *decoder) fail(format string, args ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: "+format, append([]any{ErrBadMessage}, args...)...)
	}
}

func (d *decoder) int(min, max int64) int64 {
	if d.err != nil {
		return 0
	}
	v, err := d.d.DecodeInt64()
	if err != nil {
		d.fail("%v", err)
		return 0
	}
	if v < min || v > max {
		d.fail("value %d out of [%d, %d]", v, min, max)
	}
	return v
}

func (d *decoder) arrayLen(max int) int {
	if d.err != nil {
		return 0
	}
	n, err := d.d.DecodeArrayLen()
	if err != nil {
		d.fail("%v", err)
		return 0
	}
	if n < 0 || n > max {
		d.fail("array of %d (at most %d)", n, max)
		return 0
	}
	return n
}

func (d *decoder) inputs() [][]byte {
	n := d.arrayLen(MaxInputsPerMessage)
	if d.err != nil {
		return nil
	}
	out := make([][]byte, n)
	for i := range out {
		b, err := d.d.DecodeBytes()
		if err != nil {
			d.fail("input: %v", err)
			return nil
		}
		if len(b) > MaxInputSize {
			d.fail("input of %d bytes", len(b))
			return nil
		}
		if b == nil {
			b = []byte{}
		}
		out[i] = b
	}
	return out
}

const maxFrame = 1<<31 - 1 - MaxInputsPerMessage

// fieldCounts is the array length of each kind's wire form.
var fieldCounts = [...]int{KindInput: 5, KindChecksum: 3, KindPing: 4, KindPong: 4, KindDropReport: 2, KindLeave: 1, KindKicked: 2}

// DecodeMessage parses the msgpack form of a message. It never panics and
// returns an error wrapping ErrBadMessage for anything malformed: an
// unknown kind, a wrong field count, out-of-range numbers, oversize input,
// trailing bytes.
func DecodeMessage(b []byte) (Message, error) {
	if len(b) > MaxMessageSize {
		return nil, fmt.Errorf("%w: %d bytes", ErrBadMessage, len(b))
	}
	if err := mpcheck.Check(b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadMessage, err)
	}
	r := bytes.NewReader(b)
	d := &decoder{d: msgpack.NewDecoder(r)}
	n := d.arrayLen(8)
	kind := MessageKind(d.int(0, 255))
	want := 0
	if int(kind) < len(fieldCounts) {
		want = fieldCounts[kind]
	}
	if d.err == nil && (want == 0 || n != want) {
		d.fail("kind %v with %d fields", kind, n)
	}
	var m Message
	switch kind {
	case KindInput:
		in := &InputMsg{Player: PlayerID(d.int(0, MaxPlayers-1)), Start: Frame(d.int(0, maxFrame)), Inputs: d.inputs()}
		in.AckNext = in.Start - Frame(d.int(int64(in.Start)-maxFrame, int64(in.Start)))
		m = in
	case KindChecksum:
		f := Frame(d.int(0, maxFrame))
		var sum uint64
		if d.err == nil {
			var err error
			if sum, err = d.d.DecodeUint64(); err != nil {
				d.fail("%v", err)
			}
		}
		m = &ChecksumMsg{Frame: f, Sum: sum}
	case KindPing:
		m = &PingMsg{Sent: time.Duration(d.int(0, 1<<62)), Frame: Frame(d.int(0, maxFrame)), Advantage: int32(d.int(-1<<31, 1<<31-1))}
	case KindPong:
		m = &PongMsg{Echo: time.Duration(d.int(0, 1<<62)), Frame: Frame(d.int(0, maxFrame)), Held: time.Duration(d.int(0, 1<<62))}
	case KindDropReport:
		cnt := d.arrayLen(MaxPlayers)
		rep := &DropReportMsg{}
		for i := 0; i < cnt && d.err == nil; i++ {
			if d.arrayLen(5) != 5 && d.err == nil {
				d.fail("drop entry with wrong field count")
			}
			en := DropEntry{Player: PlayerID(d.int(0, MaxPlayers-1)), Last: Frame(d.int(-1, maxFrame))}
			if d.err == nil {
				var err error
				if en.Final, err = d.d.DecodeBool(); err != nil {
					d.fail("%v", err)
				}
			}
			en.Start = Frame(d.int(0, maxFrame))
			en.Inputs = d.inputs()
			if d.err == nil && en.Start+Frame(len(en.Inputs)) != en.Last+1 && len(en.Inputs) > 0 {
				d.fail("drop entry inputs %d..%d do not end at %d", en.Start, en.Start+Frame(len(en.Inputs))-1, en.Last)
			}
			rep.Entries = append(rep.Entries, en)
		}
		m = rep
	case KindLeave:
		m = &LeaveMsg{}
	case KindKicked:
		m = &KickedMsg{Frame: Frame(d.int(0, maxFrame))}
	}
	if d.err != nil {
		return nil, d.err
	}
	if r.Len() != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrBadMessage, r.Len())
	}
	return m, nil
}

// validate checks a message built in memory, as DecodeMessage checks the
// wire form, so that Receive refuses nonsense from any transport.
func validate(m Message) error {
	checkInputs := func(ins [][]byte) error {
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
	switch m := m.(type) {
	case *InputMsg:
		if m.Start < 0 || m.Start > maxFrame {
			return fmt.Errorf("%w: input start frame %d", ErrBadMessage, m.Start)
		}
		if m.AckNext < 0 || m.AckNext > maxFrame {
			return fmt.Errorf("%w: input acknowledges up to frame %d", ErrBadMessage, m.AckNext)
		}
		return checkInputs(m.Inputs)
	case *DropReportMsg:
		if len(m.Entries) > MaxPlayers {
			return fmt.Errorf("%w: %d drop entries", ErrBadMessage, len(m.Entries))
		}
		for _, en := range m.Entries {
			if int(en.Player) >= MaxPlayers || en.Start < 0 || en.Last < NoFrame || en.Last > maxFrame {
				return fmt.Errorf("%w: drop entry", ErrBadMessage)
			}
			if len(en.Inputs) > 0 && en.Start+Frame(len(en.Inputs)) != en.Last+1 {
				return fmt.Errorf("%w: drop entry inputs do not end at its last frame", ErrBadMessage)
			}
			if err := checkInputs(en.Inputs); err != nil {
				return err
			}
		}
	case *ChecksumMsg, *PingMsg, *PongMsg, *LeaveMsg, *KickedMsg:
	default:
		return fmt.Errorf("%w: unknown message %T", ErrBadMessage, m)
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
