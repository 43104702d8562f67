package portmap

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackpal/gateway"
)

// The protocols a Mapping may have been made with (Mapping.Protocol).
const (
	// ProtocolNATPMP is NAT-PMP (RFC 6886).
	ProtocolNATPMP = "nat-pmp"
	// ProtocolUPnP is UPnP-IGD (WANIPConnection:2, :1 or WANPPPConnection:1).
	ProtocolUPnP = "upnp"
)

// client is one port mapping protocol, speaking to one gateway.
type client interface {
	protocol() string
	// probe finds the router and asks it for its public address.
	probe(ctx context.Context) (netip.Addr, error)
	// add maps (or renews) UDP external→internal and returns the external
	// port and lease granted; a lease of 0 is permanent.
	add(ctx context.Context, internal, external uint16, lifetime time.Duration) (uint16, time.Duration, error)
	// remove deletes the mapping.
	remove(ctx context.Context, internal, external uint16) error
	// close lets go of what the client holds (idle connections).
	close()
}

// Map asks the home router to forward a public UDP port to
// cfg.InternalPort on this host. It tries NAT-PMP and UPnP-IGD at once and
// keeps the first that maps, within cfg.Timeout (a second by default): the
// Mapping renews the lease while it lives, and Close removes it.
//
// It fails with an error wrapping ErrBadConfig, ErrNoGateway, or
// ErrNoMapping, which says what each protocol got, and, when ctx was
// cancelled, ctx's error too.
func Map(ctx context.Context, cfg Config) (*Mapping, error) {
	c, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if c.Gateway, err = defaultGateway(c.Gateway); err != nil {
		return nil, err
	}
	if c.LocalIP, err = localIPToward(c.LocalIP, c.Gateway); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	clients := []client{&natPMP{gw: c.Gateway, local: c.LocalIP}, newUPnP(c.Gateway, c.LocalIP, c.SSDP, c.Description)}
	return mapFirst(ctx, c, clients)
}

// probed is a client's answer to its probe.
type probed struct {
	c   client
	ext netip.Addr
	err error
}

// mapFirst probes every client at once and maps with the first that
// answers, then the next, until one maps. It returns once every probe has
// ended: none outlives it.
func mapFirst(ctx context.Context, c Config, clients []client) (*Mapping, error) {
	probeCtx, stopProbes := context.WithCancel(ctx)
	results := make(chan probed, len(clients))
	var wg sync.WaitGroup
	defer wg.Wait()
	defer stopProbes()
	for _, cl := range clients {
		wg.Go(func() {
			ext, err := cl.probe(probeCtx)
			results <- probed{cl, ext, err}
		})
	}
	var tried []string
	var won *Mapping
	for range clients {
		r := <-results
		if won != nil {
			r.c.close()
			continue
		}
		m, err := mapWith(ctx, c, r)
		if err != nil {
			r.c.close()
			tried = append(tried, r.c.protocol()+": "+err.Error())
			c.Logger.Debug("portmap: no mapping", "protocol", r.c.protocol(), "err", err)
			continue
		}
		won = m
		stopProbes()
	}
	if won != nil {
		return won, nil
	}
	slices.Sort(tried) // nat-pmp before upnp, whichever answered first
	err := fmt.Errorf("%w for UDP port %d via gateway %v: %s", ErrNoMapping, c.InternalPort, c.Gateway, strings.Join(tried, "; "))
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.DeadlineExceeded) {
		err = fmt.Errorf("%w (%w)", err, cause)
	}
	return nil, err
}

// mapWith maps with the client of a successful probe.
func mapWith(ctx context.Context, c Config, r probed) (*Mapping, error) {
	if r.err != nil {
		return nil, r.err
	}
	if err := checkPublic(r.ext); err != nil {
		return nil, err
	}
	port, lease, err := r.c.add(ctx, c.InternalPort, c.InternalPort, c.Lifetime)
	if err != nil {
		return nil, err
	}
	m := newMapping(c, r.c, netip.AddrPortFrom(r.ext, port), lease)
	c.Logger.Info("portmap: mapped", "protocol", r.c.protocol(), "external", m.External(), "internal", c.InternalPort, "lease", lease)
	return m, nil
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// checkPublic says why a router's external address is no use to a friend
// on the internet, if it is not: a router behind another NAT (a box from
// the ISP, carrier-grade NAT) or with no address yet.
func checkPublic(a netip.Addr) error {
	a = a.Unmap()
	switch {
	case !a.IsValid() || !a.Is4() || a.IsUnspecified():
		return fmt.Errorf("the router has no external address (%v)", a)
	case a.IsLoopback() || a.IsMulticast() || a.IsLinkLocalUnicast() || a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return fmt.Errorf("the router's external address %v is not an internet address", a)
	case a.IsPrivate() || cgnat.Contains(a):
		return fmt.Errorf("the router's external address %v is private: another NAT is upstream, and a mapping here would not reach the internet", a)
	}
	return nil
}

// defaultGateway returns gw, or the system's default gateway when gw is zero.
func defaultGateway(gw netip.Addr) (netip.Addr, error) {
	if gw.IsValid() {
		return gw.Unmap(), nil
	}
	ip, err := gateway.DiscoverGateway()
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%w: %v", ErrNoGateway, err)
	}
	a, ok := netip.AddrFromSlice(ip)
	// gateway v1.0.6 reads the first route's gateway on Linux, default or
	// not: 0.0.0.0 when there is no default route.
	if !ok || !unicast4(a.Unmap()) {
		return netip.Addr{}, fmt.Errorf("%w: the system has no default IPv4 gateway (found %v)", ErrNoGateway, ip)
	}
	return a.Unmap(), nil
}

// localIPToward returns local, or, when it is zero, the address the system
// sends from toward gw (a UDP socket's connect sends nothing).
func localIPToward(local, gw netip.Addr) (netip.Addr, error) {
	if local.IsValid() {
		return local.Unmap(), nil
	}
	conn, err := net.DialUDP("udp4", nil, net.UDPAddrFromAddrPort(netip.AddrPortFrom(gw, 5351)))
	if err != nil {
		return netip.Addr{}, fmt.Errorf("%w: no route to %v: %v", ErrNoGateway, gw, err)
	}
	defer conn.Close()
	a := conn.LocalAddr().(*net.UDPAddr).AddrPort().Addr().Unmap()
	if !unicast4(a) {
		return netip.Addr{}, fmt.Errorf("%w: no local IPv4 address toward %v (%v)", ErrNoGateway, gw, a)
	}
	return a, nil
}

// Mapping is a port mapping on the home router. It renews its lease at
// half of what the router granted while it lives; Close removes it.
type Mapping struct {
	cfg Config
	cl  client

	mu    sync.Mutex
	ext   netip.AddrPort
	lease time.Duration // as granted; 0 is permanent

	ctx       context.Context // cancelled by Close: ends a renewal under way
	cancel    context.CancelFunc
	done      chan struct{} // closed when the renewing goroutine ends
	closeOnce sync.Once
	closeErr  error
}

func newMapping(c Config, cl client, ext netip.AddrPort, lease time.Duration) *Mapping {
	m := &Mapping{cfg: c, cl: cl, ext: ext, lease: lease, done: make(chan struct{})}
	m.ctx, m.cancel = context.WithCancel(context.Background())
	go m.renew()
	return m
}

// External is the router's public address and the port it forwards to
// the internal port: what a friend on the internet sends to. A renewal
// may change it (the router restarted, its address changed); this is the
// latest.
func (m *Mapping) External() netip.AddrPort {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.ext
}

// Protocol is the protocol that made the mapping: ProtocolNATPMP or
// ProtocolUPnP.
func (m *Mapping) Protocol() string { return m.cl.protocol() }

// Close stops renewing and removes the mapping from the router, waiting
// at most the Config's Timeout for it to answer. It returns the removal's
// error; calling it again returns the same.
func (m *Mapping) Close() error {
	m.closeOnce.Do(func() {
		m.cancel()
		<-m.done
		ext := m.External()
		ctx, cancel := context.WithTimeout(context.Background(), m.cfg.Timeout)
		defer cancel()
		if err := m.cl.remove(ctx, m.cfg.InternalPort, ext.Port()); err != nil {
			m.closeErr = fmt.Errorf("portmap: removing the %s mapping %v: %w", m.Protocol(), ext, err)
			m.cfg.Logger.Warn("portmap: removal failed", "protocol", m.Protocol(), "external", ext, "err", err)
		} else {
			m.cfg.Logger.Info("portmap: removed", "protocol", m.Protocol(), "external", ext)
		}
		m.cl.close()
	})
	return m.closeErr
}

// renew renews the lease until Close: at half of each lease granted, and
// after a failure again after retryAfter.
func (m *Mapping) renew() {
	defer close(m.done)
	m.mu.Lock()
	lease := m.lease
	m.mu.Unlock()
	if lease == 0 {
		<-m.ctx.Done() // permanent: nothing to renew
		return
	}
	next, fails := lease/2, 0
	for {
		t := time.NewTimer(next)
		select {
		case <-m.ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		ext, granted, err := m.renewOnce()
		if m.ctx.Err() != nil {
			return
		}
		if err != nil {
			fails++
			next = retryAfter(lease)
			m.cfg.Logger.Warn("portmap: renewal failed", "protocol", m.Protocol(), "external", m.External(), "failures", fails, "retry", next, "err", err)
			continue
		}
		m.mu.Lock()
		old := m.ext
		m.ext, m.lease = ext, granted
		m.mu.Unlock()
		lease, fails = granted, 0
		m.cfg.Logger.Info("portmap: renewed", "protocol", m.Protocol(), "external", ext, "lease", granted)
		if ext != old {
			m.cfg.Logger.Warn("portmap: external address changed", "protocol", m.Protocol(), "old", old, "new", ext)
		}
		if granted == 0 {
			<-m.ctx.Done()
			return
		}
		next = granted / 2
	}
}

// renewOnce asks the router again for its address and the same external
// port.
func (m *Mapping) renewOnce() (netip.AddrPort, time.Duration, error) {
	ctx, cancel := context.WithTimeout(m.ctx, m.cfg.Timeout)
	defer cancel()
	ip, err := m.cl.probe(ctx)
	if err != nil {
		return netip.AddrPort{}, 0, err
	}
	if err := checkPublic(ip); err != nil {
		return netip.AddrPort{}, 0, err
	}
	port, granted, err := m.cl.add(ctx, m.cfg.InternalPort, m.External().Port(), m.cfg.Lifetime)
	if err != nil {
		return netip.AddrPort{}, 0, err
	}
	return netip.AddrPortFrom(ip, port), granted, nil
}

// retryAfter is how long to wait before trying a failed renewal again, for
// a lease of lease: a sixteenth of it, from one second to a minute, so that
// the half of a 1 h lease left gets about thirty tries before it runs out;
// and on, past it, until the router is back.
func retryAfter(lease time.Duration) time.Duration {
	return min(max(lease/16, time.Second), time.Minute)
}
