package netcode

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"
)

// TestBrowseLAN: a host on the LAN list answers a browse query with its
// name, its lobby's size and its code, which joins it; a host that did not
// opt in stays silent; a second browse sees the joiner in the lobby. The
// listeners are on loopback, queried directly as TestShortCodeOnLAN does.
func TestBrowseLAN(t *testing.T) {
	ctx := context.Background()
	hcfg := localConfig("ada", nil)
	hcfg.Reach = Reach{NoInternet: true, LANListen: "127.0.0.1:0", LANList: true}
	host, err := Host[testInput](ctx, hcfg)
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	ocfg := localConfig("eve", nil)
	ocfg.Reach = Reach{NoInternet: true, LANListen: "127.0.0.1:0"} // not listed
	other, err := Host[testInput](ctx, ocfg)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()

	bcfg := localConfig("bob", nil)
	bcfg.Reach = Reach{NoInternet: true, LANQueries: []string{other.c.lan.addr().String(), host.c.lan.addr().String()}}
	browse := func(want int) []LANGame {
		t.Helper()
		// Until the answer comes: a datagram on loopback is not lost,
		// but the host's listener may not be reading yet. Bounded.
		for range 10 {
			bctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
			games, err := BrowseLAN(bctx, bcfg)
			cancel()
			if err != nil {
				t.Fatal(err)
			}
			if len(games) == 1 && games[0].Players == want {
				return games
			}
		}
		t.Fatalf("no listed game with %d players found", want)
		return nil
	}
	games := browse(1)
	g := games[0]
	if g.Name != "ada" || g.MaxPlayers != 8 || g.Code != host.DirectCode() || g.Addr != host.c.lan.addr() {
		t.Errorf("listed %+v; want ada's game, 1 of 8, code %s from %v", g, host.DirectCode(), host.c.lan.addr())
	}
	j, err := Join[testInput](ctx, g.Code, bcfg)
	if err != nil {
		t.Fatalf("joining the listed game: %v", err)
	}
	defer j.Close()
	if g := browse(2)[0]; g.Name != "ada" {
		t.Errorf("after the join the list says %+v", g)
	}
}

// TestBrowseLANOff: with LAN discovery off (-offline) BrowseLAN says so.
func TestBrowseLANOff(t *testing.T) {
	for _, r := range []Reach{Local(), {NoLAN: true}} {
		cfg := localConfig("bob", nil)
		cfg.Reach = r
		if _, err := BrowseLAN(context.Background(), cfg); !errors.Is(err, ErrLANOff) {
			t.Errorf("BrowseLAN with %+v: %v, want ErrLANOff", r, err)
		}
	}
}

// TestLANAnswerRules: a host answers a browse query only when it is on
// the list, its lobby is open, the asker is on the local network or this
// machine, and the query is no shorter than the answer.
func TestLANAnswerRules(t *testing.T) {
	ctx := context.Background()
	hcfg := localConfig("ada", nil)
	hcfg.Reach = Reach{NoInternet: true, LANListen: "127.0.0.1:0", LANList: true}
	host, err := Host[testInput](ctx, hcfg)
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	c := host.c
	q := encodeLANQuery(42)
	lan := netip.MustParseAddrPort("192.168.1.20:5000")
	tests := []struct {
		name string
		q    []byte
		from netip.AddrPort
		want bool
	}{
		{"a LAN asker", q, lan, true},
		{"this machine", q, netip.MustParseAddrPort("127.0.0.1:5000"), true},
		{"link-local", q, netip.MustParseAddrPort("169.254.3.4:5000"), true},
		{"the internet", q, netip.MustParseAddrPort("203.0.113.9:5000"), false},
		{"unpadded", q[:13], lan, false},
		{"another version", append([]byte("PSB?\x02"), q[5:]...), lan, false},
		{"not a query", []byte("hello"), lan, false},
	}
	for _, tc := range tests {
		a := c.answerLANQuery(tc.q, tc.from)
		if (a != nil) != tc.want {
			t.Errorf("%s: answer %v, want one %v", tc.name, a != nil, tc.want)
			continue
		}
		if a != nil {
			got, err := decodeLANAnswer(a)
			if err != nil || got.nonce != 42 || got.name != "ada" || got.players != 1 || got.code != host.DirectCode() {
				t.Errorf("%s: answer %+v, %v", tc.name, got, err)
			}
		}
	}
	c.cfg.Reach.LANList = false
	if c.answerLANQuery(q, lan) != nil {
		t.Error("a host off the list answered")
	}
}

// FuzzDecodeLANAnswer: any datagram decodes or fails cleanly; what decodes
// re-encodes to the same bytes.
func FuzzDecodeLANAnswer(f *testing.F) {
	for _, a := range []lanAnswer{
		{nonce: 1, players: 1, max: 8, name: "ada", code: "PS2-477B-KKSH-8CMD-5AFS-VJ0Y-M0BZ-0000-2WHM-KAC0"},
		{nonce: 1 << 63, players: 16, max: 16, name: "", code: "x"},
	} {
		b, err := a.encode()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:len(b)-1])
	}
	f.Add([]byte("PSB!"))
	f.Add(encodeLANQuery(7))
	f.Fuzz(func(t *testing.T, b []byte) {
		a, err := decodeLANAnswer(b)
		if err != nil {
			if !errors.Is(err, errNotLANList) {
				t.Fatalf("error %v does not wrap errNotLANList", err)
			}
			return
		}
		out, err := a.encode()
		if err != nil || !bytes.Equal(out, b) {
			t.Fatalf("%x decoded to %+v, which encodes to %x, %v", b, a, out, err)
		}
	})
}
