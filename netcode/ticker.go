package netcode

import (
	"fmt"
	"sync"
	"time"

	"github.com/peerstep/peerstep/lockstep"
)

// A Ticker runs a started match's ticks on a timer of its own, for a game
// whose loop runs at a fixed rate it cannot stretch by a fraction of a frame
// (Ebiten's Update, a physics step): such a loop cannot wait out Pace, so it
// cannot keep its ticks in phase with the other players'. The Ticker can:
// it ticks at the match's rate, waits out the pacing advice as a sleeping
// loop does, and so gets the same input delay. The game hands it the input
// whenever it reads one (SetInput) and collects the frames that ran since it
// last asked (Frames), in its own loop, at whatever rate that runs.
//
// A hitch of the game loop (a window being dragged, a long load) does not
// hitch the match: the Ticker keeps ticking with the last input and holds
// the frames for the game, up to ten seconds of them; beyond that it stops
// ticking until the game collects them, as a hung loop stops.
type Ticker[I any] struct {
	s     *Session[I]
	stop  chan struct{}
	ended chan struct{}

	mu      sync.Mutex
	last    [][]byte // by local player: the latest input the game set
	pending [][]byte // by local player: inputs set since the last tick, merged; nil: none
	frames  []outFrame
	err     error // what ended the ticking: ErrDropped, ErrClosed...
	backlog int   // the most frames held for the game
}

// Ticker starts a Ticker for the match: from then on it, not the game,
// calls Tick. It fails before the match starts (ErrNotStarted), after Close
// (ErrClosed), and while another Ticker runs (ErrTicking). Stop ends it; so
// does Close.
func (s *Session[I]) Ticker() (*Ticker[I], error) {
	c := s.c
	if c.isClosed() {
		return nil, ErrClosed
	}
	if !c.isStarted() {
		return nil, ErrNotStarted
	}
	if !c.ticking.CompareAndSwap(false, true) {
		return nil, ErrTicking
	}
	var zero I
	in, err := lockstep.EncodeInput(zero)
	if err != nil {
		c.ticking.Store(false)
		return nil, fmt.Errorf("netcode: %w", err)
	}
	locals := len(c.match.info.LocalPlayers)
	t := &Ticker[I]{
		s:       s,
		stop:    make(chan struct{}),
		ended:   make(chan struct{}),
		last:    make([][]byte, locals),
		pending: make([][]byte, locals),
		backlog: 10 * c.match.info.TickRate,
	}
	for k := range t.last {
		t.last[k] = in
	}
	c.wg.Add(1)
	go t.run()
	return t, nil
}

// SetInput hands in this player's input as the game reads it now. The next
// tick sends it; inputs set between two ticks are folded into one with
// Config.MergeInput, so that a press between ticks is not lost (without
// MergeInput the newest wins), and a tick with no new input repeats the
// last one. With several local players it is the first one's input
// (SetPlayerInput(0, input)).
func (t *Ticker[I]) SetInput(input I) error { return t.SetPlayerInput(0, input) }

// SetPlayerInput is SetInput for the k-th of this machine's players, in the
// order of MatchInfo.LocalPlayers (Config.LocalPlayers). A k out of range
// fails with an error wrapping lockstep.ErrInputCount.
func (t *Ticker[I]) SetPlayerInput(k int, input I) error {
	if k < 0 || k >= len(t.last) {
		return fmt.Errorf("netcode: local player %d of %d: %w", k, len(t.last), lockstep.ErrInputCount)
	}
	b, err := lockstep.EncodeInput(input)
	if err != nil {
		return fmt.Errorf("netcode: %w", err)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.last[k] = b
	if t.pending[k] == nil {
		t.pending[k] = b
	} else {
		t.pending[k] = t.s.c.match.merge(t.pending[k], b)
	}
	return nil
}

// Frames returns the frames that every player agrees on and that ran since
// the last call, in order, to simulate now; often none or one, several after
// a hitch of the game loop. Once the ticking ended it returns the frames
// still held with what ended it: ErrDropped when the others dropped this
// player, ErrClosed after Close or Stop, or the error Tick returned.
func (t *Ticker[I]) Frames() ([]Frame[I], error) {
	t.mu.Lock()
	raw, err := t.frames, t.err
	t.frames = nil
	t.mu.Unlock()
	return decodeFrames[I](raw), err
}

// Stop ends the ticking and waits until the last tick is over; the game may
// call Session.Tick itself afterwards. Frames still returns what was held.
// Stop is safe to call twice, and after Close.
func (t *Ticker[I]) Stop() {
	select {
	case <-t.stop:
	default:
		close(t.stop)
	}
	<-t.ended
}

func (t *Ticker[I]) run() {
	c := t.s.c
	defer c.wg.Done()
	defer close(t.ended)
	defer c.ticking.Store(false)
	frame := c.match.frameDur
	timer := time.NewTimer(0)
	defer timer.Stop()
	next := time.Now()
	for {
		select {
		case <-t.stop:
			t.end(ErrClosed)
			return
		case <-c.closed:
			t.end(ErrClosed)
			return
		case <-timer.C:
		}
		t.mu.Lock()
		full := len(t.frames) >= t.backlog
		in := make([][]byte, len(t.last))
		for k := range in {
			in[k] = t.pending[k]
			if in[k] == nil {
				in[k] = t.last[k]
			}
			if !full {
				t.pending[k] = nil
			}
		}
		t.mu.Unlock()
		if !full {
			frames, err := c.tick(in)
			t.mu.Lock()
			t.frames = append(t.frames, frames...)
			t.mu.Unlock()
			if err != nil {
				t.end(err)
				return
			}
		}
		next = next.Add(frame + c.takePace())
		if time.Since(next) > 4*frame {
			next = time.Now() // this process hung: do not race to catch up
		}
		timer.Reset(time.Until(next))
	}
}

func (t *Ticker[I]) end(err error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.err = err
}
