package lockstep

import (
	"fmt"

	"github.com/peerstep/peerstep/internal/msgp"
)

// inputSpec: an InputMsg, AckNext as its distance back from Start (the
// two players' frames are close, so it takes a byte). It is sent as a
// datagram, except the last inputs before leaving, which go reliably.
var inputSpec = messageSpec{
	kind:     KindInput,
	layout:   "[1, player, start, [input, ...], start - acknext, (admissions)]",
	fields:   5,
	optional: true,
	channel:  "datagram (the last before leaving: reliable)",
}

func (m *InputMsg) appendTo(b []byte) []byte {
	fields := 5
	if len(m.Admits) > 0 {
		fields++
	}
	b = msgp.AppendArrayHeader(b, fields)
	b = msgp.AppendUint(b, uint64(KindInput))
	b = msgp.AppendUint(b, uint64(m.Player))
	b = msgp.AppendInt(b, int64(m.Start))
	b = appendInputs(b, m.Inputs)
	b = msgp.AppendInt(b, int64(m.Start)-int64(m.AckNext))
	if len(m.Admits) > 0 {
		b = appendAdmits(b, m.Admits, m.Start)
	}
	return b
}

func decodeInputMsg(r *msgp.Reader, fields int) Message {
	m := &InputMsg{
		Player: PlayerID(r.IntIn(0, MaxPlayers-1)),
		Start:  Frame(r.IntIn(0, maxFrame)),
		Inputs: readInputs(r),
	}
	m.AckNext = m.Start - Frame(r.IntIn(int64(m.Start)-maxFrame, int64(m.Start)))
	if fields == 6 && r.Err() == nil {
		if len(m.Inputs) == 0 {
			r.Fail("admissions without inputs")
			return nil
		}
		m.Admits = readAdmits(r, m.Start, m.Start+Frame(len(m.Inputs))-1)
	}
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
	if err := checkInputs(m.Inputs); err != nil {
		return err
	}
	return checkAdmits(m.Admits, m.Start, m.Start+Frame(len(m.Inputs))-1)
}
