//go:build netlab

package netlab

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pion/stun/v3"
)

func TestMain(m *testing.M) {
	Main(m, Children{
		"udp-server": udpServer,
		"udp-client": udpClient,
		"stun":       stunProbe,
		"listen":     listenLAN,
		"send":       sendOnce,
	})
}

// wait bounds every Await: generous, since a loaded CI machine is slow;
// nothing here measures time.
const wait = 20 * time.Second

func newLab(t *testing.T) *Lab {
	t.Helper()
	l, err := New(t)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func must[T any](t *testing.T) func(T, error) T {
	return func(v T, err error) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// udpServer [ADDR]: prints "listening ADDR", then "from SRC PAYLOAD" for
// each datagram, and answers each with "echo PAYLOAD".
func udpServer(c *Child) error {
	conn, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.MustParseAddrPort(c.Args[0])))
	if err != nil {
		return err
	}
	fmt.Println("listening", conn.LocalAddr())
	buf := make([]byte, 1500)
	for {
		n, from, err := conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			return err
		}
		fmt.Println("from", from, string(buf[:n]))
		if _, err := conn.WriteToUDPAddrPort(append([]byte("echo "), buf[:n]...), from); err != nil {
			return err
		}
	}
}

// udpClient: one socket on a port the system picks; prints "bound PORT",
// then "reply from SRC PAYLOAD" for every datagram that arrives. Input
// lines "send DEST PAYLOAD" send from it; "quit" ends it.
func udpClient(c *Child) error {
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{})
	if err != nil {
		return err
	}
	fmt.Println("bound", conn.LocalAddr().(*net.UDPAddr).Port)
	go func() {
		buf := make([]byte, 1500)
		for {
			n, from, err := conn.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			fmt.Println("reply from", from, string(buf[:n]))
		}
	}()
	for line := range c.Input {
		f := strings.Fields(line)
		switch {
		case len(f) == 1 && f[0] == "quit":
			return nil
		case len(f) == 3 && f[0] == "send":
			to, err := netip.ParseAddrPort(f[1])
			if err != nil {
				return err
			}
			if _, err := conn.WriteToUDPAddrPort([]byte(f[2]), to); err != nil {
				return err
			}
			fmt.Println("sent", f[2], "to", to)
		default:
			return fmt.Errorf("input %q", line)
		}
	}
	return nil
}

// stunProbe SERVER: sends a STUN Binding request from a port the system
// picks and prints "local PORT mapped ADDR" from the answer.
func stunProbe(c *Child) error {
	server := net.UDPAddrFromAddrPort(netip.MustParseAddrPort(c.Args[0]))
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{})
	if err != nil {
		return err
	}
	defer conn.Close()
	req := stun.MustBuild(stun.TransactionID, stun.BindingRequest)
	buf := make([]byte, 1500)
	for try := range 5 {
		if _, err := conn.WriteToUDP(req.Raw, server); err != nil {
			return err
		}
		if err := conn.SetReadDeadline(time.Now().Add(time.Second)); err != nil {
			return err
		}
		n, _, err := conn.ReadFromUDP(buf)
		if errors.Is(err, os.ErrDeadlineExceeded) {
			fmt.Println("no answer to try", try)
			continue
		}
		if err != nil {
			return err
		}
		res := &stun.Message{Raw: append([]byte(nil), buf[:n]...)}
		if err := res.Decode(); err != nil {
			return err
		}
		if res.TransactionID != req.TransactionID {
			return fmt.Errorf("answer to another transaction")
		}
		var xor stun.XORMappedAddress
		if err := xor.GetFrom(res); err != nil {
			return err
		}
		fmt.Println("local", conn.LocalAddr().(*net.UDPAddr).Port, "mapped", netip.AddrPortFrom(netip.AddrFrom4([4]byte(xor.IP.To4())), uint16(xor.Port)))
		return nil
	}
	return fmt.Errorf("no answer from %v", server)
}

// listenLAN GROUP:PORT BPORT: listens to multicast group GROUP:PORT and
// to broadcasts on BPORT; prints "listening", then "got SRC PAYLOAD".
func listenLAN(c *Child) error {
	group := net.UDPAddrFromAddrPort(netip.MustParseAddrPort(c.Args[0]))
	ifi, err := net.InterfaceByName("eth0")
	if err != nil {
		return err
	}
	mc, err := net.ListenMulticastUDP("udp4", ifi, group)
	if err != nil {
		return err
	}
	bc, err := net.ListenUDP("udp4", &net.UDPAddr{Port: atoi(c.Args[1])})
	if err != nil {
		return err
	}
	fmt.Println("listening")
	lines := make(chan string)
	for _, conn := range []*net.UDPConn{mc, bc} {
		go func() {
			buf := make([]byte, 1500)
			for {
				n, from, err := conn.ReadFromUDPAddrPort(buf)
				if err != nil {
					return
				}
				lines <- fmt.Sprint("got ", from.Addr(), " ", string(buf[:n]))
			}
		}()
	}
	for l := range lines {
		fmt.Println(l)
	}
	return nil
}

// sendOnce DEST PAYLOAD: sends one datagram from a new socket (broadcasts
// allowed) and prints "sent".
func sendOnce(c *Child) error {
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{})
	if err != nil {
		return err
	}
	defer conn.Close()
	raw, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := raw.Control(func(fd uintptr) {
		serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_BROADCAST, 1)
	}); err != nil || serr != nil {
		return errors.Join(err, serr)
	}
	if _, err := conn.WriteToUDPAddrPort([]byte(c.Args[1]), netip.MustParseAddrPort(c.Args[0])); err != nil {
		return err
	}
	fmt.Println("sent")
	return nil
}

func atoi(s string) int {
	var n int
	fmt.Sscan(s, &n)
	return n
}

var (
	reListening = regexp.MustCompile(`^listening`)
	reBound     = regexp.MustCompile(`^bound ([0-9]+)$`)
	reFrom      = regexp.MustCompile(`^from (\S+) (\S+)$`)
)

func TestCheck(t *testing.T) {
	if err := Check(); err != nil {
		t.Fatalf("Check() = %v on the machine that runs the lab", err)
	}
}

// TestNATMapping: a host behind a router reaches two servers at two
// addresses; both see the router's WAN address as the source. Behind
// plain masquerade they see one public port (the host's own); behind
// --random-fully each destination gets its own. The servers' answers
// come back to the host through the NAT.
func TestNATMapping(t *testing.T) {
	for _, tc := range []struct {
		nat      NAT
		samePort bool
	}{
		{Masquerade, true},
		{MasqueradeRandomFully, false},
	} {
		t.Run(tc.nat.String(), func(t *testing.T) {
			lab := newLab(t)
			a := must[*Router](t)(lab.Router("A", RouterConfig{NAT: tc.nat}))
			a1 := must[*Node](t)(lab.Host("A1", a))
			inet := lab.Internet()
			// Four destinations: two addresses, two ports each. Behind
			// --random-fully, four random ports all the same would be a
			// coincidence of about one in 10^13.
			var dests []netip.AddrPort
			var servers []*ChildProc
			for _, addr := range inet.Addrs {
				for _, port := range []uint16{7000, 7001} {
					d := netip.AddrPortFrom(addr, port)
					s := inet.StartChild(t, "udp-server", d.String())
					s.Await(t, reListening, wait)
					dests = append(dests, d)
					servers = append(servers, s)
				}
			}
			client := a1.StartChild(t, "udp-client")
			local := client.Await(t, reBound, wait)[1]
			ports := map[uint16]bool{}
			for i, d := range dests {
				payload := fmt.Sprintf("hello%d", i)
				client.Send(t, fmt.Sprintf("send %s %s", d, payload))
				m := servers[i].Await(t, reFrom, wait)
				src := netip.MustParseAddrPort(m[1])
				if src.Addr() != a.WAN() || m[2] != payload {
					t.Fatalf("server %v saw %q from %v, want from the router's WAN address %v", d, m[2], src, a.WAN())
				}
				ports[src.Port()] = true
				client.Await(t, regexp.MustCompile(`^reply from `+regexp.QuoteMeta(d.String())+` echo `+payload+`$`), wait)
			}
			t.Logf("%v: host port %s, public ports %v", tc.nat, local, ports)
			if tc.samePort && (len(ports) != 1 || !ports[uint16(atoi(local))]) {
				t.Fatalf("behind %v the public ports were %v, want only the host's port %s", tc.nat, ports, local)
			}
			if !tc.samePort && len(ports) == 1 {
				t.Fatalf("behind %v every destination saw public port %v", tc.nat, ports)
			}
		})
	}
}

// TestUnsolicitedDropped: a datagram from the internet to the public
// address and port of a host's socket, from a server the host never sent
// to, is dropped by the router (its drop counter counts it) and never
// reaches the host, while the server the host did send to still gets
// through on the same mapping.
func TestUnsolicitedDropped(t *testing.T) {
	lab := newLab(t)
	a := must[*Router](t)(lab.Router("A", RouterConfig{}))
	a1 := must[*Node](t)(lab.Host("A1", a))
	inet := lab.Internet()
	friend := netip.AddrPortFrom(inet.Addrs[0], 7000)
	server := inet.StartChild(t, "udp-server", friend.String())
	server.Await(t, reListening, wait)
	client := a1.StartChild(t, "udp-client")
	client.Await(t, reBound, wait)
	client.Send(t, "send "+friend.String()+" first")
	public := netip.MustParseAddrPort(server.Await(t, reFrom, wait)[1])
	client.Await(t, regexp.MustCompile(`^reply from \S+ echo first$`), wait)

	before := must[uint64](t)(a.WANDrops())
	intruder := inet.StartChild(t, "send", public.String(), "intruder")
	intruder.Await(t, regexp.MustCompile(`^sent$`), wait)
	dropped := false
	for range 250 { // the router counts it within moments; up to 5 s
		if n := must[uint64](t)(a.WANDrops()); n > before {
			dropped = true
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !dropped {
		t.Fatalf("the router's WAN drop counter stayed at %d after a datagram to %v from a stranger", before, public)
	}
	// The mapping still works for the friend; the stranger's datagram,
	// sent before, would have arrived before this answer.
	client.Send(t, "send "+friend.String()+" second")
	client.Await(t, regexp.MustCompile(`^reply from \S+ echo second$`), wait)
	if strings.Contains(client.Output(), "intruder") {
		t.Fatalf("the host received the stranger's datagram:\n%s", client.Output())
	}
}

// TestSTUN: a STUN Binding request from a host behind each kind of NAT
// gets back its router's public address; behind plain masquerade, with
// the host's own port.
func TestSTUN(t *testing.T) {
	lab := newLab(t)
	server := must[netip.AddrPort](t)(lab.STUNServer())
	re := regexp.MustCompile(`^local ([0-9]+) mapped (\S+)$`)
	for _, nat := range []NAT{Masquerade, MasqueradeRandomFully} {
		name := map[NAT]string{Masquerade: "A", MasqueradeRandomFully: "B"}[nat]
		r := must[*Router](t)(lab.Router(name, RouterConfig{NAT: nat}))
		h := must[*Node](t)(lab.Host(name+"1", r))
		m := h.StartChild(t, "stun", server.String()).Await(t, re, wait)
		mapped := netip.MustParseAddrPort(m[2])
		t.Logf("%v: local port %s, mapped %v", nat, m[1], mapped)
		if mapped.Addr() != r.WAN() {
			t.Fatalf("behind %v STUN answered %v, want the router's %v", nat, mapped, r.WAN())
		}
		if nat == Masquerade && fmt.Sprint(mapped.Port()) != m[1] {
			t.Fatalf("behind %v STUN answered port %d, want the host's %s", nat, mapped.Port(), m[1])
		}
	}
}

// TestLAN: on a LAN with no router, a host's multicast and broadcast
// datagrams reach the other host.
func TestLAN(t *testing.T) {
	lab := newLab(t)
	hosts := must[[]*Node](t)(lab.LAN("L1", "L2"))
	if hosts[0].Prefix != hosts[1].Prefix || hosts[0].Addr() == hosts[1].Addr() {
		t.Fatalf("LAN hosts %v and %v", hosts[0].Addrs, hosts[1].Addrs)
	}
	listener := hosts[0].StartChild(t, "listen", "239.255.77.1:9999", "9998")
	listener.Await(t, reListening, wait)
	for _, tc := range []struct{ dest, payload string }{
		{"239.255.77.1:9999", "multicast"},
		{"255.255.255.255:9998", "broadcast"},
	} {
		hosts[1].StartChild(t, "send", tc.dest, tc.payload).Await(t, regexp.MustCompile(`^sent$`), wait)
		listener.Await(t, regexp.MustCompile(`^got `+regexp.QuoteMeta(hosts[1].Addr().String())+` `+tc.payload+`$`), wait)
	}
}

// TestTeardown: when a test ends, its lab's namespaces are gone, and so is
// every process in them, even one started with Command that nobody waits
// for, and miniupnpd and the STUN server.
func TestTeardown(t *testing.T) {
	var nss []string
	var pids []int
	t.Run("lab", func(t *testing.T) {
		lab := newLab(t)
		a := must[*Router](t)(lab.Router("A", RouterConfig{UPnP: true, NATPMP: true}))
		h := must[*Node](t)(lab.Host("A1", a))
		sleeper := h.Command("sleep", "600")
		if err := sleeper.Start(); err != nil {
			t.Fatal(err)
		}
		for _, ns := range lab.Namespaces() {
			pids = append(pids, must[[]int](t)(namespacePids(ns))...)
		}
		nss = lab.Namespaces()
		if len(nss) != 3 || len(pids) < 3 { // the sleeper, miniupnpd, turnserver
			t.Fatalf("namespaces %v with processes %v", nss, pids)
		}
		go sleeper.Wait() // reap it once killed
	})
	for _, ns := range nss {
		if _, err := os.Stat("/run/netns/" + ns); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("namespace %s still exists after its test (%v)", ns, err)
		}
	}
	for _, pid := range pids {
		if processExists(pid) && !zombie(pid) {
			t.Errorf("process %d outlived its lab", pid)
		}
	}
}

// zombie reports a process that has ended but was not waited for yet.
func zombie(pid int) bool {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true // gone meanwhile
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	return i >= 0 && i+2 < len(s) && s[i+2] == 'Z'
}

// TestRouterServesMappings: a router with UPnP and NAT-PMP starts with no
// forwarding, behind either NAT (--random-fully must not touch the
// router's own STUN check), and each kind of node gets the addresses of
// the plan.
func TestRouterServesMappings(t *testing.T) {
	lab := newLab(t)
	a := must[*Router](t)(lab.Router("A", RouterConfig{UPnP: true, NATPMP: true}))
	b := must[*Router](t)(lab.Router("B", RouterConfig{NAT: MasqueradeRandomFully, NATPMP: true}))
	b1 := must[*Node](t)(lab.Host("B1", b))
	for _, r := range []*Router{a, b} {
		if fs := must[[]Forward](t)(r.Forwards()); len(fs) != 0 {
			t.Fatalf("new router %s forwards %v", r.Name, fs)
		}
	}
	if !strings.HasPrefix(a.UPnPURL(), "http://192.168.1.1:") {
		t.Fatalf("UPnPURL = %q", a.UPnPURL())
	}
	want := map[string]string{"A": "203.0.113.10", "B": "203.0.113.20", "B1": "192.168.2.2"}
	for _, n := range []*Node{a.Node, b.Node, b1} {
		if n.Addr().String() != want[n.Name] {
			t.Errorf("%s has address %v, want %s", n.Name, n.Addr(), want[n.Name])
		}
	}
	if b1.Gateway != b.LAN.Addr() {
		t.Errorf("B1's gateway is %v, want %v", b1.Gateway, b.LAN.Addr())
	}
	if _, err := lab.Host("B1", b); !errors.Is(err, ErrBadName) {
		t.Errorf("a second host B1: %v, want ErrBadName", err)
	}
}

// TestSweep: New removes the namespaces of a lab whose process died
// before its cleanup ran, and the processes left in them.
func TestSweep(t *testing.T) {
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	if processExists(gone.Process.Pid) {
		t.Fatalf("process %d still exists after it ended", gone.Process.Pid)
	}
	ns := fmt.Sprintf("%s%d-abcdef-A", labPrefix, gone.Process.Pid)
	if _, err := run("", "ip", "netns", "add", ns); err != nil {
		t.Fatal(err)
	}
	left := exec.Command("ip", "netns", "exec", ns, "sleep", "600")
	if err := left.Start(); err != nil {
		t.Fatal(err)
	}
	waited := make(chan error, 1)
	go func() { waited <- left.Wait() }()
	t.Cleanup(func() { // should the sweep fail
		_ = left.Process.Kill()
		_ = removeNamespace(ns)
	})
	newLab(t)
	if _, err := os.Stat("/run/netns/" + ns); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the dead run's namespace %s is still there (%v)", ns, err)
	}
	if err := <-waited; err == nil {
		t.Fatal("the process left in the dead run's namespace ended by itself")
	}
}
