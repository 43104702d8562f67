package netsim

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"net"
	"os"
	"sync"
	"testing"
	"time"
)

// inboundReceiver reads numbered datagrams from an impaired Conn, on its
// own goroutine, until the Conn closes.
type inboundReceiver struct {
	c    *Conn
	done chan struct{}

	mu  sync.Mutex
	got []arrival
}

func newInboundReceiver(t testing.TB, cfg Config) *inboundReceiver {
	t.Helper()
	c, err := Listen("udp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	r := &inboundReceiver{c: c, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		buf := make([]byte, 2048)
		for {
			n, _, err := c.ReadFrom(buf)
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if err != nil || n < 4 {
				continue
			}
			a := arrival{seq: binary.BigEndian.Uint32(buf), at: time.Now()}
			r.mu.Lock()
			r.got = append(r.got, a)
			r.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		c.Close()
		<-r.done
	})
	return r
}

func (r *inboundReceiver) arrivals() []arrival {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]arrival(nil), r.got...)
}

// plainSender is an unimpaired loopback socket.
func plainSender(t testing.TB) net.PacketConn {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { pc.Close() })
	return pc
}

// sendInbound writes n numbered datagrams from s to r's Conn in bursts,
// waiting after each burst until the Conn has read all of it off its
// socket (so that the socket buffer never overflows) and until nothing is
// in flight and r read everything delivered. It returns when each
// datagram was sent.
func sendInbound(t testing.TB, s net.PacketConn, r *inboundReceiver, n, burst int) []time.Time {
	t.Helper()
	buf := make([]byte, 16)
	at := make([]time.Time, n)
	for first := 0; first < n; first += burst {
		last := min(first+burst, n)
		for i := first; i < last; i++ {
			binary.BigEndian.PutUint32(buf, uint32(i))
			at[i] = time.Now()
			if _, err := s.WriteTo(buf, r.c.LocalAddr()); err != nil {
				t.Fatal(err)
			}
		}
		settled := waitFor(10*time.Second, func() bool {
			st := r.c.InboundStats()
			r.mu.Lock()
			read := uint64(len(r.got))
			r.mu.Unlock()
			return st.Written == uint64(last) && st.Pending == 0 && read == st.Delivered
		})
		if !settled {
			t.Fatalf("after %d datagrams: %+v, read %d", last, r.c.InboundStats(), len(r.arrivals()))
		}
	}
	return at
}

// predictedLosses replays the inbound decisions of seed for n datagrams.
func predictedLosses(seed uint64, imp Impairment, n int) int {
	r := rand.New(rand.NewPCG(seed, pcgStreamIn))
	lost := 0
	for range n {
		if decide(r, &imp).lost {
			lost++
		}
	}
	return lost
}

// TestInboundLoss: a Conn with an inbound loss drops what it reads, as
// its seed decides, and counts it; what it sends is untouched.
func TestInboundLoss(t *testing.T) {
	const n, seed = 1000, 5
	imp := Impairment{Loss: 0.3}
	r := newInboundReceiver(t, Config{Inbound: imp, Seed: seed})
	sendInbound(t, plainSender(t), r, n, 50)
	st := r.c.InboundStats()
	want := predictedLosses(seed, imp, n)
	if st.Lost != uint64(want) {
		t.Errorf("lost %d of %d read, the seed's decisions lose %d", st.Lost, n, want)
	}
	if want < 230 || want > 370 { // 300 ± 5 standard deviations
		t.Errorf("the seed loses %d of %d at 30%%", want, n)
	}
	seen := map[uint32]bool{}
	for _, a := range r.arrivals() {
		if seen[a.seq] {
			t.Fatalf("datagram %d read twice", a.seq)
		}
		seen[a.seq] = true
	}
	if len(seen) != n-want || st.Delivered != uint64(n-want) || st.Written != n {
		t.Errorf("read %d distinct datagrams; stats %+v", len(seen), st)
	}
	checkAccounting(t, st)
	if out := r.c.Stats(); out != (Stats{}) {
		t.Errorf("nothing was written, yet the outbound stats are %+v", out)
	}
}

// TestInboundDuplicate: duplicates are read twice and counted.
func TestInboundDuplicate(t *testing.T) {
	const n = 500
	r := newInboundReceiver(t, Config{Inbound: Impairment{Duplicate: 0.2}, Seed: 3})
	sendInbound(t, plainSender(t), r, n, 50)
	st := r.c.InboundStats()
	copies := map[uint32]int{}
	for _, a := range r.arrivals() {
		copies[a.seq]++
	}
	twice := 0
	for _, k := range copies {
		if k == 2 {
			twice++
		}
	}
	if len(copies) != n || uint64(twice) != st.Duplicated || twice == 0 {
		t.Errorf("%d distinct, %d twice; stats %+v", len(copies), twice, st)
	}
	checkAccounting(t, st)
}

// TestBothWays: one Config impairs both directions, each with decisions
// of its own from the one Seed.
func TestBothWays(t *testing.T) {
	const n, seed = 600, 9
	cfg := Config{Loss: 0.25, Seed: seed, BothWays: true}
	r := newInboundReceiver(t, cfg)
	plain := newReceiver(t)

	sendInbound(t, plainSender(t), r, n, 50)
	sendSettled(t, r.c, plain, n, 50, 16)

	in, out := r.c.InboundStats(), r.c.Stats()
	wantIn := predictedLosses(seed, cfg.outbound(), n)
	wantOut := len(decisions(seed, cfg, n)) - countKept(decisions(seed, cfg, n))
	if in.Lost != uint64(wantIn) || out.Lost != uint64(wantOut) {
		t.Errorf("lost %d read and %d written; the seed's decisions lose %d and %d", in.Lost, out.Lost, wantIn, wantOut)
	}
	if in.Lost == 0 || out.Lost == 0 {
		t.Errorf("both ways at 25%% loss: %d lost in, %d out", in.Lost, out.Lost)
	}
	if len(r.arrivals()) != n-wantIn || plain.count() != n-wantOut {
		t.Errorf("read %d through the Conn and %d from it; want %d and %d", len(r.arrivals()), plain.count(), n-wantIn, n-wantOut)
	}
	// The two directions draw from streams of their own.
	if samePattern(seed, cfg.outbound(), n) {
		t.Error("the inbound and outbound decisions of one seed are the same")
	}
	checkAccounting(t, in)
	checkAccounting(t, out)
}

func countKept(ds []decision) int {
	k := 0
	for _, d := range ds {
		if !d.lost {
			k++
		}
	}
	return k
}

func samePattern(seed uint64, imp Impairment, n int) bool {
	a := rand.New(rand.NewPCG(seed, pcgStream))
	b := rand.New(rand.NewPCG(seed, pcgStreamIn))
	for range n {
		if decide(a, &imp).lost != decide(b, &imp).lost {
			return false
		}
	}
	return true
}

// TestInboundReadDeadline: ReadFrom through the simulator keeps read
// deadlines, including for a reader already waiting.
func TestInboundReadDeadline(t *testing.T) {
	c, err := Listen("udp", "127.0.0.1:0", Config{Inbound: Impairment{Latency: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 64)
	if err := c.SetReadDeadline(time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	var ne net.Error
	if _, _, err := c.ReadFrom(buf); !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("ReadFrom past the deadline: %v, want a timeout", err)
	}
	// A reader waiting with no deadline is released by a new one.
	if err := c.SetReadDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	res := make(chan error, 1)
	go func() {
		_, _, err := c.ReadFrom(buf)
		res <- err
	}()
	if err := c.SetReadDeadline(time.Now()); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-res:
		if !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Fatalf("waiting ReadFrom after a deadline was set: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a waiting ReadFrom ignored the new deadline")
	}
	// With the deadline removed, a datagram is read, cut to the buffer.
	if err := c.SetDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	s := plainSender(t)
	if _, err := s.WriteTo([]byte("hello, world"), c.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	n, from, err := c.ReadFrom(buf[:5])
	if err != nil || string(buf[:n]) != "hello" || from.String() != s.LocalAddr().String() {
		t.Fatalf("ReadFrom = %q from %v, %v; want \"hello\" from %v", buf[:n], from, err, s.LocalAddr())
	}
}

// TestInboundClose: Close releases a waiting reader, discards what is in
// flight, and stops every goroutine (TestMain checks for leaks).
func TestInboundClose(t *testing.T) {
	c, err := Listen("udp", "127.0.0.1:0", Config{Inbound: Impairment{Latency: time.Hour}})
	if err != nil {
		t.Fatal(err)
	}
	s := plainSender(t)
	for range 3 {
		if _, err := s.WriteTo([]byte("late"), c.LocalAddr()); err != nil {
			t.Fatal(err)
		}
	}
	if !waitFor(10*time.Second, func() bool { return c.InboundStats().Pending == 3 }) {
		t.Fatalf("not read off the socket: %+v", c.InboundStats())
	}
	res := make(chan error, 1)
	go func() {
		_, _, err := c.ReadFrom(make([]byte, 64))
		res <- err
	}()
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-res:
		if !errors.Is(err, net.ErrClosed) {
			t.Fatalf("ReadFrom across Close: %v, want net.ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close left a reader waiting")
	}
	st := c.InboundStats()
	if st.Discarded != 3 || st.Pending != 0 {
		t.Errorf("after Close: %+v, want the 3 in flight discarded", st)
	}
	checkAccounting(t, st)
	if err := c.SetReadDeadline(time.Time{}); !errors.Is(err, net.ErrClosed) {
		t.Errorf("SetReadDeadline after Close: %v", err)
	}
}

// TestInboundWrappedConnClosed: a wrapped conn closed under the Conn ends
// its reads with net.ErrClosed.
func TestInboundWrappedConnClosed(t *testing.T) {
	c, err := Listen("udp", "127.0.0.1:0", Config{BothWays: true, Latency: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.Unwrap().Close()
	if _, _, err := c.ReadFrom(make([]byte, 64)); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("ReadFrom of a closed wrapped conn: %v", err)
	}
}

// TestSetConfigInbound: SetConfig changes the inbound impairment of a
// Conn made with one, and refuses to add one to a Conn made without.
func TestSetConfigInbound(t *testing.T) {
	plain := newSender(t, Config{Latency: time.Millisecond})
	if err := plain.SetConfig(Config{BothWays: true, Latency: time.Millisecond}); err == nil {
		t.Error("SetConfig added an inbound impairment to a Conn made without one")
	}
	if err := plain.SetConfig(Config{Inbound: Impairment{QueueLimit: 3000}}); err != nil {
		t.Errorf("SetConfig with an inbound impairment that impairs nothing: %v", err)
	}

	r := newInboundReceiver(t, Config{Inbound: Impairment{Latency: time.Millisecond}})
	s := plainSender(t)
	sendInbound(t, s, r, 10, 10)
	if err := r.c.SetConfig(Config{Inbound: Impairment{Loss: 1}}); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 4)
	for i := range 10 {
		binary.BigEndian.PutUint32(buf, uint32(10+i))
		if _, err := s.WriteTo(buf, r.c.LocalAddr()); err != nil {
			t.Fatal(err)
		}
	}
	if !waitFor(10*time.Second, func() bool { return r.c.InboundStats().Written == 20 }) {
		t.Fatalf("the Conn read %+v", r.c.InboundStats())
	}
	if st := r.c.InboundStats(); st.Lost != 10 || st.Delivered != 10 {
		t.Errorf("after SetConfig to loss 1: %+v", st)
	}
	if got := r.c.Config(); got != (Config{Inbound: Impairment{Loss: 1}}) {
		t.Errorf("Config() = %+v", got)
	}
}

// TestInboundConcurrentReaders: several readers share what arrives; each
// datagram is read once.
func TestInboundConcurrentReaders(t *testing.T) {
	c, err := Listen("udp", "127.0.0.1:0", Config{Inbound: Impairment{Jitter: time.Millisecond, Latency: time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	const n = 400
	var (
		mu   sync.Mutex
		seen = map[uint32]int{}
		wg   sync.WaitGroup
	)
	for range 4 {
		wg.Go(func() {
			buf := make([]byte, 64)
			for {
				m, _, err := c.ReadFrom(buf)
				if err != nil {
					return
				}
				mu.Lock()
				seen[binary.BigEndian.Uint32(buf[:m])]++
				mu.Unlock()
			}
		})
	}
	s := plainSender(t)
	buf := make([]byte, 4)
	for i := range n {
		binary.BigEndian.PutUint32(buf, uint32(i))
		if _, err := s.WriteTo(buf, c.LocalAddr()); err != nil {
			t.Fatal(err)
		}
		if i%50 == 49 && !waitFor(10*time.Second, func() bool { st := c.InboundStats(); return st.Written == uint64(i+1) && st.Pending == 0 }) {
			t.Fatalf("after %d: %+v", i+1, c.InboundStats())
		}
	}
	c.Close()
	wg.Wait()
	if len(seen) != n {
		t.Errorf("read %d distinct datagrams of %d", len(seen), n)
	}
	for seq, k := range seen {
		if k != 1 {
			t.Errorf("datagram %d read %d times", seq, k)
		}
	}
	checkAccounting(t, c.InboundStats())
}
