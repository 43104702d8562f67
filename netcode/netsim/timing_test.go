package netsim

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/peerstep/peerstep/netcode/memnet"
)

// The timing tests run in virtual time (testing/synctest) over sockets in
// memory (netcode/memnet): the bubble's clock moves only when every
// goroutine waits, so each datagram arrives exactly when the scheduler
// says, and the tests check the delays to the nanosecond, on any machine
// however loaded.

// memReceiver records the numbered datagrams a socket of a memnet network
// reads, and the virtual time each arrived, until the socket closes.
type memReceiver struct {
	conn net.PacketConn
	done chan struct{}

	mu  sync.Mutex
	got []arrival
}

// newMemReceiver starts a receiver on conn; the test's end closes conn.
// Call it inside the bubble.
func newMemReceiver(t *testing.T, conn net.PacketConn) *memReceiver {
	t.Helper()
	r := &memReceiver{conn: conn, done: make(chan struct{})}
	go func() {
		defer close(r.done)
		buf := make([]byte, 2048)
		for {
			n, _, err := conn.ReadFrom(buf)
			if errors.Is(err, net.ErrClosed) {
				return
			}
			if err != nil || n < 4 {
				continue
			}
			r.mu.Lock()
			r.got = append(r.got, arrival{seq: binary.BigEndian.Uint32(buf), at: time.Now()})
			r.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		conn.Close()
		<-r.done
	})
	return r
}

func (r *memReceiver) arrivals() []arrival {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]arrival(nil), r.got...)
}

// memListen opens a socket at addr on n, closed when the test ends.
func memListen(t *testing.T, n *memnet.Network, addr string) *memnet.Conn {
	t.Helper()
	c, err := n.Listen(netip.MustParseAddrPort(addr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// memWrap wraps c with cfg, closed when the test ends.
func memWrap(t *testing.T, c net.PacketConn, cfg Config) *Conn {
	t.Helper()
	s, err := Wrap(c, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func newMemNetwork(t *testing.T) *memnet.Network {
	t.Helper()
	n, err := memnet.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// send writes datagram seq, size bytes, from s to to.
func send(t *testing.T, s net.PacketConn, to net.Addr, seq, size int) {
	t.Helper()
	buf := make([]byte, max(size, 4))
	binary.BigEndian.PutUint32(buf, uint32(seq))
	if m, err := s.WriteTo(buf, to); err != nil || m != len(buf) {
		t.Fatalf("WriteTo = %d, %v", m, err)
	}
}

// TestLatency: every datagram takes exactly the latency its seed drew,
// within [Latency-Jitter, Latency+Jitter], and the datagrams overtake each
// other only as their delays say.
func TestLatency(t *testing.T) {
	for _, tt := range []struct{ lat, jit time.Duration }{
		{30 * time.Millisecond, 0},
		{30 * time.Millisecond, 10 * time.Millisecond},
		{5 * time.Millisecond, 20 * time.Millisecond}, // jitter below zero: no delay
	} {
		t.Run(fmt.Sprintf("%v±%v", tt.lat, tt.jit), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				cfg := Config{Latency: tt.lat, Jitter: tt.jit, Seed: 1}
				n := newMemNetwork(t)
				r := newMemReceiver(t, memListen(t, n, "10.0.0.2:2000"))
				s := memWrap(t, memListen(t, n, "10.0.0.1:1000"), cfg)
				const count = 200
				sent := make([]time.Time, count)
				for i := range count {
					sent[i] = time.Now()
					send(t, s, r.conn.LocalAddr(), i, 32)
					time.Sleep(time.Millisecond)
				}
				time.Sleep(tt.lat + tt.jit)
				synctest.Wait()
				want := decisions(cfg.Seed, cfg, count)
				got := r.arrivals()
				if len(got) != count {
					t.Fatalf("received %d of %d", len(got), count)
				}
				var sum time.Duration
				for k, a := range got {
					d := a.at.Sub(sent[a.seq])
					if d != want[a.seq].delay[0] {
						t.Errorf("datagram %d took %v; its seed drew %v", a.seq, d, want[a.seq].delay[0])
					}
					if d < max(tt.lat-tt.jit, 0) || d > tt.lat+tt.jit {
						t.Errorf("datagram %d took %v, out of %v±%v", a.seq, d, tt.lat, tt.jit)
					}
					if k > 0 && a.at.Before(got[k-1].at) {
						t.Errorf("datagram %d read at %v, before the one read before it", a.seq, a.at)
					}
					sum += d
				}
				if mean := sum / count; tt.jit < tt.lat && (mean < tt.lat-tt.jit/4 || mean > tt.lat+tt.jit/4) {
					t.Errorf("mean delay %v, want about %v", mean, tt.lat)
				}
				if tt.jit == 0 && !slices.IsSortedFunc(got, func(a, b arrival) int { return int(a.seq) - int(b.seq) }) {
					t.Error("datagrams reordered without jitter")
				}
				checkAccounting(t, s.Stats())
			})
		})
	}
}

// TestBandwidth: behind a 10 kB/s link each 500 B datagram takes exactly
// 50 ms to send, on top of the latency; a burst larger than the queue is
// tail-dropped, and what the queue held still arrives at the link's rate.
func TestBandwidth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const lat = 20 * time.Millisecond
		n := newMemNetwork(t)
		r := newMemReceiver(t, memListen(t, n, "10.0.0.2:2000"))
		s := memWrap(t, memListen(t, n, "10.0.0.1:1000"), Config{Latency: lat, Bandwidth: 10_000, QueueLimit: 6_200})
		start := time.Now()
		for i := range 10 { // 5 kB: half a second at 10 kB/s
			send(t, s, r.conn.LocalAddr(), i, 500)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		got := r.arrivals()
		if len(got) != 10 {
			t.Fatalf("received %d of 10", len(got))
		}
		for i, a := range got {
			if want := time.Duration(i+1)*50*time.Millisecond + lat; int(a.seq) != i || a.at.Sub(start) != want {
				t.Errorf("datagram %d of a 5 kB burst arrived %d-th after %v, want after %v", a.seq, i, a.at.Sub(start), want)
			}
		}
		if st := s.Stats(); st.QueueDropped != 0 {
			t.Errorf("%d datagrams dropped by a queue large enough: %+v", st.QueueDropped, st)
		}

		// A 15 kB burst into a 6.2 kB queue: the link holds the first
		// datagram and 11 more wait, 5.5 kB; the other 18 are dropped.
		start = time.Now()
		for i := range 30 {
			send(t, s, r.conn.LocalAddr(), 10+i, 500)
		}
		if st := s.Stats(); st.QueueDropped != 18 {
			t.Errorf("%d datagrams of a 15 kB burst dropped by a 6.2 kB queue, want 18: %+v", st.QueueDropped, st)
		}
		time.Sleep(700 * time.Millisecond)
		synctest.Wait()
		got = r.arrivals()[10:]
		if len(got) != 12 {
			t.Fatalf("received %d of the burst, want 12", len(got))
		}
		for i, a := range got {
			if want := time.Duration(i+1)*50*time.Millisecond + lat; int(a.seq) != 10+i || a.at.Sub(start) != want {
				t.Errorf("datagram %d arrived after %v, want %v", a.seq, a.at.Sub(start), want)
			}
		}
		checkAccounting(t, s.Stats())

		// What is in flight at Close is discarded.
		send(t, s, r.conn.LocalAddr(), 99, 500)
		s.Close()
		if st := s.Stats(); st.Pending != 0 || st.Discarded != 1 {
			t.Errorf("after Close: %+v", st)
		}
		checkAccounting(t, s.Stats())
	})
}

// TestInboundLatency: what is read through an inbound impairment waits
// exactly the delay its seed drew on the inbound stream, from when it was
// sent.
func TestInboundLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const count = 100
		imp := Impairment{Latency: 30 * time.Millisecond, Jitter: 10 * time.Millisecond}
		cfg := Config{Inbound: imp, Seed: 1}
		n := newMemNetwork(t)
		sender := memListen(t, n, "10.0.0.1:1000")
		rc := memWrap(t, memListen(t, n, "10.0.0.2:2000"), cfg)
		r := newMemReceiver(t, rc)
		sent := make([]time.Time, count)
		for i := range count {
			sent[i] = time.Now()
			send(t, sender, rc.LocalAddr(), i, 16)
			time.Sleep(time.Millisecond)
		}
		time.Sleep(imp.Latency + imp.Jitter)
		synctest.Wait()
		rng := rand.New(rand.NewPCG(cfg.Seed, pcgStreamIn))
		want := make([]time.Duration, count)
		for i := range want {
			want[i] = decide(rng, &imp).delay[0]
		}
		got := r.arrivals()
		if len(got) != count {
			t.Fatalf("read %d of %d", len(got), count)
		}
		for _, a := range got {
			if d := a.at.Sub(sent[a.seq]); d != want[a.seq] {
				t.Errorf("datagram %d was read %v after it was sent; its seed drew %v", a.seq, d, want[a.seq])
			}
		}
		checkAccounting(t, rc.InboundStats())
		if out := rc.Stats(); out != (Stats{}) {
			t.Errorf("nothing was written, yet the outbound stats are %+v", out)
		}
	})
}

// TestInboundBandwidth: a burst read behind a slow downlink is queued and
// then tail-dropped, as a burst written behind a slow uplink is: at 2 kB/s
// a 1 kB datagram takes half a second, and a queue of 1.5 kB holds none
// beside the one on the link.
func TestInboundBandwidth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newMemNetwork(t)
		sender := memListen(t, n, "10.0.0.1:1000")
		rc := memWrap(t, memListen(t, n, "10.0.0.2:2000"), Config{Inbound: Impairment{Bandwidth: 2000, QueueLimit: 1500}})
		r := newMemReceiver(t, rc)
		start := time.Now()
		const count = 20
		for i := range count {
			send(t, sender, rc.LocalAddr(), i, 1000)
		}
		time.Sleep(time.Second)
		synctest.Wait()
		st := rc.InboundStats()
		if st.Written != count || st.QueueDropped != count-1 || st.Delivered != 1 {
			t.Errorf("a burst of %d behind a 2 kB/s downlink: %+v, want all read, %d dropped, 1 delivered", count, st, count-1)
		}
		if got := r.arrivals(); len(got) != 1 || got[0].seq != 0 || got[0].at.Sub(start) != 500*time.Millisecond {
			t.Errorf("arrivals %v, want datagram 0 after 500ms", got)
		}
		checkAccounting(t, st)
	})
}

// TestReorder: a datagram held back arrives exactly ReorderDelay after
// its time, overtaken by those sent after it that were not.
func TestReorder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const count = 1000
		cfg := Config{Reorder: 0.25, ReorderDelay: 30 * time.Millisecond, Seed: 4}
		n := newMemNetwork(t)
		r := newMemReceiver(t, memListen(t, n, "10.0.0.2:2000"))
		s := memWrap(t, memListen(t, n, "10.0.0.1:1000"), cfg)
		sent := make([]time.Time, count)
		for i := range count {
			sent[i] = time.Now()
			send(t, s, r.conn.LocalAddr(), i, 16)
			time.Sleep(time.Millisecond)
		}
		time.Sleep(cfg.ReorderDelay)
		synctest.Wait()
		want := decisions(cfg.Seed, cfg, count)
		got := r.arrivals()
		if len(got) != count {
			t.Fatalf("received %d of %d", len(got), count)
		}
		held, late, highest := 0, 0, -1
		for _, a := range got {
			w := want[a.seq]
			if w.reordered[0] {
				held++
			}
			if d := a.at.Sub(sent[a.seq]); d != w.delay[0] || (d == cfg.ReorderDelay) != w.reordered[0] {
				t.Errorf("datagram %d took %v; its seed drew %v, held back %v", a.seq, d, w.delay[0], w.reordered[0])
			}
			if int(a.seq) < highest {
				late++
			}
			highest = max(highest, int(a.seq))
		}
		st := s.Stats()
		if st.Reordered != uint64(held) || held < 181 || held > 319 { // 250 ± 5 standard deviations
			t.Errorf("%d of %d held back, stats say %d; want about 250", held, count, st.Reordered)
		}
		// One a millisecond: each held-back datagram is overtaken by the
		// next 30, unless every one of them was held back too.
		if late != held {
			t.Errorf("%d datagrams arrived after a later one; %d were held back", late, held)
		}
		checkAccounting(t, st)
	})
}
