// Package sim is Neon Trails, a light-cycle game for 2 to 8 players, as a
// pure deterministic simulation: integer math only, no clock, no I/O, no
// maps, no global state, no Ebiten, and randomness only from a generator
// kept inside the State. Every machine in a lockstep match steps its own
// State with the same inputs and reaches the same Checksum.
//
// # Rules
//
// Every rider moves on its own on a grid, one cell every four ticks
// (Speed cells a second at Config.Pace's normal; two thirds of that slow,
// four thirds fast), leaving a wall of its colour behind. Steer with
// the four directions; a turn straight back is ignored, and up to two
// turns made within one cell are kept and made one cell after the other.
// Hold boost to ride twice as fast while the meter lasts (1.5 s when full;
// it refills in 4.5 s, and boost only starts with a quarter of it). Riding
// into the arena's edge or any trail, your own included, crashes you; two
// riders entering the same cell, or swapping cells, both crash. A crashed
// rider's trail derezzes a second later. The last rider standing wins the
// round (if the last ones crash together, nobody does) and the first to
// win Config.RoundsToWin rounds wins the match. Each round starts with a
// countdown (3 s for the first, 2 s after) during which riders stand on
// their marks, spread evenly round the arena and facing inwards; a
// direction pressed then sets the one they start in. A player who leaves
// crashes at once, its trail vanishes, and it is out of the match; if only
// one player is left, it wins. Once the match is over, everyone still
// there presses boost to vote for a rematch.
//
// # Quick start
//
//	s, err := sim.New(sim.Config{Players: 2, Seed: seed})
//	if err != nil { ... }
//	for {
//		in := []sim.Input{readKeys(), sim.Bot(s, 1)}
//		s.Step(in, nil) // nil: everyone present
//		for _, e := range s.Events() { ... } // crashes, rounds won, countdown
//		if _, over := s.Winner(); over { break }
//		draw(s) // s.Cell, s.Riders, s.Phase, s.Scores...
//	}
//
// Over the network, every peer calls Step with the inputs and presence of
// each frame as the lockstep engine hands them out, and compares
// Checksum. People and bots send inputs through the same path: Bot
// computes the input a computer player would send, from the state alone.
// MarshalBinary and UnmarshalBinary save and restore the whole state.
package sim
