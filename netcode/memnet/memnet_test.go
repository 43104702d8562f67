package memnet

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func newNet(t *testing.T, cfg *Config) *Network {
	t.Helper()
	n, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func listen(t *testing.T, n *Network, addr string) *Conn {
	t.Helper()
	c, err := n.Listen(netip.MustParseAddrPort(addr))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// read reads one datagram, failing the test on an error.
func read(t *testing.T, c *Conn) (string, net.Addr) {
	t.Helper()
	buf := make([]byte, 2048)
	n, from, err := c.ReadFrom(buf)
	if err != nil {
		t.Fatalf("ReadFrom: %v", err)
	}
	return string(buf[:n]), from
}

func TestConfig(t *testing.T) {
	for _, tt := range []struct {
		cfg     *Config
		wantErr bool
		queue   int
	}{
		{nil, false, 1024},
		{&Config{}, false, 1024},
		{&Config{QueueLen: 3}, false, 3},
		{&Config{QueueLen: 1 << 20}, false, 1 << 20},
		{&Config{QueueLen: -1}, true, 0},
		{&Config{QueueLen: 1<<20 + 1}, true, 0},
	} {
		t.Run(fmt.Sprint(tt.cfg), func(t *testing.T) {
			n, err := New(tt.cfg)
			if tt.wantErr {
				if !errors.Is(err, ErrBadConfig) {
					t.Fatalf("New(%+v) = %v, want ErrBadConfig", tt.cfg, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n.cfg.QueueLen != tt.queue {
				t.Fatalf("QueueLen %d, want %d", n.cfg.QueueLen, tt.queue)
			}
		})
	}
}

func TestListenAddresses(t *testing.T) {
	for _, tt := range []struct {
		network, address string
		want             string // the bound address; "" for an error
		wantErr          error
		anyPort          bool
	}{
		{"udp", "10.0.0.1:7000", "10.0.0.1:7000", nil, false},
		{"udp", "10.0.0.1:0", "10.0.0.1", nil, true},
		{"udp", "0.0.0.0:7000", "127.0.0.1:7000", nil, false},
		{"udp", ":7000", "127.0.0.1:7000", nil, false},
		{"udp6", ":7000", "[::1]:7000", nil, false},
		{"udp", "[::]:7000", "[::1]:7000", nil, false},
		{"udp", "[::ffff:10.0.0.9]:7000", "10.0.0.9:7000", nil, false},
		{"udp", "[fe80::1%eth0]:7000", "[fe80::1]:7000", nil, false},
		{"udp4", "10.0.0.1:7001", "10.0.0.1:7001", nil, false},
		{"udp4", "[2001:db8::1]:7000", "", ErrBadAddress, false},
		{"udp6", "10.0.0.1:7000", "", ErrBadAddress, false},
		{"udp", "10.0.0.1", "", ErrBadAddress, false},
		{"udp", "host.example:7000", "", ErrBadAddress, false},
		{"udp", "10.0.0.1:70000", "", ErrBadAddress, false},
		{"tcp", "10.0.0.1:7000", "", nil, false},
	} {
		t.Run(tt.network+"/"+tt.address, func(t *testing.T) {
			n := newNet(t, nil)
			pc, err := n.ListenPacket(tt.network, tt.address)
			if tt.want == "" {
				if err == nil {
					pc.Close()
					t.Fatal("listen succeeded")
				}
				if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
					t.Fatalf("listen: %v, want %v", err, tt.wantErr)
				}
				if pc != nil {
					t.Fatalf("a failed listen returned %#v", pc)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer pc.Close()
			ua, ok := pc.LocalAddr().(*net.UDPAddr)
			if !ok {
				t.Fatalf("LocalAddr is a %T", pc.LocalAddr())
			}
			got := ua.AddrPort()
			if tt.anyPort {
				if got.Addr().String() != tt.want || got.Port() < firstEphemeral {
					t.Fatalf("bound %v, want %s and an ephemeral port", got, tt.want)
				}
				return
			}
			if got.String() != tt.want {
				t.Fatalf("bound %v, want %s", got, tt.want)
			}
		})
	}
}

func TestListenPorts(t *testing.T) {
	n := newNet(t, nil)
	a := listen(t, n, "10.0.0.1:0")
	b := listen(t, n, "10.0.0.1:0")
	if a.AddrPort() == b.AddrPort() {
		t.Fatalf("two sockets on port 0 got the same address %v", a.AddrPort())
	}
	// The same port on another address is another socket.
	listen(t, n, fmt.Sprintf("10.0.0.2:%d", a.AddrPort().Port()))
	if _, err := n.Listen(a.AddrPort()); !errors.Is(err, ErrAddrInUse) {
		t.Fatalf("second listen on %v: %v, want ErrAddrInUse", a.AddrPort(), err)
	}
	a.Close()
	c, err := n.Listen(a.AddrPort())
	if err != nil {
		t.Fatalf("listen on %v after its socket closed: %v", a.AddrPort(), err)
	}
	c.Close()
	if _, err := n.Listen(netip.AddrPort{}); !errors.Is(err, ErrBadAddress) {
		t.Fatalf("listen on the zero address: %v", err)
	}
}

func TestListenPortsRunOut(t *testing.T) {
	n := newNet(t, &Config{QueueLen: 1})
	var conns []*Conn
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	for range lastEphemeral - firstEphemeral + 1 {
		c, err := n.Listen(netip.MustParseAddrPort("10.0.0.1:0"))
		if err != nil {
			t.Fatalf("after %d sockets: %v", len(conns), err)
		}
		conns = append(conns, c)
	}
	if _, err := n.Listen(netip.MustParseAddrPort("10.0.0.1:0")); !errors.Is(err, ErrNoFreePort) {
		t.Fatalf("listen with every ephemeral port taken: %v, want ErrNoFreePort", err)
	}
	// A port that frees up is found again.
	conns[100].Close()
	c, err := n.Listen(netip.MustParseAddrPort("10.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	if c.AddrPort() != conns[100].AddrPort() {
		t.Fatalf("got %v, want the freed %v", c.AddrPort(), conns[100].AddrPort())
	}
	conns = append(conns, c)
}

func TestDelivery(t *testing.T) {
	n := newNet(t, nil)
	a := listen(t, n, "10.0.0.1:1000")
	b := listen(t, n, "10.0.0.2:2000")
	msg := []byte("hello")
	if k, err := a.WriteTo(msg, b.LocalAddr()); err != nil || k != len(msg) {
		t.Fatalf("WriteTo = %d, %v", k, err)
	}
	msg[0] = 'j' // WriteTo copied it
	if _, err := a.WriteToUDPAddrPort([]byte("second"), netip.MustParseAddrPort("[::ffff:10.0.0.2]:2000")); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"hello", "second"} {
		got, from := read(t, b)
		if got != want {
			t.Fatalf("read %q, want %q", got, want)
		}
		ua, ok := from.(*net.UDPAddr)
		if !ok || ua.AddrPort() != a.AddrPort() {
			t.Fatalf("from %v (%T), want %v", from, from, a.AddrPort())
		}
	}
	// A short buffer cuts the datagram.
	a.WriteTo([]byte("0123456789"), b.LocalAddr())
	buf := make([]byte, 4)
	if k, _, err := b.ReadFrom(buf); err != nil || string(buf[:k]) != "0123" {
		t.Fatalf("short read = %q, %v", buf[:k], err)
	}
	// A datagram to nobody is dropped, and reported sent.
	if k, err := a.WriteTo([]byte("lost"), &net.UDPAddr{IP: net.IPv4(10, 0, 0, 3), Port: 1}); err != nil || k != 4 {
		t.Fatalf("WriteTo nobody = %d, %v", k, err)
	}
	if got, want := a.Stats(), (Stats{Sent: 4, Unrouted: 1}); got != want {
		t.Errorf("sender stats %+v, want %+v", got, want)
	}
	if got, want := b.Stats(), (Stats{Received: 3}); got != want {
		t.Errorf("receiver stats %+v, want %+v", got, want)
	}
}

func TestWriteErrors(t *testing.T) {
	n := newNet(t, nil)
	a := listen(t, n, "10.0.0.1:1000")
	to := &net.UDPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 1000}
	for _, tt := range []struct {
		name string
		b    []byte
		addr net.Addr
		want error
	}{
		{"nil address", []byte("x"), nil, ErrBadAddress},
		{"nil *UDPAddr", []byte("x"), (*net.UDPAddr)(nil), ErrBadAddress},
		{"not UDP", []byte("x"), &net.TCPAddr{IP: net.IPv4(10, 0, 0, 1), Port: 1000}, ErrBadAddress},
		{"no IP", []byte("x"), &net.UDPAddr{Port: 1000}, ErrBadAddress},
		{"too large", make([]byte, MaxDatagram+1), to, ErrTooLarge},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if k, err := a.WriteTo(tt.b, tt.addr); !errors.Is(err, tt.want) || k != 0 {
				t.Fatalf("WriteTo = %d, %v, want %v", k, err, tt.want)
			}
		})
	}
	if _, err := a.WriteTo(make([]byte, MaxDatagram), to); err != nil {
		t.Fatalf("WriteTo of MaxDatagram bytes: %v", err)
	}
	if st := a.Stats(); st.Sent != 1 {
		t.Fatalf("%d datagrams counted sent, want the one that was", st.Sent)
	}
}

func TestQueueFull(t *testing.T) {
	n := newNet(t, &Config{QueueLen: 3})
	a := listen(t, n, "10.0.0.1:1000")
	b := listen(t, n, "10.0.0.2:2000")
	for i := range 5 {
		if _, err := a.WriteTo([]byte{byte(i)}, b.LocalAddr()); err != nil {
			t.Fatal(err)
		}
	}
	if st := b.Stats(); st.Overflowed != 2 {
		t.Fatalf("receiver stats %+v, want 2 overflowed", st)
	}
	for i := range 3 {
		if got, _ := read(t, b); got != string([]byte{byte(i)}) {
			t.Fatalf("read %q, want datagram %d", got, i)
		}
	}
	// Room again.
	a.WriteTo([]byte("more"), b.LocalAddr())
	if got, _ := read(t, b); got != "more" {
		t.Fatalf("read %q after draining", got)
	}
}

func TestClose(t *testing.T) {
	n := newNet(t, nil)
	a := listen(t, n, "10.0.0.1:1000")
	b := listen(t, n, "10.0.0.2:2000")
	a.WriteTo([]byte("queued"), b.LocalAddr())
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	if err := b.Close(); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("second Close: %v", err)
	}
	if _, _, err := b.ReadFrom(make([]byte, 16)); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("ReadFrom after Close: %v, want net.ErrClosed", err)
	}
	if _, err := b.WriteTo([]byte("x"), a.LocalAddr()); !errors.Is(err, net.ErrClosed) {
		t.Fatalf("WriteTo after Close: %v, want net.ErrClosed", err)
	}
	for name, set := range map[string]func(time.Time) error{"SetDeadline": b.SetDeadline, "SetReadDeadline": b.SetReadDeadline, "SetWriteDeadline": b.SetWriteDeadline} {
		if err := set(time.Now()); !errors.Is(err, net.ErrClosed) {
			t.Errorf("%s after Close: %v", name, err)
		}
	}
	// A datagram to the closed socket goes nowhere.
	a.WriteTo([]byte("late"), b.LocalAddr())
	if st := a.Stats(); st.Unrouted != 1 {
		t.Fatalf("sender stats %+v, want 1 unrouted", st)
	}
}

// TestCloseUnblocksReaders: readers waiting in ReadFrom return
// net.ErrClosed when the socket closes.
func TestCloseUnblocksReaders(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, nil)
		c, err := n.Listen(netip.MustParseAddrPort("10.0.0.1:1000"))
		if err != nil {
			t.Fatal(err)
		}
		errs := make(chan error, 3)
		for range 3 {
			go func() {
				_, _, err := c.ReadFrom(make([]byte, 16))
				errs <- err
			}()
		}
		synctest.Wait() // all three are blocked in ReadFrom
		select {
		case err := <-errs:
			t.Fatalf("a reader returned before Close: %v", err)
		default:
		}
		c.Close()
		for range 3 {
			if err := <-errs; !errors.Is(err, net.ErrClosed) {
				t.Fatalf("reader: %v, want net.ErrClosed", err)
			}
		}
	})
}

// TestReadDeadline runs in virtual time: a read waits exactly until its
// deadline, a new deadline reaches a reader already waiting, a datagram
// before the deadline is read, and a deadline removed waits for good.
func TestReadDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, nil)
		a, _ := n.Listen(netip.MustParseAddrPort("10.0.0.1:1000"))
		b, _ := n.Listen(netip.MustParseAddrPort("10.0.0.2:2000"))
		defer a.Close()
		defer b.Close()
		buf := make([]byte, 16)

		// A deadline in the past fails at once.
		b.SetReadDeadline(time.Now().Add(-time.Second))
		if _, _, err := b.ReadFrom(buf); !isTimeout(err) {
			t.Fatalf("ReadFrom past the deadline: %v, want a timeout", err)
		}

		// A deadline 250ms away: ReadFrom returns exactly then.
		start := time.Now()
		b.SetReadDeadline(start.Add(250 * time.Millisecond))
		if _, _, err := b.ReadFrom(buf); !isTimeout(err) {
			t.Fatalf("ReadFrom: %v, want a timeout", err)
		}
		if took := time.Since(start); took != 250*time.Millisecond {
			t.Fatalf("ReadFrom timed out after %v, want 250ms", took)
		}

		// A datagram sent 100ms into a 1s deadline is read at 100ms.
		start = time.Now()
		b.SetReadDeadline(start.Add(time.Second))
		go func() {
			time.Sleep(100 * time.Millisecond)
			a.WriteTo([]byte("ping"), b.LocalAddr())
		}()
		k, _, err := b.ReadFrom(buf)
		if err != nil || string(buf[:k]) != "ping" {
			t.Fatalf("ReadFrom = %q, %v", buf[:k], err)
		}
		if took := time.Since(start); took != 100*time.Millisecond {
			t.Fatalf("read the datagram after %v, want 100ms", took)
		}

		// A reader with no deadline is released by a deadline set later,
		// and SetDeadline sets the read deadline too.
		b.SetReadDeadline(time.Time{})
		done := make(chan error, 1)
		start = time.Now()
		go func() {
			_, _, err := b.ReadFrom(buf)
			done <- err
		}()
		time.Sleep(time.Hour)
		synctest.Wait()
		select {
		case err := <-done:
			t.Fatalf("a read with no deadline returned after an hour: %v", err)
		default:
		}
		b.SetDeadline(time.Now().Add(time.Minute))
		if err := <-done; !isTimeout(err) {
			t.Fatalf("waiting reader after a new deadline: %v, want a timeout", err)
		}
		if took := time.Since(start); took != time.Hour+time.Minute {
			t.Fatalf("the waiting reader timed out after %v, want 1h1m", took)
		}

		// A deadline moved later keeps a waiting reader waiting.
		b.SetReadDeadline(time.Now().Add(time.Second))
		start = time.Now()
		go func() {
			_, _, err := b.ReadFrom(buf)
			done <- err
		}()
		time.Sleep(500 * time.Millisecond)
		b.SetReadDeadline(time.Now().Add(time.Second))
		if err := <-done; !isTimeout(err) {
			t.Fatalf("reader: %v, want a timeout", err)
		}
		if took := time.Since(start); took != 1500*time.Millisecond {
			t.Fatalf("a reader whose deadline moved on timed out after %v, want 1.5s", took)
		}
	})
}

func TestWriteDeadline(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		n := newNet(t, nil)
		a, _ := n.Listen(netip.MustParseAddrPort("10.0.0.1:1000"))
		defer a.Close()
		a.SetWriteDeadline(time.Now().Add(time.Second))
		if _, err := a.WriteTo([]byte("x"), a.LocalAddr()); err != nil {
			t.Fatalf("WriteTo before the deadline: %v", err)
		}
		time.Sleep(time.Second)
		if _, err := a.WriteTo([]byte("x"), a.LocalAddr()); !isTimeout(err) {
			t.Fatalf("WriteTo at the deadline: %v, want a timeout", err)
		}
		a.SetDeadline(time.Time{})
		if _, err := a.WriteTo([]byte("x"), a.LocalAddr()); err != nil {
			t.Fatalf("WriteTo with the deadline removed: %v", err)
		}
	})
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.Is(err, os.ErrDeadlineExceeded) && errors.As(err, &ne) && ne.Timeout()
}

// TestConcurrent: many writers to one reader, under the race detector;
// every datagram of each writer arrives once, in the order it was sent.
func TestConcurrent(t *testing.T) {
	const writers, each = 8, 200
	n := newNet(t, &Config{QueueLen: writers * each})
	dst := listen(t, n, "10.0.0.1:1000")
	var wg sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src, err := n.Listen(netip.MustParseAddrPort(fmt.Sprintf("10.0.1.%d:0", w+1)))
			if err != nil {
				t.Error(err)
				return
			}
			defer src.Close()
			for i := range each {
				src.WriteTo([]byte{byte(w), byte(i), byte(i >> 8)}, dst.LocalAddr())
			}
		}()
	}
	wg.Wait()
	next := make([]int, writers)
	buf := make([]byte, 16)
	for range writers * each {
		k, from, err := dst.ReadFrom(buf)
		if err != nil || k != 3 {
			t.Fatalf("ReadFrom = %d, %v", k, err)
		}
		w, i := int(buf[0]), int(buf[1])|int(buf[2])<<8
		if want := netip.MustParseAddr(fmt.Sprintf("10.0.1.%d", w+1)); from.(*net.UDPAddr).AddrPort().Addr() != want {
			t.Fatalf("datagram of writer %d from %v", w, from)
		}
		if i != next[w] {
			t.Fatalf("writer %d: datagram %d, want %d", w, i, next[w])
		}
		next[w]++
	}
	if st := dst.Stats(); st.Received != writers*each || st.Overflowed != 0 {
		t.Fatalf("stats %+v", st)
	}
}
