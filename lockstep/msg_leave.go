package lockstep

import "github.com/peerstep/peerstep/internal/msgp"

// leaveSpec: a LeaveMsg, sent reliably after the sender's last inputs.
var leaveSpec = messageSpec{
	kind:    KindLeave,
	layout:  "[6]",
	fields:  1,
	channel: "reliable",
}

func (m *LeaveMsg) appendTo(b []byte) []byte {
	return msgp.AppendUint(msgp.AppendArrayHeader(b, 1), uint64(KindLeave))
}

func (m *LeaveMsg) validate() error { return nil }
