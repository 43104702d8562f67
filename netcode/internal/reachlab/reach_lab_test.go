//go:build netlab

package reachlab

import (
	"fmt"
	"net/netip"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/peerstep/peerstep/internal/netlab"
	"github.com/peerstep/peerstep/internal/proctest"
)

// wait bounds every Await: generous, for a loaded CI machine; nothing here
// measures time (the join times the tests log are for the docs).
const wait = 40 * time.Second

// frames each match plays before its checksum.
const frames = "300"

var (
	codeRE     = regexp.MustCompile(`^code (\S+)$`)
	dhtRE      = regexp.MustCompile(`^dht (\S+)$`)
	startedRE  = regexp.MustCompile(`^started (\d+) (\d+)$`)
	natRE      = regexp.MustCompile(`^nat public=\[(.*)\] perdest=(\w+) mapped=(\S+)$`)
	checksumRE = regexp.MustCompile(`^checksum (\d+) ([0-9a-f]+)$`)
	errorRE    = regexp.MustCompile(`^error (.*)$`)
)

// world is one lab with its internet's servers running: two DHT nodes of
// the library peerstep uses and the STUN server, and the test peer built.
type world struct {
	lab  *netlab.Lab
	bin  string
	stun []string // the STUN server's two addresses
	dht  []string // the DHT nodes
}

func newWorld(t *testing.T) *world {
	t.Helper()
	lab, err := netlab.New(t)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{lab: lab, bin: buildTestPeer(t)}
	stun, err := lab.STUNServer()
	if err != nil {
		t.Fatal(err)
	}
	// coturn answers on its second address too: two servers, as a real
	// player's defaults are, so that a per-destination NAT shows.
	other := netip.AddrPortFrom(netip.AddrFrom4([4]byte{203, 0, 113, 5}), stun.Port())
	w.stun = []string{stun.String(), other.String()}
	inet := lab.Internet()
	for _, a := range inet.Addrs[:2] {
		p := inet.Start(t, w.bin, "-dht-node", "-listen", netip.AddrPortFrom(a, 6881).String(), "-timeout", "10m")
		w.dht = append(w.dht, p.Await(t, dhtRE, wait)[1])
	}
	return w
}

// buildTestPeer builds netcode's test peer into the test's directory.
func buildTestPeer(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "testpeer")
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	out, err := exec.Command(goBin, "build", "-o", bin, "github.com/peerstep/peerstep/netcode/internal/testpeer").CombinedOutput()
	if err != nil {
		t.Fatalf("building the test peer: %v\n%s", err, out)
	}
	return bin
}

// router adds a router, failing the test if the lab cannot.
func (w *world) router(t *testing.T, name string, cfg netlab.RouterConfig) *netlab.Router {
	t.Helper()
	r, err := w.lab.Router(name, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// host adds a host behind r.
func (w *world) host(t *testing.T, name string, r *netlab.Router) *netlab.Node {
	t.Helper()
	n, err := w.lab.Host(name, r)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// internet is the Reach a real player has, pointed at the lab's servers:
// STUN, the DHT, port mapping and LAN discovery all on.
func (w *world) internet() []string {
	return []string{"-no-internet=false", "-no-lan=false",
		"-stun", strings.Join(w.stun, ","), "-dht", strings.Join(w.dht, ",")}
}

// peer starts the test peer on node n with the lab's reach and args.
func (w *world) peer(t *testing.T, n *netlab.Node, reach []string, args ...string) *proctest.Proc {
	t.Helper()
	base := []string{"-listen", "0.0.0.0:0", "-frames", frames, "-timeout", "90s", "-name", n.Name}
	return n.Start(t, w.bin, append(append(base, reach...), args...)...)
}

// hostMatch starts a host for players on n and returns it and its code.
func (w *world) hostMatch(t *testing.T, n *netlab.Node, reach []string, players int) (*proctest.Proc, string) {
	t.Helper()
	h := w.peer(t, n, reach, "-host", "-players", fmt.Sprint(players))
	code := h.Await(t, codeRE, wait)[1]
	if strings.Count(code, "-") > 6 {
		t.Fatalf("the host's code %q carries addresses: discovery is on, so it must be the short one", code)
	}
	return h, code
}

// played waits for every peer to print its checksum and checks they agree;
// it returns each peer's "nat" line and its "link" lines.
func played(t *testing.T, peers ...*proctest.Proc) (nats [][]string, links []map[int]int) {
	t.Helper()
	var sums []string
	linkRE := regexp.MustCompile(`^link (\d+) via (-?\d+)$`)
	for _, p := range peers {
		nats = append(nats, p.Await(t, natRE, wait))
		l := map[int]int{}
		for {
			line := p.Await(t, regexp.MustCompile(`^(link (\d+) via (-?\d+)|checksum (\d+) ([0-9a-f]+))$`), wait)
			if m := linkRE.FindStringSubmatch(line[0]); m != nil {
				var player, via int
				fmt.Sscan(m[1], &player)
				fmt.Sscan(m[2], &via)
				l[player] = via
				continue
			}
			if line[4] != frames {
				t.Fatalf("checksum at frame %s, want %s", line[4], frames)
			}
			sums = append(sums, line[5])
			break
		}
		links = append(links, l)
	}
	for i, s := range sums {
		if s != sums[0] {
			t.Fatalf("peer %d ended with checksum %s, peer 0 with %s: the match desynced", i, s, sums[0])
		}
	}
	for _, p := range peers {
		if err := p.Wait(wait); err != nil {
			t.Fatalf("a peer exited with %v; output:\n%s", err, p.Output())
		}
	}
	return nats, links
}

// TestPortMappedHost: a host behind a router with UPnP-IGD or NAT-PMP
// maps a port, and a joiner behind a symmetric NAT (which no punching
// gets through) reaches it there. The mapping is gone once the host
// closes.
func TestPortMappedHost(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cfg      netlab.RouterConfig
		protocol string
	}{
		{"UPnP", netlab.RouterConfig{UPnP: true}, "upnp"},
		{"NATPMP", netlab.RouterConfig{NATPMP: true}, "nat-pmp"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newWorld(t)
			ra := w.router(t, "A", tc.cfg)
			rb := w.router(t, "B", netlab.RouterConfig{NAT: netlab.MasqueradeRandomFully})
			a1, b1 := w.host(t, "A1", ra), w.host(t, "B1", rb)

			h, code := w.hostMatch(t, a1, w.internet(), 2)
			start := time.Now()
			j := w.peer(t, b1, w.internet(), "-join", code)
			j.Await(t, startedRE, wait)
			t.Logf("joined and started in %v", time.Since(start).Round(time.Millisecond))
			nats, links := played(t, h, j)

			hostNAT := nats[0]
			want := tc.protocol + ":" + ra.WAN().String() + ":"
			if !strings.HasPrefix(hostNAT[3], want) {
				t.Errorf("host's mapping %q, want %s<port>", hostNAT[3], want)
			}
			if nats[1][2] != "true" {
				t.Errorf("the joiner behind --random-fully says perdest=%s: two STUN servers saw one mapping", nats[1][2])
			}
			if via := links[1][0]; via != -1 {
				t.Errorf("the joiner's link to the host goes via %d, want direct (-1)", via)
			}
			fw, err := ra.Forwards()
			if err != nil {
				t.Fatal(err)
			}
			if len(fw) != 0 {
				t.Errorf("the router still forwards %v after the host closed", fw)
			}
		})
	}
}

// TestPunchThrough: host and joiner behind plain home routers (masquerade,
// no port mapping): the DHT tells each the other's public address, both
// send at once and the link is direct.
func TestPunchThrough(t *testing.T) {
	w := newWorld(t)
	ra := w.router(t, "A", netlab.RouterConfig{})
	rb := w.router(t, "B", netlab.RouterConfig{})
	a1, b1 := w.host(t, "A1", ra), w.host(t, "B1", rb)

	h, code := w.hostMatch(t, a1, w.internet(), 2)
	start := time.Now()
	j := w.peer(t, b1, w.internet(), "-join", code)
	// The DHT, or the host's knock after its own lookup found this
	// joiner, is how they meet: the code has no addresses.
	j.Await(t, regexp.MustCompile(`^progress trying \S+ (dht|knock)$`), wait)
	j.Await(t, startedRE, wait)
	t.Logf("joined and started in %v", time.Since(start).Round(time.Millisecond))
	nats, links := played(t, h, j)
	for i, n := range nats {
		if n[2] != "false" || n[3] != "none" {
			t.Errorf("peer %d: perdest=%s mapped=%s, want false and none behind plain masquerade", i, n[2], n[3])
		}
	}
	if want := ra.WAN().String() + ":"; !strings.HasPrefix(nats[0][1], want) {
		t.Errorf("host's public addresses %q, want its router's %s<port>", nats[0][1], want)
	}
	if via := links[1][0]; via != -1 {
		t.Errorf("link via %d, want direct", via)
	}
}

// TestSymmetricMeetsPlain: a joiner behind a symmetric NAT and a host
// behind a plain one with no port mapping: the DHT finds the host, but
// neither side can guess where to send, and the joiner says so within
// its JoinTimeout instead of hanging.
func TestSymmetricMeetsPlain(t *testing.T) {
	w := newWorld(t)
	ra := w.router(t, "A", netlab.RouterConfig{})
	rb := w.router(t, "B", netlab.RouterConfig{NAT: netlab.MasqueradeRandomFully})
	a1, b1 := w.host(t, "A1", ra), w.host(t, "B1", rb)

	h, code := w.hostMatch(t, a1, w.internet(), 2)
	j := w.peer(t, b1, w.internet(), "-join", code)
	m := j.Await(t, errorRE, wait)
	if !strings.Contains(m[1], "no answer from the host") || !strings.Contains(m[1], "neither side could reach the other") {
		t.Fatalf("joiner's error %q, want ErrHostUnreachable saying the host was found but neither side reached the other", m[1])
	}
	if !strings.Contains(m[1], ra.WAN().String()) {
		t.Errorf("joiner's error %q does not name where it found the host (%v)", m[1], ra.WAN())
	}
	t.Logf("the joiner's error: %s", m[1])
	if err := j.Wait(wait); err == nil {
		t.Error("the joiner exited 0 after failing to join")
	}
	h.Kill()
}

// TestRelay: a host behind a mapping router, two joiners each behind a
// symmetric NAT. Each reaches the host; they never reach each other, so
// the host relays their link and all three play to the same checksum.
func TestRelay(t *testing.T) {
	w := newWorld(t)
	ra := w.router(t, "A", netlab.RouterConfig{UPnP: true, NATPMP: true})
	rb := w.router(t, "B", netlab.RouterConfig{NAT: netlab.MasqueradeRandomFully})
	rc := w.router(t, "C", netlab.RouterConfig{NAT: netlab.MasqueradeRandomFully})
	a1, b1, c1 := w.host(t, "A1", ra), w.host(t, "B1", rb), w.host(t, "C1", rc)

	h, code := w.hostMatch(t, a1, w.internet(), 3)
	start := time.Now()
	j1 := w.peer(t, b1, w.internet(), "-join", code)
	j2 := w.peer(t, c1, w.internet(), "-join", code)
	for _, j := range []*proctest.Proc{j1, j2} {
		j.Await(t, startedRE, wait)
	}
	t.Logf("three players started in %v", time.Since(start).Round(time.Millisecond))
	_, links := played(t, h, j1, j2)
	// Player numbers follow the order the host let them in.
	for i, l := range links {
		for p, via := range l {
			relayed := i != 0 && p != 0 // the two joiners' link
			switch {
			case relayed && via != 0:
				t.Errorf("peer %d's link to %d goes via %d, want the host (0)", i, p, via)
			case !relayed && via != -1:
				t.Errorf("peer %d's link to %d goes via %d, want direct", i, p, via)
			}
		}
	}
}

// TestLANDiscovery: two machines on one network with no router and no
// internet: the joiner finds the host from the short code by asking the
// LAN, and they play.
func TestLANDiscovery(t *testing.T) {
	w := newWorld(t)
	hosts, err := w.lab.LAN("L1", "L2")
	if err != nil {
		t.Fatal(err)
	}
	lan := []string{"-no-internet", "-no-lan=false"}
	h, code := w.hostMatch(t, hosts[0], lan, 2)
	start := time.Now()
	j := w.peer(t, hosts[1], lan, "-join", code)
	// The LAN's answer is sealed: it proves the host at once, with no
	// "trying" step. Nothing else could have told the joiner where.
	m := j.Await(t, regexp.MustCompile(`^progress host-found (\S+)`), wait)
	if !strings.HasPrefix(m[1], hosts[0].Addr().String()+":") {
		t.Errorf("found the host at %s, want %v", m[1], hosts[0].Addr())
	}
	j.Await(t, startedRE, wait)
	t.Logf("joined and started in %v", time.Since(start).Round(time.Millisecond))
	played(t, h, j)
}
