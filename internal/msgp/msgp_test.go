package msgp

import (
	"bytes"
	"errors"
	"math"
	"testing"
)

func TestIntegers(t *testing.T) {
	tests := []struct {
		v    int64
		want []byte
	}{
		{0, []byte{0x00}},
		{127, []byte{0x7f}},
		{128, []byte{0xcc, 0x80}},
		{255, []byte{0xcc, 0xff}},
		{256, []byte{0xcd, 0x01, 0x00}},
		{65535, []byte{0xcd, 0xff, 0xff}},
		{65536, []byte{0xce, 0x00, 0x01, 0x00, 0x00}},
		{math.MaxUint32, []byte{0xce, 0xff, 0xff, 0xff, 0xff}},
		{math.MaxUint32 + 1, []byte{0xcf, 0, 0, 0, 1, 0, 0, 0, 0}},
		{math.MaxInt64, []byte{0xcf, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}},
		{-1, []byte{0xff}},
		{-32, []byte{0xe0}},
		{-33, []byte{0xd0, 0xdf}},
		{-128, []byte{0xd0, 0x80}},
		{-129, []byte{0xd1, 0xff, 0x7f}},
		{math.MinInt16, []byte{0xd1, 0x80, 0x00}},
		{math.MinInt16 - 1, []byte{0xd2, 0xff, 0xff, 0x7f, 0xff}},
		{math.MinInt32, []byte{0xd2, 0x80, 0, 0, 0}},
		{math.MinInt32 - 1, []byte{0xd3, 0xff, 0xff, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff}},
		{math.MinInt64, []byte{0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0}},
	}
	for _, tt := range tests {
		got := AppendInt(nil, tt.v)
		if !bytes.Equal(got, tt.want) {
			t.Errorf("AppendInt(%d) = %x, want %x", tt.v, got, tt.want)
		}
		r := NewReader(got)
		if v := r.Int(); v != tt.v || r.End() != nil {
			t.Errorf("Int of %x = %d, %v", got, v, r.Err())
		}
		if tt.v >= 0 {
			r := NewReader(AppendUint(nil, uint64(tt.v)))
			if v := r.Uint(); v != uint64(tt.v) || r.End() != nil {
				t.Errorf("Uint of %x = %d, %v", got, v, r.Err())
			}
		}
	}
	r := NewReader(AppendUint(nil, math.MaxUint64))
	if v := r.Uint(); v != math.MaxUint64 || r.End() != nil {
		t.Errorf("Uint max = %d, %v", v, r.Err())
	}
}

func TestRefused(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		read func(r *Reader)
	}{
		{"uint8 of a fixint", []byte{0xcc, 0x7f}, func(r *Reader) { r.Uint() }},
		{"uint16 of a byte", []byte{0xcd, 0x00, 0xff}, func(r *Reader) { r.Uint() }},
		{"uint32 of 16 bits", []byte{0xce, 0x00, 0x00, 0xff, 0xff}, func(r *Reader) { r.Int() }},
		{"uint64 of 32 bits", []byte{0xcf, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}, func(r *Reader) { r.Uint() }},
		{"uint64 over int64", []byte{0xcf, 0x80, 0, 0, 0, 0, 0, 0, 0}, func(r *Reader) { r.Int() }},
		{"int8 of a positive", []byte{0xd0, 0x05}, func(r *Reader) { r.Int() }},
		{"int8 of a negative fixint", []byte{0xd0, 0xff}, func(r *Reader) { r.Int() }},
		{"int16 of an int8", []byte{0xd1, 0xff, 0x80}, func(r *Reader) { r.Int() }},
		{"int32 of an int16", []byte{0xd2, 0xff, 0xff, 0x80, 0x00}, func(r *Reader) { r.Int() }},
		{"int64 of an int32", []byte{0xd3, 0xff, 0xff, 0xff, 0xff, 0x80, 0, 0, 0}, func(r *Reader) { r.Int() }},
		{"negative as uint", []byte{0xff}, func(r *Reader) { r.Uint() }},
		{"float as int", []byte{0xca, 0, 0, 0, 0}, func(r *Reader) { r.Int() }},
		{"array16 of 15", []byte{0xdc, 0x00, 0x0f}, func(r *Reader) { r.ArrayHeader() }},
		{"array32 of 16 bits", []byte{0xdd, 0, 0, 0xff, 0xff}, func(r *Reader) { r.ArrayHeader() }},
		{"array longer than the bytes", []byte{0xdd, 0xff, 0xff, 0xff, 0xff, 0x01}, func(r *Reader) { r.ArrayHeader() }},
		{"fixarray longer than the bytes", []byte{0x93, 0x01}, func(r *Reader) { r.ArrayHeader() }},
		{"bin16 of a byte", []byte{0xc5, 0x00, 0x01, 0x07}, func(r *Reader) { r.Bin() }},
		{"bin32 huge", []byte{0xc6, 0xff, 0xff, 0xff, 0xff}, func(r *Reader) { r.Bin() }},
		{"bin cut short", []byte{0xc4, 0x03, 0x01}, func(r *Reader) { r.Bin() }},
		{"str8 of a fixstr", []byte{0xd9, 0x01, 'a'}, func(r *Reader) { r.Str() }},
		{"str cut short", []byte{0xa3, 'a'}, func(r *Reader) { r.Str() }},
		{"str as bin", []byte{0xa1, 'a'}, func(r *Reader) { r.Bin() }},
		{"nil as bin", []byte{0xc0}, func(r *Reader) { r.Bin() }},
		{"int as bool", []byte{0x01}, func(r *Reader) { r.Bool() }},
		{"nothing", nil, func(r *Reader) { r.Uint() }},
		{"trailing", []byte{0x01, 0x02}, func(r *Reader) { r.Uint() }},
		{"out of range", []byte{0x10}, func(r *Reader) { r.IntIn(0, 15) }},
		{"too long", []byte{0xc4, 0x02, 1, 2}, func(r *Reader) { r.BinMax(1) }},
		{"wrong count", []byte{0x92, 1, 2}, func(r *Reader) { r.ArrayOf(3) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReader(tt.in)
			tt.read(&r)
			if err := r.End(); !errors.Is(err, ErrInvalid) {
				t.Fatalf("End = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestStringsAndBins(t *testing.T) {
	for _, n := range []int{0, 1, 31, 32, 255, 256, 65535, 65536} {
		s := bytes.Repeat([]byte{'x'}, n)
		b := AppendStr(nil, string(s))
		b = AppendBin(b, s)
		b = AppendBinOrNil(b, nil)
		b = AppendArrayHeader(b, n)
		for range n {
			b = AppendBool(b, n%2 == 0)
		}
		r := NewReader(b)
		if got := r.Str(); !bytes.Equal(got, s) {
			t.Fatalf("n=%d: Str %d bytes", n, len(got))
		}
		if got := r.Bin(); !bytes.Equal(got, s) || got == nil {
			t.Fatalf("n=%d: Bin %d bytes", n, len(got))
		}
		if got := r.BinOrNil(0); got != nil {
			t.Fatalf("n=%d: BinOrNil = %x", n, got)
		}
		if got := r.ArrayHeader(); got != n {
			t.Fatalf("n=%d: ArrayHeader %d", n, got)
		}
		for range n {
			if r.Bool() != (n%2 == 0) {
				t.Fatalf("n=%d: Bool", n)
			}
		}
		if err := r.End(); err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
	}
}

func TestAppendAllocs(t *testing.T) {
	buf := make([]byte, 0, 256)
	in := []byte{1, 2, 3}
	allocs := testing.AllocsPerRun(100, func() {
		b := AppendArrayHeader(buf[:0], 3)
		b = AppendInt(b, -5000)
		b = AppendUint(b, 1<<40)
		b = AppendBin(b, in)
		b = AppendStr(b, "name")
		_ = AppendBool(b, true)
	})
	if allocs != 0 {
		t.Fatalf("%v allocations", allocs)
	}
}

// FuzzReader: every value a Reader accepts appends again to exactly the
// bytes it was read from. The first byte picks the kind of value.
func FuzzReader(f *testing.F) {
	f.Add([]byte{0, 0xcd, 0x01, 0x00})
	f.Add([]byte{1, 0xd1, 0xff, 0x7f})
	f.Add([]byte{2, 0xc4, 0x01, 0x07})
	f.Add([]byte{3, 0xd9, 0x20})
	f.Add([]byte{4, 0xdc, 0x00, 0x10})
	f.Add([]byte{5, 0xc3})
	f.Add([]byte{6, 0xc0})
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		r := NewReader(in[1:])
		var out []byte
		for i := 0; r.Left() > 0 && r.Err() == nil && i < 64; i++ {
			switch in[0] % 7 {
			case 0:
				out = AppendUint(out, r.Uint())
			case 1:
				out = AppendInt(out, r.Int())
			case 2:
				out = AppendBin(out, r.Bin())
			case 3:
				out = AppendStr(out, string(r.Str()))
			case 4:
				out = AppendArrayHeader(out, r.ArrayHeader())
			case 5:
				out = AppendBool(out, r.Bool())
			case 6:
				out = AppendBinOrNil(out, r.BinOrNil(math.MaxInt))
			}
			if r.Err() == nil && !bytes.Equal(out, in[1:1+r.Offset()]) {
				t.Fatalf("read %x, appended %x", in[1:1+r.Offset()], out)
			}
			if r.Err() != nil {
				break
			}
		}
	})
}
