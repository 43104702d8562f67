package play

import "strings"

// Waiting decides whom a stalled match says it waits for: a match that
// runs no frame for StallTicks ticks in a row names the players whose
// input is missing, and says nothing again once a frame runs. The zero
// value waits for nothing; set StallTicks before use.
type Waiting struct {
	// StallTicks is how many ticks in a row without a frame make a
	// stall worth saying (a short stall, so that a hiccup of the
	// network shows nothing).
	StallTicks int

	run     int   // ticks in a row without a frame
	missing []int // whose input the session said is missing, this stall
}

// Tick records one tick of the match: how many frames it ran, and the
// players the session said it misses (an EventStalled's, nil if none
// came this tick).
func (w *Waiting) Tick(frames int, missing []int) {
	if frames > 0 {
		w.run, w.missing = 0, nil
		return
	}
	w.run++
	if missing != nil {
		w.missing = append(w.missing[:0], missing...)
	}
}

// For returns whom the match waits for, by PlayerID, and whether it says
// so at all: not before StallTicks ticks without a frame. They are the
// players the session said it misses, else those that went silent, of
// the players still present and not local; the list is empty, with true,
// when the match waits but nobody is known to be the cause.
func (w *Waiting) For(silent, present []bool, local int) ([]int, bool) {
	if w.StallTicks <= 0 || w.run < w.StallTicks {
		return nil, false
	}
	keep := func(p int) bool { return p != local && p >= 0 && p < len(present) && present[p] }
	var who []int
	for _, p := range w.missing {
		if keep(p) {
			who = append(who, p)
		}
	}
	if len(who) == 0 {
		for p, s := range silent {
			if s && keep(p) {
				who = append(who, p)
			}
		}
	}
	return who, true
}

// WaitingText is the notice for the players a match waits for:
// "waiting for bob", "waiting for bob and carol", "waiting for bob, carol
// and dan", or "waiting for the others" when who is empty.
func WaitingText(names []string, who []int) string {
	var n []string
	for _, p := range who {
		if p >= 0 && p < len(names) {
			n = append(n, names[p])
		}
	}
	switch len(n) {
	case 0:
		return "waiting for the others"
	case 1:
		return "waiting for " + n[0]
	}
	return "waiting for " + strings.Join(n[:len(n)-1], ", ") + " and " + n[len(n)-1]
}
