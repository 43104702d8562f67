// Package launch is the demo's command line without Ebiten: it reads and
// checks the flags and runs what needs no window, so that -help, a bad
// flag and -headless get their answer on a machine with no display, where
// Ebiten cannot even load (package nodisplay calls NoDisplay before it
// does).
package launch

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/peerstep/peerstep/demo-game/internal/prefs"
	"github.com/peerstep/peerstep/demo-game/play"
	"github.com/peerstep/peerstep/internal/cli"
)

// Name is the demo's name in its messages.
const Name = "neon trails"

// BotHint points a player with no display to the headless bot.
const BotHint = "go run ./demo-game/cmd/neonbot"

// Command is the demo's command line: what to play (play.Flags) and the
// window.
type Command struct {
	Flags         play.Flags
	Width, Height int
	Fullscreen    bool
	NetGraph      bool
	// Config is the options file to use (-config); "" means
	// prefs.Path's default.
	Config string
	// NameSet says -name was given: it goes before the options' name.
	NameSet bool
	// Given are the flags given on the command line, by name.
	Given map[string]bool
}

// Parse reads and checks the demo's command line. On -help it prints the
// usage to stdout and returns flag.ErrHelp; any other error is a
// *cli.UsageError of one line naming the flag.
func Parse(args []string, stdout io.Writer) (*Command, error) {
	var c Command
	fs := flag.NewFlagSet(Name, flag.ContinueOnError)
	c.Flags.Register(fs)
	fs.IntVar(&c.Width, "width", 1280, "window width in `pixels`")
	fs.IntVar(&c.Height, "height", 720, "window height in `pixels`")
	fs.BoolVar(&c.Fullscreen, "fullscreen", false, "start in fullscreen (F11 toggles)")
	fs.BoolVar(&c.NetGraph, "netgraph", false, "show the net graph from the start (TAB toggles it)")
	fs.StringVar(&c.Config, "config", "", "the options `file` (default: $"+prefs.EnvPath+", else neontrails.json in peerstep's user config directory)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Neon Trails: light cycles for 2 to 8 friends, peer to peer.\n\n"+
			"usage: %s [flags]\n\nWith no display, -headless plays without a window, and so does\n%s.\n\n",
			os.Args[0], BotHint)
		fs.PrintDefaults()
	}
	if err := cli.Parse(fs, args, stdout); err != nil {
		return nil, err
	}
	c.Given = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { c.Given[f.Name] = true })
	c.NameSet = c.Given["name"]
	switch {
	case c.Width < 320 || c.Width > 16384:
		return nil, cli.Badf("width", c.Width, "320 to 16384 pixels")
	case c.Height < 240 || c.Height > 16384:
		return nil, cli.Badf("height", c.Height, "240 to 16384 pixels")
	}
	if err := c.Flags.Check(); err != nil {
		return nil, err
	}
	return &c, nil
}

// RunHeadless plays the side the flags describe with no window, printing
// what play.RunHeadless prints to stdout, until it is done or the process
// is interrupted.
func (c *Command) RunHeadless(stdout io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return play.RunHeadless(ctx, c.Flags.HeadlessRun(), stdout)
}
