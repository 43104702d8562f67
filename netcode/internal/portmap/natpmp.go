package portmap

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"syscall"
	"time"

	natpmp "github.com/jackpal/go-nat-pmp"
)

// natpmpRetry is how long each NAT-PMP request waits for an answer before
// it is sent again (RFC 6886 §3.1's first interval), and so how late a
// cancelled request notices.
const natpmpRetry = 250 * time.Millisecond

// natPMP speaks NAT-PMP (RFC 6886) to the gateway's port 5351, through
// go-nat-pmp's client.
type natPMP struct {
	gw, local netip.Addr
}

func (p *natPMP) protocol() string { return ProtocolNATPMP }

func (p *natPMP) close() {}

// call runs f with a client whose requests wait natpmpRetry at most, again
// until ctx ends: go-nat-pmp's calls take no context.
func (p *natPMP) call(ctx context.Context, f func(*natpmp.Client) error) error {
	deadline, ok := ctx.Deadline()
	if !ok {
		deadline = time.Now().Add(DefaultTimeout)
	}
	for range 256 {
		left := time.Until(deadline)
		if ctx.Err() != nil || left <= 0 {
			break
		}
		err := f(natpmp.NewClientWithLocalAndTimeout(p.gw.AsSlice(), p.local.AsSlice(), min(natpmpRetry, left)))
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.ECONNREFUSED):
			return fmt.Errorf("nothing answers at %v:5351 (port unreachable)", p.gw)
		case !natpmpTimedOut(err):
			return fmt.Errorf("gateway %v: %w", p.gw, err)
		}
	}
	if err := context.Cause(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("no answer from %v:5351: %w", p.gw, err)
	}
	return fmt.Errorf("no answer from %v:5351", p.gw)
}

// natpmpTimedOut reports go-nat-pmp's error for a request that got no
// answer in its timeout. It has no type of its own; its text is fixed in
// the version go.mod pins (v1.1.0, network.go).
func natpmpTimedOut(err error) bool {
	return err != nil && err.Error() == "Timed out trying to contact gateway"
}

func (p *natPMP) probe(ctx context.Context) (netip.Addr, error) {
	var ext netip.Addr
	err := p.call(ctx, func(c *natpmp.Client) error {
		r, err := c.GetExternalAddress()
		if err == nil {
			ext = netip.AddrFrom4(r.ExternalIPAddress)
		}
		return err
	})
	return ext, err
}

func (p *natPMP) add(ctx context.Context, internal, external uint16, lifetime time.Duration) (uint16, time.Duration, error) {
	var r *natpmp.AddPortMappingResult
	err := p.call(ctx, func(c *natpmp.Client) error {
		var err error
		r, err = c.AddPortMapping("udp", int(internal), int(external), int(lifetime/time.Second))
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	return checkNATPMPGrant(internal, r.InternalPort, r.MappedExternalPort, r.PortMappingLifetimeInSeconds)
}

// checkNATPMPGrant checks a mapping's answer: for our port, a port on the
// router, a lease.
func checkNATPMPGrant(asked, internal, external uint16, seconds uint32) (uint16, time.Duration, error) {
	switch {
	case internal != asked:
		return 0, 0, fmt.Errorf("the gateway answered for internal port %d, not %d", internal, asked)
	case external == 0:
		return 0, 0, fmt.Errorf("the gateway granted external port 0")
	case seconds == 0:
		return 0, 0, fmt.Errorf("the gateway granted a lease of 0 s")
	}
	return external, time.Duration(seconds) * time.Second, nil
}

// remove deletes the mapping: RFC 6886 §3.4, external port and lifetime 0.
func (p *natPMP) remove(ctx context.Context, internal, _ uint16) error {
	return p.call(ctx, func(c *natpmp.Client) error {
		_, err := c.AddPortMapping("udp", int(internal), 0, 0)
		return err
	})
}
