package netlab

import (
	"fmt"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// The lab's address plan. Everything is IPv4 (IPv6 is turned off in every
// namespace, so that nothing waits for duplicate address detection):
//
//	the internet       203.0.113.0/24 (TEST-NET-3) on a bridge in the inet namespace;
//	                   inet itself holds .1 and .2 for a test's servers,
//	                   and .4 and .5 for the STUN server
//	router i (1..9)    WAN 203.0.113.(10·i), LAN 192.168.i.1/24
//	its hosts          192.168.i.2, .3, ... in the order Host made them
//	LAN j (1..9)       192.168.(100+j).0/24, hosts from .2 up, no router
var (
	// InternetPrefix is the internet's network.
	InternetPrefix = netip.MustParsePrefix("203.0.113.0/24")
)

// Limits of the address plan.
const (
	// MaxRouters is how many routers one lab holds.
	MaxRouters = 9
	// MaxLANs is how many router-less LANs one lab holds.
	MaxLANs = 9
	// MaxHosts is how many hosts one router's LAN, or one LAN, holds.
	MaxHosts = 50
	// maxNameLen bounds a node's name: it becomes part of a namespace's
	// name and of an interface's name (15 bytes at most in Linux).
	maxNameLen = 10
)

var (
	inetAddrs = []netip.Addr{netip.MustParseAddr("203.0.113.1"), netip.MustParseAddr("203.0.113.2")}
	stunAddrs = []netip.Addr{netip.MustParseAddr("203.0.113.4"), netip.MustParseAddr("203.0.113.5")}
	// stunSource is what a router with miniupnpd lets in on its WAN from
	// the STUN server: see routerRules.
	stunSource = netip.MustParsePrefix("203.0.113.4/31")
)

// stunPort is the STUN server's port (and, RFC 5780, stunPort+1 its other one).
const stunPort = 3478

func routerWAN(i int) netip.Addr { return netip.AddrFrom4([4]byte{203, 0, 113, byte(10 * i)}) }

func routerLAN(i int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 168, byte(i), 1}), 24)
}

func lanPrefix(j int) netip.Prefix {
	return netip.PrefixFrom(netip.AddrFrom4([4]byte{192, 168, byte(100 + j), 0}), 24)
}

// hostAddr is the k-th host's address (k from 0) on a /24 whose first
// address is the router's or unused.
func hostAddr(p netip.Prefix, k int) netip.Prefix {
	a := p.Masked().Addr().As4()
	a[3] = byte(k + 2)
	return netip.PrefixFrom(netip.AddrFrom4(a), p.Bits())
}

var nameRE = regexp.MustCompile(`^[A-Za-z0-9]+$`)

// checkName says what is wrong with a node's name, if anything.
func checkName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty", ErrBadName)
	case len(name) > maxNameLen:
		return fmt.Errorf("%w: %q is longer than %d bytes", ErrBadName, name, maxNameLen)
	case !nameRE.MatchString(name):
		return fmt.Errorf("%w: %q has a character other than an ASCII letter or digit", ErrBadName, name)
	case name == "inet":
		return fmt.Errorf("%w: %q is the internet's", ErrBadName, name)
	}
	return nil
}

// labPrefix starts the name of every namespace a lab makes; the process's
// ID and a random tag follow, so that two runs never collide and a
// later run can tell a dead run's namespaces (see staleOwner).
const labPrefix = "netlab-"

var staleRE = regexp.MustCompile(`^netlab-([0-9]+)-[0-9a-f]{6}-`)

// staleOwner returns the ID of the process that made a lab namespace, or
// ok false when the name is not a lab's.
func staleOwner(ns string) (pid int, ok bool) {
	m := staleRE.FindStringSubmatch(ns)
	if m == nil {
		return 0, false
	}
	pid, err := strconv.Atoi(m[1])
	return pid, err == nil && pid > 0
}

// NAT is how a router translates its hosts' addresses.
type NAT int

const (
	// Masquerade is iptables' MASQUERADE: a host's socket keeps one public
	// port for every destination (endpoint-independent mapping), the port
	// it has itself when that is free. The zero RouterConfig's.
	Masquerade NAT = iota
	// MasqueradeRandomFully is MASQUERADE --random-fully: every new
	// destination gets a new, random public port (endpoint-dependent
	// mapping, a "symmetric" NAT), which hole punching cannot guess.
	MasqueradeRandomFully
)

// String names the NAT as iptables would.
func (n NAT) String() string {
	switch n {
	case Masquerade:
		return "masquerade"
	case MasqueradeRandomFully:
		return "masquerade --random-fully"
	}
	return fmt.Sprintf("NAT(%d)", int(n))
}

// RouterConfig sets up a home router. The zero value is a router with
// plain masquerade and no port mapping service.
//
// Every router filters like a home router: from the WAN it lets in only
// replies to what its hosts sent (conntrack ESTABLISHED, RELATED) and what
// a port mapping forwards; anything else is dropped without an answer.
type RouterConfig struct {
	// NAT is the translation. Zero means Masquerade.
	NAT NAT
	// UPnP runs miniupnpd on the LAN side answering UPnP-IGD (SSDP on
	// 239.255.255.250:1900 and SOAP over HTTP).
	UPnP bool
	// NATPMP runs miniupnpd answering NAT-PMP (and PCP) on the router's
	// LAN address, port 5351.
	NATPMP bool
}

func (c RouterConfig) validate() error {
	if c.NAT != Masquerade && c.NAT != MasqueradeRandomFully {
		return fmt.Errorf("%w: unknown NAT %d", ErrSetup, int(c.NAT))
	}
	return nil
}

func (c RouterConfig) miniupnpd() bool { return c.UPnP || c.NATPMP }

// routerRules is a router's iptables-restore input, for a router whose LAN
// is lan.
func routerRules(c RouterConfig, lan netip.Prefix) string {
	var b strings.Builder
	b.WriteString("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n")
	b.WriteString("-A INPUT -i wan -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT\n")
	if c.miniupnpd() {
		// miniupnpd asks the STUN server for its public address (it will
		// not serve mappings on a WAN address in a reserved range, and
		// TEST-NET-3 is one) and checks, with RFC 5780's change requests,
		// that nothing upstream filters: the answers from the server's
		// other address and port must come in.
		fmt.Fprintf(&b, "-A INPUT -i wan -s %s -p udp -j ACCEPT\n", stunSource)
	}
	b.WriteString("-A INPUT -i wan -j DROP\n")
	b.WriteString("-A FORWARD -i wan -m conntrack --ctstate ESTABLISHED,RELATED,DNAT -j ACCEPT\n")
	b.WriteString("-A FORWARD -i wan -j DROP\n")
	b.WriteString("COMMIT\n")
	b.WriteString("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n")
	// Only the LAN's traffic: the router's own (miniupnpd's STUN check)
	// leaves from its own ports, or --random-fully would make miniupnpd
	// see a NAT upstream of itself.
	fmt.Fprintf(&b, "-A POSTROUTING -s %s -o wan -j MASQUERADE", lan.Masked())
	if c.NAT == MasqueradeRandomFully {
		b.WriteString(" --random-fully")
	}
	b.WriteString("\nCOMMIT\n")
	return b.String()
}

// miniupnpdTable is the nftables table miniupnpd fills with its rules
// (the nftables build of miniupnpd expects it to exist). Its chains only
// accept, so the router's own iptables rules still decide the rest.
const miniupnpdTable = `table inet miniupnpd {
	chain forward { type filter hook forward priority 0; policy accept; jump forward_miniupnpd; }
	chain forward_miniupnpd { }
	chain prerouting { type nat hook prerouting priority dstnat; policy accept; jump prerouting_miniupnpd; }
	chain postrouting { type nat hook postrouting priority srcnat; policy accept; jump postrouting_miniupnpd; }
	chain prerouting_miniupnpd { }
	chain postrouting_miniupnpd { }
}
`

// miniupnpdConf is a router's miniupnpd.conf.
func miniupnpdConf(c RouterConfig, lan netip.Prefix, uuid, leaseFile string) string {
	yes := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "ext_ifname=wan\nlistening_ip=lan\nhttp_port=0\nipv6_disable=yes\n")
	fmt.Fprintf(&b, "enable_upnp=%s\nenable_natpmp=%s\n", yes(c.UPnP), yes(c.NATPMP))
	fmt.Fprintf(&b, "ext_perform_stun=yes\next_stun_host=%s\next_stun_port=%d\n", stunAddrs[0], stunPort)
	fmt.Fprintf(&b, "secure_mode=yes\nsystem_uptime=no\nnotify_interval=60\nclean_ruleset_interval=0\n")
	fmt.Fprintf(&b, "uuid=%s\nlease_file=%s\n", uuid, leaseFile)
	// Short leases, so that tests can see them renewed and expire.
	fmt.Fprintf(&b, "min_lifetime=1\nmax_lifetime=86400\n")
	fmt.Fprintf(&b, "upnp_table_name=miniupnpd\nupnp_nat_table_name=miniupnpd\n")
	fmt.Fprintf(&b, "upnp_forward_chain=forward_miniupnpd\nupnp_nat_chain=prerouting_miniupnpd\nupnp_nat_postrouting_chain=postrouting_miniupnpd\n")
	fmt.Fprintf(&b, "allow 1024-65535 %s 1024-65535\ndeny 0-65535 0.0.0.0/0 0-65535\n", lan.Masked())
	return b.String()
}

// coturnConf is the STUN server's turnserver.conf: STUN only, on the two
// addresses RFC 5780's change requests need, logging to standard output.
func coturnConf(dir string) string {
	var b strings.Builder
	for _, a := range stunAddrs {
		fmt.Fprintf(&b, "listening-ip=%s\n", a)
	}
	fmt.Fprintf(&b, "listening-port=%d\nstun-only\nno-cli\nno-tls\nno-dtls\nlog-file=stdout\nsimple-log\nverbose\n", stunPort)
	fmt.Fprintf(&b, "pidfile=%s/turnserver.pid\nuserdb=%s/turndb\n", dir, dir)
	return b.String()
}

// Forward is one port forwarding a router holds for a mapping.
type Forward struct {
	// Protocol is "udp" or "tcp".
	Protocol string
	// ExternalPort is the port on the router's WAN address.
	ExternalPort uint16
	// Internal is where the router sends what arrives there.
	Internal netip.AddrPort
}

var forwardRE = regexp.MustCompile(`@nh,72,8 (0x[0-9a-f]+) th dport ([0-9]+) dnat ip to ([0-9.]+:[0-9]+)`)

// parseForwards reads the port forwardings in miniupnpd's prerouting
// chain, as `nft list chain inet miniupnpd prerouting_miniupnpd` prints it.
func parseForwards(out string) ([]Forward, error) {
	var fs []Forward
	for _, line := range strings.Split(out, "\n") {
		if !strings.Contains(line, "dnat") {
			continue
		}
		m := forwardRE.FindStringSubmatch(line)
		if m == nil {
			return nil, fmt.Errorf("netlab: a forwarding rule of a form not known: %q", strings.TrimSpace(line))
		}
		var proto string
		switch m[1] {
		case "0x11":
			proto = "udp"
		case "0x06", "0x6":
			proto = "tcp"
		default:
			return nil, fmt.Errorf("netlab: forwarding rule for IP protocol %s: %q", m[1], strings.TrimSpace(line))
		}
		port, err := strconv.ParseUint(m[2], 10, 16)
		if err != nil {
			return nil, fmt.Errorf("netlab: forwarding rule port %q: %w", m[2], err)
		}
		to, err := netip.ParseAddrPort(m[3])
		if err != nil {
			return nil, fmt.Errorf("netlab: forwarding rule target %q: %w", m[3], err)
		}
		fs = append(fs, Forward{Protocol: proto, ExternalPort: uint16(port), Internal: to})
	}
	return fs, nil
}

var dropRE = regexp.MustCompile(`^\[([0-9]+):[0-9]+\] -A (INPUT|FORWARD) -i wan -j DROP$`)

// parseWANDrops adds up the packets a router's WAN drop rules counted, from
// `iptables-save -c`.
func parseWANDrops(out string) (uint64, error) {
	var n uint64
	rules := 0
	for _, line := range strings.Split(out, "\n") {
		m := dropRE.FindStringSubmatch(strings.TrimSpace(line))
		if m == nil {
			continue
		}
		c, err := strconv.ParseUint(m[1], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("netlab: drop counter %q: %w", m[1], err)
		}
		n += c
		rules++
	}
	if rules != 2 {
		return 0, fmt.Errorf("netlab: found %d WAN drop rules in the router's iptables, want 2", rules)
	}
	return n, nil
}
