package lockstep

import (
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

var seedFlag = flag.Uint64("seed", 0, "run only the property-test match with this seed")

// checkAgreement asserts that every surviving peer simulated the same
// frames with the same inputs and saw the same players leave at the same
// frames.
func checkAgreement(t *testing.T, m *match, seed uint64) {
	t.Helper()
	rerun := fmt.Sprintf("rerun: go test ./lockstep -run '^%s$' -seed %d", t.Name(), seed)
	var ref *simPeer
	refIdx := -1
	for i, p := range m.peers {
		if p.gone {
			continue
		}
		if len(p.hashes) < m.frames {
			t.Fatalf("seed %d: peer %d simulated %d of %d frames (waiting %v at frame %d); %s", seed, i, len(p.hashes), m.frames, p.e.Stats().Waiting, p.e.Stats().Frame, rerun)
		}
		for _, e := range p.events {
			if e.Kind == EventDesync || e.Kind == EventDropped {
				t.Fatalf("seed %d: peer %d: %v; %s", seed, i, e, rerun)
			}
		}
		if ref == nil {
			ref, refIdx = p, i
			continue
		}
		for f := 0; f < m.frames; f++ {
			if p.hashes[f] != ref.hashes[f] {
				t.Fatalf("seed %d: peers %d and %d differ at frame %d; %s", seed, refIdx, i, f, rerun)
			}
		}
		if a, b := leaves(ref), leaves(p); fmt.Sprint(a) != fmt.Sprint(b) {
			t.Fatalf("seed %d: peers %d and %d disagree on who left when: %v vs %v; %s", seed, refIdx, i, a, b, rerun)
		}
	}
	if ref == nil {
		t.Fatalf("seed %d: no peer survived", seed)
	}
}

// leaves lists the EventPlayerLeft of a peer by player.
func leaves(p *simPeer) map[PlayerID]Frame {
	out := map[PlayerID]Frame{}
	for _, e := range p.events {
		if e.Kind == EventPlayerLeft {
			out[e.Player] = e.Frame
		}
	}
	return out
}

// testSeeds returns the seeds 1 to count, or only the one -seed names.
func testSeeds(count int) []uint64 {
	if *seedFlag != 0 {
		return []uint64{*seedFlag}
	}
	seeds := make([]uint64, count)
	for i := range seeds {
		seeds[i] = uint64(i + 1)
	}
	return seeds
}

// TestPropertyMatches runs many seeded matches: 2 to 8 players, random
// latency, jitter and delay, players crashing or leaving at random times,
// sometimes two at once, sometimes reported by only one peer.
func TestPropertyMatches(t *testing.T) {
	count := 300
	if testing.Short() || raceEnabled {
		count = 60
	}
	seeds := testSeeds(count)
	for _, seed := range seeds {
		runPropertyMatch(t, seed, false, false)
	}
}

// TestLossyMatches is TestPropertyMatches over a network that loses up to
// 20 % of the datagrams (inputs, pings, pongs), duplicates up to 5 % and
// reorders them: the engine's own acknowledgements, copies and resends
// must bring every input, and every peer must simulate the same frames.
func TestLossyMatches(t *testing.T) {
	count := 1500
	if testing.Short() || raceEnabled {
		count = 150
	}
	seeds := testSeeds(count)
	var datagrams, lost, duplicated int
	for _, seed := range seeds {
		m := runPropertyMatch(t, seed, true, false)
		datagrams, lost, duplicated = datagrams+m.net.datagrams, lost+m.net.lost, duplicated+m.net.duplicated
	}
	// The network did what it says: the test is worth nothing otherwise.
	if *seedFlag == 0 && (lost < datagrams/20 || duplicated < datagrams/100) {
		t.Fatalf("%d datagrams, %d lost, %d duplicated: want about a tenth lost and a fortieth duplicated", datagrams, lost, duplicated)
	}
	t.Logf("%d matches, %d datagrams, %d lost, %d duplicated", len(seeds), datagrams, lost, duplicated)
}

// TestGroupMatches is TestLossyMatches with several players on some peers
// (Config.Groups: two on one keyboard, online): each peer's players' inputs
// reach every other peer in their own slots, and a peer that crashes or
// leaves takes its players with it, at one frame all agree on.
func TestGroupMatches(t *testing.T) {
	count := 600
	if testing.Short() || raceEnabled {
		count = 80
	}
	grouped := 0
	for _, seed := range testSeeds(count) {
		m := runPropertyMatch(t, seed, true, true)
		for _, p := range m.peers {
			if len(p.locals) > 1 {
				grouped++
			}
		}
	}
	if *seedFlag == 0 && grouped < count/2 {
		t.Fatalf("%d peers with several players in %d matches: the groups are not being tested", grouped, count)
	}
}

// randomGroups puts some of n players together on peers: a group of two
// to four players, each group's first player its lowest.
func randomGroups(rng *rand.Rand, n int) [][]PlayerID {
	perm := rng.Perm(n)
	var groups [][]PlayerID
	for i := 0; i+1 < len(perm) && len(groups) < 2; {
		size := 2 + rng.IntN(3)
		if i+size > len(perm) || rng.IntN(4) == 0 {
			break
		}
		var g []PlayerID
		for _, p := range perm[i : i+size] {
			g = append(g, PlayerID(p))
		}
		slices.Sort(g)
		groups = append(groups, g)
		i += size
	}
	return groups
}

func runPropertyMatch(t *testing.T, seed uint64, lossy, grouped bool) *match {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 99))
	n := 2 + rng.IntN(7)
	cfg := Config{
		InputDelay:        1 + rng.IntN(5),
		AutoInputDelay:    rng.IntN(2) == 0,
		ChecksumInterval:  10 + rng.IntN(30),
		DisconnectTimeout: time.Duration(300+rng.IntN(700)) * time.Millisecond,
	}
	latency := time.Duration(rng.IntN(80)) * time.Millisecond
	jitter := time.Duration(rng.IntN(20)) * time.Millisecond
	frames := 300 + rng.IntN(300)
	var loss, dup float64
	if lossy {
		loss, dup = 0.2*rng.Float64(), 0.05*rng.Float64()
		cfg.InputCopies = rng.IntN(4) // 0: adaptive
		// At 20 % loss a live player's pings all go missing for 300 ms
		// now and then: the timeout is one a lossy link can keep.
		cfg.DisconnectTimeout = time.Duration(1000+rng.IntN(1000)) * time.Millisecond
	}
	var groups [][]PlayerID
	if grouped {
		// Its own generator: the other draws stay as they were for a seed.
		groups = randomGroups(rand.New(rand.NewPCG(seed, 7)), n)
	}
	m := newGroupMatch(seed, n, groups, cfg, latency, jitter, frames)
	np := len(m.peers)
	m.net.loss, m.net.dup = loss, dup
	for _, p := range m.peers {
		p.checksum = func(f Frame, sum uint64) uint64 { return sum }
	}
	// Who fails, how and when. At most n-1 players fail.
	type failure struct {
		at   time.Duration
		how  int // 0 crash, 1 leave, 2 crash and lose in-flight messages to some, 3 reported closed by one peer only
		done bool
	}
	fails := map[int]*failure{}
	nf := rng.IntN(min(4, np))
	for k := 0; k < nf; k++ {
		who := rng.IntN(np)
		at := time.Duration(200+rng.IntN(frames*16)) * time.Millisecond
		if k > 0 && rng.IntN(2) == 0 {
			for _, f := range fails { // fail during the previous agreement
				at = f.at + time.Duration(rng.IntN(int(cfg.DisconnectTimeout/time.Millisecond)+100))*time.Millisecond
			}
		}
		fails[who] = &failure{at: at, how: rng.IntN(4)}
	}
	if len(fails) == np {
		for who := range fails {
			delete(fails, who)
			break
		}
	}
	m.onTick = func(m *match, i int) {
		for who, f := range fails {
			if f.done || m.now < f.at {
				continue
			}
			f.done = true
			p := m.peers[who]
			switch f.how {
			case 0:
				p.gone = true
			case 1:
				p.e.Leave()
				m.flush(who)
				p.gone = true
			case 2:
				p.gone = true
				cut := rng.IntN(n)
				m.net.dropFrom(p.id, func(to PlayerID) bool { return int(to) < cut })
			case 3:
				// One peer notices the link closed; the others only hear
				// it from that peer.
				p.gone = true
				for j, q := range m.peers {
					if j != who && !q.gone {
						if err := q.e.DropPlayer(p.locals[len(p.locals)-1]); err != nil && !errors.Is(err, ErrAlreadyDropped) {
							t.Fatalf("seed %d: peer %d: drop player %d: %v", seed, j, who, err)
						}
						break
					}
				}
			}
		}
	}
	m.until = func() bool {
		for who, f := range fails {
			if !f.done {
				continue
			}
			for _, p := range m.peers {
				for _, x := range m.peers[who].locals {
					if _, ok := leaves(p)[x]; !ok && !p.gone {
						return false
					}
				}
			}
		}
		return true
	}
	m.run()
	checkAgreement(t, m, seed)
	for who, f := range fails {
		if !f.done {
			continue
		}
		for i, p := range m.peers {
			if p.gone {
				continue
			}
			for _, x := range m.peers[who].locals {
				if _, ok := leaves(p)[x]; !ok {
					t.Fatalf("seed %d: peer %d never saw player %d leave", seed, i, x)
				}
			}
		}
	}
	return m
}
