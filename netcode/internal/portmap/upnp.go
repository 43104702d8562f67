package portmap

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"time"

	"github.com/huin/goupnp"
	"github.com/huin/goupnp/dcps/internetgateway2"
	"github.com/huin/goupnp/soap"
)

// maxHTTPBody bounds what is read of any HTTP answer from the router.
const maxHTTPBody = 256 << 10

// UPnP error codes (IGD WANIPConnection:2 §2.5) that change what to do.
const (
	upnpConflict           = 718 // ConflictInMappingEntry: the external port is someone else's
	upnpOnlyPermanentLease = 725 // OnlyPermanentLeasesSupported: lease 0 or nothing
)

// igd is what a mapping needs of a WAN connection service: goupnp's
// WANIPConnection1, WANIPConnection2 and WANPPPConnection1 clients all
// have it.
type igd interface {
	GetExternalIPAddressCtx(ctx context.Context) (string, error)
	AddPortMappingCtx(ctx context.Context, remoteHost string, externalPort uint16, protocol string, internalPort uint16, internalClient string, enabled bool, description string, leaseSeconds uint32) error
	DeletePortMappingCtx(ctx context.Context, remoteHost string, externalPort uint16, protocol string) error
}

// upnp speaks UPnP-IGD to the gateway: an SSDP search (ssdp.go), its root
// device description over HTTP, then SOAP through goupnp's clients.
type upnp struct {
	gw, local   netip.Addr
	scope       SSDPScope
	description string

	transport *http.Transport
	http      *http.Client

	svc     igd // set by probe
	service string
	v2      *internetgateway2.WANIPConnection2 // when svc is one: AddAnyPortMapping
}

func newUPnP(gw, local netip.Addr, scope SSDPScope, description string) *upnp {
	tr := &http.Transport{
		// Straight to the router, from the address facing it: never
		// through a proxy from the environment.
		Proxy:                  nil,
		DialContext:            (&net.Dialer{LocalAddr: net.TCPAddrFromAddrPort(netip.AddrPortFrom(local, 0))}).DialContext,
		DisableKeepAlives:      true, // no connection (and goroutine) outlives a request
		MaxResponseHeaderBytes: 16 << 10,
	}
	return &upnp{
		gw: gw, local: local, scope: scope, description: description,
		transport: tr,
		http: &http.Client{
			Transport:     limitedBodies{tr},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

func (u *upnp) protocol() string { return ProtocolUPnP }

func (u *upnp) close() { u.transport.CloseIdleConnections() }

// probe finds the gateway's WAN connection service and asks it for the
// router's public address.
func (u *upnp) probe(ctx context.Context) (netip.Addr, error) {
	loc, err := discover(ctx, u.gw, u.local, u.scope)
	if err != nil {
		return netip.Addr{}, err
	}
	root, err := u.rootDevice(ctx, loc)
	if err != nil {
		return netip.Addr{}, err
	}
	if err := u.pick(root, loc); err != nil {
		return netip.Addr{}, err
	}
	s, err := u.svc.GetExternalIPAddressCtx(ctx)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%s GetExternalIPAddress: %w", u.service, err)
	}
	ext, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%s GetExternalIPAddress answered %q: %w", u.service, s, err)
	}
	return ext.Unmap(), nil
}

// rootDevice fetches and reads the root device description at loc (what
// goupnp.DeviceByURLCtx does, with this client rather than
// http.DefaultClient).
func (u *upnp) rootDevice(ctx context.Context, loc *url.URL) (*goupnp.RootDevice, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, loc.String(), nil)
	if err != nil {
		return nil, err
	}
	res, err := u.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("device description: %w", err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("device description %s: status %q", loc, res.Status)
	}
	root, err := parseRootDevice(res.Body, loc)
	if err != nil {
		return nil, fmt.Errorf("device description %s: %w", loc, err)
	}
	return root, nil
}

// parseRootDevice reads a root device description fetched from loc.
func parseRootDevice(r io.Reader, loc *url.URL) (*goupnp.RootDevice, error) {
	root := new(goupnp.RootDevice)
	dec := xml.NewDecoder(r)
	dec.DefaultSpace = goupnp.DeviceXMLNamespace
	if err := dec.Decode(root); err != nil {
		return nil, err
	}
	base := loc
	if root.URLBaseStr != "" {
		b, err := url.Parse(root.URLBaseStr)
		if err != nil {
			return nil, fmt.Errorf("URLBase %q: %w", root.URLBaseStr, err)
		}
		base = loc.ResolveReference(b)
	}
	root.SetURLBase(base)
	return root, nil
}

// pick chooses the WAN connection service to use, IGDv2's first, and
// points its SOAP client at this client, on the gateway only.
func (u *upnp) pick(root *goupnp.RootDevice, loc *url.URL) error {
	var sc *goupnp.ServiceClient
	if cs, err := internetgateway2.NewWANIPConnection2ClientsFromRootDevice(root, loc); err == nil && len(cs) > 0 {
		u.svc, u.v2, sc, u.service = cs[0], cs[0], &cs[0].ServiceClient, "WANIPConnection:2"
	} else if cs, err := internetgateway2.NewWANIPConnection1ClientsFromRootDevice(root, loc); err == nil && len(cs) > 0 {
		u.svc, sc, u.service = cs[0], &cs[0].ServiceClient, "WANIPConnection:1"
	} else if cs, err := internetgateway2.NewWANPPPConnection1ClientsFromRootDevice(root, loc); err == nil && len(cs) > 0 {
		u.svc, sc, u.service = cs[0], &cs[0].ServiceClient, "WANPPPConnection:1"
	} else {
		return fmt.Errorf("device %q at %s has no WANIPConnection or WANPPPConnection service", root.Device.FriendlyName, loc)
	}
	if err := checkGatewayURL(&sc.SOAPClient.EndpointURL, u.gw); err != nil {
		return fmt.Errorf("%s control URL: %w", u.service, err)
	}
	sc.SOAPClient.HTTPClient = *u.http
	return nil
}

func (u *upnp) add(ctx context.Context, internal, external uint16, lifetime time.Duration) (uint16, time.Duration, error) {
	if u.svc == nil {
		return 0, 0, errors.New("no UPnP service found yet")
	}
	lease := uint32(lifetime / time.Second)
	err := u.svc.AddPortMappingCtx(ctx, "", external, "UDP", internal, u.local.String(), true, u.description, lease)
	switch upnpCode(err) {
	case 0:
		if err == nil {
			return external, lifetime, nil
		}
	case upnpOnlyPermanentLease:
		// A permanent mapping: no renewal; Close removes it.
		if err = u.svc.AddPortMappingCtx(ctx, "", external, "UDP", internal, u.local.String(), true, u.description, 0); err == nil {
			return external, 0, nil
		}
	case upnpConflict:
		if u.v2 != nil {
			port, err2 := u.v2.AddAnyPortMappingCtx(ctx, "", external, "UDP", internal, u.local.String(), true, u.description, lease)
			if err2 == nil && port != 0 {
				return port, lifetime, nil
			}
			err = errors.Join(err, err2)
		}
	}
	return 0, 0, fmt.Errorf("%s AddPortMapping %d→%v:%d: %w", u.service, external, u.local, internal, err)
}

func (u *upnp) remove(ctx context.Context, _, external uint16) error {
	if u.svc == nil {
		return errors.New("no UPnP service found yet")
	}
	if err := u.svc.DeletePortMappingCtx(ctx, "", external, "UDP"); err != nil {
		return fmt.Errorf("%s DeletePortMapping %d: %w", u.service, external, err)
	}
	return nil
}

// upnpCode is the UPnP error code of a SOAP fault, or 0.
func upnpCode(err error) int {
	var fault *soap.SOAPFaultError
	if errors.As(err, &fault) {
		return fault.Detail.UPnPError.Errorcode
	}
	return 0
}

// limitedBodies cuts every answer's body at maxHTTPBody.
type limitedBodies struct{ rt http.RoundTripper }

// RoundTrip sends req and cuts the answer's body at maxHTTPBody.
func (l limitedBodies) RoundTrip(req *http.Request) (*http.Response, error) {
	res, err := l.rt.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	res.Body = struct {
		io.Reader
		io.Closer
	}{io.LimitReader(res.Body, maxHTTPBody), res.Body}
	return res, nil
}
