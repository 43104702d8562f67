package lockstep

import (
	"fmt"
	"strings"
	"time"
)

// MaxPlayers is the largest match the engine runs.
const MaxPlayers = 16

// MinPlayers is the smallest match the engine runs.
const MinPlayers = 2

// MaxInputSize bounds one player's input for one frame, in bytes. Inputs are
// meant to be a few bytes of buttons and axes; anything larger is refused.
const MaxInputSize = 256

// PlayerID names a player slot in a match, from 0 to Players-1.
type PlayerID uint8

// Frame numbers the simulation steps of a match, starting at 0.
type Frame int32

// NoFrame is the frame value meaning "none yet".
const NoFrame Frame = -1

// Config sets up an Engine. DefaultConfig gives every field its default
// and Validate says what is wrong with one. New also fills the zero
// durations, intervals and limits with their defaults, so a literal that
// sets only what it cares about works; the counts that zero is a
// meaningful value of (InputDelay, MinInputDelay) mean what they say.
type Config struct {
	// Players is the number of player slots, MinPlayers to MaxPlayers.
	Players int
	// Local is the slot of the player whose inputs this engine adds.
	Local PlayerID
	// Groups lists the players who play together on one machine, through
	// one engine: two players on one keyboard, online. Every engine of a
	// match has the same Groups. The group holding Local is this engine's
	// local players, in the order AddLocalInputs takes their inputs; a
	// player in no group plays alone. A group is one peer of the match: its
	// first player names it (Outbound.To, the from of Receive, its
	// checksums and drop reports), its inputs travel together, and it
	// leaves and is dropped as one. Nil: every player alone.
	Groups [][]PlayerID

	// InputDelay is how many frames after the current one a local input is
	// scheduled for, at the start (AutoInputDelay moves it). Zero is zero:
	// inputs for the next frame. DefaultConfig sets DefaultInputDelay.
	InputDelay int
	// MaxInputDelay caps InputDelay, SetInputDelay and the automatic delay.
	// Zero means DefaultMaxInputDelay.
	MaxInputDelay int
	// AutoInputDelay tunes the delay from the measured round trip:
	// ceil((one-way latency + its deviation + FrameDuration/8) / FrameDuration)
	// for the farthest player, within [MinInputDelay, MaxInputDelay].
	AutoInputDelay bool
	// MinInputDelay is the floor of the automatic delay. Zero is zero;
	// DefaultConfig sets 1.
	MinInputDelay int
	// DelayMargin is what the automatic delay adds to the one-way latency
	// before rounding up to frames: room for the peers' ticks not being
	// exactly in phase. Zero means FrameDuration/8, right for a game loop
	// that waits out Ready.SlowDown (pacing keeps every peer's ticks within
	// a fraction of a frame); a loop that can only skip whole ticks leaves
	// peers up to a frame apart and wants FrameDuration + FrameDuration/8.
	// SetDelayMargin changes it during a match.
	DelayMargin time.Duration

	// FrameDuration is the time one frame lasts at the game's tick rate.
	// Zero means 1/60 s. Pacing and the automatic delay use it.
	FrameDuration time.Duration

	// ChecksumInterval is K: the game reports a checksum every K frames
	// (frames where Frame%K == 0). Zero means DefaultChecksumInterval; a
	// negative value turns checksums off.
	ChecksumInterval int

	// DisconnectTimeout is how long a player may stay silent before the
	// others agree to drop it. Zero means DefaultDisconnectTimeout.
	DisconnectTimeout time.Duration
	// InterruptTimeout is how long a player may stay silent before an
	// EventInterrupted is raised (and EventResumed when it speaks again).
	// Zero means DisconnectTimeout/4.
	InterruptTimeout time.Duration
	// PingInterval is how often the engine pings every other player to
	// measure round trips and frame advantage. Zero means DefaultPingInterval.
	PingInterval time.Duration

	// InputCopies is how many datagrams carry each new local input to
	// each player (Outbound.Copies). Zero means DefaultInputCopies, and
	// one more towards a player whose pings measure a lossy path (over
	// 4 % each way); a value from 1 to 4 is used as it is.
	InputCopies int

	// MergeInput folds two local inputs that land on the same frame (after
	// the engine stalled or the delay shrank) into one. Nil keeps the newer.
	// A game with buttons should OR them so that no press is lost.
	MergeInput func(older, newer []byte) []byte

	// Vacant lists the slots no one holds at frame 0: seats a late joiner
	// may take once the match runs (Engine.Admit). Every engine of a match
	// has the same Vacant; a local player cannot be vacant. A vacant slot
	// of a group leaves the whole group vacant.
	Vacant []PlayerID
	// Join starts the engine inside a running match, for a player the
	// others admitted (Engine.Admit: a rejoin or a late join): a peer of
	// the match gives the value with Engine.JoinPoint, along with the
	// game's state after JoinPoint.Snapshot. Nil: the engine starts at
	// frame 0 with the others. Vacant is read from the JoinPoint instead.
	Join *JoinPoint
	// JoinLead is how many frames after the frame of the local input that
	// carries an admission (Engine.Admit) the admitted player's input
	// starts to count: room for the news to reach it and its first inputs
	// to reach everyone before the others need them. Zero means
	// DefaultJoinLead. Only the admitting engine's value counts.
	JoinLead int
}

// JoinPoint is where an admitted player's engine starts inside a running
// match (Config.Join). Engine.JoinPoint makes it; it travels to the
// joining machine with the game's state, which the caller encodes as it
// likes (every field is a plain number).
type JoinPoint struct {
	// Snapshot is the last frame the state given with the JoinPoint has
	// simulated: the joining engine's first frame is Snapshot+1.
	Snapshot Frame
	// From is the first frame that counts the joining player's input, the
	// same at every peer.
	From Frame
	// Clock is the frame clock of the peer that made the JoinPoint, where
	// the joining engine's clock starts; it moves on to the others' as
	// their pings and pongs come in.
	Clock Frame
	// Seats says, by PlayerID, who is in the match after Snapshot.
	Seats []Seat
}

// Seat is one player slot's part in a match.
type Seat struct {
	// From is the first frame with the player in the match: 0 for those
	// who started it, the admitted frame for one who joined.
	From Frame
	// Until is the first frame without it, NoFrame while it is in (a
	// vacant slot has From and Until 0).
	Until Frame
}

// Defaults used when a Config field is zero.
const (
	DefaultInputDelay        = 2
	DefaultMaxInputDelay     = 12
	DefaultChecksumInterval  = 30
	DefaultFrameDuration     = time.Second / 60
	DefaultDisconnectTimeout = 3 * time.Second
	DefaultPingInterval      = 100 * time.Millisecond
	DefaultInputCopies       = 2
	DefaultJoinLead          = 30
)

// MessageKind tags each engine message on the wire.
type MessageKind uint8

// The engine's message kinds. Their numbers are part of the wire format.
const (
	KindInput MessageKind = iota + 1
	KindChecksum
	KindPing
	KindPong
	KindDropReport
	KindLeave
	KindKicked
)

// String names the kind, for logs.
func (k MessageKind) String() string {
	switch k {
	case KindInput:
		return "input"
	case KindChecksum:
		return "checksum"
	case KindPing:
		return "ping"
	case KindPong:
		return "pong"
	case KindDropReport:
		return "drop-report"
	case KindLeave:
		return "leave"
	case KindKicked:
		return "kicked"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Message is one engine message between two players. The concrete types are
// *InputMsg, *ChecksumMsg, *PingMsg, *PongMsg, *DropReportMsg, *LeaveMsg and
// *KickedMsg. EncodeMessage and DecodeMessage give their msgpack form.
type Message interface {
	Kind() MessageKind
}

// InputMsg carries Player's inputs for the frames Start, Start+1, ...
// Players send their own inputs; the inputs of a player being dropped travel
// in DropReportMsg instead. Admits travel with the inputs they belong to.
//
// It travels as a datagram (see Outbound): every one carries the inputs
// the receiver has not acknowledged yet from the newest back, and
// acknowledges the receiver's inputs in AckNext, so that loss, duplication and
// reordering lose nothing. One with no inputs only acknowledges.
type InputMsg struct {
	Player PlayerID
	Start  Frame
	Inputs [][]byte
	// AckNext acknowledges the receiver's inputs: the sender holds every
	// one before this frame (zero: none yet).
	AckNext Frame
	// Admits lists the admissions (Engine.Admit) that Player's inputs of
	// this message carry, in frame order; every one's Frame is one of
	// the message's.
	Admits []Admit
}

// Admit lets a player into a running match. It is part of the admitting
// player's input of frame Frame, so that every peer that simulates that
// frame reads it, in the same place of the same input stream, and lets
// Player in alike: its input counts from frame From on. An admission of
// a player who is in the match at Frame is void, everywhere.
type Admit struct {
	// Player is the player let in: a vacant slot, or one who left.
	Player PlayerID
	// Frame is the frame of the admitting player's input that carries it.
	Frame Frame
	// From is the first frame of Player's input; after Frame.
	From Frame
}

// ChecksumMsg carries the sender's checksum of its game state after Frame.
type ChecksumMsg struct {
	Frame Frame
	Sum   uint64
}

// PingMsg measures the round trip and tells the receiver how far the sender
// has got, for pacing.
type PingMsg struct {
	// Sent is the sender's clock when it sent the ping, echoed in the pong.
	Sent time.Duration
	// Frame is the sender's frame clock when it sent the ping: how many
	// local inputs it had scheduled. Pacing compares clocks, not simulated
	// frames, because the clock is what sets when inputs leave.
	Frame Frame
	// Advantage is how many frames, in thousandths, the sender believes it
	// runs ahead of the receiver.
	Advantage int32
}

// PongMsg answers a PingMsg.
type PongMsg struct {
	// Echo is the Sent field of the ping answered.
	Echo time.Duration
	// Frame is the sender's frame clock when it sent the pong.
	Frame Frame
	// Held is how long the ping waited at the sender before this answer:
	// the time between its arrival and the sender's next tick. The round
	// trip leaves it out, so that it measures the network, not tick phase.
	Held time.Duration
}

// DropEntry is one reporter's view of one player being dropped.
type DropEntry struct {
	// Player is the player being dropped.
	Player PlayerID
	// Last is the last frame of Player's input the reporter held when it
	// learned of the drop (frozen from then on), or, when Final, the last
	// frame the reporter has applied with Player present.
	Last Frame
	// Final says the reporter has already settled this drop at Last+1.
	Final bool
	// Start and Inputs forward Player's inputs for frames Start..Last, so
	// that whoever reads this entry holds every input it names.
	Start  Frame
	Inputs [][]byte
	// Admits lists the admissions those inputs carry, as in InputMsg.
	Admits []Admit
}

// DropReportMsg lists every drop the sender knows of, pending or settled.
type DropReportMsg struct {
	Entries []DropEntry
}

// LeaveMsg announces that the sender leaves the match on purpose. Every
// input it will ever send was sent before it.
type LeaveMsg struct{}

// KickedMsg tells a player that the others dropped it: it is out of the
// match from Frame on.
type KickedMsg struct {
	Frame Frame
}

// Kind implements Message.
func (*InputMsg) Kind() MessageKind { return KindInput }

// Kind implements Message.
func (*ChecksumMsg) Kind() MessageKind { return KindChecksum }

// Kind implements Message.
func (*PingMsg) Kind() MessageKind { return KindPing }

// Kind implements Message.
func (*PongMsg) Kind() MessageKind { return KindPong }

// Kind implements Message.
func (*DropReportMsg) Kind() MessageKind { return KindDropReport }

// Kind implements Message.
func (*LeaveMsg) Kind() MessageKind { return KindLeave }

// Kind implements Message.
func (*KickedMsg) Kind() MessageKind { return KindKicked }

// Outbound is a message the caller must deliver to one player.
//
// The engine speaks over two channels. A Reliable message (checksums, drop
// reports, leaving, and the last inputs before leaving) must arrive, once,
// in the order sent, as over KCP or TCP. Any other may be lost,
// duplicated or reordered, and is best sent at once as a datagram: the
// engine acknowledges and resends inputs itself and copes with lost pings.
type Outbound struct {
	// To is the player the message is for.
	To PlayerID
	// Msg is the message.
	Msg Message
	// Reliable says Msg needs the ordered, reliable channel.
	Reliable bool
	// Copies is, for a message that is not Reliable, how many datagrams
	// should carry it, each in a different datagram: more than one over a
	// lossy link, so that one loss does not make an input late. The
	// transport may bundle other datagram messages to the same player in
	// one datagram with the first copy. Zero counts as one.
	Copies int
}

// ReadyFrame is a frame every present player's input is known for: the
// caller simulates it, in order, exactly once.
type ReadyFrame struct {
	Frame Frame
	// Inputs holds each player's input, by PlayerID; nil for an absent player.
	Inputs [][]byte
	// Present tells, by PlayerID, whether the player is still in the match
	// at this frame. A player dropped at frame D is absent from D on.
	Present []bool
	// WantChecksum asks the caller to report the checksum of its state after
	// simulating this frame, with ReportChecksum.
	WantChecksum bool
}

// EventKind says what an Event is about.
type EventKind uint8

// The events a game reacts to.
const (
	// EventPlayerLeft: Player is absent from Frame on, as every remaining
	// peer agreed.
	EventPlayerLeft EventKind = iota + 1
	// EventDesync: at Frame, the players in Players reported checksums that
	// differ from the local one (Checksum); Remote holds the others', and
	// Diverged names the machines that differ from the majority. It is
	// raised once every player still in the match has reported its
	// checksum for Frame.
	EventDesync
	// EventDropped: the others dropped the local player from Frame on; the
	// match is over for it.
	EventDropped
	// EventInterrupted: Player has been silent for InterruptTimeout; it
	// will be dropped in UntilDrop if it stays silent.
	EventInterrupted
	// EventResumed: Player spoke again after an EventInterrupted.
	EventResumed
	// EventInputDelayChanged: the automatic input delay moved to Delay frames.
	EventInputDelayChanged
	// EventPlayerJoined: Player was admitted (Engine.Admit) and its input
	// counts from Frame on, as every peer agreed; Rejoined says it had
	// been in the match before. Any peer can give its engine a JoinPoint
	// until it has simulated Frame-1.
	EventPlayerJoined
)

// String names the kind, for logs.
func (k EventKind) String() string {
	switch k {
	case EventPlayerLeft:
		return "player-left"
	case EventDesync:
		return "desync"
	case EventDropped:
		return "dropped"
	case EventInterrupted:
		return "interrupted"
	case EventResumed:
		return "resumed"
	case EventInputDelayChanged:
		return "input-delay-changed"
	case EventPlayerJoined:
		return "player-joined"
	}
	return fmt.Sprintf("event(%d)", uint8(k))
}

// Event is something the game should know about. Which fields are set
// depends on Kind; the others are zero.
type Event struct {
	// Kind says what happened.
	Kind EventKind
	// Player is the player concerned: the one who left, was interrupted
	// or resumed; the local player for EventDropped.
	Player PlayerID
	// Frame is the frame concerned: the first frame without Player, the
	// first with it (EventPlayerJoined), or the frame whose checksums
	// differ.
	Frame Frame
	// Players lists, for EventDesync, the players whose checksum differs
	// from the local one.
	Players []PlayerID
	// Delay is the new input delay in frames, for EventInputDelayChanged.
	Delay int
	// Checksum is, for EventDesync, the local checksum after Frame.
	Checksum uint64
	// Remote holds, for EventDesync, the checksum after Frame of every
	// other player still in the match that had reported one when the
	// desync was found, in PlayerID order; those of Players differ from
	// Checksum, the others match it.
	Remote []PlayerChecksum
	// Diverged lists, for EventDesync, the players whose checksum differs
	// from the one more than half of the machines share (Diverged, the
	// function): with three machines or more, the ones that went astray,
	// the local player among them if it is one. It is empty when no
	// checksum has a majority (two players, or a tie): then every player
	// is told and the game chooses. A machine of several local players
	// counts once, named by its first player.
	Diverged []PlayerID
	// Rejoined says, for EventPlayerJoined, that the player had been in
	// the match before (it comes back) rather than taking a vacant slot.
	Rejoined bool
	// UntilDrop is, for EventInterrupted, how long Player may stay silent
	// before the others start dropping it: DisconnectTimeout less the
	// silence so far, on the clock Tick is fed with.
	UntilDrop time.Duration
}

// PlayerChecksum is one player's checksum of its state after a frame.
type PlayerChecksum struct {
	// Player is the player who reported Sum.
	Player PlayerID
	// Sum is the checksum it reported.
	Sum uint64
}

// String says what happened in one line, for logs.
func (e Event) String() string {
	switch e.Kind {
	case EventPlayerLeft:
		return fmt.Sprintf("player %d left at frame %d", e.Player, e.Frame)
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
	case EventDropped:
		return fmt.Sprintf("dropped from the match at frame %d", e.Frame)
	case EventInterrupted:
		return fmt.Sprintf("player %d interrupted, dropped in %v unless it speaks", e.Player, e.UntilDrop)
	case EventResumed:
		return fmt.Sprintf("player %d resumed", e.Player)
	case EventInputDelayChanged:
		return fmt.Sprintf("input delay now %d frames", e.Delay)
	case EventPlayerJoined:
		if e.Rejoined {
			return fmt.Sprintf("player %d is back from frame %d", e.Player, e.Frame)
		}
		return fmt.Sprintf("player %d joined at frame %d", e.Player, e.Frame)
	}
	return e.Kind.String()
}

// Ready is what the engine hands back: messages to send, frames to simulate
// and events, each in order. The caller must act on all of it.
type Ready struct {
	Messages []Outbound
	Frames   []ReadyFrame
	Events   []Event
	// SlowDown is how much longer than one frame the caller should wait
	// before its next tick, because this peer runs ahead of the others.
	// It is small and spread over many ticks, so waiting never shows as a hitch.
	SlowDown time.Duration
	// Lead is how many frames this peer's clock runs ahead of the slowest
	// other player's, as pacing measures it; SlowDown follows from it. A
	// caller that can only skip whole ticks skips one when Lead is large.
	Lead float64
}

// PeerStats describes the engine's view of one other player.
type PeerStats struct {
	Player  PlayerID
	Present bool
	// RTT is the smoothed round trip, and Jitter its mean deviation.
	RTT    time.Duration
	Jitter time.Duration
	// LastInput is the last frame of this player's input held, contiguous.
	LastInput Frame
	// RemoteFrame is the player's frame clock in its latest ping or pong.
	RemoteFrame Frame
	// Acked is the last frame up to which the player acknowledged holding
	// every local input.
	Acked Frame
	// PingLoss is the share of the latest pings to the player that got no
	// answer, 0 to 1: the round trip's loss, about twice each way's.
	PingLoss float64
}

// Stats describes the engine.
type Stats struct {
	// Frame is the next frame to simulate.
	Frame Frame
	// InputDelay is the current input delay in frames.
	InputDelay int
	// Advantage is how many frames this peer runs ahead of the slowest
	// other player (negative: behind).
	Advantage float64
	// Waiting lists the players whose input for Frame is missing.
	Waiting []PlayerID
	Peers   []PeerStats
}
