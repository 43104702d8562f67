package replay

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/peerstep/peerstep/lockstep"
)

// raw builds a file from the magic followed by values encoded as msgpack,
// except rawBytes, which are copied verbatim.
func raw(t *testing.T, values ...any) []byte {
	t.Helper()
	var buf bytes.Buffer
	buf.WriteString(Magic)
	enc := msgpack.NewEncoder(&buf)
	for _, v := range values {
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

type rawBytes []byte

// EncodeMsgpack writes b verbatim, wherever it sits in a value.
func (b rawBytes) EncodeMsgpack(enc *msgpack.Encoder) error {
	_, err := enc.Writer().Write(b)
	return err
}

// hdr is a valid header array for n players, with fields overridden by
// index.
func hdr(players int, override map[int]any) []any {
	h := []any{"g", "v", players, []string{}, uint64(7), 60, 2, 30, []byte{}}
	for i, v := range override {
		h[i] = v
	}
	return h
}

func TestReadCorrupt(t *testing.T) {
	in := []byte{1, 2}
	frame := func(f int, mask uint32, inputs ...[]byte) []any {
		r := []any{kindFrame, f, mask}
		for _, i := range inputs {
			r = append(r, i)
		}
		return r
	}
	tests := []struct {
		name string
		data []byte
		want error
		// wantEOF: the error also wraps io.ErrUnexpectedEOF (header cut).
		wantEOF bool
	}{
		{"empty", nil, ErrCorrupt, true},
		{"magic prefix", []byte(Magic[:5]), ErrCorrupt, true},
		{"garbage", []byte("hello, world, this is no replay"), ErrBadMagic, false},
		{"garbage shorter than magic", []byte("PSX"), ErrBadMagic, false},
		{"binary garbage", []byte{0xff, 0x00, 0x13, 0x37, 0xc4, 0xff, 0xff, 0xff, 0xff, 0xff}, ErrBadMagic, false},
		{"magic only", []byte(Magic), ErrCorrupt, true},
		{"version 2", raw(t, 2, hdr(2, nil)), ErrVersion, false},
		{"version 0", raw(t, 0, hdr(2, nil)), ErrVersion, false},
		{"version not an integer", raw(t, "one", hdr(2, nil)), ErrCorrupt, false},
		{"header cut", raw(t, 1, rawBytes{0x99, 0xa1, 'g'}), ErrCorrupt, true},
		{"header not an array", raw(t, 1, "header"), ErrCorrupt, false},
		{"header nil", raw(t, 1, nil), ErrCorrupt, false},
		{"header too short", raw(t, 1, hdr(2, nil)[:8]), ErrCorrupt, false},
		{"header too long", raw(t, 1, append(hdr(2, nil), 1)), ErrCorrupt, false},
		{"zero players", raw(t, 1, hdr(0, nil)), ErrCorrupt, false},
		{"negative players", raw(t, 1, hdr(-1, nil)), ErrCorrupt, false},
		{"too many players", raw(t, 1, hdr(lockstep.MaxPlayers+1, nil)), ErrCorrupt, false},
		{"huge players", raw(t, 1, hdr(1<<40, nil)), ErrCorrupt, false},
		{"more names than players", raw(t, 1, hdr(2, map[int]any{3: []string{"a", "b", "c"}})), ErrCorrupt, false},
		{"names count lies", raw(t, 1, hdr(2, map[int]any{3: rawBytes{0xdd, 0xff, 0xff, 0xff, 0xff}})), ErrCorrupt, false},
		{"long game name", raw(t, 1, hdr(2, map[int]any{0: string(make([]byte, MaxStringSize+1))})), ErrCorrupt, false},
		{"game length lies", raw(t, 1, rawBytes{0x99, 0xdb, 0xff, 0xff, 0xff, 0xff, 'x'}), ErrCorrupt, false},
		{"settings length lies", raw(t, 1, hdr(2, map[int]any{8: rawBytes{0xc6, 0xff, 0xff, 0xff, 0xff}})), ErrCorrupt, false},
		{"negative delay", raw(t, 1, hdr(2, map[int]any{6: -1})), ErrCorrupt, false},
		{"first frame not 0", raw(t, 1, hdr(2, nil), frame(1, 3, in, in)), ErrCorrupt, false},
		{"frame skipped", raw(t, 1, hdr(2, nil), frame(0, 3, in, in), frame(2, 3, in, in)), ErrCorrupt, false},
		{"frame repeated", raw(t, 1, hdr(2, nil), frame(0, 3, in, in), frame(0, 3, in, in)), ErrCorrupt, false},
		{"negative frame", raw(t, 1, hdr(2, nil), frame(-1, 3, in, in)), ErrCorrupt, false},
		{"fewer inputs than present", raw(t, 1, hdr(2, nil), frame(0, 3, in)), ErrCorrupt, false},
		{"more inputs than present", raw(t, 1, hdr(2, nil), frame(0, 1, in, in)), ErrCorrupt, false},
		{"presence beyond players", raw(t, 1, hdr(2, nil), frame(0, 5, in, in)), ErrCorrupt, false},
		{"presence beyond MaxPlayers", raw(t, 1, hdr(lockstep.MaxPlayers, nil), frame(0, 1<<lockstep.MaxPlayers)), ErrCorrupt, false},
		{"oversize input", raw(t, 1, hdr(2, nil), frame(0, 3, in, make([]byte, lockstep.MaxInputSize+1))), ErrCorrupt, false},
		{"input length lies", raw(t, 1, hdr(2, nil), rawBytes{0x94, kindFrame, 0, 1, 0xc6, 0xff, 0xff, 0xff, 0xff}), ErrCorrupt, false},
		{"input not bytes", raw(t, 1, hdr(2, nil), []any{kindFrame, 0, 1, 42}), ErrCorrupt, false},
		{"frame record too short", raw(t, 1, hdr(2, nil), []any{kindFrame, 0}), ErrCorrupt, false},
		{"empty record", raw(t, 1, hdr(2, nil), []any{}), ErrCorrupt, false},
		{"record not an array", raw(t, 1, hdr(2, nil), 7), ErrCorrupt, false},
		{"nil record", raw(t, 1, hdr(2, nil), nil), ErrCorrupt, false},
		{"unknown record kind", raw(t, 1, hdr(2, nil), []any{9, 0, 0}), ErrCorrupt, false},
		{"checksum before any frame", raw(t, 1, hdr(2, nil), []any{kindChecksum, 0, 1}), ErrCorrupt, false},
		{"checksum ahead of frames", raw(t, 1, hdr(2, nil), frame(0, 3, in, in), []any{kindChecksum, 1, 1}), ErrCorrupt, false},
		{"checksum out of order", raw(t, 1, hdr(2, nil), frame(0, 3, in, in), frame(1, 3, in, in),
			[]any{kindChecksum, 1, 1}, []any{kindChecksum, 0, 1}), ErrCorrupt, false},
		{"checksum record too long", raw(t, 1, hdr(2, nil), frame(0, 3, in, in), []any{kindChecksum, 0, 1, 2}), ErrCorrupt, false},
		{"end counts too many frames", raw(t, 1, hdr(2, nil), frame(0, 3, in, in), []any{kindEnd, 2, 0}), ErrCorrupt, false},
		{"end counts too few checksums", raw(t, 1, hdr(2, nil), frame(0, 3, in, in), []any{kindChecksum, 0, 1}, []any{kindEnd, 1, 0}), ErrCorrupt, false},
		{"data after end", raw(t, 1, hdr(2, nil), []any{kindEnd, 0, 0}, 0), ErrCorrupt, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rp, err := Read(bytes.NewReader(tc.data))
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v (replay %+v), want %v", err, rp, tc.want)
			}
			if errors.Is(err, io.ErrUnexpectedEOF) != tc.wantEOF {
				t.Fatalf("err = %v: wraps io.ErrUnexpectedEOF = %v, want %v", err, !tc.wantEOF, tc.wantEOF)
			}
			if rp != nil {
				t.Fatalf("replay %+v returned with error", rp)
			}
		})
	}
}

// TestReadLenient lists odd but well-formed files that Read accepts.
func TestReadLenient(t *testing.T) {
	in := []byte{1, 2}
	tests := []struct {
		name      string
		data      []byte
		frames    int
		truncated bool
	}{
		{"header only", raw(t, 1, hdr(2, nil)), 0, true},
		{"no frames, finished", raw(t, 1, hdr(2, nil), []any{kindEnd, 0, 0}), 0, false},
		{"empty inputs", raw(t, 1, hdr(2, nil), []any{kindFrame, 0, 3, []byte{}, nil}), 1, true},
		{"everybody absent", raw(t, 1, hdr(2, nil), []any{kindFrame, 0, 0}, []any{kindEnd, 1, 0}), 1, false},
		{"wide integers", raw(t, 1, hdr(2, nil), rawBytes{0x95, 0xcf, 0, 0, 0, 0, 0, 0, 0, kindFrame,
			0xd2, 0, 0, 0, 0, 0xce, 0, 0, 0, 3, 0xc4, 0, 0xa1, 'x'}), 1, true},
		{"cut inside a frame", raw(t, 1, hdr(2, nil), []any{kindFrame, 0, 3, in, in}, rawBytes{0x95, kindFrame, 1}), 1, true},
		{"cut inside an input", raw(t, 1, hdr(2, nil), rawBytes{0x95, kindFrame, 0, 3, 0xc4, 200, 1, 2}), 0, true},
		{"cut inside the end record", raw(t, 1, hdr(2, nil), []any{kindFrame, 0, 3, in, in}, rawBytes{0x93, kindEnd}), 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rp, err := Read(bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if len(rp.Frames) != tc.frames || rp.Truncated != tc.truncated {
				t.Fatalf("%d frames, truncated %v; want %d, %v", len(rp.Frames), rp.Truncated, tc.frames, tc.truncated)
			}
			for _, f := range rp.Frames {
				for p := range f.Present {
					if f.Present[p] != (f.Inputs[p] != nil) {
						t.Fatalf("frame %d, player %d: present %v, input %v", f.Frame, p, f.Present[p], f.Inputs[p])
					}
				}
			}
		})
	}
}
