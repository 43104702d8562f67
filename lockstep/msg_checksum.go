package lockstep

import "github.com/peerstep/peerstep/internal/msgp"

// checksumSpec: a ChecksumMsg, sent reliably.
var checksumSpec = messageSpec{
	kind:    KindChecksum,
	layout:  "[2, frame, sum]",
	fields:  3,
	channel: "reliable",
}

func (m *ChecksumMsg) appendTo(b []byte) []byte {
	b = msgp.AppendArrayHeader(b, 3)
	b = msgp.AppendUint(b, uint64(KindChecksum))
	b = msgp.AppendInt(b, int64(m.Frame))
	return msgp.AppendUint(b, m.Sum)
}

func decodeChecksumMsg(r *msgp.Reader) Message {
	return &ChecksumMsg{Frame: Frame(r.IntIn(0, maxFrame)), Sum: r.Uint()}
}

func (m *ChecksumMsg) validate() error { return checkFrame("checksum", m.Frame, 0) }
