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
//	[0x03][matchID uint32][nonce 12 bytes]
//
// Plaintext. A host sends it in answer to a handshake sealed for another
// match (a joiner with a wrong or stale share code), echoing that
// handshake's match ID and random nonce, so that the joiner gets a clear
// "wrong code" error at once instead of a timeout. The joiner believes only
// a reject that echoes a nonce it sent, from an address it sent to: a
// forger would have to see the joiner's handshake first. It is smaller than
// the handshake it answers, so a host cannot be used to amplify traffic.
//
// # Keys
//
// All key derivation lives in keys.go: [DeriveLobby] turns the share code
// secret into the lobby key and match ID, [GenerateKey] makes X25519 keys,
// [DeriveLinkKeys] turns an X25519 shared secret into the two directional
// link keys, and [LinkID] names a direction of a link.
package seal
