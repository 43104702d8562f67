package netcode

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/netip"
	"strings"
	"time"
)

// Reach says how a session finds the other players and how they find it:
// on the local network, through the BitTorrent DHT (no server of ours),
// with STUN (to learn its public address) and with port mapping on the home
// router. Its zero value turns everything on, as real players want; a test
// or a LAN party turns parts off.
type Reach struct {
	// NoInternet turns off everything that talks to machines beyond the
	// local network: STUN, the DHT and port mapping. Only LAN discovery
	// and direct codes remain.
	NoInternet bool
	// NoLAN turns off discovery on the local network (multicast and
	// broadcast queries, and the host's listener for them).
	NoLAN bool
	// NoDHT, NoSTUN and NoPortMapping turn off one part each.
	NoDHT         bool
	NoSTUN        bool
	NoPortMapping bool

	// STUNServers are asked for this socket's public address, "host:port".
	// Empty means DefaultSTUNServers. Two answers that differ mean the NAT
	// maps per destination.
	STUNServers []string
	// DHTBootstrap lists the DHT nodes to start from, "host:port". Empty
	// means the DHT's well-known routers.
	DHTBootstrap []string

	// LANListen is where a host listens for LAN queries. Default
	// "0.0.0.0:47777"; several hosts on one machine share the port.
	LANListen string
	// LANQueries are where a joiner sends its LAN queries (and
	// BrowseLAN its browse queries). Default the multicast group
	// 239.255.77.77 and the broadcast address, port 47777.
	LANQueries []string
	// LANList lists a host's game on the local network: its LAN listener
	// answers BrowseLAN with the host's name, the lobby's size and the
	// share code, so that anyone on the network can join it from a list.
	// Off by default: a listed game gives its code to the whole LAN.
	LANList bool

	// Gateway is the router that port mapping asks. Zero: the system's
	// default gateway.
	Gateway netip.Addr
}

// DefaultSTUNServers are two public STUN servers of different operators.
var DefaultSTUNServers = []string{"stun.l.google.com:19302", "stun.cloudflare.com:3478"}

// Defaults of Reach.
const (
	DefaultLANPort  = 47777
	defaultLANGroup = "239.255.77.77"
)

// Local returns the Reach of a session that stays on this machine: no
// internet, no LAN discovery; only direct codes join it. Tests use it.
func Local() Reach { return Reach{NoInternet: true, NoLAN: true} }

func (r Reach) useSTUN() bool    { return !r.NoInternet && !r.NoSTUN }
func (r Reach) useDHT() bool     { return !r.NoInternet && !r.NoDHT }
func (r Reach) usePortMap() bool { return !r.NoInternet && !r.NoPortMapping }
func (r Reach) useLAN() bool     { return !r.NoLAN }

// discovers reports whether anyone can find this session from a short code.
func (r Reach) discovers() bool { return r.useDHT() || r.useLAN() }

func (r *Reach) withDefaults() error {
	if len(r.STUNServers) == 0 {
		r.STUNServers = DefaultSTUNServers
	}
	if r.LANListen == "" {
		r.LANListen = fmt.Sprintf("0.0.0.0:%d", DefaultLANPort)
	}
	if len(r.LANQueries) == 0 {
		r.LANQueries = []string{
			fmt.Sprintf("%s:%d", defaultLANGroup, DefaultLANPort),
			fmt.Sprintf("255.255.255.255:%d", DefaultLANPort),
		}
	}
	for _, s := range append(append([]string{}, r.STUNServers...), r.DHTBootstrap...) {
		if _, _, err := net.SplitHostPort(s); err != nil {
			return fmt.Errorf("%w: Reach: server %q: want host:port", ErrBadConfig, s)
		}
	}
	if _, err := netip.ParseAddrPort(r.LANListen); err != nil {
		return fmt.Errorf("%w: Reach.LANListen %q: %v", ErrBadConfig, r.LANListen, err)
	}
	for _, q := range r.LANQueries {
		if _, err := netip.ParseAddrPort(q); err != nil {
			return fmt.Errorf("%w: Reach.LANQueries %q: %v", ErrBadConfig, q, err)
		}
	}
	return nil
}

// resolveHostPort turns "host:port" into addresses: an IP literal as it
// is, a name through the system resolver.
func resolveHostPort(ctx context.Context, hostport string) ([]netip.AddrPort, error) {
	if ap, err := netip.ParseAddrPort(hostport); err == nil {
		return []netip.AddrPort{netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())}, nil
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		return nil, err
	}
	p, err := net.LookupPort("udp", port)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip4", host)
	if err != nil {
		return nil, err
	}
	var out []netip.AddrPort
	for _, ip := range ips {
		out = append(out, netip.AddrPortFrom(ip.Unmap(), uint16(p)))
	}
	return out, nil
}

// RegisterFlags adds flags for r to fs, each name after prefix: -offline
// (Local: this machine only, direct codes), -no-internet, -no-lan, -stun
// and -dht (comma-separated host:port lists), -lan-listen and -lan-query.
// Tools and the demo use them to point a session at a lab's own servers.
func (r *Reach) RegisterFlags(fs *flag.FlagSet, prefix string) {
	fs.BoolFunc(prefix+"offline", "stay on this machine: no LAN discovery and no internet (STUN, DHT, port mapping); friends join with the direct code", func(string) error {
		r.NoInternet, r.NoLAN = true, true
		return nil
	})
	fs.BoolVar(&r.NoInternet, prefix+"no-internet", r.NoInternet, "no STUN, DHT or port mapping: only the local network and direct codes")
	fs.BoolVar(&r.NoLAN, prefix+"no-lan", r.NoLAN, "no discovery on the local network")
	fs.Func(prefix+"stun", "STUN servers to ask, comma-separated `host:port` list (default: two public ones)", func(v string) error {
		r.STUNServers = splitList(v)
		return nil
	})
	fs.Func(prefix+"dht", "DHT nodes to bootstrap from, comma-separated `host:port` list (default: the DHT's well-known routers)", func(v string) error {
		r.DHTBootstrap = splitList(v)
		return nil
	})
	fs.BoolVar(&r.LANList, prefix+"lan-list", r.LANList, "list a hosted game on the local network, with its share code, for anyone there to join")
	fs.StringVar(&r.LANListen, prefix+"lan-listen", r.LANListen, "where a host listens for LAN queries, `ip:port` (default 0.0.0.0:47777)")
	fs.Func(prefix+"lan-query", "where a joiner sends LAN queries, comma-separated `ip:port` list (default the multicast group and broadcast, port 47777)", func(v string) error {
		r.LANQueries = splitList(v)
		return nil
	})
}

func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
