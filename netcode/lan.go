package netcode

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"syscall"

	"golang.org/x/net/ipv4"
	"golang.org/x/sys/unix"

	"github.com/peerstep/peerstep/netcode/internal/seal"
)

// LAN discovery: a host listens on a well-known port (Reach.LANListen),
// shared by every host on the machine, and in a multicast group on every
// interface. A joiner sends its Hello (sealed with the lobby key, tagged
// with the match ID: nothing but an ID derived from the secret shows) to
// the group and to the broadcast address; the host of that match answers
// from its own socket with a cookie, as it would a Hello sent to it, so
// the joiner learns where the host is from a sealed answer. Every other
// host on the network stays silent: a LAN query for another match gets no
// reject, which would only tell the joiner that some other match exists.

// lanListener is a host's socket for LAN queries.
type lanListener struct {
	conn *net.UDPConn
	wg   sync.WaitGroup
}

func listenLAN(c *core) (*lanListener, error) {
	addr := c.cfg.Reach.LANListen
	lc := net.ListenConfig{Control: func(network, address string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			if serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); serr != nil {
				return
			}
			serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	pc, err := lc.ListenPacket(context.Background(), "udp4", addr)
	if err != nil {
		return nil, fmt.Errorf("netcode: LAN listener on %s: %w", addr, err)
	}
	conn := pc.(*net.UDPConn)
	joinGroups(conn, c)
	l := &lanListener{conn: conn}
	l.wg.Add(1)
	go l.serve(c)
	return l, nil
}

// joinGroups joins the LAN discovery group on every interface that can
// take multicast; a machine with none still hears broadcast queries.
func joinGroups(conn *net.UDPConn, c *core) {
	ap, err := netip.ParseAddrPort(c.cfg.Reach.LANListen)
	if err != nil || (!ap.Addr().IsUnspecified() && !ap.Addr().IsMulticast()) {
		return // bound to one address: unicast queries only (tests)
	}
	group := net.ParseIP(defaultLANGroup)
	p := ipv4.NewPacketConn(conn)
	ifs, err := net.Interfaces()
	if err != nil {
		return
	}
	joined := 0
	for i := range ifs {
		if ifs[i].Flags&net.FlagUp == 0 || ifs[i].Flags&net.FlagMulticast == 0 {
			continue
		}
		if err := p.JoinGroup(&ifs[i], &net.UDPAddr{IP: group}); err == nil {
			joined++
		}
	}
	c.cfg.Logger.Debug("LAN discovery", "listen", conn.LocalAddr(), "group", group, "interfaces", joined)
}

// Addr is where the listener listens.
func (l *lanListener) addr() netip.AddrPort { return l.conn.LocalAddr().(*net.UDPAddr).AddrPort() }

func (l *lanListener) serve(c *core) {
	defer l.wg.Done()
	buf := make([]byte, maxDatagram)
	for {
		n, from, err := l.conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			continue
		}
		from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
		b := buf[:n]
		if _, ok := isLANQuery(b); ok { // a browse query (lanlist.go)
			if a := c.answerLANQuery(b, from); a != nil {
				_, _ = l.conn.WriteToUDPAddrPort(a, from)
			}
			continue
		}
		kind, id, ok := seal.Peek(b)
		if !ok || kind != seal.KindHandshake || id != c.matchID {
			continue // another match's query, or not one: not ours to answer
		}
		c.onHandshake(kind, from, b)
	}
}

func (l *lanListener) close() {
	l.conn.Close()
	l.wg.Wait()
}
