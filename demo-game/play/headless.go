package play

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/peerstep/peerstep/internal/cli"
)

// Headless describes a run with no window: a bot plays this player's side.
type Headless struct {
	Options
	// Host a match, or Join one with this share code, or play a Practice
	// match against Bots bots, or play the Replay file back.
	Host     bool
	Join     string
	Practice bool
	Replay   string
	// Bots: with Host, computer players added to the lobby; with
	// Practice, the number of opponents.
	Bots int
	// Players: a host starts the match once this many players are in the
	// lobby and linked. Zero means 2, or 1+Bots if that is more.
	Players int
	// Frames: stop after this many frames, printing the checksum. Zero
	// plays until every other player has left (or the replay ends).
	Frames int
	// Seed of a practice match; zero picks one from the clock.
	Seed uint64
}

// RunHeadless runs h until it is done or ctx ends, printing to out the
// lines tests read: "share code: CODE", "match started: N players, you are
// player P", "bot skill: SKILL", "notice: TEXT", "dropped player P at frame F" when the others
// agree that player P is gone from frame F on, "replay: SUMMARY" after a
// replay, and "checksum FRAMES HEX" at the end.
func RunHeadless(ctx context.Context, h Headless, out io.Writer) error {
	var m *Match
	var err error
	switch {
	case h.Replay != "":
		m, err = OpenReplay(h.Replay)
		if err != nil {
			return err
		}
		return playReplay(m, h.Frames, out)
	case h.Practice:
		seed := h.Seed
		if seed == 0 {
			seed = uint64(time.Now().UnixNano())
		}
		if m, err = NewPractice(h.Options, max(h.Bots, 1), seed); err != nil {
			return err
		}
	case h.Host || h.Join != "":
		if m, err = headlessLobby(ctx, h, out); err != nil {
			return err
		}
	default:
		return cli.Usage(errors.New("nothing to do: give -host, -join CODE, -practice or -replay"))
	}
	fmt.Fprintf(out, "match started: %d players, you are player %d\nbot skill: %v\nspeed: %v\n", len(m.Names()), m.Local(), m.BotSkill(), m.State().Config().Pace)
	err = Autoplay(ctx, m, h.Frames, Watch{
		Done: func(m *Match) {
			fmt.Fprintf(out, "checksum %d %016x\n", m.Frames(), m.State().Checksum())
		},
		Notice: func(n Notice) { fmt.Fprintf(out, "notice: %s\n", n.Text) },
		Drop: func(d Drop) {
			fmt.Fprintf(out, "dropped player %d at frame %d (%s)\n", d.Player, d.Frame, d.Name)
		},
	})
	if errors.Is(err, context.Canceled) {
		return nil
	}
	return err
}

func headlessLobby(ctx context.Context, h Headless, out io.Writer) (*Match, error) {
	var l *Lobby
	var err error
	if h.Host {
		if l, err = Host(ctx, h.Options); err != nil {
			return nil, err
		}
		fmt.Fprintf(out, "share code: %s\n", l.Code())
		if h.Bots > 0 {
			if err := l.AddBots(h.Bots); err != nil {
				l.Close()
				return nil, err
			}
		}
	} else if l, err = Join(ctx, h.Join, h.Options); err != nil {
		return nil, err
	}
	want := max(h.Players, 2, 1+h.Bots)
	t := time.NewTicker(20 * time.Millisecond)
	defer t.Stop()
	for {
		m, err := l.Update()
		for _, n := range l.Notices() {
			fmt.Fprintf(out, "notice: %s\n", n.Text)
		}
		if err != nil {
			l.Close()
			return nil, err
		}
		if m != nil {
			return m, nil
		}
		if info := l.Info(); h.Host && !info.Starting && info.Ready && len(info.Players) >= want {
			l.Start()
		}
		select {
		case <-ctx.Done():
			l.Close()
			return nil, ctx.Err()
		case <-t.C:
		}
	}
}

// playReplay plays a replay back as fast as it goes.
func playReplay(m *Match, frames int, out io.Writer) error {
	defer m.Close()
	for frames == 0 || m.Frames() < frames {
		if err := m.Tick(0); errors.Is(err, ErrReplayOver) {
			break
		} else if err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "replay: %s\n", m.ReplaySummary())
	fmt.Fprintf(out, "checksum %d %016x\n", m.Frames(), m.State().Checksum())
	return nil
}
