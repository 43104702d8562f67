package netsim

import (
	"encoding/binary"
	"errors"
	"fmt"
	"maps"
	"math"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

func TestLoss(t *testing.T) {
	const n = 2000
	for _, tt := range []struct {
		loss     float64
		min, max int // delivered; 0.3 allows about 5 standard deviations
	}{{0, n, n}, {0.3, 1300, 1500}, {1, 0, 0}} {
		t.Run(fmt.Sprint(tt.loss), func(t *testing.T) {
			r := newReceiver(t)
			s := newSender(t, Config{Loss: tt.loss, Seed: 2})
			sendSettled(t, s, r, n, 50, 16)
			st := s.Stats()
			copies := r.copies()
			if got := len(copies); got < tt.min || got > tt.max {
				t.Errorf("delivered %d of %d at loss %v, want %d to %d", got, n, tt.loss, tt.min, tt.max)
			}
			if uint64(len(copies)) != st.Delivered || st.Delivered != n-st.Lost || r.count() != len(copies) {
				t.Errorf("received %d (%d distinct), stats %+v", r.count(), len(copies), st)
			}
			checkAccounting(t, st)
		})
	}
}

func TestDuplicate(t *testing.T) {
	const n = 1000
	r := newReceiver(t)
	s := newSender(t, Config{Duplicate: 0.2, Seed: 3})
	sendSettled(t, s, r, n, 50, 16)
	st := s.Stats()
	twice := 0
	for seq, k := range r.copies() {
		switch k {
		case 1:
		case 2:
			twice++
		default:
			t.Fatalf("datagram %d arrived %d times", seq, k)
		}
	}
	if len(r.copies()) != n {
		t.Errorf("received %d distinct datagrams of %d", len(r.copies()), n)
	}
	if uint64(twice) != st.Duplicated {
		t.Errorf("%d datagrams arrived twice, stats say %d were duplicated", twice, st.Duplicated)
	}
	if twice < 137 || twice > 263 { // 200 ± 5 standard deviations
		t.Errorf("%d of %d duplicated at 20%%", twice, n)
	}
	checkAccounting(t, st)
}

func TestDeterministic(t *testing.T) {
	const n = 500
	run := func(seed uint64) (map[uint32]int, Stats) {
		r := newReceiver(t)
		s := newSender(t, Config{Loss: 0.3, Duplicate: 0.2, Reorder: 0.2, ReorderDelay: 5 * time.Millisecond,
			Jitter: 2 * time.Millisecond, Seed: seed})
		sendSettled(t, s, r, n, 50, 8)
		st := s.Stats()
		s.Close()
		return r.copies(), st
	}
	decisions := func(st Stats) [4]uint64 { return [4]uint64{st.Written, st.Lost, st.Duplicated, st.Reordered} }
	a, sa := run(42)
	b, sb := run(42)
	if !maps.Equal(a, b) || decisions(sa) != decisions(sb) {
		t.Fatalf("same seed, different outcomes: %+v vs %+v", sa, sb)
	}
	c, sc := run(43)
	if maps.Equal(a, c) {
		t.Fatalf("different seeds, same datagrams delivered: %+v vs %+v", sa, sc)
	}
}

func TestQueueAcceptsOneWhenIdle(t *testing.T) {
	r := newReceiver(t)
	s := newSender(t, Config{Bandwidth: 1000, QueueLimit: 100})
	sendN(t, s, r.addr(), 0, 2, 500) // the first is larger than the queue
	st := s.Stats()
	if st.QueueDropped != 1 || st.Pending+st.Delivered != 1 {
		t.Fatalf("want the first of two 500 B datagrams sent, the second dropped: %+v", st)
	}
}

func TestMaxPending(t *testing.T) {
	mc := newMemConn(true)
	s, err := Wrap(mc, Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.WriteTo([]byte("x"), memAddr); err != nil {
		t.Fatal(err)
	}
	select {
	case <-mc.started: // the scheduler is stuck writing the first datagram
	case <-time.After(5 * time.Second):
		t.Fatal("the scheduler did not write within 5s")
	}
	buf := []byte("y")
	for range MaxPending + 9 {
		if _, err := s.WriteTo(buf, memAddr); err != nil {
			t.Fatal(err)
		}
	}
	st := s.Stats()
	if st.Pending != MaxPending || st.QueueDropped != 10 {
		t.Fatalf("with the wrapped conn stuck: %+v, want %d pending and 10 dropped", st, MaxPending)
	}
	checkAccounting(t, st)
}

func TestClose(t *testing.T) {
	r := newReceiver(t)
	ignore := goleak.IgnoreCurrent()
	s, err := Listen("udp", "127.0.0.1:0", Config{Latency: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	sendN(t, s, r.addr(), 0, 5, 8)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if st := s.Stats(); st.Discarded != 5 || st.Pending != 0 {
		t.Errorf("after Close: %+v, want 5 discarded", st)
	}
	if _, err := s.WriteTo([]byte{1}, r.addr()); !errors.Is(err, net.ErrClosed) {
		t.Errorf("WriteTo after Close: %v, want net.ErrClosed", err)
	}
	if _, err := s.WriteToUDPAddrPort([]byte{1}, r.addr().(*net.UDPAddr).AddrPort()); !errors.Is(err, net.ErrClosed) {
		t.Errorf("WriteToUDPAddrPort after Close: %v, want net.ErrClosed", err)
	}
	if _, _, err := s.ReadFrom(make([]byte, 8)); !errors.Is(err, net.ErrClosed) {
		t.Errorf("ReadFrom after Close: %v, want net.ErrClosed", err)
	}
	if err := s.SetWriteDeadline(time.Now()); !errors.Is(err, net.ErrClosed) {
		t.Errorf("SetWriteDeadline after Close: %v, want net.ErrClosed", err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	goleak.VerifyNone(t, ignore)
	if r.count() != 0 {
		t.Errorf("%d datagrams delivered after Close", r.count())
	}
}

func TestCloseWhileWriting(t *testing.T) {
	r := newReceiver(t)
	ignore := goleak.IgnoreCurrent()
	s, err := Listen("udp", "127.0.0.1:0", Config{Latency: time.Millisecond, Jitter: time.Millisecond, Duplicate: 0.1})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for w := range 4 {
		wg.Go(func() {
			buf := make([]byte, 16)
			for i := range 2000 {
				binary.BigEndian.PutUint32(buf, uint32(w<<16|i))
				if _, err := s.WriteTo(buf, r.addr()); err != nil {
					errs <- err
					return
				}
				if i%50 == 0 {
					time.Sleep(100 * time.Microsecond) // let the receiver keep up
				}
			}
			errs <- nil
		})
	}
	time.Sleep(5 * time.Millisecond)
	if err := s.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	wg.Wait()
	for range 4 {
		if err := <-errs; err != nil && !errors.Is(err, net.ErrClosed) {
			t.Errorf("writer: %v", err)
		}
	}
	st := s.Stats()
	if st.Pending != 0 {
		t.Errorf("pending after Close: %+v", st)
	}
	checkAccounting(t, st)
	goleak.VerifyNone(t, ignore)
}

// Close must not wait for a wrapped conn whose write blocks.
func TestCloseInterruptsBlockedWrite(t *testing.T) {
	mc := newMemConn(true)
	s, err := Wrap(mc, Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteTo([]byte("x"), memAddr); err != nil {
		t.Fatal(err)
	}
	select {
	case <-mc.started:
	case <-time.After(5 * time.Second):
		t.Fatal("the scheduler did not write within 5s")
	}
	closed := make(chan error)
	go func() { closed <- s.Close() }()
	select {
	case err := <-closed:
		if err != nil {
			t.Fatalf("Close: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Close blocked behind the wrapped conn's write")
	}
	if st := s.Stats(); st.Discarded != 1 || st.Failed != 0 || st.Pending != 0 {
		t.Fatalf("after Close: %+v, want the blocked datagram discarded", st)
	}
}

func TestWrappedConnClosed(t *testing.T) {
	r := newReceiver(t)
	s := newSender(t, Config{Latency: time.Millisecond})
	s.Unwrap().Close()
	if _, err := s.WriteTo([]byte("hello"), r.addr()); err != nil {
		t.Fatalf("first WriteTo: %v (the closed conn is only found out when the datagram is due)", err)
	}
	if !waitFor(5*time.Second, func() bool { return s.Stats().Failed == 1 }) {
		t.Fatalf("delayed write to a closed conn not counted as failed: %+v", s.Stats())
	}
	if _, err := s.WriteTo([]byte("hello"), r.addr()); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("WriteTo once the wrapped conn is known closed: %v, want net.ErrClosed", err)
	}
	checkAccounting(t, s.Stats())
}

func TestReadPassesThrough(t *testing.T) {
	s := newSender(t, Config{Loss: 1, Latency: time.Second})
	plain, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	if s.LocalAddr().String() != s.Unwrap().LocalAddr().String() {
		t.Errorf("LocalAddr %v, wrapped %v", s.LocalAddr(), s.Unwrap().LocalAddr())
	}
	if _, err := plain.WriteTo([]byte("hello"), s.LocalAddr()); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDeadline(time.Now().Add(5 * time.Second)); err != nil {
		t.Fatal(err)
	}
	buf := make([]byte, 64)
	n, from, err := s.ReadFrom(buf)
	if err != nil {
		t.Fatal(err)
	}
	if string(buf[:n]) != "hello" || from.String() != plain.LocalAddr().String() {
		t.Fatalf("read %q from %v, want \"hello\" from %v", buf[:n], from, plain.LocalAddr())
	}
}

// WriteTo copies the datagram and the address: the caller may reuse both.
func TestWriteToCopies(t *testing.T) {
	r, other := newReceiver(t), newReceiver(t)
	s := newSender(t, Config{Latency: 20 * time.Millisecond})
	buf := make([]byte, 4)
	binary.BigEndian.PutUint32(buf, 1)
	// net.IPv4 returns the 16-byte form, which a udp4 socket rejects
	// unless it is unmapped.
	addr := &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1), Port: r.addr().(*net.UDPAddr).Port}
	if _, err := s.WriteTo(buf, addr); err != nil {
		t.Fatal(err)
	}
	binary.BigEndian.PutUint32(buf, 2)
	addr.Port = other.addr().(*net.UDPAddr).Port
	if _, err := s.WriteToUDPAddrPort(buf, r.addr().(*net.UDPAddr).AddrPort()); err != nil {
		t.Fatal(err)
	}
	settle(t, s, r)
	time.Sleep(20 * time.Millisecond)
	if got := r.copies(); !maps.Equal(got, map[uint32]int{1: 1, 2: 1}) || other.count() != 0 {
		t.Fatalf("received %v, and %d elsewhere; want datagrams 1 and 2 once each", got, other.count())
	}
	if st := s.Stats(); st.Delivered != 2 || st.DeliveredBytes != 8 || st.WrittenBytes != 8 {
		t.Fatalf("stats %+v", st)
	}
}

type otherAddr struct{}

func (otherAddr) Network() string { return "other" }
func (otherAddr) String() string  { return "elsewhere" }

func TestWriteErrors(t *testing.T) {
	s := newSender(t, Config{Latency: time.Millisecond})
	if _, err := s.WriteTo([]byte("x"), nil); err == nil {
		t.Error("WriteTo a nil address succeeded")
	}
	var nilUDP *net.UDPAddr
	if _, err := s.WriteTo([]byte("x"), nilUDP); err == nil {
		t.Error("WriteTo a nil *net.UDPAddr succeeded")
	}
	// The wrapped conn refuses the address only when the datagram is
	// due, too late to tell the caller: it is counted as failed.
	if n, err := s.WriteTo([]byte("x"), otherAddr{}); n != 1 || err != nil {
		t.Fatalf("WriteTo = %d, %v; want 1, nil", n, err)
	}
	if !waitFor(5*time.Second, func() bool { return s.Stats().Failed == 1 }) {
		t.Fatalf("write refused by the wrapped conn not counted: %+v", s.Stats())
	}
	checkAccounting(t, s.Stats())
}

func TestWriteDeadline(t *testing.T) {
	r := newReceiver(t)
	s := newSender(t, Config{})
	if err := s.SetWriteDeadline(time.Now().Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	_, err := s.WriteTo([]byte("late"), r.addr())
	var ne net.Error
	if !errors.Is(err, os.ErrDeadlineExceeded) || !errors.As(err, &ne) || !ne.Timeout() {
		t.Fatalf("WriteTo after the write deadline: %v, want a timeout", err)
	}
	if err := s.SetDeadline(time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteTo([]byte("in time"), r.addr()); err != nil {
		t.Fatalf("WriteTo before the deadline: %v", err)
	}
	if err := s.SetWriteDeadline(time.Time{}); err != nil {
		t.Fatal(err)
	}
	if st := s.Stats(); st.Written != 1 {
		t.Fatalf("stats %+v, want the one write in time counted", st)
	}
}

func TestSetConfig(t *testing.T) {
	r := newReceiver(t)
	s := newSender(t, Config{Loss: 1})
	sendN(t, s, r.addr(), 0, 10, 8)
	if st := s.Stats(); st.Lost != 10 {
		t.Fatalf("at loss 1: %+v", st)
	}
	bad := Config{Loss: 2}
	if err := s.SetConfig(bad); err == nil || s.Config() != (Config{Loss: 1}) {
		t.Fatalf("SetConfig(%+v) = %v, config now %+v", bad, err, s.Config())
	}
	good := Config{Latency: time.Millisecond}
	if err := s.SetConfig(good); err != nil || s.Config() != good {
		t.Fatalf("SetConfig(%+v) = %v, config now %+v", good, err, s.Config())
	}
	sendN(t, s, r.addr(), 10, 10, 8)
	settle(t, s, r)
	if st := s.Stats(); st.Lost != 10 || st.Delivered != 10 || r.count() != 10 {
		t.Fatalf("after SetConfig: %+v, received %d", st, r.count())
	}
	if got := s.String(); got != fmt.Sprintf("netsim.Conn(%v, 1ms)", s.LocalAddr()) {
		t.Errorf("String() = %q", got)
	}
}

// Changing the seed with SetConfig reseeds: the decisions are those of a
// Conn created with that seed. Keeping it continues the sequence.
func TestSetConfigSeed(t *testing.T) {
	pattern := func(s *Conn) string {
		var b []byte
		for range 200 {
			before := s.Stats().Lost
			if _, err := s.WriteTo([]byte("x"), memAddr); err != nil {
				t.Fatal(err)
			}
			b = append(b, byte('0'+s.Stats().Lost-before))
		}
		return string(b)
	}
	wrap := func(cfg Config) *Conn {
		s, err := Wrap(newMemConn(false), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	}
	fresh := pattern(wrap(Config{Loss: 0.5, Seed: 2}))
	s := wrap(Config{Loss: 0.5, Seed: 1})
	first := pattern(s)
	if err := s.SetConfig(Config{Loss: 0.5, Seed: 2}); err != nil {
		t.Fatal(err)
	}
	if got := pattern(s); got != fresh {
		t.Errorf("after reseeding with 2:\n%s\nfresh Conn with seed 2:\n%s", got, fresh)
	}
	s = wrap(Config{Loss: 0.5, Seed: 1})
	pattern(s)
	if err := s.SetConfig(Config{Loss: 0.5, Seed: 1, Latency: time.Millisecond}); err != nil {
		t.Fatal(err)
	}
	if got := pattern(s); got == first {
		t.Error("keeping the seed restarted the random sequence")
	}
}

func TestConcurrentUse(t *testing.T) {
	mc := newMemConn(false)
	s, err := Wrap(mc, Config{Jitter: time.Millisecond, Loss: 0.1, Duplicate: 0.1, Reorder: 0.1,
		ReorderDelay: time.Millisecond, Bandwidth: 10_000_000})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			buf := make([]byte, 100)
			for range 500 {
				if _, err := s.WriteTo(buf, memAddr); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Go(func() {
		for i := range 50 {
			s.Stats()
			if err := s.SetConfig(Config{Loss: 0.1 * float64(i%2), Latency: time.Duration(i%3) * time.Millisecond}); err != nil {
				t.Error(err)
			}
		}
	})
	wg.Wait()
	if !waitFor(5*time.Second, func() bool { return s.Stats().Pending == 0 }) {
		t.Fatalf("not delivered: %+v", s.Stats())
	}
	st := s.Stats()
	if st.Written != 4000 || st.Delivered != mc.writes.Load() || st.DeliveredBytes != mc.bytes.Load() {
		t.Errorf("stats %+v, wrapped conn got %d datagrams", st, mc.writes.Load())
	}
	checkAccounting(t, st)
}

func TestWrapErrors(t *testing.T) {
	if _, err := Wrap(nil, Config{}); err == nil {
		t.Error("Wrap(nil) succeeded")
	}
	mc := newMemConn(false)
	if _, err := Wrap(mc, Config{Loss: math.NaN()}); err == nil {
		t.Error("Wrap with an invalid Config succeeded")
	}
	if _, err := Listen("udp", "127.0.0.1:0", Config{Jitter: -1}); err == nil {
		t.Error("Listen with an invalid Config succeeded")
	}
	if _, err := Listen("nonsense", "127.0.0.1:0", Config{}); err == nil {
		t.Error("Listen on an unknown network succeeded")
	}
}
