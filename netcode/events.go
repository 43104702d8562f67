package netcode

import (
	"fmt"
	"strings"
	"time"

	"github.com/peerstep/peerstep/lockstep"
)

// EventKind says what an Event is about.
type EventKind uint8

// The events a game shows or reacts to.
const (
	// EventPlayerJoined: a player joined the lobby (Player is its slot),
	// or, in a match (Frame not NoFrame), came into it: a dropped player
	// back with the share code (Rejoined), whose input counts from Frame.
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
	// this player's (Checksum); Remote holds every checksum reported, and
	// Diverged names the players that differ from the majority. It comes
	// once every player still in the match has reported its checksum.
	EventDesync
	// EventStalled: no frame could run for a while; Players lists whose
	// input is missing.
	EventStalled
	// EventInterrupted: Player has been silent for a while; it will be
	// dropped if it stays silent for UntilDrop more.
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
	// EventPlayerLinked: in the lobby, this player's link to Player (a
	// slot) came up; Players lists the slots it reaches so far, of Of
	// others: the handshake's progress, for "linking 2 of 3".
	EventPlayerLinked
	// EventLobbyReady: every one of the Of players in the lobby reaches
	// every other, so the host can start. It comes again after a player
	// joined or a link broke and the mesh is whole once more.
	EventLobbyReady
	// EventResynced: this player's state had gone astray (it was of a
	// desync's Diverged, or not the one Session.RepairDesync kept) and the
	// frames from Frame+1 on come again, the first with Frame.Load holding
	// State, the state after Frame of Player (Name), a player of the
	// majority or the one kept (Config.Snapshots). OwnState
	// is this player's own state after Frame, when it saved one in time
	// (nil otherwise): diff the two to find what went astray.
	EventResynced
)

var eventNames = [...]string{"", "player-joined", "player-left", "host-left", "started", "desync", "stalled", "interrupted", "resumed", "dropped", "input-delay-changed", "link-relayed", "link-direct", "player-linked", "lobby-ready", "resynced"}

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
	Name string
	// Frame is the frame concerned: the first frame without Player, the
	// frame whose checksums differ, the frame a stall waits on.
	Frame lockstep.Frame
	// Players lists the players concerned: for EventDesync those whose
	// checksum differs from this player's, for EventStalled those whose
	// input is missing.
	Players []int
	// Delay is the new input delay in frames, for EventInputDelayChanged.
	Delay int
	// Checksum is, for EventDesync, this player's checksum after Frame.
	Checksum uint64
	// Remote holds, for EventDesync, the checksum after Frame of every
	// other player still in the match that had reported one when the
	// desync was found, in PlayerID order; those of Players differ from
	// Checksum. A game can log them, or compare them with a replay.
	Remote []PlayerChecksum
	// Diverged lists, for EventDesync, the players whose checksum differs
	// from the one more than half of the machines share: with three
	// players or more, the ones whose state went astray (this player
	// among them, if it is one). It is empty when no checksum has a
	// majority (two players, or a tie): then every player is told and
	// the game chooses. A machine of several players counts once, named
	// by its first player.
	Diverged []int
	// UntilDrop is, for EventInterrupted, how long Player may stay silent
	// before the others start dropping it (Config.DisconnectTimeout less
	// the silence so far), on the match's clock: time this process did
	// not run its loop does not count.
	UntilDrop time.Duration
	// Of is, for EventPlayerLinked, how many other players there are to
	// link to, and for EventLobbyReady how many players the lobby holds.
	Of int
	// Via is the slot (PlayerID in a match) of the player that relays a
	// link, for EventLinkRelayed; ViaName its name.
	Via     int
	ViaName string
	// State is, for EventResynced, the state (the majority's, or the one
	// kept) that replaced this player's; OwnState this player's own at the
	// same frame, or nil.
	State    []byte
	OwnState []byte
	// Rejoined is, for EventPlayerJoined in a match, that Player had been
	// in it before and comes back: its input counts from Frame on.
	Rejoined bool
}

// PlayerChecksum is one player's checksum of its game state after a frame.
type PlayerChecksum struct {
	// Player is the PlayerID of the player who reported Sum.
	Player int
	// Sum is the checksum it reported.
	Sum uint64
}

// String says what happened in one line, for logs and notices.
func (e Event) String() string {
	switch e.Kind {
	case EventPlayerJoined:
		switch {
		case e.Frame >= 0 && e.Rejoined:
			return fmt.Sprintf("%s is back (player %d, from frame %d)", e.Name, e.Player, e.Frame)
		case e.Frame >= 0:
			return fmt.Sprintf("%s joined the match (player %d, from frame %d)", e.Name, e.Player, e.Frame)
		}
		return fmt.Sprintf("%s joined", e.Name)
	case EventPlayerLeft:
		if e.Frame >= 0 {
			return fmt.Sprintf("%s (player %d) left at frame %d", e.Name, e.Player, e.Frame)
		}
		return fmt.Sprintf("%s left the lobby", e.Name)
	case EventDesync:
		var b strings.Builder
		fmt.Fprintf(&b, "desync at frame %d with players %v: checksum %016x here", e.Frame, e.Players, e.Checksum)
		for _, r := range e.Remote {
			fmt.Fprintf(&b, ", %016x from player %d", r.Sum, r.Player)
		}
		if len(e.Diverged) > 0 {
			fmt.Fprintf(&b, "; diverged from the majority: %v", e.Diverged)
		} else {
			b.WriteString("; no majority")
		}
		return b.String()
	case EventStalled:
		return fmt.Sprintf("stalled at frame %d waiting for %v", e.Frame, e.Players)
	case EventInterrupted:
		return fmt.Sprintf("player %d is not answering; dropped in %v unless it does", e.Player, e.UntilDrop.Round(time.Millisecond))
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
	case EventPlayerLinked:
		return fmt.Sprintf("linked to %s (%d of %d)", e.Name, len(e.Players), e.Of)
	case EventResynced:
		own := "not saved"
		if e.OwnState != nil {
			own = fmt.Sprintf("%d bytes", len(e.OwnState))
		}
		return fmt.Sprintf("state repaired after frame %d from %s (player %d): %d bytes, this player's own %s", e.Frame, e.Name, e.Player, len(e.State), own)
	case EventLobbyReady:
		return fmt.Sprintf("all %d players reach each other", e.Of)
	}
	return e.Kind.String()
}
