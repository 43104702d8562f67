package netlab

import "errors"

// Sentinel errors, for errors.Is. Errors returned by this package wrap one
// of these with the detail of what went wrong.
var (
	// ErrUnavailable: this machine cannot run the lab (not root, or a tool
	// is missing). Check says which.
	ErrUnavailable = errors.New("netlab: the lab cannot run here")
	// ErrBadName: a node's name is empty, too long, not made of ASCII
	// letters and digits, or already taken in this lab.
	ErrBadName = errors.New("netlab: bad node name")
	// ErrFull: the lab has no more addresses of that kind (at most
	// MaxRouters routers, MaxLANs LANs and MaxHosts hosts on each).
	ErrFull = errors.New("netlab: the lab is full")
	// ErrSetup: a command that builds the lab failed.
	ErrSetup = errors.New("netlab: setting up the lab failed")
	// ErrClosed: the lab was torn down (its test ended).
	ErrClosed = errors.New("netlab: the lab is torn down")
)
