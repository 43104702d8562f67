// Package dhttest runs real DHT nodes (github.com/anacrolix/dht/v2, the
// library peerstep uses) for tests: a small DHT of their own that
// rendezvous can bootstrap from, on any sockets (loopback, a virtual
// network), so that no test talks to the real DHT.
package dhttest

import (
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/anacrolix/dht/v2"
	"github.com/anacrolix/dht/v2/krpc"
	peer_store "github.com/anacrolix/dht/v2/peer-store"
	alog "github.com/anacrolix/log"
	"golang.org/x/time/rate"
)

// Nodes is a running test DHT.
type Nodes struct {
	Servers []*dht.Server
	Addrs   []netip.AddrPort
}

// Start runs one DHT node on each conn, each knowing every other, until the
// test ends. The nodes answer queries like any DHT node and store the peers
// announced to them.
func Start(t testing.TB, conns ...net.PacketConn) *Nodes {
	t.Helper()
	n, err := Serve(conns...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(n.Close)
	return n
}

// Close stops the nodes.
func (n *Nodes) Close() {
	for _, s := range n.Servers {
		s.Close()
	}
}

// Serve is Start for a program: the nodes run until Close.
func Serve(conns ...net.PacketConn) (*Nodes, error) {
	n := &Nodes{}
	for _, c := range conns {
		ap, err := netip.ParseAddrPort(c.LocalAddr().String())
		if err != nil {
			return nil, fmt.Errorf("dhttest: node address %v: %v", c.LocalAddr(), err)
		}
		n.Addrs = append(n.Addrs, netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()))
	}
	for _, c := range conns {
		sc := dht.NewDefaultServerConfig()
		sc.Conn = c
		sc.NoSecurity = true
		sc.PeerStore = &peerStore{peers: map[peer_store.InfoHash][]netip.AddrPort{}}
		sc.SendLimiter = rate.NewLimiter(1000, 1000)
		sc.QueryResendDelay = func() time.Duration { return 200 * time.Millisecond }
		addrs := n.Addrs
		sc.StartingNodes = func() ([]dht.Addr, error) {
			var out []dht.Addr
			for _, a := range addrs {
				out = append(out, dht.NewAddr(net.UDPAddrFromAddrPort(a)))
			}
			return out, nil
		}
		lg := alog.NewLogger("dhttest")
		lg.Handlers = []alog.Handler{discard{}}
		sc.Logger = lg
		s, err := dht.NewServer(sc)
		if err != nil {
			n.Close()
			return nil, fmt.Errorf("dhttest: %v", err)
		}
		n.Servers = append(n.Servers, s)
	}
	// Each node knows every other from the start.
	for _, s := range n.Servers {
		for j, o := range n.Servers {
			if o == s {
				continue
			}
			var ni krpc.NodeInfo
			ni.ID = o.ID()
			ni.Addr.FromAddrPort(n.Addrs[j])
			if err := s.AddNode(ni); err != nil {
				n.Close()
				return nil, fmt.Errorf("dhttest: %v", err)
			}
		}
	}
	return n, nil
}

// Bootstrap lists the nodes as "ip:port", for rendezvous.Config.Bootstrap.
func (n *Nodes) Bootstrap() []string {
	var out []string
	for _, a := range n.Addrs {
		out = append(out, a.String())
	}
	return out
}

type discard struct{}

func (discard) Handle(alog.Record) {}

// Logger returns a slog logger for tests that want the DHT's chatter.
func Logger(t testing.TB) *slog.Logger { return slog.New(slog.NewTextHandler(testWriter{t}, nil)) }

type testWriter struct{ t testing.TB }

func (w testWriter) Write(b []byte) (int, error) { w.t.Log(string(b)); return len(b), nil }

// peerStore keeps every peer announced to a node by address and port, as
// the DHT's nodes on the internet do (the library's in-memory store keeps
// one peer per IP address, which would merge two players behind one
// router, or two test sessions on loopback).
type peerStore struct {
	mu    sync.Mutex
	peers map[peer_store.InfoHash][]netip.AddrPort
}

func (s *peerStore) AddPeer(ih peer_store.InfoHash, na krpc.NodeAddr) {
	ip, ok := netip.AddrFromSlice(na.IP)
	if !ok || na.Port <= 0 || na.Port >= 1<<16 {
		return
	}
	ap := netip.AddrPortFrom(ip.Unmap(), uint16(na.Port))
	s.mu.Lock()
	defer s.mu.Unlock()
	if !slices.Contains(s.peers[ih], ap) && len(s.peers[ih]) < 100 {
		s.peers[ih] = append(s.peers[ih], ap)
	}
}

func (s *peerStore) GetPeers(ih peer_store.InfoHash) []krpc.NodeAddr {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []krpc.NodeAddr
	for _, ap := range s.peers[ih] {
		var na krpc.NodeAddr
		na.FromAddrPort(ap)
		out = append(out, na)
	}
	return out
}
