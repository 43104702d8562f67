package play

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/peerstep/peerstep/internal/cli"
	"github.com/peerstep/peerstep/lockstep/replay"
	"github.com/peerstep/peerstep/netcode"
	"github.com/peerstep/peerstep/netcode/sharecode"
)

// ErrorText says in a sentence what went wrong, in the words a player
// reads. Every front end shows errors through it: the window's join
// screen, lobby and match notices, -headless and neonbot. It knows every
// sentinel error of netcode and sharecode (matched with errors.Is, so
// wrapping does not matter), replay's errors, and files that are not
// there; a command-line error (*cli.UsageError) already is such a
// sentence; anything else keeps its own text.
func ErrorText(err error) string {
	if err == nil {
		return ""
	}
	var ue *cli.UsageError
	if errors.As(err, &ue) {
		return err.Error()
	}
	if s, ok := shareCodeText(err); ok {
		return s
	}
	if s, ok := netcodeText(err); ok {
		return s
	}
	if s, ok := replayText(err); ok {
		return s
	}
	var pe *fs.PathError
	switch {
	case errors.As(err, &pe) && errors.Is(err, fs.ErrNotExist):
		return fmt.Sprintf("There is no file %s.", pe.Path)
	case errors.As(err, &pe):
		return fmt.Sprintf("Cannot use the file %s: %v.", pe.Path, pe.Err)
	case errors.Is(err, context.DeadlineExceeded):
		return "That took too long: gave up waiting."
	case errors.Is(err, context.Canceled):
		return "Stopped."
	}
	return err.Error()
}

// shareCodeText words the errors of a share code that does not parse,
// most specific first: each of them also matches ErrBadShareCode.
func shareCodeText(err error) (string, bool) {
	switch {
	case !errors.Is(err, sharecode.ErrBadShareCode):
		return "", false
	case errors.Is(err, sharecode.ErrEmpty):
		return "Type or paste a share code first.", true
	case errors.Is(err, sharecode.ErrTooLong):
		return "That is too long to be a share code: paste only the code your host gave you.", true
	case errors.Is(err, sharecode.ErrBadCharacter):
		return "That is not a share code: " + detail(err, sharecode.ErrBadCharacter) + ".", true
	case errors.Is(err, sharecode.ErrNotACode):
		return "That is not a share code: a code is 18 letters and digits, like PS2-7KQ-M2X-9AB-CDE-FGH-J4W.", true
	case errors.Is(err, sharecode.ErrTooManySymbols):
		return "That code has extra characters: a short code has 18.", true
	case errors.Is(err, sharecode.ErrTruncated):
		return "That code is incomplete: a character is missing or extra.", true
	case errors.Is(err, sharecode.ErrChecksum):
		return "That code has a typo: check it character by character.", true
	case errors.Is(err, sharecode.ErrVersion):
		return "That code was made by another release of Neon Trails: both of you need the same release.", true
	case errors.Is(err, sharecode.ErrMalformed):
		return "That code is damaged: ask your host to send it again.", true
	case errors.Is(err, sharecode.ErrAddress):
		return "That code holds no address this game can reach: ask your host for a new one.", true
	}
	return "That is not a share code.", true
}

// netcodeText words netcode's sentinel errors.
func netcodeText(err error) (string, bool) {
	for _, t := range []struct {
		sentinel error
		text     string
	}{
		{netcode.ErrCodeRejected, "The host does not know this code: it is wrong, or from an earlier match."},
		{netcode.ErrHostUnreachable, "No answer from the host: is the match still open, and reachable from here?"},
		{netcode.ErrHostNotFound, "No host answers under that code: check it with your host, and that their game is open and online."},
		{netcode.ErrIncompatibleVersion, "The host runs another version of Neon Trails: both of you need the same release."},
		{netcode.ErrLobbyFull, "That lobby is full."},
		{netcode.ErrMatchStarted, "That match has already started."},
		{netcode.ErrHostLeft, "The host closed the lobby."},
		{netcode.ErrDropped, "The other players dropped you from the match: they stopped hearing from you, or chose to."},
		{netcode.ErrUnknownPlayer, "There is no such player in this match."},
		{netcode.ErrLocalPlayer, "That is you: to leave the match, press ESC."},
		{netcode.ErrAlreadyDropped, "That player is already out of the match."},
		{netcode.ErrClosed, "You left: the session is closed."},
		{netcode.ErrNotHost, "Only the host can do that."},
		{netcode.ErrNotStarted, "The match has not started yet."},
		{netcode.ErrLANOff, "Looking for games on this network is off (-offline, or -no-lan)."},
		{netcode.ErrTicking, "The match is already running on its own timer: this is a bug in the game."},
		{netcode.ErrBadSnapshot, "The game's saved state was refused: this is a bug in the game."},
		{netcode.ErrNoDesync, "There is no desync at that frame to repair: this is a bug in the game."},
		{netcode.ErrAlreadyStarted, "The match has started already."},
		{netcode.ErrNotEnoughPlayers, "A match needs a second player: share the code, or add a bot."},
		{netcode.ErrMeshIncomplete, "Not every player reaches every other yet: wait a moment, or ask who is not linked to check their network."},
	} {
		if errors.Is(err, t.sentinel) {
			return t.text, true
		}
	}
	if errors.Is(err, netcode.ErrBadConfig) {
		return "The game's network settings are wrong: " + detail(err, netcode.ErrBadConfig) + ".", true
	}
	return "", false
}

// replayText words the errors of a replay that does not play.
func replayText(err error) (string, bool) {
	var mm *replay.MismatchError
	switch {
	case errors.As(err, &mm):
		return fmt.Sprintf("The replay does not reproduce: the game's state differs from the recording at frame %d (recorded by another version of the game?).", mm.Frame), true
	case errors.Is(err, ErrReplayOver):
		return "The replay is over.", true
	case errors.Is(err, replay.ErrBadMagic):
		return "That file is not a replay.", true
	case errors.Is(err, replay.ErrVersion):
		return "That replay was recorded in a format this release does not read.", true
	case errors.Is(err, replay.ErrCorrupt):
		return "That replay file is damaged: " + detail(err, replay.ErrCorrupt) + ".", true
	case errors.Is(err, replay.ErrInvalid), errors.Is(err, replay.ErrClosed):
		return "The recording failed: " + detail(err, nil) + ".", true
	}
	return "", false
}

// detail is what err says beside sentinel, without the package prefixes
// of the layers it went through: "character '!' at position 5 is not
// part of a share code" out of "sharecode: character '!' at position 5 is
// not part of a share code: sharecode: not a share code character".
func detail(err, sentinel error) string {
	s := err.Error()
	if sentinel != nil {
		s = strings.TrimSuffix(s, ": "+sentinel.Error())
		s = strings.TrimPrefix(s, sentinel.Error()+": ")
	}
	for _, prefix := range []string{"sharecode: ", "netcode: ", "netsim: ", "replay: ", "play: "} {
		if i := strings.LastIndex(s, prefix); i >= 0 {
			s = s[i+len(prefix):]
		}
	}
	if s == "" && sentinel != nil {
		return strings.TrimPrefix(sentinel.Error(), "netcode: ")
	}
	return s
}

// Explain returns err with ErrorText as its message, for a command to
// print; errors.Is and errors.As still see err. It returns nil for nil,
// and err itself when it is already a sentence (a *cli.UsageError).
func Explain(err error) error {
	var ue *cli.UsageError
	if err == nil || errors.As(err, &ue) {
		return err
	}
	return &explained{text: ErrorText(err), err: err}
}

type explained struct {
	text string
	err  error
}

func (e *explained) Error() string { return e.text }
func (e *explained) Unwrap() error { return e.err }
