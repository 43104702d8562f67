package netcode

import (
	"bytes"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"net/netip"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/peerstep/peerstep/netcode/internal/seal"
	"github.com/peerstep/peerstep/netcode/internal/wire"
	"github.com/peerstep/peerstep/netcode/netsim"
)

// linkPair is two endpoints on loopback, each with a link to the other,
// over a simulated network.
type linkPair struct {
	ep    [2]*endpoint
	links [2]*link
	got   chan []byte // the first payload of every Engine message link 1 delivers
}

func newLinkPair(t *testing.T, sim netsim.Config, tuning KCPTuning, broken func(*link)) *linkPair {
	t.Helper()
	p := &linkPair{got: make(chan []byte, 4096)}
	var pubs [2][]byte
	for i := range 2 {
		conn, err := netsim.Listen("udp", "127.0.0.1:0", netsim.Config{
			Latency: sim.Latency, Jitter: sim.Jitter, Loss: sim.Loss, Duplicate: sim.Duplicate,
			Reorder: sim.Reorder, Seed: sim.Seed + uint64(i),
		})
		if err != nil {
			t.Fatal(err)
		}
		p.ep[i] = newEndpoint(conn, slog.New(slog.DiscardHandler))
		pubs[i] = bytes.Repeat([]byte{byte(i + 1)}, seal.PublicKeySize)
	}
	secret := bytes.Repeat([]byte{7}, 32)
	shared := bytes.Repeat([]byte{9}, 32)
	for i := range 2 {
		o := 1 - i
		params := linkParams{
			secret: secret, localPub: pubs[i], remotePub: pubs[o], shared: shared,
			tuning:    tuning,
			addr:      p.ep[o].localAddr(),
			onMessage: func(*link, wire.Message) {},
			onBroken:  broken,
		}
		if i == 1 {
			params.onMessage = func(_ *link, m wire.Message) {
				if e, ok := m.(*wire.Engine); ok && len(e.Msgs) > 0 {
					p.got <- append([]byte(nil), e.Msgs[0]...)
				}
			}
		}
		l, err := newLink(p.ep[i], params)
		if err != nil {
			t.Fatal(err)
		}
		p.links[i] = l
	}
	for i := range 2 {
		p.ep[i].start()
	}
	return p
}

func (p *linkPair) close() {
	for i := range 2 {
		p.links[i].close()
		p.ep[i].close()
	}
}

// waitFor polls cond until it holds, failing after a bound that only a
// hang reaches.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for range 3000 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s: never happened", what)
}

// TestLinkCarriesLargeMessagesInOrder: messages of up to several MTUs,
// written back to back, arrive whole and in order over a network that
// loses, duplicates and reorders datagrams: KCP resends, the stream's
// framing reassembles.
func TestLinkCarriesLargeMessagesInOrder(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed=", seed), func(t *testing.T) {
			before := goleak.IgnoreCurrent()
			sim := netsim.Config{Latency: 5 * time.Millisecond, Jitter: 2 * time.Millisecond, Loss: 0.1, Duplicate: 0.05, Reorder: 0.05, Seed: seed}
			p := newLinkPair(t, sim, DefaultKCPTuning(), nil)
			rng := rand.New(rand.NewPCG(seed, 99))
			var sent [][]byte
			for i := range 60 {
				n := 1 + rng.IntN(5*DefaultKCPTuning().MTU) // up to five segments
				b := make([]byte, n)
				for j := range b {
					b[j] = byte(rng.Uint32())
				}
				b[0] = byte(i)
				sent = append(sent, b)
				if !p.links[0].write(&wire.Engine{Msgs: [][]byte{b}}) {
					t.Fatalf("seed %d: write %d refused", seed, i)
				}
			}
			for i, want := range sent {
				select {
				case got := <-p.got:
					if !bytes.Equal(got, want) {
						t.Fatalf("seed %d: message %d: %d bytes starting %d, want %d bytes starting %d",
							seed, i, len(got), got[0], len(want), want[0])
					}
				case <-time.After(30 * time.Second):
					t.Fatalf("seed %d: message %d of %d never arrived", seed, i, len(sent))
				}
			}
			// Once everything is acknowledged, neither link keeps a timer.
			for i, l := range p.links {
				waitFor(t, fmt.Sprintf("seed %d: link %d idle", seed, i), func() bool {
					l.kmu.Lock()
					defer l.kmu.Unlock()
					return !l.armed && l.kcp.WaitSnd() == 0
				})
			}
			if l := p.links[0]; l.retransmits.Load() == 0 || l.rtt() <= 0 {
				t.Errorf("seed %d: %d retransmits under 10%% loss, RTT %v", seed, l.retransmits.Load(), l.rtt())
			}
			p.close()
			goleak.VerifyNone(t, append(leakOpts, before)...)
		})
	}
}

// TestLinkQueueOverflowBreaks: a link whose peer acknowledges nothing
// takes messages until its queue is full, then reports itself broken once
// and refuses more.
func TestLinkQueueOverflowBreaks(t *testing.T) {
	var mu sync.Mutex
	brokenN := 0
	p := newLinkPair(t, netsim.Config{}, DefaultKCPTuning(), func(*link) {
		mu.Lock()
		brokenN++
		mu.Unlock()
	})
	defer p.close()
	l := p.links[0]
	l.addrMu.Lock()
	l.addr = netip.AddrPort{} // nowhere to send: nothing is acknowledged
	l.addrMu.Unlock()
	big := make([]byte, DefaultKCPTuning().MTU-kcpHeaderForTest-64) // one segment each
	n := 0
	for l.write(&wire.Engine{Msgs: [][]byte{big}}) {
		n++
		if n > 10*linkQueue {
			t.Fatal("the queue never filled")
		}
	}
	if want := DefaultKCPTuning().SendWindow + linkQueue; n != want {
		t.Errorf("took %d messages, want %d", n, want)
	}
	waitFor(t, "onBroken", func() bool {
		mu.Lock()
		defer mu.Unlock()
		return brokenN == 1
	})
}

// kcpHeaderForTest is KCP's segment header.
const kcpHeaderForTest = 24
