package netcode

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/peerstep/peerstep/lockstep"
)

// TestTickerKeepsPresses: presses set and released between two ticks are
// folded by MergeInput and reach every player; none is lost to the newer
// input.
func TestTickerKeepsPresses(t *testing.T) {
	or := Merge(func(a, b testInput) testInput { return testInput{Buttons: a.Buttons | b.Buttons, Aim: b.Aim} })
	peers := transport{}.lobby(t, 2, 11, func(c *Config) { c.MergeInput = or })
	tk, err := peers[0].Ticker()
	if err != nil {
		t.Fatal(err)
	}
	defer tk.Stop()
	info, _ := peers[0].Match()
	stop := make(chan struct{})
	other := make(chan uint8)
	go func() { // the other player's loop collects what player 0 sent
		var seen uint8
		for {
			select {
			case <-stop:
				other <- seen
				return
			default:
			}
			fs, err := peers[1].Tick(testInput{})
			if err != nil {
				other <- seen
				return
			}
			for _, f := range fs {
				seen |= f.Inputs[info.Local].Buttons
			}
			time.Sleep(time.Second / 60)
		}
	}()
	var seen uint8
	collect := func() {
		fs, err := tk.Frames()
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range fs {
			seen |= f.Inputs[info.Local].Buttons
		}
	}
	for k := range 8 {
		// A press and its release a few microseconds apart: no tick
		// can fall between them but by chance.
		if err := tk.SetInput(testInput{Buttons: 1 << k}); err != nil {
			t.Fatal(err)
		}
		if err := tk.SetInput(testInput{}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
		collect()
	}
	for end := time.Now().Add(5 * time.Second); seen != 0xff && time.Now().Before(end); {
		time.Sleep(20 * time.Millisecond)
		collect()
	}
	if seen != 0xff {
		t.Errorf("player 0 simulated its presses %08b, want all eight", seen)
	}
	time.Sleep(time.Second) // the other player gets the last inputs
	close(stop)
	if got := <-other; got != 0xff {
		t.Errorf("player 1 simulated player 0's presses %08b, want all eight", got)
	}
}

// TestTickerStates: a Ticker needs a started match, excludes Tick and a
// second Ticker while it runs, hands the ticks back on Stop, and reports
// the session's end.
func TestTickerStates(t *testing.T) {
	host := localHost(t, 2)
	if _, err := host.Ticker(); !errors.Is(err, ErrNotStarted) {
		t.Fatalf("Ticker before the start: %v, want ErrNotStarted", err)
	}
	host.Close()
	peers := lobby(t, 2, nil, 12)
	tk, err := peers[0].Ticker()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := peers[0].Tick(testInput{}); !errors.Is(err, ErrTicking) {
		t.Errorf("Tick beside a Ticker: %v, want ErrTicking", err)
	}
	if _, err := peers[0].Ticker(); !errors.Is(err, ErrTicking) {
		t.Errorf("a second Ticker: %v, want ErrTicking", err)
	}
	tk.Stop()
	tk.Stop() // twice is fine
	if _, err := tk.Frames(); !errors.Is(err, ErrClosed) {
		t.Errorf("Frames after Stop: %v, want ErrClosed", err)
	}
	if _, err := peers[0].Tick(testInput{}); err != nil {
		t.Errorf("Tick after Stop: %v", err)
	}
	tk2, err := peers[0].Ticker()
	if err != nil {
		t.Fatalf("a Ticker after Stop: %v", err)
	}
	peers[0].Close()
	tk2.Stop() // after Close: returns at once
	if _, err := tk2.Frames(); !errors.Is(err, ErrClosed) {
		t.Errorf("Frames after Close: %v, want ErrClosed", err)
	}
	if _, err := peers[0].Ticker(); !errors.Is(err, ErrClosed) {
		t.Errorf("Ticker after Close: %v, want ErrClosed", err)
	}
}

// TestTickerResync: a desync repair through Tickers, whose game loops run
// slower than the ticks and so get frames in batches, the loaded state in
// the middle of one: the stray player's state is repaired and every game
// ends equal.
func TestTickerResync(t *testing.T) {
	const stray, interval, frames = 1, 20, 300
	bad := lockstep.Frame(2*interval + 3)
	peers := transport{}.lobby(t, 3, 19, func(c *Config) { c.ChecksumInterval = interval; c.Snapshots = true })
	games := make([]stubGame, len(peers))
	events := make([][]Event, len(peers))
	errs := make([]error, len(peers))
	var wg sync.WaitGroup
	for i, p := range peers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tk, err := p.Ticker()
			if err != nil {
				errs[i] = err
				return
			}
			defer tk.Stop()
			g := &games[i]
			deadline := time.Now().Add(30 * time.Second)
			for n := 0; g.frame < frames && time.Now().Before(deadline); n++ {
				time.Sleep(time.Second / 25) // two or three frames a loop
				_ = tk.SetInput(testInput{Buttons: uint8(n + i)})
				fs, err := tk.Frames()
				for _, f := range fs {
					if g.frame == frames {
						break // every player compares the same frame
					}
					if f.Load != nil {
						if err := g.load(f.Load); err != nil {
							errs[i] = err
							return
						}
					}
					if err := g.step(f); err != nil {
						errs[i] = err
						return
					}
					if i == stray && f.Number == bad {
						g.sum ^= 1
					}
					if f.WantChecksum {
						_ = p.ReportChecksum(f.Number, g.sum)
					}
					if f.WantSnapshot {
						if err := p.Snapshot(f.Number, g.save()); err != nil {
							errs[i] = err
							return
						}
					}
				}
				events[i] = append(events[i], p.Events()...)
				if err != nil {
					errs[i] = err
					return
				}
			}
			time.Sleep(time.Second) // the others get the last inputs
		}()
	}
	wg.Wait()
	resynced := 0
	for i := range peers {
		if errs[i] != nil {
			t.Fatalf("player %d: %v", i, errs[i])
		}
		if games[i].frame != frames || games[i].sum != games[0].sum {
			t.Errorf("player %d: frame %d sum %x; player 0: frame %d sum %x", i, games[i].frame, games[i].sum, games[0].frame, games[0].sum)
		}
		for _, e := range events[i] {
			if e.Kind == EventResynced {
				resynced++
				if i != stray || e.OwnState == nil || bytes.Equal(e.State, e.OwnState) {
					t.Errorf("player %d: %v; want player %d's, with its own state, which differs", i, e, stray)
				}
			}
		}
	}
	if resynced != 1 {
		t.Errorf("%d resyncs, want one", resynced)
	}
}

// TestSnapshotErrors: a snapshot no frame asked for, or too large, is
// refused with ErrBadSnapshot and changes nothing.
func TestSnapshotErrors(t *testing.T) {
	peers := transport{}.lobby(t, 2, 23, func(c *Config) { c.Snapshots = true })
	for _, tc := range []struct {
		name  string
		frame lockstep.Frame
		state []byte
	}{
		{"not asked for", 5, []byte{1}},
		{"negative frame", -1, nil},
		{"over 16 MiB", 5, make([]byte, 16<<20+1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := peers[0].Snapshot(tc.frame, tc.state); !errors.Is(err, ErrBadSnapshot) {
				t.Errorf("Snapshot = %v, want ErrBadSnapshot", err)
			}
		})
	}
}

// TestRepairDesyncErrors: RepairDesync with nothing to repair, a player not
// in the match, or without Config.Snapshots fails with its sentinel.
func TestRepairDesyncErrors(t *testing.T) {
	on := transport{}.lobby(t, 2, 31, func(c *Config) { c.Snapshots = true })
	off := transport{}.lobby(t, 2, 37, nil)
	for _, tc := range []struct {
		name  string
		s     *Session[testInput]
		frame lockstep.Frame
		keep  lockstep.PlayerID
		want  error
	}{
		{"no desync at the frame", on[0], 20, 0, ErrNoDesync},
		{"keep not in the match", on[0], 20, 2, ErrUnknownPlayer},
		{"snapshots off", off[0], 20, 0, ErrBadConfig},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.s.RepairDesync(tc.frame, tc.keep); !errors.Is(err, tc.want) {
				t.Errorf("RepairDesync = %v, want %v", err, tc.want)
			}
		})
	}
}
