package lockstep

import "errors"

// Sentinel errors; the engine wraps them with detail.
var (
	// ErrBadConfig: a Config field is out of range.
	ErrBadConfig = errors.New("lockstep: bad config")
	// ErrInputTooLarge: a local input is larger than MaxInputSize.
	ErrInputTooLarge = errors.New("lockstep: input too large")
	// ErrDropped: the other players dropped the local player.
	ErrDropped = errors.New("lockstep: dropped from the match")
	// ErrStopped: the local player left the match.
	ErrStopped = errors.New("lockstep: the local player left")
	// ErrUnknownPlayer: a message names a player that is not in the match.
	ErrUnknownPlayer = errors.New("lockstep: unknown player")
	// ErrBadMessage: a message is malformed or makes no sense now.
	ErrBadMessage = errors.New("lockstep: bad message")
	// ErrBadChecksum: ReportChecksum for a frame that does not want one.
	ErrBadChecksum = errors.New("lockstep: checksum for a frame that wants none")
)
