package netcode

import (
	"fmt"

	"github.com/peerstep/peerstep/lockstep"
)

// EventKind says what an Event is about.
type EventKind uint8

// The events a game shows or reacts to.
const (
	// EventPlayerJoined: a player joined the lobby (Player is its slot).
	EventPlayerJoined EventKind = iota + 1
	// EventPlayerLeft: a player left. In the lobby Frame is
	// lockstep.NoFrame; in a match, Player is absent from Frame on, as
	// every remaining player agreed.
	EventPlayerLeft
	// EventHostLeft: the host left the lobby before the match started.
	EventHostLeft
	// EventStarted: the match started; MatchInfo is available.
	EventStarted
	// EventDesync: at Frame, Players reported a checksum different from
	// this player's.
	EventDesync
	// EventStalled: no frame could run for a while; Players lists whose
	// input is missing.
	EventStalled
	// EventInterrupted: Player has been silent for a while; it will be
	// dropped if it stays silent.
	EventInterrupted
	// EventResumed: Player spoke again after EventInterrupted.
	EventResumed
	// EventDropped: the other players dropped this one from Frame on;
	// Tick now returns ErrDropped.
	EventDropped
	// EventInputDelayChanged: the automatic input delay moved to Delay.
	EventInputDelayChanged
	// EventLinkRelayed: this player's link to Player goes through the
	// player Via (ViaName), as the two could not reach each other directly.
	EventLinkRelayed
	// EventLinkDirect: the link to Player, relayed before, is direct now.
	EventLinkDirect
)

var eventNames = [...]string{"", "player-joined", "player-left", "host-left", "started", "desync", "stalled", "interrupted", "resumed", "dropped", "input-delay-changed", "link-relayed", "link-direct"}

// String names the kind, for logs.
func (k EventKind) String() string {
	if int(k) < len(eventNames) && k != 0 {
		return eventNames[k]
	}
	return fmt.Sprintf("event(%d)", uint8(k))
}

// Event is something that happened to the session. Which fields are set
// depends on Kind.
type Event struct {
	Kind EventKind
	// Player is a lobby slot before the match and a PlayerID in it; -1
	// when unknown.
	Player int
	// Name is the player's name, where one is concerned.
	Name    string
	Frame   lockstep.Frame
	Players []int
	Delay   int
	// Via is the slot (PlayerID in a match) of the player that relays a
	// link, for EventLinkRelayed; ViaName its name.
	Via     int
	ViaName string
}

// String says what happened in one line, for logs and notices.
func (e Event) String() string {
	switch e.Kind {
	case EventPlayerJoined:
		return fmt.Sprintf("%s joined", e.Name)
	case EventPlayerLeft:
		if e.Frame >= 0 {
			return fmt.Sprintf("%s (player %d) left at frame %d", e.Name, e.Player, e.Frame)
		}
		return fmt.Sprintf("%s left the lobby", e.Name)
	case EventDesync:
		return fmt.Sprintf("desync at frame %d with players %v", e.Frame, e.Players)
	case EventStalled:
		return fmt.Sprintf("stalled at frame %d waiting for %v", e.Frame, e.Players)
	case EventInterrupted:
		return fmt.Sprintf("player %d is not answering", e.Player)
	case EventResumed:
		return fmt.Sprintf("player %d is back", e.Player)
	case EventDropped:
		return fmt.Sprintf("dropped from the match at frame %d", e.Frame)
	case EventInputDelayChanged:
		return fmt.Sprintf("input delay is now %d frames", e.Delay)
	case EventLinkRelayed:
		return fmt.Sprintf("the link to %s goes through %s", e.Name, e.ViaName)
	case EventLinkDirect:
		return fmt.Sprintf("the link to %s is direct", e.Name)
	}
	return e.Kind.String()
}
