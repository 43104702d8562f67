//go:build linux

package netlab

import (
	"crypto/rand"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strconv"

	"github.com/peerstep/peerstep/internal/proctest"
)

// Router is a home router: its Node is the router's namespace, with its
// WAN address as Addr.
type Router struct {
	*Node
	// LAN is the router's LAN address and its LAN's network
	// (192.168.i.1/24 for the i-th router).
	LAN netip.Prefix
	// Config is what it was made with.
	Config RouterConfig

	index     int
	hosts     int
	upnpURL   string
	miniupnpd *proctest.Proc
}

// WAN is the router's public address on the internet.
func (r *Router) WAN() netip.Addr { return r.Addr() }

// UPnPURL is the address of miniupnpd's root device description
// ("http://192.168.i.1:PORT/rootDesc.xml"), or "" without UPnP.
func (r *Router) UPnPURL() string { return r.upnpURL }

// MiniupnpdOutput is everything miniupnpd printed so far, or "" when the
// router runs none.
func (r *Router) MiniupnpdOutput() string {
	if r.miniupnpd == nil {
		return ""
	}
	return r.miniupnpd.Output()
}

// Forwards lists the port forwardings miniupnpd holds on the router now,
// whichever protocol made them: what actually steers arriving datagrams.
func (r *Router) Forwards() ([]Forward, error) {
	if !r.Config.miniupnpd() {
		return nil, fmt.Errorf("%w: router %s runs no miniupnpd", ErrSetup, r.Name)
	}
	out, err := r.Run("nft", "list", "chain", "inet", "miniupnpd", "prerouting_miniupnpd")
	if err != nil {
		return nil, err
	}
	return parseForwards(out)
}

// WANDrops is how many packets the router has dropped on its WAN side so
// far: unsolicited ones, which reached neither the router nor a host.
func (r *Router) WANDrops() (uint64, error) {
	out, err := r.Run("iptables-save", "-c", "-t", "filter")
	if err != nil {
		return 0, err
	}
	return parseWANDrops(out)
}

var (
	regexpUDPListener = regexp.MustCompile(`UDP listener opened on: *(\S+)`)
	regexpForwarding  = regexp.MustCompile(`Port forwarding is now (enabled|disabled)`)
	regexpHTTP        = regexp.MustCompile(`HTTP listening on port ([0-9]+)`)
	regexpNATPMP      = regexp.MustCompile(`Listening for NAT-PMP/PCP traffic on port 5351`)
)

// startMiniupnpd starts miniupnpd in router r, with its nftables table,
// configuration, lease and pid files in the lab's directory, and waits
// until it serves.
func (l *Lab) startMiniupnpd(r *Router) error {
	if _, err := l.STUNServer(); err != nil {
		return err
	}
	if _, err := run(miniupnpdTable, "ip", "netns", "exec", r.Namespace, "nft", "-f", "-"); err != nil {
		return err
	}
	var u [16]byte
	if _, err := rand.Read(u[:]); err != nil {
		return fmt.Errorf("%w: uuid: %v", ErrSetup, err)
	}
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	uuid := fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
	dir := filepath.Join(l.dir, "miniupnpd-"+r.Name)
	if err := os.Mkdir(dir, 0o700); err != nil {
		return fmt.Errorf("%w: %v", ErrSetup, err)
	}
	conf := filepath.Join(dir, "miniupnpd.conf")
	if err := os.WriteFile(conf, []byte(miniupnpdConf(r.Config, r.LAN, uuid, filepath.Join(dir, "leases"))), 0o600); err != nil {
		return fmt.Errorf("%w: %v", ErrSetup, err)
	}
	// -d: in the foreground, logging to standard error; -P: its pid file
	// here, not in the machine's /var/run.
	p := r.Start(l.t, "miniupnpd", "-d", "-f", conf, "-P", filepath.Join(dir, "miniupnpd.pid"))
	r.miniupnpd = p
	if m := p.Await(l.t, regexpForwarding, awaitTimeout); m[1] != "enabled" {
		return fmt.Errorf("%w: miniupnpd in router %s will not forward ports; output:\n%s", ErrSetup, r.Name, p.Output())
	}
	if r.Config.UPnP {
		m := p.Await(l.t, regexpHTTP, awaitTimeout)
		port, err := strconv.ParseUint(m[1], 10, 16)
		if err != nil {
			return fmt.Errorf("%w: miniupnpd's HTTP port %q: %v", ErrSetup, m[1], err)
		}
		r.upnpURL = fmt.Sprintf("http://%s/rootDesc.xml", netip.AddrPortFrom(r.LAN.Addr(), uint16(port)))
	}
	if r.Config.NATPMP {
		p.Await(l.t, regexpNATPMP, awaitTimeout)
	}
	return nil
}
