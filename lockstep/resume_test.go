package lockstep

import (
	"testing"
	"time"
)

// TestHungPeerLeavesRoundTripAlone: a peer whose process hangs for a second
// and a half answers, when it runs again, the pings that waited for it all
// that time. Those pongs measure the hang, not the network: the round trip
// and the input delay of the peer that pinged must stay where the network
// puts them, and the pings sent after the hang measure as before.
func TestHungPeerLeavesRoundTripAlone(t *testing.T) {
	const oneWay = 20 * time.Millisecond
	frame := DefaultFrameDuration
	var engines [2]*Engine
	for p := range engines {
		cfg := DefaultConfig(2, PlayerID(p))
		e, err := New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		engines[p] = e
	}
	type inFlight struct {
		at   time.Duration
		to   int
		from PlayerID
		msg  Message
	}
	var wire []inFlight
	hungFrom, hungUntil := 3*time.Second, 4500*time.Millisecond
	hung := func(p int, now time.Duration) bool { return p == 1 && now >= hungFrom && now < hungUntil }
	var rttBefore, rttAfter time.Duration
	delayBefore, worstDelay := 0, 0
	for now := time.Duration(0); now < 8*time.Second; now += frame {
		for p, e := range engines {
			if hung(p, now) {
				continue // neither ticks, nor reads, nor sends
			}
			e.Tick(now)
			keep := wire[:0]
			for _, m := range wire {
				if m.to == p && m.at <= now {
					// A message that came in while the process hung
					// is read now.
					if err := e.ReceiveAt(m.from, m.msg, max(m.at, now-frame)); err != nil {
						t.Fatalf("player %d: %v", p, err)
					}
					continue
				}
				keep = append(keep, m)
			}
			wire = keep
			if _, err := e.AddLocalInput([]byte{byte(now / frame)}); err != nil {
				t.Fatal(err)
			}
			rd := e.Ready()
			for _, o := range rd.Messages {
				wire = append(wire, inFlight{at: now + oneWay, to: int(o.To), from: PlayerID(p), msg: o.Msg})
			}
		}
		rtt, _ := engines[0].RoundTrip(1)
		d := engines[0].InputDelay()
		switch {
		case now < hungFrom:
			rttBefore, delayBefore = rtt, d
		case now >= hungUntil:
			worstDelay = max(worstDelay, d)
			rttAfter = rtt
		}
	}
	t.Logf("round trip %v before the hang, %v at the end; delay %d before, at most %d after", rttBefore, rttAfter, delayBefore, worstDelay)
	if rttBefore < 2*oneWay || rttBefore > 2*oneWay+2*frame {
		t.Fatalf("round trip before the hang %v; the network's is %v", rttBefore, 2*oneWay)
	}
	if rttAfter > rttBefore+frame {
		t.Errorf("round trip %v after the hang, %v before: the hang's pongs counted as network", rttAfter, rttBefore)
	}
	if worstDelay > delayBefore+1 {
		t.Errorf("input delay rose from %d to %d after the other peer hung", delayBefore, worstDelay)
	}
}
