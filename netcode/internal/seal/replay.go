package seal

// WindowSize is the number of counters a ReplayWindow remembers: a counter
// is accepted if it is at most WindowSize-1 below the highest accepted one
// and was not accepted before.
const WindowSize = 1024

const (
	wordBits = 64
	// One word more than the window needs, so the word holding the highest
	// counter never overlaps the oldest word still inside the window.
	windowWords = WindowSize/wordBits + 1
)

// ReplayWindow is a sliding-window replay filter for link counters, in the
// style of IPsec and WireGuard. It remembers the highest accepted counter
// and a bitmap of the WindowSize counters below and including it.
//
// Use Check before authenticating a datagram and Accept only after it
// authenticated, so that forged datagrams cannot move the window. The zero
// value is an empty window (no counter accepted yet). A ReplayWindow is not
// safe for concurrent use.
type ReplayWindow struct {
	highest uint64 // highest accepted counter, 0 if none
	bits    [windowWords]uint64
}

// Check reports whether counter would be accepted: it is not 0, not too old
// (more than WindowSize-1 below the highest accepted counter) and not
// accepted before. It does not change the window.
func (w *ReplayWindow) Check(counter uint64) bool {
	switch {
	case counter == 0:
		return false
	case counter > w.highest:
		return true
	case w.highest-counter >= WindowSize:
		return false
	}
	word := (counter / wordBits) % windowWords
	return w.bits[word]&(1<<(counter%wordBits)) == 0
}

// Accept records counter as received, sliding the window forward if it is
// the new highest. Counters that Check would reject are ignored. Call it
// only for authenticated datagrams.
func (w *ReplayWindow) Accept(counter uint64) {
	if !w.Check(counter) {
		return
	}
	if counter > w.highest {
		// Clear the words between the old highest word (exclusive) and the
		// new one (inclusive); at most all of them.
		oldWord, newWord := w.highest/wordBits, counter/wordBits
		n := newWord - oldWord
		if n > windowWords {
			n = windowWords
		}
		for i := uint64(1); i <= n; i++ {
			w.bits[(oldWord+i)%windowWords] = 0
		}
		w.highest = counter
	}
	w.bits[(counter/wordBits)%windowWords] |= 1 << (counter % wordBits)
}

// Highest returns the highest accepted counter, 0 if none.
func (w *ReplayWindow) Highest() uint64 { return w.highest }
