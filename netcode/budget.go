package netcode

import (
	"hash/maphash"
	"net/netip"
	"sync"
	"time"
)

// answerBudget decides which senders that prove nothing get an answer: a
// host tells a joiner with a wrong share code so at once (a reject), but
// must not become a reflector for anyone who forges a source address. Each
// source gets one answer per perSource, and all sources together at most
// rate answers a second beyond a burst. Its memory is fixed: sources share
// slots by a keyed hash of their address, so a crowd of them costs the
// same as one, and an attacker cannot choose which sources collide.
type answerBudget struct {
	perSource time.Duration

	mu     sync.Mutex
	seed   maphash.Seed
	slots  [budgetSlots]time.Duration // when the slot last got an answer, +1 (0: never)
	global tokenBucket                // answers a second, all sources
}

const budgetSlots = 4096

// Default answer budgets: a joiner resends its Hello every 200 ms, so a
// source's 100 ms lets each of its Hellos be answered; 1 000 answers a
// second tell hundreds of mistaken joiners at once while bounding what a
// forger can reflect at a victim to 1 000 datagrams of 17 bytes a second.
const (
	rejectPerSource = 100 * time.Millisecond
	rejectRate      = 1000
	rejectBurst     = 500
)

func newAnswerBudget(perSource time.Duration, rate, burst float64) *answerBudget {
	return &answerBudget{perSource: perSource, global: tokenBucket{rate: rate, burst: burst}, seed: maphash.MakeSeed()}
}

// allow reports whether from may have an answer now, and if so spends it.
func (b *answerBudget) allow(from netip.AddrPort, now time.Duration) bool {
	slot := maphash.Comparable(b.seed, from) % budgetSlots
	b.mu.Lock()
	defer b.mu.Unlock()
	if last := b.slots[slot]; last != 0 && now+1-last < b.perSource {
		return false
	}
	if !b.global.take(now) {
		return false
	}
	b.slots[slot] = now + 1
	return true
}
