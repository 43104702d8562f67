package seal

import (
	"crypto/hmac"
	crand "crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"net/netip"
	"time"
)

// CookieBucket is the length of a cookie time bucket. A cookie is valid in
// the bucket it was made in and the next one, so for between CookieBucket
// and 2*CookieBucket.
const CookieBucket = 10 * time.Second

// CookieSize is the size of a join cookie: the time bucket (8 bytes) and a
// truncated HMAC-SHA256 (16 bytes).
const CookieSize = 8 + cookieMACSize

const cookieMACSize = 16

// CookieJar makes and verifies stateless join cookies, like the DTLS
// HelloVerifyRequest: a host answers a first join handshake with a cookie
// bound to the joiner's address and public key, and only does expensive
// work (X25519, allocating a peer) for a handshake that echoes a valid
// cookie. This proves the joiner can receive at its claimed address and
// costs the host no state per join attempt.
//
// A cookie is bucket || HMAC-SHA256(jar key, bucket || addr || pub)[:16],
// where bucket is the Unix time divided by CookieBucket (big-endian uint64)
// and addr is the 16-byte IP (IPv4 as IPv4-mapped, zone ignored) and the
// big-endian port. Time is passed in, never read from the clock.
//
// A CookieJar is safe for concurrent use. Its key lives only in memory, so
// cookies do not survive a restart.
type CookieJar struct {
	key [32]byte
}

// NewCookieJar returns a CookieJar with a fresh random key read from rand
// (crypto/rand if nil).
func NewCookieJar(rand io.Reader) (*CookieJar, error) {
	if rand == nil {
		rand = crand.Reader
	}
	j := new(CookieJar)
	if _, err := io.ReadFull(rand, j.key[:]); err != nil {
		return nil, fmt.Errorf("seal: reading cookie key: %w", err)
	}
	return j, nil
}

// bucket returns the time bucket of now (floor division, also before 1970).
func bucket(now time.Time) uint64 {
	s := now.Unix()
	d := int64(CookieBucket / time.Second)
	b := s / d
	if s%d < 0 {
		b--
	}
	return uint64(b)
}

func (j *CookieJar) mac(dst []byte, b uint64, addr netip.AddrPort, pub []byte) []byte {
	var msg [8 + 16 + 2]byte
	binary.BigEndian.PutUint64(msg[0:8], b)
	ip := addr.Addr().As16()
	copy(msg[8:24], ip[:])
	binary.BigEndian.PutUint16(msg[24:26], addr.Port())
	h := hmac.New(sha256.New, j.key[:])
	h.Write(msg[:])
	h.Write(pub)
	var sum [sha256.Size]byte
	return append(dst, h.Sum(sum[:0])[:cookieMACSize]...)
}

// Make returns a cookie for a joiner at addr with the public key pub, valid
// in now's bucket and the next one.
func (j *CookieJar) Make(addr netip.AddrPort, pub []byte, now time.Time) []byte {
	b := bucket(now)
	c := make([]byte, 8, CookieSize)
	binary.BigEndian.PutUint64(c, b)
	return j.mac(c, b, addr, pub)
}

// Verify reports whether cookie was made by this jar for addr and pub in
// now's bucket or the previous one. The MAC is compared in constant time.
func (j *CookieJar) Verify(cookie []byte, addr netip.AddrPort, pub []byte, now time.Time) bool {
	if len(cookie) != CookieSize {
		return false
	}
	b := binary.BigEndian.Uint64(cookie[:8])
	cur := bucket(now)
	if b != cur && b != cur-1 {
		return false
	}
	var buf [cookieMACSize]byte
	return hmac.Equal(j.mac(buf[:0], b, addr, pub), cookie[8:])
}
