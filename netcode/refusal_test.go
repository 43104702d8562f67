package netcode

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/peerstep/peerstep/netcode/internal/seal"
	"github.com/peerstep/peerstep/netcode/sharecode"
)

// TestWrongCodeStorm: while real players join a lobby, 200 people with a
// wrong code and 50 with the right code for the full lobby all try at
// once. Each gets its own clear answer (ErrCodeRejected, ErrLobbyFull), none
// waits out JoinTimeout as "host unreachable", and the real match starts and
// plays.
func TestWrongCodeStorm(t *testing.T) { testWrongCodeStorm(t, transport{}) }

func testWrongCodeStorm(t *testing.T, tr transport) {
	ctx := context.Background()
	host := tr.host(t, 3)
	code, err := sharecode.Parse(host.Code())
	if err != nil {
		t.Fatal(err)
	}
	wrong := code
	wrong.Secret[0] ^= 1

	const wrongJoiners, lateJoiners = 200, 50
	type result struct {
		err  error
		took time.Duration
	}
	attempt := func(code string, name string) result {
		cfg := tr.config(t, name, 1, 0)
		cfg.JoinTimeout = 10 * time.Second
		start := time.Now()
		s, err := Join[testInput](ctx, code, cfg)
		if s != nil {
			s.Close()
		}
		return result{err, time.Since(start)}
	}
	wrongRes := make([]result, wrongJoiners)
	var storm sync.WaitGroup
	for i := range wrongJoiners {
		storm.Add(1)
		go func() {
			defer storm.Done()
			wrongRes[i] = attempt(wrong.String(), fmt.Sprintf("typo%d", i))
		}()
	}
	// The real players join in the middle of it.
	var players []*Session[testInput]
	for _, name := range []string{"ada", "bob"} {
		jcfg := tr.config(t, name, 1, 0)
		jcfg.JoinTimeout = 10 * time.Second
		j, err := Join[testInput](ctx, host.Code(), jcfg)
		if err != nil {
			t.Fatalf("%s could not join during the storm: %v", name, err)
		}
		defer j.Close()
		players = append(players, j)
	}
	lateRes := make([]result, lateJoiners)
	for i := range lateJoiners {
		storm.Add(1)
		go func() {
			defer storm.Done()
			lateRes[i] = attempt(host.Code(), fmt.Sprintf("late%d", i))
		}()
	}
	storm.Wait()

	check := func(what string, res []result, want error) {
		var took []time.Duration
		for i, r := range res {
			if !errors.Is(r.err, want) {
				t.Errorf("%s %d: %v after %v, want %v", what, i, r.err, r.took.Round(time.Millisecond), want)
			}
			took = append(took, r.took)
		}
		slices.Sort(took)
		t.Logf("%d %s: median %v, slowest %v", len(res), what, took[len(took)/2].Round(time.Millisecond), took[len(took)-1].Round(time.Millisecond))
	}
	check("joiners with a wrong code", wrongRes, ErrCodeRejected)
	check("joiners of a full lobby", lateRes, ErrLobbyFull)
	if p, l, el := memberCounts(host.c); p != 3 || l != 2 || el != 2 {
		t.Fatalf("the host holds %d players, %d links (%d by ID) after the storm, want 3, 2, 2", p, l, el)
	}
	sctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := host.Start(sctx); err != nil {
		t.Fatalf("start after the storm: %v", err)
	}
	peers := append([]*Session[testInput]{host}, players...)
	for _, p := range players {
		if err := p.WaitStart(sctx); err != nil {
			t.Fatal(err)
		}
	}
	checkEqual(t, play(t, peers, 60, nil), nil)
}

// forgingConn is a joiner's socket on which a forger, who can send from
// the host's address but never sees the joiner's traffic, answers the
// joiner's first Hello with refusals before the host's answer arrives.
type forgingConn struct {
	net.PacketConn
	host    net.Addr
	matchID uint32
	forged  chan []byte
	real    chan packet
	once    sync.Once
	count   atomic.Int64 // forgeries delivered
	hellos  atomic.Int64
	stopped chan struct{}
}

type packet struct {
	b    []byte
	from net.Addr
	err  error
}

func newForgingConn(t *testing.T, host net.Addr, matchID uint32) *forgingConn {
	f := &forgingConn{PacketConn: listenLocal(t), host: host, matchID: matchID,
		forged: make(chan []byte, 16), real: make(chan packet, 64), stopped: make(chan struct{})}
	go func() {
		defer close(f.stopped)
		for {
			buf := make([]byte, 2048)
			n, from, err := f.PacketConn.ReadFrom(buf)
			f.real <- packet{buf[:n], from, err}
			if err != nil {
				return
			}
		}
	}()
	return f
}

func (f *forgingConn) WriteTo(b []byte, to net.Addr) (int, error) {
	if kind, _, ok := seal.Peek(b); ok && kind == seal.KindHandshake {
		f.hellos.Add(1)
		f.once.Do(func() {
			other, _ := seal.SealHandshake(nil, [32]byte{}, f.matchID, nil, []byte("a Hello the joiner never sent"))
			stranger := make([]byte, seal.HandshakeOverhead)
			rand.Read(stranger)
			stranger[0] = seal.KindHandshake
			f.forged <- seal.Reject(other)                                             // echoes a nonce the joiner never sent
			f.forged <- seal.Reject(stranger)                                          // another match, another nonce
			f.forged <- []byte{seal.KindReject, 1, 2, 3, 4}                            // the old, unauthenticated form
			f.forged <- append(seal.Reject(other)[:5], b[5:17]...)[:seal.RejectSize-1] // cut short
		})
	}
	return f.PacketConn.WriteTo(b, to)
}

func (f *forgingConn) ReadFrom(b []byte) (int, net.Addr, error) {
	select {
	case d := <-f.forged:
		f.count.Add(1)
		return copy(b, d), f.host, nil
	default:
	}
	select {
	case d := <-f.forged:
		f.count.Add(1)
		return copy(b, d), f.host, nil
	case p := <-f.real:
		return copy(b, p.b), p.from, p.err
	}
}

// TestForgedRefusalIgnored: refusals that do not echo one of the joiner's
// own Hellos, sent from the host's address before the host's answer, end
// nothing: the joiner counts them as dropped and joins.
func TestForgedRefusalIgnored(t *testing.T) {
	ctx := context.Background()
	host, err := Host[testInput](ctx, localConfig("host", nil))
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	conn := newForgingConn(t, udpAddr(host.c.ep.localAddr()), host.c.matchID)
	cfg := localConfig("ada", nil)
	cfg.PacketConn = conn
	j, err := Join[testInput](ctx, host.Code(), cfg)
	if err != nil {
		t.Fatalf("forged refusals ended the join: %v", err)
	}
	defer j.Close()
	if n := conn.count.Load(); n != 4 {
		t.Fatalf("%d forged refusals reached the joiner, want 4", n)
	}
	if d := j.Stats().DatagramsDropped; d < 4 {
		t.Errorf("the joiner counted %d dropped datagrams, want the 4 forgeries at least", d)
	}
	if lb := host.Lobby(); len(lb.Players) != 2 {
		t.Errorf("the host's lobby holds %d players, want 2", len(lb.Players))
	}
}

// TestTrueRefusalEchoes: the reject a wrong-code joiner gets echoes its
// Hello's nonce and is smaller than the Hello.
func TestTrueRefusalEchoes(t *testing.T) {
	ctx := context.Background()
	host, err := Host[testInput](ctx, localConfig("host", nil))
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	sock := listenLocal(t)
	var key [32]byte
	hello, err := seal.SealHandshake(nil, key, host.c.matchID^1, nil, make([]byte, 40))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sock.WriteTo(hello, udpAddr(host.c.ep.localAddr())); err != nil {
		t.Fatal(err)
	}
	sock.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 2048)
	n, _, err := sock.ReadFrom(buf)
	if err != nil {
		t.Fatalf("no answer to a Hello for another match: %v", err)
	}
	id, nonce, ok := seal.RejectNonce(buf[:n])
	if !ok || id != host.c.matchID^1 || string(nonce) != string(seal.HandshakeNonce(hello)) {
		t.Fatalf("answer %x is not a reject echoing %x", buf[:n], seal.HandshakeNonce(hello))
	}
	if n >= len(hello) {
		t.Errorf("a reject of %d bytes answers a Hello of %d", n, len(hello))
	}
}
