//go:build netlab

package portmap

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/huin/goupnp/dcps/internetgateway2"
	natpmp "github.com/jackpal/go-nat-pmp"
	"go.uber.org/goleak"

	"github.com/peerstep/peerstep/internal/netlab"
)

// These tests run Map against a real miniupnpd in router A of a netlab
// lab, from a child process in host A1 (a socket belongs to the namespace
// of the thread that made it), and check the router's own forwarding
// rules and real datagrams from the internet.

func TestMain(m *testing.M) {
	netlab.Main(m, netlab.Children{
		"map":       mapChild,
		"knock":     knockChild,
		"pmp-once":  pmpOnceChild,
		"upnp-once": upnpOnceChild,
	})
}

// wait bounds every Await; nothing here measures time.
const wait = 30 * time.Second

// mapChild LIFETIME TIMEOUT SCOPE: binds a UDP socket, maps its port and
// prints "mapped PROTOCOL EXTERNAL PORT after DURATION", or
// "error nomapping=BOOL after DURATION: ERR".
// It echoes every datagram ("got PAYLOAD from SRC"). On the input line
// "close" it closes the mapping ("closed ERR"), then checks that no
// goroutine is left ("leaks none").
func mapChild(c *netlab.Child) error {
	ignore := goleak.IgnoreCurrent()
	lifetime, err1 := time.ParseDuration(c.Args[0])
	timeout, err2 := time.ParseDuration(c.Args[1])
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	scope := map[string]SSDPScope{"interface": SSDPInterface, "gateway": SSDPGateway}[c.Args[2]]
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{})
	if err != nil {
		return err
	}
	port := uint16(conn.LocalAddr().(*net.UDPAddr).Port)
	log := slog.New(slog.NewTextHandler(os.Stdout, &slog.HandlerOptions{Level: slog.LevelDebug}))
	start := time.Now()
	m, err := Map(context.Background(), Config{InternalPort: port, Lifetime: lifetime, Timeout: timeout, SSDP: scope, Logger: log})
	if err != nil {
		fmt.Printf("error nomapping=%v after %v: %v\n", errors.Is(err, ErrNoMapping), time.Since(start).Round(time.Millisecond), err)
		conn.Close()
		return leaks(ignore)
	}
	fmt.Println("mapped", m.Protocol(), m.External(), port, "after", time.Since(start).Round(time.Millisecond))
	read := make(chan struct{})
	go func() {
		defer close(read)
		buf := make([]byte, 1500)
		for {
			n, from, err := conn.ReadFromUDPAddrPort(buf)
			if err != nil {
				return
			}
			fmt.Printf("got %s from %v\n", buf[:n], from)
			_, _ = conn.WriteToUDPAddrPort(append([]byte("echo "), buf[:n]...), from)
		}
	}()
	for line := range c.Input {
		if line != "close" {
			return fmt.Errorf("input %q", line)
		}
		err := m.Close()
		if again := m.Close(); again != err {
			return fmt.Errorf("a second Close returned %v, the first %v", again, err)
		}
		fmt.Println("closed", err)
		conn.Close()
		<-read
		return leaks(ignore)
	}
	return nil
}

func leaks(ignore goleak.Option) error {
	if err := goleak.Find(ignore); err != nil {
		return err
	}
	fmt.Println("leaks none")
	return nil
}

// knockChild DEST TRIES: sends "knock" to DEST from a new socket up to
// TRIES times, 250 ms apart, and prints "echoed" at the first answer, or
// "no echo".
func knockChild(c *netlab.Child) error {
	dest := netip.MustParseAddrPort(c.Args[0])
	tries, err := strconv.Atoi(c.Args[1])
	if err != nil {
		return err
	}
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{})
	if err != nil {
		return err
	}
	defer conn.Close()
	buf := make([]byte, 1500)
	for range tries {
		if _, err := conn.WriteToUDPAddrPort([]byte("knock"), dest); err != nil {
			return err
		}
		_ = conn.SetReadDeadline(time.Now().Add(250 * time.Millisecond))
		n, _, err := conn.ReadFromUDPAddrPort(buf)
		if err == nil && string(buf[:n]) == "echo knock" {
			fmt.Println("echoed")
			return nil
		}
	}
	fmt.Println("no echo")
	return nil
}

// pmpOnceChild GATEWAY PORT SECONDS: one NAT-PMP mapping with go-nat-pmp
// itself, never renewed: prints "mapped EXTERNALPORT".
func pmpOnceChild(c *netlab.Child) error {
	port, err1 := strconv.Atoi(c.Args[1])
	secs, err2 := strconv.Atoi(c.Args[2])
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	r, err := natpmp.NewClientWithTimeout(net.ParseIP(c.Args[0]), 5*time.Second).AddPortMapping("udp", port, port, secs)
	if err != nil {
		return err
	}
	fmt.Println("mapped", r.MappedExternalPort)
	return nil
}

// upnpOnceChild URL LOCALIP PORT SECONDS: one UPnP mapping with goupnp
// itself, never renewed: prints "mapped PORT".
func upnpOnceChild(c *netlab.Child) error {
	loc, err := url.Parse(c.Args[0])
	if err != nil {
		return err
	}
	port, err1 := strconv.ParseUint(c.Args[2], 10, 16)
	secs, err2 := strconv.ParseUint(c.Args[3], 10, 32)
	if err := errors.Join(err1, err2); err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	cs, err := internetgateway2.NewWANIPConnection2ClientsByURLCtx(ctx, loc)
	if err != nil || len(cs) == 0 {
		return fmt.Errorf("no WANIPConnection:2 at %s: %v", loc, err)
	}
	if err := cs[0].AddPortMappingCtx(ctx, "", uint16(port), "UDP", uint16(port), c.Args[1], true, "control", uint32(secs)); err != nil {
		return err
	}
	fmt.Println("mapped", port)
	return nil
}

var (
	reMapped = regexp.MustCompile(`^mapped (\S+) (\S+) ([0-9]+) after (\S+)$`)
	reClosed = regexp.MustCompile(`^closed (.*)$`)
	reLeaks  = regexp.MustCompile(`^leaks none$`)
	reEcho   = regexp.MustCompile(`^(echoed|no echo)$`)
	reError  = regexp.MustCompile(`^error nomapping=(\S+) after (\S+): (.*)$`)
)

// home is a lab with router A (as cfg says) and host A1.
func home(t *testing.T, cfg netlab.RouterConfig) (*netlab.Lab, *netlab.Router, *netlab.Node) {
	t.Helper()
	lab, err := netlab.New(t)
	if err != nil {
		t.Fatal(err)
	}
	a, err := lab.Router("A", cfg)
	if err != nil {
		t.Fatal(err)
	}
	a1, err := lab.Host("A1", a)
	if err != nil {
		t.Fatal(err)
	}
	return lab, a, a1
}

// forwarded reports whether router r forwards UDP external port ext to to.
func forwarded(t *testing.T, r *netlab.Router, ext uint16, to netip.AddrPort) bool {
	t.Helper()
	fs, err := r.Forwards()
	if err != nil {
		t.Fatal(err)
	}
	return slices.Contains(fs, netlab.Forward{Protocol: "udp", ExternalPort: ext, Internal: to})
}

// knock sends to dest from the internet and says whether the host echoed.
func knock(t *testing.T, lab *netlab.Lab, dest netip.AddrPort, tries int) bool {
	t.Helper()
	return lab.Internet().StartChild(t, "knock", dest.String(), strconv.Itoa(tries)).Await(t, reEcho, wait)[1] == "echoed"
}

// TestMap: against a router with NAT-PMP, UPnP or both, Map maps the
// host's port on the router's public address; the router forwards it; a
// datagram from the internet reaches the host's socket; Close removes the
// forwarding, after which a datagram is dropped at the router; nothing
// is left running in the mapping process.
func TestMap(t *testing.T) {
	for _, tc := range []struct {
		name   string
		router netlab.RouterConfig
		scope  string
		want   []string // protocols that may win
	}{
		{"nat-pmp", netlab.RouterConfig{NATPMP: true}, "interface", []string{ProtocolNATPMP}},
		{"upnp", netlab.RouterConfig{UPnP: true}, "interface", []string{ProtocolUPnP}},
		{"upnp, unicast search", netlab.RouterConfig{UPnP: true}, "gateway", []string{ProtocolUPnP}},
		{"both", netlab.RouterConfig{UPnP: true, NATPMP: true}, "interface", []string{ProtocolNATPMP, ProtocolUPnP}},
		{"both, random-fully NAT", netlab.RouterConfig{NAT: netlab.MasqueradeRandomFully, UPnP: true, NATPMP: true}, "interface", []string{ProtocolNATPMP, ProtocolUPnP}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lab, a, a1 := home(t, tc.router)
			p := a1.StartChild(t, "map", "1h", "0s", tc.scope)
			m := p.Await(t, reMapped, wait)
			proto, ext, port := m[1], netip.MustParseAddrPort(m[2]), m[3]
			internal := netip.MustParseAddrPort(a1.Addr().String() + ":" + port)
			t.Logf("%s mapped %v → %v after %s", proto, ext, internal, m[4])
			if !slices.Contains(tc.want, proto) {
				t.Fatalf("mapped with %s, want one of %v", proto, tc.want)
			}
			if ext.Addr() != a.WAN() {
				t.Fatalf("external address %v, want the router's WAN address %v", ext, a.WAN())
			}
			if !forwarded(t, a, ext.Port(), internal) {
				t.Fatalf("the router does not forward %d to %v; miniupnpd:\n%s", ext.Port(), internal, a.MiniupnpdOutput())
			}
			if !knock(t, lab, ext, 20) {
				t.Fatalf("a datagram from the internet to %v did not reach the host; host:\n%s", ext, p.Output())
			}
			p.Await(t, regexp.MustCompile(`^got knock from `+regexp.QuoteMeta(lab.Internet().Addr().String())+`:`), wait)

			p.Send(t, "close")
			if m := p.Await(t, reClosed, wait); m[1] != "<nil>" {
				t.Fatalf("Close: %s", m[1])
			}
			p.Await(t, reLeaks, wait)
			if forwarded(t, a, ext.Port(), internal) {
				t.Fatalf("the router still forwards %d to %v after Close", ext.Port(), internal)
			}
			before, err := a.WANDrops()
			if err != nil {
				t.Fatal(err)
			}
			if knock(t, lab, ext, 3) {
				t.Fatalf("a datagram to %v still reached the host after Close", ext)
			}
			if after, err := a.WANDrops(); err != nil || after < before+3 {
				t.Fatalf("the router dropped %d datagrams to the closed mapping (%v), want the 3 knocks", after-before, err)
			}
		})
	}
}

// TestLeaseRenewed: with a 4 s lease, a mapping made by Map is still on
// the router, and still forwards, after a mapping made just after it with
// the same lease and never renewed has expired there.
func TestLeaseRenewed(t *testing.T) {
	const lease = 4 * time.Second
	for _, tc := range []struct {
		name   string
		router netlab.RouterConfig
	}{
		{ProtocolNATPMP, netlab.RouterConfig{NATPMP: true}},
		{ProtocolUPnP, netlab.RouterConfig{UPnP: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			lab, a, a1 := home(t, tc.router)
			p := a1.StartChild(t, "map", lease.String(), "0s", "interface")
			m := p.Await(t, reMapped, wait)
			ext := netip.MustParseAddrPort(m[2])
			internal := netip.MustParseAddrPort(a1.Addr().String() + ":" + m[3])

			const controlPort = 40000
			control := netip.AddrPortFrom(a1.Addr(), controlPort)
			secs := strconv.Itoa(int(lease / time.Second))
			if tc.router.NATPMP {
				a1.StartChild(t, "pmp-once", a.LAN.Addr().String(), strconv.Itoa(controlPort), secs).Await(t, regexp.MustCompile(`^mapped `), wait)
			} else {
				a1.StartChild(t, "upnp-once", a.UPnPURL(), a1.Addr().String(), strconv.Itoa(controlPort), secs).Await(t, regexp.MustCompile(`^mapped `), wait)
			}
			if !forwarded(t, a, controlPort, control) {
				t.Fatalf("the control mapping is not on the router")
			}
			gone := false
			for range 300 { // the router expires it after its lease; up to 30 s
				if !forwarded(t, a, controlPort, control) {
					gone = true
					break
				}
				time.Sleep(100 * time.Millisecond)
			}
			if !gone {
				t.Fatalf("the router kept a %v mapping that nobody renewed; miniupnpd:\n%s", lease, a.MiniupnpdOutput())
			}
			if !forwarded(t, a, ext.Port(), internal) {
				t.Fatalf("the mapping %v → %v is gone from the router too; host:\n%s", ext, internal, p.Output())
			}
			p.Await(t, regexp.MustCompile(`msg="portmap: renewed"`), wait)
			if !knock(t, lab, ext, 20) {
				t.Fatalf("the renewed mapping %v does not forward", ext)
			}
			if strings.Contains(p.Output(), "renewal failed") {
				t.Fatalf("a renewal failed:\n%s", p.Output())
			}
		})
	}
}

// TestNoRouter: when nothing on the gateway answers NAT-PMP or UPnP
// (nothing listens there, or a filter drops the requests), Map returns
// ErrNoMapping, saying what each protocol got, and leaves nothing running.
func TestNoRouter(t *testing.T) {
	for _, tc := range []struct {
		name   string
		silent bool
	}{
		{"nothing listens", false},
		{"requests dropped", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, a, a1 := home(t, netlab.RouterConfig{})
			if tc.silent {
				for _, port := range []string{"5351", "1900"} {
					if out, err := a.Run("iptables", "-I", "INPUT", "-i", "lan", "-p", "udp", "--dport", port, "-j", "DROP"); err != nil {
						t.Fatalf("%v: %s", err, out)
					}
				}
			}
			p := a1.StartChild(t, "map", "1h", "1s", "interface")
			m := p.Await(t, reError, wait)
			t.Logf("after %s: %s", m[2], m[3])
			if m[1] != "true" {
				t.Fatalf("Map's error is not ErrNoMapping: %s", m[3])
			}
			for _, s := range []string{"nat-pmp: ", "upnp: ", a.LAN.Addr().String()} {
				if !strings.Contains(m[3], s) {
					t.Errorf("the error does not say %q: %s", s, m[3])
				}
			}
			p.Await(t, reLeaks, wait)
		})
	}
}
