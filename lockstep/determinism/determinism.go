package determinism

import (
	"fmt"
	"math/rand/v2"

	"github.com/peerstep/peerstep/lockstep"
)

// Game is the part of a game that a sync test drives. Its simulation must
// depend only on the state Save returns and on the inputs of each frame.
type Game interface {
	// Save returns the full state of the game. Run keeps the slice, so Save
	// must not reuse it.
	Save() ([]byte, error)
	// Load restores a state that Save returned.
	Load(state []byte) error
	// Step simulates one frame.
	Step(f lockstep.ReadyFrame)
	// Checksum returns a checksum of the current state.
	Checksum() uint64
}

// Defaults used when a Config field is zero.
const (
	DefaultPlayers       = 2
	DefaultFrames        = 600
	DefaultCheckDistance = 2
)

// Config sets up a sync test. The zero value of each field selects its
// default.
type Config struct {
	// Players is the number of players, all present, 1 to
	// lockstep.MaxPlayers. Zero means DefaultPlayers.
	Players int
	// Frames is how many frames to simulate and check. Zero means
	// DefaultFrames.
	Frames int
	// CheckDistance is how many frames each frame re-simulates: after
	// stepping frame f, Run loads the state saved before frame
	// f-CheckDistance+1, steps again up to f and compares every checksum
	// with the first run's, like GGRS's check distance. Zero means
	// DefaultCheckDistance.
	CheckDistance int
	// Inputs returns player p's input for frame f, at most
	// lockstep.MaxInputSize bytes. Run calls it once per frame and player,
	// in order, and copies the result. Nil means one pseudo-random byte per
	// player and frame, drawn from a generator seeded with Seed.
	Inputs func(f lockstep.Frame, p lockstep.PlayerID) []byte
	// Seed seeds the default input generator.
	Seed uint64
}

// withDefaults returns cfg with its defaults filled in, or an error wrapping
// ErrInvalid.
func (cfg Config) withDefaults() (Config, error) {
	if cfg.Players == 0 {
		cfg.Players = DefaultPlayers
	}
	if cfg.Frames == 0 {
		cfg.Frames = DefaultFrames
	}
	if cfg.CheckDistance == 0 {
		cfg.CheckDistance = DefaultCheckDistance
	}
	switch {
	case cfg.Players < 1 || cfg.Players > lockstep.MaxPlayers:
		return cfg, fmt.Errorf("%w: %d players, want 1 to %d", ErrInvalid, cfg.Players, lockstep.MaxPlayers)
	case cfg.Frames < 0 || cfg.Frames > int(^uint32(0)>>1):
		return cfg, fmt.Errorf("%w: %d frames", ErrInvalid, cfg.Frames)
	case cfg.CheckDistance < 0:
		return cfg, fmt.Errorf("%w: check distance %d", ErrInvalid, cfg.CheckDistance)
	}
	if cfg.Inputs == nil {
		rng := rand.New(rand.NewPCG(cfg.Seed, 0x73796e6374657374))
		cfg.Inputs = func(lockstep.Frame, lockstep.PlayerID) []byte {
			return []byte{byte(rng.Uint32())}
		}
	}
	return cfg, nil
}

// Run checks that g is deterministic. For every frame f from 0 to
// Frames-1 it saves the state, steps f with generated inputs (every player
// present, WantChecksum set) and records the checksum; then it loads the
// state saved before frame max(0, f-CheckDistance+1), steps up to f again
// with the same inputs and compares each checksum with the recorded one.
// The re-simulated state carries on to the next frame.
//
// Run returns nil if every checksum matched, a *MismatchError naming the
// first frame that differed and holding both states after it, or an error
// of Save or Load, wrapped with the frame. Each frame costs two Saves
// (before the frame and after its first simulation, kept for the
// MismatchError), one Load and 1+min(f+1, CheckDistance) steps.
func Run(g Game, cfg Config) error {
	if g == nil {
		return fmt.Errorf("%w: nil game", ErrInvalid)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return err
	}
	n := min(cfg.CheckDistance, cfg.Frames)  // a longer distance re-simulates from frame 0 anyway
	saved := make([][]byte, n)               // saved[k%n]: state before frame k
	frames := make([]lockstep.ReadyFrame, n) // frames[k%n]: frame k
	sums := make([]uint64, n)                // sums[k%n]: first checksum after frame k
	after := make([][]byte, n)               // after[k%n]: first state after frame k
	for i := 0; i < cfg.Frames; i++ {
		f := lockstep.Frame(i)
		state, err := g.Save()
		if err != nil {
			return fmt.Errorf("determinism: save before frame %d: %w", f, err)
		}
		slot := i % n
		saved[slot] = state
		if frames[slot], err = makeFrame(cfg, f); err != nil {
			return err
		}
		g.Step(cloneFrame(frames[slot]))
		sums[slot] = g.Checksum()
		if after[slot], err = g.Save(); err != nil {
			return fmt.Errorf("determinism: save after frame %d: %w", f, err)
		}

		start := max(0, i-n+1)
		if err := g.Load(saved[start%n]); err != nil {
			return fmt.Errorf("determinism: load the state saved before frame %d: %w", start, err)
		}
		for k := start; k <= i; k++ {
			g.Step(cloneFrame(frames[k%n]))
			if got, want := g.Checksum(), sums[k%n]; got != want {
				second, err := g.Save()
				if err != nil {
					return fmt.Errorf("determinism: save after re-simulating frame %d: %w", k, err)
				}
				return &MismatchError{Frame: lockstep.Frame(k), First: want, Second: got,
					FirstState: after[k%n], SecondState: second}
			}
		}
	}
	return nil
}

// makeFrame builds frame f from the input generator.
func makeFrame(cfg Config, f lockstep.Frame) (lockstep.ReadyFrame, error) {
	rf := lockstep.ReadyFrame{
		Frame:        f,
		Inputs:       make([][]byte, cfg.Players),
		Present:      make([]bool, cfg.Players),
		WantChecksum: true,
	}
	for p := range cfg.Players {
		in := cfg.Inputs(f, lockstep.PlayerID(p))
		if len(in) > lockstep.MaxInputSize {
			return rf, fmt.Errorf("%w: input of %d bytes for player %d at frame %d, max %d",
				ErrInvalid, len(in), p, f, lockstep.MaxInputSize)
		}
		rf.Inputs[p] = append([]byte{}, in...)
		rf.Present[p] = true
	}
	return rf, nil
}

// cloneFrame copies f, so that a game that modifies its inputs cannot
// change what the next simulation of the frame sees.
func cloneFrame(f lockstep.ReadyFrame) lockstep.ReadyFrame {
	c := f
	c.Inputs = make([][]byte, len(f.Inputs))
	for p, in := range f.Inputs {
		c.Inputs[p] = append([]byte{}, in...)
	}
	c.Present = append([]bool(nil), f.Present...)
	return c
}
