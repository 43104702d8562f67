package wire

import (
	"bytes"
	"fmt"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/peerstep/peerstep/internal/mpcheck"
)

// Limits of a Fast datagram, checked by DecodeFast.
const (
	// MaxFastInputs bounds the inputs one Fast carries.
	MaxFastInputs = 128
	// MaxFastMsgs bounds the other engine messages one Fast carries.
	MaxFastMsgs = 16
	// MaxFastSize bounds a Fast's encoded size: it must fit one datagram.
	MaxFastSize = 1200
)

// Fast is the payload of an unreliable link datagram, sent every tick
// beside KCP: the sender's newest inputs (and any it must send again), the
// acknowledgement of the receiver's inputs and the small engine messages
// that lose nothing when lost (pings and pongs). It has no envelope: the
// link subkind says what it is, and its form is a flat msgpack array
// [start, start-ack, [inputs...]] or, with messages, [start, start-ack,
// [inputs...], [msgs...]], so that a tick's input costs a few bytes beyond
// the seal: the two players' frames are close, so start-ack is a one-byte
// number.
type Fast struct {
	// Ack is the last frame up to which the sender holds every input of
	// the receiver, or -1.
	Ack int32
	// Start is the frame of Inputs[0], the sender's own inputs.
	Start int32
	// Inputs are the sender's inputs for Start, Start+1, ...
	Inputs [][]byte
	// Msgs are encoded lockstep messages.
	Msgs [][]byte
}

// AppendFast appends the msgpack form of f to dst.
func AppendFast(dst []byte, f *Fast) ([]byte, error) {
	if len(f.Inputs) > MaxFastInputs || len(f.Msgs) > MaxFastMsgs {
		return dst, fmt.Errorf("%w: fast with %d inputs and %d messages", ErrTooLarge, len(f.Inputs), len(f.Msgs))
	}
	buf := bytes.NewBuffer(dst)
	enc := msgpack.GetEncoder() // pooled: a Fast is encoded twice a tick per player
	defer msgpack.PutEncoder(enc)
	enc.Reset(buf)
	enc.UseCompactInts(true)
	lists := [][][]byte{f.Inputs, f.Msgs}
	if len(f.Msgs) == 0 {
		lists = lists[:1]
	}
	err := enc.EncodeArrayLen(2 + len(lists))
	if err == nil {
		err = enc.EncodeInt(int64(f.Start))
	}
	if err == nil {
		err = enc.EncodeInt(int64(f.Start) - int64(f.Ack))
	}
	for _, list := range lists {
		if err == nil {
			err = enc.EncodeArrayLen(len(list))
		}
		for _, b := range list {
			if err == nil {
				err = enc.EncodeBytes(b)
			}
		}
	}
	if err != nil {
		return dst, fmt.Errorf("wire: encode fast: %w", err)
	}
	if buf.Len()-len(dst) > MaxFastSize {
		return dst, fmt.Errorf("%w: fast of %d bytes", ErrTooLarge, buf.Len()-len(dst))
	}
	return buf.Bytes(), nil
}

// DecodeFast parses a Fast. It never panics; any error wraps ErrMalformed
// or ErrTooLarge. The inputs and messages of the result are copies.
func DecodeFast(b []byte) (*Fast, error) {
	if len(b) > MaxFastSize {
		return nil, fmt.Errorf("%w: fast of %d bytes", ErrTooLarge, len(b))
	}
	if err := mpcheck.Check(b); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	r := bytes.NewReader(b)
	dec := msgpack.GetDecoder()
	defer msgpack.PutDecoder(dec)
	dec.Reset(r)
	bad := func(what string, err error) (*Fast, error) {
		if err != nil {
			return nil, fmt.Errorf("%w: fast %s: %v", ErrMalformed, what, err)
		}
		return nil, fmt.Errorf("%w: fast %s", ErrMalformed, what)
	}
	fields, err := dec.DecodeArrayLen()
	if err != nil || fields < 3 || fields > 4 {
		return bad("header", err)
	}
	var f Fast
	start, err := dec.DecodeInt64()
	if err != nil || start < 0 || start > 1<<31-1-MaxFastInputs {
		return bad("start", err)
	}
	delta, err := dec.DecodeInt64()
	if err != nil || delta < -(1<<31) || delta > 1<<31 || start-delta < -1 || start-delta > 1<<31-1 {
		return bad("ack", err)
	}
	f.Ack, f.Start = int32(start-delta), int32(start)
	for i, limit := range []int{MaxFastInputs, MaxFastMsgs}[:fields-2] {
		n, err := dec.DecodeArrayLen()
		if err != nil || n < 0 || n > limit {
			return bad("list length", err)
		}
		list := make([][]byte, n)
		for j := range list {
			if list[j], err = dec.DecodeBytes(); err != nil {
				return bad("item", err)
			}
			if list[j] == nil {
				list[j] = []byte{}
			}
		}
		if i == 0 {
			f.Inputs = list
		} else if f.Msgs = list; n == 0 {
			return bad("empty message list", nil) // one form per Fast
		}
	}
	if r.Len() != 0 {
		return bad("trailing bytes", nil)
	}
	return &f, nil
}
