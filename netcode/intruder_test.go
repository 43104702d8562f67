package netcode

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/netcode/internal/seal"
	"github.com/peerstep/peerstep/netcode/internal/wire"
	"github.com/peerstep/peerstep/netcode/sharecode"
)

// The tests here attack a match over loopback: garbage at a peer's port,
// bad messages from an authenticated peer, wrong secrets, replayed
// datagrams, join floods, and players claiming another's slot or inputs.
// Every flood is bounded in count and in time, and goes to 127.0.0.1 only.

// logSink is a slog.Handler that keeps every record's message and error.
type logSink struct {
	mu   sync.Mutex
	recs []logRec
}

type logRec struct {
	msg string
	err error
}

func (s *logSink) Enabled(context.Context, slog.Level) bool { return true }
func (s *logSink) WithAttrs([]slog.Attr) slog.Handler       { return s }
func (s *logSink) WithGroup(string) slog.Handler            { return s }

func (s *logSink) Handle(_ context.Context, r slog.Record) error {
	rec := logRec{msg: r.Message}
	r.Attrs(func(a slog.Attr) bool {
		if e, ok := a.Value.Any().(error); ok && a.Key == "err" {
			rec.err = e
		}
		return true
	})
	s.mu.Lock()
	s.recs = append(s.recs, rec)
	s.mu.Unlock()
	return nil
}

// errorsOf returns the errors logged with message msg.
func (s *logSink) errorsOf(msg string) []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []error
	for _, r := range s.recs {
		if r.msg == msg {
			out = append(out, r.err)
		}
	}
	return out
}

// recConn records every datagram written through it, as someone on the
// path would capture them.
type recConn struct {
	net.PacketConn
	mu   sync.Mutex
	sent [][]byte
}

func (r *recConn) WriteTo(b []byte, to net.Addr) (int, error) {
	r.mu.Lock()
	if len(r.sent) < 100000 {
		r.sent = append(r.sent, append([]byte(nil), b...))
	}
	r.mu.Unlock()
	return r.PacketConn.WriteTo(b, to)
}

func (r *recConn) captured() [][]byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([][]byte(nil), r.sent...)
}

// openSession is Host (code == "") or Join, with the session's socket
// wrapped before anything is sent on it.
func openSession(ctx context.Context, code string, cfg *Config, wrap func(net.PacketConn) net.PacketConn) (*Session[testInput], error) {
	c, err := newCore(cfg, code == "")
	if err != nil {
		return nil, err
	}
	if wrap != nil {
		c.ep.conn = wrap(c.ep.conn)
	}
	if code == "" {
		err = c.startHost()
	} else {
		var sc sharecode.Code
		if sc, err = sharecode.Parse(code); err == nil {
			err = c.join(ctx, sc)
		}
	}
	if err != nil {
		c.close()
		return nil, err
	}
	return &Session[testInput]{c: c}, nil
}

type lobbyOpts struct {
	config func(i int, c *Config)                       // adjusts player i's config
	wrap   func(i int, c net.PacketConn) net.PacketConn // wraps player i's socket
}

// openMatch is lobby with options: a host and n-1 joiners, started.
func openMatch(t *testing.T, n int, o lobbyOpts) []*Session[testInput] {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var peers []*Session[testInput]
	t.Cleanup(func() {
		for _, p := range peers {
			p.Close()
		}
	})
	code := ""
	for i := range n {
		cfg := localConfig(fmt.Sprintf("p%d", i), nil)
		cfg.MaxPlayers = n
		if o.config != nil {
			o.config(i, cfg)
		}
		var wrap func(net.PacketConn) net.PacketConn
		if o.wrap != nil {
			wrap = func(c net.PacketConn) net.PacketConn { return o.wrap(i, c) }
		}
		s, err := openSession(ctx, code, cfg, wrap)
		if err != nil {
			t.Fatalf("player %d: %v", i, err)
		}
		peers = append(peers, s)
		code = peers[0].Code()
	}
	if err := peers[0].Start(ctx); err != nil {
		t.Fatalf("start: %v", err)
	}
	for i, p := range peers[1:] {
		if err := p.WaitStart(ctx); err != nil {
			t.Fatalf("player %d: wait start: %v", i+1, err)
		}
	}
	return peers
}

func listenLocal(t *testing.T) *net.UDPConn {
	t.Helper()
	c, err := net.ListenUDP("udp", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func udpAddr(ap netip.AddrPort) *net.UDPAddr { return net.UDPAddrFromAddrPort(ap) }

// handshake seals m for the match of key and id.
// It panics on error, which only a bug in the test can cause.
func handshake(key [seal.KeySize]byte, id uint32, m wire.Message) []byte {
	b, err := wire.Encode(m)
	if err != nil {
		panic(err)
	}
	d, err := seal.SealHandshake(nil, key, id, nil, b)
	if err != nil {
		panic(err)
	}
	return d
}

func randomKey(rng *rand.Rand) []byte {
	k := make([]byte, 32)
	for i := range k {
		k[i] = byte(rng.Uint32())
	}
	return k
}

// memberCounts is what a host holds for joiners: lobby members, links by
// key, links by ID.
func memberCounts(c *core) (players, links, epLinks int) {
	c.mu.Lock()
	players, links = len(c.players), len(c.links)
	c.mu.Unlock()
	c.ep.mu.RLock()
	epLinks = len(c.ep.links)
	c.ep.mu.RUnlock()
	return
}

// TestGarbageFloodNeverDecoded floods the host's port during a match with
// thousands of datagrams a second of every shape (random bytes, empty,
// oversize, link datagrams naming a live link, handshakes for this match
// and for another): the match goes on with equal checksums, every datagram
// is counted as dropped, none reaches a decoder, the live link does not
// move, and answers to another match's handshakes stay rate-limited.
func TestGarbageFloodNeverDecoded(t *testing.T) {
	sinks := make([]*logSink, 3)
	peers := openMatch(t, 3, lobbyOpts{config: func(i int, c *Config) {
		sinks[i] = &logSink{}
		c.Logger = slog.New(sinks[i])
	}})
	host := peers[0].c
	target := udpAddr(host.ep.localAddr())
	live := host.match.peers[1]
	liveAddr := live.currentAddr()
	before := peers[0].Stats().DatagramsDropped
	kernelBefore, kernelKnown := kernelDrops(host.ep.localAddr())

	const maxSent, maxTime = 12000, 4 * time.Second
	var sent, rejects atomic.Int64
	var socks []*net.UDPConn
	for range 4 {
		s := listenLocal(t)
		socks = append(socks, s)
		go func() { // count the host's answers; ends when the socket closes
			buf := make([]byte, 2048)
			for {
				n, _, err := s.ReadFrom(buf)
				if err != nil {
					return
				}
				if kind, _, ok := seal.Peek(buf[:n]); ok && kind == seal.KindReject {
					rejects.Add(1)
				}
			}
		}()
	}
	floodDone := make(chan time.Duration)
	go func() {
		rng := rand.New(rand.NewPCG(3, 4))
		buf := make([]byte, 8008)
		for k := range buf {
			buf[k] = byte(rng.Uint32())
		}
		start := time.Now()
		for i := 0; i < maxSent && time.Since(start) < maxTime; i++ {
			var d []byte
			switch i % 7 {
			case 0: // random bytes
				d = buf[:rng.IntN(1500)]
			case 1: // empty
				d = buf[:0]
			case 2: // a link datagram for the live link, forged
				d = buf[:seal.LinkOverhead+rng.IntN(1200)]
				d[0] = seal.KindLink
				binary.BigEndian.PutUint32(d[1:], live.recvID)
			case 3: // a link datagram for no link
				d = buf[:seal.LinkOverhead+rng.IntN(1200)]
				d[0] = seal.KindLink
			case 4: // a handshake for this match, forged
				d = buf[:seal.HandshakeOverhead+rng.IntN(400)]
				d[0] = seal.KindHandshake
				binary.BigEndian.PutUint32(d[1:], host.matchID)
			case 5: // a handshake for another match
				d = buf[:seal.HandshakeOverhead+rng.IntN(400)]
				d[0] = seal.KindHandshake
				if binary.BigEndian.Uint32(d[1:]) == host.matchID {
					d[1]++
				}
			case 6: // oversize, for the live link
				d = buf[:maxDatagram+1+rng.IntN(8000-maxDatagram-1)]
				d[0] = seal.KindLink
				binary.BigEndian.PutUint32(d[1:], live.recvID)
			}
			for k := seal.HandshakeHeaderSize; k < len(d); k += 8 {
				binary.LittleEndian.PutUint64(buf[k:], rng.Uint64()) // fresh bytes after any header
			}
			if i%7 == 0 {
				for k := range min(len(d), seal.HandshakeHeaderSize) {
					d[k] = byte(rng.Uint32())
				}
			}
			if _, err := socks[i%len(socks)].WriteTo(d, target); err == nil {
				sent.Add(1)
			}
			if i%10 == 9 {
				time.Sleep(2 * time.Millisecond) // at most 5000 a second
			}
		}
		floodDone <- time.Since(start)
	}()
	res := play(t, peers, 360, nil)
	took := <-floodDone
	checkEqual(t, res, nil)
	time.Sleep(200 * time.Millisecond) // let the last datagrams land
	n := sent.Load()
	dropped := peers[0].Stats().DatagramsDropped - before
	kernelAfter, _ := kernelDrops(host.ep.localAddr())
	kernel := kernelAfter - kernelBefore
	t.Logf("sent %d datagrams in %v (%.0f/s); the host dropped and counted %d, its kernel dropped %d (buffer full, known: %v); %d rejects came back",
		n, took.Round(time.Millisecond), float64(n)/took.Seconds(), dropped, kernel, kernelKnown, rejects.Load())
	if n < 3000 {
		t.Fatalf("only %d datagrams sent", n)
	}
	// Every datagram the host read was dropped and counted; the kernel
	// drops some when the socket buffer is full, which Linux counts too.
	switch {
	case kernelKnown && dropped+kernel < uint64(n):
		t.Errorf("the host dropped %d datagrams and its kernel %d, of %d sent", dropped, kernel, n)
	case dropped < uint64(n)/2 || dropped > uint64(n):
		t.Errorf("the host dropped %d datagrams of %d sent", dropped, n)
	}
	for i, s := range sinks {
		for _, msg := range []string{"bad message from peer", "bad engine message", "engine refused message"} {
			if errs := s.errorsOf(msg); len(errs) > 0 {
				t.Errorf("player %d decoded garbage: %q %v", i, msg, errs[0])
			}
		}
	}
	if got := live.currentAddr(); got != liveAddr {
		t.Errorf("forged datagrams moved the host's link from %v to %v", liveAddr, got)
	}
	// Each flooding socket is a source: one reject per rejectPerSource.
	if max := int64(len(socks)) * (int64(took/rejectPerSource) + 2); rejects.Load() > max || rejects.Load() == 0 {
		t.Errorf("the host answered %d handshakes for another match from %d sockets in %v, want 1 to %d", rejects.Load(), len(socks), took, max)
	}
}

// kernelDrops returns how many datagrams the kernel dropped for the
// loopback UDP socket bound to ap because its buffer was full, from Linux's
// /proc/net/udp; ok is false elsewhere.
func kernelDrops(ap netip.AddrPort) (drops uint64, ok bool) {
	b, err := os.ReadFile("/proc/net/udp")
	if err != nil || !ap.Addr().Is4() {
		return 0, false
	}
	ip := ap.Addr().As4()
	local := fmt.Sprintf("%08X:%04X", binary.LittleEndian.Uint32(ip[:]), ap.Port())
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) >= 13 && f[1] == local {
			d, err := strconv.ParseUint(f[len(f)-1], 10, 64)
			return d, err == nil
		}
	}
	return 0, false
}

// streamFrame prefixes a message with its stream length, as link.write does.
func streamFrame(payload []byte) []byte {
	b := make([]byte, 2+len(payload))
	binary.BigEndian.PutUint16(b, uint16(len(payload)))
	copy(b[2:], payload)
	return b
}

// TestAuthenticatedBadMessages: a player with a working link sends
// malformed, truncated, oversize, wrong-version and unknown messages, at
// the wire level and inside engine batches. Each is an error the receiver
// logs, never a panic, and the match goes on with equal checksums.
func TestAuthenticatedBadMessages(t *testing.T) {
	sinks := make([]*logSink, 3)
	peers := openMatch(t, 3, lobbyOpts{config: func(i int, c *Config) {
		sinks[i] = &logSink{}
		c.Logger = slog.New(sinks[i])
	}})
	good, err := wire.Encode(&wire.Engine{Msgs: [][]byte{{0x91, 0x06}}})
	if err != nil {
		t.Fatal(err)
	}
	bigBatch := &wire.Engine{}
	for range wire.MaxBatch + 1 {
		bigBatch.Msgs = append(bigBatch.Msgs, []byte{0x91, 0x06})
	}
	bigBatchEnc, err := wire.Encode(bigBatch)
	if err != nil {
		t.Fatal(err)
	}
	largest := make([]byte, 65535) // the largest a stream frame can carry
	largest[0], largest[1] = 0xc6, 0xff
	wireBad := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, wire.ErrMalformed},
		{"not msgpack", bytes.Repeat([]byte{0xc1}, 40), wire.ErrMalformed},
		{"truncated", good[:len(good)-2], wire.ErrMalformed},
		{"trailing", append(append([]byte{}, good...), 0), wire.ErrMalformed},
		{"wrong version", []byte{0x93, wire.Version + 1, 0x09, 0x91, 0x90}, wire.ErrVersion},
		{"unknown type", []byte{0x93, wire.Version, 0x63, 0x90}, wire.ErrType},
		{"batch too large", bigBatchEnc, wire.ErrMalformed},
		{"bin claiming 4 GB", largest, wire.ErrMalformed},
	}
	in := func(p lockstep.PlayerID, start lockstep.Frame, inputs ...[]byte) []byte {
		b, err := lockstep.EncodeMessage(&lockstep.InputMsg{Player: p, Start: start, Inputs: inputs})
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	enc := func(m lockstep.Message) []byte {
		b, err := lockstep.EncodeMessage(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var many [][]byte
	for range lockstep.MaxInputsPerMessage + 1 {
		many = append(many, []byte{1})
	}
	okInput := in(1, 5, []byte{1})
	engineBad := [][]byte{
		{},
		{0xc1, 0xc1},
		{0x91, 0x63},       // unknown kind
		{0x92, 0x06, 0x00}, // leave with a field too many
		okInput[:len(okInput)-1],
		append(append([]byte{}, okInput...), 0),
		in(1, 5, bytes.Repeat([]byte{1}, lockstep.MaxInputSize+1)),
		in(1, 5, many...),
		enc(&lockstep.InputMsg{Player: 1, Start: -16, Inputs: [][]byte{{1}}}),
		enc(&lockstep.InputMsg{Player: lockstep.MaxPlayers, Start: 5, Inputs: [][]byte{{1}}}),
		// A drop report whose inputs do not end at its last frame.
		enc(&lockstep.DropReportMsg{Entries: []lockstep.DropEntry{{Player: 2, Last: 16, Inputs: [][]byte{{1}, {2}}}}}),
	}

	var once sync.Once
	res := play(t, peers, 300, func(i int, f lockstep.Frame) bool {
		if i != 1 || f < 60 {
			return false
		}
		once.Do(func() {
			l := peers[1].c.match.peers[0] // player 1's authenticated link to the host
			for _, m := range wireBad {
				l.kmu.Lock()
				l.sendFrameLocked(streamFrame(m.b))
			}
			for _, m := range engineBad {
				l.write(&wire.Engine{Msgs: [][]byte{m}})
			}
		})
		return false
	})
	checkEqual(t, res, nil)

	got := sinks[0].errorsOf("bad message from peer")
	if len(got) != len(wireBad) {
		t.Fatalf("the host logged %d bad messages, want %d: %v", len(got), len(wireBad), got)
	}
	for i, m := range wireBad {
		if !errors.Is(got[i], m.want) {
			t.Errorf("%s: %v, want %v", m.name, got[i], m.want)
		}
	}
	got = sinks[0].errorsOf("bad engine message")
	if len(got) != len(engineBad) {
		t.Fatalf("the host logged %d bad engine messages, want %d: %v", len(got), len(engineBad), got)
	}
	for i, err := range got {
		if !errors.Is(err, lockstep.ErrBadMessage) {
			t.Errorf("engine message %d: %v, want lockstep.ErrBadMessage", i, err)
		}
	}
}

// TestWrongSecretGetsNothing: a joiner with a wrong secret is refused with
// ErrCodeRejected; handshakes for this match sealed without the secret and
// link datagrams from a stranger get no answer at all; the host's lobby
// holds nothing for any of them.
func TestWrongSecretGetsNothing(t *testing.T) {
	ctx := context.Background()
	sink := &logSink{}
	cfg := localConfig("host", nil)
	cfg.Logger = slog.New(sink)
	host, err := Host[testInput](ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	code, err := sharecode.Parse(host.Code())
	if err != nil {
		t.Fatal(err)
	}
	wrong := code
	wrong.Secret[3] ^= 0x40
	jcfg := localConfig("mallory", nil)
	jcfg.JoinTimeout = 2 * time.Second
	if s, err := Join[testInput](ctx, wrong.String(), jcfg); !errors.Is(err, ErrCodeRejected) {
		if s != nil {
			s.Close()
		}
		t.Fatalf("join with a wrong secret: %v, want ErrCodeRejected", err)
	}

	// The match ID is on the wire in every handshake: an eavesdropper
	// knows it, but without the secret it cannot seal a handshake.
	before := host.Stats().DatagramsDropped
	wrongKey, _ := seal.DeriveLobby(wrong.Secret[:])
	sock := listenLocal(t)
	to := udpAddr(host.c.ep.localAddr())
	rng := rand.New(rand.NewPCG(5, 6))
	const tries = 200
	for i := range tries {
		var d []byte
		switch i % 3 {
		case 0:
			d = handshake(wrongKey, host.c.matchID, &wire.Hello{Pub: randomKey(rng)})
		case 1:
			d = handshake(wrongKey, host.c.matchID, &wire.Join{Pub: randomKey(rng), Cookie: make([]byte, seal.CookieSize), Name: "mallory"})
		case 2:
			d = make([]byte, 100)
			d[0] = seal.KindLink
			binary.BigEndian.PutUint32(d[1:], rng.Uint32())
			d[12] = 1
		}
		if _, err := sock.WriteTo(d, to); err != nil {
			t.Fatal(err)
		}
	}
	sock.SetReadDeadline(time.Now().Add(500 * time.Millisecond))
	if n, _, err := sock.ReadFrom(make([]byte, 2048)); err == nil {
		t.Fatalf("the host answered a stranger with %d bytes", n)
	}
	if got := host.Stats().DatagramsDropped - before; got < tries {
		t.Errorf("the host dropped %d of %d forged datagrams", got, tries)
	}
	if p, l, el := memberCounts(host.c); p != 1 || l != 0 || el != 0 {
		t.Errorf("the host holds %d players, %d links (%d by ID) after the intruders, want 1, 0, 0", p, l, el)
	}
	for _, e := range host.Events() {
		t.Errorf("the host saw %v", e)
	}
	if errs := sink.errorsOf("player joined"); len(errs) > 0 {
		t.Errorf("the host logged %d joins", len(errs))
	}
}

// TestReplayedDatagramsRejected captures a joiner's datagrams on the wire
// during a match and sends them again, from the joiner's own address and
// from a stranger's: the replay window refuses every sealed link datagram
// (and counts it), the captured Join handshake does not open a slot, the
// link does not move and the match goes on with equal checksums.
func TestReplayedDatagramsRejected(t *testing.T) {
	var rec *recConn
	peers := openMatch(t, 3, lobbyOpts{wrap: func(i int, c net.PacketConn) net.PacketConn {
		if i != 1 {
			return c
		}
		rec = &recConn{PacketConn: c}
		return rec
	}})
	host := peers[0].c
	hostLink := host.match.peers[1]
	joinerAddr := hostLink.currentAddr()
	to := udpAddr(host.ep.localAddr())
	stranger := listenLocal(t)

	var replayed, sentBack int
	var joins [][]byte
	var once sync.Once
	attacked := make(chan struct{})
	res := play(t, peers, 300, func(i int, f lockstep.Frame) bool {
		if i != 0 || f < 240 {
			return false
		}
		once.Do(func() {
			defer close(attacked)
			var links [][]byte
			for _, d := range rec.captured() {
				kind, id, ok := seal.Peek(d)
				switch {
				case ok && kind == seal.KindLink && id == hostLink.recvID:
					links = append(links, d)
				case ok && kind == seal.KindHandshake:
					joins = append(joins, d)
				}
			}
			// The oldest (outside the window by now) and the newest
			// (inside it), from the joiner's socket and from a stranger's.
			pick := links
			if len(pick) > 600 {
				pick = append(append([][]byte{}, links[:200]...), links[len(links)-400:]...)
			}
			for k, d := range pick {
				if k%20 == 19 {
					time.Sleep(5 * time.Millisecond) // no more than the host's socket buffer holds
				}
				from := net.PacketConn(stranger)
				if k%2 == 0 {
					from = rec.PacketConn
				}
				if _, err := from.WriteTo(d, to); err == nil {
					replayed++
				}
			}
			for _, d := range joins {
				if _, err := stranger.WriteTo(d, to); err == nil {
					sentBack++
				}
			}
		})
		return false
	})
	once.Do(func() { close(attacked) }) // if the host never got there
	<-attacked
	checkEqual(t, res, nil)
	time.Sleep(100 * time.Millisecond)
	got := host.ep.droppedReplay.Load()
	t.Logf("replayed %d link datagrams and %d handshakes; the host refused %d as replays", replayed, sentBack, got)
	if replayed < 300 || len(joins) == 0 {
		t.Fatalf("captured too little: %d link datagrams replayed, %d handshakes", replayed, len(joins))
	}
	// A datagram lost on the way the first time would be new to the host
	// when replayed; on loopback that is rare.
	if got < uint64(replayed)*98/100 {
		t.Errorf("the host refused %d of %d replayed datagrams as replays", got, replayed)
	}
	if a := hostLink.currentAddr(); a != joinerAddr {
		t.Errorf("replays moved the host's link from %v to %v", joinerAddr, a)
	}
	if p, l, el := memberCounts(host); p != 3 || l != 2 || el != 2 {
		t.Errorf("after the replayed handshakes the host holds %d players, %d links (%d by ID), want 3, 2, 2", p, l, el)
	}
}

// TestJoinFlood sends thousands of join attempts from many sockets, sealed
// with the right lobby key: Hellos with fresh keys, Joins with made-up
// cookies and with cookies made for another address. The host answers a
// Hello with a cookie no larger than the Hello and keeps nothing for any of
// them; a real player joins during the flood and the match starts.
func TestJoinFlood(t *testing.T) {
	ctx := context.Background()
	host := localHost(t, 4)
	j1, err := Join[testInput](ctx, host.Code(), localConfig("ada", nil))
	if err != nil {
		t.Fatal(err)
	}
	defer j1.Close()
	c := host.c
	to := udpAddr(c.ep.localAddr())

	const socks, maxSent, maxTime = 32, 6000, 6 * time.Second
	var sent, cookies, oversize atomic.Int64
	var conns []*net.UDPConn
	var readers sync.WaitGroup
	for range socks {
		s := listenLocal(t)
		conns = append(conns, s)
		readers.Add(1)
		go func() {
			defer readers.Done()
			buf := make([]byte, 2048)
			for {
				n, _, err := s.ReadFrom(buf)
				if err != nil {
					return
				}
				plain, err := seal.OpenHandshake(nil, c.lobbyKey, c.matchID, buf[:n])
				if err != nil {
					continue
				}
				if m, err := wire.Decode(plain); err == nil {
					if _, ok := m.(*wire.Cookie); ok {
						cookies.Add(1)
					}
				}
				if n > helloSize {
					oversize.Add(1)
				}
			}
		}()
	}
	// A cookie made for the first socket's address, to be sent from others.
	rng := rand.New(rand.NewPCG(7, 8))
	stolenPub := randomKey(rng)
	stolen := c.cookies.Make(conns[0].LocalAddr().(*net.UDPAddr).AddrPort(), stolenPub, time.Now())

	floodDone := make(chan time.Duration)
	go func() {
		start := time.Now()
		for i := 0; i < maxSent && time.Since(start) < maxTime; i++ {
			var m wire.Message
			switch i % 3 {
			case 0:
				m = &wire.Hello{Pub: randomKey(rng)}
			case 1:
				m = &wire.Join{Pub: randomKey(rng), Cookie: randomKey(rng)[:seal.CookieSize], Name: "flood"}
			case 2:
				m = &wire.Join{Pub: stolenPub, Cookie: stolen, Name: "flood"}
			}
			s := conns[i%socks]
			if i%3 == 2 && s == conns[0] {
				s = conns[1]
			}
			if _, err := s.WriteTo(handshake(c.lobbyKey, c.matchID, m), to); err == nil {
				sent.Add(1)
			}
			if i%50 == 49 {
				time.Sleep(10 * time.Millisecond)
			}
		}
		floodDone <- time.Since(start)
	}()

	// A real player joins in the middle of the flood.
	time.Sleep(300 * time.Millisecond)
	jcfg := localConfig("bob", nil)
	jcfg.JoinTimeout = 5 * time.Second
	j2, err := Join[testInput](ctx, host.Code(), jcfg)
	if err != nil {
		t.Fatalf("a real player could not join during the flood: %v", err)
	}
	defer j2.Close()
	p, l, el := memberCounts(c)
	took := <-floodDone
	time.Sleep(200 * time.Millisecond)
	for _, s := range conns {
		s.Close()
	}
	readers.Wait()
	p2, l2, el2 := memberCounts(c)
	t.Logf("%d join attempts in %v (%.0f/s), %d cookies back; the host holds %d players, %d links",
		sent.Load(), took.Round(time.Millisecond), float64(sent.Load())/took.Seconds(), cookies.Load(), p2, l2)
	if sent.Load() < 3000 {
		t.Fatalf("only %d join attempts sent", sent.Load())
	}
	if p != 3 || l != 2 || el != 2 || p2 != 3 || l2 != 2 || el2 != 2 {
		t.Fatalf("the host holds %d players, %d links (%d by ID) during the flood and %d, %d (%d) after; want 3, 2 (2): the real players only",
			p, l, el, p2, l2, el2)
	}
	if cookies.Load() == 0 || cookies.Load() > sent.Load()/3+1 {
		t.Errorf("%d cookies for %d Hellos", cookies.Load(), sent.Load()/3)
	}
	if oversize.Load() > 0 {
		t.Errorf("%d answers larger than a Hello (%d bytes): the host amplifies", oversize.Load(), helloSize)
	}
	names := []string{}
	for _, pl := range host.Lobby().Players {
		names = append(names, pl.Name)
	}
	if fmt.Sprint(names) != "[host ada bob]" {
		t.Fatalf("lobby after the flood: %v", names)
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := host.Start(sctx); err != nil {
		t.Fatalf("start after the flood: %v", err)
	}
	peers := []*Session[testInput]{host, j1, j2}
	for _, p := range peers[1:] {
		if err := p.WaitStart(sctx); err != nil {
			t.Fatal(err)
		}
	}
	checkEqual(t, play(t, peers, 120, nil), nil)
}

// helloSize is the size of a sealed Hello.
var helloSize = func() int {
	b, _ := wire.Encode(&wire.Hello{Pub: make([]byte, 32)})
	return len(b) + seal.HandshakeOverhead
}()

// TestNoClaimingAnotherSlot: an outsider holding the code asks the host for
// a lobby member's slot with that member's public key and then talks on its
// link; a joiner sends another joiner a forged lobby and a forged start
// that swap their slots. Nothing changes: the slots stay, the link stays
// where it was, and the match starts as the host says.
func TestNoClaimingAnotherSlot(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	host := localHost(t, 3)
	ada, err := Join[testInput](ctx, host.Code(), localConfig("ada", nil))
	if err != nil {
		t.Fatal(err)
	}
	defer ada.Close()
	bob, err := Join[testInput](ctx, host.Code(), localConfig("bob", nil))
	if err != nil {
		t.Fatal(err)
	}
	defer bob.Close()
	for !host.Lobby().Ready || !ada.Lobby().Ready {
		if ctx.Err() != nil {
			t.Fatal("the lobby never got ready")
		}
		time.Sleep(20 * time.Millisecond)
	}
	hc := host.c
	adaPub, hostPub, bobPub := ada.c.pub, hc.pub, bob.c.pub
	hc.mu.Lock()
	adaLink := hc.links[string(adaPub)]
	hc.mu.Unlock()
	adaAddr := adaLink.currentAddr()

	// 1. Mallory has the code and ada's public key (the lobby shows it).
	mallory := listenLocal(t)
	to := udpAddr(hc.ep.localAddr())
	key, id := seal.DeriveLobby(hc.code.Secret[:])
	ask := func(m wire.Message) wire.Message {
		t.Helper()
		if _, err := mallory.WriteTo(handshake(key, id, m), to); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 2048)
		mallory.SetReadDeadline(time.Now().Add(time.Second))
		n, _, err := mallory.ReadFrom(buf)
		if err != nil {
			return nil
		}
		plain, err := seal.OpenHandshake(nil, key, id, buf[:n])
		if err != nil {
			t.Fatalf("host answer: %v", err)
		}
		m, err = wire.Decode(plain)
		if err != nil {
			t.Fatalf("host answer: %v", err)
		}
		return m
	}
	cookie, ok := ask(&wire.Hello{Pub: adaPub}).(*wire.Cookie)
	if !ok {
		t.Fatal("no cookie for a Hello")
	}
	answer := ask(&wire.Join{Pub: adaPub, Cookie: cookie.Cookie, Name: "mallory"})
	t.Logf("the host answered mallory's join as ada with %#v", answer)
	// Without ada's private key mallory cannot derive ada's link keys:
	// what it seals with its own key in ada's name does not open.
	priv, err := seal.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	hostKey, err := ecdh.X25519().NewPublicKey(hostPub)
	if err != nil {
		t.Fatal(err)
	}
	shared, err := priv.ECDH(hostKey)
	if err != nil {
		t.Fatal(err)
	}
	send, _, err := seal.DeriveLinkKeys(hc.code.Secret[:], shared, adaPub, hostPub)
	if err != nil {
		t.Fatal(err)
	}
	sealer, err := seal.NewLinkSealer(send, seal.LinkID(adaPub, hostPub))
	if err != nil {
		t.Fatal(err)
	}
	before := host.Stats().DatagramsDropped
	const forged = 50
	for i := range forged {
		d, err := sealer.Seal(nil, []byte{subProbe, byte(i)})
		if err != nil {
			t.Fatal(err)
		}
		mallory.WriteTo(d, to)
	}
	time.Sleep(200 * time.Millisecond)
	if got := host.Stats().DatagramsDropped - before; got < forged {
		t.Errorf("the host dropped %d of %d datagrams sealed in ada's name", got, forged)
	}
	if a := adaLink.currentAddr(); a != adaAddr {
		t.Fatalf("mallory moved ada's link from %v to %v", adaAddr, a)
	}

	// 2. Bob tells ada that he holds slot 1 and the match started so.
	bob.c.mu.Lock()
	bobToAda := bob.c.links[string(adaPub)]
	bob.c.mu.Unlock()
	info := func(slot uint8, name string, pub []byte) wire.PlayerInfo {
		return wire.PlayerInfo{Slot: slot, Name: name, Pub: pub, Links: 0b111}
	}
	bobToAda.write(&wire.Lobby{Version: 1 << 20, MaxPlayers: 3, Players: []wire.PlayerInfo{
		info(0, "host", hostPub), info(1, "bob", bobPub), info(2, "ada", adaPub),
	}})
	bobToAda.write(&wire.Start{Seed: 666, Pubs: [][]byte{hostPub, bobPub, adaPub}, Names: []string{"host", "bob", "ada"}, TickHz: 60, ChecksumInterval: 30})
	time.Sleep(300 * time.Millisecond)
	if ada.Started() {
		t.Fatal("ada started a match on bob's word")
	}

	// 3. Only the host's word counts.
	for i, s := range []*Session[testInput]{host, ada, bob} {
		var names []string
		for _, p := range s.Lobby().Players {
			names = append(names, p.Name)
		}
		if fmt.Sprint(names) != "[host ada bob]" {
			t.Fatalf("session %d sees the lobby as %v", i, names)
		}
	}
	if err := host.Start(ctx); err != nil {
		t.Fatal(err)
	}
	peers := []*Session[testInput]{host, ada, bob}
	for i, p := range peers {
		if err := p.WaitStart(ctx); err != nil {
			t.Fatal(err)
		}
		info, _ := p.Match()
		if fmt.Sprint(info.Players) != "[host ada bob]" || int(info.Local) != i || info.Seed == 666 {
			t.Fatalf("session %d: %+v", i, info)
		}
	}
	checkEqual(t, play(t, peers, 120, nil), nil)
}

// TestNoInputsInAnotherName: a player sends the others inputs in a third
// player's name, over its own authenticated link. The engine refuses them:
// no frame anywhere holds the forged input, and checksums agree.
func TestNoInputsInAnotherName(t *testing.T) {
	sinks := make([]*logSink, 3)
	peers := openMatch(t, 3, lobbyOpts{config: func(i int, c *Config) {
		sinks[i] = &logSink{}
		c.Logger = slog.New(sinks[i])
	}})
	forged := testInput{Buttons: 0xee, Aim: -32000} // the game loop never makes this
	enc, err := lockstep.EncodeInput(forged)
	if err != nil {
		t.Fatal(err)
	}
	var once sync.Once
	var mu sync.Mutex
	var seen []string
	var sentAt lockstep.Frame
	res := playHooked(t, peers, 300, playHooks{onTick: func(i int, f lockstep.Frame) {
		if i != 1 || f < 60 {
			return
		}
		once.Do(func() {
			sentAt = f
			m := &peers[1].c.match
			// To the host in player 2's name, to player 2 in the host's.
			for _, x := range [][2]int{{0, 2}, {2, 0}} {
				ins := make([][]byte, 120)
				for k := range ins {
					ins[k] = enc
				}
				for _, start := range []lockstep.Frame{f - 30, f + 2, f + 20} {
					b, err := lockstep.EncodeMessage(&lockstep.InputMsg{Player: lockstep.PlayerID(x[1]), Start: start, Inputs: ins})
					if err != nil {
						panic(err)
					}
					m.peers[x[0]].write(&wire.Engine{Msgs: [][]byte{b}})
				}
			}
		})
	}, onFrame: func(i int, f Frame[testInput]) {
		for p, in := range f.Inputs {
			if in == forged {
				mu.Lock()
				seen = append(seen, fmt.Sprintf("player %d frame %d: player %d's input is the forged one", i, f.Number, p))
				mu.Unlock()
			}
		}
	}})
	checkEqual(t, res, nil)
	if len(seen) > 0 {
		t.Fatalf("forged inputs were simulated: %v", seen)
	}
	for _, i := range []int{0, 2} {
		errs := sinks[i].errorsOf("engine refused message")
		refused := 0
		for _, err := range errs {
			if errors.Is(err, lockstep.ErrBadMessage) {
				refused++
			}
		}
		if refused < 3 {
			t.Errorf("player %d refused %d forged input messages, want 3: %v", i, refused, errs)
		}
	}
	t.Logf("forged inputs sent at frame %d for frames %d..%d; refused by both receivers", sentAt, sentAt-30, sentAt+139)
}
