package seal

import (
	"crypto/aes"
	"crypto/cipher"
	crand "crypto/rand"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// Datagram kinds: the first byte of every datagram.
const (
	KindHandshake byte = 0x01 // sealed with the lobby key
	KindLink      byte = 0x02 // sealed with a directional link key
	KindReject    byte = 0x03 // plaintext "wrong code" answer, echoing the handshake's nonce
)

// Sizes of the datagram formats.
const (
	// TagSize is the size of the AES-GCM authentication tag.
	TagSize = 16
	// HandshakeNonceSize is the size of the random handshake nonce.
	HandshakeNonceSize = 12
	// HandshakeHeaderSize is kind + matchID + nonce; it is the additional data.
	HandshakeHeaderSize = 1 + 4 + HandshakeNonceSize
	// HandshakeOverhead is the size of a handshake datagram minus its plaintext.
	HandshakeOverhead = HandshakeHeaderSize + TagSize
	// LinkHeaderSize is kind + linkID + the counter's low 32 bits; it is the
	// additional data. The whole 64-bit counter is the nonce: the receiver
	// rebuilds it from the low bits and the highest counter it accepted, so
	// the 4 bytes saved on every datagram cost no security.
	LinkHeaderSize = 1 + 4 + 4
	// LinkOverhead is the size of a link datagram minus its plaintext.
	LinkOverhead = LinkHeaderSize + TagSize
	// RejectSize is the size of a reject datagram: kind, match ID and the
	// nonce of the handshake it answers. Smaller than any handshake.
	RejectSize = 1 + 4 + HandshakeNonceSize
)

func newGCM(key [KeySize]byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("seal: %w", err)
	}
	return aead, nil
}

// grow appends n bytes to dst (reallocating only if its capacity is too
// small) and returns the whole slice and the appended part.
func grow(dst []byte, n int) (whole, tail []byte) {
	total := len(dst) + n
	if cap(dst) >= total {
		whole = dst[:total]
	} else {
		whole = make([]byte, total, total+total/4)
		copy(whole, dst)
	}
	return whole, whole[len(dst):]
}

// LinkSealer seals the link datagrams of one direction of a link.
//
// A LinkSealer is not safe for concurrent use: the counter must be taken and
// used by one goroutine at a time (a nonce must never repeat). Use one per
// direction and serialize calls, for example from the single sending
// goroutine of the link.
type LinkSealer struct {
	aead   cipher.AEAD
	linkID uint32
	last   uint64 // last counter used; 0 before the first datagram
	nonce  [12]byte
}

// NewLinkSealer returns a sealer for the direction whose key is key (the
// send key from DeriveLinkKeys) and whose receiver knows the link as linkID
// (LinkID(localPub, remotePub)). The first datagram has counter 1.
func NewLinkSealer(key [KeySize]byte, linkID uint32) (*LinkSealer, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	return &LinkSealer{aead: aead, linkID: linkID}, nil
}

// Seal seals plaintext into a link datagram with the next counter and
// appends the datagram to dst. It does not allocate if dst has room for
// len(plaintext)+LinkOverhead more bytes. plaintext must not overlap the
// part of dst's capacity the datagram is written to, except exactly: to seal
// in place, put the plaintext at buf[LinkHeaderSize:] and pass buf[:0] as
// dst. After 2^64-1 datagrams
// it fails with ErrExhausted.
func (s *LinkSealer) Seal(dst, plaintext []byte) ([]byte, error) {
	if s.last == math.MaxUint64 {
		return nil, ErrExhausted
	}
	s.last++
	whole, out := grow(dst, LinkOverhead+len(plaintext))
	out[0] = KindLink
	binary.BigEndian.PutUint32(out[1:5], s.linkID)
	binary.BigEndian.PutUint32(out[5:9], uint32(s.last))
	binary.BigEndian.PutUint64(s.nonce[4:], s.last)
	s.aead.Seal(out[LinkHeaderSize:LinkHeaderSize], s.nonce[:], plaintext, out[:LinkHeaderSize])
	return whole, nil
}

// Counter returns the counter of the last sealed datagram (0 before the
// first).
func (s *LinkSealer) Counter() uint64 { return s.last }

// expandCounter rebuilds a 64-bit counter from its low 32 bits: of the
// counters with those low bits, the one nearest the next expected one.
func expandCounter(highest uint64, low uint32) uint64 {
	const span = 1 << 32
	next := highest + 1
	c := highest&^(span-1) | uint64(low)
	switch {
	case c < next && next-c > span/2 && c <= math.MaxUint64-span:
		c += span
	case c > next && c-next > span/2 && c >= span:
		c -= span
	}
	return c
}

// LinkOpener opens the link datagrams of one direction of a link. Like
// LinkSealer it is not safe for concurrent use.
type LinkOpener struct {
	aead   cipher.AEAD
	linkID uint32
	window ReplayWindow
	nonce  [12]byte
}

// NewLinkOpener returns an opener for the direction whose key is key (the
// recv key from DeriveLinkKeys) and which the sender stamps with linkID
// (LinkID(remotePub, localPub)).
func NewLinkOpener(key [KeySize]byte, linkID uint32) (*LinkOpener, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	return &LinkOpener{aead: aead, linkID: linkID}, nil
}

// Highest returns the highest counter accepted so far, 0 before the first:
// with a count of datagrams opened, it tells how many were lost on the way.
func (o *LinkOpener) Highest() uint64 { return o.window.Highest() }

// Open checks a link datagram and appends its plaintext to dst. It checks,
// in order, the kind, link ID, length and a non-zero counter (ErrMalformed), that the counter is
// not a replay (ErrReplay, before spending any crypto), the tag (ErrAuth),
// and only then records the counter in the replay window, so forged
// datagrams never move the window. It does not allocate if dst has room for
// the plaintext, also when it fails. On error it returns nil. To open in
// place, pass datagram[LinkHeaderSize:LinkHeaderSize] as dst; dst must not
// otherwise overlap datagram.
func (o *LinkOpener) Open(dst, datagram []byte) ([]byte, error) {
	if len(datagram) < LinkOverhead || datagram[0] != KindLink ||
		binary.BigEndian.Uint32(datagram[1:5]) != o.linkID {
		return nil, ErrMalformed
	}
	counter := expandCounter(o.window.Highest(), binary.BigEndian.Uint32(datagram[5:9]))
	if counter == 0 {
		return nil, ErrMalformed // never sent
	}
	if !o.window.Check(counter) {
		return nil, ErrReplay
	}
	binary.BigEndian.PutUint64(o.nonce[4:], counter)
	out, err := o.aead.Open(dst, o.nonce[:], datagram[LinkHeaderSize:], datagram[:LinkHeaderSize])
	if err != nil {
		return nil, ErrAuth
	}
	o.window.Accept(counter)
	return out, nil
}

// SealHandshake seals plaintext into a handshake datagram for the match
// matchID with the lobby key and a random nonce read from rand (crypto/rand
// if nil), and appends the datagram to dst.
func SealHandshake(dst []byte, key [KeySize]byte, matchID uint32, rand io.Reader, plaintext []byte) ([]byte, error) {
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	if rand == nil {
		rand = crand.Reader
	}
	whole, out := grow(dst, HandshakeOverhead+len(plaintext))
	out[0] = KindHandshake
	binary.BigEndian.PutUint32(out[1:5], matchID)
	nonce := out[5:HandshakeHeaderSize]
	if _, err := io.ReadFull(rand, nonce); err != nil {
		return nil, fmt.Errorf("seal: reading handshake nonce: %w", err)
	}
	aead.Seal(out[HandshakeHeaderSize:HandshakeHeaderSize], nonce, plaintext, out[:HandshakeHeaderSize])
	return whole, nil
}

// OpenHandshake checks a handshake datagram of the match matchID and
// appends its plaintext to dst. It fails with ErrMalformed if the datagram
// is too short, not a handshake or for another match, and with ErrAuth if
// it was not sealed with key (typically: the joiner has a wrong share code).
// Handshakes have no replay protection; the payload must make replays
// harmless (for example with cookies and fresh keys). On error it returns
// nil.
func OpenHandshake(dst []byte, key [KeySize]byte, matchID uint32, datagram []byte) ([]byte, error) {
	if len(datagram) < HandshakeOverhead || datagram[0] != KindHandshake ||
		binary.BigEndian.Uint32(datagram[1:5]) != matchID {
		return nil, ErrMalformed
	}
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	out, err := aead.Open(dst, datagram[5:HandshakeHeaderSize], datagram[HandshakeHeaderSize:], datagram[:HandshakeHeaderSize])
	if err != nil {
		return nil, ErrAuth
	}
	return out, nil
}

// Reject returns the reject datagram that answers the handshake datagram
// hs: its match ID and nonce, echoed. Whoever sent hs can tell the answer
// from a forgery by someone who never saw hs (RejectAnswers); only someone
// who can read the traffic can forge it. It returns nil if hs is not a
// handshake datagram.
func Reject(hs []byte) []byte {
	if len(hs) < HandshakeOverhead || hs[0] != KindHandshake {
		return nil
	}
	b := make([]byte, RejectSize)
	b[0] = KindReject
	copy(b[1:], hs[1:HandshakeHeaderSize])
	return b
}

// HandshakeNonce returns the nonce of a handshake datagram, which a reject
// answering it echoes, or nil if hs is not one.
func HandshakeNonce(hs []byte) []byte {
	if len(hs) < HandshakeOverhead || hs[0] != KindHandshake {
		return nil
	}
	return hs[5:HandshakeHeaderSize]
}

// RejectNonce returns the match ID and the echoed handshake nonce of a
// reject datagram, and ok false if r is not one.
func RejectNonce(r []byte) (matchID uint32, nonce []byte, ok bool) {
	if len(r) != RejectSize || r[0] != KindReject {
		return 0, nil, false
	}
	return binary.BigEndian.Uint32(r[1:5]), r[5:], true
}

// Peek looks at a datagram's header without any crypto. It returns the kind
// and the ID (the match ID for handshakes and rejects, the link ID for link
// datagrams) and ok if the kind is known and the datagram is long enough for
// it (a reject must be exactly RejectSize bytes). ok does not mean the
// datagram is authentic.
func Peek(datagram []byte) (kind byte, id uint32, ok bool) {
	if len(datagram) < 5 {
		return 0, 0, false
	}
	kind = datagram[0]
	switch kind {
	case KindHandshake:
		ok = len(datagram) >= HandshakeOverhead
	case KindLink:
		ok = len(datagram) >= LinkOverhead
	case KindReject:
		ok = len(datagram) == RejectSize
	}
	if !ok {
		return 0, 0, false
	}
	return kind, binary.BigEndian.Uint32(datagram[1:5]), true
}
