package netsim

import (
	"math/rand/v2"
	"net"
	"net/netip"
	"time"
)

// pcgStream and pcgStreamIn are the second PCG seed words of the
// decisions about what is written and what is read: Config.Seed picks the
// first, so that one Seed gives the two directions independent decisions.
const (
	pcgStream   = 0x6e657473696d   // "netsim"
	pcgStreamIn = 0x6e657473696d69 // "netsimi"
)

// decision is the fate of one written datagram.
type decision struct {
	lost      bool
	copies    int              // 1, or 2 when duplicated; meaningless if lost
	delay     [2]time.Duration // each copy's delay, reorder hold-back included
	reordered [2]bool          // whether each copy was held back
}

// drawsPerDecision is how many values decide takes from its source.
const drawsPerDecision = 6

// decide draws one datagram's fate from r. It always draws exactly
// drawsPerDecision values, whatever cfg says and whatever it decides, so
// a datagram's decisions depend only on the seed, the number of datagrams
// before it in its direction and cfg, and turning one impairment on or
// off does not reshuffle the others' decisions.
func decide(r *rand.Rand, cfg *Impairment) decision {
	var u [drawsPerDecision]float64
	for i := range u {
		u[i] = r.Float64() // one 64-bit draw each, no rejection loop
	}
	d := decision{lost: u[0] < cfg.Loss, copies: 1}
	if u[1] < cfg.Duplicate {
		d.copies = 2
	}
	for i := range d.delay {
		delay := cfg.Latency
		if j := cfg.Jitter; j > 0 {
			delay += time.Duration(u[2+2*i]*float64(2*j)) - j
		}
		if u[3+2*i] < cfg.Reorder {
			delay += cfg.reorderDelay()
			d.reordered[i] = true
		}
		d.delay[i] = max(delay, 0)
	}
	return d
}

// datagram is one copy of a written datagram waiting to be delivered.
type datagram struct {
	due time.Duration // since the Conn's epoch, on the monotonic clock
	seq uint64        // order of scheduling; breaks ties in due
	buf *buffer       // the datagram's copy
	// The destination: ap when the caller gave a *net.UDPAddr with an
	// IP address (copied so the caller may reuse it), addr otherwise.
	ap   netip.AddrPort
	addr net.Addr
}

// schedule is a min-heap of datagrams ordered by due time, then by seq.
// It is hand-rolled rather than container/heap so that pushing and
// popping do not box values in interfaces.
type schedule []datagram

func (s schedule) less(i, j int) bool {
	if s[i].due != s[j].due {
		return s[i].due < s[j].due
	}
	return s[i].seq < s[j].seq
}

func (s *schedule) push(d datagram) {
	*s = append(*s, d)
	h := *s
	for i := len(h) - 1; i > 0; {
		parent := (i - 1) / 2
		if !h.less(i, parent) {
			break
		}
		h[i], h[parent] = h[parent], h[i]
		i = parent
	}
}

// pop removes and returns the earliest datagram; s must not be empty.
func (s *schedule) pop() datagram {
	h := *s
	n := len(h) - 1
	top := h[0]
	h[0] = h[n]
	h[n] = datagram{} // drop references for the garbage collector
	h = h[:n]
	for i := 0; ; {
		least, l, r := i, 2*i+1, 2*i+2
		if l < n && h.less(l, least) {
			least = l
		}
		if r < n && h.less(r, least) {
			least = r
		}
		if least == i {
			break
		}
		h[i], h[least] = h[least], h[i]
		i = least
	}
	*s = h
	return top
}
