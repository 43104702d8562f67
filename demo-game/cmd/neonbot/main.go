// Command neonbot is Neon Trails with no window: a bot plays this side of
// a match. It takes the demo's flags and does not link Ebiten, so it runs
// on a machine with no display: to fill a lobby, in tests, or to check
// that a replay still plays back.
//
//	go run ./demo-game/cmd/neonbot -join PS2-...          # a bot joins your lobby
//	go run ./demo-game/cmd/neonbot -host -bots 3 -frames 600
//	go run ./demo-game/cmd/neonbot -replay match.psreplay # verify a replay
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"

	"github.com/peerstep/peerstep/demo-game/play"
)

func main() {
	var f play.Flags
	f.Register(flag.CommandLine)
	flag.Parse()
	if err := f.Check(); err != nil {
		fmt.Fprintln(os.Stderr, "neonbot:", err)
		os.Exit(2)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := play.RunHeadless(ctx, f.HeadlessRun(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "neonbot:", play.JoinError(err))
		os.Exit(1)
	}
}
