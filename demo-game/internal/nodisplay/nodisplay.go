// Package nodisplay answers the demo's command line before Ebiten loads,
// on a machine with no display.
//
// Ebiten's internal/ui package opens the display in its init function and
// panics, with a stack trace, when there is none: before main can read a
// flag, so -help and -headless would die with it. Go runs the init
// functions of a program's packages in dependency order and, among the
// packages ready at the same time, in the lexical order of their import
// paths. Ebiten's ui package waits on text/template (for its shader
// compiler), which sorts after every github.com and golang.org path; with
// Ebiten v2.8.8 and Go 1.26 this package starts just before text/template,
// and Ebiten's ui a few packages after it (GODEBUG=inittrace=1 shows the
// order). That is no promise of Go's or Ebiten's: the demo's TestNoDisplay
// builds the binary and runs it with no display, and fails if Ebiten's
// init ever gets there first.
//
// The demo's main package imports it for its init alone. With a display,
// or in a test binary, the init does nothing; without one, it answers the
// command line (launch.NoDisplay) and exits.
package nodisplay

import (
	"os"
	"testing"

	"github.com/peerstep/peerstep/demo-game/internal/launch"
)

func init() {
	if testing.Testing() {
		return
	}
	if ok, why := launch.Display(); !ok {
		os.Exit(launch.NoDisplay(os.Args[1:], why, os.Stdout, os.Stderr))
	}
}
