package wire

import (
	"bytes"
	"errors"
	"testing"
)

func TestSplitDatagram(t *testing.T) {
	ping := []byte{0x94, 3, 0x10, 0x05, 0x00}
	input := []byte{0x95, 1, 2, 0x2a, 0x91, 0xc4, 0x01, 0x07, 0x01}
	tests := []struct {
		name    string
		in      []byte
		want    [][]byte
		wantErr error
	}{
		{"one message", input, [][]byte{input}, nil},
		{"ping and input", append(append([]byte(nil), ping...), input...), [][]byte{ping, input}, nil},
		{"empty", nil, nil, ErrMalformed},
		{"cut short", input[:len(input)-1], nil, ErrMalformed},
		{"garbage after", append(append([]byte(nil), input...), 0xc1), nil, ErrMalformed},
		{"too many", bytes.Repeat([]byte{0x90}, MaxDatagramMsgs+1), nil, ErrTooLarge},
		{"too large", make([]byte, MaxDatagramSize+1), nil, ErrTooLarge},
		{"as many as may be", bytes.Repeat([]byte{0x90}, MaxDatagramMsgs), repeatMsgs([]byte{0x90}, MaxDatagramMsgs), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SplitDatagram(tt.in)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("err %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("%d messages, want %d", len(got), len(tt.want))
			}
			for i := range got {
				if !bytes.Equal(got[i], tt.want[i]) {
					t.Fatalf("message %d: %x, want %x", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func repeatMsgs(m []byte, n int) [][]byte {
	out := make([][]byte, n)
	for i := range out {
		out[i] = m
	}
	return out
}

// FuzzSplitDatagram: SplitDatagram never panics, and what it accepts is
// its messages put back together, each a whole msgpack value.
func FuzzSplitDatagram(f *testing.F) {
	f.Add([]byte{0x95, 1, 2, 0x2a, 0x91, 0xc4, 0x01, 0x07, 0x01})
	f.Add([]byte{0x94, 3, 0x10, 0x05, 0x00, 0x95, 1, 2, 0x2a, 0x90, 0x00})
	f.Add([]byte{0x90, 0x90})
	f.Fuzz(func(t *testing.T, b []byte) {
		msgs, err := SplitDatagram(b)
		if err != nil {
			return
		}
		if len(msgs) == 0 || len(msgs) > MaxDatagramMsgs {
			t.Fatalf("%d messages", len(msgs))
		}
		if joined := bytes.Join(msgs, nil); !bytes.Equal(joined, b) {
			t.Fatalf("messages %x do not make up %x", joined, b)
		}
		for i, m := range msgs {
			if again, err := SplitDatagram(m); err != nil || len(again) != 1 {
				t.Fatalf("message %d (%x) is not one value: %v", i, m, err)
			}
		}
	})
}
