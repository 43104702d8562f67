package portmap

import (
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/huin/goupnp/soap"
)

var gw = netip.MustParseAddr("192.168.1.1")

func ssdpAnswer(st, location string) []byte {
	return fmt.Appendf(nil, "HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=120\r\nST: %s\r\nUSN: uuid:x::%s\r\nEXT:\r\nSERVER: Debian UPnP/1.1 MiniUPnPd/2.3.1\r\nLOCATION: %s\r\n\r\n", st, st, location)
}

func TestParseSSDPAnswer(t *testing.T) {
	igd1 := "urn:schemas-upnp-org:device:InternetGatewayDevice:1"
	for _, tc := range []struct {
		name string
		b    []byte
		from netip.Addr
		want string // location, or "" for an error
		says string
	}{
		{"miniupnpd", ssdpAnswer(igd1, "http://192.168.1.1:40001/rootDesc.xml"), gw, "http://192.168.1.1:40001/rootDesc.xml", ""},
		{"IGDv2", ssdpAnswer("urn:schemas-upnp-org:device:InternetGatewayDevice:2", "http://192.168.1.1/d.xml"), gw, "http://192.168.1.1/d.xml", ""},
		{"mapped source", ssdpAnswer(igd1, "http://192.168.1.1:1/x"), netip.MustParseAddr("::ffff:192.168.1.1"), "http://192.168.1.1:1/x", ""},
		{"another host", ssdpAnswer(igd1, "http://192.168.1.7:1/x"), netip.MustParseAddr("192.168.1.7"), "", "not from the gateway"},
		{"location elsewhere", ssdpAnswer(igd1, "http://10.0.0.1:1/x"), gw, "", "not on the gateway"},
		{"location by name", ssdpAnswer(igd1, "http://router.lan:1/x"), gw, "", "not on the gateway"},
		{"https location", ssdpAnswer(igd1, "https://192.168.1.1:1/x"), gw, "", "not http"},
		{"a media server", ssdpAnswer("urn:schemas-upnp-org:device:MediaServer:1", "http://192.168.1.1:1/x"), gw, "", "not an Internet gateway device"},
		{"an M-SEARCH", searchRequest(netip.MustParseAddrPort("192.168.1.1:1900"), igd1), gw, "", "malformed HTTP"},
		{"not found", []byte("HTTP/1.1 404 Not Found\r\n\r\n"), gw, "", "404"},
		{"garbage", []byte("\x00\xff\x10"), gw, "", "answer from"},
		{"empty", nil, gw, "", "answer from"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			loc, err := parseSSDPAnswer(tc.b, tc.from, gw)
			if tc.want != "" {
				if err != nil || loc.String() != tc.want {
					t.Fatalf("parseSSDPAnswer = %v, %v; want %s", loc, err, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("parseSSDPAnswer = %v, %v; want an error saying %q", loc, err, tc.says)
			}
		})
	}
}

func TestSearchRequest(t *testing.T) {
	got := string(searchRequest(ssdpGroup, igdTargets[0]))
	want := "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\nST: urn:schemas-upnp-org:device:InternetGatewayDevice:1\r\n\r\n"
	if got != want {
		t.Fatalf("searchRequest = %q, want %q", got, want)
	}
}

// rootDesc is a root device description of the shape miniupnpd serves,
// with URLBase and control URLs to fill in.
func rootDesc(urlBase, control string) string {
	base := ""
	if urlBase != "" {
		base = "<URLBase>" + urlBase + "</URLBase>"
	}
	return `<?xml version="1.0"?><root xmlns="urn:schemas-upnp-org:device-1-0"><specVersion><major>1</major><minor>1</minor></specVersion>` + base + `
<device><deviceType>urn:schemas-upnp-org:device:InternetGatewayDevice:2</deviceType><friendlyName>router</friendlyName>
<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANDevice:2</deviceType>
<deviceList><device><deviceType>urn:schemas-upnp-org:device:WANConnectionDevice:2</deviceType>
<serviceList><service><serviceType>urn:schemas-upnp-org:service:WANIPConnection:2</serviceType><serviceId>urn:upnp-org:serviceId:WANIPConn1</serviceId>
<SCPDURL>/WANIPCn.xml</SCPDURL><controlURL>` + control + `</controlURL><eventSubURL>/evt/IPConn</eventSubURL></service></serviceList>
</device></deviceList></device></deviceList></device></root>`
}

func TestPickService(t *testing.T) {
	loc, _ := url.Parse("http://192.168.1.1:40001/rootDesc.xml")
	for _, tc := range []struct {
		name, desc string
		endpoint   string // "" for an error
		says       string
	}{
		{"relative control URL", rootDesc("", "/ctl/IPConn"), "http://192.168.1.1:40001/ctl/IPConn", ""},
		{"URLBase on the gateway", rootDesc("http://192.168.1.1:5000/", "/ctl"), "http://192.168.1.1:5000/ctl", ""},
		{"URLBase elsewhere", rootDesc("http://203.0.113.99/", "/ctl"), "", "not on the gateway"},
		{"control URL elsewhere", rootDesc("", "http://198.51.100.7/ctl"), "", "not on the gateway"},
		{"no WAN connection", strings.ReplaceAll(rootDesc("", "/ctl"), "WANIPConnection:2", "Layer3Forwarding:1"), "", "has no WANIPConnection"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, err := parseRootDevice(strings.NewReader(tc.desc), loc)
			if err != nil {
				t.Fatal(err)
			}
			u := newUPnP(gw, netip.MustParseAddr("192.168.1.2"), SSDPInterface, "x")
			err = u.pick(root, loc)
			if tc.endpoint == "" {
				if err == nil || !strings.Contains(err.Error(), tc.says) {
					t.Fatalf("pick = %v, want an error saying %q", err, tc.says)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if u.service != "WANIPConnection:2" || u.v2 == nil || u.v2.SOAPClient.EndpointURL.String() != tc.endpoint {
				t.Fatalf("picked %s at %v, want WANIPConnection:2 at %s", u.service, u.v2.SOAPClient.EndpointURL.String(), tc.endpoint)
			}
		})
	}
	if _, err := parseRootDevice(strings.NewReader("<root><device>"), loc); err == nil {
		t.Fatal("a truncated description parsed")
	}
}

func TestCheckPublic(t *testing.T) {
	for _, tc := range []struct {
		addr string
		says string // "" for public
	}{
		{"203.0.113.10", ""},
		{"81.2.69.142", ""},
		{"::ffff:81.2.69.142", ""},
		{"0.0.0.0", "no external address"},
		{"192.168.0.2", "private"},
		{"10.1.2.3", "private"},
		{"172.16.0.1", "private"},
		{"100.64.1.2", "private"},
		{"127.0.0.1", "not an internet address"},
		{"169.254.1.1", "not an internet address"},
		{"2001:db8::1", "no external address"},
	} {
		err := checkPublic(netip.MustParseAddr(tc.addr))
		if (tc.says == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tc.says)) {
			t.Errorf("checkPublic(%s) = %v, want %q", tc.addr, err, tc.says)
		}
	}
	if err := checkPublic(netip.Addr{}); err == nil {
		t.Error("checkPublic(zero) = nil")
	}
}

func TestCheckNATPMPGrant(t *testing.T) {
	for _, tc := range []struct {
		internal, external uint16
		secs               uint32
		says               string
	}{
		{4000, 4000, 3600, ""},
		{4000, 51000, 120, ""},
		{4001, 4000, 3600, "internal port 4001"},
		{4000, 0, 3600, "external port 0"},
		{4000, 4000, 0, "lease of 0"},
	} {
		port, lease, err := checkNATPMPGrant(4000, tc.internal, tc.external, tc.secs)
		if tc.says == "" {
			if err != nil || port != tc.external || lease != time.Duration(tc.secs)*time.Second {
				t.Errorf("grant %+v: %d, %v, %v", tc, port, lease, err)
			}
		} else if err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("grant %+v: %v, want %q", tc, err, tc.says)
		}
	}
}

func TestUPnPCode(t *testing.T) {
	fault := &soap.SOAPFaultError{FaultCode: "s:Client", FaultString: "UPnPError"}
	fault.Detail.UPnPError.Errorcode = upnpConflict
	for _, tc := range []struct {
		err  error
		code int
	}{
		{nil, 0},
		{errors.New("goupnp: error performing SOAP HTTP request"), 0},
		{fault, upnpConflict},
		{fmt.Errorf("wrapped: %w", fault), upnpConflict},
	} {
		if got := upnpCode(tc.err); got != tc.code {
			t.Errorf("upnpCode(%v) = %d, want %d", tc.err, got, tc.code)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	for _, tc := range []struct{ lease, want time.Duration }{
		{4 * time.Second, time.Second},
		{time.Minute, time.Second * 60 / 16},
		{time.Hour, time.Minute},
		{24 * time.Hour, time.Minute},
	} {
		if got := retryAfter(tc.lease); got != tc.want {
			t.Errorf("retryAfter(%v) = %v, want %v", tc.lease, got, tc.want)
		}
	}
}

func TestNATPMPTimedOut(t *testing.T) {
	if !natpmpTimedOut(errors.New("Timed out trying to contact gateway")) {
		t.Error("go-nat-pmp's timeout is not recognised")
	}
	for _, err := range []error{nil, errors.New("Non-zero result code 2 (Not Authorized/Refused)")} {
		if natpmpTimedOut(err) {
			t.Errorf("natpmpTimedOut(%v)", err)
		}
	}
}
