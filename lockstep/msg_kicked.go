package lockstep

import "github.com/peerstep/peerstep/internal/msgp"

// kickedSpec: a KickedMsg, sent reliably.
var kickedSpec = messageSpec{
	kind:    KindKicked,
	layout:  "[7, frame]",
	fields:  2,
	channel: "reliable",
}

func (m *KickedMsg) appendTo(b []byte) []byte {
	b = msgp.AppendArrayHeader(b, 2)
	b = msgp.AppendUint(b, uint64(KindKicked))
	return msgp.AppendInt(b, int64(m.Frame))
}

func decodeKickedMsg(r *msgp.Reader) Message {
	return &KickedMsg{Frame: Frame(r.IntIn(0, maxFrame))}
}

func (m *KickedMsg) validate() error { return checkFrame("kicked", m.Frame, 0) }
