//go:build linux

package netlab

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/peerstep/peerstep/internal/proctest"
)

// commandTimeout bounds every command that builds or tears down the lab.
const commandTimeout = 30 * time.Second

// awaitTimeout bounds the wait for a server the lab starts to be ready.
const awaitTimeout = 20 * time.Second

// Lab is a set of network namespaces wired as the internet, home routers
// and their hosts, that lives as long as the test that made it. Its
// methods are for the test's goroutine.
type Lab struct {
	t   testing.TB
	id  string // every namespace's name starts with it
	dir string // configuration files, logs, input pipes

	mu      sync.Mutex
	closed  bool
	nss     []string        // namespaces made, in order
	names   map[string]bool // node names taken
	inet    *Node
	routers []*Router
	lans    int
	stun    netip.AddrPort // zero until STUNServer started it
	fifos   int
}

// New builds an empty lab: the internet, a bridge in the namespace
// returned by Internet. It returns an error wrapping ErrUnavailable when
// Check fails. Whatever the test's outcome, its end kills every process
// left in the lab's namespaces and deletes them; it also removes the
// namespaces of earlier runs whose process died before it could.
func New(t testing.TB) (*Lab, error) {
	t.Helper()
	if err := Check(); err != nil {
		return nil, err
	}
	tag := make([]byte, 3)
	if _, err := rand.Read(tag); err != nil {
		return nil, fmt.Errorf("%w: random tag: %v", ErrSetup, err)
	}
	l := &Lab{
		t:     t,
		id:    fmt.Sprintf("%s%d-%x", labPrefix, os.Getpid(), tag),
		dir:   t.TempDir(), // before Cleanup: removed after the teardown
		names: map[string]bool{},
	}
	l.sweep()
	t.Cleanup(l.close)
	ns, err := l.addNamespace("inet")
	if err != nil {
		return nil, err
	}
	steps := [][]string{
		{"-n", ns, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0"},
		{"-n", ns, "link", "set", "br0", "up"},
	}
	for _, a := range append(append([]netip.Addr(nil), inetAddrs...), stunAddrs...) {
		steps = append(steps, []string{"-n", ns, "addr", "add", netip.PrefixFrom(a, InternetPrefix.Bits()).String(), "dev", "br0"})
	}
	if err := runAll(steps); err != nil {
		return nil, err
	}
	l.inet = &Node{Name: "inet", Namespace: ns, Iface: "br0", Addrs: inetAddrs, Prefix: InternetPrefix, lab: l}
	return l, nil
}

// Internet is the internet: the namespace holding the bridge every
// router's WAN side plugs into. A test's public servers run here, on
// Addrs (203.0.113.1 and .2); STUNServer's uses 203.0.113.4 and .5. It
// has no route out of 203.0.113.0/24.
func (l *Lab) Internet() *Node { return l.inet }

// ID is the prefix of every namespace name in this lab.
func (l *Lab) ID() string { return l.id }

// Namespaces lists the lab's namespaces, in the order they were made.
func (l *Lab) Namespaces() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.nss...)
}

// take reserves a node name.
func (l *Lab) take(name string) error {
	if err := checkName(name); err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	if l.names[name] {
		return fmt.Errorf("%w: %q is taken in this lab", ErrBadName, name)
	}
	l.names[name] = true
	return nil
}

// addNamespace makes the namespace of a node, with its loopback up, IPv6
// off and the bridge's netfilter hooks off (bridged frames are switched,
// not routed through iptables).
func (l *Lab) addNamespace(node string) (string, error) {
	ns := l.id + "-" + node
	if _, err := run("", "ip", "netns", "add", ns); err != nil {
		return "", err
	}
	l.mu.Lock()
	l.nss = append(l.nss, ns)
	l.mu.Unlock()
	err := runAll([][]string{
		{"-n", ns, "link", "set", "lo", "up"},
		{"netns", "exec", ns, "sysctl", "-q", "-e", "-w",
			"net.ipv6.conf.all.disable_ipv6=1", "net.ipv6.conf.default.disable_ipv6=1",
			"net.bridge.bridge-nf-call-iptables=0", "net.bridge.bridge-nf-call-ip6tables=0",
			"net.bridge.bridge-nf-call-arptables=0"},
	})
	return ns, err
}

// Router adds a home router named name: its WAN side on the internet, its
// LAN side a bridge for the hosts Host adds. With cfg.UPnP or cfg.NATPMP
// it also starts the lab's STUN server (miniupnpd asks it for its public
// address) and miniupnpd, and returns once miniupnpd serves mappings.
func (l *Lab) Router(name string, cfg RouterConfig) (*Router, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if err := l.take(name); err != nil {
		return nil, err
	}
	l.mu.Lock()
	i := len(l.routers) + 1
	l.mu.Unlock()
	if i > MaxRouters {
		return nil, fmt.Errorf("%w: more than %d routers", ErrFull, MaxRouters)
	}
	ns, err := l.addNamespace(name)
	if err != nil {
		return nil, err
	}
	wan, lan, inet := routerWAN(i), routerLAN(i), l.inet.Namespace
	port := "r-" + name
	err = runAll([][]string{
		{"link", "add", "wan", "netns", ns, "type", "veth", "peer", "name", port, "netns", inet},
		{"-n", inet, "link", "set", port, "master", "br0", "up"},
		{"-n", ns, "addr", "add", netip.PrefixFrom(wan, InternetPrefix.Bits()).String(), "dev", "wan"},
		{"-n", ns, "link", "set", "wan", "up"},
		{"-n", ns, "link", "add", "lan", "type", "bridge", "mcast_snooping", "0"},
		{"-n", ns, "addr", "add", lan.String(), "dev", "lan"},
		{"-n", ns, "link", "set", "lan", "up"},
		{"-n", ns, "route", "add", "default", "via", inetAddrs[0].String()},
		{"netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.ip_forward=1"},
	})
	if err != nil {
		return nil, err
	}
	if _, err := run(routerRules(cfg, lan), "ip", "netns", "exec", ns, "iptables-restore"); err != nil {
		return nil, err
	}
	r := &Router{
		Node:   &Node{Name: name, Namespace: ns, Iface: "wan", Addrs: []netip.Addr{wan}, Prefix: InternetPrefix, Gateway: inetAddrs[0], lab: l},
		LAN:    lan,
		Config: cfg,
		index:  i,
	}
	l.mu.Lock()
	l.routers = append(l.routers, r)
	l.mu.Unlock()
	if cfg.miniupnpd() {
		if err := l.startMiniupnpd(r); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Host adds a host named name on router r's LAN, with the router as its
// default gateway. Hosts of one router share its LAN bridge, so they
// reach each other directly, multicast and broadcast included.
func (l *Lab) Host(name string, r *Router) (*Node, error) {
	if r == nil || r.lab != l {
		return nil, fmt.Errorf("%w: Host needs a router of this lab", ErrSetup)
	}
	if err := l.take(name); err != nil {
		return nil, err
	}
	l.mu.Lock()
	k := r.hosts
	r.hosts++
	l.mu.Unlock()
	if k >= MaxHosts {
		return nil, fmt.Errorf("%w: more than %d hosts behind router %s", ErrFull, MaxHosts, r.Name)
	}
	return l.addHost(name, r.Namespace, "lan", hostAddr(r.LAN, k), r.LAN.Addr())
}

// LAN adds a network with no router and no way out: a switch (a bridge in
// a namespace of its own) and one host for each name, with addresses from
// 192.168.(100+j).2 up for the j-th LAN. Each host's default route points
// at its interface, so that multicast and broadcast (LAN discovery) go out
// as on a home network.
func (l *Lab) LAN(names ...string) ([]*Node, error) {
	if len(names) == 0 || len(names) > MaxHosts {
		return nil, fmt.Errorf("%w: a LAN has 1 to %d hosts, not %d", ErrSetup, MaxHosts, len(names))
	}
	for _, n := range names {
		if err := l.take(n); err != nil {
			return nil, err
		}
	}
	l.mu.Lock()
	l.lans++
	j := l.lans
	l.mu.Unlock()
	if j > MaxLANs {
		return nil, fmt.Errorf("%w: more than %d LANs", ErrFull, MaxLANs)
	}
	sw, err := l.addNamespace("sw-" + strconv.Itoa(j)) // a dash: no node's name
	if err != nil {
		return nil, err
	}
	err = runAll([][]string{
		{"-n", sw, "link", "add", "br0", "type", "bridge", "mcast_snooping", "0"},
		{"-n", sw, "link", "set", "br0", "up"},
	})
	if err != nil {
		return nil, err
	}
	var hosts []*Node
	for k, n := range names {
		h, err := l.addHost(n, sw, "br0", hostAddr(lanPrefix(j), k), netip.Addr{})
		if err != nil {
			return nil, err
		}
		hosts = append(hosts, h)
	}
	return hosts, nil
}

// addHost makes a host's namespace and plugs its eth0 into bridge in
// namespace sw. A zero gw makes the default route point at eth0 itself.
func (l *Lab) addHost(name, sw, bridge string, addr netip.Prefix, gw netip.Addr) (*Node, error) {
	ns, err := l.addNamespace(name)
	if err != nil {
		return nil, err
	}
	port := "h-" + name
	route := []string{"-n", ns, "route", "add", "default", "dev", "eth0"}
	if gw.IsValid() {
		route = []string{"-n", ns, "route", "add", "default", "via", gw.String()}
	}
	err = runAll([][]string{
		{"link", "add", "eth0", "netns", ns, "type", "veth", "peer", "name", port, "netns", sw},
		{"-n", sw, "link", "set", port, "master", bridge, "up"},
		{"-n", ns, "addr", "add", addr.String(), "dev", "eth0"},
		{"-n", ns, "link", "set", "eth0", "up"},
		route,
	})
	if err != nil {
		return nil, err
	}
	return &Node{Name: name, Namespace: ns, Iface: "eth0", Addrs: []netip.Addr{addr.Addr()}, Prefix: addr.Masked(), Gateway: gw, lab: l}, nil
}

// STUNServer starts the lab's STUN server in the internet, if it does not
// run yet, and returns its address, 203.0.113.4:3478. It is coturn's
// turnserver in STUN-only mode: it answers RFC 5389 Binding requests with
// the XOR-MAPPED-ADDRESS the request came from, and RFC 5780's change
// requests from its other address 203.0.113.5 and port 3479.
func (l *Lab) STUNServer() (netip.AddrPort, error) {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return netip.AddrPort{}, ErrClosed
	}
	addr := l.stun
	l.mu.Unlock()
	if addr.IsValid() {
		return addr, nil
	}
	conf := filepath.Join(l.dir, "turnserver.conf")
	if err := os.WriteFile(conf, []byte(coturnConf(l.dir)), 0o600); err != nil {
		return netip.AddrPort{}, fmt.Errorf("%w: %v", ErrSetup, err)
	}
	p := l.inet.Start(l.t, "turnserver", "-c", conf)
	// Ready once it listens on UDP on both addresses and both ports.
	want := map[string]bool{}
	for _, a := range stunAddrs {
		for _, port := range []int{stunPort, stunPort + 1} {
			want[netip.AddrPortFrom(a, uint16(port)).String()] = true
		}
	}
	re := regexpUDPListener
	for range 64 {
		if len(want) == 0 {
			break
		}
		m := p.Await(l.t, re, awaitTimeout)
		delete(want, m[1])
	}
	if len(want) > 0 {
		return netip.AddrPort{}, fmt.Errorf("%w: turnserver did not listen on every address; output:\n%s", ErrSetup, p.Output())
	}
	addr = netip.AddrPortFrom(stunAddrs[0], stunPort)
	l.mu.Lock()
	l.stun = addr
	l.mu.Unlock()
	return addr, nil
}

// close tears the lab down: it kills every process in its namespaces and
// deletes them, last made first. A failure fails the test: a namespace
// left behind is a leak.
func (l *Lab) close() {
	l.mu.Lock()
	l.closed = true
	nss := l.nss
	l.mu.Unlock()
	for i := len(nss) - 1; i >= 0; i-- {
		if err := removeNamespace(nss[i]); err != nil {
			l.t.Errorf("netlab: teardown: %v", err)
		}
	}
}

// sweep removes the namespaces of labs whose process has died (a test
// binary killed before its cleanup ran).
func (l *Lab) sweep() {
	entries, err := os.ReadDir("/run/netns")
	if err != nil {
		return // no namespaces at all
	}
	for _, e := range entries {
		pid, ok := staleOwner(e.Name())
		if !ok || pid == os.Getpid() || processExists(pid) {
			continue
		}
		if err := removeNamespace(e.Name()); err != nil {
			l.t.Logf("netlab: removing %s, left by process %d: %v", e.Name(), pid, err)
		} else {
			l.t.Logf("netlab: removed %s, left by process %d, which is gone", e.Name(), pid)
		}
	}
}

func processExists(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || errors.Is(err, syscall.EPERM)
}

// removeNamespace kills the processes in namespace ns, waits until they
// are gone, and deletes it.
func removeNamespace(ns string) error {
	var pids []int
	for range 100 {
		var err error
		if pids, err = namespacePids(ns); err != nil {
			return err
		}
		if len(pids) == 0 {
			break
		}
		for _, pid := range pids {
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if len(pids) > 0 {
		return fmt.Errorf("processes %v in %s outlived SIGKILL", pids, ns)
	}
	_, err := run("", "ip", "netns", "del", ns)
	return err
}

// namespacePids lists the processes in namespace ns.
func namespacePids(ns string) ([]int, error) {
	out, err := run("", "ip", "netns", "pids", ns)
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, f := range strings.Fields(out) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			return nil, fmt.Errorf("ip netns pids %s printed %q", ns, f)
		}
		pids = append(pids, pid)
	}
	return pids, nil
}

// runAll runs `ip` with each argument list in turn, up to the first failure.
func runAll(steps [][]string) error {
	for _, args := range steps {
		if _, err := run("", "ip", args...); err != nil {
			return err
		}
	}
	return nil
}

// run runs a command to its end, with stdin as its input, and returns its
// output; an error wraps ErrSetup and quotes the command and its output.
func run(stdin, name string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("%w: %s %s: %v: %s", ErrSetup, name, strings.Join(args, " "), err, strings.TrimSpace(out.String()))
	}
	return out.String(), nil
}

// startProc starts a program in namespace ns with its standard error
// folded into its standard output, so that Await sees both.
func startProc(t testing.TB, label, ns string, env []string, name string, args ...string) *proctest.Proc {
	t.Helper()
	argv := append([]string{"netns", "exec", ns, "sh", "-c", `exec "$0" "$@" 2>&1`, name}, args...)
	return proctest.Start(t, label, env, "ip", argv...)
}
