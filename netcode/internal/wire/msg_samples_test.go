package wire

import (
	"bytes"
	"math"
)

// namedMessage is a message with a name for test output and golden files.
type namedMessage struct {
	name string
	msg  Message
}

// wireSamples holds several messages of every type, edges included: empty
// and nil fields, the largest sizes and numbers.
func wireSamples() []namedMessage {
	long := func(c byte, n int) string { return string(bytes.Repeat([]byte{c}, n)) }
	addrs := make([]string, MaxAddrs)
	for i := range addrs {
		addrs[i] = long(byte('0'+i), 64)
	}
	full := make([]PlayerInfo, MaxPlayers)
	pubs := make([][]byte, MaxPlayers)
	names := make([]string, MaxPlayers)
	for i := range full {
		full[i] = PlayerInfo{Slot: uint8(i), Name: long(byte('a'+i), MaxName), Pub: key(byte(i)), Addrs: addrs, Links: math.MaxUint32}
		pubs[i] = key(byte(i + 100))
		names[i] = long(byte('A'+i), MaxName)
	}
	batch := make([][]byte, MaxBatch)
	for i := range batch {
		batch[i] = []byte{0x91, byte(i % 128)}
	}
	return []namedMessage{
		{"hello", &Hello{Pub: key(1)}},
		{"cookie", &Cookie{Cookie: []byte("0123456789abcdef")}},
		{"cookie-nil", &Cookie{}},
		{"cookie-empty", &Cookie{Cookie: []byte{}}},
		{"cookie-max", &Cookie{Cookie: bytes.Repeat([]byte{0xcc}, 64)}},
		{"join", &Join{Pub: key(2), Cookie: []byte("cookie"), Name: "ada", Addrs: []string{"127.0.0.1:4000"}}},
		{"join-bare", &Join{Pub: key(2)}},
		{"join-empty-addrs", &Join{Pub: key(2), Cookie: []byte{}, Addrs: []string{}}},
		{"join-seats", &Join{Pub: key(2), Cookie: []byte("cookie"), Name: "couch", Addrs: []string{"127.0.0.1:4000"}, Seats: 2}},
		{"join-seats-max", &Join{Pub: key(2), Seats: MaxPlayers}},
		{"join-max", &Join{Pub: key(9), Cookie: bytes.Repeat([]byte{1}, 64), Name: long('n', MaxName), Addrs: addrs}},
		{"welcome", &Welcome{Slot: 3, HostPub: key(3), MaxPlayers: 8}},
		{"welcome-zero", &Welcome{HostPub: key(0)}},
		{"welcome-max", &Welcome{Slot: MaxPlayers - 1, HostPub: key(0xff), MaxPlayers: MaxPlayers}},
		{"refused", &Refused{Reason: RefusedFull, Text: "the lobby is full"}},
		{"refused-bare", &Refused{Reason: RefusedVersion}},
		{"refused-max", &Refused{Reason: 255, Text: long('r', MaxReason)}},
		{"lobby", &Lobby{Version: 7, MaxPlayers: 8, Players: []PlayerInfo{
			{Slot: 0, Name: "host", Pub: key(4), Addrs: []string{"127.0.0.1:1"}, Links: 0b11},
			{Slot: 1, Name: "joe", Pub: key(5), Links: 0b01},
		}}},
		{"lobby-empty", &Lobby{}},
		{"lobby-seats", &Lobby{Version: 3, MaxPlayers: 4, Players: []PlayerInfo{{Slot: 0, Name: "host", Pub: key(1), Links: 0b11}, {Slot: 1, Name: "couch", Pub: key(2), Links: 0b11, Seats: 3}}}},
		{"lobby-empty-players", &Lobby{Version: 1, MaxPlayers: 2, Players: []PlayerInfo{}}},
		{"lobby-full", &Lobby{Version: math.MaxUint32, MaxPlayers: MaxPlayers, Players: full}},
		{"mesh", &Mesh{Version: 7, Links: 0b1011}},
		{"mesh-zero", &Mesh{}},
		{"mesh-max", &Mesh{Version: math.MaxUint32, Links: math.MaxUint32}},
		{"mesh-16bit", &Mesh{Version: 300, Links: 0xffff}},
		{"start", &Start{Seed: 42, Pubs: [][]byte{key(1), key(2)}, Names: []string{"a", "b"}, TickHz: 60, InputDelay: 3, ChecksumInterval: 30, Settings: []byte{1}}},
		{"start-negative-interval", &Start{Seed: math.MaxUint64, Pubs: [][]byte{key(1)}, Names: []string{""}, TickHz: 1000, InputDelay: 255, ChecksumInterval: -1}},
		{"start-min-interval", &Start{Seed: 1 << 40, Pubs: [][]byte{key(1), key(2)}, Names: []string{"x", "y"}, TickHz: 30, ChecksumInterval: math.MinInt16, Settings: []byte{}}},
		{"start-full", &Start{Seed: 7, Pubs: pubs, Names: names, TickHz: 144, InputDelay: 12, ChecksumInterval: math.MaxInt16, Settings: bytes.Repeat([]byte{0x5e}, 4096)}},
		{"engine", &Engine{Msgs: [][]byte{{1, 2, 3}, {4}}}},
		{"engine-nil", &Engine{}},
		{"engine-empty", &Engine{Msgs: [][]byte{}}},
		{"engine-empty-msg", &Engine{Msgs: [][]byte{nil, {}}}},
		{"engine-full", &Engine{Msgs: batch}},
		{"bye", &Bye{}},
		{"knock", &Knock{}},
		{"resync", &Resync{Frame: 600}},
		{"resync-zero", &Resync{}},
		{"resync-max", &Resync{Frame: math.MaxInt32}},
		{"state", &State{Frame: 600, Total: 40000, Offset: 32768, Chunk: bytes.Repeat([]byte{7}, 40000-32768)}},
		{"state-empty", &State{Frame: 1, Chunk: []byte{}}},
		{"state-max", &State{Frame: math.MaxInt32, Total: MaxState, Offset: MaxState - MaxStateChunk, Chunk: bytes.Repeat([]byte{0xfe}, MaxStateChunk)}},
		{"comer", &Comer{Slot: 2, Seats: 1, Pub: key(9), Name: "ada", Addrs: []string{"127.0.0.1:4000"}}},
		{"comer-full", &Comer{Slot: MaxPlayers - 4, Seats: 4, Pub: key(1), Name: long('z', MaxName), Addrs: addrs}},
		{"comer-no-addrs", &Comer{Slot: 0, Seats: 1, Pub: key(2)}},
		{"resume", &Resume{Snapshot: 600, From: 631, Clock: 604, Seats: []SeatSpan{{0, -1}, {631, -1}, {0, 420}}}},
		{"resume-max", &Resume{Snapshot: math.MaxInt32 - 1, From: math.MaxInt32, Clock: math.MaxInt32, Seats: make([]SeatSpan, MaxPlayers)}},
	}
}
