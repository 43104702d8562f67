package netsim

import (
	"net"
	"testing"
	"time"
)

// BenchmarkWriteTo measures what WriteTo costs the caller: the decisions,
// the copy and the scheduling. The wrapped conn is an in-memory one, so
// the scheduler keeps up and the kernel is not measured; allocations of
// the scheduler goroutine are included in allocs/op.
func BenchmarkWriteTo(b *testing.B) {
	for _, bm := range []struct {
		name string
		cfg  Config
	}{
		{"lost", Config{Loss: 1}},
		{"immediate", Config{Loss: 0.01}},
		{"delayed", Config{Latency: time.Millisecond, Jitter: 500 * time.Microsecond, Loss: 0.01, Duplicate: 0.01, Reorder: 0.01}},
		{"bandwidth", Config{Bandwidth: 1_000_000, Latency: time.Millisecond}},
	} {
		b.Run(bm.name, func(b *testing.B) {
			s, err := Wrap(newMemConn(false), bm.cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			buf := make([]byte, 64)
			var to net.Addr = memAddr
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.WriteTo(buf, to); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			waitFor(5*time.Second, func() bool { return s.Stats().Pending == 0 })
		})
	}
}

// BenchmarkWriteToUDP sends through a real loopback socket, with a
// bandwidth cap so that the queue of pending datagrams stays bounded.
func BenchmarkWriteToUDP(b *testing.B) {
	r := newReceiver(b)
	s := newSender(b, Config{Latency: time.Millisecond, Bandwidth: 10_000_000})
	buf := make([]byte, 64)
	to := r.addr()
	b.SetBytes(int64(len(buf)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.WriteTo(buf, to); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadFrom reads datagrams sent over loopback, one at a time,
// straight from the socket ("passthrough") and through an inbound
// impairment that delays nothing ("inbound"): the cost of the reader
// goroutine and the hand-over to ReadFrom.
func BenchmarkReadFrom(b *testing.B) {
	for _, bc := range []struct {
		name string
		cfg  Config
	}{
		{"passthrough", Config{}},
		{"inbound", Config{Inbound: Impairment{Reorder: 1e-9}}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			c, err := Listen("udp", "127.0.0.1:0", bc.cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			s, err := net.ListenPacket("udp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			buf, in := make([]byte, 64), make([]byte, 2048)
			to := c.LocalAddr()
			c.SetReadDeadline(time.Now().Add(time.Minute))
			b.SetBytes(int64(len(buf)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.WriteTo(buf, to); err != nil {
					b.Fatal(err)
				}
				if _, _, err := c.ReadFrom(in); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
