package netsim

import (
	"encoding/binary"
	"flag"
	"fmt"
	"net"
	"sort"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"zero", Config{}, true},
		{"typical", Config{Latency: 40 * time.Millisecond, Jitter: 5 * time.Millisecond, Loss: 0.02}, true},
		{"all", Config{Loss: 1, Duplicate: 1, Reorder: 1, Bandwidth: 1000, QueueLimit: 10}, true},
		{"negative latency", Config{Latency: -1}, false},
		{"negative jitter", Config{Jitter: -1}, false},
		{"loss above 1", Config{Loss: 1.5}, false},
		{"negative dup", Config{Duplicate: -0.1}, false},
		{"NaN reorder", Config{Reorder: nan()}, false},
		{"negative bandwidth", Config{Bandwidth: -1}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.cfg.Validate(); (err == nil) != tt.ok {
				t.Fatalf("Validate = %v, ok want %v", err, tt.ok)
			}
		})
	}
}

func nan() float64 { z := 0.0; return z / z }

func TestStringAndFlags(t *testing.T) {
	var c Config
	fs := flag.NewFlagSet("x", flag.ContinueOnError)
	c.RegisterFlags(fs, "net-")
	if err := fs.Parse([]string{"-net-latency", "40ms", "-net-jitter", "5ms", "-net-loss", "0.02", "-net-seed", "9"}); err != nil {
		t.Fatal(err)
	}
	want := Config{Latency: 40 * time.Millisecond, Jitter: 5 * time.Millisecond, Loss: 0.02, Seed: 9}
	if c != want {
		t.Fatalf("flags gave %+v, want %+v", c, want)
	}
	if got := c.String(); got != "40ms±5ms loss 2%" {
		t.Fatalf("String = %q", got)
	}
	if got := (Config{}).String(); got != "clean" {
		t.Fatalf("String = %q", got)
	}
}

// pair returns a wrapped sender and a plain receiver on loopback.
func pair(t *testing.T, cfg Config) (*Conn, net.PacketConn) {
	t.Helper()
	s, err := Listen("udp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	r, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close(); r.Close() })
	return s, r
}

// receive reads numbered datagrams until quiet for `quiet`, returning
// sequence numbers in arrival order and each one's delay.
func receive(t *testing.T, r net.PacketConn, sent map[uint32]time.Time, quiet time.Duration) ([]uint32, []time.Duration) {
	t.Helper()
	var seqs []uint32
	var delays []time.Duration
	buf := make([]byte, 2048)
	for {
		r.SetReadDeadline(time.Now().Add(quiet))
		n, _, err := r.ReadFrom(buf)
		if err != nil {
			return seqs, delays
		}
		if n < 4 {
			continue
		}
		s := binary.BigEndian.Uint32(buf)
		seqs = append(seqs, s)
		if at, ok := sent[s]; ok {
			delays = append(delays, time.Since(at))
		}
	}
}

func send(t *testing.T, s *Conn, to net.Addr, n int, size int, every time.Duration) map[uint32]time.Time {
	t.Helper()
	sent := make(map[uint32]time.Time, n)
	buf := make([]byte, size)
	for i := 0; i < n; i++ {
		binary.BigEndian.PutUint32(buf, uint32(i))
		sent[uint32(i)] = time.Now()
		if _, err := s.WriteTo(buf, to); err != nil {
			t.Fatal(err)
		}
		if every > 0 {
			time.Sleep(every)
		}
	}
	return sent
}

func TestLatency(t *testing.T) {
	const lat, jit = 30 * time.Millisecond, 5 * time.Millisecond
	s, r := pair(t, Config{Latency: lat, Jitter: jit, Seed: 1})
	sent := send(t, s, r.LocalAddr(), 100, 32, time.Millisecond)
	_, delays := receive(t, r, sent, 300*time.Millisecond)
	if len(delays) != 100 {
		t.Fatalf("received %d of 100", len(delays))
	}
	sort.Slice(delays, func(i, j int) bool { return delays[i] < delays[j] })
	if delays[0] < lat-jit-time.Millisecond {
		t.Errorf("fastest datagram took %v, below %v", delays[0], lat-jit)
	}
	if med := delays[50]; med > lat+jit+150*time.Millisecond { // loose: a loaded machine delays reads
		t.Errorf("median delay %v, want about %v", med, lat)
	}
}

func TestLoss(t *testing.T) {
	for _, tt := range []struct {
		loss     float64
		min, max int
	}{{0, 2000, 2000}, {0.3, 1260, 1540}, {1, 0, 0}} {
		t.Run(fmt.Sprint(tt.loss), func(t *testing.T) {
			s, r := pair(t, Config{Loss: tt.loss, Seed: 2})
			sent := send(t, s, r.LocalAddr(), 2000, 16, 0)
			_ = sent
			// The decision counts are exact; delivery on loopback of
			// 2000 small datagrams is too, with a large enough buffer.
			st := s.Stats()
			got := int(st.Written - st.Lost)
			if got < tt.min || got > tt.max {
				t.Fatalf("kept %d of 2000 at loss %v, want %d..%d", got, tt.loss, tt.min, tt.max)
			}
		})
	}
}

func TestDuplicateAndReorder(t *testing.T) {
	s, r := pair(t, Config{Duplicate: 0.2, Reorder: 0.2, ReorderDelay: 20 * time.Millisecond, Seed: 3})
	got := make(chan []uint32)
	go func() {
		seqs, _ := receive(t, r, nil, 300*time.Millisecond)
		got <- seqs
	}()
	send(t, s, r.LocalAddr(), 300, 16, 500*time.Microsecond)
	seqs := <-got
	st := s.Stats()
	if st.Duplicated < 30 || st.Duplicated > 90 {
		t.Errorf("duplicated %d of 300 at 20%%", st.Duplicated)
	}
	if len(seqs) != 300+int(st.Duplicated) {
		t.Errorf("received %d, want %d", len(seqs), 300+st.Duplicated)
	}
	outOfOrder := 0
	for i := 1; i < len(seqs); i++ {
		if seqs[i] < seqs[i-1] {
			outOfOrder++
		}
	}
	if outOfOrder == 0 || st.Reordered == 0 {
		t.Errorf("no reordering seen (reordered %d)", st.Reordered)
	}
}

func TestDeterministicDecisions(t *testing.T) {
	cfg := Config{Loss: 0.3, Duplicate: 0.1, Reorder: 0.1, Jitter: time.Millisecond, Seed: 42}
	run := func() Stats {
		s, r := pair(t, cfg)
		send(t, s, r.LocalAddr(), 500, 8, 0)
		return s.Stats()
	}
	a, b := run(), run()
	a.Delivered, b.Delivered = 0, 0 // timing, not a decision
	if a != b {
		t.Fatalf("same seed, different decisions: %+v vs %+v", a, b)
	}
	cfg.Seed = 43
	if c := run(); c.Lost == a.Lost && c.Duplicated == a.Duplicated && c.Reordered == a.Reordered {
		t.Fatalf("different seeds, same decisions: %+v", c)
	}
}

func TestBandwidth(t *testing.T) {
	s, r := pair(t, Config{Bandwidth: 10_000, QueueLimit: 6_000})
	start := time.Now()
	sent := send(t, s, r.LocalAddr(), 10, 500, 0) // 5000 bytes
	seqs, _ := receive(t, r, sent, 300*time.Millisecond)
	if len(seqs) != 10 {
		t.Fatalf("received %d of 10", len(seqs))
	}
	if took := time.Since(start) - 300*time.Millisecond; took < 400*time.Millisecond {
		t.Errorf("5000 bytes at 10 KB/s took %v, want at least 400ms", took)
	}
	// A burst larger than the queue is tail-dropped.
	send(t, s, r.LocalAddr(), 30, 500, 0)
	if st := s.Stats(); st.QueueDropped == 0 {
		t.Errorf("no queue drops after a 15 KB burst into a 6 KB queue: %+v", st)
	}
}

func TestClose(t *testing.T) {
	s, r := pair(t, Config{Latency: time.Second})
	send(t, s, r.LocalAddr(), 5, 8, 0)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteTo([]byte{1}, r.LocalAddr()); err == nil {
		t.Fatal("WriteTo after Close succeeded")
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	goleak.VerifyNone(t, goleak.IgnoreCurrent())
}

func ExampleConfig_String() {
	c := Config{Latency: 80 * time.Millisecond, Jitter: 15 * time.Millisecond, Loss: 0.1}
	fmt.Println(c)
	// Output: 80ms±15ms loss 10%
}

func BenchmarkWriteTo(b *testing.B) {
	s, err := Listen("udp", "127.0.0.1:0", Config{Latency: time.Millisecond, Loss: 0.01})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	r, _ := net.ListenPacket("udp", "127.0.0.1:0")
	defer r.Close()
	buf := make([]byte, 64)
	b.ReportAllocs()
	for b.Loop() {
		s.WriteTo(buf, r.LocalAddr())
	}
}
