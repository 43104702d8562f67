package wire

import (
	"fmt"

	"github.com/peerstep/peerstep/internal/mpcheck"
)

// Limits of an engine datagram, checked by SplitDatagram.
const (
	// MaxDatagramMsgs bounds the engine messages one datagram carries.
	MaxDatagramMsgs = 32
	// MaxDatagramSize bounds a datagram's payload: it must fit one UDP
	// datagram on any path, sealed.
	MaxDatagramSize = 1200
)

// A datagram is the payload of an unreliable link datagram: engine
// messages (lockstep's msgpack arrays, the messages lockstep lets go
// unreliably: inputs, pings, pongs), one after another with nothing
// around them, since each msgpack value says where it ends. The link's
// subkind says what the payload is; a tick's input costs a few bytes
// beyond the seal.

// SplitDatagram cuts a datagram into its messages, which alias b. It
// never panics; any error wraps ErrMalformed or ErrTooLarge. The messages
// are well-formed msgpack, not yet lockstep messages: lockstep's
// DecodeMessage checks each.
func SplitDatagram(b []byte) ([][]byte, error) {
	if len(b) > MaxDatagramSize {
		return nil, fmt.Errorf("%w: datagram of %d bytes", ErrTooLarge, len(b))
	}
	if len(b) == 0 {
		return nil, fmt.Errorf("%w: empty datagram", ErrMalformed)
	}
	var msgs [][]byte
	for len(b) > 0 {
		if len(msgs) == MaxDatagramMsgs {
			return nil, fmt.Errorf("%w: datagram of more than %d messages", ErrTooLarge, MaxDatagramMsgs)
		}
		n, err := mpcheck.Prefix(b)
		if err != nil {
			return nil, fmt.Errorf("%w: datagram message %d: %v", ErrMalformed, len(msgs), err)
		}
		msgs = append(msgs, b[:n:n])
		b = b[n:]
	}
	return msgs, nil
}
