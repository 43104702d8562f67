package wire

import (
	"bytes"
	"testing"
)

// benchMessages holds one typical message of every type, as a 4-player
// lobby would send them.
func benchMessages() []Message {
	pub := func(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }
	players := make([]PlayerInfo, 4)
	for i := range players {
		players[i] = PlayerInfo{Slot: uint8(i), Name: "player", Pub: pub(byte(i + 1)), Addrs: []string{"192.168.1.20:40000", "127.0.0.1:40000"}, Links: 0b1111}
	}
	return []Message{
		&Hello{Pub: pub(1)},
		&Cookie{Cookie: bytes.Repeat([]byte{9}, 32)},
		&Join{Pub: pub(2), Cookie: bytes.Repeat([]byte{9}, 32), Name: "ada", Addrs: []string{"192.168.1.21:40001", "127.0.0.1:40001"}},
		&Welcome{Slot: 3, HostPub: pub(3), MaxPlayers: 8},
		&Refused{Reason: RefusedFull, Text: "the lobby is full"},
		&Lobby{Version: 7, MaxPlayers: 8, Players: players},
		&Mesh{Version: 7, Links: 0b1111},
		&Start{Seed: 42, Pubs: [][]byte{pub(1), pub(2), pub(3), pub(4)}, Names: []string{"a", "b", "c", "d"}, TickHz: 60, InputDelay: 3, ChecksumInterval: 30},
		// A tick's batch to one player: an input and a ping.
		&Engine{Msgs: [][]byte{bytes.Repeat([]byte{7}, 14), bytes.Repeat([]byte{8}, 16)}},
		&Bye{},
	}
}

// BenchmarkWireAppend encodes each message type into a reused buffer, as
// a link does for every message it sends.
func BenchmarkWireAppend(b *testing.B) {
	for _, m := range benchMessages() {
		b.Run(m.Type().String(), func(b *testing.B) {
			buf := make([]byte, 0, 1024)
			enc, err := Append(buf[:0], m)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(enc)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if buf, err = Append(buf[:0], m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWireDecode decodes each message type.
func BenchmarkWireDecode(b *testing.B) {
	for _, m := range benchMessages() {
		b.Run(m.Type().String(), func(b *testing.B) {
			enc, err := Encode(m)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(enc)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := Decode(enc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// benchFast is a tick's Fast datagram: a 3-byte input, and one with the
// frame before and a ping as the first copy sends it now and then.
func benchFast() map[string]*Fast {
	return map[string]*Fast{
		"input":      {Ack: 1000, Start: 1003, Inputs: [][]byte{{0x92, 0x05, 0x01}}},
		"input+ping": {Ack: 1000, Start: 1002, Inputs: [][]byte{{0x92, 0x04, 0x01}, {0x92, 0x05, 0x01}}, Msgs: [][]byte{bytes.Repeat([]byte{8}, 12)}},
	}
}

// BenchmarkFast encodes and decodes the Fast datagram every peer sends
// every player twice a tick.
func BenchmarkFast(b *testing.B) {
	for name, f := range benchFast() {
		b.Run("append/"+name, func(b *testing.B) {
			buf, err := AppendFast(make([]byte, 0, 256), f)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if buf, err = AppendFast(buf[:0], f); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("decode/"+name, func(b *testing.B) {
			enc, err := AppendFast(nil, f)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(enc)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := DecodeFast(enc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
