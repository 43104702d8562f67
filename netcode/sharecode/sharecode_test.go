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

// fixedSecret is the secret of the test codes; it contains nibbles that
// encode to the symbols 0 and 1 so confusable letters can be exercised.
var fixedSecret = []byte{
	0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77,
	0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff,
}

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

// codeWithPayload returns the text form of an arbitrary body followed by a
// valid checksum.
func codeWithPayload(body []byte) string {
	p := binary.BigEndian.AppendUint32(bytes.Clone(body), crc32.ChecksumIEEE(body))
	return Prefix + "-" + string(encodeBase32(p))
}

func TestParseTable(t *testing.T) {
	valid := mustNew(t, "192.0.2.1:4000")
	s := valid.String()
	bare := strings.TrimPrefix(s, Prefix+"-")
	if !strings.HasPrefix(bare, "0") {
		t.Fatalf("payload of a version 1 code should start with 0: %s", s)
	}
	if !strings.Contains(bare, "1") {
		t.Fatalf("test code should contain a 1: %s", s)
	}

	tests := []struct {
		name string
		in   string
		err  error // nil: must parse to valid
	}{
		{"canonical", s, nil},
		{"lower case", strings.ToLower(s), nil},
		{"swapped case", swapCase(s), nil},
		{"no prefix", bare, nil},
		{"no dashes", strings.ReplaceAll(s, "-", ""), nil},
		{"spaces instead of dashes", strings.ReplaceAll(s, "-", " "), nil},
		{"underscores", strings.ReplaceAll(s, "-", "_"), nil},
		{"separators anywhere", sprinkle(strings.ReplaceAll(s, "-", "")), nil},
		{"leading and trailing whitespace", " \t\n" + s + "\r\n ", nil},
		{"non-breaking spaces", strings.ReplaceAll(s, "-", "\u00a0"), nil},
		{"O for 0", strings.ReplaceAll(s, "0", "O"), nil},
		{"o for 0", strings.ReplaceAll(s, "0", "o"), nil},
		{"I for 1", strings.ReplaceAll(s, "1", "I"), nil},
		{"l for 1", strings.ReplaceAll(s, "1", "l"), nil},
		{"L for 1 in prefix", "PSL" + s[3:], nil},

		{"empty", "", ErrEmpty},
		{"only whitespace", " \t\n ", ErrEmpty},
		{"only separators", "- _ -", ErrEmpty},
		{"only prefix", "PS1", ErrTruncated},
		{"bad character", s[:7] + "#" + s[8:], ErrBadCharacter},
		{"U is not a symbol", s[:7] + "U" + s[8:], ErrBadCharacter},
		{"non-ASCII letter", s[:7] + "é" + s[8:], ErrBadCharacter},
		{"invalid UTF-8", s[:7] + "\xff" + s[8:], ErrBadCharacter},
		{"colon", "PS1:" + bare, ErrBadCharacter},
		{"too long", strings.Repeat("0", MaxInputLen+1), ErrTooLong},
		{"too long with spaces", strings.Repeat(" ", MaxInputLen+1), ErrTooLong},
		{"drop last group", s[:strings.LastIndex(s, "-")], ErrTruncated},
		{"drop last char", s[:len(s)-1], ErrTruncated},
		{"half the code", s[:len(s)/2], ErrTruncated},
		{"one symbol", "PS1-0", ErrTruncated},
		{"two symbols", "PS1-00", ErrTruncated},
		{"extra char", s + "0", ErrChecksum},
		{"extra chars", s + "00", ErrTruncated},
		{"typo", s[:9] + nextSymbol(s[9]) + s[10:], ErrChecksum},
		{"typo in last char", s[:len(s)-1] + nextSymbol(s[len(s)-1]), ErrChecksum},
		{"version 2", codeWithPayload(withVersion(valid, 2)), ErrVersion},
		{"version 0", codeWithPayload(withVersion(valid, 0)), ErrVersion},
		{"short header", codeWithPayload([]byte{Version, 1, 2, 3}), ErrTruncated},
		{"no address", codeWithPayload(append(append([]byte{Version}, fixedSecret...), 0, 4, 1, 2, 3, 4, 0, 80)), ErrAddress},
		{"nine addresses", codeWithPayload(append(append([]byte{Version}, fixedSecret...), 9, 4, 1, 2, 3, 4, 0, 80)), ErrAddress},
		{"address missing", codeWithPayload(append(append([]byte{Version}, fixedSecret...), 2, 4, 1, 2, 3, 4, 0, 80)), ErrTruncated},
		{"too short for any address", codeWithPayload(append(append([]byte{Version}, fixedSecret...), 1)), ErrTruncated},
		{"address cut", codeWithPayload(append(append([]byte{Version}, fixedSecret...), 1, 6, 1, 2, 3, 4, 5, 6, 7)), ErrTruncated},
		{"unknown tag", codeWithPayload(append(append([]byte{Version}, fixedSecret...), 1, 5, 1, 2, 3, 4, 0, 80)), ErrMalformed},
		{"trailing bytes", codeWithPayload(append(append([]byte{Version}, fixedSecret...), 1, 4, 1, 2, 3, 4, 0, 80, 0)), ErrMalformed},
		{"port 0", codeWithPayload(append(append([]byte{Version}, fixedSecret...), 1, 4, 1, 2, 3, 4, 0, 0)), ErrAddress},
		{"zero IPv4", codeWithPayload(append(append([]byte{Version}, fixedSecret...), 1, 4, 0, 0, 0, 0, 0, 80)), ErrAddress},
		{"zero IPv6", codeWithPayload(append(append(append([]byte{Version}, fixedSecret...), 1, 6), append(make([]byte, 16), 0, 80)...)), ErrAddress},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.err == nil {
				if err != nil {
					t.Fatalf("Parse(%q): %v", tt.in, err)
				}
				if !got.Equal(valid) {
					t.Fatalf("Parse(%q) = %+v, want %+v", tt.in, got, valid)
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

func TestBadCharacterMessage(t *testing.T) {
	_, err := Parse("PS1-00#0")
	want := "sharecode: character '#' at position 7 is not part of a share code"
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error = %v, want prefix %q", err, want)
	}
	_, err = Parse("ééé!")
	want = "sharecode: character 'é' at position 1 "
	if err == nil || !strings.HasPrefix(err.Error(), want) {
		t.Fatalf("error = %v, want prefix %q", err, want)
	}
}

func TestVersionMessage(t *testing.T) {
	_, err := Parse(codeWithPayload(withVersion(mustNew(t, "192.0.2.1:4000"), 7)))
	if err == nil || !strings.Contains(err.Error(), "unsupported version 7") {
		t.Fatalf("error = %v, want it to name version 7", err)
	}
}

// TestEverySingleTypo changes every payload symbol to every other symbol and
// swaps every pair of adjacent symbols; the checksum must catch all of them.
func TestEverySingleTypo(t *testing.T) {
	c := mustNew(t, "192.0.2.1:4000", "[2001:db8::1]:4001")
	syms := encodeBase32(c.appendPayload(nil))
	for i := range syms {
		for j := 0; j < len(alphabet); j++ {
			if alphabet[j] == syms[i] {
				continue
			}
			typo := bytes.Clone(syms)
			typo[i] = alphabet[j]
			if _, err := Parse(string(typo)); !errors.Is(err, ErrChecksum) {
				t.Fatalf("symbol %d changed to %c: error = %v, want ErrChecksum", i, alphabet[j], err)
			}
		}
		if i+1 < len(syms) && syms[i] != syms[i+1] {
			swap := bytes.Clone(syms)
			swap[i], swap[i+1] = swap[i+1], swap[i]
			if _, err := Parse(string(swap)); !errors.Is(err, ErrChecksum) {
				t.Fatalf("symbols %d and %d swapped: error = %v, want ErrChecksum", i, i+1, err)
			}
		}
	}
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name  string
		addrs []string
	}{
		{"IPv4", []string{"192.0.2.1:4000"}},
		{"IPv6", []string{"[2001:db8::1]:65535"}},
		{"IPv4-mapped IPv6", []string{"[::ffff:192.0.2.1]:1"}},
		{"loopback", []string{"127.0.0.1:7777", "[::1]:7777"}},
		{"mixed", []string{"192.0.2.1:4000", "[2001:db8::1]:4000", "10.0.0.2:4000"}},
		{"8 addresses", []string{
			"192.0.2.1:1", "[2001:db8::1]:2", "10.0.0.1:3", "[fe80::1]:4",
			"198.51.100.255:5", "[2001:db8:ffff:ffff:ffff:ffff:ffff:ffff]:6", "255.255.255.255:65535", "[::2]:8",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := mustNew(t, tt.addrs...)
			s := c.String()
			got, err := Parse(s)
			if err != nil {
				t.Fatalf("Parse(%q): %v", s, err)
			}
			if !got.Equal(c) {
				t.Fatalf("round trip: got %+v, want %+v", got, c)
			}
			if got.String() != s {
				t.Fatalf("String not canonical: %q != %q", got.String(), s)
			}
			if s != strings.ToUpper(s) || !strings.HasPrefix(s, Prefix+"-") {
				t.Fatalf("not canonical form: %q", s)
			}
			for _, g := range strings.Split(s, "-")[1:] {
				if len(g) > groupSize || len(g) == 0 {
					t.Fatalf("bad group %q in %q", g, s)
				}
			}
			for _, r := range "ILOU" {
				if strings.ContainsRune(s[len(Prefix):], r) {
					t.Fatalf("confusable %c in %q", r, s)
				}
			}
		})
	}
}

func TestNew(t *testing.T) {
	ap := netip.MustParseAddrPort
	nine := make([]netip.AddrPort, MaxAddrs+1)
	for i := range nine {
		nine[i] = ap("192.0.2.1:4000")
	}
	bad := []struct {
		name  string
		addrs []netip.AddrPort
	}{
		{"nil", nil},
		{"empty", []netip.AddrPort{}},
		{"nine", nine},
		{"zero AddrPort", []netip.AddrPort{{}}},
		{"port 0", []netip.AddrPort{ap("192.0.2.1:0")}},
		{"0.0.0.0", []netip.AddrPort{ap("0.0.0.0:4000")}},
		{"::", []netip.AddrPort{ap("[::]:4000")}},
		{"::ffff:0.0.0.0", []netip.AddrPort{ap("[::ffff:0.0.0.0]:4000")}},
		{"zone", []netip.AddrPort{ap("[fe80::1%eth0]:4000")}},
		{"second bad", []netip.AddrPort{ap("192.0.2.1:4000"), ap("192.0.2.1:0")}},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.addrs, bytes.NewReader(fixedSecret))
			if !errors.Is(err, ErrAddress) || !errors.Is(err, ErrBadShareCode) {
				t.Fatalf("New error = %v, want ErrAddress", err)
			}
		})
	}

	t.Run("random secret", func(t *testing.T) {
		a, err := New([]netip.AddrPort{ap("192.0.2.1:4000")}, nil)
		if err != nil {
			t.Fatal(err)
		}
		b, err := New([]netip.AddrPort{ap("192.0.2.1:4000")}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if a.Secret == b.Secret || a.Secret == [SecretSize]byte{} {
			t.Fatalf("secrets not random: %x %x", a.Secret, b.Secret)
		}
		if a.Version != Version {
			t.Fatalf("Version = %d", a.Version)
		}
	})
	t.Run("short rand", func(t *testing.T) {
		_, err := New([]netip.AddrPort{ap("192.0.2.1:4000")}, bytes.NewReader(fixedSecret[:3]))
		if err == nil {
			t.Fatal("New with a short random source succeeded")
		}
	})
	t.Run("failing rand", func(t *testing.T) {
		boom := errors.New("boom")
		_, err := New([]netip.AddrPort{ap("192.0.2.1:4000")}, iotest.ErrReader(boom))
		if !errors.Is(err, boom) {
			t.Fatalf("error = %v, want boom", err)
		}
	})
	t.Run("copies addrs", func(t *testing.T) {
		addrs := []netip.AddrPort{ap("192.0.2.1:4000")}
		c, err := New(addrs, bytes.NewReader(fixedSecret))
		if err != nil {
			t.Fatal(err)
		}
		addrs[0] = ap("192.0.2.2:4000")
		if c.Addrs[0] != ap("192.0.2.1:4000") {
			t.Fatal("New aliases the caller's slice")
		}
	})
}

func TestStringOfInvalidCode(t *testing.T) {
	// String never panics and Parse rejects what it produces.
	many := make([]netip.AddrPort, 300)
	for i := range many {
		many[i] = netip.MustParseAddrPort("192.0.2.1:1")
	}
	for _, c := range []Code{
		{},
		{Version: Version},
		{Version: Version, Addrs: []netip.AddrPort{{}}},
		{Version: Version, Addrs: many},
		{Version: 9, Addrs: []netip.AddrPort{netip.MustParseAddrPort("192.0.2.1:1")}},
	} {
		s := c.String()
		if _, err := Parse(s); err == nil {
			t.Errorf("Parse(%q) of invalid code %+v succeeded", s, c)
		}
		if _, err := c.MarshalText(); err == nil {
			t.Errorf("MarshalText of invalid code %+v succeeded", c)
		}
	}
}

func TestText(t *testing.T) {
	c := mustNew(t, "192.0.2.1:4000", "[2001:db8::1]:4000")
	type msg struct{ Code Code }
	b, err := json.Marshal(msg{c})
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"Code":"` + c.String() + `"}`; string(b) != want {
		t.Fatalf("json = %s, want %s", b, want)
	}
	var m msg
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if !m.Code.Equal(c) {
		t.Fatalf("got %+v, want %+v", m.Code, c)
	}
	if err := m.Code.UnmarshalText([]byte("PS1-#")); !errors.Is(err, ErrBadCharacter) {
		t.Fatalf("UnmarshalText error = %v", err)
	}
	if !m.Code.Equal(c) {
		t.Fatal("failed UnmarshalText modified the code")
	}
}

func FuzzParse(f *testing.F) {
	for _, addrs := range [][]string{
		{"192.0.2.1:4000"},
		{"[2001:db8::1]:4000", "10.0.0.1:1"},
		{"1.1.1.1:1", "2.2.2.2:2", "3.3.3.3:3", "4.4.4.4:4", "[::5]:5", "[::6]:6", "[::7]:7", "[::ffff:8.8.8.8]:8"},
	} {
		s := mustNew(f, addrs...).String()
		f.Add(s)
		f.Add(strings.ToLower(s))
		f.Add(s[:len(s)-3])
	}
	f.Add("")
	f.Add("PS1")
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

func withVersion(c Code, v uint8) []byte {
	c.Version = v
	p := c.appendPayload(nil)
	return p[:len(p)-checksumSize]
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
	// Make it really mixed: every other letter upper case again.
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

func nextSymbol(c byte) string {
	i := strings.IndexByte(alphabet, c)
	return string(alphabet[(i+1)%len(alphabet)])
}
