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

// BenchmarkSplitDatagram cuts the datagram every peer sends every player
// each tick: a ping and an input message.
func BenchmarkSplitDatagram(b *testing.B) {
	d := []byte{0x94, 3, 0xce, 0x05, 0xf5, 0xe1, 0x00, 0xcd, 0x03, 0xe8, 0xd1, 0x01, 0xf4, 0x95, 1, 2, 0xcd, 0x03, 0xeb, 0x92, 0xc4, 0x02, 0x92, 0x04, 0xc4, 0x02, 0x92, 0x05, 0x03}
	b.SetBytes(int64(len(d)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SplitDatagram(d); err != nil {
			b.Fatal(err)
		}
	}
}
