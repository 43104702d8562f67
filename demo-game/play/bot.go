package play

import (
	"context"
	"errors"
	"time"

	"github.com/peerstep/peerstep/demo-game/sim"
)

// BotPlayer is a computer player with a session of its own, which joins a
// match with its share code like anyone else and plays sim.Bot's inputs.
type BotPlayer struct {
	name   string
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
}

func newBot(parent context.Context, name string) *BotPlayer {
	b := &BotPlayer{name: name, done: make(chan struct{})}
	b.ctx, b.cancel = context.WithCancel(parent)
	return b
}

// Name returns the bot's name in the lobby.
func (b *BotPlayer) Name() string { return b.name }

// Stop makes the bot leave and waits until it has.
func (b *BotPlayer) Stop() {
	b.cancel()
	<-b.done
}

// run joins the match with code and plays it until the match ends for the
// bot (alone, dropped), the bot is stopped, or frames frames are played
// (frames > 0).
func (b *BotPlayer) run(code string, opts Options) error {
	defer close(b.done)
	l, err := Join(b.ctx, code, opts)
	if err != nil {
		return err
	}
	defer l.Close()
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		m, err := l.Update()
		if err != nil {
			return err
		}
		if m != nil {
			return Autoplay(b.ctx, m, 0, Watch{})
		}
		select {
		case <-b.ctx.Done():
			return b.ctx.Err()
		case <-t.C:
		}
	}
}

// Watch receives what an Autoplay run reports. A nil field is not
// called.
type Watch struct {
	// Done is called once the frames asked for are simulated.
	Done func(m *Match)
	// Notice receives the match's notices.
	Notice func(Notice)
	// Drop receives each player the others dropped, as soon as the
	// session reports it.
	Drop func(Drop)
}

// Autoplay plays m with sim.Bot's inputs for the local player, ticking at
// the match's rate, until ctx ends, every other player has left, or the
// match fails. With frames > 0 it calls w.Done once frames frames are
// simulated and returns a second later: the others may still need this
// player's last inputs. It closes m before it returns.
func Autoplay(ctx context.Context, m *Match, frames int, w Watch) error {
	defer m.Close()
	t := time.NewTicker(time.Second / time.Duration(m.TickRate()))
	defer t.Stop()
	if frames > 0 {
		m.StopAfter(frames)
	}
	linger := -1
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		var in sim.Input
		if frames == 0 || m.Frames() < frames {
			in = m.Bot(m.Local())
		}
		err := m.Tick(in)
		m.Events()
		for _, d := range m.Drops() {
			if w.Drop != nil {
				w.Drop(d)
			}
		}
		for _, n := range m.Notices() {
			if w.Notice != nil {
				w.Notice(n)
			}
		}
		if frames > 0 && m.Frames() >= frames && linger < 0 {
			if w.Done != nil {
				w.Done(m)
			}
			linger = m.TickRate()
		}
		if linger == 0 {
			return nil
		}
		if linger > 0 {
			linger--
		}
		if errors.Is(err, ErrReplayOver) {
			return nil
		}
		if err != nil {
			return err
		}
		if frames == 0 && Alone(m) {
			return nil
		}
	}
}

// Alone reports whether every other player has left m.
func Alone(m *Match) bool {
	for p := range m.Names() {
		if p != m.Local() && m.Present(p) {
			return false
		}
	}
	return true
}
