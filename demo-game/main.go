// Command demo-game is Neon Trails: light cycles for 2 to 8 friends, peer
// to peer over peerstep's netcode, in an Ebiten window.
//
//	go run ./demo-game                       # the title screen: host, join, practice
//	go run ./demo-game -host -bots 2         # a lobby with two bots, share the code
//	go run ./demo-game -join PS2-...         # join a friend's match
//	go run ./demo-game -practice -bots 5     # alone against five bots
//	go run ./demo-game -host -latency 60ms -jitter 10ms -loss 0.02   # a bad network
//	go run ./demo-game -join PS2-... -record match.psreplay
//	go run ./demo-game -replay match.psreplay
//
// With -frames N a bot steers and the game exits after N frames, printing
// "checksum N HEX" (the end-to-end test uses it). -headless plays without a
// window, and so does ./demo-game/cmd/neonbot, which does not link Ebiten.
// Flags are read and checked before anything starts: a bad one gets one
// line naming it and exit status 2. On a machine with no display, where
// Ebiten cannot load, package nodisplay answers before it does, with one
// line pointing to the headless bot, which takes the same flags.
package main

import (
	"os"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/peerstep/peerstep/demo-game/app"
	"github.com/peerstep/peerstep/demo-game/internal/launch"
	_ "github.com/peerstep/peerstep/demo-game/internal/nodisplay" // answers before Ebiten loads when there is no display
	"github.com/peerstep/peerstep/demo-game/play"
	"github.com/peerstep/peerstep/internal/cli"
)

func main() {
	c, err := launch.Parse(os.Args[1:], os.Stdout)
	if err != nil {
		cli.Exit(launch.Name, err)
	}
	if c.Flags.Headless {
		cli.Exit(launch.Name, play.Explain(c.RunHeadless(os.Stdout)))
	}
	cli.Exit(launch.Name, play.Explain(window(c)))
}

// window plays in a window until the player quits.
func window(c *launch.Command) error {
	a, err := app.New(app.Config{Flags: c.Flags, NetGraph: c.NetGraph, PrefsPath: c.Config, NameSet: c.NameSet, Given: c.Given})
	if err != nil {
		return err
	}
	ebiten.SetWindowTitle("Neon Trails — " + a.Name())
	ebiten.SetWindowSize(c.Width, c.Height)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	ebiten.SetFullscreen(c.Fullscreen)
	// Keep ticking when the window loses focus: the others are waiting
	// for this player's inputs.
	ebiten.SetRunnableOnUnfocused(true)
	err = ebiten.RunGameWithOptions(a, &ebiten.RunGameOptions{InitUnfocused: c.Flags.Frames > 0})
	if cerr := a.Close(); err == nil {
		err = cerr
	}
	return err
}
