// Package stunc asks STUN servers (RFC 8489) where a socket is seen from
// outside: the public address and port its NAT gives it. It speaks over a
// socket someone else owns, since what counts is the mapping of the
// session's own socket: the caller hands in a way to send and passes every
// datagram that looks like STUN to Client.Handle.
//
// Only a Binding success that answers an outstanding request, with its
// transaction ID, from the server that request went to, is believed;
// anything else is not STUN for us and Handle says so, for the caller to
// treat as it would any unknown datagram.
package stunc

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/pion/stun/v3"
)

// Errors a caller can branch on.
var (
	// ErrNoAnswer: the server did not answer before the context ended.
	ErrNoAnswer = errors.New("stunc: no answer from the STUN server")
	// ErrBadAnswer: the server answered with an error or without an
	// address.
	ErrBadAnswer = errors.New("stunc: the STUN server's answer holds no address")
)

// firstResend is the first retransmission timeout; it doubles up to
// maxResend, as RFC 8489 asks of a client on an unreliable transport.
const (
	firstResend = 100 * time.Millisecond
	maxResend   = 1600 * time.Millisecond
	// maxPending bounds the requests in flight.
	maxPending = 64
)

// Client sends Binding requests over a socket it does not own.
type Client struct {
	send func(b []byte, to netip.AddrPort) error

	mu      sync.Mutex
	pending map[[stun.TransactionIDSize]byte]*request
}

type request struct {
	server netip.AddrPort
	done   chan netip.AddrPort // the mapped address, or closed without one on a bad answer
}

// New returns a client that sends with send (typically the session
// socket's WriteTo).
func New(send func(b []byte, to netip.AddrPort) error) *Client {
	return &Client{send: send, pending: make(map[[stun.TransactionIDSize]byte]*request)}
}

// Looks reports whether b might be a STUN message (RFC 8489 §5: the first
// two bits zero and the magic cookie): a cheap test for a demultiplexer,
// which then hands b to Handle.
func Looks(b []byte) bool { return len(b) >= 20 && b[0]&0xc0 == 0 && stun.IsMessage(b) }

// Bind asks server for this socket's public address, resending until an
// answer comes or ctx ends.
func (c *Client) Bind(ctx context.Context, server netip.AddrPort) (netip.AddrPort, error) {
	server = netip.AddrPortFrom(server.Addr().Unmap(), server.Port())
	msg, err := stun.Build(stun.TransactionID, stun.BindingRequest, stun.Fingerprint)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("stunc: building a request: %w", err)
	}
	req := &request{server: server, done: make(chan netip.AddrPort, 1)}
	c.mu.Lock()
	if len(c.pending) >= maxPending {
		c.mu.Unlock()
		return netip.AddrPort{}, fmt.Errorf("stunc: %d requests already in flight", maxPending)
	}
	c.pending[msg.TransactionID] = req
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, msg.TransactionID)
		c.mu.Unlock()
	}()
	wait := firstResend
	for {
		if err := c.send(msg.Raw, server); err != nil && !errors.Is(err, net.ErrClosed) {
			return netip.AddrPort{}, fmt.Errorf("stunc: sending to %v: %w", server, err)
		}
		t := time.NewTimer(wait)
		select {
		case ap, ok := <-req.done:
			t.Stop()
			if !ok {
				return netip.AddrPort{}, fmt.Errorf("%w (%v)", ErrBadAnswer, server)
			}
			return ap, nil
		case <-ctx.Done():
			t.Stop()
			return netip.AddrPort{}, fmt.Errorf("%w (%v): %v", ErrNoAnswer, server, ctx.Err())
		case <-t.C:
		}
		wait = min(2*wait, maxResend)
	}
}

// Handle takes a datagram that arrived from from and reports whether it
// was the answer to one of this client's requests. It never panics on bad
// input.
func (c *Client) Handle(b []byte, from netip.AddrPort) bool {
	if !Looks(b) {
		return false
	}
	m := &stun.Message{Raw: append([]byte(nil), b...)}
	if err := m.Decode(); err != nil {
		return false
	}
	from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
	c.mu.Lock()
	req := c.pending[m.TransactionID]
	if req == nil || req.server != from {
		c.mu.Unlock()
		return false
	}
	delete(c.pending, m.TransactionID)
	c.mu.Unlock()
	ap, ok := mappedAddr(m)
	if !ok {
		close(req.done)
		return true
	}
	req.done <- ap
	return true
}

// mappedAddr reads the address of a Binding success response.
func mappedAddr(m *stun.Message) (netip.AddrPort, bool) {
	if m.Type != stun.BindingSuccess {
		return netip.AddrPort{}, false
	}
	var xa stun.XORMappedAddress
	if err := xa.GetFrom(m); err == nil {
		if ip, ok := netip.AddrFromSlice(xa.IP); ok && xa.Port > 0 && xa.Port < 1<<16 {
			return netip.AddrPortFrom(ip.Unmap(), uint16(xa.Port)), true
		}
	}
	var ma stun.MappedAddress // RFC 3489 servers answer with this only
	if err := ma.GetFrom(m); err == nil {
		if ip, ok := netip.AddrFromSlice(ma.IP); ok && ma.Port > 0 && ma.Port < 1<<16 {
			return netip.AddrPortFrom(ip.Unmap(), uint16(ma.Port)), true
		}
	}
	return netip.AddrPort{}, false
}

// Answer builds the Binding success a server sends to a request b from
// from, or reports false if b is not a Binding request. Tests use it for a
// STUN server of their own; it is the whole of a STUN server's job.
func Answer(b []byte, from netip.AddrPort) ([]byte, bool) {
	if !Looks(b) {
		return nil, false
	}
	req := &stun.Message{Raw: append([]byte(nil), b...)}
	if err := req.Decode(); err != nil || req.Type != stun.BindingRequest {
		return nil, false
	}
	resp, err := stun.Build(
		stun.NewTransactionIDSetter(req.TransactionID),
		stun.BindingSuccess,
		&stun.XORMappedAddress{IP: from.Addr().AsSlice(), Port: int(from.Port())},
		stun.Fingerprint,
	)
	if err != nil {
		return nil, false
	}
	return resp.Raw, true
}
