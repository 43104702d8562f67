package lockstep

import (
	"fmt"

	"github.com/peerstep/peerstep/internal/msgp"
)

// maxAdmitsPerMessage bounds the admissions one message carries: one
// peer admits a player at a time, and a slot at most once a frame.
const maxAdmitsPerMessage = 4 * MaxPlayers

// The admissions an input message or a drop entry carries go as one more
// array after its fields, only when there are any (a message without is
// one field shorter, so a plain input costs nothing more):
// [[player, frame - start, from - frame], ...], in frame order, each
// frame one of the inputs'.
const admitsLayout = "[[player, frame - start, from - frame], ...]"

func appendAdmits(b []byte, admits []Admit, start Frame) []byte {
	b = msgp.AppendArrayHeader(b, len(admits))
	for _, a := range admits {
		b = msgp.AppendArrayHeader(b, 3)
		b = msgp.AppendUint(b, uint64(a.Player))
		b = msgp.AppendInt(b, int64(a.Frame-start))
		b = msgp.AppendInt(b, int64(a.From-a.Frame))
	}
	return b
}

// readAdmits reads what appendAdmits wrote for inputs from start to last.
func readAdmits(r *msgp.Reader, start, last Frame) []Admit {
	n := r.ArrayMax(maxAdmitsPerMessage)
	if r.Err() != nil {
		return nil
	}
	if n == 0 {
		r.Fail("an empty admission list is left out")
		return nil
	}
	out := make([]Admit, 0, n)
	for range n {
		r.ArrayOf(3)
		a := Admit{Player: PlayerID(r.IntIn(0, MaxPlayers-1))}
		a.Frame = start + Frame(r.IntIn(0, int64(max(last-start, 0))))
		a.From = a.Frame + Frame(r.IntIn(1, int64(maxFrame-a.Frame)))
		if r.Err() != nil {
			return nil
		}
		out = append(out, a)
	}
	if err := checkAdmits(out, start, last); err != nil {
		r.Fail("%v", err)
		return nil
	}
	return out
}

// checkAdmits checks admissions carried by inputs from start to last.
func checkAdmits(admits []Admit, start, last Frame) error {
	if len(admits) > maxAdmitsPerMessage {
		return fmt.Errorf("%w: %d admissions in one message", ErrBadMessage, len(admits))
	}
	for i, a := range admits {
		switch {
		case int(a.Player) >= MaxPlayers:
			return fmt.Errorf("%w: admission of player %d", ErrBadMessage, a.Player)
		case a.Frame < start || a.Frame > last:
			return fmt.Errorf("%w: admission at frame %d, not one of the inputs %d..%d", ErrBadMessage, a.Frame, start, last)
		case a.From <= a.Frame || a.From > maxFrame:
			return fmt.Errorf("%w: admission at frame %d from frame %d", ErrBadMessage, a.Frame, a.From)
		case i > 0 && a.Frame < admits[i-1].Frame:
			return fmt.Errorf("%w: admissions out of frame order", ErrBadMessage)
		}
	}
	return nil
}
