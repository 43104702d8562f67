package netcode

import (
	"errors"
	"testing"
	"time"
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
