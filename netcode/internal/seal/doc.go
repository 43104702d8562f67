// Package seal seals and opens peerstep datagrams on the wire.
//
// Every UDP datagram between peers is sealed below KCP. There are three
// kinds, told apart by the first byte. All integers are big-endian.
//
// # Handshake datagram (KindHandshake, 0x01)
//
//	[0x01][matchID uint32][nonce 12 bytes][AES-256-GCM ciphertext][tag 16 bytes]
//
// Sealed with the lobby key from [DeriveLobby], which every holder of the
// share code can compute. The nonce is random. The additional data is the
// 17-byte header (kind, matchID, nonce). Handshakes carry the peers' X25519
// public keys (and join cookies, see [CookieJar]); the payload format is up
// to the caller. Overhead: [HandshakeOverhead] bytes.
//
// # Link datagram (KindLink, 0x02)
//
//	[0x02][linkID uint32][counter uint64][AES-256-GCM ciphertext][tag 16 bytes]
//
// Sealed with the key of one direction of a link between two peers, from
// [DeriveLinkKeys]. The GCM nonce is 4 zero bytes followed by the counter;
// the additional data is the 13-byte header (kind, linkID, counter). The
// counter starts at 1 and grows by one per datagram; because each direction
// has its own key, a (key, nonce) pair is never used twice. The receiver
// finds the link by linkID (see [LinkID]) and drops replays with a
// [ReplayWindow]. Overhead: [LinkOverhead] bytes.
//
// # Reject datagram (KindReject, 0x03)
//
//	[0x03][matchID uint32]
//
// Plaintext and unauthenticated. A host sends it in answer to a handshake
// whose match ID it knows but which does not authenticate, so that a joiner
// with a mistyped or stale share code gets a clear "wrong code" error
// instead of a timeout. Being unauthenticated, a receiver must only treat it
// as a hint (for example, report it after the handshake also timed out, or
// only while no handshake succeeded).
//
// # Keys
//
// All key derivation lives in keys.go: [DeriveLobby] turns the share code
// secret into the lobby key and match ID, [GenerateKey] makes X25519 keys,
// [DeriveLinkKeys] turns an X25519 shared secret into the two directional
// link keys, and [LinkID] names a direction of a link.
package seal
