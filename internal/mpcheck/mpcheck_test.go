package mpcheck

import (
	"errors"
	"testing"

	"github.com/vmihailenco/msgpack/v5"
)

func TestCheck(t *testing.T) {
	valid := func(v any) []byte {
		b, err := msgpack.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	tests := []struct {
		name string
		in   []byte
		ok   bool
	}{
		{"nil", valid(nil), true},
		{"ints", valid([]any{1, -1, 300, -300, 70000, int64(1) << 40, uint64(1) << 63}), true},
		{"floats", valid([]any{1.5, float32(2.5)}), true},
		{"strings", valid([]string{"", "a", string(make([]byte, 40)), string(make([]byte, 300)), string(make([]byte, 70000))}), true},
		{"bytes", valid([][]byte{{}, make([]byte, 300), make([]byte, 70000)}), true},
		{"map", valid(map[string]int{"a": 1, "b": 2}), true},
		{"nested", valid([]any{[]any{[]any{map[string]any{"x": []int{1}}}}}), true},
		{"big array", valid(make([]int, 70000)), true},
		{"empty", nil, false},
		{"array32 claims 4G", []byte{0xdd, 0xff, 0xff, 0xff, 0xff}, false},
		{"map16 claims more than left", []byte{0xde, 0x00, 0x10, 0x01, 0x01}, false},
		{"bin32 claims more than left", []byte{0xc6, 0x00, 0x00, 0x10, 0x00, 1}, false},
		{"truncated uint64", []byte{0xcf, 1, 2}, false},
		{"reserved byte", []byte{0xc1}, false},
		{"trailing", []byte{0x01, 0x02}, false},
		{"too deep", append(repeat(0x91, MaxDepth+1), 0x01), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Check(tt.in)
			if tt.ok && err != nil {
				t.Fatalf("Check = %v, want nil", err)
			}
			if !tt.ok && !errors.Is(err, ErrInvalid) {
				t.Fatalf("Check = %v, want ErrInvalid", err)
			}
		})
	}
}

func repeat(b byte, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = b
	}
	return out
}

func TestPrefix(t *testing.T) {
	a, _ := msgpack.Marshal([]int{1, 2, 3})
	b, _ := msgpack.Marshal("tail")
	n, err := Prefix(append(append([]byte{}, a...), b...))
	if err != nil || n != len(a) {
		t.Fatalf("Prefix = %d, %v; want %d, nil", n, err, len(a))
	}
}

// FuzzCheck: whatever Check accepts, msgpack decodes without panicking, and
// Check never accepts input that runs past its end.
func FuzzCheck(f *testing.F) {
	for _, v := range []any{nil, 1, "s", []any{1, "a", []byte{1}}, map[string]any{"k": []int{1, 2}}} {
		b, _ := msgpack.Marshal(v)
		f.Add(b)
	}
	f.Add([]byte{0xdd, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		n, err := Prefix(b)
		if err != nil {
			return
		}
		if n > len(b) || n < 1 {
			t.Fatalf("Prefix = %d for %d bytes", n, len(b))
		}
		var v any
		_ = msgpack.Unmarshal(b[:n], &v)
	})
}
