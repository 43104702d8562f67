package netcode

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/peerstep/peerstep/netcode/sharecode"
)

func ifaces(spec ...string) []ifaceAddr {
	var out []ifaceAddr
	for _, s := range spec {
		name, ip, _ := strings.Cut(s, " ")
		out = append(out, ifaceAddr{name: name, ip: netip.MustParseAddr(ip)})
	}
	return out
}

func TestRankCandidates(t *testing.T) {
	home := ifaces("lo 127.0.0.1", "lo ::1", "docker0 172.17.0.1", "wlan0 192.168.178.23",
		"wlan0 fe80::1c2b:3aff:fe4d:5e6f", "wlan0 2001:db8:1::23", "wlan0 2001:db8:1::9a7b", "wlan0 fd00::23")
	tests := []struct {
		name   string
		public []string
		ifaces []ifaceAddr
		want   string // ranked candidates
		code   string // what a direct code carries
	}{
		{"home machine", nil, home,
			"[192.168.178.23:5000 [2001:db8:1::23]:5000 [2001:db8:1::9a7b]:5000 [fd00::23]:5000 172.17.0.1:5000]",
			"[192.168.178.23:5000]"},
		{"forwarded port first", []string{"203.0.113.9:6000"}, home,
			"[203.0.113.9:6000 192.168.178.23:5000 [2001:db8:1::23]:5000 [2001:db8:1::9a7b]:5000 [fd00::23]:5000 172.17.0.1:5000]",
			"[203.0.113.9:6000 192.168.178.23:5000]"},
		{"public address on the interface", nil, ifaces("eth0 10.0.0.5", "eth1 198.51.100.7", "tailscale0 100.101.102.103"),
			"[198.51.100.7:5000 10.0.0.5:5000 100.101.102.103:5000]", "[198.51.100.7:5000 10.0.0.5:5000 100.101.102.103:5000]"},
		{"IPv6 only", nil, ifaces("lo ::1", "eth0 fe80::1", "eth0 2001:db8::5"), "[[2001:db8::5]:5000]", "[[2001:db8::5]:5000]"},
		{"offline: loopback only", nil, ifaces("lo 127.0.0.1", "lo ::1"), "[127.0.0.1:5000 [::1]:5000]", "[127.0.0.1:5000]"},
		{"only a container bridge", nil, ifaces("lo 127.0.0.1", "docker0 172.17.0.1"), "[172.17.0.1:5000]", "[172.17.0.1:5000]"},
		{"mapped and duplicate", []string{"[::ffff:192.168.178.23]:5000"}, ifaces("eth0 192.168.178.23"), "[192.168.178.23:5000]", "[192.168.178.23:5000]"},
		{"nothing usable", nil, ifaces("eth0 fe80::1", "x 0.0.0.0", "y 224.0.0.1"), "[]", "[]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var pub []netip.AddrPort
			for _, p := range tt.public {
				pub = append(pub, netip.MustParseAddrPort(p))
			}
			got := rankCandidates(pub, tt.ifaces, 5000, 8)
			if s := fmt.Sprint(addrsOf(got)); s != tt.want {
				t.Errorf("ranked %s, want %s", s, tt.want)
			}
			if s := fmt.Sprint(codeCandidates(got)); s != tt.code {
				t.Errorf("code carries %s, want %s", s, tt.code)
			}
		})
	}
	if got := rankCandidates(nil, home, 5000, 2); len(got) != 2 {
		t.Errorf("max 2 gave %d candidates", len(got))
	}
}

// TestHomeDirectCodeLength: the direct code of a typical home machine (the
// interfaces of TestRankCandidates) is what a person can paste and check:
// 32 symbols.
func TestHomeDirectCodeLength(t *testing.T) {
	home := ifaces("lo 127.0.0.1", "lo ::1", "docker0 172.17.0.1", "wlan0 192.168.178.23",
		"wlan0 fe80::1c2b:3aff:fe4d:5e6f", "wlan0 2001:db8:1::23", "wlan0 2001:db8:1::9a7b")
	code, err := sharecode.New(codeCandidates(rankCandidates(nil, home, 51234, 8)), nil)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.ReplaceAll(strings.TrimPrefix(code.String(), sharecode.Prefix), "-", "")
	if len(s) != 32 {
		t.Errorf("a home machine's direct code has %d symbols (%s), want 32", len(s), code)
	}
}
