// Command neonbot is Neon Trails with no window: a bot plays this side of
// a match. It takes the demo's flags and does not link Ebiten, so it runs
// on a machine with no display: to fill a lobby, in tests, or to check
// that a replay still plays back.
//
//	go run ./demo-game/cmd/neonbot -join PS2-...          # a bot joins your lobby
//	go run ./demo-game/cmd/neonbot -host -bots 3 -frames 600
//	go run ./demo-game/cmd/neonbot -replay match.psreplay # verify a replay
//	go run ./demo-game/cmd/neonbot -join PS1-... -latency 80ms -loss 0.05 -both-ways
//
// Besides the demo's lines ("share code: ...", "match started: ...",
// "checksum N HEX") it prints "dropped player P at frame F (NAME)" when the
// others agree that player P is gone from frame F on. A bad flag or share
// code gets one line naming it and exit status 2; a failed run, one line
// in the words the demo's window uses and exit status 1.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/peerstep/peerstep/demo-game/internal/launch"
	"github.com/peerstep/peerstep/demo-game/play"
	"github.com/peerstep/peerstep/internal/cli"
)

func main() {
	c, err := parseArgs(os.Args[1:], os.Stdout)
	if err == nil {
		err = play.Explain(c.RunHeadless(os.Stdout))
	}
	cli.Exit("neonbot", err)
}

// parseArgs reads and checks neonbot's command line: the demo's flags, all
// of them about a headless side.
func parseArgs(args []string, stdout io.Writer) (*launch.Command, error) {
	c := &launch.Command{}
	fs := flag.NewFlagSet("neonbot", flag.ContinueOnError)
	c.Flags.Register(fs)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "neonbot: Neon Trails with no window, a bot playing this side.\n\nusage: %s [flags]\n\n", os.Args[0])
		fs.PrintDefaults()
	}
	if err := cli.Parse(fs, args, stdout); err != nil {
		return nil, err
	}
	c.Flags.Headless = true
	if err := c.Flags.Check(); err != nil {
		return nil, err
	}
	return c, nil
}
