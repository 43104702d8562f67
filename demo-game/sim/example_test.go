package sim_test

import (
	"fmt"

	"github.com/peerstep/peerstep/demo-game/sim"
)

// Two bots on a small arena, first to two rounds. The match plays out the
// same on every machine that steps the same inputs.
func Example() {
	s, err := sim.New(sim.Config{Players: 2, Seed: 7, Width: 32, Height: 24, RoundsToWin: 2})
	if err != nil {
		panic(err)
	}
	for {
		s.Step([]sim.Input{sim.Bot(s, 0), sim.Bot(s, 1)}, nil)
		for _, e := range s.Events() {
			switch e.Kind {
			case sim.EventGo:
				fmt.Printf("tick %d: round %d, go!\n", s.Tick(), s.Round())
			case sim.EventCrash:
				fmt.Printf("tick %d: player %d crashed at %d,%d (%v)\n", s.Tick(), e.Player, e.X, e.Y, e.Cause)
			case sim.EventRoundOver:
				fmt.Printf("round %d won by player %d\n", e.N, e.Player)
			}
		}
		if w, over := s.Winner(); over {
			fmt.Println("match won by player", w, "scores", s.Scores())
			break
		}
	}
	fmt.Printf("checksum %016x\n", s.Checksum())
	// Output:
	// tick 180: round 1, go!
	// tick 638: player 1 crashed at 26,18 (trail)
	// round 1 won by player 0
	// tick 878: round 2, go!
	// tick 1505: player 1 crashed at 2,0 (trail)
	// round 2 won by player 0
	// match won by player 0 scores [2 0]
	// checksum 96aef9df0c2a25f9
}
