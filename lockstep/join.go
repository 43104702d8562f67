package lockstep

import (
	"fmt"
	"slices"
)

// Players come into a running match by admission. An Admit is part of the
// admitting player's input for one frame F, sent, acknowledged, resent and
// forwarded on a drop exactly as that input is, so every peer that
// simulates F reads it at the same point of the same input stream and
// lets the player in alike, from frame F+JoinLead; no other agreement is
// needed, and a second failure during it (the admitting peer crashing) is
// settled by the drop agreement over its inputs: either every peer holds
// its input for F, admission included, or none simulates F with it. An
// admission of a player who is in the match at F is void everywhere.

// Admit lets player p into the running match: a vacant slot
// (Config.Vacant) or one whose player was dropped or left. The admission
// goes with the next local input the engine schedules, for frame F say;
// p's input counts from F+JoinLead, and every peer raises
// EventPlayerJoined as it reaches F. The admitted machine then needs a
// JoinPoint (any peer's, after the event) and the game's state at its
// Snapshot. A player of a group comes in with the whole group.
//
// ErrUnknownPlayer, ErrLocalPlayer, ErrDropped and ErrStopped are as for
// DropPlayer; ErrPlayerPresent says p is in the match, being dropped or
// already admitted. Admitting a player twice before its input is
// scheduled admits it once. If p's departure is agreed for a frame after
// the next local input's, the admission waits for the first local input
// past it.
func (e *Engine) Admit(p PlayerID) error {
	if err := e.checkOther(p); err != nil {
		return err
	}
	lead := e.groupOf[p]
	if pl := e.players[lead]; pl.settled == NoFrame {
		return fmt.Errorf("%w: player %d", ErrPlayerPresent, p)
	}
	if !slices.Contains(e.admitting, lead) {
		e.admitting = append(e.admitting, lead)
	}
	return nil
}

// takeAdmits returns the admissions the local input for frame target
// carries, and keeps queued those whose player's departure is agreed only
// for a later frame. A player someone else admitted meanwhile is no
// longer queued.
func (e *Engine) takeAdmits(target Frame) []Admit {
	var out []Admit
	kept := e.admitting[:0]
	for _, x := range e.admitting {
		switch pl := e.players[x]; {
		case pl.settled == NoFrame:
		case pl.settled > target:
			kept = append(kept, x)
		default:
			out = append(out, Admit{Player: x, Frame: target, From: target + Frame(e.cfg.JoinLead)})
		}
	}
	e.admitting = kept
	return out
}

// applyAdmits lets in the players admitted by the inputs of frame f, just
// simulated, of the players present at it, in PlayerID order.
func (e *Engine) applyAdmits(f Frame, present []bool) {
	for p, pl := range e.players {
		if !present[p] || len(pl.admits) == 0 {
			continue
		}
		for _, a := range pl.admits {
			if a.Frame == f {
				e.admit(a)
			}
		}
	}
}

// admit lets a.Player's group in from a.From, if every one of them is
// absent at a.Frame; otherwise the admission is void (as it is at every
// peer: they all know the same about who is in at a frame they simulate).
func (e *Engine) admit(a Admit) {
	x := int(a.Player)
	if int(e.groupOf[x]) != x || e.isLocal(x) || a.From <= a.Frame {
		return
	}
	for _, m := range e.members(x) {
		if pl := e.players[m]; pl.settled == NoFrame || pl.settled > a.Frame {
			return
		}
	}
	rejoined := e.players[x].settled > e.players[x].joined
	for _, m := range e.members(x) {
		// A new machine: nothing of the old link's figures holds. It has
		// every local input up to a.Frame from the state it starts from.
		pl := &peer{inputs: make(map[Frame][]byte), contig: a.From - 1, settled: NoFrame, frozen: NoFrame, joined: a.From,
			lastHeard: e.now, resumedAt: e.now, acked: a.Frame, ackSent: NoFrame, freshFrom: NoFrame}
		if a.Frame < e.lastLocal {
			pl.freshFrom = a.Frame + 1
		}
		e.players[m] = pl
		e.events = append(e.events, Event{Kind: EventPlayerJoined, Player: PlayerID(m), Frame: a.From, Rejoined: rejoined})
	}
	e.reports[x] = nil // of its earlier stint
	// A peer that already heard the newcomer is being dropped again
	// (it fell silent at once) takes part in that drop too.
	again := false
	for r, rep := range e.reports {
		if rep == nil || r == x {
			continue
		}
		for _, en := range rep.Entries {
			if int(e.groupOf[en.Player]) == x && !e.stale(en) {
				for i, in := range en.Inputs {
					e.store(int(en.Player), en.Start+Frame(i), in, en.Admits)
				}
				again = true
			}
		}
	}
	// The newcomer takes part in the drops under way: it learns of them.
	if m := e.report(); m != nil {
		e.out = append(e.out, Outbound{To: PlayerID(x), Msg: m, Reliable: true})
	}
	if again {
		e.beginDrop(x)
	}
}

// JoinPoint returns where the engine of admitted player p starts
// (Config.Join): after the last frame this engine has handed out, which
// is the frame the game's state given along with it must have simulated.
// It is valid from the EventPlayerJoined that admits p until this engine
// hands out the frame before p's first; then ErrNotJoining, as for a
// player not admitted (ErrUnknownPlayer for a slot not in the match).
func (e *Engine) JoinPoint(p PlayerID) (JoinPoint, error) {
	if int(p) >= e.n {
		return JoinPoint{}, fmt.Errorf("%w: %d of %d players", ErrUnknownPlayer, p, e.n)
	}
	pl := e.players[e.groupOf[p]]
	if e.isLocal(int(p)) || pl.settled != NoFrame || pl.dropping || pl.joined == 0 || e.next > pl.joined {
		return JoinPoint{}, fmt.Errorf("%w: player %d", ErrNotJoining, p)
	}
	j := JoinPoint{Snapshot: e.next - 1, From: pl.joined, Clock: e.clock, Seats: make([]Seat, e.n)}
	for q, st := range e.players {
		j.Seats[q] = Seat{From: st.joined, Until: st.settled}
	}
	return j, nil
}
