package wire

import (
	"bytes"
	"errors"
	"reflect"
	"testing"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

// samples holds one valid message of every type.
func samples() []Message {
	return []Message{
		&Hello{Pub: key(1)},
		&Cookie{Cookie: []byte("0123456789abcdef")},
		&Join{Pub: key(2), Cookie: []byte("cookie"), Name: "ada", Addrs: []string{"127.0.0.1:4000"}},
		&Welcome{Slot: 3, HostPub: key(3), MaxPlayers: 8},
		&Refused{Reason: RefusedFull, Text: "the lobby is full"},
		&Lobby{Version: 7, MaxPlayers: 8, Players: []PlayerInfo{
			{Slot: 0, Name: "host", Pub: key(4), Addrs: []string{"127.0.0.1:1"}, Links: 0b11},
			{Slot: 1, Name: "joe", Pub: key(5), Links: 0b01},
		}},
		&Mesh{Version: 7, Links: 0b1011},
		&Start{Seed: 42, Pubs: [][]byte{key(1), key(2)}, Names: []string{"a", "b"}, TickHz: 60, InputDelay: 3, ChecksumInterval: 30, Settings: []byte{1}},
		&Engine{Msgs: [][]byte{{1, 2, 3}, {4}}},
		&Bye{},
		&Knock{},
	}
}

func TestRoundTrip(t *testing.T) {
	for _, m := range samples() {
		t.Run(m.Type().String(), func(t *testing.T) {
			b, err := Encode(m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := Decode(b)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !reflect.DeepEqual(got, m) {
				t.Fatalf("got %#v, want %#v", got, m)
			}
		})
	}
}

func TestDecodeErrors(t *testing.T) {
	good, _ := Encode(&Mesh{Links: 1})
	badKey, _ := Encode(&Hello{Pub: []byte{1, 2}})
	longName, _ := Encode(&Join{Pub: key(1), Name: string(bytes.Repeat([]byte{'x'}, MaxName+1))})
	noPlayers, _ := Encode(&Start{TickHz: 60})
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"empty", nil, ErrMalformed},
		{"not an array", []byte{0xc0}, ErrMalformed},
		{"wrong version", []byte{0x93, Version + 1, 0x07, 0x90}, ErrVersion},
		{"unknown type", []byte{0x93, Version, 0x63, 0x90}, ErrType},
		{"trailing bytes", append(append([]byte{}, good...), 0), ErrMalformed},
		{"truncated", good[:len(good)-1], ErrMalformed},
		{"short key", badKey, ErrMalformed},
		{"long name", longName, ErrMalformed},
		{"start without players", noPlayers, ErrMalformed},
		{"oversize", make([]byte, MaxMessageSize+1), ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Decode = %v, want %v", err, tt.want)
			}
		})
	}
}

// FuzzDecode is seeded with every message type; whatever decodes must
// re-encode to bytes that decode to the same message.
func FuzzDecode(f *testing.F) {
	for _, m := range samples() {
		b, err := Encode(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte{0x93, Version, 0x09, 0x91, 0xdd, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := Decode(b)
		if err != nil {
			return
		}
		again, err := Encode(m)
		if err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		m2, err := Decode(again)
		if err != nil {
			t.Fatalf("re-decode: %v", err)
		}
		if !reflect.DeepEqual(m, m2) {
			t.Fatalf("round trip changed %#v to %#v", m, m2)
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
