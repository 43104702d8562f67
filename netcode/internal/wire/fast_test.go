package wire

import (
	"bytes"
	"errors"
	"testing"
)

func TestFastRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		f    Fast
	}{
		{"ack only", Fast{Ack: -1}},
		{"one input", Fast{Ack: 41, Start: 44, Inputs: [][]byte{{0x93, 0x01, 0x02, 0x03}}}},
		{"empty input", Fast{Ack: 0, Start: 1, Inputs: [][]byte{{}}}},
		{"resend and ping", Fast{Ack: 70000, Start: 70001, Inputs: [][]byte{{1}, {2}, {3}}, Msgs: [][]byte{{0x94, 3, 0, 0, 0}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := AppendFast([]byte{0xaa}, &tt.f)
			if err != nil {
				t.Fatal(err)
			}
			if b[0] != 0xaa {
				t.Fatal("AppendFast overwrote dst")
			}
			got, err := DecodeFast(b[1:])
			if err != nil {
				t.Fatal(err)
			}
			if got.Ack != tt.f.Ack || got.Start != tt.f.Start || len(got.Inputs) != len(tt.f.Inputs) || len(got.Msgs) != len(tt.f.Msgs) {
				t.Fatalf("got %+v, want %+v", got, tt.f)
			}
			for i := range got.Inputs {
				if !bytes.Equal(got.Inputs[i], tt.f.Inputs[i]) {
					t.Fatalf("input %d: %x, want %x", i, got.Inputs[i], tt.f.Inputs[i])
				}
			}
		})
	}
}

// TestFastSize pins what a tick's input costs: the point of Fast.
func TestFastSize(t *testing.T) {
	b, err := AppendFast(nil, &Fast{Ack: 1000, Start: 1003, Inputs: [][]byte{{0x92, 0xcd, 0x03, 0xeb, 0x05}}})
	if err != nil {
		t.Fatal(err)
	}
	if framing := len(b) - 5; framing > 8 {
		t.Fatalf("a one-input Fast takes %d bytes beyond its 5-byte input (%x), want at most 8", framing, b)
	}
}

func TestFastRejects(t *testing.T) {
	good, err := AppendFast(nil, &Fast{Ack: 3, Start: 5, Inputs: [][]byte{{1}}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"not an array", []byte{0x01}},
		{"two fields", []byte{0x92, 0x00, 0x00}},
		{"five fields", []byte{0x95, 0x00, 0x00, 0x90, 0x90, 0x90}},
		{"ack below -1", []byte{0x93, 0x00, 0x02, 0x90}},
		{"negative start", []byte{0x93, 0xff, 0x00, 0x90}},
		{"input not bytes", []byte{0x93, 0x00, 0x00, 0x91, 0x01}},
		{"empty message list", []byte{0x94, 0x00, 0x00, 0x90, 0x90}},
		{"huge list", []byte{0x93, 0x00, 0x00, 0xdd, 0xff, 0xff, 0xff, 0xff}},
		{"trailing", append(append([]byte(nil), good...), 0x00)},
		{"truncated", good[:len(good)-1]},
		{"too large", make([]byte, MaxFastSize+1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeFast(tt.b)
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrTooLarge) {
				t.Fatalf("DecodeFast(%x) = %v, want ErrMalformed or ErrTooLarge", tt.b, err)
			}
		})
	}
	if _, err := AppendFast(nil, &Fast{Inputs: make([][]byte, MaxFastInputs+1)}); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("AppendFast with too many inputs: %v", err)
	}
}

func FuzzDecodeFast(f *testing.F) {
	for _, s := range []Fast{{Ack: -1}, {Ack: 9, Start: 12, Inputs: [][]byte{{1, 2}}, Msgs: [][]byte{{3}}}} {
		b, err := AppendFast(nil, &s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeFast(b)
		if err != nil {
			return
		}
		again, err := AppendFast(nil, m)
		if err != nil {
			t.Fatalf("a decoded Fast does not encode: %v", err)
		}
		m2, err := DecodeFast(again)
		if err != nil || m2.Ack != m.Ack || m2.Start != m.Start || len(m2.Inputs) != len(m.Inputs) || len(m2.Msgs) != len(m.Msgs) {
			t.Fatalf("re-encoded Fast differs: %+v vs %+v (%v)", m2, m, err)
		}
	})
}
