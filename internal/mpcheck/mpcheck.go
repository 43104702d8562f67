// Package mpcheck walks msgpack bytes without decoding them and rejects any
// value whose declared length cannot fit in the bytes that follow.
//
// msgpack libraries allocate a slice as long as an array header says before
// reading its elements, so five bytes claiming four billion elements can
// exhaust memory. Every element takes at least one byte, so a value that
// passes Check never makes a decoder allocate more than a few words per
// input byte. The decoders of untrusted input that use the msgpack library
// (lockstep.DecodeInput, of a game's own input type) call Check first, and
// wire.SplitDatagram cuts a datagram into values with Prefix; peerstep's own
// messages are read by internal/msgp, whose Reader bounds lengths itself.
package mpcheck

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// MaxDepth bounds how deeply arrays and maps may nest.
const MaxDepth = 32

// ErrInvalid is returned for bytes that are not well-formed msgpack within
// the limits.
var ErrInvalid = errors.New("mpcheck: invalid msgpack")

// Check verifies that b holds exactly one well-formed msgpack value whose
// declared lengths all fit in b, nested at most MaxDepth deep.
func Check(b []byte) error {
	n, err := Prefix(b)
	if err != nil {
		return err
	}
	if n != len(b) {
		return fmt.Errorf("%w: %d trailing bytes", ErrInvalid, len(b)-n)
	}
	return nil
}

// Prefix verifies the first msgpack value in b, as Check does, and returns
// its length in bytes. Use it for a stream of values.
func Prefix(b []byte) (int, error) {
	w := walker{b: b}
	if err := w.value(0); err != nil {
		return 0, err
	}
	return w.pos, nil
}

type walker struct {
	b   []byte
	pos int
}

func (w *walker) need(n uint64) error {
	if n > uint64(len(w.b)-w.pos) {
		return fmt.Errorf("%w: %d bytes declared at offset %d, %d left", ErrInvalid, n, w.pos, len(w.b)-w.pos)
	}
	return nil
}

func (w *walker) uint(size int) (uint64, error) {
	if err := w.need(uint64(size)); err != nil {
		return 0, err
	}
	p := w.b[w.pos : w.pos+size]
	w.pos += size
	switch size {
	case 1:
		return uint64(p[0]), nil
	case 2:
		return uint64(binary.BigEndian.Uint16(p)), nil
	default:
		return uint64(binary.BigEndian.Uint32(p)), nil
	}
}

func (w *walker) skip(n uint64) error {
	if err := w.need(n); err != nil {
		return err
	}
	w.pos += int(n)
	return nil
}

// container checks n elements (maps pass 2*pairs), each at least one byte.
func (w *walker) container(n uint64, depth int) error {
	if depth >= MaxDepth {
		return fmt.Errorf("%w: nested deeper than %d", ErrInvalid, MaxDepth)
	}
	if err := w.need(n); err != nil {
		return err
	}
	for i := uint64(0); i < n; i++ {
		if err := w.value(depth + 1); err != nil {
			return err
		}
	}
	return nil
}

func (w *walker) value(depth int) error {
	if err := w.need(1); err != nil {
		return err
	}
	c := w.b[w.pos]
	w.pos++
	switch {
	case c <= 0x7f, c >= 0xe0, c == 0xc0, c == 0xc2, c == 0xc3:
		return nil
	case c >= 0x80 && c <= 0x8f:
		return w.container(uint64(c&0x0f)*2, depth)
	case c >= 0x90 && c <= 0x9f:
		return w.container(uint64(c&0x0f), depth)
	case c >= 0xa0 && c <= 0xbf:
		return w.skip(uint64(c & 0x1f))
	}
	switch c {
	case 0xc4, 0xd9: // bin8, str8
		return w.lenThenSkip(1, 0)
	case 0xc5, 0xda:
		return w.lenThenSkip(2, 0)
	case 0xc6, 0xdb:
		return w.lenThenSkip(4, 0)
	case 0xc7: // ext8
		return w.lenThenSkip(1, 1)
	case 0xc8:
		return w.lenThenSkip(2, 1)
	case 0xc9:
		return w.lenThenSkip(4, 1)
	case 0xca, 0xce, 0xd2: // float32, uint32, int32
		return w.skip(4)
	case 0xcb, 0xcf, 0xd3:
		return w.skip(8)
	case 0xcc, 0xd0:
		return w.skip(1)
	case 0xcd, 0xd1:
		return w.skip(2)
	case 0xd4: // fixext1..16
		return w.skip(2)
	case 0xd5:
		return w.skip(3)
	case 0xd6:
		return w.skip(5)
	case 0xd7:
		return w.skip(9)
	case 0xd8:
		return w.skip(17)
	case 0xdc:
		n, err := w.uint(2)
		if err != nil {
			return err
		}
		return w.container(n, depth)
	case 0xdd:
		n, err := w.uint(4)
		if err != nil {
			return err
		}
		return w.container(n, depth)
	case 0xde:
		n, err := w.uint(2)
		if err != nil {
			return err
		}
		return w.container(n*2, depth)
	case 0xdf:
		n, err := w.uint(4)
		if err != nil {
			return err
		}
		return w.container(n*2, depth)
	}
	return fmt.Errorf("%w: byte 0x%02x at offset %d", ErrInvalid, c, w.pos-1)
}

func (w *walker) lenThenSkip(size int, extra uint64) error {
	n, err := w.uint(size)
	if err != nil {
		return err
	}
	return w.skip(n + extra)
}
