package portmap

import (
	"fmt"
	"log/slog"
	"net/netip"
	"time"
)

// Defaults and limits of Config.
const (
	// DefaultLifetime is the lease asked for; the mapping renews it at half.
	DefaultLifetime = time.Hour
	// MinLifetime and MaxLifetime bound Config.Lifetime.
	MinLifetime = 2 * time.Second
	MaxLifetime = 24 * time.Hour
	// DefaultTimeout bounds Map, each renewal and Close's removal.
	DefaultTimeout = time.Second
	// DefaultDescription names the mapping in the router's list.
	DefaultDescription = "peerstep"
)

// SSDPScope says where UPnP discovery may send its search (an SSDP
// M-SEARCH). Whichever it is, only an answer from the gateway is taken.
type SSDPScope int

const (
	// SSDPInterface sends the search to the gateway itself and to the SSDP
	// multicast group 239.255.255.250:1900 on the one interface that holds
	// Config.LocalIP: some routers answer only the multicast search. The
	// default.
	SSDPInterface SSDPScope = iota
	// SSDPGateway sends the search only to the gateway, by unicast
	// (UPnP Device Architecture 1.1): no multicast at all.
	SSDPGateway
)

// String names the scope: "interface" or "gateway".
func (s SSDPScope) String() string {
	switch s {
	case SSDPInterface:
		return "interface"
	case SSDPGateway:
		return "gateway"
	}
	return fmt.Sprintf("SSDPScope(%d)", int(s))
}

// Config says what to map and whom to ask. The zero value of each field
// but InternalPort selects its default.
//
// Map sends to the gateway (NAT-PMP on its port 5351, SSDP on 1900, then
// HTTP to the address its answer gives) and, with SSDPInterface, to the
// SSDP multicast group on one interface: only a caller that wants port
// mapping calls it.
type Config struct {
	// InternalPort is the local UDP port to map: the session's socket's.
	// Required.
	InternalPort uint16
	// LocalIP is this host's IPv4 address on the interface that faces the
	// gateway: UPnP's AddPortMapping names it as the internal client, and
	// every request is sent from it. Zero: the address the system sends
	// from toward the gateway.
	LocalIP netip.Addr
	// Gateway is the home router's LAN address (IPv4). Zero: the system's
	// default gateway.
	Gateway netip.Addr
	// Lifetime is the lease asked for, renewed at half of what the router
	// grants. Zero means DefaultLifetime; MinLifetime to MaxLifetime.
	Lifetime time.Duration
	// Timeout bounds Map (discovery and mapping, both protocols at once),
	// each renewal and Close's removal. Zero means DefaultTimeout; at most
	// a minute.
	Timeout time.Duration
	// SSDP is where UPnP discovery may send. Zero means SSDPInterface.
	SSDP SSDPScope
	// Description names the mapping in the router's list of mappings
	// (UPnP only). Zero means DefaultDescription; printable ASCII, at most
	// 64 bytes.
	Description string
	// Logger receives what the mapping does (mapped, renewed, failures).
	// Nil discards it.
	Logger *slog.Logger
}

// DefaultConfig returns a Config with every default filled in; the
// caller sets InternalPort.
func DefaultConfig() Config {
	return Config{
		Lifetime:    DefaultLifetime,
		Timeout:     DefaultTimeout,
		SSDP:        SSDPInterface,
		Description: DefaultDescription,
	}
}

// Validate says what is wrong with c, if anything, once the defaults fill
// its zero fields.
func (c Config) Validate() error {
	_, err := c.withDefaults()
	return err
}

// withDefaults returns c with its zero fields set to their defaults, or an
// error wrapping ErrBadConfig naming the first field out of range.
func (c Config) withDefaults() (Config, error) {
	d := DefaultConfig()
	if c.Lifetime == 0 {
		c.Lifetime = d.Lifetime
	}
	if c.Timeout == 0 {
		c.Timeout = d.Timeout
	}
	if c.Description == "" {
		c.Description = d.Description
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	switch {
	case c.InternalPort == 0:
		return c, fmt.Errorf("%w: InternalPort is required", ErrBadConfig)
	case c.LocalIP.IsValid() && !unicast4(c.LocalIP):
		return c, fmt.Errorf("%w: LocalIP %v is not an IPv4 unicast address", ErrBadConfig, c.LocalIP)
	case c.Gateway.IsValid() && !unicast4(c.Gateway):
		return c, fmt.Errorf("%w: Gateway %v is not an IPv4 unicast address", ErrBadConfig, c.Gateway)
	case c.Lifetime < MinLifetime || c.Lifetime > MaxLifetime:
		return c, fmt.Errorf("%w: Lifetime %v out of [%v, %v]", ErrBadConfig, c.Lifetime, MinLifetime, MaxLifetime)
	case c.Timeout < 10*time.Millisecond || c.Timeout > time.Minute:
		return c, fmt.Errorf("%w: Timeout %v out of [10ms, 1m]", ErrBadConfig, c.Timeout)
	case c.SSDP != SSDPInterface && c.SSDP != SSDPGateway:
		return c, fmt.Errorf("%w: unknown SSDP scope %d", ErrBadConfig, int(c.SSDP))
	case len(c.Description) > 64 || !printable(c.Description):
		return c, fmt.Errorf("%w: Description %q is not printable ASCII of at most 64 bytes", ErrBadConfig, c.Description)
	}
	return c, nil
}

// unicast4 reports an IPv4 address a host can have and send from.
func unicast4(a netip.Addr) bool {
	a = a.Unmap()
	return a.Is4() && !a.IsUnspecified() && !a.IsMulticast() && a != netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

func printable(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}
