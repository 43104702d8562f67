package play

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/peerstep/peerstep/demo-game/sim"
	"github.com/peerstep/peerstep/internal/cli"
	"github.com/peerstep/peerstep/lockstep/replay"
	"github.com/peerstep/peerstep/netcode/sharecode"
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

	joinGiven bool // -join was on the command line, perhaps empty
}

// Register adds the flags to fs, with the network simulator's (latency,
// jitter, loss, dup, reorder, bandwidth, seed, both-ways and the in- flags
// for what this player receives).
func (f *Flags) Register(fs *flag.FlagSet) {
	fs.BoolVar(&f.Host, "host", false, "host a match and print its share code")
	fs.Func("join", "join the match with this share `code`", func(code string) error {
		f.Join, f.joinGiven = code, true
		return nil
	})
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
	fs.Func("bot-skill", "how well the bots play: easy, normal or hard (host and practice; default normal)", func(v string) error {
		k, ok := sim.ParseSkill(v)
		if !ok {
			return fmt.Errorf("want easy, normal or hard")
		}
		f.BotSkill = k
		return nil
	})
	fs.Func("speed", "how fast the riders go: slow, normal or fast (host and practice; default normal)", func(v string) error {
		p, ok := sim.ParsePace(v)
		if !ok {
			return fmt.Errorf("want slow, normal or fast")
		}
		f.Pace = p
		return nil
	})
	fs.StringVar(&f.ListenAddr, "listen", "", "UDP `address` to bind (default: every interface, a free port)")
	fs.IntVar(&f.Frames, "frames", 0, "play by itself (a bot steers) and exit after `N` frames, printing \"checksum N HEX\"")
	fs.BoolVar(&f.Headless, "headless", false, "no window: a bot plays this side (for tests and to fill a lobby)")
	f.Network.RegisterFlags(fs, "")
	f.Reach.RegisterFlags(fs, "")
}

// Check reports the first flag that is out of range or contradicts
// another, as a *cli.UsageError of one line naming it: nothing to do for
// a headless run, a share code that does not parse (in ErrorText's words,
// as the join screen says it), a replay file that is not there, a record
// file in a directory that is not, and the network simulator's flags out
// of their bounds (netsim.Config.CheckFlags).
func (f *Flags) Check() error {
	n := 0
	for _, on := range []bool{f.Host, f.joinGiven || f.Join != "", f.Practice, f.Replay != ""} {
		if on {
			n++
		}
	}
	switch {
	case n > 1:
		return cli.Usage(errors.New("use one of -host, -join, -practice and -replay"))
	case n == 0 && f.Headless:
		return cli.Usage(errors.New("nothing to do: give -host, -join CODE, -practice or -replay"))
	case f.RoundsToWin < 1 || f.RoundsToWin > 99:
		return cli.Badf("rounds", f.RoundsToWin, "1 to 99")
	case f.Bots < 0 || f.Bots > sim.MaxPlayers-1:
		return cli.Badf("bots", f.Bots, "0 to %d", sim.MaxPlayers-1)
	case f.Bots > 0 && !f.Host && !f.Practice:
		return cli.Badf("bots", f.Bots, "only with -host or -practice")
	case f.Players != 0 && (f.Players < 2 || f.Players > sim.MaxPlayers):
		return cli.Badf("players", f.Players, "2 to %d", sim.MaxPlayers)
	case f.Players != 0 && !f.Host:
		return cli.Badf("players", f.Players, "only with -host")
	case f.Frames < 0:
		return cli.Badf("frames", f.Frames, "0 or more")
	case len(f.Name) > 32 || strings.TrimSpace(f.Name) == "":
		return cli.Badf("name", f.Name, "1 to 32 bytes")
	case f.Record != "" && f.Replay != "":
		return cli.Badf("record", f.Record, "not while playing a replay back")
	}
	if f.joinGiven || f.Join != "" {
		if _, err := sharecode.Parse(f.Join); err != nil {
			return cli.Badf("join", f.Join, "%s", ErrorText(err))
		}
	}
	if f.ListenAddr != "" {
		if err := checkListen(f.ListenAddr); err != nil {
			return cli.Badf("listen", f.ListenAddr, "%v", err)
		}
	}
	if f.Replay != "" {
		_, err := os.Stat(f.Replay)
		if errors.Is(err, os.ErrNotExist) {
			_, err = os.Stat(f.Replay + replay.PartialSuffix) // a recording that did not finish
		}
		if err != nil {
			return cli.Badf("replay", f.Replay, "no such file")
		}
	}
	if f.Record != "" {
		if st, err := os.Stat(filepath.Dir(f.Record)); err != nil || !st.IsDir() {
			return cli.Badf("record", f.Record, "no directory %s to write it in", filepath.Dir(f.Record))
		}
	}
	return cli.Usage(f.Network.CheckFlags(""))
}

// checkListen checks a -listen address: a host (or nothing) and a port.
func checkListen(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return errors.New("want HOST:PORT, such as 127.0.0.1:0")
	}
	if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		return errors.New("the port is a number, 0 to 65535 (0: any free port)")
	}
	return nil
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
