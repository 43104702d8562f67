package play

// Progress says which multiples of a step a growing count has passed, once
// each and in order, however far the count moves between two looks at it.
// A view that prints "frame N" every 60 frames uses it: one tick can
// simulate several frames (catching up after a stall, or after a player
// left), and a test waiting for "frame 420" must see it even when a tick
// went from 400 frames to 440. The zero value reports nothing until Every
// is set.
type Progress struct {
	// Every is the step: the multiples of Every above zero are reported.
	// Zero or less reports none.
	Every int

	last int // the highest multiple reported so far
}

// Passed returns, in order, each multiple of Every in (last reported, n]:
// every one that count n has reached and no earlier call returned. It
// returns nil when there is none, and never the same multiple twice.
func (p *Progress) Passed(n int) []int {
	if p.Every <= 0 {
		return nil
	}
	var out []int
	for next := p.last + p.Every; next <= n; next += p.Every {
		out = append(out, next)
		p.last = next
	}
	return out
}
