package lockstep

import (
	"testing"
	"time"
)

// benchInputBytes is a typical game input: a few bytes of buttons and axes.
var benchInputBytes = []byte{0x93, 0x01, 0xcd, 0x12, 0x34, 0x05}

// BenchmarkEngineFrame8Players measures one peer of an 8-player match
// advancing one frame: the seven other players' inputs for a later frame
// arrive, time passes one frame (pings every 100 ms), the local input is
// added, the ready frame and the outgoing messages are drained. One op is
// one simulated frame on one peer.
func BenchmarkEngineFrame8Players(b *testing.B) {
	const n, delay = 8, 3
	frameDur := DefaultFrameDuration
	e, err := New(Config{Players: n, Local: 0, InputDelay: delay, FrameDuration: frameDur})
	if err != nil {
		b.Fatal(err)
	}
	// The others' inputs: one message per player, its start frame moved
	// on every frame (the engine keeps the input bytes, not the message).
	msgs := make([]*InputMsg, n)
	for p := 1; p < n; p++ {
		ins := make([][]byte, delay+1)
		for i := range ins {
			ins[i] = benchInputBytes
		}
		msgs[p] = &InputMsg{Player: PlayerID(p), Start: 0, Inputs: ins}
		if err := e.Receive(PlayerID(p), msgs[p]); err != nil {
			b.Fatal(err)
		}
		msgs[p].Start, msgs[p].Inputs = delay+1, ins[:1]
	}
	var now time.Duration
	frames := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for p := 1; p < n; p++ {
			if err := e.Receive(PlayerID(p), msgs[p]); err != nil {
				b.Fatal(err)
			}
			msgs[p].Start++
		}
		now += frameDur
		e.Tick(now)
		if _, err := e.AddLocalInput(benchInputBytes); err != nil {
			b.Fatal(err)
		}
		rd := e.Ready()
		frames += len(rd.Frames)
	}
	b.StopTimer()
	if frames < b.N-delay-1 {
		b.Fatalf("%d frames in %d ops", frames, b.N)
	}
}

// BenchmarkEngineMesh8Players runs eight engines against each other in
// memory, every message encoded and decoded as on the wire, with no
// latency: one op is one frame simulated on all eight peers.
func BenchmarkEngineMesh8Players(b *testing.B) {
	const n = 8
	frameDur := DefaultFrameDuration
	engines := make([]*Engine, n)
	for p := range engines {
		e, err := New(Config{Players: n, Local: PlayerID(p), InputDelay: 2, FrameDuration: frameDur})
		if err != nil {
			b.Fatal(err)
		}
		engines[p] = e
	}
	type msg struct {
		from PlayerID
		data []byte
	}
	inbox := make([][]msg, n)
	var now time.Duration
	frames := 0
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		now += frameDur
		for p, e := range engines {
			for _, m := range inbox[p] {
				dm, err := DecodeMessage(m.data)
				if err != nil {
					b.Fatal(err)
				}
				if err := e.Receive(m.from, dm); err != nil {
					b.Fatal(err)
				}
			}
			inbox[p] = inbox[p][:0]
			e.Tick(now)
			if _, err := e.AddLocalInput(benchInputBytes); err != nil {
				b.Fatal(err)
			}
			rd := e.Ready()
			frames += len(rd.Frames)
			var last Message
			var enc []byte
			for _, o := range rd.Messages {
				if o.Msg != last {
					var err error
					if enc, err = EncodeMessage(o.Msg); err != nil {
						b.Fatal(err)
					}
					last = o.Msg
				}
				inbox[o.To] = append(inbox[o.To], msg{from: PlayerID(p), data: enc})
			}
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(frames)/float64(b.N)/n, "frames/peer/op")
}

// benchMessages holds one typical message of every kind.
func benchMessages() []Message {
	ins := func(k int) [][]byte {
		out := make([][]byte, k)
		for i := range out {
			out[i] = benchInputBytes
		}
		return out
	}
	return []Message{
		&InputMsg{Player: 3, Start: 12345, Inputs: ins(1)},
		&ChecksumMsg{Frame: 12330, Sum: 0x0123456789abcdef},
		&PingMsg{Sent: 205 * time.Second, Frame: 12345, Advantage: -1500},
		&PongMsg{Echo: 205 * time.Second, Frame: 12344},
		&DropReportMsg{Entries: []DropEntry{{Player: 2, Last: 12345, Start: 12306, Inputs: ins(40)}}},
		&LeaveMsg{},
		&KickedMsg{Frame: 12346},
	}
}

// BenchmarkEncodeMessage encodes each engine message kind.
func BenchmarkEncodeMessage(b *testing.B) {
	for _, m := range benchMessages() {
		b.Run(m.Kind().String(), func(b *testing.B) {
			enc, err := EncodeMessage(m)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(enc)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := EncodeMessage(m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAppendMessage encodes each engine message kind into a reused
// buffer, as netcode does for every datagram it sends.
func BenchmarkAppendMessage(b *testing.B) {
	for _, m := range benchMessages() {
		b.Run(m.Kind().String(), func(b *testing.B) {
			buf, err := AppendMessage(make([]byte, 0, 4096), m)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if buf, err = AppendMessage(buf[:0], m); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDecodeMessage decodes each engine message kind.
func BenchmarkDecodeMessage(b *testing.B) {
	for _, m := range benchMessages() {
		b.Run(m.Kind().String(), func(b *testing.B) {
			enc, err := EncodeMessage(m)
			if err != nil {
				b.Fatal(err)
			}
			b.SetBytes(int64(len(enc)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := DecodeMessage(enc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
