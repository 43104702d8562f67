package portmap

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"strings"
	"time"

	"golang.org/x/net/ipv4"
)

// SSDP search (UPnP Device Architecture 1.1 §1.3). goupnp's own discovery
// waits out its whole timeout, in whole seconds, collecting every answer
// from every interface; Map needs the first answer from the gateway, well
// within a second, from one interface.

var (
	ssdpGroup = netip.MustParseAddrPort("239.255.255.250:1900")
	// igdTargets are the devices searched for: an IGDv2 device answers a
	// search for version 1 too, but not every one does.
	igdTargets = []string{
		"urn:schemas-upnp-org:device:InternetGatewayDevice:1",
		"urn:schemas-upnp-org:device:InternetGatewayDevice:2",
	}
)

const (
	ssdpPort = 1900
	// ssdpRetry is how long a search waits before it is sent again.
	ssdpRetry = 250 * time.Millisecond
	// maxSSDPAnswer bounds an answer read.
	maxSSDPAnswer = 2048
)

// searchRequest is an M-SEARCH for target, sent to host.
func searchRequest(host netip.AddrPort, target string) []byte {
	return fmt.Appendf(nil, "M-SEARCH * HTTP/1.1\r\nHOST: %s\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: %s\r\n\r\n", host, target)
}

// errNotGateway: an SSDP answer from someone other than the gateway.
var errNotGateway = errors.New("not from the gateway")

// parseSSDPAnswer reads an answer to a search, from address from, and
// returns the root device description's location. It takes only an
// answer from the gateway gw for an IGD, whose description is served over
// HTTP by the gateway itself.
func parseSSDPAnswer(b []byte, from, gw netip.Addr) (*url.URL, error) {
	if from.Unmap() != gw {
		return nil, fmt.Errorf("answer from %v: %w", from, errNotGateway)
	}
	res, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(b)), nil)
	if err != nil {
		return nil, fmt.Errorf("answer from %v: %w", from, err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("answer from %v: status %q", from, res.Status)
	}
	if st := res.Header.Get("ST"); !strings.HasPrefix(st, "urn:schemas-upnp-org:device:InternetGatewayDevice:") {
		return nil, fmt.Errorf("answer from %v for %q, not an Internet gateway device", from, st)
	}
	loc, err := url.Parse(res.Header.Get("LOCATION"))
	if err != nil {
		return nil, fmt.Errorf("answer from %v: location: %w", from, err)
	}
	if err := checkGatewayURL(loc, gw); err != nil {
		return nil, fmt.Errorf("answer from %v: location: %w", from, err)
	}
	return loc, nil
}

// checkGatewayURL checks that u is an http URL on the gateway itself:
// requests go nowhere else.
func checkGatewayURL(u *url.URL, gw netip.Addr) error {
	if u.Scheme != "http" {
		return fmt.Errorf("%q is not http", u)
	}
	host, err := netip.ParseAddr(u.Hostname())
	if err != nil || host.Unmap() != gw {
		return fmt.Errorf("%q is not on the gateway %v", u, gw)
	}
	return nil
}

// discover searches for the gateway's IGD and returns the location of its
// root device description, sending the search again every ssdpRetry
// until ctx ends.
func discover(ctx context.Context, gw, local netip.Addr, scope SSDPScope) (*url.URL, error) {
	conn, err := net.ListenUDP("udp4", net.UDPAddrFromAddrPort(netip.AddrPortFrom(local, 0)))
	if err != nil {
		return nil, fmt.Errorf("SSDP socket on %v: %w", local, err)
	}
	defer conn.Close()
	dests := []netip.AddrPort{netip.AddrPortFrom(gw, ssdpPort)}
	if scope == SSDPInterface {
		if err := multicastOn(conn, local); err != nil {
			return nil, err
		}
		dests = append(dests, ssdpGroup)
	}
	stop := context.AfterFunc(ctx, func() { _ = conn.SetReadDeadline(time.Unix(1, 0)) })
	defer stop()
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(DefaultTimeout)
	}
	buf := make([]byte, maxSSDPAnswer)
	var last error // the last answer that would not do
	for range 256 {
		if ctx.Err() != nil || !time.Now().Before(deadline) {
			break
		}
		for _, d := range dests {
			for _, st := range igdTargets {
				if _, err := conn.WriteToUDPAddrPort(searchRequest(d, st), d); err != nil {
					return nil, fmt.Errorf("SSDP search to %v: %w", d, err)
				}
			}
		}
		if err := conn.SetReadDeadline(minTime(time.Now().Add(ssdpRetry), deadline)); err != nil {
			return nil, err
		}
		for range 64 {
			n, from, err := conn.ReadFromUDPAddrPort(buf)
			if errors.Is(err, os.ErrDeadlineExceeded) {
				break
			}
			if err != nil {
				return nil, fmt.Errorf("SSDP: %w", err)
			}
			loc, err := parseSSDPAnswer(buf[:n], from.Addr(), gw)
			if err == nil {
				return loc, nil
			}
			last = err
		}
	}
	to := dests[0].String()
	if len(dests) > 1 {
		to += " and " + dests[1].String()
	}
	msg := fmt.Sprintf("no UPnP gateway answered an SSDP search from %v to %s", local, to)
	if last != nil {
		msg += fmt.Sprintf(" (the last answer would not do: %v)", last)
	}
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return nil, fmt.Errorf("%s: %w", msg, err)
	}
	return nil, errors.New(msg)
}

// multicastOn makes conn's multicast go out of the interface holding
// local only, one router hop at most, not looped back to this host.
func multicastOn(conn *net.UDPConn, local netip.Addr) error {
	ifi, err := interfaceOf(local)
	if err != nil {
		return err
	}
	pc := ipv4.NewPacketConn(conn)
	if err := pc.SetMulticastInterface(ifi); err != nil {
		return fmt.Errorf("SSDP multicast on %s: %w", ifi.Name, err)
	}
	if err := pc.SetMulticastTTL(2); err != nil {
		return fmt.Errorf("SSDP multicast TTL: %w", err)
	}
	if err := pc.SetMulticastLoopback(false); err != nil {
		return fmt.Errorf("SSDP multicast loopback: %w", err)
	}
	return nil
}

// interfaceOf returns the interface that holds address a.
func interfaceOf(a netip.Addr) (*net.Interface, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	for i := range ifs {
		addrs, err := ifs[i].Addrs()
		if err != nil {
			continue
		}
		for _, ad := range addrs {
			if p, err := netip.ParsePrefix(ad.String()); err == nil && p.Addr().Unmap() == a {
				return &ifs[i], nil
			}
		}
	}
	return nil, fmt.Errorf("no interface holds %v", a)
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}
