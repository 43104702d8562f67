// Package determinism finds nondeterminism in a game's simulation on one
// machine.
//
// A lockstep match stays in sync only if every peer's simulation computes
// the same state from the same inputs. Run steps the game through generated
// inputs and, at every frame, loads a state saved a few frames earlier and
// simulates those frames again: any checksum that differs the second time
// means the step depends on something outside the saved state and the
// inputs, such as the order of a Go map iteration, hidden global state
// (package variables, a counter in a closure), uninitialised or reused
// memory, the clock or global randomness. (Floating point that differs
// between machines cannot show on one machine: it is out of scope.)
//
// Quick start, in a test of the game's package:
//
//	func TestDeterministic(t *testing.T) {
//		err := determinism.Run(NewGame(), determinism.Config{Players: 4, Frames: 2000})
//		if err != nil {
//			t.Fatal(err) // e.g. "determinism: the state differs at frame 117: ..."
//		}
//	}
//
// The game implements Game: Save and Load its whole state, Step a frame,
// Checksum the state. A *MismatchError names the first frame that differs
// and holds the two states Save returned after it, to decode and diff.
package determinism
