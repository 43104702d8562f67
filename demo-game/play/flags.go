package play

import (
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/peerstep/peerstep/demo-game/sim"
)

// Flags are the command-line flags the demo and its headless bot share:
// everything the menus do, without the menus.
type Flags struct {
	Host     bool
	Join     string
	Practice bool
	Replay   string
	Bots     int
	Players  int
	Frames   int
	Headless bool
	Options
}

// Register adds the flags to fs, with the network simulator's (latency,
// jitter, loss, dup, reorder, bandwidth, seed).
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.BoolVar(&f.Host, "host", false, "host a match and print its share code")
	fs.StringVar(&f.Join, "join", "", "join the match with this share `code`")
	fs.BoolVar(&f.Practice, "practice", false, "play against bots on this machine, no network")
	fs.StringVar(&f.Replay, "replay", "", "play the replay `file` back")
	fs.StringVar(&f.Record, "record", "", "record the match to this replay `file`")
	fs.StringVar(&f.Name, "name", defaultName(), "your `name` in the lobby")
	fs.IntVar(&f.Bots, "bots", 0, "with -host: computer players that join the lobby; with -practice: opponents (default 3)")
	fs.IntVar(&f.Players, "players", 0, "with -frames and -host: start once this many players are in (default 2, or 1+bots)")
	fs.IntVar(&f.RoundsToWin, "rounds", 3, "rounds to win a match (host and practice)")
	fs.Func("arena", "arena size in cells, e.g. 48x30 (host and practice; default: by the number of players)", func(v string) error {
		var w, h int
		if _, err := fmt.Sscanf(v, "%dx%d", &w, &h); err != nil {
			return fmt.Errorf("want WIDTHxHEIGHT, like 48x30")
		}
		if w < sim.MinSize || h < sim.MinSize || w > sim.MaxSize || h > sim.MaxSize {
			return fmt.Errorf("each side %d to %d cells", sim.MinSize, sim.MaxSize)
		}
		f.ArenaWidth, f.ArenaHeight = w, h
		return nil
	})
	fs.StringVar(&f.ListenAddr, "listen", "", "UDP `address` to bind (default: every interface, a free port)")
	fs.IntVar(&f.Frames, "frames", 0, "play by itself (a bot steers) and exit after `N` frames, printing \"checksum N HEX\"")
	fs.BoolVar(&f.Headless, "headless", false, "no window: a bot plays this side (for tests and to fill a lobby)")
	f.Network.RegisterFlags(fs, "")
}

// Check reports flags that contradict each other.
func (f *Flags) Check() error {
	n := 0
	for _, on := range []bool{f.Host, f.Join != "", f.Practice, f.Replay != ""} {
		if on {
			n++
		}
	}
	switch {
	case n > 1:
		return fmt.Errorf("use one of -host, -join, -practice and -replay")
	case f.RoundsToWin < 1 || f.RoundsToWin > 99:
		return fmt.Errorf("-rounds %d: 1 to 99", f.RoundsToWin)
	case f.Bots < 0 || f.Bots > 7:
		return fmt.Errorf("-bots %d: 0 to 7", f.Bots)
	case f.Frames < 0:
		return fmt.Errorf("-frames %d: want 0 or more", f.Frames)
	case len(f.Name) > 32 || strings.TrimSpace(f.Name) == "":
		return fmt.Errorf("-name %q: 1 to 32 bytes", f.Name)
	}
	return f.Network.Validate()
}

// HeadlessRun returns the headless run the flags describe.
func (f *Flags) HeadlessRun() Headless {
	h := Headless{Options: f.Options, Host: f.Host, Join: f.Join, Practice: f.Practice, Replay: f.Replay,
		Bots: f.Bots, Players: f.Players, Frames: f.Frames}
	if h.Practice && h.Bots == 0 {
		h.Bots = 3
	}
	return h
}

func defaultName() string {
	for _, v := range []string{"USER", "USERNAME", "LOGNAME"} {
		if s := os.Getenv(v); s != "" && len(s) <= 16 {
			return s
		}
	}
	return "player"
}
