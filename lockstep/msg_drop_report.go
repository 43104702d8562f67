package lockstep

import (
	"fmt"

	"github.com/peerstep/peerstep/internal/msgp"
)

// dropReportSpec: a DropReportMsg, one entry per player being dropped,
// sent reliably. An entry's inputs, if any, end at its last frame.
var dropReportSpec = messageSpec{
	kind:    KindDropReport,
	layout:  "[5, [[player, last, final, start, [input, ...], (admissions)], ...]]",
	fields:  2,
	channel: "reliable",
}

func (m *DropReportMsg) appendTo(b []byte) []byte {
	b = msgp.AppendArrayHeader(b, 2)
	b = msgp.AppendUint(b, uint64(KindDropReport))
	b = msgp.AppendArrayHeader(b, len(m.Entries))
	for i := range m.Entries {
		en := &m.Entries[i]
		fields := 5
		if len(en.Admits) > 0 {
			fields++
		}
		b = msgp.AppendArrayHeader(b, fields)
		b = msgp.AppendUint(b, uint64(en.Player))
		b = msgp.AppendInt(b, int64(en.Last))
		b = msgp.AppendBool(b, en.Final)
		b = msgp.AppendInt(b, int64(en.Start))
		b = appendInputs(b, en.Inputs)
		if len(en.Admits) > 0 {
			b = appendAdmits(b, en.Admits, en.Start)
		}
	}
	return b
}

func decodeDropReportMsg(r *msgp.Reader) Message {
	m := &DropReportMsg{}
	n := r.ArrayMax(MaxPlayers)
	if n > 0 {
		m.Entries = make([]DropEntry, 0, n)
	}
	for range n {
		fields := r.ArrayHeader()
		if r.Err() == nil && fields != 5 && fields != 6 {
			r.Fail("drop entry of %d fields", fields)
		}
		en := DropEntry{
			Player: PlayerID(r.IntIn(0, MaxPlayers-1)),
			Last:   Frame(r.IntIn(int64(NoFrame), maxFrame)),
			Final:  r.Bool(),
			Start:  Frame(r.IntIn(0, maxFrame)),
			Inputs: readInputs(r),
		}
		if r.Err() != nil {
			return nil
		}
		if !en.inputsEndAtLast() {
			r.Fail("drop entry inputs %d..%d do not end at %d", en.Start, en.Start+Frame(len(en.Inputs))-1, en.Last)
			return nil
		}
		if fields == 6 {
			if len(en.Inputs) == 0 {
				r.Fail("admissions without inputs")
				return nil
			}
			if en.Admits = readAdmits(r, en.Start, en.Last); r.Err() != nil {
				return nil
			}
		}
		m.Entries = append(m.Entries, en)
	}
	return m
}

func (en *DropEntry) inputsEndAtLast() bool {
	return len(en.Inputs) == 0 || en.Start+Frame(len(en.Inputs)) == en.Last+1
}

func (m *DropReportMsg) validate() error {
	if len(m.Entries) > MaxPlayers {
		return fmt.Errorf("%w: %d drop entries", ErrBadMessage, len(m.Entries))
	}
	for i := range m.Entries {
		en := &m.Entries[i]
		if int(en.Player) >= MaxPlayers || en.Start < 0 || en.Start > maxFrame || en.Last < NoFrame || en.Last > maxFrame {
			return fmt.Errorf("%w: drop entry", ErrBadMessage)
		}
		if !en.inputsEndAtLast() {
			return fmt.Errorf("%w: drop entry inputs do not end at its last frame", ErrBadMessage)
		}
		if err := checkInputs(en.Inputs); err != nil {
			return err
		}
		if err := checkAdmits(en.Admits, en.Start, en.Start+Frame(len(en.Inputs))-1); err != nil {
			return err
		}
	}
	return nil
}
