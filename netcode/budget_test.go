package netcode

import (
	"net/netip"
	"testing"
	"time"
)

func TestAnswerBudget(t *testing.T) {
	a := netip.MustParseAddrPort("192.0.2.1:4000")
	b := netip.MustParseAddrPort("192.0.2.2:4000")
	bud := newAnswerBudget(100*time.Millisecond, 10, 3)
	steps := []struct {
		at   time.Duration
		from netip.AddrPort
		want bool
	}{
		{0, a, true},
		{time.Millisecond, a, false},      // the same source, too soon
		{2 * time.Millisecond, b, true},   // another source
		{99 * time.Millisecond, a, false}, // still too soon
		{100 * time.Millisecond, a, true}, // its next answer
		{102 * time.Millisecond, b, true}, // the burst is spent now: 3 answers
		{150 * time.Millisecond, netip.MustParseAddrPort("192.0.2.3:1"), false}, // no token left
		{260 * time.Millisecond, netip.MustParseAddrPort("192.0.2.3:1"), true},  // a token a tenth of a second
	}
	for i, s := range steps {
		if got := bud.allow(s.from, s.at); got != s.want {
			t.Errorf("step %d: allow(%v at %v) = %v, want %v", i, s.from, s.at, got, s.want)
		}
	}
}

// TestAnswerBudgetCrowd: a thousand sources at once all get their answer
// within the burst, and then the rate bounds them, whatever their number.
func TestAnswerBudgetCrowd(t *testing.T) {
	bud := newAnswerBudget(100*time.Millisecond, rejectRate, rejectBurst)
	answered := 0
	for i := range 1000 {
		ap := netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}), 9)
		if bud.allow(ap, time.Duration(i)*time.Microsecond) {
			answered++
		}
	}
	// 500 from the burst and one per millisecond: the crowd came within 1 ms.
	if answered < rejectBurst || answered > rejectBurst+2 {
		t.Errorf("%d of 1000 answered at once, want the burst of %d", answered, rejectBurst)
	}
	answered = 0
	for i := range 2000 { // 2 000 more over one second
		ap := netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), 9)
		if bud.allow(ap, time.Millisecond+time.Duration(i)*time.Second/2000) {
			answered++
		}
	}
	if answered < rejectRate-10 || answered > rejectRate+10 {
		t.Errorf("%d answers in a second, want about %d", answered, rejectRate)
	}
}
