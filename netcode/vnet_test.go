package netcode

import (
	"fmt"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/pion/logging"
	"github.com/pion/transport/v5/vnet"

	"github.com/peerstep/peerstep/netcode/internal/rendezvous/dhttest"
	"github.com/peerstep/peerstep/netcode/internal/stunc"
)

// An in-process internet (github.com/pion/transport's vnet): a WAN with two
// STUN servers and three DHT nodes, and home routers with NATs of any
// mapping and filtering behaviour (RFC 4787), each with one player behind
// it. Sessions run on the virtual sockets through Config.PacketConn.

// vnetBuild serialises the making of virtual routers and networks: vnet
// numbers their MAC addresses from a counter of its own that is not safe
// for concurrent use, and the matrix builds its worlds in parallel.
var vnetBuild sync.Mutex

var vnetLog = &logging.DefaultLoggerFactory{DefaultLogLevel: logging.LogLevelDisabled, ScopeLevels: map[string]logging.LogLevel{}}

// natKind is a home router's NAT.
type natKind struct {
	name      string
	mapping   vnet.EndpointDependencyType
	filtering vnet.EndpointDependencyType
	public    bool // no NAT: the player is on the WAN itself
}

var (
	natPublic = natKind{name: "public", public: true}
	natFull   = natKind{"full-cone", vnet.EndpointIndependent, vnet.EndpointIndependent, false}
	natRestr  = natKind{"restricted", vnet.EndpointIndependent, vnet.EndpointAddrDependent, false}
	natPort   = natKind{"port-restricted", vnet.EndpointIndependent, vnet.EndpointAddrPortDependent, false} // Linux MASQUERADE
	natSymAD  = natKind{"symmetric-addr", vnet.EndpointAddrDependent, vnet.EndpointAddrPortDependent, false}
	natSym    = natKind{"symmetric", vnet.EndpointAddrPortDependent, vnet.EndpointAddrPortDependent, false}
)

// vnetWorld is one virtual internet.
type vnetWorld struct {
	t       *testing.T
	wan     *vnet.Router
	routers int
	stun    []string
	dht     []string
	start   []func() error // what to start once the WAN runs
}

func newVnetWorld(t *testing.T) *vnetWorld {
	t.Helper()
	vnetBuild.Lock()
	defer vnetBuild.Unlock()
	wan, err := vnet.NewRouter(&vnet.RouterConfig{CIDR: "198.51.100.0/24", LoggerFactory: vnetLog})
	if err != nil {
		t.Fatal(err)
	}
	w := &vnetWorld{t: t, wan: wan}
	// Two STUN servers on two addresses, three DHT nodes.
	var dhtConns []net.PacketConn
	for i := range 5 {
		ip := fmt.Sprintf("198.51.100.%d", 2+i)
		n, err := vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{ip}})
		if err != nil {
			t.Fatal(err)
		}
		if err := wan.AddNet(n); err != nil {
			t.Fatal(err)
		}
		port := 3478
		if i >= 2 {
			port = 6881
		}
		c, err := n.ListenPacket("udp4", fmt.Sprintf("%s:%d", ip, port))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if i < 2 {
			w.stun = append(w.stun, c.LocalAddr().String())
			go serveSTUN(c)
		} else {
			w.dht = append(w.dht, c.LocalAddr().String())
			dhtConns = append(dhtConns, c)
		}
	}
	if err := wan.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { wan.Stop() })
	dhttest.Start(t, dhtConns...)
	return w
}

func serveSTUN(c net.PacketConn) {
	buf := make([]byte, 1500)
	for {
		n, from, err := c.ReadFrom(buf)
		if err != nil {
			return
		}
		ap := from.(*net.UDPAddr).AddrPort()
		if b, ok := stunc.Answer(buf[:n], netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())); ok {
			c.WriteTo(b, from)
		}
	}
}

// player returns the socket of a player behind a new router with NAT k.
func (w *vnetWorld) player(k natKind) net.PacketConn {
	t := w.t
	t.Helper()
	vnetBuild.Lock()
	defer vnetBuild.Unlock()
	w.routers++
	wanIP := fmt.Sprintf("198.51.100.%d", 100+w.routers)
	var n *vnet.Net
	var err error
	if k.public {
		if n, err = vnet.NewNet(&vnet.NetConfig{StaticIPs: []string{wanIP}}); err != nil {
			t.Fatal(err)
		}
		if err := w.wan.AddNet(n); err != nil {
			t.Fatal(err)
		}
	} else {
		home, err := vnet.NewRouter(&vnet.RouterConfig{
			CIDR:          fmt.Sprintf("10.%d.0.0/24", w.routers),
			StaticIPs:     []string{wanIP},
			NATType:       &vnet.NATType{MappingBehavior: k.mapping, FilteringBehavior: k.filtering, MappingLifeTime: time.Minute},
			LoggerFactory: vnetLog,
		})
		if err != nil {
			t.Fatal(err)
		}
		if n, err = vnet.NewNet(&vnet.NetConfig{}); err != nil {
			t.Fatal(err)
		}
		if err := home.AddNet(n); err != nil {
			t.Fatal(err)
		}
		if err := w.wan.AddRouter(home); err != nil {
			t.Fatal(err)
		}
		if err := home.Start(); err != nil { // the WAN's Stop stops it
			t.Fatal(err)
		}
	}
	ip := vnetIP(t, n)
	c, err := n.ListenPacket("udp4", ip.String()+":0")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// vnetIP is the address a virtual network gave its eth0.
func vnetIP(t *testing.T, n *vnet.Net) netip.Addr {
	t.Helper()
	ifs, err := n.Interfaces()
	if err != nil {
		t.Fatal(err)
	}
	for _, ifc := range ifs {
		if ifc.Name != "eth0" {
			continue
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range addrs {
			if pfx, err := netip.ParsePrefix(a.String()); err == nil {
				return pfx.Addr()
			}
			if ip, err := netip.ParseAddr(a.String()); err == nil {
				return ip
			}
		}
	}
	t.Fatal("the virtual network has no address")
	return netip.Addr{}
}

// config is a player's Config on the virtual internet: STUN and the DHT of
// the world, no LAN discovery, no port mapping.
func (w *vnetWorld) config(name string, conn net.PacketConn) *Config {
	cfg := localConfig(name, nil)
	cfg.PacketConn = conn
	cfg.Reach = Reach{NoLAN: true, NoPortMapping: true, STUNServers: w.stun, DHTBootstrap: w.dht}
	cfg.JoinTimeout = 12 * time.Second
	return cfg
}
