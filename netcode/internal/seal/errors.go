package seal

import "errors"

// The errors returned by this package. The hot-path functions (LinkOpener.Open,
// LinkSealer.Seal, OpenHandshake) return them unwrapped so that rejecting a
// datagram never allocates; compare with errors.Is.
var (
	// ErrMalformed means a datagram is too short, of the wrong kind or
	// carries the wrong link or match ID.
	ErrMalformed = errors.New("seal: malformed datagram")

	// ErrAuth means a datagram's authentication tag does not verify: it was
	// sealed with another key, or tampered with.
	ErrAuth = errors.New("seal: datagram authentication failed")

	// ErrReplay means a link datagram's counter was already accepted or is
	// too old for the replay window.
	ErrReplay = errors.New("seal: replayed or too old datagram")

	// ErrExhausted means a LinkSealer has used all 2^64-1 counters; the link
	// must be re-keyed.
	ErrExhausted = errors.New("seal: link counter exhausted")
)
