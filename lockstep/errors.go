package lockstep

import "errors"

// Sentinel errors; the engine wraps them with detail.
var (
	// ErrBadConfig: a Config field is out of range.
	ErrBadConfig = errors.New("lockstep: bad config")
	// ErrInputTooLarge: a local input is larger than MaxInputSize.
	ErrInputTooLarge = errors.New("lockstep: input too large")
	// ErrInputCount: AddLocalInputs got a number of inputs other than the
	// number of local players (Config.Groups), or AddLocalInput was called
	// by an engine with several.
	ErrInputCount = errors.New("lockstep: one input per local player")
	// ErrDropped: the other players dropped the local player.
	ErrDropped = errors.New("lockstep: dropped from the match")
	// ErrStopped: the local player left the match.
	ErrStopped = errors.New("lockstep: the local player left")
	// ErrUnknownPlayer: a message, or a call such as DropPlayer, names a
	// player slot that is not in the match.
	ErrUnknownPlayer = errors.New("lockstep: unknown player")
	// ErrLocalPlayer: DropPlayer named the local player, who leaves with
	// Leave instead.
	ErrLocalPlayer = errors.New("lockstep: the local player cannot be dropped (use Leave)")
	// ErrAlreadyDropped: DropPlayer named a player who is already being
	// dropped or has left the match.
	ErrAlreadyDropped = errors.New("lockstep: the player is already dropped or being dropped")
	// ErrPlayerPresent: Admit named a player who is in the match, being
	// dropped or already admitted.
	ErrPlayerPresent = errors.New("lockstep: the player is in the match")
	// ErrNotJoining: JoinPoint named a player who is not admitted and
	// waiting for its first frame.
	ErrNotJoining = errors.New("lockstep: the player is not joining")
	// ErrBadMessage: a message is malformed or makes no sense now.
	ErrBadMessage = errors.New("lockstep: bad message")
	// ErrBadChecksum: ReportChecksum for a frame that does not want one.
	ErrBadChecksum = errors.New("lockstep: checksum for a frame that wants none")
)
