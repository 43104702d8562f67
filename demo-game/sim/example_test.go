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
	// tick 1320: player 1 crashed at 20,12 (trail)
	// round 1 won by player 0
	// tick 1560: round 2, go!
	// tick 2596: player 0 crashed at 14,16 (trail)
	// round 2 won by player 1
	// tick 2836: round 3, go!
	// tick 3596: player 0 crashed at -1,0 (wall)
	// round 3 won by player 1
	// match won by player 1 scores [1 2]
	// checksum 047a95fe32b7de30
}
