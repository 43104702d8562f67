package lockstep

import (
	"testing"
	"time"
)

// TestSubFramePacing: four peers whose ticks start 5 ms apart, on a 40 ms
// link with the delay at 40 ms rounded up to a frame (3 frames, 10 ms to
// spare). However whole frames shift the peers' schedules, two of them stay
// more than 10 ms apart, so without sub-frame pacing some peer always
// simulates a frame a tick after its clock reached it (a frame more of
// input latency). With the engine's advice the clocks line up within a
// fraction of a frame and every frame runs on time.
func TestSubFramePacing(t *testing.T) {
	const frames = 60 * 30
	late := func(pace bool) int {
		m := newMatch(7, 4, Config{InputDelay: 3}, 40*time.Millisecond, 0, frames)
		for i, p := range m.peers {
			p.nextTick = time.Duration(i) * 5 * time.Millisecond
			p.pace = pace
		}
		n := 0
		m.onTick = func(m *match, i int) {
			// Over the second half: frames the clock reached at the
			// last tick but that could not run then.
			if e := m.peers[i].e; e.next > frames/2 {
				n += int(e.clock - e.next)
			}
		}
		m.run()
		checkAgreement(t, m, 7)
		return n
	}
	with, without := late(true), late(false)
	t.Logf("frames late over the last 15 s of 4 peers: %d with pacing, %d without", with, without)
	if with > 0 {
		t.Errorf("%d frames late with pacing, want none", with)
	}
	if without < 100 {
		t.Errorf("only %d frames late without pacing: the test cannot tell", without)
	}
}

// TestRoundTripLeavesOutHold: a ping that waits 10 ms at the other peer for
// its next tick does not count those 10 ms in the round trip.
func TestRoundTripLeavesOutHold(t *testing.T) {
	a, err := New(Config{Players: 2, Local: 0})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Config{Players: 2, Local: 1})
	if err != nil {
		t.Fatal(err)
	}
	const ms = time.Millisecond
	send := func(from, to *Engine, arrive, tick time.Duration) {
		to.Tick(tick)
		for _, o := range from.Ready().Messages {
			if _, ok := o.Msg.(*InputMsg); ok {
				continue
			}
			if err := to.ReceiveAt(from.Local(), o.Msg, arrive); err != nil {
				t.Fatal(err)
			}
		}
	}
	for i := range 5 {
		base := time.Duration(i) * time.Second
		a.Tick(base)                       // a pings at base
		send(a, b, base+40*ms, base+50*ms) // arrives at 40 ms, b ticks at 50 ms
		send(b, a, base+90*ms, base+99*ms) // the pong left at 50 ms, arrives at 90 ms
	}
	if rtt, _ := a.RoundTrip(1); rtt != 80*ms {
		t.Fatalf("round trip %v, want 80ms (90 ms less the 10 ms the ping waited)", rtt)
	}
}

// TestAutoDelayShrinksAfterQuiet: the automatic delay grows as soon as the
// link gets slower and shrinks only once the faster link has lasted.
func TestAutoDelayShrinksAfterQuiet(t *testing.T) {
	m := newMatch(3, 2, Config{AutoInputDelay: true}, 100*time.Millisecond, 0, 60*20)
	m.onTick = func(m *match, i int) {
		if m.now >= 8*time.Second {
			m.net.latency = 20 * time.Millisecond
		}
	}
	m.run()
	checkAgreement(t, m, 3)
	var changes []Event
	for _, e := range m.peers[0].events {
		if e.Kind == EventInputDelayChanged {
			changes = append(changes, e)
		}
	}
	if len(changes) < 2 {
		t.Fatalf("delay changes %v: want a rise to 100 ms and a fall to 20 ms", changes)
	}
	// 100 ms one way: 7 frames with the margin; 20 ms: 2 frames.
	if first := changes[0].Delay; first != 7 {
		t.Errorf("delay rose to %d at 100 ms one way, want 7", first)
	}
	if last := changes[len(changes)-1].Delay; last != 2 {
		t.Errorf("delay settled at %d at 20 ms one way, want 2", last)
	}
	if len(changes) > 4 {
		t.Errorf("delay flapped: %v", changes)
	}
}

// TestDelayHoldsUnderJitter: at 80 ms ± 15 ms and 10 % loss the one way
// is at most 95 ms, and 6 frames (100 ms) hold it. The automatic delay must
// stay there rather than follow every swing of the round trip's deviation
// up to 7 (which it did a third of the time), and the match must not stall
// more for it.
func TestDelayHoldsUnderJitter(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		m := newMatch(seed, 4, DefaultConfig(4, 0), 80*time.Millisecond, 15*time.Millisecond, 3600)
		m.net.loss = 0.1
		for _, p := range m.peers {
			p.pace = true
		}
		delays := map[int]int{}
		ticks := 0
		m.onTick = func(m *match, i int) {
			if m.now > 5*time.Second {
				delays[m.peers[i].e.InputDelay()]++
				ticks++
			}
		}
		m.run()
		stalls := 0
		for _, p := range m.peers {
			stalls += p.stalls
		}
		t.Logf("seed %d: delays %v, stalls %.2f%%", seed, delays, 100*float64(stalls)/float64(4*3600))
		if delays[6] < ticks*95/100 {
			t.Errorf("seed %d: 6 frames of delay on %d of %d ticks (%v), want 95%%", seed, delays[6], ticks, delays)
		}
		if stalls > 4*3600*3/200 { // 1.5 %: the 7-frame delay stalled as much (0.7 to 1 %)
			t.Errorf("seed %d: %d stalled ticks of %d", seed, stalls, 4*3600)
		}
	}
}
