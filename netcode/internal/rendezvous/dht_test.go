package rendezvous

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/peerstep/peerstep/netcode/internal/rendezvous/dhttest"
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

// node runs a rendezvous Node on its own loopback socket, delivering what
// arrives; it returns the node and the socket's address.
func node(t *testing.T, bootstrap []string) (*Node, netip.AddrPort, *int) {
	sock := listen(t)
	n, err := New(Config{
		Send: func(b []byte, to netip.AddrPort) error {
			_, err := sock.WriteToUDPAddrPort(b, to)
			return err
		},
		LocalAddr:   sock.LocalAddr(),
		Bootstrap:   bootstrap,
		QueryResend: 200 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	refused := new(int)
	go func() {
		buf := make([]byte, 2048)
		for {
			k, from, err := sock.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			if !n.Deliver(buf[:k], from) {
				*refused++
			}
		}
	}()
	return n, sock.LocalAddr().(*net.UDPAddr).AddrPort(), refused
}

// TestAnnounceAndLookup: one node announces under an infohash, another
// finds it there with the address and port its socket has (the implied
// port), through a DHT of three real nodes on loopback.
func TestAnnounceAndLookup(t *testing.T) {
	d := dhttest.Start(t, listen(t), listen(t), listen(t))
	host, hostAddr, _ := node(t, d.Bootstrap())
	joiner, _, _ := node(t, d.Bootstrap())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	ih := [20]byte{1, 2, 3}
	if _, err := host.Announce(ctx, ih, 0); err != nil {
		t.Fatal(err)
	}
	// The nodes store an announced peer a moment after they answer: look
	// again until it is there, as a joiner does.
	var got []netip.AddrPort
	for i := 0; i < 100 && !slices.Contains(got, hostAddr); i++ {
		var err error
		if got, err = joiner.Lookup(ctx, ih); err != nil {
			t.Fatal(err)
		}
	}
	if !slices.Contains(got, hostAddr) {
		t.Fatalf("lookup found %v, want %v among them", got, hostAddr)
	}
	other, err := joiner.Lookup(ctx, [20]byte{9})
	if err != nil || len(other) != 0 {
		t.Errorf("lookup of another infohash: %v %v, want nothing", other, err)
	}
	if st := host.Stats(); st.Sent == 0 || st.Received == 0 {
		t.Errorf("host node stats %+v", st)
	}
}

// TestDeliverOnlyFromQueried: a KRPC datagram from an address the node never
// sent to is dropped before the DHT library sees it.
func TestDeliverOnlyFromQueried(t *testing.T) {
	n, addr, _ := node(t, []string{"127.0.0.1:1"})
	stranger := listen(t)
	ping := []byte("d1:ad2:id20:abcdefghij0123456789e1:q4:ping1:t2:aa1:y1:qe")
	if n.Deliver(ping, stranger.LocalAddr().(*net.UDPAddr).AddrPort()) {
		t.Fatal("a datagram from a stranger was taken")
	}
	if st := n.Stats(); st.Dropped != 1 || st.Received != 0 {
		t.Errorf("stats %+v, want one dropped", st)
	}
	_ = addr
}
