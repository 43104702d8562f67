package replay

import (
	"bytes"
	"reflect"
	"testing"
)

// reencode writes rp back with a Writer.
func reencode(t *testing.T, rp *Replay) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, rp.Header)
	if err != nil {
		t.Fatalf("NewWriter on a header Read accepted: %v", err)
	}
	next := 0
	for _, f := range rp.Frames {
		if err := w.WriteFrame(f); err != nil {
			t.Fatalf("WriteFrame on a frame Read accepted: %v", err)
		}
		for next < len(rp.Checksums) && rp.Checksums[next].Frame == f.Frame {
			if err := w.WriteChecksum(f.Frame, rp.Checksums[next].Sum); err != nil {
				t.Fatalf("WriteChecksum on a checksum Read accepted: %v", err)
			}
			next++
		}
	}
	if next != len(rp.Checksums) {
		t.Fatalf("%d of %d checksums written", next, len(rp.Checksums))
	}
	if !rp.Truncated {
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func FuzzRead(f *testing.F) {
	// The committed corpus in testdata/fuzz/FuzzRead holds more of the same.
	for _, s := range []matchSpec{
		{seed: 10, players: 2, frames: 5, absentFrom: -1, sumInterval: 2},
		{seed: 11, players: 4, frames: 12, absent: 3, absentFrom: 4, sumInterval: 3},
		{seed: 12, players: 16, frames: 3, absent: 15, absentFrom: 1, sumInterval: 1},
	} {
		m := makeMatch(s)
		f.Add(m.encode(f, true))
		f.Add(m.encode(f, false))
	}
	f.Add([]byte(Magic))
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		rp, err := Read(bytes.NewReader(data))
		if err != nil {
			if rp != nil {
				t.Fatalf("replay returned with error %v", err)
			}
			return
		}
		for _, f := range rp.Frames {
			for p := range f.Present {
				if f.Present[p] != (f.Inputs[p] != nil) {
					t.Fatalf("frame %d, player %d: present %v, input %v", f.Frame, p, f.Present[p], f.Inputs[p])
				}
			}
		}
		canonical := reencode(t, rp)
		again, err := Read(bytes.NewReader(canonical))
		if err != nil {
			t.Fatalf("re-encoded replay does not read: %v", err)
		}
		if !reflect.DeepEqual(rp, again) {
			t.Fatalf("re-encoded replay differs:\nfirst  %+v\nsecond %+v", rp, again)
		}
		// What a Writer wrote, it writes again byte for byte.
		if b := reencode(t, again); !bytes.Equal(b, canonical) {
			t.Fatalf("encoding is not stable:\n%x\n%x", canonical, b)
		}
	})
}
