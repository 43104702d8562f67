package netcode

import "errors"

// Sentinel errors a game can branch on with errors.Is. Errors returned by
// this package wrap one of these with the detail of what went wrong.
var (
	// ErrClosed: the session was closed.
	ErrClosed = errors.New("netcode: session closed")
	// ErrLANOff: BrowseLAN was asked with a Reach without LAN discovery
	// (Reach.NoLAN, or Local: -offline).
	ErrLANOff = errors.New("netcode: LAN discovery is off")
	// ErrTicking: Session.Tick or Session.Ticker was called while a
	// Ticker runs the session's ticks.
	ErrTicking = errors.New("netcode: a Ticker runs this session's ticks")
	// ErrBadConfig: a Config field is out of range.
	ErrBadConfig = errors.New("netcode: bad config")
	// ErrCodeRejected: the host answered that it does not know this share
	// code: it is wrong, or from an earlier match.
	ErrCodeRejected = errors.New("netcode: the host rejected the share code (wrong or expired code)")
	// ErrHostUnreachable: the host's address is known (the code, the DHT,
	// a knock) but no answer came: it left, or neither side's network lets
	// the other through. The error says what was tried.
	ErrHostUnreachable = errors.New("netcode: no answer from the host")
	// ErrHostNotFound: no host answers under this code anywhere the
	// session looked (the local network, the DHT): the code is old, or the
	// host's game is closed or cannot reach the internet.
	ErrHostNotFound = errors.New("netcode: no host answers under that code")
	// ErrIncompatibleVersion: the host knows the share code but speaks
	// another version of peerstep's wire format; both players need the same
	// release of the game.
	ErrIncompatibleVersion = errors.New("netcode: the host runs an incompatible version of the game's netcode")
	// ErrLobbyFull: the lobby has no free slot.
	ErrLobbyFull = errors.New("netcode: the lobby is full")
	// ErrMatchStarted: the match has already started; it cannot be joined
	// (only by a player of it coming back, see Join).
	ErrMatchStarted = errors.New("netcode: the match has already started")
	// ErrNotHost: only the host can do this.
	ErrNotHost = errors.New("netcode: only the host can do this")
	// ErrNotStarted: the match has not started yet.
	ErrNotStarted = errors.New("netcode: the match has not started")
	// ErrAlreadyStarted: Start was called twice.
	ErrAlreadyStarted = errors.New("netcode: the match is already started")
	// ErrNotEnoughPlayers: Start needs at least two players.
	ErrNotEnoughPlayers = errors.New("netcode: a match needs at least two players")
	// ErrMeshIncomplete: not every player is connected to every other yet.
	ErrMeshIncomplete = errors.New("netcode: not every player is connected to every other")
	// ErrDropped: the other players dropped this one from the match.
	ErrDropped = errors.New("netcode: dropped from the match by the other players")
	// ErrUnknownPlayer: a PlayerID that is not in the match.
	ErrUnknownPlayer = errors.New("netcode: no such player in the match")
	// ErrLocalPlayer: DropPlayer named this player, who leaves with Close.
	ErrLocalPlayer = errors.New("netcode: this player cannot drop itself (use Close)")
	// ErrAlreadyDropped: DropPlayer named a player already being dropped
	// or gone from the match.
	ErrAlreadyDropped = errors.New("netcode: the player is already dropped or being dropped")
	// ErrHostLeft: the host left the lobby before the match started.
	ErrHostLeft = errors.New("netcode: the host left the lobby")
	// ErrBadSnapshot: Session.Snapshot for a frame no snapshot was asked
	// for, or a state too large.
	ErrBadSnapshot = errors.New("netcode: bad snapshot")
	// ErrNoDesync: Session.RepairDesync for a frame this player saw no
	// desync at, or one too old to repair.
	ErrNoDesync = errors.New("netcode: no desync at that frame")
)
