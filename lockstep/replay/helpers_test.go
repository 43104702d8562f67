package replay

import (
	"bytes"
	"math/rand/v2"
	"testing"

	"github.com/peerstep/peerstep/lockstep"
)

// match is a recorded match for tests: its header, frames and checksums.
type match struct {
	header    Header
	frames    []lockstep.ReadyFrame
	checksums []Checksum
}

// matchSpec describes a match that makeMatch generates.
type matchSpec struct {
	seed        uint64
	players     int
	frames      int
	absent      lockstep.PlayerID // player that leaves...
	absentFrom  int               // ...from this frame on (negative: nobody leaves)
	sumInterval int               // checksum every this many frames (0: none)
}

// makeMatch generates a match with random inputs of 0 to 8 bytes, and the
// checksums a stubGame reports on it.
func makeMatch(s matchSpec) match {
	rng := rand.New(rand.NewPCG(s.seed, 0x5eed))
	m := match{header: Header{
		Game:             "neon-trails",
		GameVersion:      "1.2.3",
		Players:          s.players,
		Names:            []string{"ada", "grace"}[:min(2, s.players)],
		Seed:             rng.Uint64(),
		TickHz:           60,
		InputDelay:       2,
		ChecksumInterval: s.sumInterval,
		Settings:         []byte{0x81, 0xa3, 'm', 'a', 'p', 0x07},
	}}
	var g stubGame
	for f := 0; f < s.frames; f++ {
		rf := lockstep.ReadyFrame{
			Frame:   lockstep.Frame(f),
			Inputs:  make([][]byte, s.players),
			Present: make([]bool, s.players),
		}
		for p := range s.players {
			if s.absentFrom >= 0 && p == int(s.absent) && f >= s.absentFrom {
				continue
			}
			rf.Present[p] = true
			in := make([]byte, rng.IntN(9))
			for i := range in {
				in[i] = byte(rng.Uint32())
			}
			rf.Inputs[p] = in
		}
		g.Step(rf)
		if s.sumInterval > 0 && f%s.sumInterval == 0 {
			rf.WantChecksum = true
			m.checksums = append(m.checksums, Checksum{Frame: rf.Frame, Sum: g.Checksum()})
		}
		m.frames = append(m.frames, rf)
	}
	return m
}

// encode writes m with a Writer, closing it when finish is set.
func (m match) encode(t testing.TB, finish bool) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, m.header)
	if err != nil {
		t.Fatalf("NewWriter: %v", err)
	}
	next := 0
	for _, f := range m.frames {
		if err := w.WriteFrame(f); err != nil {
			t.Fatalf("WriteFrame(%d): %v", f.Frame, err)
		}
		for next < len(m.checksums) && m.checksums[next].Frame == f.Frame {
			if err := w.WriteChecksum(f.Frame, m.checksums[next].Sum); err != nil {
				t.Fatalf("WriteChecksum(%d): %v", f.Frame, err)
			}
			next++
		}
	}
	if finish {
		if err := w.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
	}
	return buf.Bytes()
}

// headerSize is the size of a file holding only m's header.
func (m match) headerSize(t testing.TB) int {
	t.Helper()
	var buf bytes.Buffer
	if _, err := NewWriter(&buf, m.header); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}

// sameFrame compares two frames, treating nil and empty inputs alike.
func sameFrame(a, b lockstep.ReadyFrame) bool {
	if a.Frame != b.Frame || a.WantChecksum != b.WantChecksum ||
		len(a.Inputs) != len(b.Inputs) || len(a.Present) != len(b.Present) {
		return false
	}
	for p := range a.Present {
		if a.Present[p] != b.Present[p] || !bytes.Equal(a.Inputs[p], b.Inputs[p]) {
			return false
		}
	}
	return true
}

// checkPrefix fails unless rp's frames and checksums are a prefix of m's.
func checkPrefix(t *testing.T, m match, rp *Replay) {
	t.Helper()
	if len(rp.Frames) > len(m.frames) {
		t.Fatalf("%d frames, want at most %d", len(rp.Frames), len(m.frames))
	}
	sums := map[lockstep.Frame]bool{}
	for _, c := range rp.Checksums {
		sums[c.Frame] = true
	}
	for i, f := range rp.Frames {
		want := m.frames[i]
		want.WantChecksum = sums[want.Frame]
		if !sameFrame(f, want) {
			t.Fatalf("frame %d: got %+v, want %+v", i, f, want)
		}
	}
	if len(rp.Checksums) > len(m.checksums) {
		t.Fatalf("%d checksums, want at most %d", len(rp.Checksums), len(m.checksums))
	}
	for i, c := range rp.Checksums {
		if c != m.checksums[i] {
			t.Fatalf("checksum %d: got %+v, want %+v", i, c, m.checksums[i])
		}
	}
}

// stubGame is a deterministic game: its state is a hash of every input.
type stubGame struct {
	state uint64
	// skew, when set, perturbs the state at frame skewAt.
	skew   bool
	skewAt lockstep.Frame
}

func (g *stubGame) Step(f lockstep.ReadyFrame) {
	h := g.state ^ uint64(f.Frame)*0x9e3779b97f4a7c15
	for p, in := range f.Inputs {
		if !f.Present[p] {
			h = h*0x100000001b3 ^ 0xff
			continue
		}
		for _, b := range in {
			h = (h ^ uint64(b)) * 0x100000001b3
		}
		h = (h ^ uint64(len(in))) * 0x100000001b3
	}
	if g.skew && f.Frame == g.skewAt {
		h++
	}
	g.state = h
}

func (g *stubGame) Checksum() uint64 { return g.state }
