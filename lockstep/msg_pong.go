package lockstep

import (
	"fmt"
	"time"

	"github.com/peerstep/peerstep/internal/msgp"
)

// pongSpec: a PongMsg, sent as a datagram.
var pongSpec = messageSpec{
	kind:    KindPong,
	layout:  "[4, echo ns, frame clock, held ns]",
	fields:  4,
	channel: "datagram",
}

func (m *PongMsg) appendTo(b []byte) []byte {
	b = msgp.AppendArrayHeader(b, 4)
	b = msgp.AppendUint(b, uint64(KindPong))
	b = msgp.AppendInt(b, int64(m.Echo))
	b = msgp.AppendInt(b, int64(m.Frame))
	return msgp.AppendInt(b, int64(m.Held))
}

func decodePongMsg(r *msgp.Reader) Message {
	return &PongMsg{
		Echo:  time.Duration(r.IntIn(0, maxClock)),
		Frame: Frame(r.IntIn(0, maxFrame)),
		Held:  time.Duration(r.IntIn(0, maxClock)),
	}
}

func (m *PongMsg) validate() error {
	if m.Echo < 0 || m.Echo > maxClock || m.Held < 0 || m.Held > maxClock {
		return fmt.Errorf("%w: pong echo %d, held %d", ErrBadMessage, m.Echo, m.Held)
	}
	return checkFrame("pong", m.Frame, 0)
}
