package portmap

import "errors"

// Sentinel errors, for errors.Is. Errors returned by this package wrap one
// of these with the detail of what went wrong.
var (
	// ErrBadConfig: a Config field is out of range.
	ErrBadConfig = errors.New("portmap: bad config")
	// ErrNoGateway: no gateway was given and the system has no default
	// route to find one from (or the local address toward it is unknown).
	ErrNoGateway = errors.New("portmap: no gateway")
	// ErrNoMapping: neither NAT-PMP nor UPnP made a mapping: nothing
	// answered, the router refused, or its public address is not public
	// (another NAT is upstream). The error says what each protocol got.
	ErrNoMapping = errors.New("portmap: no port mapping")
)
