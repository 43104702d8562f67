package netsim

import (
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// arrival is one numbered datagram a receiver read.
type arrival struct {
	seq uint32
	at  time.Time
}

// receiver is a plain loopback UDP socket that records the numbered
// datagrams it reads, on its own goroutine, until the test ends.
type receiver struct {
	conn net.PacketConn
	done chan struct{}

	mu  sync.Mutex
	got []arrival
}

func newReceiver(t testing.TB) *receiver {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	if udp, ok := pc.(*net.UDPConn); ok {
		udp.SetReadBuffer(1 << 20) // best effort: the kernel may cap it
	}
	r := &receiver{conn: pc, done: make(chan struct{})}
	go r.loop()
	t.Cleanup(func() {
		pc.Close()
		<-r.done
	})
	return r
}

func (r *receiver) loop() {
	defer close(r.done)
	buf := make([]byte, 2048)
	for {
		n, _, err := r.conn.ReadFrom(buf)
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
}

func (r *receiver) addr() net.Addr { return r.conn.LocalAddr() }

func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.got)
}

func (r *receiver) arrivals() []arrival {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]arrival(nil), r.got...)
}

// copies counts how many times each sequence number arrived.
func (r *receiver) copies() map[uint32]int {
	m := make(map[uint32]int)
	for _, a := range r.arrivals() {
		m[a.seq]++
	}
	return m
}

// newSender opens an impaired loopback socket, closed when the test ends.
func newSender(t testing.TB, cfg Config) *Conn {
	t.Helper()
	s, err := Listen("udp", "127.0.0.1:0", cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// sendN writes n datagrams of size bytes numbered first, first+1, ...
// to to, and returns when each was written.
func sendN(t testing.TB, s *Conn, to net.Addr, first, n, size int) []time.Time {
	t.Helper()
	buf := make([]byte, max(size, 4))
	at := make([]time.Time, n)
	for i := range n {
		binary.BigEndian.PutUint32(buf, uint32(first+i))
		at[i] = time.Now()
		if m, err := s.WriteTo(buf, to); err != nil || m != len(buf) {
			t.Fatalf("WriteTo = %d, %v", m, err)
		}
	}
	return at
}

// settle waits, for at most 5 seconds, until s has nothing in flight and
// r has read everything s delivered.
func settle(t testing.TB, s *Conn, r *receiver) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		st := s.Stats()
		if st.Pending == 0 && uint64(r.count()) >= st.Delivered {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("not settled after 5s: %+v, received %d", st, r.count())
		}
		time.Sleep(time.Millisecond)
	}
}

// sendSettled writes n numbered datagrams in bursts, letting each burst
// settle so that the receiver's socket buffer never overflows.
func sendSettled(t testing.TB, s *Conn, r *receiver, n, burst, size int) {
	t.Helper()
	for first := 0; first < n; first += burst {
		sendN(t, s, r.addr(), first, min(burst, n-first), size)
		settle(t, s, r)
	}
}

// waitFor polls cond every millisecond for at most timeout.
func waitFor(timeout time.Duration, cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(time.Millisecond)
	}
	return true
}

// checkAccounting checks that every datagram is counted exactly once.
func checkAccounting(t testing.TB, st Stats) {
	t.Helper()
	in := st.Written + st.Duplicated
	out := st.Lost + st.QueueDropped + st.Delivered + st.Failed + st.Discarded + st.Pending
	if in != out {
		t.Errorf("accounting: written %d + duplicated %d != lost %d + queue-dropped %d + delivered %d + failed %d + discarded %d + pending %d",
			st.Written, st.Duplicated, st.Lost, st.QueueDropped, st.Delivered, st.Failed, st.Discarded, st.Pending)
	}
}

// memConn is an in-memory net.PacketConn that counts what is written to
// it. With block set, WriteTo blocks until Close.
type memConn struct {
	block   bool
	started chan struct{} // receives once per blocked WriteTo
	closed  chan struct{}
	once    sync.Once

	writes atomic.Uint64
	bytes  atomic.Uint64
}

func newMemConn(block bool) *memConn {
	return &memConn{block: block, started: make(chan struct{}, 1), closed: make(chan struct{})}
}

var memAddr = &net.UDPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 9}

func (m *memConn) WriteTo(p []byte, _ net.Addr) (int, error) {
	return m.write(p)
}

func (m *memConn) WriteToUDPAddrPort(p []byte, _ netip.AddrPort) (int, error) {
	return m.write(p)
}

func (m *memConn) write(p []byte) (int, error) {
	if m.block {
		select {
		case m.started <- struct{}{}:
		default:
		}
		<-m.closed
	}
	select {
	case <-m.closed:
		return 0, net.ErrClosed
	default:
	}
	m.writes.Add(1)
	m.bytes.Add(uint64(len(p)))
	return len(p), nil
}

func (m *memConn) ReadFrom([]byte) (int, net.Addr, error) {
	<-m.closed
	return 0, nil, net.ErrClosed
}

func (m *memConn) Close() error {
	m.once.Do(func() { close(m.closed) })
	return nil
}

func (m *memConn) LocalAddr() net.Addr              { return memAddr }
func (m *memConn) SetDeadline(time.Time) error      { return nil }
func (m *memConn) SetReadDeadline(time.Time) error  { return nil }
func (m *memConn) SetWriteDeadline(time.Time) error { return nil }
