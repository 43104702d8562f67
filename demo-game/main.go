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
// window; on a machine with no display at all use the same flags with
// ./demo-game/cmd/neonbot, which does not link Ebiten (Ebiten needs a
// display as soon as it loads).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/hajimehoshi/ebiten/v2"

	"github.com/peerstep/peerstep/demo-game/app"
	"github.com/peerstep/peerstep/demo-game/play"
)

func main() {
	var f play.Flags
	f.Register(flag.CommandLine)
	width := flag.Int("width", 1280, "window width in `pixels`")
	height := flag.Int("height", 720, "window height in `pixels`")
	fullscreen := flag.Bool("fullscreen", false, "start in fullscreen (F11 toggles)")
	netGraph := flag.Bool("netgraph", false, "show the net graph from the start (TAB toggles it)")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Neon Trails: light cycles for 2 to 8 friends, peer to peer.\n\nusage: %s [flags]\n\n", os.Args[0])
		flag.PrintDefaults()
	}
	flag.Parse()
	if err := f.Check(); err != nil {
		fmt.Fprintln(os.Stderr, "neon trails:", err)
		os.Exit(2)
	}
	if f.Headless {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
		defer stop()
		if err := play.RunHeadless(ctx, f.HeadlessRun(), os.Stdout); err != nil {
			fmt.Fprintln(os.Stderr, "neon trails:", play.JoinError(err))
			os.Exit(1)
		}
		return
	}

	a, err := app.New(app.Config{Flags: f, NetGraph: *netGraph})
	if err != nil {
		fmt.Fprintln(os.Stderr, "neon trails:", play.JoinError(err))
		os.Exit(1)
	}
	ebiten.SetWindowTitle("Neon Trails — " + f.Name)
	ebiten.SetWindowSize(*width, *height)
	ebiten.SetWindowResizingMode(ebiten.WindowResizingModeEnabled)
	ebiten.SetFullscreen(*fullscreen)
	// Keep ticking when the window loses focus: the others are waiting
	// for this player's inputs.
	ebiten.SetRunnableOnUnfocused(true)
	err = ebiten.RunGameWithOptions(a, &ebiten.RunGameOptions{InitUnfocused: f.Frames > 0})
	if cerr := a.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "neon trails:", err)
		os.Exit(1)
	}
}
