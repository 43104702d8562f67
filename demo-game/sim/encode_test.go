package sim

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"testing"
)

// botState returns a state some ticks into a bots' match.
func botState(t testing.TB, cfg Config, ticks int) *State {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	play(t, s, 0, ticks, func() bool { n++; return n >= ticks })
	return s
}

func TestChecksumIsFNVOfEncoding(t *testing.T) {
	s := botState(t, Config{Players: 4, Seed: 8}, 700)
	data, err := s.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	h := fnv.New64a()
	h.Write(data)
	if h.Sum64() != s.Checksum() {
		t.Errorf("Checksum %x, FNV-1a of MarshalBinary %x", s.Checksum(), h.Sum64())
	}
}

// TestRoundTrip: a state restored from its encoding has the same checksum,
// re-encodes the same, and plays on exactly like the original.
func TestRoundTrip(t *testing.T) {
	for _, players := range []int{2, 8} {
		t.Run(fmt.Sprint(players), func(t *testing.T) {
			a := botState(t, Config{Players: players, Seed: 21}, 1500)
			data, _ := a.MarshalBinary()
			var b State
			if err := b.UnmarshalBinary(data); err != nil {
				t.Fatal(err)
			}
			if again, _ := b.MarshalBinary(); !bytes.Equal(again, data) || b.Checksum() != a.Checksum() {
				t.Fatal("the restored state differs")
			}
			if fmt.Sprint(a.Events()) != fmt.Sprint(b.Events()) || a.Tick() != b.Tick() || a.Phase() != b.Phase() {
				t.Fatal("the restored state's events, tick or phase differ")
			}
			present := all(players)
			for tick := range 3000 {
				in := make([]Input, players)
				for p := range in {
					in[p] = Bot(a, p)
					if Bot(&b, p) != in[p] {
						t.Fatalf("tick %d: the bots disagree", tick)
					}
				}
				a.Step(in, present)
				b.Step(in, present)
				if a.Checksum() != b.Checksum() {
					t.Fatalf("%d ticks after the restore: checksums differ", tick+1)
				}
			}
		})
	}
}

func TestUnmarshalRejects(t *testing.T) {
	s := botState(t, Config{Players: 3, Seed: 1}, 500)
	good, _ := s.MarshalBinary()
	before := s.Checksum()
	cells := s.Width() * s.Height()
	tail := 1 + len(s.Events())*12 // the events, after the grid
	bad := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"magic", append([]byte("XX"), good[2:]...)},
		{"version", corrupt(good, 2, stateVersion+1)},
		{"players", corrupt(good, 3, 9)},
		{"config flags", corrupt(good, 20, 2)},
		{"paused by a stranger", corrupt(good, 52, 7)},
		{"agreed without a pause", corrupt(good, 57, 1)},
		{"truncated", good[:len(good)-1]},
		{"half", good[:len(good)/2]},
		{"trailing", append(append([]byte(nil), good...), 0)},
		{"cell", corrupt(good, len(good)-tail-2*cells-1, 9)},
		{"place", corrupt(good, len(good)-tail-2, 1)},
		{"events", corrupt(good, len(good)-tail, maxEvents+1)},
		{"garbage", bytes.Repeat([]byte{0xa5}, len(good))},
	}
	for _, tc := range bad {
		if err := s.UnmarshalBinary(tc.data); !errors.Is(err, ErrBadState) {
			t.Errorf("%s: %v, want ErrBadState", tc.name, err)
		}
	}
	if s.Checksum() != before {
		t.Error("a failed UnmarshalBinary changed the state")
	}
	// Every prefix fails cleanly (all of the header, then a sample).
	for n := 0; n < len(good); n += 1 + n/200 {
		var t2 State
		if t2.UnmarshalBinary(good[:n]) == nil {
			t.Fatalf("a %d-byte prefix of a %d-byte state decoded", n, len(good))
		}
	}
}

func corrupt(b []byte, at int, v byte) []byte {
	b = append([]byte(nil), b...)
	b[at] = v
	return b
}

// fuzzSeeds are the inputs FuzzUnmarshalBinary starts from: small valid
// states in each phase, and broken ones.
func fuzzSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	for _, tc := range []struct {
		cfg   Config
		ticks int
	}{
		{Config{Players: 2, Seed: 1, Width: MinSize, Height: MinSize}, 1},
		{Config{Players: 2, Seed: 2, Width: MinSize, Height: MinSize, RoundsToWin: 1}, 700},
		{Config{Players: 8, Seed: 3, Width: 30, Height: 30, TicksPerSecond: 20}, 150},
		{Config{Players: 5, Seed: 4, Width: 32, Height: MinSize}, 400},
		{Config{Players: 3, Seed: 5, Width: 40, Height: 30, Pace: PaceFast}, 500},
		{Config{Players: 2, Seed: 6, Width: 30, Height: 30, NoWarmUp: true}, 300},
	} {
		s := botState(t, tc.cfg, tc.ticks)
		b, _ := s.MarshalBinary()
		seeds = append(seeds, b, b[:len(b)/3])
	}
	// Paused, with one agreement; and counting down to resume.
	s := botState(t, Config{Players: 3, Seed: 7, Width: 32, Height: 32}, 250)
	s.Step(pauseIn(3, 1), nil)
	s.Step(pauseIn(3, 2), nil)
	b, _ := s.MarshalBinary()
	seeds = append(seeds, b)
	s.Step(pauseIn(3, 0, 1), nil)
	b, _ = s.MarshalBinary()
	seeds = append(seeds, b)
	return append(seeds, nil, []byte("NT\x04"), []byte("NT\x04\x02garbage"))
}

func FuzzUnmarshalBinary(f *testing.F) {
	for _, b := range fuzzSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var s State
		if s.UnmarshalBinary(data) != nil {
			return
		}
		again, _ := s.MarshalBinary()
		if !bytes.Equal(again, data) {
			t.Fatal("a decoded state re-encodes differently")
		}
		// Whatever decodes can be played on without a panic.
		n := s.Players()
		present := all(n)
		for tick := range 20 {
			in := make([]Input, n)
			for p := range in {
				in[p] = Bot(&s, p) | Input(p+tick)
			}
			if tick == 10 {
				present[0] = false
			}
			s.Step(in, present)
			s.Checksum()
		}
	})
}

// TestWriteFuzzCorpus rewrites testdata/fuzz/FuzzUnmarshalBinary from
// fuzzSeeds when SIM_WRITE_CORPUS is set; otherwise it checks the
// committed corpus is there.
func TestWriteFuzzCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzUnmarshalBinary")
	if os.Getenv("SIM_WRITE_CORPUS") == "" {
		if files, err := os.ReadDir(dir); err != nil || len(files) == 0 {
			t.Errorf("no committed fuzz corpus in %s: %v", dir, err)
		}
		return
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for i, b := range fuzzSeeds(t) {
		data := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", b)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", i)), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
