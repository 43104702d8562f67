package lockstep

import (
	"fmt"
	"math"
	"time"

	"github.com/peerstep/peerstep/internal/msgp"
)

// maxClock bounds the times pings and pongs carry, in nanoseconds (146
// years of a match).
const maxClock = 1 << 62

// pingSpec: a PingMsg, sent as a datagram.
var pingSpec = messageSpec{
	kind:    KindPing,
	layout:  "[3, sent ns, frame clock, advantage in thousandths of a frame]",
	fields:  4,
	channel: "datagram",
}

func (m *PingMsg) appendTo(b []byte) []byte {
	b = msgp.AppendArrayHeader(b, 4)
	b = msgp.AppendUint(b, uint64(KindPing))
	b = msgp.AppendInt(b, int64(m.Sent))
	b = msgp.AppendInt(b, int64(m.Frame))
	return msgp.AppendInt(b, int64(m.Advantage))
}

func decodePingMsg(r *msgp.Reader) Message {
	return &PingMsg{
		Sent:      time.Duration(r.IntIn(0, maxClock)),
		Frame:     Frame(r.IntIn(0, maxFrame)),
		Advantage: int32(r.IntIn(math.MinInt32, math.MaxInt32)),
	}
}

func (m *PingMsg) validate() error {
	if m.Sent < 0 || m.Sent > maxClock {
		return fmt.Errorf("%w: ping sent at %d", ErrBadMessage, m.Sent)
	}
	return checkFrame("ping", m.Frame, 0)
}
