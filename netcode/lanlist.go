package netcode

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// The LAN game list: a host that opts in (Reach.LANList) answers an
// unsealed browse query on its LAN listener with its name, how many
// players its lobby holds of how many, and its share code, so that a
// joiner can list the games on the local network and join one without
// typing a code. A listed game gives its code, and so its secret, to
// whoever on the network asks: it is for a LAN party, not for a lobby of
// friends on a shared network. Only queries from private, loopback and
// link-local addresses get an answer, only while the lobby is open, and
// never a longer one than the query (which the browser pads), so that the
// listener amplifies nothing.
//
// The datagrams, every integer big-endian:
//
//	query:  "PSB?", version 1, nonce (8 bytes), padding to lanQuerySize
//	answer: "PSB!", version 1, the query's nonce, players u8, max u8,
//	        name length u8, name, code length u8, code

// LANGame is a game a host lists on the local network.
type LANGame struct {
	// Name is the host's player name.
	Name string
	// Players is how many players the lobby holds, of MaxPlayers.
	Players, MaxPlayers int
	// Code is the match's share code: Join takes it.
	Code string
	// Addr is where the host answered from.
	Addr netip.AddrPort
}

const (
	lanQueryMagic  = "PSB?"
	lanAnswerMagic = "PSB!"
	lanListVersion = 1
	// lanQuerySize is a browse query's size with its padding: more than
	// any answer (a name of 32 bytes and a direct code of a few hundred
	// symbols fit), so that answering amplifies nothing.
	lanQuerySize = 512
	// maxLANString bounds an answer's name and code.
	maxLANString = 255
	// browseWait is how long BrowseLAN listens when its context has no
	// deadline; browseResend how often it asks again meanwhile.
	browseWait   = time.Second
	browseResend = 250 * time.Millisecond
)

// errNotLANList: a datagram that is not one of the list's.
var errNotLANList = errors.New("netcode: not a LAN list datagram")

// isLANQuery reports whether b is a browse query, and returns its nonce.
func isLANQuery(b []byte) (nonce uint64, ok bool) {
	if len(b) < len(lanQueryMagic)+1+8 || string(b[:4]) != lanQueryMagic || b[4] != lanListVersion {
		return 0, false
	}
	return binary.BigEndian.Uint64(b[5:13]), true
}

func encodeLANQuery(nonce uint64) []byte {
	b := make([]byte, lanQuerySize)
	copy(b, lanQueryMagic)
	b[4] = lanListVersion
	binary.BigEndian.PutUint64(b[5:13], nonce)
	return b
}

// lanAnswer is an answer's content.
type lanAnswer struct {
	nonce        uint64
	players, max int
	name, code   string
}

func (a lanAnswer) encode() ([]byte, error) {
	if len(a.name) > maxLANString || len(a.code) > maxLANString || a.players < 0 || a.players > 255 || a.max < 0 || a.max > 255 {
		return nil, fmt.Errorf("netcode: LAN answer out of range")
	}
	b := make([]byte, 0, 17+len(a.name)+len(a.code))
	b = append(b, lanAnswerMagic...)
	b = append(b, lanListVersion)
	b = binary.BigEndian.AppendUint64(b, a.nonce)
	b = append(b, uint8(a.players), uint8(a.max), uint8(len(a.name)))
	b = append(b, a.name...)
	b = append(b, uint8(len(a.code)))
	return append(b, a.code...), nil
}

// decodeLANAnswer reads an answer; anything else is an error wrapping
// errNotLANList. It never panics.
func decodeLANAnswer(b []byte) (lanAnswer, error) {
	var a lanAnswer
	if len(b) < 17 || string(b[:4]) != lanAnswerMagic || b[4] != lanListVersion {
		return a, errNotLANList
	}
	a.nonce = binary.BigEndian.Uint64(b[5:13])
	a.players, a.max = int(b[13]), int(b[14])
	rest := b[15:]
	str := func() (string, bool) {
		if len(rest) < 1 || len(rest) < 1+int(rest[0]) {
			return "", false
		}
		s := string(rest[1 : 1+int(rest[0])])
		rest = rest[1+int(rest[0]):]
		return s, true
	}
	var ok1, ok2 bool
	a.name, ok1 = str()
	a.code, ok2 = str()
	switch {
	case !ok1 || !ok2:
		return lanAnswer{}, fmt.Errorf("%w: truncated answer", errNotLANList)
	case len(rest) != 0:
		return lanAnswer{}, fmt.Errorf("%w: %d trailing bytes", errNotLANList, len(rest))
	case a.players > a.max || a.max == 0 || a.code == "":
		return lanAnswer{}, fmt.Errorf("%w: answer out of range", errNotLANList)
	}
	return a, nil
}

// lanAsker reports whether a browse query from addr gets an answer: from
// the local network or this machine only.
func lanAsker(addr netip.Addr) bool {
	addr = addr.Unmap()
	return addr.IsPrivate() || addr.IsLoopback() || addr.IsLinkLocalUnicast()
}

// answerLANQuery returns the answer to the browse query q from from, or
// nil when it gets none: a host not on the list, a lobby closed, an asker
// off the local network, a query shorter than the answer.
func (c *core) answerLANQuery(q []byte, from netip.AddrPort) []byte {
	nonce, ok := isLANQuery(q)
	if !ok || !c.cfg.Reach.LANList || !lanAsker(from.Addr()) {
		return nil
	}
	c.mu.Lock()
	a := lanAnswer{nonce: nonce, players: len(c.players), max: c.cfg.MaxPlayers, name: c.cfg.Name, code: c.code.String()}
	open := c.isHost && !c.started
	c.mu.Unlock()
	if len(a.code) > maxLANString {
		// A direct code of many addresses: the short one, which LAN
		// discovery (on, since this answers on the LAN) finds.
		a.code = c.code.Short().String()
	}
	b, err := a.encode()
	if !open || err != nil || len(b) > len(q) {
		return nil
	}
	return b
}

// BrowseLAN lists the games hosts on the local network list (hosts whose
// Reach.LANList is set), asking where cfg.Reach sends LAN queries (the
// multicast group and the broadcast address, or the test's listeners)
// from a socket of its own on cfg.ListenAddr. It listens until ctx ends,
// or for a second when ctx has no deadline, and returns the games by
// name, each once; none is an empty list, not an error. A Reach with LAN
// discovery off gives ErrLANOff; a nil cfg is the defaults.
func BrowseLAN(ctx context.Context, cfg *Config) ([]LANGame, error) {
	var c Config
	if cfg != nil {
		c = *cfg
	}
	r := c.Reach
	if r.NoLAN {
		return nil, ErrLANOff
	}
	if err := r.withDefaults(); err != nil {
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, browseWait)
		defer cancel()
	}
	listen := c.ListenAddr
	if listen == "" {
		listen = "0.0.0.0:0"
	}
	if ap, err := netip.ParseAddrPort(listen); err == nil {
		listen = netip.AddrPortFrom(ap.Addr(), 0).String() // a port of its own
	}
	lc := net.ListenConfig{Control: func(network, address string, rc syscall.RawConn) error {
		var serr error
		if err := rc.Control(func(fd uintptr) {
			serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_BROADCAST, 1)
		}); err != nil {
			return err
		}
		return serr
	}}
	pc, err := lc.ListenPacket(ctx, "udp4", listen)
	if err != nil {
		return nil, fmt.Errorf("netcode: browsing the LAN: %w", err)
	}
	conn := pc.(*net.UDPConn)
	defer conn.Close()
	var nb [8]byte
	if _, err := rand.Read(nb[:]); err != nil {
		return nil, err
	}
	nonce := binary.BigEndian.Uint64(nb[:])
	query := encodeLANQuery(nonce)
	var targets []netip.AddrPort
	for _, q := range r.LANQueries {
		targets = append(targets, netip.MustParseAddrPort(q)) // checked by withDefaults
	}
	ask := func() {
		for _, t := range targets {
			_, _ = conn.WriteToUDPAddrPort(query, t) // a network without broadcast: the others may still answer
		}
	}
	ask()
	stop := context.AfterFunc(ctx, func() { conn.SetReadDeadline(time.Now()) })
	defer stop()
	var games []LANGame
	buf := make([]byte, maxDatagram)
	next := time.Now().Add(browseResend)
	for ctx.Err() == nil {
		conn.SetReadDeadline(next)
		n, from, err := conn.ReadFromUDPAddrPort(buf)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				ask()
				next = time.Now().Add(browseResend)
				continue
			}
			return nil, fmt.Errorf("netcode: browsing the LAN: %w", err)
		}
		a, err := decodeLANAnswer(buf[:n])
		if err != nil || a.nonce != nonce {
			continue
		}
		if slices.ContainsFunc(games, func(g LANGame) bool { return g.Code == a.code }) {
			continue
		}
		from = netip.AddrPortFrom(from.Addr().Unmap(), from.Port())
		games = append(games, LANGame{Name: a.name, Players: a.players, MaxPlayers: a.max, Code: a.code, Addr: from})
	}
	slices.SortFunc(games, func(a, b LANGame) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Addr.String(), b.Addr.String())
	})
	if games == nil {
		games = []LANGame{}
	}
	return games, nil
}
