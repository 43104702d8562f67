package netsim

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, pcgStream)) }

func decisions(seed uint64, cfg Config, n int) []decision {
	r := newRand(seed)
	out := make([]decision, n)
	imp := cfg.outbound()
	for i := range out {
		out[i] = decide(r, &imp)
	}
	return out
}

func TestDecideDeterministic(t *testing.T) {
	cfg := Config{Latency: 20 * time.Millisecond, Jitter: 10 * time.Millisecond, Loss: 0.3, Duplicate: 0.2, Reorder: 0.1}
	a, b := decisions(42, cfg, 2000), decisions(42, cfg, 2000)
	if !slices.Equal(a, b) {
		t.Fatal("same seed, different decisions")
	}
	if c := decisions(43, cfg, 2000); slices.Equal(a, c) {
		t.Fatal("different seeds, same decisions")
	}
}

// Every decision draws the same number of values, so the loss decisions
// do not move when other impairments are turned on.
func TestDecideIndependentOfOtherImpairments(t *testing.T) {
	lossOnly := decisions(7, Config{Loss: 0.3}, 1000)
	everything := decisions(7, Config{Loss: 0.3, Jitter: 5 * time.Millisecond, Duplicate: 0.5, Reorder: 0.5}, 1000)
	for i := range lossOnly {
		if lossOnly[i].lost != everything[i].lost {
			t.Fatalf("write %d: lost %v with loss only, %v with every impairment", i, lossOnly[i].lost, everything[i].lost)
		}
	}
	r := newRand(1)
	for range 100 {
		decide(r, &Impairment{Loss: 0.5, Duplicate: 0.5})
	}
	want := newRand(1)
	for range 100 * drawsPerDecision {
		want.Uint64()
	}
	if got, w := r.Uint64(), want.Uint64(); got != w {
		t.Fatalf("decide does not draw exactly %d values", drawsPerDecision)
	}
}

func TestDecideRanges(t *testing.T) {
	const lat, jit, extra = 20 * time.Millisecond, 5 * time.Millisecond, 50 * time.Millisecond
	cfg := Config{Latency: lat, Jitter: jit, Reorder: 0.25, ReorderDelay: extra, Duplicate: 0.25, Loss: 0.25}
	const n = 20000
	var lost, dup, reordered, copies int
	var minD, maxD time.Duration = time.Hour, 0
	for _, d := range decisions(3, cfg, n) {
		if d.lost {
			lost++
			continue
		}
		if d.copies == 2 {
			dup++
		}
		for i := range d.copies {
			copies++
			delay := d.delay[i]
			if d.reordered[i] {
				reordered++
				delay -= extra
			}
			if delay < lat-jit || delay > lat+jit {
				t.Fatalf("delay %v (reordered %v) outside %v±%v", d.delay[i], d.reordered[i], lat, jit)
			}
			minD, maxD = min(minD, delay), max(maxD, delay)
		}
	}
	// Binomial counts: allow 5 standard deviations.
	within := func(name string, got int, trials int, p float64) {
		t.Helper()
		mean := float64(trials) * p
		sd := math.Sqrt(mean * (1 - p))
		if float64(got) < mean-5*sd || float64(got) > mean+5*sd {
			t.Errorf("%s: %d of %d, want about %.0f", name, got, trials, mean)
		}
	}
	within("lost", lost, n, 0.25)
	within("duplicated", dup, n-lost, 0.25)
	within("reordered", reordered, copies, 0.25)
	if minD > lat-jit+jit/10 || maxD < lat+jit-jit/10 {
		t.Errorf("delays span only [%v, %v] of %v±%v", minD, maxD, lat, jit)
	}

	// Jitter larger than the latency is floored at zero.
	zero := 0
	for _, d := range decisions(4, Config{Latency: time.Millisecond, Jitter: 10 * time.Millisecond}, 1000) {
		if d.delay[0] < 0 || d.delay[1] < 0 {
			t.Fatalf("negative delay %v", d.delay)
		}
		if d.delay[0] == 0 {
			zero++
		}
	}
	if zero < 300 {
		t.Errorf("%d of 1000 delays floored at zero, want about 450", zero)
	}

	// Probabilities 0 and 1 are exact.
	for _, d := range decisions(5, Config{Loss: 1}, 1000) {
		if !d.lost {
			t.Fatal("not lost at Loss 1")
		}
	}
	for _, d := range decisions(5, Config{Duplicate: 1, Reorder: 1}, 1000) {
		if d.lost || d.copies != 2 || !d.reordered[0] || !d.reordered[1] || d.delay[0] != 10*time.Millisecond {
			t.Fatalf("at Loss 0, Duplicate 1, Reorder 1: %+v", d)
		}
	}
}

func TestSchedule(t *testing.T) {
	r := newRand(9)
	var s schedule
	const n = 500
	for i := range n {
		s.push(datagram{due: time.Duration(r.IntN(50)), seq: uint64(i)})
	}
	prev := datagram{due: -1}
	for i := range n {
		d := s.pop()
		if d.due < prev.due || d.due == prev.due && d.seq < prev.seq {
			t.Fatalf("pop %d: (%v, %d) after (%v, %d)", i, d.due, d.seq, prev.due, prev.seq)
		}
		prev = d
	}
	if len(s) != 0 {
		t.Fatalf("%d left after popping everything", len(s))
	}
}
