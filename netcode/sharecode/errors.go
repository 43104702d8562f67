package sharecode

import "errors"

// ErrBadShareCode is the umbrella error for every problem with a share code.
// Every other error of this package matches it with [errors.Is], so callers
// that do not care about the exact reason can test for this one only.
var ErrBadShareCode = errors.New("sharecode: bad share code")

// codeError is a specific share code error. It matches ErrBadShareCode as
// well as itself with errors.Is.
type codeError struct{ msg string }

func (e *codeError) Error() string { return e.msg }

// Is reports whether target is the umbrella error ErrBadShareCode.
func (e *codeError) Is(target error) bool { return target == ErrBadShareCode }

var (
	// ErrEmpty means the input contains no share code symbols at all.
	ErrEmpty error = &codeError{"sharecode: the share code is empty"}

	// ErrTooLong means the input is longer than MaxInputLen bytes.
	ErrTooLong error = &codeError{"sharecode: the input is too long to be a share code"}

	// ErrBadCharacter means the input contains a character that is not part
	// of the share code alphabet. The wrapping error names the character and
	// its position.
	ErrBadCharacter error = &codeError{"sharecode: not a share code character"}

	// ErrTruncated means the code is too short, has an impossible length, or
	// its payload ends early (most likely a character is missing).
	ErrTruncated error = &codeError{"sharecode: the code is incomplete"}

	// ErrChecksum means the checksum does not match: the code has a typo.
	ErrChecksum error = &codeError{"sharecode: the code has a typo: checksum does not match"}

	// ErrVersion means the code was made by an unsupported (newer) version
	// of peerstep. The wrapping error names the version.
	ErrVersion error = &codeError{"sharecode: unsupported share code version"}

	// ErrMalformed means the payload passed the checksum but is not well
	// formed (unknown address tag, trailing bytes). Such codes are not made
	// by this package.
	ErrMalformed error = &codeError{"sharecode: malformed share code payload"}

	// ErrAddress means a host address is unusable or there are too many:
	// more than MaxAddrs, a direct code without one, an invalid, zero or
	// unspecified IP, an IPv6 zone, or port 0.
	ErrAddress error = &codeError{"sharecode: bad host address"}
)

var (
	// ErrNotACode means the input has far fewer symbols than any share
	// code: it is something else ("hello", a name, a number).
	ErrNotACode error = &codeError{"sharecode: that is not a share code"}

	// ErrTooManySymbols means the input has a few symbols more than a
	// short code: a character is doubled or one too many was typed.
	ErrTooManySymbols error = &codeError{"sharecode: the code has extra characters"}
)
