// Package sharecode encodes and decodes peerstep share codes.
//
// A share code is what a host reads aloud or pastes to friends so they can
// join a match. It always carries the match secret, a random 80-bit value
// that is the key to the match; everything that leaves a player's machine
// is derived from it, never the secret itself. A code comes in two forms:
//
//   - a short code, the secret alone, for reading aloud: the joiner finds
//     the host from the secret (on the local network, in the BitTorrent
//     DHT), so the code holds no address at all;
//   - a direct code, the secret and the host's address candidates, for
//     networks with no internet and for tests.
//
// # Text form
//
//	PS2-7KQ-M2X-9AB-CDE-FGH-J4W              short: 18 symbols
//	PS2-48G4-...                             direct: 30 symbols and more
//
// The prefix "PS2" names the format version; the rest is Crockford's base32
// alphabet (0-9 and A-Z without I, L, O and U), upper case, in groups of
// three symbols for a short code (to read aloud) and four for a direct one.
// [Parse] is forgiving: it accepts lower case, maps the confusable letters O
// to 0 and I and L to 1, ignores white space, dashes and underscores
// anywhere, and the prefix is optional: a person types the 18 symbols of a
// short code and nothing else.
//
// # Short code
//
// Sixteen symbols are the secret's 10 bytes in base32 (80 bits exactly);
// two more are a Reed-Solomon check over GF(32) of the version and those
// sixteen. Any two symbols typed wrong, and so every single typo and every
// pair of swapped symbols, are caught: no two short codes differ in fewer
// than three symbols.
//
// # Direct code
//
// The symbols are the base32 of a byte payload:
//
//	header    1 byte   Version<<4 | 1 (kind: direct)
//	secret    10 bytes (SecretSize)
//	port      2 bytes  big-endian, the port of every address without its own
//	1..MaxAddrs times:
//	  tag     1 byte   low 3 bits the address form, 0x08: a port follows
//	  address 2, 3, 4 or 16 bytes
//	  port    2 bytes  if the tag says so
//	checksum  4 bytes  CRC-32 (IEEE) of everything before it, big-endian
//
// Address forms: 1 an IPv4 address (4 bytes), 2 one in 192.168.0.0/16 (its
// last 2 bytes), 3 one in 10.0.0.0/8 (its last 3), 4 an IPv6 address (16
// bytes), 5 one in 172.16.0.0/12 (the second byte less 16, then the last
// 2). An address is always written in its shortest form. Home networks'
// addresses take two or three bytes, so the direct code of a machine with
// one such address is 32 to 34 symbols. CRC-32 detects every error burst of up to
// 32 bits: any typo in one symbol (5 bits) and any two swapped neighbours.
//
// A code of version 1 (the "PS1" codes of peerstep 0.1 and 0.2) is reported
// as [ErrVersion], not as a typo.
package sharecode

import (
	crand "crypto/rand"
	"encoding/base32"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"net/netip"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Version is the share code format version produced by this package.
const Version = 2

// SecretSize is the size of the match secret in bytes: 80 bits.
const SecretSize = 10

// MaxAddrs is the largest number of host address candidates in a direct code.
const MaxAddrs = 4

// MaxInputLen is the maximum length in bytes of the text Parse accepts.
// Longer input is rejected with ErrTooLong before it is examined.
const MaxInputLen = 512

// Prefix is the fixed prefix of the canonical text form. It is optional in
// the input of Parse.
const Prefix = "PS2"

// ShortLen is the number of symbols of a short code: what a person types.
const ShortLen = secretSymbols + 2

// alphabet is Crockford's base32 alphabet.
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

var b32 = base32.NewEncoding(alphabet).WithPadding(base32.NoPadding)

const (
	secretSymbols = SecretSize * 8 / 5 // 16
	kindDirect    = 1
	checksumSize  = 4
	directHeader  = 1 + SecretSize + 2
	// minDirect is the size of the shortest direct payload: one address
	// in 192.168.0.0/16.
	minDirect = directHeader + 1 + 2 + checksumSize
	// Address forms of a direct code's tag.
	formIPv4     = 1
	form192168   = 2
	form10       = 3
	formIPv6     = 4
	form172      = 5
	tagOwnPort   = 0x08
	tagFormMask  = 0x07
	tagKnownBits = tagFormMask | tagOwnPort
)

// Code is a decoded share code: a short code when Addrs is empty, a direct
// code otherwise.
type Code struct {
	// Version is the format version; codes made by New carry Version.
	Version uint8
	// Secret is the random match secret; it is the key to the match.
	Secret [SecretSize]byte
	// Addrs are the host's address candidates (IPv4 or IPv6), at most
	// MaxAddrs, most likely to reach the host first. Empty for a short code.
	Addrs []netip.AddrPort
}

// New returns a Code of the current Version with a fresh random secret read
// from rand (crypto/rand if rand is nil) and a copy of addrs (IPv4-mapped
// IPv6 addresses as IPv4): a short code when addrs is empty, a direct code
// otherwise. It fails with ErrAddress if
// addrs is longer than MaxAddrs or holds an unusable address (see
// Code.Validate).
func New(addrs []netip.AddrPort, rand io.Reader) (Code, error) {
	c := Code{Version: Version, Addrs: unmapped(addrs)}
	if err := validateAddrs(c.Addrs); err != nil {
		return Code{}, err
	}
	if rand == nil {
		rand = crand.Reader
	}
	if _, err := io.ReadFull(rand, c.Secret[:]); err != nil {
		return Code{}, fmt.Errorf("sharecode: reading random secret: %w", err)
	}
	return c, nil
}

// Direct reports whether c carries addresses.
func (c Code) Direct() bool { return len(c.Addrs) > 0 }

// Short returns the short code of c's match: the same secret, no address.
func (c Code) Short() Code { return Code{Version: c.Version, Secret: c.Secret} }

// WithAddrs returns the direct code of c's match with the given addresses
// (a short code when addrs is empty).
func (c Code) WithAddrs(addrs []netip.AddrPort) Code {
	return Code{Version: c.Version, Secret: c.Secret, Addrs: unmapped(addrs)}
}

// unmapped copies addrs with IPv4-mapped IPv6 addresses as IPv4: a code
// holds each address in one form only.
func unmapped(addrs []netip.AddrPort) []netip.AddrPort {
	if len(addrs) == 0 {
		return nil
	}
	out := make([]netip.AddrPort, len(addrs))
	for i, ap := range addrs {
		out[i] = netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	return out
}

// Validate reports whether c can be encoded into a code that Parse accepts:
// the version must be Version and the addresses valid (at most MaxAddrs,
// each with a valid, specified IP without zone and a non-zero port). Errors
// match ErrVersion or ErrAddress.
func (c Code) Validate() error {
	if c.Version != Version {
		return fmt.Errorf("sharecode: unsupported version %d: %w", c.Version, ErrVersion)
	}
	return validateAddrs(c.Addrs)
}

func validateAddrs(addrs []netip.AddrPort) error {
	if len(addrs) > MaxAddrs {
		return fmt.Errorf("sharecode: %d host addresses, at most %d allowed: %w", len(addrs), MaxAddrs, ErrAddress)
	}
	for i, ap := range addrs {
		if err := validateAddr(ap); err != nil {
			return fmt.Errorf("sharecode: host address %d: %w", i+1, err)
		}
	}
	return nil
}

func validateAddr(ap netip.AddrPort) error {
	ip := ap.Addr()
	switch {
	case !ip.IsValid():
		return fmt.Errorf("invalid IP address: %w", ErrAddress)
	case ip.Zone() != "":
		return fmt.Errorf("IPv6 zone %q cannot be shared: %w", ip.Zone(), ErrAddress)
	case ip.Unmap().IsUnspecified():
		return fmt.Errorf("unspecified IP address %s: %w", ip, ErrAddress)
	case ap.Port() == 0:
		return fmt.Errorf("port 0 on %s: %w", ip, ErrAddress)
	}
	return nil
}

// Equal reports whether c and o hold the same version, secret and addresses
// (in the same order).
func (c Code) Equal(o Code) bool {
	return c.Version == o.Version && c.Secret == o.Secret && slices.Equal(c.Addrs, o.Addrs)
}

// String returns the canonical text form of c, "PS2-" and the symbols in
// groups. It never fails; for a Code that does not pass Validate it
// returns text that Parse rejects or reads differently.
func (c Code) String() string {
	if !c.Direct() {
		return group(c.shortSymbols(), 3)
	}
	return group(b32.EncodeToString(c.appendDirect(nil)), 4)
}

func group(symbols string, size int) string {
	var sb strings.Builder
	sb.Grow(len(Prefix) + len(symbols) + len(symbols)/size + 1)
	sb.WriteString(Prefix)
	for i := 0; i < len(symbols); i += size {
		sb.WriteByte('-')
		sb.WriteString(symbols[i:min(i+size, len(symbols))])
	}
	return sb.String()
}

// shortSymbols is the secret in base32 followed by the two check symbols.
func (c Code) shortSymbols() string {
	s := b32.EncodeToString(c.Secret[:])
	vals := symbolValues(s)
	c1, c0 := rsCheck(c.Version, vals)
	return s + string([]byte{alphabet[c1], alphabet[c0]})
}

// appendDirect appends the binary payload of a direct code, checksum
// included. Addresses beyond 255 are left out; an invalid address is
// written as the unspecified IPv6 address, which Parse rejects.
func (c Code) appendDirect(b []byte) []byte {
	start := len(b)
	b = append(b, c.Version<<4|kindDirect)
	b = append(b, c.Secret[:]...)
	port := uint16(0)
	if len(c.Addrs) > 0 {
		port = c.Addrs[0].Port()
	}
	b = binary.BigEndian.AppendUint16(b, port)
	for i, ap := range c.Addrs {
		if i == 255 {
			break
		}
		tag := byte(0)
		if ap.Port() != port {
			tag = tagOwnPort
		}
		ip := ap.Addr().Unmap()
		form := shortForm(ip)
		var a4 [4]byte
		if form != formIPv6 {
			a4 = ip.As4()
		}
		switch form {
		case form192168:
			b = append(b, tag|form192168, a4[2], a4[3])
		case form10:
			b = append(b, tag|form10, a4[1], a4[2], a4[3])
		case form172:
			b = append(b, tag|form172, a4[1]-16, a4[2], a4[3])
		case formIPv4:
			b = append(b, tag|formIPv4)
			b = append(b, a4[:]...)
		default:
			a16 := ip.As16() // all zero for the invalid Addr
			b = append(b, tag|formIPv6)
			b = append(b, a16[:]...)
		}
		if tag&tagOwnPort != 0 {
			b = binary.BigEndian.AppendUint16(b, ap.Port())
		}
	}
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}

// MarshalText implements encoding.TextMarshaler. Unlike String it fails if
// c does not pass Validate.
func (c Code) MarshalText() ([]byte, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return []byte(c.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler using Parse.
func (c *Code) UnmarshalText(text []byte) error {
	p, err := Parse(string(text))
	if err != nil {
		return err
	}
	*c = p
	return nil
}

// decodeMap maps an ASCII symbol, either case, to its 5-bit value, or 0xFF
// if the byte is not a symbol. Confusable letters are mapped too.
var decodeMap = func() [256]byte {
	var m [256]byte
	for i := range m {
		m[i] = 0xFF
	}
	for i := 0; i < len(alphabet); i++ {
		m[alphabet[i]] = byte(i)
		m[unicode.ToLower(rune(alphabet[i]))] = byte(i)
	}
	for _, c := range "Oo" {
		m[c] = 0
	}
	for _, c := range "IiLl" {
		m[c] = 1
	}
	return m
}()

func symbolValues(s string) []byte {
	v := make([]byte, len(s))
	for i := 0; i < len(s); i++ {
		v[i] = decodeMap[s[i]]
	}
	return v
}

// Parse decodes a share code. See the package documentation for what input
// is accepted. Every error matches ErrBadShareCode and one of the specific
// errors of this package. Parse never panics.
func Parse(s string) (Code, error) {
	if len(s) > MaxInputLen {
		return Code{}, fmt.Errorf("sharecode: input of %d bytes, at most %d allowed: %w", len(s), MaxInputLen, ErrTooLong)
	}
	syms, err := normalize(s)
	if err != nil {
		return Code{}, err
	}
	if len(syms) == 0 {
		return Code{}, ErrEmpty
	}
	switch {
	case strings.HasPrefix(syms, Prefix):
		syms = syms[len(Prefix):]
	case strings.HasPrefix(syms, "PS1"):
		return Code{}, fmt.Errorf("sharecode: a PS1 code is from an older release of peerstep (this one reads version %d codes): %w", Version, ErrVersion)
	}
	switch n := len(syms); {
	case n == ShortLen:
		return parseShort(syms)
	case n < ShortLen/2:
		return Code{}, fmt.Errorf("sharecode: %d symbols is not a share code (a short code has %d): %w", n, ShortLen, ErrNotACode)
	case n < ShortLen:
		return Code{}, fmt.Errorf("sharecode: %d of %d symbols, %d missing: %w", n, ShortLen, ShortLen-n, ErrTruncated)
	case n <= ShortLen+3:
		return Code{}, fmt.Errorf("sharecode: %d symbols, %d more than a short code: %w", n, n-ShortLen, ErrTooManySymbols)
	}
	return parseDirect(syms)
}

// normalize returns the symbols of s, upper case and with confusable
// letters replaced, without separators.
func normalize(s string) (string, error) {
	syms := make([]byte, 0, len(s))
	pos := 0
	for i, r := range s {
		pos++
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return "", fmt.Errorf("sharecode: invalid UTF-8 byte %#02x at position %d: %w", s[i], pos, ErrBadCharacter)
			}
		}
		if r == '-' || r == '_' || unicode.IsSpace(r) {
			continue
		}
		if r >= utf8.RuneSelf || decodeMap[r] == 0xFF {
			return "", fmt.Errorf("sharecode: character %q at position %d is not part of a share code: %w", r, pos, ErrBadCharacter)
		}
		syms = append(syms, alphabet[decodeMap[r]])
	}
	return string(syms), nil
}

func parseShort(syms string) (Code, error) {
	vals := symbolValues(syms)
	c1, c0 := rsCheck(Version, vals[:secretSymbols])
	if vals[secretSymbols] != c1 || vals[secretSymbols+1] != c0 {
		return Code{}, ErrChecksum
	}
	c := Code{Version: Version}
	if _, err := b32.Decode(c.Secret[:], []byte(syms[:secretSymbols])); err != nil {
		return Code{}, fmt.Errorf("sharecode: %v: %w", err, ErrMalformed)
	}
	return c, nil
}

func parseDirect(syms string) (Code, error) {
	p, err := b32.DecodeString(syms)
	if err != nil {
		return Code{}, fmt.Errorf("sharecode: %d symbols is not a possible length, a character is missing or extra: %w", len(syms), ErrTruncated)
	}
	if len(p) < minDirect {
		return Code{}, fmt.Errorf("sharecode: %d symbols is too short for a direct code: %w", len(syms), ErrTruncated)
	}
	if b32.EncodeToString(p) != syms {
		// The last symbol's unused bits are not zero, as String makes
		// them: a typo there would otherwise go unnoticed.
		return Code{}, fmt.Errorf("sharecode: the last character is wrong: %w", ErrChecksum)
	}
	body, sum := p[:len(p)-checksumSize], p[len(p)-checksumSize:]
	if crc32.ChecksumIEEE(body) != binary.BigEndian.Uint32(sum) {
		return Code{}, ErrChecksum
	}
	return parseDirectBody(body)
}

// parseDirectBody decodes a direct payload whose checksum matched.
func parseDirectBody(body []byte) (Code, error) {
	if body[0] == 1 {
		return Code{}, fmt.Errorf("sharecode: a version 1 code, from an older release of peerstep (this one reads version %d codes): %w", Version, ErrVersion)
	}
	if v := body[0] >> 4; v != Version {
		return Code{}, fmt.Errorf("sharecode: unsupported version %d (this program understands version %d): %w", v, Version, ErrVersion)
	}
	if k := body[0] & 0x0f; k != kindDirect {
		return Code{}, fmt.Errorf("sharecode: unknown kind of code %d: %w", k, ErrMalformed)
	}
	c := Code{Version: Version}
	copy(c.Secret[:], body[1:1+SecretSize])
	port := binary.BigEndian.Uint16(body[1+SecretSize:])
	rest := body[directHeader:]
	for len(rest) > 0 {
		n := len(c.Addrs) + 1
		if n > MaxAddrs {
			return Code{}, fmt.Errorf("sharecode: more than %d host addresses: %w", MaxAddrs, ErrAddress)
		}
		tag := rest[0]
		if tag&^tagKnownBits != 0 {
			return Code{}, fmt.Errorf("sharecode: host address %d has unknown tag %#02x: %w", n, tag, ErrMalformed)
		}
		size := formSize(tag & tagFormMask)
		if size == 0 {
			return Code{}, fmt.Errorf("sharecode: host address %d has unknown form %d: %w", n, tag&tagFormMask, ErrMalformed)
		}
		need := 1 + size
		if tag&tagOwnPort != 0 {
			need += 2
		}
		if len(rest) < need {
			return Code{}, fmt.Errorf("sharecode: payload ends inside host address %d: %w", n, ErrTruncated)
		}
		a := rest[1 : 1+size]
		var ip netip.Addr
		switch tag & tagFormMask {
		case formIPv4:
			ip = netip.AddrFrom4([4]byte(a))
		case form192168:
			ip = netip.AddrFrom4([4]byte{192, 168, a[0], a[1]})
		case form10:
			ip = netip.AddrFrom4([4]byte{10, a[0], a[1], a[2]})
		case form172:
			if a[0] > 15 {
				return Code{}, fmt.Errorf("sharecode: host address %d is outside 172.16.0.0/12: %w", n, ErrMalformed)
			}
			ip = netip.AddrFrom4([4]byte{172, 16 + a[0], a[1], a[2]})
		case formIPv6:
			ip = netip.AddrFrom16([16]byte(a))
			if ip.Is4In6() {
				return Code{}, fmt.Errorf("sharecode: host address %d is an IPv4-mapped IPv6 address: %w", n, ErrMalformed)
			}
		}
		p := port
		if tag&tagOwnPort != 0 {
			if p = binary.BigEndian.Uint16(rest[1+size:]); p == port {
				return Code{}, fmt.Errorf("sharecode: host address %d repeats the default port: %w", n, ErrMalformed)
			}
		}
		if tag&tagFormMask == formIPv4 && shortForm(ip) != formIPv4 {
			return Code{}, fmt.Errorf("sharecode: host address %d is not in its shortest form: %w", n, ErrMalformed)
		}
		ap := netip.AddrPortFrom(ip, p)
		if len(c.Addrs) == 0 && tag&tagOwnPort != 0 {
			return Code{}, fmt.Errorf("sharecode: the first host address has its own port: %w", ErrMalformed)
		}
		if err := validateAddr(ap); err != nil {
			return Code{}, fmt.Errorf("sharecode: host address %d: %w", n, err)
		}
		c.Addrs = append(c.Addrs, ap)
		rest = rest[need:]
	}
	if len(c.Addrs) == 0 {
		return Code{}, fmt.Errorf("sharecode: a direct code with no host address: %w", ErrAddress)
	}
	return c, nil
}

// formSize is the size of an address of the given form, 0 for an unknown
// form.
func formSize(form byte) int {
	switch form {
	case formIPv4:
		return 4
	case form192168:
		return 2
	case form10, form172:
		return 3
	case formIPv6:
		return 16
	}
	return 0
}

// shortForm is the form an address is written in: the shortest one.
func shortForm(ip netip.Addr) byte {
	if !ip.Is4() {
		return formIPv6
	}
	a := ip.As4()
	switch {
	case a[0] == 192 && a[1] == 168:
		return form192168
	case a[0] == 10:
		return form10
	case a[0] == 172 && a[1]&0xf0 == 16:
		return form172
	}
	return formIPv4
}
