package seal

// The whole key schedule of the wire protocol lives in this file, so that a
// future protocol version changes it in one place.

import (
	"bytes"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// KeySize is the size of the AES-256-GCM keys.
const KeySize = 32

// PublicKeySize is the size of an X25519 public key.
const PublicKeySize = 32

const (
	// salt of every HKDF in protocol version 1.
	kdfSalt = "peerstep v1"
	// info strings; distinct so that no two derived values coincide.
	infoLobbyKey = "lobby key"
	infoMatchID  = "match id"
	infoLink     = "peerstep v1 link"
	infoLinkID   = "peerstep v1 link id"
	infoDHTHost  = "dht host"
	infoDHTJoin  = "dht joiner"
)

// DeriveLobby derives the lobby key and match ID from the share code secret
// with HKDF-SHA256 (salt "peerstep v1", info "lobby key" and "match id").
// Every holder of the secret computes the same values. The lobby key seals
// handshake datagrams; the match ID tags them (and reject datagrams) so a
// host can tell its match's traffic from stray datagrams without any crypto.
//
// DeriveLobby panics only if HKDF fails, which happens only in FIPS
// 140-only mode with a secret shorter than 112 bits.
func DeriveLobby(secret []byte) (key [KeySize]byte, matchID uint32) {
	k := mustHKDF(secret, infoLobbyKey, KeySize)
	id := mustHKDF(secret, infoMatchID, 4)
	copy(key[:], k)
	return key, binary.BigEndian.Uint32(id)
}

// DeriveRendezvous derives the two BitTorrent DHT infohashes of a match
// from the share code secret (HKDF-SHA256, salt "peerstep v1", info "dht
// host" and "dht joiner"): the host announces itself under the first,
// joiners under the second, and each looks up the other's. The DHT learns
// two random-looking numbers and the addresses announced under them,
// nothing that lets anyone join.
func DeriveRendezvous(secret []byte) (host, joiner [20]byte) {
	copy(host[:], mustHKDF(secret, infoDHTHost, 20))
	copy(joiner[:], mustHKDF(secret, infoDHTJoin, 20))
	return host, joiner
}

func mustHKDF(secret []byte, info string, n int) []byte {
	b, err := hkdf.Key(sha256.New, secret, []byte(kdfSalt), info, n)
	if err != nil {
		panic("seal: HKDF failed: " + err.Error())
	}
	return b
}

// DeriveLinkKeys derives the two directional keys of the link between the
// owner of localPub and the owner of remotePub.
//
// shared is the X25519 shared secret (local private key with remotePub, see
// ecdh.PrivateKey.ECDH); secret is the share code secret, mixed in so that
// link keys also depend on the match. The input keying material of
// HKDF-SHA256 is shared||secret, the salt "peerstep v1", and the info
// "peerstep v1 link" followed by both public keys in ascending byte order
// (first, second). The 64 output bytes are the first->second key followed
// by the second->first key. send is the key for local->remote and recv for
// remote->local, so both sides agree: A.send == B.recv and A.recv == B.send.
//
// It fails if a public key or shared is not 32 bytes, shared is all zero,
// or the two public keys are equal (both directions would share a key and
// counters, reusing nonces).
func DeriveLinkKeys(secret, shared, localPub, remotePub []byte) (send, recv [KeySize]byte, err error) {
	if len(localPub) != PublicKeySize || len(remotePub) != PublicKeySize {
		return send, recv, fmt.Errorf("seal: public keys must be %d bytes, got %d and %d", PublicKeySize, len(localPub), len(remotePub))
	}
	if len(shared) != 32 {
		return send, recv, fmt.Errorf("seal: X25519 shared secret must be 32 bytes, got %d", len(shared))
	}
	if subtle.ConstantTimeCompare(shared, make([]byte, 32)) == 1 {
		return send, recv, errors.New("seal: X25519 shared secret is zero (low-order public key)")
	}
	cmp := bytes.Compare(localPub, remotePub)
	if cmp == 0 {
		return send, recv, errors.New("seal: local and remote public keys are equal")
	}
	first, second := localPub, remotePub
	if cmp > 0 {
		first, second = remotePub, localPub
	}
	ikm := make([]byte, 0, len(shared)+len(secret))
	ikm = append(append(ikm, shared...), secret...)
	info := infoLink + string(first) + string(second)
	okm, err := hkdf.Key(sha256.New, ikm, []byte(kdfSalt), info, 2*KeySize)
	if err != nil {
		return send, recv, fmt.Errorf("seal: deriving link keys: %w", err)
	}
	firstToSecond, secondToFirst := okm[:KeySize], okm[KeySize:]
	if cmp < 0 { // local is first
		copy(send[:], firstToSecond)
		copy(recv[:], secondToFirst)
	} else {
		copy(send[:], secondToFirst)
		copy(recv[:], firstToSecond)
	}
	return send, recv, nil
}

// LinkID returns the link ID of the direction senderPub -> receiverPub: the
// ID in the header of every link datagram that the owner of senderPub sends
// to the owner of receiverPub, and by which the receiver finds the link.
//
// So a peer stamps outgoing datagrams with LinkID(localPub, remotePub) and
// indexes its incoming links by LinkID(remotePub, localPub). Both sides
// compute the same value. It is the first 4 bytes of
// SHA-256("peerstep v1 link id" || senderPub || receiverPub). It is not
// secret; collisions among a receiver's few links are possible in principle
// (about n²/2³³ for n links) and must be checked when a link is added.
func LinkID(senderPub, receiverPub []byte) uint32 {
	h := sha256.New()
	h.Write([]byte(infoLinkID))
	h.Write(senderPub)
	h.Write(receiverPub)
	var sum [sha256.Size]byte
	return binary.BigEndian.Uint32(h.Sum(sum[:0]))
}

// GenerateKey returns a new X25519 private key. If rand is nil it uses the
// crypto/ecdh generator (always a secure source). Otherwise it reads the 32
// private key bytes from rand, which lets tests be deterministic; callers
// must then pass a cryptographically secure source such as crypto/rand.
// (Since Go 1.26, ecdh.Curve.GenerateKey itself ignores its rand argument.)
func GenerateKey(rand io.Reader) (*ecdh.PrivateKey, error) {
	if rand == nil {
		return ecdh.X25519().GenerateKey(nil)
	}
	var b [32]byte
	if _, err := io.ReadFull(rand, b[:]); err != nil {
		return nil, fmt.Errorf("seal: reading random key: %w", err)
	}
	return ecdh.X25519().NewPrivateKey(b[:])
}
