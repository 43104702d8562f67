package msgp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
)

// ErrInvalid is what every Reader error wraps: bytes that are not the
// canonical msgpack value asked for, or that end too soon.
var ErrInvalid = errors.New("msgp: invalid msgpack")

// Reader reads msgpack values from a byte slice, one after another. The
// first error sticks: every later read returns a zero value, and Err
// reports it. The zero Reader reads nothing; NewReader gives one over b.
type Reader struct {
	b   []byte
	off int
	err error
}

// NewReader returns a Reader of b, which it never modifies.
func NewReader(b []byte) Reader { return Reader{b: b} }

// Err returns the first error met, or nil.
func (r *Reader) Err() error { return r.err }

// Left returns how many bytes are not read yet.
func (r *Reader) Left() int { return len(r.b) - r.off }

// Offset returns how many bytes have been read.
func (r *Reader) Offset() int { return r.off }

// Fail records err, wrapped as a read error at the current offset, unless
// an error is already recorded. Decoders use it for values that are
// well-formed but out of range.
func (r *Reader) Fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("%w at offset %d: %s", ErrInvalid, r.off, fmt.Sprintf(format, args...))
	}
}

// End records an error if any byte is left unread, and returns Err.
func (r *Reader) End() error {
	if r.err == nil && r.off != len(r.b) {
		r.Fail("%d trailing bytes", len(r.b)-r.off)
	}
	return r.err
}

// next consumes n bytes; nil (and an error) if fewer are left.
func (r *Reader) next(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.Fail("%d bytes wanted, %d left", n, len(r.b)-r.off)
		return nil
	}
	p := r.b[r.off : r.off+n : r.off+n]
	r.off += n
	return p
}

func (r *Reader) lead() (byte, bool) {
	p := r.next(1)
	if p == nil {
		return 0, false
	}
	return p[0], true
}

func (r *Reader) bad(c byte, what string) {
	r.off--
	r.Fail("byte 0x%02x where %s was expected", c, what)
}

// IsNil reports whether the next value is nil, without reading it.
func (r *Reader) IsNil() bool {
	return r.err == nil && r.off < len(r.b) && r.b[r.off] == 0xc0
}

// Nil reads a nil.
func (r *Reader) Nil() {
	if c, ok := r.lead(); ok && c != 0xc0 {
		r.bad(c, "nil")
	}
}

// Bool reads a boolean.
func (r *Reader) Bool() bool {
	c, ok := r.lead()
	switch {
	case !ok:
		return false
	case c == 0xc3:
		return true
	case c != 0xc2:
		r.bad(c, "a boolean")
	}
	return false
}

// fixed reads a big-endian number of size bytes.
func (r *Reader) fixed(size int) uint64 {
	p := r.next(size)
	switch {
	case p == nil:
		return 0
	case size == 1:
		return uint64(p[0])
	case size == 2:
		return uint64(binary.BigEndian.Uint16(p))
	case size == 4:
		return uint64(binary.BigEndian.Uint32(p))
	}
	return binary.BigEndian.Uint64(p)
}

// uintBody reads the rest of an unsigned integer whose lead byte is c,
// checking that no smaller format would have held it.
func (r *Reader) uintBody(c byte) (uint64, bool) {
	var v, min uint64
	switch c {
	case 0xcc:
		v, min = r.fixed(1), 0x80
	case 0xcd:
		v, min = r.fixed(2), math.MaxUint8+1
	case 0xce:
		v, min = r.fixed(4), math.MaxUint16+1
	case 0xcf:
		v, min = r.fixed(8), math.MaxUint32+1
	default:
		return 0, false
	}
	if r.err == nil && v < min {
		r.Fail("%d not in its shortest form", v)
	}
	return v, true
}

// Uint reads a non-negative integer.
func (r *Reader) Uint() uint64 {
	c, ok := r.lead()
	if !ok {
		return 0
	}
	if c <= 0x7f {
		return uint64(c)
	}
	v, ok := r.uintBody(c)
	if !ok {
		r.bad(c, "an unsigned integer")
	}
	if r.err != nil {
		return 0
	}
	return v
}

// Int reads an integer: a non-negative one in an unsigned format, a
// negative one in a signed format.
func (r *Reader) Int() int64 {
	c, ok := r.lead()
	switch {
	case !ok:
		return 0
	case c <= 0x7f:
		return int64(c)
	case c >= 0xe0:
		return int64(int8(c))
	}
	if u, ok := r.uintBody(c); ok {
		if r.err == nil && u > math.MaxInt64 {
			r.Fail("%d overflows an int64", u)
		}
		if r.err != nil {
			return 0
		}
		return int64(u)
	}
	var v, max int64
	switch c {
	case 0xd0:
		v, max = int64(int8(r.fixed(1))), -33
	case 0xd1:
		v, max = int64(int16(r.fixed(2))), math.MinInt8-1
	case 0xd2:
		v, max = int64(int32(r.fixed(4))), math.MinInt16-1
	case 0xd3:
		v, max = int64(r.fixed(8)), math.MinInt32-1
	default:
		r.bad(c, "an integer")
		return 0
	}
	if r.err == nil && v > max {
		r.Fail("%d not in its shortest form", v)
	}
	if r.err != nil {
		return 0
	}
	return v
}

// IntIn reads an integer and records an error if it is outside [min, max].
func (r *Reader) IntIn(min, max int64) int64 {
	v := r.Int()
	if r.err == nil && (v < min || v > max) {
		r.Fail("%d out of [%d, %d]", v, min, max)
		return 0
	}
	return v
}

// UintIn reads a non-negative integer and records an error if it is over max.
func (r *Reader) UintIn(max uint64) uint64 {
	v := r.Uint()
	if r.err == nil && v > max {
		r.Fail("%d over %d", v, max)
		return 0
	}
	return v
}

// length reads the rest of a 1-, 2- or 4-byte length whose format holds
// at least min, and checks that the elements, each at least unit bytes,
// fit in what is left.
func (r *Reader) length(size int, min uint64, unit int) int {
	n := r.fixed(size)
	switch {
	case r.err != nil:
		return 0
	case n < min:
		r.Fail("length %d not in its shortest form", n)
		return 0
	case n > uint64(r.Left()/unit):
		r.Fail("length %d with %d bytes left", n, r.Left())
		return 0
	}
	return int(n)
}

// ArrayHeader reads an array header and returns how many elements follow,
// at most the bytes left (every element takes one byte or more).
func (r *Reader) ArrayHeader() int {
	c, ok := r.lead()
	switch {
	case !ok:
		return 0
	case c >= 0x90 && c <= 0x9f:
		n := int(c & 0x0f)
		if n > r.Left() {
			r.Fail("array of %d with %d bytes left", n, r.Left())
			return 0
		}
		return n
	case c == 0xdc:
		return r.length(2, 16, 1)
	case c == 0xdd:
		return r.length(4, math.MaxUint16+1, 1)
	}
	r.bad(c, "an array")
	return 0
}

// ArrayOf reads an array header and records an error unless it has
// exactly n elements.
func (r *Reader) ArrayOf(n int) {
	if got := r.ArrayHeader(); r.err == nil && got != n {
		r.Fail("array of %d, want %d", got, n)
	}
}

// ArrayMax reads an array header and records an error if it has more than
// max elements.
func (r *Reader) ArrayMax(max int) int {
	n := r.ArrayHeader()
	if r.err == nil && n > max {
		r.Fail("array of %d, at most %d", n, max)
		return 0
	}
	return n
}

// Bin reads a byte string. The result aliases the Reader's input; it is
// empty, not nil, for an empty string.
func (r *Reader) Bin() []byte {
	c, ok := r.lead()
	var n int
	switch {
	case !ok:
		return nil
	case c == 0xc4:
		n = r.length(1, 0, 1)
	case c == 0xc5:
		n = r.length(2, math.MaxUint8+1, 1)
	case c == 0xc6:
		n = r.length(4, math.MaxUint16+1, 1)
	default:
		r.bad(c, "a byte string")
		return nil
	}
	return r.next(n)
}

// BinMax reads a byte string and records an error if it is longer than max.
func (r *Reader) BinMax(max int) []byte {
	v := r.Bin()
	if r.err == nil && len(v) > max {
		r.Fail("byte string of %d, at most %d", len(v), max)
		return nil
	}
	return v
}

// BinOrNil reads nil, returning nil, or a byte string, as Bin does.
func (r *Reader) BinOrNil(max int) []byte {
	if r.IsNil() {
		r.off++
		return nil
	}
	return r.BinMax(max)
}

// Str reads a string. The result aliases the Reader's input: convert it
// with string() to keep it.
func (r *Reader) Str() []byte {
	c, ok := r.lead()
	var n int
	switch {
	case !ok:
		return nil
	case c >= 0xa0 && c <= 0xbf:
		n = int(c & 0x1f)
	case c == 0xd9:
		n = r.length(1, 32, 1)
	case c == 0xda:
		n = r.length(2, math.MaxUint8+1, 1)
	case c == 0xdb:
		n = r.length(4, math.MaxUint16+1, 1)
	default:
		r.bad(c, "a string")
		return nil
	}
	return r.next(n)
}

// StrMax reads a string and records an error if it is longer than max bytes.
func (r *Reader) StrMax(max int) []byte {
	v := r.Str()
	if r.err == nil && len(v) > max {
		r.Fail("string of %d bytes, at most %d", len(v), max)
		return nil
	}
	return v
}
