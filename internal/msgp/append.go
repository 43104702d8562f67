// Package msgp writes and reads the msgpack values of peerstep's wire
// messages without reflection: append functions that grow a caller's
// []byte, and a strict Reader.
//
// Both sides use only the canonical form of each value, its shortest
// encoding: a non-negative integer in the smallest unsigned format
// (positive fixint, uint8, 16, 32, 64), a negative one in the smallest
// signed format (negative fixint, int8, 16, 32, 64), a string, byte string
// or array header in the smallest of its formats. The Reader refuses any
// other form, so a message that decodes re-encodes to the very same bytes.
//
// The append functions never allocate beyond growing the slice; the Reader
// never panics, bounds every declared length by the bytes that are left,
// and allocates nothing itself: byte strings it returns alias its input.
package msgp

import (
	"encoding/binary"
	"math"
)

// AppendNil appends nil.
func AppendNil(b []byte) []byte { return append(b, 0xc0) }

// AppendBool appends a boolean.
func AppendBool(b []byte, v bool) []byte {
	if v {
		return append(b, 0xc3)
	}
	return append(b, 0xc2)
}

// AppendUint appends v in its smallest unsigned format.
func AppendUint(b []byte, v uint64) []byte {
	switch {
	case v <= 0x7f:
		return append(b, byte(v))
	case v <= math.MaxUint8:
		return append(b, 0xcc, byte(v))
	case v <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, 0xcd), uint16(v))
	case v <= math.MaxUint32:
		return binary.BigEndian.AppendUint32(append(b, 0xce), uint32(v))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xcf), v)
}

// AppendInt appends v: a non-negative v as AppendUint does, a negative
// one in its smallest signed format.
func AppendInt(b []byte, v int64) []byte {
	switch {
	case v >= 0:
		return AppendUint(b, uint64(v))
	case v >= -32:
		return append(b, byte(v))
	case v >= math.MinInt8:
		return append(b, 0xd0, byte(v))
	case v >= math.MinInt16:
		return binary.BigEndian.AppendUint16(append(b, 0xd1), uint16(v))
	case v >= math.MinInt32:
		return binary.BigEndian.AppendUint32(append(b, 0xd2), uint32(v))
	}
	return binary.BigEndian.AppendUint64(append(b, 0xd3), uint64(v))
}

// AppendArrayHeader appends the header of an array of n elements; the
// caller appends the elements. n must not be negative.
func AppendArrayHeader(b []byte, n int) []byte {
	switch {
	case n <= 15:
		return append(b, 0x90|byte(n))
	case n <= math.MaxUint16:
		return binary.BigEndian.AppendUint16(append(b, 0xdc), uint16(n))
	}
	return binary.BigEndian.AppendUint32(append(b, 0xdd), uint32(n))
}

// AppendBin appends v as a byte string, even when it is empty or nil.
func AppendBin(b []byte, v []byte) []byte {
	n := len(v)
	switch {
	case n <= math.MaxUint8:
		b = append(b, 0xc4, byte(n))
	case n <= math.MaxUint16:
		b = binary.BigEndian.AppendUint16(append(b, 0xc5), uint16(n))
	default:
		b = binary.BigEndian.AppendUint32(append(b, 0xc6), uint32(n))
	}
	return append(b, v...)
}

// AppendBinOrNil appends nil for a nil v and a byte string otherwise:
// Reader.BinOrNil gives back a nil or an empty slice as it was.
func AppendBinOrNil(b []byte, v []byte) []byte {
	if v == nil {
		return AppendNil(b)
	}
	return AppendBin(b, v)
}

// AppendStr appends s as a string.
func AppendStr(b []byte, s string) []byte {
	n := len(s)
	switch {
	case n <= 31:
		b = append(b, 0xa0|byte(n))
	case n <= math.MaxUint8:
		b = append(b, 0xd9, byte(n))
	case n <= math.MaxUint16:
		b = binary.BigEndian.AppendUint16(append(b, 0xda), uint16(n))
	default:
		b = binary.BigEndian.AppendUint32(append(b, 0xdb), uint32(n))
	}
	return append(b, s...)
}
