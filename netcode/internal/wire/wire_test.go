package wire

import (
	"bytes"
	"encoding/hex"
	"errors"
	"reflect"
	"testing"

	"github.com/peerstep/peerstep/internal/msgp"

	"github.com/peerstep/peerstep/internal/wiredoc"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func TestRoundTrip(t *testing.T) {
	for _, s := range wireSamples() {
		t.Run(s.name, func(t *testing.T) {
			b, err := Encode(s.msg)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(b)
			if err != nil {
				t.Fatalf("decode %x: %v", b, err)
			}
			if !reflect.DeepEqual(got, s.msg) {
				t.Fatalf("got %#v, want %#v", got, s.msg)
			}
			checkReencodes(t, b, got)
		})
	}
}

func checkReencodes(t *testing.T, b []byte, m Message) {
	t.Helper()
	again, err := Encode(m)
	if err != nil {
		t.Fatalf("re-encode %#v: %v", m, err)
	}
	if !bytes.Equal(again, b) {
		t.Fatalf("%#v decoded from %x encodes to %x", m, b, again)
	}
}

// TestGolden compares the encoding with the msgpack-library codec's
// (testdata/golden-v3-old.txt). That codec wrote every integer field in
// the fixed width of its Go type (a uint8 slot as 0xcc 0x03, a uint32 as
// 0xce and four bytes); this one writes each in its shortest form. Apart
// from that the bytes are the same: canonical of the old bytes must be
// the new.
func TestGolden(t *testing.T) {
	golden := readGolden(t, "testdata/golden-v3-old.txt")
	// Samples of what that codec never wrote: seats came after it.
	newer := map[string]bool{"join-seats": true, "join-seats-max": true, "lobby-seats": true,
		"resync": true, "resync-zero": true, "resync-max": true, "state": true, "state-empty": true, "state-max": true,
		"comer": true, "comer-full": true, "comer-no-addrs": true, "resume": true, "resume-max": true}
	for _, s := range wireSamples() {
		if _, ok := golden[s.name]; !ok && newer[s.name] {
			continue
		}
		old, err := hex.DecodeString(golden[s.name])
		if err != nil || len(old) == 0 {
			t.Fatalf("%s: no golden bytes", s.name)
		}
		want, err := canonical(old)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		got, err := Encode(s.msg)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %x\nwant %x\n old %x", s.name, got, want, old)
		}
	}
}

// canonical rewrites msgpack bytes of nil, booleans, integers, strings,
// byte strings and arrays with every integer in its shortest form.
func canonical(in []byte) ([]byte, error) {
	var out []byte
	var walk func(depth int) error
	walk = func(depth int) error {
		if len(in) == 0 || depth > 8 {
			return errors.New("cut short")
		}
		c := in[0]
		take := func(n int) []byte {
			if n > len(in) {
				n = len(in)
			}
			p := in[:n]
			in = in[n:]
			return p
		}
		be := func(p []byte) (v uint64) {
			for _, x := range p {
				v = v<<8 | uint64(x)
			}
			return v
		}
		switch {
		case c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3:
			out = append(out, take(1)...)
		case c >= 0xcc && c <= 0xcf:
			take(1)
			out = msgp.AppendUint(out, be(take(1<<(c-0xcc))))
		case c >= 0xd0 && c <= 0xd3:
			take(1)
			n := 1 << (c - 0xd0)
			v := int64(be(take(n)) << (64 - 8*n))
			out = msgp.AppendInt(out, v>>(64-8*n))
		case c >= 0xa0 && c <= 0xbf, c == 0xd9:
			n := int(c & 0x1f)
			if take(1); c == 0xd9 {
				n = int(be(take(1)))
			}
			out = msgp.AppendStr(out, string(take(n)))
		case c == 0xc4 || c == 0xc5:
			take(1)
			out = msgp.AppendBin(out, take(int(be(take(int(c-0xc3))))))
		case c >= 0x90 && c <= 0x9f, c == 0xdc:
			n := int(c & 0x0f)
			if take(1); c == 0xdc {
				n = int(be(take(2)))
			}
			out = msgp.AppendArrayHeader(out, n)
			for range n {
				if err := walk(depth + 1); err != nil {
					return err
				}
			}
		default:
			return errors.New("unexpected byte")
		}
		return nil
	}
	if err := walk(0); err != nil {
		return nil, err
	}
	return out, nil
}

func readGolden(t *testing.T, path string) map[string]string {
	t.Helper()
	g, err := wiredoc.ReadGolden(path)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestDecodeErrors(t *testing.T) {
	good, _ := Encode(&Mesh{Links: 1})
	badKey, _ := Encode(&Hello{Pub: []byte{1, 2}})
	longName, _ := Encode(&Join{Pub: key(1), Name: string(bytes.Repeat([]byte{'x'}, MaxName+1))})
	noPlayers, _ := Encode(&Start{TickHz: 60})
	// A seat count is written only when over one; the last byte is it.
	withSeats := func(m Message, seats byte) []byte {
		b, _ := Encode(m)
		return append(b[:len(b)-1:len(b)-1], seats)
	}
	join := &Join{Pub: key(1), Seats: 2}
	lobby := &Lobby{Players: []PlayerInfo{{Pub: key(1), Seats: 2}}}
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrMalformed},
		{"not an array", []byte{0xc0}, ErrMalformed},
		{"wrong version", []byte{0x93, Version + 1, 0x07, 0x90}, ErrVersion},
		{"unknown type", []byte{0x93, Version, 0x63, 0x90}, ErrType},
		{"type zero", []byte{0x93, Version, 0x00, 0x90}, ErrType},
		{"trailing bytes", append(append([]byte{}, good...), 0), ErrMalformed},
		{"truncated", good[:len(good)-1], ErrMalformed},
		{"short key", badKey, ErrMalformed},
		{"long name", longName, ErrMalformed},
		{"start without players", noPlayers, ErrMalformed},
		{"oversize", make([]byte, MaxMessageSize+1), ErrTooLarge},
		{"version in a wider format", []byte{0x93, 0xcc, Version, 0x0a, 0x90}, ErrMalformed},
		{"field in a wider format", []byte{0x93, Version, 0x07, 0x92, 0xcc, 0x07, 0x00}, ErrMalformed},
		{"body of the wrong length", []byte{0x93, Version, 0x07, 0x93, 0x07, 0x00, 0x00}, ErrMalformed},
		{"huge batch", []byte{0x93, Version, 0x09, 0x91, 0xdd, 0xff, 0xff, 0xff, 0xff}, ErrMalformed},
		{"one seat written out", withSeats(join, 1), ErrMalformed},
		{"zero seats written out", withSeats(join, 0), ErrMalformed},
		{"more seats than players", withSeats(join, MaxPlayers+1), ErrMalformed},
		{"lobby: one seat written out", withSeats(lobby, 1), ErrMalformed},
		{"lobby: more seats than players", withSeats(lobby, MaxPlayers+1), ErrMalformed},
		{"resync frame past the engine's", []byte{0x93, Version, byte(TypeResync), 0x91, 0xce, 0x80, 0, 0, 0}, ErrMalformed},
		{"state chunk past its total", mustEncodeRaw(TypeState, 7, 10, 8, []byte{1, 2, 3}), ErrMalformed},
		{"state over the limit", mustEncodeRaw(TypeState, 7, MaxState+1, 0, []byte{1}), ErrMalformed},
		{"state with an empty chunk", mustEncodeRaw(TypeState, 7, 10, 0, []byte{}), ErrMalformed},
		{"slot over a byte", []byte{0x93, Version, 0x04, 0x93, 0xcd, 0x01, 0x00, 0xc0, 0x08}, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Decode(tt.in)
			if !errors.Is(err, tt.want) || m != nil {
				t.Fatalf("Decode = %v, %v, want %v", m, err, tt.want)
			}
		})
	}
}

func TestAppendAllocs(t *testing.T) {
	buf := make([]byte, 0, MaxMessageSize)
	for _, s := range wireSamples() {
		allocs := testing.AllocsPerRun(20, func() {
			if _, err := Append(buf[:0], s.msg); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations", s.name, allocs)
		}
	}
}

func TestDecodeCopies(t *testing.T) {
	b, _ := Encode(&Engine{Msgs: [][]byte{{1, 2, 3}}})
	m, err := Decode(b)
	if err != nil {
		t.Fatal(err)
	}
	for i := range b {
		b[i] = 0
	}
	if got := m.(*Engine).Msgs[0]; !bytes.Equal(got, []byte{1, 2, 3}) {
		t.Fatalf("message aliases the input: %x", got)
	}
}

// FuzzDecode is seeded with every message type (wireSamples and
// testdata/fuzz); whatever decodes is exactly what its message encodes to.
func FuzzDecode(f *testing.F) {
	for _, s := range wireSamples() {
		b, err := Encode(s.msg)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0x93, Version, 0x09, 0x91, 0xdd, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b)
		if err != nil {
			if m != nil {
				t.Fatalf("Decode returned %#v with error %v", m, err)
			}
			return
		}
		if err := m.validate(); err != nil {
			t.Fatalf("decoded %#v fails validation: %v", m, err)
		}
		checkReencodes(t, b, m)
		m2, err := Decode(b)
		if err != nil || !reflect.DeepEqual(m, m2) {
			t.Fatalf("decoding %x twice gave %#v then %#v, %v", b, m, m2, err)
		}
	})
}

func BenchmarkEncodeEngine(b *testing.B) {
	m := &Engine{Msgs: [][]byte{bytes.Repeat([]byte{7}, 12)}}
	buf := make([]byte, 0, 128)
	b.ReportAllocs()
	for b.Loop() {
		buf, _ = Append(buf[:0], m)
	}
}

func BenchmarkDecodeEngine(b *testing.B) {
	raw, _ := Encode(&Engine{Msgs: [][]byte{bytes.Repeat([]byte{7}, 12)}})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// mustEncodeRaw writes a State body without validating it.
func mustEncodeRaw(t Type, frame, total, offset uint64, chunk []byte) []byte {
	b := msgp.AppendArrayHeader(nil, envelopeSize)
	b = msgp.AppendUint(b, Version)
	b = msgp.AppendUint(b, uint64(t))
	b = msgp.AppendArrayHeader(b, 4)
	b = msgp.AppendUint(b, frame)
	b = msgp.AppendUint(b, total)
	b = msgp.AppendUint(b, offset)
	return msgp.AppendBin(b, chunk)
}
