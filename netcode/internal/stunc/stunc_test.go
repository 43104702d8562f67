package stunc

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/pion/stun/v3"
)

func listen(t testing.TB) *net.UDPConn {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func addrOf(c *net.UDPConn) netip.AddrPort { return c.LocalAddr().(*net.UDPAddr).AddrPort() }

// serve answers Binding requests on c with answer, until c closes.
func serve(c *net.UDPConn, answer func(req []byte, from netip.AddrPort) []byte) {
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := c.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			if b := answer(buf[:n], from); b != nil {
				c.WriteToUDPAddrPort(b, from)
			}
		}
	}()
}

// client runs a Client over c, handing it whatever arrives.
func client(c *net.UDPConn) *Client {
	cl := New(func(b []byte, to netip.AddrPort) error {
		_, err := c.WriteToUDPAddrPort(b, to)
		return err
	})
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := c.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			cl.Handle(buf[:n], from)
		}
	}()
	return cl
}

func TestBind(t *testing.T) {
	srv := listen(t)
	var got int
	serve(srv, func(req []byte, from netip.AddrPort) []byte {
		got++
		if got == 1 {
			return nil // the first request is lost: the client must resend
		}
		b, _ := Answer(req, from)
		return b
	})
	sock := listen(t)
	cl := client(sock)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ap, err := cl.Bind(ctx, addrOf(srv))
	if err != nil {
		t.Fatal(err)
	}
	if ap != addrOf(sock) {
		t.Fatalf("Bind = %v, want %v", ap, addrOf(sock))
	}
	if len(cl.pending) != 0 {
		t.Errorf("%d requests still pending", len(cl.pending))
	}
}

// TestBindIgnoresForgeries: answers from another address, with another
// transaction ID, or that are no Binding success, do not count; the true
// answer still does.
func TestBindIgnoresForgeries(t *testing.T) {
	srv, forger := listen(t), listen(t)
	sock := listen(t)
	handled := make(chan bool, 16)
	cl := New(func(b []byte, to netip.AddrPort) error {
		_, err := sock.WriteToUDPAddrPort(b, to)
		return err
	})
	serve(srv, func(req []byte, from netip.AddrPort) []byte {
		m := &stun.Message{Raw: append([]byte(nil), req...)}
		if m.Decode() != nil {
			return nil
		}
		lie := netip.MustParseAddrPort("203.0.113.66:6666")
		forged, _ := Answer(req, lie)
		forger.WriteToUDPAddrPort(forged, from) // right ID, wrong sender
		other, _ := stun.Build(stun.TransactionID, stun.BindingSuccess, &stun.XORMappedAddress{IP: lie.Addr().AsSlice(), Port: 6666})
		srv.WriteToUDPAddrPort(other.Raw, from) // right sender, unknown ID
		time.Sleep(20 * time.Millisecond)       // the forgeries arrive first
		b, _ := Answer(req, from)
		return b
	})
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := sock.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			handled <- cl.Handle(buf[:n], from)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ap, err := cl.Bind(ctx, addrOf(srv))
	if err != nil {
		t.Fatal(err)
	}
	if ap != addrOf(sock) {
		t.Fatalf("Bind = %v, want %v: a forgery was believed", ap, addrOf(sock))
	}
	taken := 0
	for range 3 {
		if <-handled {
			taken++
		}
	}
	if taken != 1 {
		t.Errorf("Handle took %d of two forgeries and an answer, want 1", taken)
	}
}

func TestBindErrors(t *testing.T) {
	srv := listen(t)
	serve(srv, func(req []byte, from netip.AddrPort) []byte {
		m := &stun.Message{Raw: append([]byte(nil), req...)}
		if m.Decode() != nil {
			return nil
		}
		e, _ := stun.Build(stun.NewTransactionIDSetter(m.TransactionID), stun.BindingError, stun.CodeServerError)
		return e.Raw
	})
	cl := client(listen(t))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if _, err := cl.Bind(ctx, addrOf(srv)); !errors.Is(err, ErrBadAnswer) {
		t.Errorf("Bind to a server that answers with an error: %v, want ErrBadAnswer", err)
	}
	silent := listen(t)
	ctx, cancel = context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	if _, err := cl.Bind(ctx, addrOf(silent)); !errors.Is(err, ErrNoAnswer) {
		t.Errorf("Bind to a silent server: %v, want ErrNoAnswer", err)
	}
}

func TestLooks(t *testing.T) {
	req, _ := stun.Build(stun.TransactionID, stun.BindingRequest)
	for _, tt := range []struct {
		b    []byte
		want bool
	}{
		{req.Raw, true},
		{req.Raw[:19], false},
		{append([]byte{0x80}, req.Raw[1:]...), false},
		{[]byte("d1:ad2:id20:xxxxxxxxxxxxxxxxxxxxe1:q4:pinge"), false},
		{nil, false},
	} {
		if got := Looks(tt.b); got != tt.want {
			t.Errorf("Looks(%q) = %v", tt.b, got)
		}
	}
}

func FuzzHandle(f *testing.F) {
	req, _ := stun.Build(stun.TransactionID, stun.BindingRequest)
	ans, _ := Answer(req.Raw, netip.MustParseAddrPort("192.0.2.1:1234"))
	f.Add(req.Raw)
	f.Add(ans)
	f.Add(ans[:len(ans)-3])
	f.Add([]byte{0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12})
	from := netip.MustParseAddrPort("192.0.2.9:3478")
	f.Fuzz(func(t *testing.T, b []byte) {
		cl := New(func([]byte, netip.AddrPort) error { return nil })
		if cl.Handle(b, from) {
			t.Fatalf("Handle took %x with no request pending", b)
		}
		// A pending request for any ID the bytes carry: decoding must
		// still never panic, and an answer is either an address or none.
		if len(b) >= 20 {
			var id [12]byte
			copy(id[:], b[8:20])
			req := &request{server: from, done: make(chan netip.AddrPort, 1)}
			cl.pending[id] = req
			if cl.Handle(b, from) {
				select {
				case ap, ok := <-req.done:
					if ok && !ap.IsValid() {
						t.Fatalf("an invalid address from %x", b)
					}
				default:
					t.Fatal("Handle took an answer and said nothing")
				}
			}
		}
		Answer(b, from)
	})
}
