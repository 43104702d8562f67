package netcode

import (
	"testing"
	"testing/synctest"

	"github.com/peerstep/peerstep/netcode/netsim"
)

// The tests that wait, in virtual time: each scenario in a
// testing/synctest bubble of its own, over a memnet network made in the
// bubble. The clock moves only when every goroutine of the bubble waits,
// so a scenario that takes ten seconds of match takes milliseconds, and
// timing figures (pacing, input delay) do not depend on the machine's load.

// virtual runs scs, each in a bubble over memnet; sim, if set, impairs
// the sockets of scenarios that set no impairment of their own.
func virtual(t *testing.T, scs []scenario, sim *netsim.Config) {
	for _, sc := range scs {
		t.Run(sc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				sc.run(t, transport{mem: newMemTransport(t), sim: sim})
			})
		})
	}
}

// The suite over memnet (TestSessionMemory) runs here too; memnet
// delivers at once and the clock stands still while goroutines run, so
// round trips would be zero: the simulator gives them latency.

// TestWaitingVirtual: the lobby tests that wait on the clock, in virtual
// time as well as over loopback UDP.
func TestWaitingVirtual(t *testing.T) {
	virtual(t, []scenario{
		{"wait-players", testWaitPlayers},
		{"lobby-snapshot", testLobbySnapshotAndEvents},
		{"wrong-code-storm", testWrongCodeStorm},
	}, nil)
}
