package netcode_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/peerstep/peerstep/netcode"
)

type benchIn struct {
	_msgpack struct{} `msgpack:",as_array"`
	Buttons  uint8
	Seq      uint32
}

// BenchmarkLoopbackMatchFrame runs a whole match over loopback UDP (real
// sockets, sealing, KCP, the engine, msgpack) with no simulated impairment,
// ticking every peer as fast as frames come (a round of ticks, then a
// 250 µs pause when no frame came): one op is one frame simulated on every
// peer. allocs/op counts the whole process: every peer's ticks (see
// ticks/frame/peer), every link goroutine and kcp-go. ns/op is bound by
// loopback round trips and the pauses, not a figure to compare across
// machines.
func BenchmarkLoopbackMatchFrame(b *testing.B) {
	for _, n := range []int{2, 4} {
		b.Run(fmt.Sprintf("%dplayers", n), func(b *testing.B) {
			ss := benchLobby(b, n)
			frames := make([]int, n)
			ticks := 0
			stats0 := ss[0].Stats()
			deadline := time.Now().Add(2*time.Minute + time.Duration(b.N)*time.Millisecond)
			b.ReportAllocs()
			b.ResetTimer()
			for seq := uint32(1); ; seq++ {
				least := frames[0]
				progress := false
				for i, s := range ss {
					fs, err := s.Tick(benchIn{Buttons: uint8(seq), Seq: seq})
					if err != nil {
						b.Fatal(err)
					}
					ticks++
					frames[i] += len(fs)
					progress = progress || len(fs) > 0
					least = min(least, frames[i])
				}
				if least >= b.N {
					break
				}
				if time.Now().After(deadline) {
					b.Fatalf("only %d of %d frames", least, b.N)
				}
				if !progress {
					// Let the links deliver rather than spin: every Tick
					// encodes an input, which would swamp allocs/op.
					time.Sleep(250 * time.Microsecond)
				}
			}
			b.StopTimer()
			st := ss[0].Stats()
			var dg uint64
			for i, p := range st.Peers {
				dg += p.DatagramsSent - stats0.Peers[i].DatagramsSent
			}
			b.ReportMetric(float64(ticks)/float64(b.N)/float64(n), "ticks/frame/peer")
			b.ReportMetric(float64(dg)/float64(b.N)/float64(len(st.Peers)), "datagrams/frame/link")
		})
	}
}

// benchLobby starts an n-player match on loopback with a fixed input delay
// of one frame.
func benchLobby(b *testing.B, n int) []*netcode.Session[benchIn] {
	b.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cfg := func(i int) *netcode.Config {
		return &netcode.Config{
			Name: fmt.Sprintf("p%d", i), ListenAddr: "127.0.0.1:0", Reach: netcode.Local(), MaxPlayers: n,
			TickRate: 1000, InputDelay: 1, FixedInputDelay: true,
		}
	}
	host, err := netcode.Host[benchIn](ctx, cfg(0))
	if err != nil {
		b.Fatal(err)
	}
	ss := []*netcode.Session[benchIn]{host}
	b.Cleanup(func() {
		for _, s := range ss {
			s.Close()
		}
	})
	for i := 1; i < n; i++ {
		s, err := netcode.Join[benchIn](ctx, host.Code(), cfg(i))
		if err != nil {
			b.Fatal(err)
		}
		ss = append(ss, s)
	}
	if err := host.Start(ctx); err != nil {
		b.Fatal(err)
	}
	for _, s := range ss[1:] {
		if err := s.WaitStart(ctx); err != nil {
			b.Fatal(err)
		}
	}
	return ss
}
