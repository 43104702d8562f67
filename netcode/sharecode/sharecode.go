// Package sharecode encodes and decodes peerstep share codes.
//
// A share code is what a host reads aloud or pastes to friends so they can
// join a match. It carries a random match secret (the key to the match) and
// the host's address candidates.
//
// # Text form
//
// The canonical text form, as returned by [Code.String], looks like
//
//	PS1-0123-4567-89AB-...
//
// It is the fixed prefix "PS1" followed by the binary payload (see below) in
// Crockford's base32 alphabet (0-9 and A-Z without I, L, O and U), upper
// case, in groups of four symbols joined by '-'.
//
// [Parse] is forgiving: it accepts lower case, maps the confusable letters
// O to 0 and I and L to 1, ignores spaces (any white space), dashes and
// underscores anywhere, and the "PS1" prefix is optional. Because the payload
// always starts with the version byte, a version 1 payload always starts with
// the symbol '0', so the prefix can never be mistaken for payload.
//
// # Binary payload
//
//	version   1 byte   (Version)
//	secret    16 bytes (SecretSize)
//	count     1 byte   (1..MaxAddrs)
//	count times:
//	  tag     1 byte   4 or 6
//	  ip      4 or 16 bytes
//	  port    2 bytes, big-endian
//	checksum  4 bytes, CRC-32 (IEEE) of everything before it, big-endian
//
// The version byte first and the CRC-32 last are fixed for all versions, so
// a code of a newer version is reported as [ErrVersion] rather than as a
// typo.
//
// The checksum is CRC-32 because it detects every error burst of up to 32
// bits: a single mistyped symbol changes at most 5 consecutive bits and two
// swapped adjacent symbols at most 10, so both are always caught. It is not a
// security feature; the secret is what protects the match.
package sharecode

import (
	crand "crypto/rand"
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
const Version = 1

// SecretSize is the size of the match secret in bytes.
const SecretSize = 16

// MaxAddrs is the maximum number of host address candidates in a code.
const MaxAddrs = 8

// MaxInputLen is the maximum length in bytes of the text Parse accepts.
// Longer input is rejected with ErrTooLong before it is examined.
const MaxInputLen = 512

// Prefix is the fixed prefix of the canonical text form. It is optional in
// the input of Parse.
const Prefix = "PS1"

// alphabet is Crockford's base32 alphabet.
const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// groupSize is the number of symbols per dash-separated group.
const groupSize = 4

const (
	tagIPv4      = 4
	tagIPv6      = 6
	checksumSize = 4
	headerSize   = 1 + SecretSize + 1
	// minPayload is the size of the shortest valid payload: one IPv4
	// address. Shorter input is reported as ErrTruncated, not as a typo.
	minPayload = headerSize + 1 + 4 + 2 + checksumSize
)

// decodeMap maps an upper-case or lower-case ASCII symbol to its 5-bit value,
// or 0xFF if the byte is not a symbol. Confusable letters are mapped too.
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

// Code is a decoded share code.
type Code struct {
	// Version is the format version; codes made by New carry Version.
	Version uint8
	// Secret is the random match secret; it is the key to the match.
	Secret [SecretSize]byte
	// Addrs are the host's address candidates (IPv4 or IPv6), 1..MaxAddrs.
	Addrs []netip.AddrPort
}

// New returns a Code of the current Version with a fresh random secret read
// from rand (crypto/rand if rand is nil) and a copy of addrs. It fails with
// ErrAddress if addrs is empty, longer than MaxAddrs, or holds an unusable
// address (see Code.Validate).
func New(addrs []netip.AddrPort, rand io.Reader) (Code, error) {
	c := Code{Version: Version, Addrs: slices.Clone(addrs)}
	if err := validateAddrs(c.Addrs); err != nil {
		return Code{}, err
	}
	if rand == nil {
		rand = cryptoRand
	}
	if _, err := io.ReadFull(rand, c.Secret[:]); err != nil {
		return Code{}, fmt.Errorf("sharecode: reading random secret: %w", err)
	}
	return c, nil
}

// cryptoRand is the default source of randomness.
var cryptoRand io.Reader = crand.Reader

// Validate reports whether c can be encoded into a code that Parse accepts:
// the version must be Version and the addresses must be valid (1..MaxAddrs,
// each with a valid, non-zero, specified IP without zone and a non-zero
// port). Errors match ErrVersion or ErrAddress.
func (c Code) Validate() error {
	if c.Version != Version {
		return fmt.Errorf("sharecode: unsupported version %d: %w", c.Version, ErrVersion)
	}
	return validateAddrs(c.Addrs)
}

func validateAddrs(addrs []netip.AddrPort) error {
	if len(addrs) == 0 {
		return fmt.Errorf("sharecode: no host address: %w", ErrAddress)
	}
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

// appendPayload appends the binary payload of c, checksum included.
// It never fails: invalid addresses are encoded so that Parse rejects them
// (an invalid IP as the unspecified IPv6 address), and at most 255 addresses
// are written.
func (c Code) appendPayload(b []byte) []byte {
	start := len(b)
	b = append(b, c.Version)
	b = append(b, c.Secret[:]...)
	addrs := c.Addrs
	if len(addrs) > 255 {
		addrs = addrs[:255]
	}
	b = append(b, byte(len(addrs)))
	for _, ap := range addrs {
		ip := ap.Addr()
		if ip.Is4() {
			a := ip.As4()
			b = append(b, tagIPv4)
			b = append(b, a[:]...)
		} else {
			a := ip.As16() // all zero for the invalid Addr
			b = append(b, tagIPv6)
			b = append(b, a[:]...)
		}
		b = binary.BigEndian.AppendUint16(b, ap.Port())
	}
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[start:]))
}

// String returns the canonical text form of c, for example
// "PS1-0123-4567-...". It never fails; for a Code that does not pass
// Validate it returns text that Parse rejects (or, for an IPv6 zone, accepts
// without the zone).
func (c Code) String() string {
	payload := c.appendPayload(make([]byte, 0, 64))
	symbols := encodeBase32(payload)
	var sb strings.Builder
	sb.Grow(len(Prefix) + len(symbols) + len(symbols)/groupSize + 1)
	sb.WriteString(Prefix)
	for i := 0; i < len(symbols); i += groupSize {
		sb.WriteByte('-')
		sb.Write(symbols[i:min(i+groupSize, len(symbols))])
	}
	return sb.String()
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

// encodeBase32 encodes b with the alphabet, without padding. The last
// symbol's unused low bits are zero.
func encodeBase32(b []byte) []byte {
	out := make([]byte, 0, (len(b)*8+4)/5)
	var acc uint32
	var bits uint
	for _, x := range b {
		acc = acc<<8 | uint32(x)
		bits += 8
		for bits >= 5 {
			bits -= 5
			out = append(out, alphabet[(acc>>bits)&31])
		}
	}
	if bits > 0 {
		out = append(out, alphabet[(acc<<(5-bits))&31])
	}
	return out
}

// decodeBase32 decodes 5-bit values (not symbols). It fails with
// ErrTruncated if the length cannot come from encodeBase32. padOK reports
// whether the unused low bits of the last symbol are zero, as encodeBase32
// makes them; if not, the last symbol has a typo.
func decodeBase32(vals []byte) (out []byte, padOK bool, err error) {
	if rem := len(vals) * 5 % 8; rem >= 5 {
		return nil, false, fmt.Errorf("sharecode: %d symbols is not a possible length, a character is missing or extra: %w", len(vals), ErrTruncated)
	}
	out = make([]byte, 0, len(vals)*5/8)
	var acc uint32
	var bits uint
	for _, v := range vals {
		acc = acc<<5 | uint32(v)
		bits += 5
		if bits >= 8 {
			bits -= 8
			out = append(out, byte(acc>>bits))
		}
	}
	return out, acc&(1<<bits-1) == 0, nil
}

// Parse decodes a share code. See the package documentation for what input
// is accepted. Every error matches ErrBadShareCode and one of the specific
// errors of this package. Parse never panics.
func Parse(s string) (Code, error) {
	if len(s) > MaxInputLen {
		return Code{}, fmt.Errorf("sharecode: input of %d bytes, at most %d allowed: %w", len(s), MaxInputLen, ErrTooLong)
	}
	// Normalize into 5-bit values, remembering upper-case symbols for the
	// prefix check.
	vals := make([]byte, 0, len(s))
	syms := make([]byte, 0, len(s))
	pos := 0
	for i, r := range s {
		pos++
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return Code{}, fmt.Errorf("sharecode: invalid UTF-8 byte %#02x at position %d: %w", s[i], pos, ErrBadCharacter)
			}
		}
		if r == '-' || r == '_' || unicode.IsSpace(r) {
			continue
		}
		if r >= utf8.RuneSelf || decodeMap[r] == 0xFF {
			return Code{}, fmt.Errorf("sharecode: character %q at position %d is not part of a share code: %w", r, pos, ErrBadCharacter)
		}
		v := decodeMap[r]
		vals = append(vals, v)
		syms = append(syms, alphabet[v])
	}
	if len(vals) == 0 {
		return Code{}, ErrEmpty
	}
	if strings.HasPrefix(string(syms), Prefix) {
		vals = vals[len(Prefix):]
	}
	payload, padOK, err := decodeBase32(vals)
	if err != nil {
		return Code{}, err
	}
	if len(payload) < minPayload {
		return Code{}, fmt.Errorf("sharecode: %d symbols is too short for a share code: %w", len(vals), ErrTruncated)
	}
	if !padOK {
		return Code{}, fmt.Errorf("sharecode: the last character is wrong: %w", ErrChecksum)
	}
	return parsePayload(payload)
}

// parsePayload decodes the binary payload, checksum included.
func parsePayload(p []byte) (Code, error) {
	if len(p) < 1+checksumSize {
		return Code{}, fmt.Errorf("sharecode: code is too short: %w", ErrTruncated)
	}
	body, sum := p[:len(p)-checksumSize], p[len(p)-checksumSize:]
	if crc32.ChecksumIEEE(body) != binary.BigEndian.Uint32(sum) {
		return Code{}, ErrChecksum
	}
	var c Code
	c.Version = body[0]
	if c.Version != Version {
		return Code{}, fmt.Errorf("sharecode: unsupported version %d (this program understands version %d): %w", c.Version, Version, ErrVersion)
	}
	if len(body) < headerSize {
		return Code{}, fmt.Errorf("sharecode: payload ends inside the header: %w", ErrTruncated)
	}
	copy(c.Secret[:], body[1:1+SecretSize])
	n := int(body[1+SecretSize])
	if n == 0 {
		return Code{}, fmt.Errorf("sharecode: no host address: %w", ErrAddress)
	}
	if n > MaxAddrs {
		return Code{}, fmt.Errorf("sharecode: %d host addresses, at most %d allowed: %w", n, MaxAddrs, ErrAddress)
	}
	rest := body[headerSize:]
	c.Addrs = make([]netip.AddrPort, 0, n)
	for i := range n {
		if len(rest) < 1 {
			return Code{}, fmt.Errorf("sharecode: payload ends before host address %d: %w", i+1, ErrTruncated)
		}
		var ip netip.Addr
		var size int
		switch rest[0] {
		case tagIPv4:
			size = 4
		case tagIPv6:
			size = 16
		default:
			return Code{}, fmt.Errorf("sharecode: host address %d has unknown tag %d: %w", i+1, rest[0], ErrMalformed)
		}
		if len(rest) < 1+size+2 {
			return Code{}, fmt.Errorf("sharecode: payload ends inside host address %d: %w", i+1, ErrTruncated)
		}
		if size == 4 {
			ip = netip.AddrFrom4([4]byte(rest[1:5]))
		} else {
			ip = netip.AddrFrom16([16]byte(rest[1:17]))
		}
		ap := netip.AddrPortFrom(ip, binary.BigEndian.Uint16(rest[1+size:]))
		if err := validateAddr(ap); err != nil {
			return Code{}, fmt.Errorf("sharecode: host address %d: %w", i+1, err)
		}
		c.Addrs = append(c.Addrs, ap)
		rest = rest[1+size+2:]
	}
	if len(rest) != 0 {
		return Code{}, fmt.Errorf("sharecode: %d unexpected bytes after the host addresses: %w", len(rest), ErrMalformed)
	}
	return c, nil
}
