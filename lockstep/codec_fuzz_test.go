package lockstep

import (
	"bytes"
	"encoding/hex"
	"reflect"
	"testing"

	"github.com/peerstep/peerstep/internal/wiredoc"
)

// normalized returns a copy of m in the form DecodeMessage gives: an
// empty input as an empty slice, no inputs or entries as nil. The wire
// does not tell those apart.
func normalized(m Message) Message {
	ins := func(in [][]byte) [][]byte {
		if len(in) == 0 {
			return nil
		}
		out := make([][]byte, len(in))
		for i, b := range in {
			out[i] = append([]byte{}, b...)
		}
		return out
	}
	switch m := m.(type) {
	case *InputMsg:
		c := *m
		c.Inputs = ins(m.Inputs)
		return &c
	case *DropReportMsg:
		c := &DropReportMsg{}
		for _, en := range m.Entries {
			en.Inputs = ins(en.Inputs)
			c.Entries = append(c.Entries, en)
		}
		return c
	}
	return m
}

// checkRoundTrip asserts the codec's properties on bytes that decoded to
// m: they are exactly what m encodes to, and m is valid.
func checkRoundTrip(t *testing.T, b []byte, m Message) {
	t.Helper()
	if err := validate(m); err != nil {
		t.Fatalf("decoded %#v fails validation: %v", m, err)
	}
	again, err := EncodeMessage(m)
	if err != nil {
		t.Fatalf("re-encode %#v: %v", m, err)
	}
	if !bytes.Equal(again, b) {
		t.Fatalf("%#v decoded from %x encodes to %x", m, b, again)
	}
}

func TestMessageRoundTrip(t *testing.T) {
	for _, s := range wireSamples() {
		t.Run(s.name, func(t *testing.T) {
			if err := validate(s.msg); err != nil {
				t.Fatalf("sample invalid: %v", err)
			}
			b, err := EncodeMessage(s.msg)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeMessage(b)
			if err != nil {
				t.Fatalf("decode %x: %v", b, err)
			}
			if want := normalized(s.msg); !reflect.DeepEqual(got, want) {
				t.Fatalf("got %#v, want %#v", got, want)
			}
			checkRoundTrip(t, b, got)
		})
	}
}

// changedSinceGolden lists the samples whose bytes differ from those of
// the msgpack-library codec (testdata/golden-v3-old.txt), with the new
// bytes: an empty input is always nil (0xc0), where the old codec wrote
// a non-nil empty input as an empty byte string (0xc4 0x00). The
// samples with admissions are newer than that codec.
var changedSinceGolden = map[string]string{
	"input":              "9501037893c4020102c0c4049301020378",
	"input-admits":       "960100cd01f493c40101c40102c4010302929303011e93050201",
	"drop-report-admits": "920591960147c34692c40104c40105919302011e",
}

func TestMessageGolden(t *testing.T) {
	golden := readGolden(t, "testdata/golden-v3-old.txt")
	for _, s := range wireSamples() {
		want, ok := changedSinceGolden[s.name]
		if !ok {
			want = golden[s.name]
		}
		b, err := EncodeMessage(s.msg)
		if err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(b); got != want {
			t.Errorf("%s: %s, want %s", s.name, got, want)
		}
		// The old codec's bytes decode to the same message.
		old, _ := hex.DecodeString(golden[s.name])
		m, err := DecodeMessage(old)
		if _, changed := changedSinceGolden[s.name]; changed {
			continue
		}
		if err != nil || !reflect.DeepEqual(m, normalized(s.msg)) {
			t.Errorf("%s: old bytes decode to %#v, %v", s.name, m, err)
		}
	}
}

func readGolden(t *testing.T, path string) map[string]string {
	t.Helper()
	g, err := wiredoc.ReadGolden(path)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestDecodeRefusesNonCanonical(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty input as an empty byte string", []byte{0x95, 0x01, 0x01, 0x05, 0x91, 0xc4, 0x00, 0x00}},
		{"frame in a wider format", []byte{0x92, 0x07, 0xcc, 0x05}},
		{"kind in a wider format", []byte{0x92, 0xcc, 0x07, 0x05}},
		{"array16 header of 2", []byte{0xdc, 0x00, 0x02, 0x07, 0x05}},
		{"negative ack distance in int16 that fits int8", []byte{0x95, 0x01, 0x01, 0x05, 0x90, 0xd1, 0xff, 0xf0}},
		{"leave with a field", []byte{0x92, 0x06, 0x00}},
		{"input player out of range", []byte{0x95, 0x01, 0x10, 0x05, 0x90, 0x00}},
		{"huge input array", []byte{0x95, 0x01, 0x00, 0x00, 0xdd, 0xff, 0xff, 0xff, 0xff, 0x00}},
		{"empty admissions", []byte{0x96, 0x01, 0x00, 0x00, 0x91, 0xc4, 0x01, 0x01, 0x00, 0x90}},
		{"admission outside the inputs", []byte{0x96, 0x01, 0x00, 0x00, 0x91, 0xc4, 0x01, 0x01, 0x00, 0x91, 0x93, 0x02, 0x01, 0x05}},
		{"admission from its own frame", []byte{0x96, 0x01, 0x00, 0x00, 0x91, 0xc4, 0x01, 0x01, 0x00, 0x91, 0x93, 0x02, 0x00, 0x00}},
		{"admissions without inputs", []byte{0x96, 0x01, 0x00, 0x00, 0x90, 0x00, 0x91, 0x93, 0x02, 0x00, 0x01}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if m, err := DecodeMessage(tt.in); err == nil {
				t.Fatalf("decoded %#v", m)
			}
		})
	}
}

func TestAppendMessageAllocs(t *testing.T) {
	buf := make([]byte, 0, MaxMessageSize+1024)
	for _, s := range wireSamples() {
		allocs := testing.AllocsPerRun(20, func() {
			if _, err := AppendMessage(buf[:0], s.msg); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations", s.name, allocs)
		}
	}
}

// FuzzDecodeMessage: DecodeMessage never panics; whatever it accepts is
// valid and encodes again to exactly the bytes it came from. The corpus
// holds every kind (testdata/fuzz and wireSamples).
func FuzzDecodeMessage(f *testing.F) {
	for _, s := range wireSamples() {
		b, err := EncodeMessage(s.msg)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{})
	f.Add([]byte{0x94, 0x01, 0x00, 0x00, 0xdd, 0xff, 0xff, 0xff, 0xff}) // a huge input array
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeMessage(b)
		if err != nil {
			if m != nil {
				t.Fatalf("DecodeMessage returned %#v with error %v", m, err)
			}
			return
		}
		checkRoundTrip(t, b, m)
		m2, err := DecodeMessage(b)
		if err != nil || !reflect.DeepEqual(m, m2) {
			t.Fatalf("decoding %x twice gave %#v then %#v, %v", b, m, m2, err)
		}
	})
}
