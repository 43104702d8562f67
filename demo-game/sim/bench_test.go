package sim

import "testing"

// benchStates returns an 8-player state on the default arena, mid-round,
// and copies of it over the n ticks that follow, with its bots' inputs.
func benchStates(b *testing.B, n int) ([]*State, []Input) {
	s, _ := New(Config{Players: 8, Seed: 1})
	in := make([]Input, 8)
	for s.Phase() != Playing || s.PhaseTicks() < 300 {
		for p := range in {
			in[p] = Bot(s, p)
		}
		s.Step(in, nil)
	}
	var states []*State
	for range n {
		data, _ := s.MarshalBinary()
		c := new(State)
		if err := c.UnmarshalBinary(data); err != nil {
			b.Fatal(err)
		}
		states = append(states, c)
		for p := range in {
			in[p] = Bot(s, p)
		}
		s.Step(in, nil)
	}
	return states, in
}

// BenchmarkStep: one tick of an 8-player round on the default arena.
func BenchmarkStep(b *testing.B) {
	states, in := benchStates(b, 1)
	s := states[0]
	saved, _ := s.MarshalBinary()
	present := all(8)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%600 == 599 {
			// Keep the benchmark in the thick of a round.
			b.StopTimer()
			_ = s.UnmarshalBinary(saved)
			b.StartTimer()
		}
		s.Step(in, present)
	}
}

// BenchmarkBot: one bot's input, averaged over the ticks of a round (a
// bot thinks hard once a cell, and cheaply on the other ticks).
func BenchmarkBot(b *testing.B) {
	states, _ := benchStates(b, 64)
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		Bot(states[i/8%len(states)], i%8)
	}
}

// BenchmarkTickWithBots: a whole tick of an 8-bot match: every bot's
// input, then Step.
func BenchmarkTickWithBots(b *testing.B) {
	states, in := benchStates(b, 1)
	s := states[0]
	saved, _ := s.MarshalBinary()
	b.ReportAllocs()
	b.ResetTimer()
	for i := range b.N {
		if i%600 == 599 {
			b.StopTimer()
			_ = s.UnmarshalBinary(saved)
			b.StartTimer()
		}
		for p := range in {
			in[p] = Bot(s, p)
		}
		s.Step(in, nil)
	}
}

func BenchmarkChecksum(b *testing.B) {
	states, _ := benchStates(b, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		states[0].Checksum()
	}
}

func BenchmarkMarshalBinary(b *testing.B) {
	states, _ := benchStates(b, 1)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		_, _ = states[0].MarshalBinary()
	}
}

func BenchmarkUnmarshalBinary(b *testing.B) {
	states, _ := benchStates(b, 1)
	data, _ := states[0].MarshalBinary()
	var s State
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if err := s.UnmarshalBinary(data); err != nil {
			b.Fatal(err)
		}
	}
}
