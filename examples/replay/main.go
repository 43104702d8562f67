// Command replay records a match to a file and plays it back. Two players in
// one process play a few hundred frames over loopback UDP with netcode while
// the host records every frame with lockstep/replay; then the file is read
// back and played through the same deterministic game, whose checksums must
// match the ones recorded during the match.
//
//	go run ./examples/replay
//	go run ./examples/replay -out match.psreplay -frames 600
//	go run ./examples/replay -play match.psreplay   # play a file back again
//
// A replay whose recorder stopped before Close (a crash, a kill) is left
// as match.psreplay.partial; replay.ReadFile reads it with Truncated set,
// and playing it back says where it ends and why.
package main

import (
	"context"
	"flag"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"time"

	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/lockstep/replay"
	"github.com/peerstep/peerstep/netcode"
)

// gameID names this example's game in its replays.
const gameID = "peerstep-replay-example"

// checksumInterval is how often, in frames, the players compare checksums
// and the recording stores one.
const checksumInterval = 30

// Input is one player's input for one frame: which way it pushes its dot.
type Input struct {
	Dx, Dy int8
}

// World is the game state: a dot per player on a 64x64 torus, in integers
// so that every machine, and every playback, computes the same thing.
type World struct {
	X, Y []int
}

// NewWorld places the players' dots from the match seed.
func NewWorld(seed uint64, players int) *World {
	w := &World{X: make([]int, players), Y: make([]int, players)}
	for p := range players {
		seed = seed*6364136223846793005 + 1442695040888963407
		w.X[p], w.Y[p] = int(seed>>40)%64, int(seed>>20)%64
	}
	return w
}

// Step advances the world by one frame. It takes plain slices, so that both
// a live netcode.Frame and a recorded lockstep.ReadyFrame can drive it.
func (w *World) Step(inputs []Input, present []bool) {
	for p, in := range inputs {
		if present[p] {
			w.X[p] = (w.X[p] + int(in.Dx) + 64) % 64
			w.Y[p] = (w.Y[p] + int(in.Dy) + 64) % 64
		}
	}
}

// Checksum hashes the world.
func (w *World) Checksum() uint64 {
	h := fnv.New64a()
	fmt.Fprint(h, w.X, w.Y)
	return h.Sum64()
}

func main() {
	out := flag.String("out", "", "replay `file` to write (default: a temporary file, removed at exit)")
	frames := flag.Int("frames", 300, "frames to play and record")
	again := flag.String("play", "", "play this replay `file` back (or its .partial) instead of recording one")
	flag.Parse()
	switch {
	case *frames < 1:
		usage("-frames %d: need at least one frame", *frames)
	case *again != "" && *out != "":
		usage("-play and -out: play a file back, or record one")
	}
	var err error
	if *again != "" {
		_, _, err = playBack(*again)
	} else {
		err = run(*out, *frames)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "replay:", err)
		os.Exit(1)
	}
}

// usage reports a bad command line in one line and exits with status 2.
func usage(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "replay: "+format+"\n", args...)
	os.Exit(2)
}

func run(path string, frames int) error {
	if path == "" {
		dir, err := os.MkdirTemp("", "peerstep-replay-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path = filepath.Join(dir, "match.psreplay")
	}

	// 1. Play a match and record it.
	live, err := record(path, frames)
	if err != nil {
		return err
	}

	// 2. Read it back and play it through the game again.
	rp, final, err := playBack(path)
	if err != nil {
		return err
	}
	if rp.Truncated || final != live {
		return fmt.Errorf("final state %016x after playback, %016x in the match", final, live)
	}
	fmt.Printf("the final state %016x is the match's\n", live)
	return nil
}

// playBack reads the replay at path, plays it through the game and
// returns it with the final state. It says what it found: how many
// frames and checksums, and for a partial replay (its recorder did not
// finish), that it ends early and where.
func playBack(path string) (*replay.Replay, uint64, error) {
	rp, err := replay.ReadFile(path)
	if err != nil {
		return nil, 0, err
	}
	if rp.Header.Game != gameID {
		return nil, 0, fmt.Errorf("%s is a replay of %q, not of this example", path, rp.Header.Game)
	}
	fmt.Printf("read back: %s, players %v, seed %016x, %d frames, %d checksums\n",
		rp.Header.Game, rp.Header.Names, rp.Header.Seed, len(rp.Frames), len(rp.Checksums))
	w := NewWorld(rp.Header.Seed, rp.Header.Players)
	inputs := make([]Input, rp.Header.Players)
	step := func(f lockstep.ReadyFrame) {
		for p, b := range f.Inputs {
			inputs[p], _ = lockstep.DecodeInput[Input](b) // as netcode decodes: bad input is the zero value
		}
		w.Step(inputs, f.Present)
	}
	if err := rp.Play(step, w.Checksum); err != nil {
		return nil, 0, err // a *replay.MismatchError names the first frame that differs
	}
	if rp.Truncated {
		fmt.Printf("played back: all %d checksums match, but the replay ends early, at frame %d: "+
			"the recording stopped there (a partial replay: its recorder did not finish)\n", len(rp.Checksums), len(rp.Frames))
	} else {
		fmt.Printf("played back: all %d checksums match, %d frames\n", len(rp.Checksums), len(rp.Frames))
	}
	return rp, w.Checksum(), nil
}

// record plays a two-player match over loopback UDP, records it on the
// host's side to path, and returns the checksum of the final state.
func record(path string, frames int) (uint64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	host, err := netcode.Host[Input](ctx, &netcode.Config{Name: "ada", ListenAddr: "127.0.0.1:0", Reach: netcode.Local(), ChecksumInterval: checksumInterval})
	if err != nil {
		return 0, err
	}
	defer host.Close()
	guest, err := netcode.Join[Input](ctx, host.Code(), &netcode.Config{Name: "bob", ListenAddr: "127.0.0.1:0", Reach: netcode.Local()})
	if err != nil {
		return 0, err
	}
	defer guest.Close()
	if err := host.Start(ctx); err != nil {
		return 0, err
	}

	info, _ := host.Match()
	rec, err := replay.Create(path, replay.Header{
		Game:             gameID,
		Players:          len(info.Players),
		Names:            info.Players,
		Seed:             info.Seed,
		TickHz:           info.TickRate,
		InputDelay:       host.Stats().InputDelay,
		ChecksumInterval: checksumInterval,
	})
	if err != nil {
		return 0, err
	}

	var guestSum uint64
	guestErr := make(chan error, 1)
	go func() {
		var err error
		guestSum, err = play(ctx, guest, frames, nil)
		guestErr <- err
	}()
	hostSum, err := play(ctx, host, frames, rec)
	if gerr := <-guestErr; err == nil {
		err = gerr
	}
	if err != nil {
		rec.Abort()
		return 0, err
	}
	if err := rec.Close(); err != nil {
		return 0, err
	}
	if hostSum != guestSum {
		return 0, fmt.Errorf("the players disagree: %016x and %016x", hostSum, guestSum)
	}
	st, err := os.Stat(path)
	if err != nil {
		return 0, err
	}
	fmt.Printf("recorded %d frames to %s (%d bytes); both players ended at state %016x\n", frames, path, st.Size(), hostSum)
	return hostSum, nil
}

// play is one player's game loop: it plays frames frames and returns the
// checksum of the final state. When rec is not nil it records every frame,
// and every checksum reported, to it.
func play(ctx context.Context, s *netcode.Session[Input], frames int, rec *replay.FileWriter) (uint64, error) {
	if err := s.WaitStart(ctx); err != nil {
		return 0, err
	}
	info, _ := s.Match()
	w := NewWorld(info.Seed, len(info.Players))
	tick := time.NewTicker(time.Second / time.Duration(info.TickRate))
	defer tick.Stop()
	done := 0
	// Keep ticking a little after the last frame so that the other player
	// gets every input it needs to finish too.
	for n := 0; done < frames || n < frames+30; n++ {
		select {
		case <-tick.C:
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		// A real game reads the keyboard here.
		in := Input{Dx: int8(n/11%3 - 1), Dy: int8((n/17+int(info.Local))%3 - 1)}
		fs, err := s.Tick(in)
		if err != nil {
			return 0, err
		}
		for _, f := range fs {
			if done == frames {
				break
			}
			w.Step(f.Inputs, f.Present)
			done++
			if rec != nil {
				if err := rec.WriteFrame(rawFrame(f)); err != nil {
					return 0, err
				}
			}
			if f.WantChecksum {
				sum := w.Checksum()
				s.ReportChecksum(f.Number, sum)
				if rec != nil {
					if err := rec.WriteChecksum(f.Number, sum); err != nil {
						return 0, err
					}
				}
			}
		}
		for _, e := range s.Events() {
			if e.Kind == netcode.EventDesync {
				return 0, fmt.Errorf("%v", e)
			}
		}
	}
	return w.Checksum(), nil
}

// rawFrame turns a typed frame back into the bytes a replay stores: each
// present player's input encoded as netcode encodes it (lockstep.EncodeInput),
// and nothing for an absent player.
func rawFrame(f netcode.Frame[Input]) lockstep.ReadyFrame {
	rf := lockstep.ReadyFrame{Frame: f.Number, Inputs: make([][]byte, len(f.Inputs)), Present: f.Present}
	for p, in := range f.Inputs {
		if f.Present[p] {
			// An Input of two int8 always encodes: the error cannot happen.
			rf.Inputs[p], _ = lockstep.EncodeInput(in)
		}
	}
	return rf
}
