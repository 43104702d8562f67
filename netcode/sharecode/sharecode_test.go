package sharecode

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"net/netip"
	"strings"
	"testing"
	"testing/iotest"
)

// fixedSecret is the secret of the test codes; it holds bits that encode to
// the symbols 0 and 1, so that confusable letters can be exercised.
var fixedSecret = []byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99}

func mustNew(t testing.TB, addrs ...string) Code {
	t.Helper()
	aps := make([]netip.AddrPort, len(addrs))
	for i, a := range addrs {
		aps[i] = netip.MustParseAddrPort(a)
	}
	c, err := New(aps, bytes.NewReader(fixedSecret))
	if err != nil {
		t.Fatalf("New(%v): %v", addrs, err)
	}
	return c
}

// directWithBody returns the text of a direct code made of an arbitrary
// body and its valid checksum.
func directWithBody(body []byte) string {
	p := binary.BigEndian.AppendUint32(bytes.Clone(body), crc32.ChecksumIEEE(body))
	return Prefix + "-" + b32.EncodeToString(p)
}

func bare(s string) string { return strings.ReplaceAll(strings.TrimPrefix(s, Prefix+"-"), "-", "") }

func TestParseTable(t *testing.T) {
	short := mustNew(t)
	direct := mustNew(t, "192.168.1.20:4000")
	s, d := short.String(), direct.String()
	if !strings.ContainsAny(bare(s), "01") {
		t.Fatalf("the test code should contain a 0 or a 1: %s", s)
	}
	head := func(b []byte) []byte { // a direct body up to the addresses
		out := []byte{Version<<4 | kindDirect}
		out = append(out, fixedSecret...)
		return binary.BigEndian.AppendUint16(out, 4000)
	}
	tests := []struct {
		name string
		in   string
		want Code
		err  error // nil: must parse to want
	}{
		{"short", s, short, nil},
		{"short without prefix", bare(s), short, nil},
		{"short lower case", strings.ToLower(s), short, nil},
		{"short swapped case", swapCase(s), short, nil},
		{"short confusables", strings.NewReplacer("0", "o", "1", "l").Replace(strings.ToLower(s)), short, nil},
		{"short sprinkled", sprinkle(bare(s)), short, nil},
		{"short in spaces", "  \t" + s + "\n ", short, nil},
		{"direct", d, direct, nil},
		{"direct without prefix", bare(d), direct, nil},
		{"direct lower case", strings.ToLower(d), direct, nil},
		{"empty", "", Code{}, ErrEmpty},
		{"separators only", " - _ \t", Code{}, ErrEmpty},
		{"prefix only", "PS2", Code{}, ErrNotACode},
		{"a word", "hello", Code{}, ErrNotACode},
		{"bad character", s[:6] + "#" + s[7:], Code{}, ErrBadCharacter},
		{"U is not a symbol", s[:6] + "U" + s[7:], Code{}, ErrBadCharacter},
		{"non-ASCII", s + "é", Code{}, ErrBadCharacter},
		{"invalid UTF-8", s + "\xff", Code{}, ErrBadCharacter},
		{"one missing", s[:len(s)-1], Code{}, ErrTruncated},
		{"two missing", bare(s)[2:], Code{}, ErrTruncated},
		{"one extra", s + "7", Code{}, ErrTooManySymbols},
		{"three extra", s + "777", Code{}, ErrTooManySymbols},
		{"direct cut", d[:len(d)-5], Code{}, ErrBadShareCode},
		{"too long", strings.Repeat("0", MaxInputLen+1), Code{}, ErrTooLong},
		{"a PS1 code", "PS1-0401-28HK-8HAP-CXW8-K6NB-QK6X-XVZG-416B-01RG-E7K1-0RG0-23DR", Code{}, ErrVersion},
		{"a PS1 payload", directWithBody(append([]byte{1}, make([]byte, 20)...)), Code{}, ErrVersion},
		{"version 3", directWithBody(append(append([]byte{3<<4 | kindDirect}, head(nil)[1:]...), form192168, 1, 2)), Code{}, ErrVersion},
		{"unknown kind", directWithBody(append(append([]byte{Version<<4 | 2}, head(nil)[1:]...), form192168, 1, 2)), Code{}, ErrMalformed},
		{"no address", directWithBody(append(head(nil), 0, 0)[:len(head(nil))+2]), Code{}, ErrBadShareCode},
		{"unknown form", directWithBody(append(head(nil), 6, 1, 2, 3, 4)), Code{}, ErrMalformed},
		{"unknown tag bit", directWithBody(append(head(nil), 0x40|form192168, 1, 2)), Code{}, ErrMalformed},
		{"address cut", directWithBody(append(head(nil), formIPv4, 1, 2)), Code{}, ErrTruncated},
		{"not the shortest form", directWithBody(append(head(nil), formIPv4, 10, 1, 2, 3)), Code{}, ErrMalformed},
		{"outside 172.16/12", directWithBody(append(head(nil), form172, 16, 2, 3)), Code{}, ErrMalformed},
		{"first address with its own port", directWithBody(append(head(nil), tagOwnPort|form192168, 1, 2, 0, 9)), Code{}, ErrMalformed},
		{"own port equal to the default", directWithBody(append(head(nil), form192168, 1, 2, tagOwnPort|form10, 1, 2, 3, 0x0f, 0xa0)), Code{}, ErrMalformed},
		{"mapped IPv6", directWithBody(append(head(nil), append([]byte{formIPv6}, netip.MustParseAddr("::ffff:1.2.3.4").AsSlice()...)...)), Code{}, ErrMalformed},
		{"unspecified", directWithBody(append(head(nil), formIPv4, 0, 0, 0, 0)), Code{}, ErrAddress},
		{"port 0", directWithBody(append(head(nil)[:len(head(nil))-2], 0, 0, form192168, 1, 2)), Code{}, ErrAddress},
		{"too many addresses", directWithBody(append(head(nil), form192168, 1, 1, form192168, 1, 2, form192168, 1, 3, form192168, 1, 4, form192168, 1, 5)), Code{}, ErrAddress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.err == nil {
				if err != nil {
					t.Fatalf("Parse(%q): %v", tt.in, err)
				}
				if !got.Equal(tt.want) {
					t.Fatalf("Parse(%q) = %+v, want %+v", tt.in, got, tt.want)
				}
				return
			}
			if !errors.Is(err, tt.err) {
				t.Fatalf("Parse(%q) error = %v, want %v", tt.in, err, tt.err)
			}
			if !errors.Is(err, ErrBadShareCode) {
				t.Fatalf("Parse(%q) error %v does not match ErrBadShareCode", tt.in, err)
			}
		})
	}
}

// TestShortIsShort holds the short code to what a person types: at most 20
// characters, the prefix left out.
func TestShortIsShort(t *testing.T) {
	s := mustNew(t).String()
	if n := len(bare(s)); n != ShortLen || n > 20 {
		t.Fatalf("a short code has %d symbols to type (%s), want %d and at most 20", n, s, ShortLen)
	}
	if got := strings.Count(s, "-"); got != 6 {
		t.Fatalf("%s: %d groups, want 6 groups of 3", s, got)
	}
}

// TestEveryShortTypo changes every symbol of a short code to every other
// symbol, swaps every pair of neighbours, and changes every pair of symbols
// to every pair of others: the check catches each of them.
func TestEveryShortTypo(t *testing.T) {
	for _, secret := range [][]byte{fixedSecret, bytes.Repeat([]byte{0}, SecretSize), bytes.Repeat([]byte{0xff}, SecretSize)} {
		c, err := New(nil, bytes.NewReader(secret))
		if err != nil {
			t.Fatal(err)
		}
		good := []byte(bare(c.String()))
		if _, err := Parse(string(good)); err != nil {
			t.Fatal(err)
		}
		accepted := 0
		try := func(b []byte) {
			if _, err := Parse(string(b)); err == nil {
				accepted++
				if accepted < 5 {
					t.Errorf("%s parsed although it differs from %s", b, good)
				}
			} else if !errors.Is(err, ErrChecksum) {
				t.Errorf("%s: %v, want ErrChecksum", b, err)
			}
		}
		for i := range good {
			for _, s := range []byte(alphabet) {
				if s == good[i] {
					continue
				}
				b := bytes.Clone(good)
				b[i] = s
				try(b)
				for j := i + 1; j < len(good); j++ {
					for _, s2 := range []byte(alphabet) {
						if s2 == good[j] {
							continue
						}
						b2 := bytes.Clone(b)
						b2[j] = s2
						try(b2)
					}
				}
			}
			if i+1 < len(good) && good[i] != good[i+1] {
				b := bytes.Clone(good)
				b[i], b[i+1] = b[i+1], b[i]
				try(b)
			}
		}
		if accepted > 0 {
			t.Fatalf("%d codes with one or two typos were accepted", accepted)
		}
	}
}

func TestRSCodewordHasItsRoots(t *testing.T) {
	c := mustNew(t)
	word := append([]byte{Version}, symbolValues(bare(c.String()))...)
	if y := rsEval(word, gfAlpha); y != 0 {
		t.Errorf("codeword at α = %d, want 0", y)
	}
	if y := rsEval(word, gfA2); y != 0 {
		t.Errorf("codeword at α² = %d, want 0", y)
	}
	if gfMul(gfAlpha, gfMul(gfAlpha, gfA3)) != 0x05 { // α⁵ = α²+1
		t.Errorf("α⁵ = %#x, want 0x05", gfMul(gfAlpha, gfMul(gfAlpha, gfA3)))
	}
	seen := map[byte]bool{}
	x := byte(1)
	for range 31 {
		seen[x] = true
		x = gfMul(x, gfAlpha)
	}
	if len(seen) != 31 || x != 1 {
		t.Errorf("α generates %d elements and α³¹ = %d: x⁵+x²+1 is not primitive here", len(seen), x)
	}
}

// TestEveryDirectTypo changes every symbol of a direct code to every other
// symbol and swaps every pair of neighbours: none parses, the last symbol's
// unused bits included.
func TestEveryDirectTypo(t *testing.T) {
	for _, c := range []Code{mustNew(t, "192.168.1.20:4000"), mustNew(t, "127.0.0.1:4000"), mustNew(t, "192.168.1.20:4000", "[2001:db8::7]:4000")} {
		everyDirectTypo(t, c)
	}
}

func everyDirectTypo(t *testing.T, c Code) {
	good := []byte(bare(c.String()))
	for i := range good {
		for _, s := range []byte(alphabet) {
			if s == good[i] {
				continue
			}
			b := bytes.Clone(good)
			b[i] = s
			if got, err := Parse(string(b)); err == nil {
				t.Errorf("%s (symbol %d changed) parsed as %+v", b, i, got)
			}
		}
		if i+1 < len(good) && good[i] != good[i+1] {
			b := bytes.Clone(good)
			b[i], b[i+1] = b[i+1], b[i]
			if _, err := Parse(string(b)); err == nil {
				t.Errorf("%s (symbols %d and %d swapped) parsed", b, i, i+1)
			}
		}
	}
}

func TestRoundTrip(t *testing.T) {
	for _, addrs := range [][]string{
		nil,
		{"192.168.1.20:4000"},
		{"10.1.2.3:4000"},
		{"172.16.0.9:4000"},
		{"203.0.113.7:7777", "192.168.1.20:4000"},
		{"[2001:db8::7]:7777"},
		{"192.168.1.20:4000", "[2001:db8::7]:4000", "10.0.0.1:5000", "127.0.0.1:4000"},
		{"[::1]:1", "1.2.3.4:65535"},
	} {
		c := mustNew(t, addrs...)
		if err := c.Validate(); err != nil {
			t.Fatalf("%v: %v", addrs, err)
		}
		got, err := Parse(c.String())
		if err != nil {
			t.Fatalf("%v: Parse(%s): %v", addrs, c, err)
		}
		if !got.Equal(c) {
			t.Fatalf("%v: round trip gave %+v", addrs, got)
		}
		if got.Direct() != (len(addrs) > 0) {
			t.Errorf("%v: Direct() = %v", addrs, got.Direct())
		}
		if !got.Short().Equal(mustNew(t)) {
			t.Errorf("%v: Short() = %+v", addrs, got.Short())
		}
		t.Logf("%-60v %d symbols: %s", addrs, len(bare(c.String())), c)
	}
}

// TestDirectCodeLength: a home machine's direct code (one private IPv4
// address) stays short enough to paste and read: at most 34 symbols.
func TestDirectCodeLength(t *testing.T) {
	for _, a := range []string{"192.168.178.23:51000", "10.0.0.23:51000", "172.20.1.5:51000"} {
		if n := len(bare(mustNew(t, a).String())); n > 34 {
			t.Errorf("a direct code for %s has %d symbols, want at most 34", a, n)
		}
	}
}

func TestNew(t *testing.T) {
	a, err := New(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Secret == b.Secret {
		t.Fatal("two codes from crypto/rand have the same secret")
	}
	if a.Version != Version || a.Direct() {
		t.Fatalf("New(nil) = %+v, want a short code of version %d", a, Version)
	}
	if _, err := New(nil, iotest.ErrReader(errors.New("no entropy"))); err == nil {
		t.Fatal("New with a failing reader succeeded")
	}
	if _, err := New(nil, bytes.NewReader(fixedSecret[:4])); err == nil {
		t.Fatal("New with a short reader succeeded")
	}
	bad := []struct {
		name  string
		addrs []netip.AddrPort
	}{
		{"too many", []netip.AddrPort{
			netip.MustParseAddrPort("1.1.1.1:1"), netip.MustParseAddrPort("1.1.1.2:1"),
			netip.MustParseAddrPort("1.1.1.3:1"), netip.MustParseAddrPort("1.1.1.4:1"),
			netip.MustParseAddrPort("1.1.1.5:1")}},
		{"invalid", []netip.AddrPort{{}}},
		{"unspecified", []netip.AddrPort{netip.MustParseAddrPort("0.0.0.0:1")}},
		{"zone", []netip.AddrPort{netip.MustParseAddrPort("[fe80::1%eth0]:1")}},
		{"port 0", []netip.AddrPort{netip.MustParseAddrPort("1.2.3.4:0")}},
	}
	for _, tt := range bad {
		if _, err := New(tt.addrs, nil); !errors.Is(err, ErrAddress) {
			t.Errorf("%s: New error = %v, want ErrAddress", tt.name, err)
		}
	}
	if err := (Code{Version: 9}).Validate(); !errors.Is(err, ErrVersion) {
		t.Errorf("Validate of version 9: %v", err)
	}
}

func TestText(t *testing.T) {
	c := mustNew(t, "192.168.1.20:4000")
	var m struct{ Code Code }
	m.Code = c
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	m.Code = Code{}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if !m.Code.Equal(c) {
		t.Fatalf("got %+v, want %+v", m.Code, c)
	}
	if err := m.Code.UnmarshalText([]byte("PS2-#")); !errors.Is(err, ErrBadCharacter) {
		t.Fatalf("UnmarshalText error = %v", err)
	}
	if !m.Code.Equal(c) {
		t.Fatal("a failed UnmarshalText changed the code")
	}
	if _, err := (Code{Version: 1}).MarshalText(); !errors.Is(err, ErrVersion) {
		t.Fatalf("MarshalText of a version 1 code: %v", err)
	}
}

func FuzzParse(f *testing.F) {
	for _, addrs := range [][]string{
		nil,
		{"192.168.1.20:4000"},
		{"[2001:db8::1]:4000", "10.0.0.1:1"},
		{"1.1.1.1:1", "2.2.2.2:2", "192.168.3.3:3", "[::5]:5"},
	} {
		s := mustNew(f, addrs...).String()
		f.Add(s)
		f.Add(strings.ToLower(s))
		f.Add(s[:len(s)-3])
	}
	f.Add("")
	f.Add("PS2")
	f.Add("PS1-0000-0000")
	f.Add("#$%^&*")
	f.Add("\xff\xfe")
	f.Add(strings.Repeat("Z", 80))
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Parse(s)
		if err != nil {
			if !errors.Is(err, ErrBadShareCode) {
				t.Fatalf("Parse(%q) error %v does not match ErrBadShareCode", s, err)
			}
			return
		}
		if err := c.Validate(); err != nil {
			t.Fatalf("Parse(%q) accepted an invalid code: %v", s, err)
		}
		s2 := c.String()
		c2, err := Parse(s2)
		if err != nil {
			t.Fatalf("Parse(String()) of %q = %q: %v", s, s2, err)
		}
		if !c2.Equal(c) {
			t.Fatalf("round trip of %q: %+v != %+v", s, c2, c)
		}
		if s3 := c2.String(); s3 != s2 {
			t.Fatalf("String not stable: %q != %q", s3, s2)
		}
	})
}

func swapCase(s string) string {
	b := []byte(s)
	for i, c := range b {
		switch {
		case 'a' <= c && c <= 'z':
			b[i] = c - 'a' + 'A'
		case 'A' <= c && c <= 'Z':
			b[i] = c - 'A' + 'a'
		}
	}
	for i := 0; i < len(b); i += 2 {
		if 'a' <= b[i] && b[i] <= 'z' {
			b[i] = b[i] - 'a' + 'A'
		}
	}
	return string(b)
}

// sprinkle inserts separators between symbols in an irregular pattern.
func sprinkle(s string) string {
	seps := []string{" ", "-", "", "_", "  ", "--", "\t", "", "- "}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		sb.WriteByte(s[i])
		sb.WriteString(seps[i%len(seps)])
	}
	return sb.String()
}
