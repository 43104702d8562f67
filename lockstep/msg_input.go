package lockstep

import (
	"fmt"

	"github.com/peerstep/peerstep/internal/msgp"
)

// inputSpec: an InputMsg, AckNext as its distance back from Start (the
// two players' frames are close, so it takes a byte). It is sent as a
// datagram, except the last inputs before leaving, which go reliably.
var inputSpec = messageSpec{
	kind:    KindInput,
	layout:  "[1, player, start, [input, ...], start - acknext]",
	fields:  5,
	channel: "datagram (the last before leaving: reliable)",
}

func (m *InputMsg) appendTo(b []byte) []byte {
	b = msgp.AppendArrayHeader(b, 5)
	b = msgp.AppendUint(b, uint64(KindInput))
	b = msgp.AppendUint(b, uint64(m.Player))
	b = msgp.AppendInt(b, int64(m.Start))
	b = appendInputs(b, m.Inputs)
	return msgp.AppendInt(b, int64(m.Start)-int64(m.AckNext))
}

func decodeInputMsg(r *msgp.Reader) Message {
	m := &InputMsg{
		Player: PlayerID(r.IntIn(0, MaxPlayers-1)),
		Start:  Frame(r.IntIn(0, maxFrame)),
		Inputs: readInputs(r),
	}
	m.AckNext = m.Start - Frame(r.IntIn(int64(m.Start)-maxFrame, int64(m.Start)))
	return m
}

func (m *InputMsg) validate() error {
	if int(m.Player) >= MaxPlayers {
		return fmt.Errorf("%w: input of player %d", ErrBadMessage, m.Player)
	}
	if err := checkFrame("input start", m.Start, 0); err != nil {
		return err
	}
	if err := checkFrame("input acknowledgement", m.AckNext, 0); err != nil {
		return err
	}
	return checkInputs(m.Inputs)
}
