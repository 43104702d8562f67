package replay

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"testing"
	"testing/iotest"

	"github.com/peerstep/peerstep/lockstep"
)

func TestRoundTrip(t *testing.T) {
	m := makeMatch(matchSpec{seed: 1, players: 4, frames: 1800, absent: 2, absentFrom: 700, sumInterval: 30})
	for _, tc := range []struct {
		name   string
		finish bool
		read   func(io.Reader) io.Reader
	}{
		{"finished", true, nil},
		{"unfinished", false, nil},
		{"one byte reads", true, iotest.OneByteReader},
		{"half reads", true, iotest.HalfReader},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data := m.encode(t, tc.finish)
			var r io.Reader = bytes.NewReader(data)
			if tc.read != nil {
				r = tc.read(r)
			}
			rp, err := Read(r)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if !reflect.DeepEqual(rp.Header, m.header) {
				t.Errorf("header: got %+v, want %+v", rp.Header, m.header)
			}
			if rp.Truncated == tc.finish {
				t.Errorf("Truncated = %v, want %v", rp.Truncated, !tc.finish)
			}
			if len(rp.Frames) != len(m.frames) || len(rp.Checksums) != len(m.checksums) {
				t.Fatalf("got %d frames and %d checksums, want %d and %d",
					len(rp.Frames), len(rp.Checksums), len(m.frames), len(m.checksums))
			}
			checkPrefix(t, m, rp)
			for _, f := range rp.Frames {
				for p, present := range f.Present {
					if present != (f.Inputs[p] != nil) {
						t.Fatalf("frame %d player %d: present %v with input %v", f.Frame, p, present, f.Inputs[p])
					}
				}
			}
			if tc.name == "finished" {
				t.Logf("%d frames, %d players, %d checksums: %d bytes, %.1f bytes/frame",
					len(m.frames), m.header.Players, len(m.checksums), len(data), float64(len(data))/float64(len(m.frames)))
			}
		})
	}
}

func TestEmptyMatch(t *testing.T) {
	m := match{header: Header{Players: 2}}
	rp, err := Read(bytes.NewReader(m.encode(t, true)))
	if err != nil {
		t.Fatal(err)
	}
	want := &Replay{Header: Header{Players: 2}}
	if !reflect.DeepEqual(rp, want) {
		t.Fatalf("got %+v, want %+v", rp, want)
	}
}

// TestTruncateEveryOffset cuts a small file at every byte.
func TestTruncateEveryOffset(t *testing.T) {
	m := makeMatch(matchSpec{seed: 2, players: 3, frames: 12, absent: 1, absentFrom: 5, sumInterval: 3})
	data := m.encode(t, true)
	hs := m.headerSize(t)
	lastFrames := 0
	for n := 0; n <= len(data); n++ {
		rp, err := Read(bytes.NewReader(data[:n]))
		if n < hs {
			if !errors.Is(err, ErrCorrupt) || !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("cut at %d (header %d bytes): err = %v, want ErrCorrupt and io.ErrUnexpectedEOF", n, hs, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("cut at %d: %v", n, err)
		}
		if rp.Truncated != (n < len(data)) {
			t.Fatalf("cut at %d of %d: Truncated = %v", n, len(data), rp.Truncated)
		}
		checkPrefix(t, m, rp)
		if len(rp.Frames) < lastFrames {
			t.Fatalf("cut at %d: %d frames, fewer than a shorter cut's %d", n, len(rp.Frames), lastFrames)
		}
		lastFrames = len(rp.Frames)
	}
	if lastFrames != len(m.frames) {
		t.Fatalf("whole file: %d frames, want %d", lastFrames, len(m.frames))
	}
}

func TestReadFailingReader(t *testing.T) {
	data := makeMatch(matchSpec{seed: 3, players: 2, frames: 50, absentFrom: -1, sumInterval: 10}).encode(t, true)
	boom := errors.New("disk on fire")
	for _, n := range []int64{0, 4, 20, int64(len(data) / 2), int64(len(data) - 1)} {
		r := io.MultiReader(io.LimitReader(bytes.NewReader(data), n), iotest.ErrReader(boom))
		_, err := Read(r)
		if !errors.Is(err, boom) || errors.Is(err, ErrCorrupt) {
			t.Errorf("reader failing after %d bytes: err = %v, want the reader's error", n, err)
		}
	}
}

func TestWriterRejects(t *testing.T) {
	frame := func(f lockstep.Frame, inputs ...[]byte) lockstep.ReadyFrame {
		rf := lockstep.ReadyFrame{Frame: f, Inputs: inputs, Present: make([]bool, len(inputs))}
		for p, in := range inputs {
			rf.Present[p] = in != nil
		}
		return rf
	}
	in := []byte{1}
	tests := []struct {
		name string
		run  func(w *Writer) error
		want error
	}{
		{"first frame not 0", func(w *Writer) error { return w.WriteFrame(frame(1, in, in)) }, ErrInvalid},
		{"frame skipped", func(w *Writer) error {
			_ = w.WriteFrame(frame(0, in, in))
			return w.WriteFrame(frame(2, in, in))
		}, ErrInvalid},
		{"frame repeated", func(w *Writer) error {
			_ = w.WriteFrame(frame(0, in, in))
			return w.WriteFrame(frame(0, in, in))
		}, ErrInvalid},
		{"too few inputs", func(w *Writer) error { return w.WriteFrame(frame(0, in)) }, ErrInvalid},
		{"too many inputs", func(w *Writer) error { return w.WriteFrame(frame(0, in, in, in)) }, ErrInvalid},
		{"presence mismatch", func(w *Writer) error {
			return w.WriteFrame(lockstep.ReadyFrame{Inputs: [][]byte{in, in}, Present: []bool{true}})
		}, ErrInvalid},
		{"oversize input", func(w *Writer) error {
			return w.WriteFrame(frame(0, in, make([]byte, lockstep.MaxInputSize+1)))
		}, ErrInvalid},
		{"input of absent player", func(w *Writer) error {
			return w.WriteFrame(lockstep.ReadyFrame{Inputs: [][]byte{in, in}, Present: []bool{true, false}})
		}, ErrInvalid},
		{"checksum before its frame", func(w *Writer) error { return w.WriteChecksum(0, 1) }, ErrInvalid},
		{"negative checksum frame", func(w *Writer) error {
			_ = w.WriteFrame(frame(0, in, in))
			return w.WriteChecksum(-1, 1)
		}, ErrInvalid},
		{"checksum repeated", func(w *Writer) error {
			_ = w.WriteFrame(frame(0, in, in))
			_ = w.WriteChecksum(0, 1)
			return w.WriteChecksum(0, 1)
		}, ErrInvalid},
		{"frame after close", func(w *Writer) error {
			_ = w.Close()
			return w.WriteFrame(frame(0, in, in))
		}, ErrClosed},
		{"checksum after close", func(w *Writer) error {
			_ = w.WriteFrame(frame(0, in, in))
			_ = w.Close()
			return w.WriteChecksum(0, 1)
		}, ErrClosed},
		{"close twice", func(w *Writer) error {
			_ = w.Close()
			return w.Close()
		}, ErrClosed},
		{"max size input is fine", func(w *Writer) error {
			return w.WriteFrame(frame(0, make([]byte, lockstep.MaxInputSize), nil))
		}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			w, err := NewWriter(&buf, Header{Players: 2})
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.run(w); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			// Whatever was refused, what was written still reads.
			if _, err := Read(bytes.NewReader(buf.Bytes())); err != nil {
				t.Fatalf("Read after refusal: %v", err)
			}
		})
	}
}

func TestNewWriterRejectsHeader(t *testing.T) {
	long := string(make([]byte, MaxStringSize+1))
	for _, tc := range []struct {
		name string
		h    Header
	}{
		{"zero players", Header{}},
		{"too many players", Header{Players: lockstep.MaxPlayers + 1}},
		{"more names than players", Header{Players: 2, Names: []string{"a", "b", "c"}}},
		{"long game", Header{Players: 2, Game: long}},
		{"long version", Header{Players: 2, GameVersion: long}},
		{"long name", Header{Players: 2, Names: []string{long}}},
		{"huge settings", Header{Players: 2, Settings: make([]byte, MaxSettingsSize+1)}},
		{"negative tick rate", Header{Players: 2, TickHz: -1}},
		{"negative delay", Header{Players: 2, InputDelay: -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			if _, err := NewWriter(&buf, tc.h); !errors.Is(err, ErrInvalid) {
				t.Fatalf("err = %v, want ErrInvalid", err)
			}
			if buf.Len() != 0 {
				t.Fatalf("%d bytes written for a refused header", buf.Len())
			}
		})
	}
}

// failWriter fails every write after the first n bytes.
type failWriter struct {
	n   int
	err error
}

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, w.err
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriterStickyError(t *testing.T) {
	boom := errors.New("disk full")
	fw := &failWriter{n: 40, err: boom}
	w, err := NewWriter(fw, Header{Players: 2})
	if err != nil {
		t.Fatal(err)
	}
	var werr error
	for f := lockstep.Frame(0); f < 20 && werr == nil; f++ {
		werr = w.WriteFrame(lockstep.ReadyFrame{Frame: f, Inputs: [][]byte{{1, 2}, {3, 4}}, Present: []bool{true, true}})
	}
	if !errors.Is(werr, boom) {
		t.Fatalf("WriteFrame: err = %v, want %v", werr, boom)
	}
	if err := w.WriteChecksum(0, 1); !errors.Is(err, boom) {
		t.Fatalf("WriteChecksum after failure: %v", err)
	}
	if err := w.Close(); !errors.Is(err, boom) {
		t.Fatalf("Close after failure: %v", err)
	}
}

func TestPlay(t *testing.T) {
	tests := []struct {
		name      string
		interval  int
		skew      bool
		skewAt    lockstep.Frame
		wantFrame lockstep.Frame // -1: no mismatch
	}{
		{"same game passes", 30, false, 0, -1},
		{"skew found at next checksum", 30, true, 77, 90},
		{"skew on a checksum frame", 30, true, 60, 60},
		{"skew found at once with every-frame checksums", 1, true, 77, 77},
		{"skew at frame 0", 1, true, 0, 0},
		{"skew after the last checksum goes unseen", 30, true, 295, -1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m := makeMatch(matchSpec{seed: 4, players: 3, frames: 300, absent: 0, absentFrom: 120, sumInterval: tc.interval})
			rp, err := Read(bytes.NewReader(m.encode(t, true)))
			if err != nil {
				t.Fatal(err)
			}
			g := &stubGame{skew: tc.skew, skewAt: tc.skewAt}
			steps := 0
			err = rp.Play(func(f lockstep.ReadyFrame) { steps++; g.Step(f) }, g.Checksum)
			if tc.wantFrame < 0 {
				if err != nil {
					t.Fatalf("Play: %v", err)
				}
				if steps != len(m.frames) {
					t.Fatalf("%d steps, want %d", steps, len(m.frames))
				}
				return
			}
			var me *MismatchError
			if !errors.As(err, &me) {
				t.Fatalf("Play: err = %v, want *MismatchError", err)
			}
			if me.Frame != tc.wantFrame || steps != int(tc.wantFrame)+1 {
				t.Fatalf("mismatch at frame %d after %d steps, want frame %d", me.Frame, steps, tc.wantFrame)
			}
			if me.Got != g.Checksum() || me.Recorded == me.Got {
				t.Fatalf("mismatch %+v, game checksum %#x", me, g.Checksum())
			}
		})
	}
}

func TestPlayArguments(t *testing.T) {
	m := makeMatch(matchSpec{seed: 5, players: 2, frames: 10, absentFrom: -1, sumInterval: 2})
	rp, err := Read(bytes.NewReader(m.encode(t, true)))
	if err != nil {
		t.Fatal(err)
	}
	if err := rp.Play(nil, nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("nil step: %v", err)
	}
	steps := 0
	if err := rp.Play(func(lockstep.ReadyFrame) { steps++ }, nil); err != nil || steps != 10 {
		t.Errorf("nil checksum: err %v after %d steps", err, steps)
	}
	bad := []*Replay{
		{Header: rp.Header, Frames: rp.Frames[1:]},
		{Header: rp.Header, Frames: rp.Frames, Checksums: []Checksum{{Frame: 4}, {Frame: 2}}},
		{Header: rp.Header, Frames: rp.Frames, Checksums: []Checksum{{Frame: 10}}},
	}
	for i, b := range bad {
		if err := b.Play(func(lockstep.ReadyFrame) {}, func() uint64 { return 0 }); !errors.Is(err, ErrInvalid) {
			t.Errorf("inconsistent replay %d: err = %v, want ErrInvalid", i, err)
		}
	}
}

func TestMismatchErrorMessage(t *testing.T) {
	err := error(&MismatchError{Frame: 42, Recorded: 1, Got: 2})
	if got, want := err.Error(), "replay: checksum mismatch at frame 42: recorded 0x0000000000000001, got 0x0000000000000002"; got != want {
		t.Fatalf("got %q, want %q", got, want)
	}
}
