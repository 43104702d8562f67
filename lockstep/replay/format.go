package replay

import (
	"errors"
	"fmt"
	"io"
	"math"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/peerstep/peerstep/lockstep"
)

// FormatVersion is the version of the replay file format this package
// writes and reads.
//
// A file is the 8 bytes of Magic, then a stream of msgpack values: the
// format version (uint), the header (an array of 9 fields in the order of
// Header's fields), then records. Each record is a msgpack array whose first
// element is the record kind:
//
//	[1, frame, presence, input...]  a frame: its number (consecutive from 0),
//	                                presence as a bitmask (bit p set when
//	                                player p is present), then the input
//	                                (bin) of each present player, in order
//	[2, frame, sum]                 the checksum of the state after frame
//	[3, frames, checksums]          end of a finished file, with the number
//	                                of frame and checksum records before it
//
// A file without its end record was cut short: Read returns it with
// Replay.Truncated set.
const FormatVersion = 1

// Magic opens every replay file.
const Magic = "PSREPLAY"

// Limits on header fields. A Writer refuses a header over them and Read
// reports ErrCorrupt.
const (
	// MaxStringSize bounds Header.Game, Header.GameVersion and each name,
	// in bytes.
	MaxStringSize = 256
	// MaxSettingsSize bounds Header.Settings, in bytes.
	MaxSettingsSize = 1 << 20
)

// Record kinds.
const (
	kindFrame    = 1
	kindChecksum = 2
	kindEnd      = 3
)

// headerFields is the number of fields of the header array.
const headerFields = 9

// maxHeaderInt bounds the integer fields of the header.
const maxHeaderInt = math.MaxInt32

// validateHeader reports why h cannot be stored, or nil.
func validateHeader(h *Header) error {
	switch {
	case h.Players < 1 || h.Players > lockstep.MaxPlayers:
		return fmt.Errorf("players %d, want 1 to %d", h.Players, lockstep.MaxPlayers)
	case len(h.Names) > h.Players:
		return fmt.Errorf("%d names for %d players", len(h.Names), h.Players)
	case len(h.Game) > MaxStringSize:
		return fmt.Errorf("game identifier of %d bytes, max %d", len(h.Game), MaxStringSize)
	case len(h.GameVersion) > MaxStringSize:
		return fmt.Errorf("game version of %d bytes, max %d", len(h.GameVersion), MaxStringSize)
	case len(h.Settings) > MaxSettingsSize:
		return fmt.Errorf("settings of %d bytes, max %d", len(h.Settings), MaxSettingsSize)
	case h.TickHz < 0 || h.TickHz > maxHeaderInt:
		return fmt.Errorf("tick rate %d out of range", h.TickHz)
	case h.InputDelay < 0 || h.InputDelay > maxHeaderInt:
		return fmt.Errorf("input delay %d out of range", h.InputDelay)
	case h.ChecksumInterval < -maxHeaderInt || h.ChecksumInterval > maxHeaderInt:
		return fmt.Errorf("checksum interval %d out of range", h.ChecksumInterval)
	}
	for i, n := range h.Names {
		if len(n) > MaxStringSize {
			return fmt.Errorf("name %d of %d bytes, max %d", i, len(n), MaxStringSize)
		}
	}
	return nil
}

// encodeHeader writes the version and the header.
func encodeHeader(e *msgpack.Encoder, h *Header) error {
	var err error
	put := func(f func() error) {
		if err == nil {
			err = f()
		}
	}
	put(func() error { return e.EncodeUint(FormatVersion) })
	put(func() error { return e.EncodeArrayLen(headerFields) })
	put(func() error { return e.EncodeString(h.Game) })
	put(func() error { return e.EncodeString(h.GameVersion) })
	put(func() error { return e.EncodeInt(int64(h.Players)) })
	put(func() error { return e.EncodeArrayLen(len(h.Names)) })
	for _, n := range h.Names {
		put(func() error { return e.EncodeString(n) })
	}
	put(func() error { return e.EncodeUint(h.Seed) })
	put(func() error { return e.EncodeInt(int64(h.TickHz)) })
	put(func() error { return e.EncodeInt(int64(h.InputDelay)) })
	put(func() error { return e.EncodeInt(int64(h.ChecksumInterval)) })
	put(func() error { return encodeBin(e, h.Settings) })
	return err
}

// encodeBin writes b as msgpack bin, an empty one for nil.
func encodeBin(e *msgpack.Encoder, b []byte) error {
	if len(b) == 0 {
		return e.EncodeBytesLen(0)
	}
	return e.EncodeBytes(b)
}

// isEOF tells whether err means the input ended.
func isEOF(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
}

// decoder reads the values of a replay with bounded allocations.
type decoder struct {
	d *msgpack.Decoder
	// Frames' inputs and slices are cut from shared blocks, to read long
	// replays with few allocations. Blocks are only allocated as records
	// arrive, so memory stays in proportion to the input.
	bytes   []byte
	inputs  [][]byte
	present []bool
}

// blockSize is how many bytes, or per-player slots, a block holds.
const blockSize = 4096

// take returns a non-nil slice of n bytes with capacity n, so that an append
// by the caller cannot overwrite its neighbours.
func (d *decoder) take(n int) []byte {
	if d.bytes == nil || len(d.bytes) < n {
		d.bytes = make([]byte, max(n, blockSize))
	}
	b := d.bytes[:n:n]
	d.bytes = d.bytes[n:]
	return b
}

// slots returns the Inputs and Present slices of one frame.
func (d *decoder) slots(players int) ([][]byte, []bool) {
	if len(d.inputs) < players {
		d.inputs = make([][]byte, blockSize)
		d.present = make([]bool, blockSize)
	}
	in, pr := d.inputs[:players:players], d.present[:players:players]
	d.inputs, d.present = d.inputs[players:], d.present[players:]
	return in, pr
}

// arrayLen reads an array length; nil is an error.
func (d *decoder) arrayLen() (int, error) {
	n, err := d.d.DecodeArrayLen()
	if err != nil {
		return 0, err
	}
	if n < 0 {
		return 0, errors.New("nil where an array was expected")
	}
	return n, nil
}

// int reads an integer within [lo, hi].
func (d *decoder) int(what string, lo, hi int64) (int64, error) {
	v, err := d.d.DecodeInt64()
	if err != nil {
		return 0, err
	}
	if v < lo || v > hi {
		return 0, fmt.Errorf("%s %d out of range [%d, %d]", what, v, lo, hi)
	}
	return v, nil
}

// bin reads a string or bin of at most limit bytes, checking the length before
// allocating. Nil and empty both give nil.
func (d *decoder) bin(what string, limit int) ([]byte, error) {
	n, err := d.binLen(what, limit)
	if err != nil || n == 0 {
		return nil, err
	}
	b := make([]byte, n)
	if err := d.d.ReadFull(b); err != nil {
		return nil, err
	}
	return b, nil
}

// binLen reads the length of a string or bin of at most limit bytes; nil
// counts as empty.
func (d *decoder) binLen(what string, limit int) (int, error) {
	n, err := d.d.DecodeBytesLen()
	if err != nil {
		return 0, err
	}
	if n > limit {
		return 0, fmt.Errorf("%s of %d bytes, max %d", what, n, limit)
	}
	return max(n, 0), nil
}

func (d *decoder) string(what string) (string, error) {
	b, err := d.bin(what, MaxStringSize)
	return string(b), err
}

// header reads the header array that follows the version.
func (d *decoder) header() (Header, error) {
	var h Header
	n, err := d.arrayLen()
	if err != nil {
		return h, err
	}
	if n != headerFields {
		return h, fmt.Errorf("header of %d fields, want %d", n, headerFields)
	}
	if h.Game, err = d.string("game identifier"); err != nil {
		return h, err
	}
	if h.GameVersion, err = d.string("game version"); err != nil {
		return h, err
	}
	players, err := d.int("players", 1, lockstep.MaxPlayers)
	if err != nil {
		return h, err
	}
	h.Players = int(players)
	names, err := d.arrayLen()
	if err != nil {
		return h, err
	}
	if names > h.Players {
		return h, fmt.Errorf("%d names for %d players", names, h.Players)
	}
	for i := 0; i < names; i++ {
		s, err := d.string("name")
		if err != nil {
			return h, err
		}
		h.Names = append(h.Names, s)
	}
	if h.Seed, err = d.d.DecodeUint64(); err != nil {
		return h, err
	}
	v, err := d.int("tick rate", 0, maxHeaderInt)
	if err != nil {
		return h, err
	}
	h.TickHz = int(v)
	if v, err = d.int("input delay", 0, maxHeaderInt); err != nil {
		return h, err
	}
	h.InputDelay = int(v)
	if v, err = d.int("checksum interval", -maxHeaderInt, maxHeaderInt); err != nil {
		return h, err
	}
	h.ChecksumInterval = int(v)
	if h.Settings, err = d.bin("settings", MaxSettingsSize); err != nil {
		return h, err
	}
	return h, validateHeader(&h)
}
