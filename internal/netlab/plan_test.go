package netlab

import (
	"errors"
	"net/netip"
	"os/exec"
	"strings"
	"testing"
)

func TestCheckName(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"A", true},
		{"host1", true},
		{"Abcdefghij", true},
		{"", false},
		{"Abcdefghijk", false}, // 11 bytes
		{"a-b", false},
		{"a b", false},
		{"é", false},
		{"inet", false},
	} {
		err := checkName(tc.name)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrBadName)) {
			t.Errorf("checkName(%q) = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}

func TestAddressPlan(t *testing.T) {
	for _, tc := range []struct{ got, want string }{
		{routerWAN(1).String(), "203.0.113.10"},
		{routerWAN(9).String(), "203.0.113.90"},
		{routerLAN(2).String(), "192.168.2.1/24"},
		{hostAddr(routerLAN(2), 0).String(), "192.168.2.2/24"},
		{hostAddr(lanPrefix(1), 3).String(), "192.168.101.5/24"},
	} {
		if tc.got != tc.want {
			t.Errorf("got %s, want %s", tc.got, tc.want)
		}
	}
	if !stunSource.Contains(stunAddrs[0]) || !stunSource.Contains(stunAddrs[1]) || stunSource.Contains(inetAddrs[0]) || stunSource.Contains(inetAddrs[1]) {
		t.Errorf("stunSource %v must hold the STUN server's addresses %v and not the servers' %v", stunSource, stunAddrs, inetAddrs)
	}
	for i := 1; i <= MaxRouters; i++ {
		if !InternetPrefix.Contains(routerWAN(i)) || stunSource.Contains(routerWAN(i)) {
			t.Errorf("router %d's WAN %v", i, routerWAN(i))
		}
	}
}

func TestStaleOwner(t *testing.T) {
	for _, tc := range []struct {
		ns  string
		pid int
		ok  bool
	}{
		{"netlab-1234-a1b2c3-inet", 1234, true},
		{"netlab-1234-a1b2c3-sw-1", 1234, true},
		{"netlab-1234-a1b2c-inet", 0, false},
		{"netlab-x-a1b2c3-inet", 0, false},
		{"docker-1234-a1b2c3-inet", 0, false},
		{"netlab-0-a1b2c3-inet", 0, false},
	} {
		pid, ok := staleOwner(tc.ns)
		if pid != tc.pid || ok != tc.ok {
			t.Errorf("staleOwner(%q) = %d, %v; want %d, %v", tc.ns, pid, ok, tc.pid, tc.ok)
		}
	}
}

func TestRouterRules(t *testing.T) {
	plain := routerRules(RouterConfig{}, routerLAN(1))
	random := routerRules(RouterConfig{NAT: MasqueradeRandomFully, UPnP: true}, routerLAN(2))
	for _, tc := range []struct {
		rules, line string
		want        bool
	}{
		{plain, "-A POSTROUTING -s 192.168.1.0/24 -o wan -j MASQUERADE\n", true},
		{plain, "--random-fully", false},
		{random, "-A POSTROUTING -s 192.168.2.0/24 -o wan -j MASQUERADE --random-fully\n", true},
		{plain, "-A FORWARD -i wan -j DROP\n", true},
		{plain, "-A INPUT -i wan -j DROP\n", true},
		{plain, "203.0.113.4/31", false},
		{random, "-A INPUT -i wan -s 203.0.113.4/31 -p udp -j ACCEPT\n", true},
		{random, "--ctstate ESTABLISHED,RELATED,DNAT -j ACCEPT\n", true},
	} {
		if got := strings.Contains(tc.rules, tc.line); got != tc.want {
			t.Errorf("rules contain %q: %v, want %v; rules:\n%s", tc.line, got, tc.want, tc.rules)
		}
	}
	if err := (RouterConfig{NAT: 7}).validate(); err == nil {
		t.Error("NAT 7 validated")
	}
}

func TestMiniupnpdConf(t *testing.T) {
	conf := miniupnpdConf(RouterConfig{NATPMP: true}, routerLAN(1), "u-u-i-d", "/x/leases")
	for _, line := range []string{
		"enable_upnp=no", "enable_natpmp=yes", "listening_ip=lan", "ext_ifname=wan",
		"ext_stun_host=203.0.113.4", "uuid=u-u-i-d", "lease_file=/x/leases",
		"allow 1024-65535 192.168.1.0/24 1024-65535",
	} {
		if !strings.Contains(conf, line+"\n") {
			t.Errorf("miniupnpd.conf lacks %q:\n%s", line, conf)
		}
	}
}

func TestParseForwards(t *testing.T) {
	out := `table inet miniupnpd {
	chain prerouting_miniupnpd {
		iif "wan" @nh,72,8 0x11 th dport 4000 dnat ip to 192.168.1.2:4001
		iif "wan" @nh,72,8 0x6 th dport 80 dnat ip to 192.168.1.3:8080
	}
}
`
	fs, err := parseForwards(out)
	if err != nil {
		t.Fatal(err)
	}
	want := []Forward{
		{"udp", 4000, netip.MustParseAddrPort("192.168.1.2:4001")},
		{"tcp", 80, netip.MustParseAddrPort("192.168.1.3:8080")},
	}
	if len(fs) != len(want) || fs[0] != want[0] || fs[1] != want[1] {
		t.Fatalf("parseForwards = %v, want %v", fs, want)
	}
	if fs, err := parseForwards("table inet miniupnpd {\n\tchain prerouting_miniupnpd {\n\t}\n}\n"); err != nil || len(fs) != 0 {
		t.Fatalf("an empty chain: %v, %v", fs, err)
	}
	for _, bad := range []string{
		`iif "wan" tcp dport 4000 dnat ip to 192.168.1.2:4000`,
		`iif "wan" @nh,72,8 0x84 th dport 4000 dnat ip to 192.168.1.2:4000`,
		`iif "wan" @nh,72,8 0x11 th dport 99999 dnat ip to 192.168.1.2:4000`,
	} {
		if fs, err := parseForwards(bad); err == nil {
			t.Errorf("parseForwards(%q) = %v, want an error", bad, fs)
		}
	}
}

func TestParseWANDrops(t *testing.T) {
	out := `*filter
:INPUT ACCEPT [10:600]
[3:180] -A INPUT -i wan -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
[2:84] -A INPUT -i wan -j DROP
[5:300] -A FORWARD -i wan -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -j ACCEPT
[7:420] -A FORWARD -i wan -j DROP
COMMIT
`
	if n, err := parseWANDrops(out); err != nil || n != 9 {
		t.Fatalf("parseWANDrops = %d, %v; want 9", n, err)
	}
	if n, err := parseWANDrops("*filter\nCOMMIT\n"); err == nil {
		t.Fatalf("no drop rules: %d, want an error", n)
	}
}

func TestCheckSays(t *testing.T) {
	all := func(string) (string, error) { return "/usr/bin/x", nil }
	none := func(string) (string, error) { return "", exec.ErrNotFound }
	nft := func() string { return "miniupnpd 2.3.1\nusing netfilter(nftables) backend\n" }
	ipt := func() string { return "miniupnpd 2.3.1\nusing netfilter(iptables) backend\n" }
	for _, tc := range []struct {
		name  string
		goos  string
		euid  int
		look  func(string) (string, error)
		ver   func() string
		says  []string // empty: Check passes
		lacks []string
	}{
		{"ready", "linux", 0, all, nft, nil, nil},
		{"not root", "linux", 1000, all, nft, []string{"root"}, []string{"install-deps"}},
		{"nothing installed", "linux", 0, none, nft, []string{"ip (Debian package iproute2)", "turnserver (Debian package coturn)", "miniupnpd (Debian package miniupnpd and miniupnpd-nftables)", "nft (Debian package nftables)", "install-deps.sh"}, []string{"root"}},
		{"iptables build of miniupnpd", "linux", 0, all, ipt, []string{"miniupnpd-nftables"}, nil},
		{"not linux", "darwin", 0, all, nft, []string{"Linux network namespaces", "darwin"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := check(tc.goos, tc.euid, tc.look, tc.ver)
			if len(tc.says) == 0 {
				if err != nil {
					t.Fatalf("check = %v, want nil", err)
				}
				return
			}
			if !errors.Is(err, ErrUnavailable) {
				t.Fatalf("check = %v, want ErrUnavailable", err)
			}
			for _, s := range tc.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("%q does not say %q", err, s)
				}
			}
			for _, s := range tc.lacks {
				if strings.Contains(err.Error(), s) {
					t.Errorf("%q says %q", err, s)
				}
			}
		})
	}
}
