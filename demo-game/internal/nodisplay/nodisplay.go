// Package nodisplay answers the demo's command line before Ebiten loads,
// on a machine with no display.
//
// Ebiten's internal/ui package opens the display in its init function and
// panics, with a stack trace, when there is none: before main can read a
// flag. Go runs the init functions of a program's packages in dependency
// order and, among the packages ready at the same time, in the lexical order
// of their import paths. This package imports only os and syscall, so it is
// ready as soon as os is; Ebiten's ui package needs text/template (for its
// shader compiler), which needs fmt and so os too, and sorts after every
// github.com path: whenever both this package and text/template are ready,
// this one goes first, and Ebiten's ui can only come after text/template.
// That holds whatever else the program imports, which an init that needed
// the game's own packages could not promise (they pull in much of the
// standard library). The demo's TestNoDisplay builds the binary and runs it
// with no display, and fails if Ebiten's init ever gets there first.
//
// So little to import leaves little to say: without a display this
// package prints one line, pointing to the headless bot (which takes the
// same flags and plays with no window), and exits; -help gets the same
// pointer and exit status 0. With a display, or in a test binary, its init
// does nothing.
package nodisplay

import "os"

// BotHint is what a player with no display runs instead.
const BotHint = "go run ./demo-game/cmd/neonbot"

func init() {
	if isTestBinary(os.Args[0]) {
		return
	}
	why := Check(os.Getenv("DISPLAY"))
	if why == "" {
		return
	}
	for _, a := range os.Args[1:] {
		switch a {
		case "-h", "-help", "--help", "-h=true", "-help=true":
			os.Stdout.WriteString("Neon Trails: light cycles for 2 to 8 friends, peer to peer.\n\n" +
				"This machine has " + why + ", and the game's window needs one.\n" +
				"The headless bot plays the same game with the same flags and no window:\n\n\t" +
				BotHint + " -help\n")
			os.Exit(0)
		}
	}
	os.Stderr.WriteString("neon trails: " + why + ", and the game needs a window: play without one with the headless bot, which takes the same flags: " + BotHint + "\n")
	os.Exit(1)
}

// isTestBinary reports a Go test binary (its name ends in ".test"), whose
// tests run with or without a display.
func isTestBinary(name string) bool {
	return len(name) > 5 && name[len(name)-5:] == ".test"
}
