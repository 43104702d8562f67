package determinism

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/peerstep/peerstep/lockstep"
)

// counterGame is deterministic: its state is a hash of every input.
type counterGame struct {
	h     uint64
	steps int
}

func (g *counterGame) Save() ([]byte, error) { return binary.LittleEndian.AppendUint64(nil, g.h), nil }

func (g *counterGame) Load(b []byte) error {
	if len(b) != 8 {
		return fmt.Errorf("state of %d bytes", len(b))
	}
	g.h = binary.LittleEndian.Uint64(b)
	return nil
}

func (g *counterGame) Step(f lockstep.ReadyFrame) {
	g.steps++
	g.h = g.h*0x100000001b3 ^ uint64(f.Frame)
	for _, in := range f.Inputs {
		for _, b := range in {
			g.h = (g.h ^ uint64(b)) * 0x100000001b3
		}
	}
}

func (g *counterGame) Checksum() uint64 { return g.h }

// spawnGame spawns an entity at frame spawnAt whose id comes from a counter
// that is not part of the saved state: re-simulating that frame gives the
// entity another id.
type spawnGame struct {
	counterGame
	spawnAt lockstep.Frame
	nextID  uint64 // hidden: not saved
}

func (g *spawnGame) Step(f lockstep.ReadyFrame) {
	g.counterGame.Step(f)
	if f.Frame == g.spawnAt {
		g.nextID++
		g.h ^= g.nextID << 32
	}
}

// mapGame iterates a Go map to compute its state: the order differs from
// one iteration to the next.
type mapGame struct {
	h uint64
	m map[uint64]uint64
}

func newMapGame() *mapGame {
	g := &mapGame{m: make(map[uint64]uint64)}
	for k := range uint64(64) {
		g.m[k] = k * k
	}
	return g
}

func (g *mapGame) Save() ([]byte, error) {
	b := binary.LittleEndian.AppendUint64(nil, g.h)
	for k := range uint64(64) {
		b = binary.LittleEndian.AppendUint64(b, g.m[k])
	}
	return b, nil
}

func (g *mapGame) Load(b []byte) error {
	if len(b) != 8*65 {
		return fmt.Errorf("state of %d bytes", len(b))
	}
	g.h = binary.LittleEndian.Uint64(b)
	for k := range uint64(64) {
		g.m[k] = binary.LittleEndian.Uint64(b[8+8*k:])
	}
	return nil
}

func (g *mapGame) Step(f lockstep.ReadyFrame) {
	for k, v := range g.m { // the bug: iteration order is random
		g.h = g.h*31 + k ^ v
	}
	g.m[uint64(f.Frame)%64] += uint64(f.Inputs[0][0])
}

func (g *mapGame) Checksum() uint64 { return g.h }

func TestDeterministicGamePasses(t *testing.T) {
	for _, tc := range []struct {
		name      string
		cfg       Config
		wantSteps int
	}{
		{"defaults", Config{}, 3*DefaultFrames - 1},
		{"distance 1", Config{Frames: 100, CheckDistance: 1}, 200},
		{"distance 8", Config{Frames: 100, CheckDistance: 8, Players: 16}, 100 + 100*8 - (8*7)/2},
		{"distance beyond frames", Config{Frames: 5, CheckDistance: 1 << 40}, 5 + 1 + 2 + 3 + 4 + 5},
		{"one frame", Config{Frames: 1}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := &counterGame{}
			if err := Run(g, tc.cfg); err != nil {
				t.Fatal(err)
			}
			if g.steps != tc.wantSteps {
				t.Fatalf("%d steps, want %d", g.steps, tc.wantSteps)
			}
		})
	}
}

func TestHiddenStateFails(t *testing.T) {
	for _, distance := range []int{1, 2, 5} {
		t.Run(fmt.Sprint("distance ", distance), func(t *testing.T) {
			g := &spawnGame{spawnAt: 100}
			err := Run(g, Config{Frames: 300, CheckDistance: distance})
			var me *MismatchError
			if !errors.As(err, &me) {
				t.Fatalf("err = %v, want *MismatchError", err)
			}
			if me.Frame != 100 || me.First == me.Second {
				t.Fatalf("mismatch %+v, want at frame 100", me)
			}
			if !strings.Contains(err.Error(), "frame 100") {
				t.Fatalf("message %q does not name the frame", err)
			}
			// The two states are those after each simulation of the
			// frame: each loads back to its checksum.
			if slices.Equal(me.FirstState, me.SecondState) {
				t.Fatalf("both states are %x", me.FirstState)
			}
			for _, st := range []struct {
				name  string
				state []byte
				sum   uint64
			}{{"first", me.FirstState, me.First}, {"second", me.SecondState, me.Second}} {
				var c counterGame
				if err := c.Load(st.state); err != nil {
					t.Fatalf("%s state: %v", st.name, err)
				}
				if c.Checksum() != st.sum {
					t.Fatalf("%s state loads to checksum %#x, the error says %#x", st.name, c.Checksum(), st.sum)
				}
			}
		})
	}
}

func TestMapIterationFails(t *testing.T) {
	// With 64 keys, two iterations agree on their order with a small
	// probability; 2000 frames of re-simulation make a pass all but
	// impossible.
	err := Run(newMapGame(), Config{Frames: 2000})
	var me *MismatchError
	if !errors.As(err, &me) {
		t.Fatalf("err = %v, want *MismatchError", err)
	}
	t.Logf("map iteration caught: %v", err)
}

// faultyGame fails to save or load at a given frame.
type faultyGame struct {
	counterGame
	failSaveAt, failLoadAt int
	saves, loads           int
}

var errDisk = errors.New("state store broken")

func (g *faultyGame) Save() ([]byte, error) {
	g.saves++
	if g.saves-1 == g.failSaveAt {
		return nil, errDisk
	}
	return g.counterGame.Save()
}

func (g *faultyGame) Load(b []byte) error {
	g.loads++
	if g.loads-1 == g.failLoadAt {
		return errDisk
	}
	return g.counterGame.Load(b)
}

func TestSaveLoadErrorsWrapped(t *testing.T) {
	for _, tc := range []struct {
		name string
		g    *faultyGame
		want string
	}{
		{"save before", &faultyGame{failSaveAt: 20, failLoadAt: -1}, "save before frame 10"},
		{"save after", &faultyGame{failSaveAt: 21, failLoadAt: -1}, "save after frame 10"},
		{"load", &faultyGame{failSaveAt: -1, failLoadAt: 10}, "load the state saved before frame 9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Run(tc.g, Config{Frames: 50})
			if !errors.Is(err, errDisk) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %q wrapping %v", err, tc.want, errDisk)
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	tests := []struct {
		name    string
		in      Config
		want    Config // Inputs is only checked to be set
		wantErr bool
	}{
		{"zero", Config{}, Config{Players: 2, Frames: 600, CheckDistance: 2}, false},
		{"set fields kept", Config{Players: 5, Frames: 10, CheckDistance: 7, Seed: 3},
			Config{Players: 5, Frames: 10, CheckDistance: 7, Seed: 3}, false},
		{"one player", Config{Players: 1}, Config{Players: 1, Frames: 600, CheckDistance: 2}, false},
		{"max players", Config{Players: lockstep.MaxPlayers}, Config{Players: lockstep.MaxPlayers, Frames: 600, CheckDistance: 2}, false},
		{"too many players", Config{Players: lockstep.MaxPlayers + 1}, Config{}, true},
		{"negative players", Config{Players: -1}, Config{}, true},
		{"negative frames", Config{Frames: -1}, Config{}, true},
		{"too many frames", Config{Frames: 1 << 40}, Config{}, true},
		{"negative distance", Config{CheckDistance: -2}, Config{}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := tc.in.withDefaults()
			if tc.wantErr {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("err = %v, want ErrInvalid", err)
				}
				if err := Run(&counterGame{}, tc.in); !errors.Is(err, ErrInvalid) {
					t.Fatalf("Run: err = %v, want ErrInvalid", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Inputs == nil {
				t.Fatal("no input generator")
			}
			if got.Players != tc.want.Players || got.Frames != tc.want.Frames ||
				got.CheckDistance != tc.want.CheckDistance || got.Seed != tc.want.Seed {
				t.Fatalf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestDefaultInputsSeeded(t *testing.T) {
	draw := func(seed uint64) []byte {
		cfg, err := Config{Seed: seed}.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		var out []byte
		for f := range lockstep.Frame(50) {
			for p := range lockstep.PlayerID(2) {
				in := cfg.Inputs(f, p)
				if len(in) != 1 {
					t.Fatalf("default input of %d bytes", len(in))
				}
				out = append(out, in...)
			}
		}
		return out
	}
	if a, b := draw(1), draw(1); !slices.Equal(a, b) {
		t.Fatal("same seed, different inputs")
	}
	if a, b := draw(1), draw(2); slices.Equal(a, b) {
		t.Fatal("different seeds, same inputs")
	}
}

// recordingGame records the inputs of every first simulation of a frame.
type recordingGame struct {
	counterGame
	seen map[lockstep.Frame][][]byte
}

func (g *recordingGame) Step(f lockstep.ReadyFrame) {
	g.counterGame.Step(f)
	if prev, ok := g.seen[f.Frame]; ok {
		for p := range prev {
			if !slices.Equal(prev[p], f.Inputs[p]) {
				panic(fmt.Sprintf("frame %d re-simulated with other inputs", f.Frame))
			}
		}
	} else {
		seen := make([][]byte, len(f.Inputs))
		for p, in := range f.Inputs {
			seen[p] = slices.Clone(in)
		}
		g.seen[f.Frame] = seen
	}
	for p := range f.Inputs {
		if !f.Present[p] || !f.WantChecksum {
			panic("frame with an absent player or no checksum wanted")
		}
		f.Inputs[p][0] ^= 0xff // a careless game scribbles on its inputs
	}
}

func TestCustomInputs(t *testing.T) {
	type call struct {
		f lockstep.Frame
		p lockstep.PlayerID
	}
	var calls []call
	inputs := func(f lockstep.Frame, p lockstep.PlayerID) []byte {
		calls = append(calls, call{f, p})
		return []byte{byte(f), byte(p)}
	}
	g := &recordingGame{seen: map[lockstep.Frame][][]byte{}}
	if err := Run(g, Config{Players: 3, Frames: 20, CheckDistance: 4, Inputs: inputs}); err != nil {
		t.Fatal(err)
	}
	if len(calls) != 60 {
		t.Fatalf("%d calls of Inputs, want 60", len(calls))
	}
	for i, c := range calls {
		if want := (call{lockstep.Frame(i / 3), lockstep.PlayerID(i % 3)}); c != want {
			t.Fatalf("call %d: %+v, want %+v", i, c, want)
		}
	}
}

func TestBadArguments(t *testing.T) {
	if err := Run(nil, Config{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("nil game: %v", err)
	}
	big := func(lockstep.Frame, lockstep.PlayerID) []byte { return make([]byte, lockstep.MaxInputSize+1) }
	if err := Run(&counterGame{}, Config{Inputs: big}); !errors.Is(err, ErrInvalid) {
		t.Errorf("oversize input: %v", err)
	}
}
