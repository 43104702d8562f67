// Package lockstep is a deterministic lockstep engine for peer-to-peer
// games: a pure state machine, like etcd's raft core. It never reads a
// clock, starts a goroutine or touches a socket. The caller feeds it
//
//   - the local player's input, once a tick (AddLocalInput),
//   - the messages that arrived from other players (Receive),
//   - the current time (Tick),
//
// and drains Ready: messages to send, addressed per player; frames every
// player agrees on, to simulate in order; events (a player left at an
// agreed frame, a desync, the local player was dropped); and a pacing hint.
//
// Quick start, for one player of two, with any transport:
//
//	e, err := lockstep.New(lockstep.Config{Players: 2, Local: me})
//	for each tick {
//		for each message m that arrived from player p {
//			e.Receive(p, m) // decode with lockstep.DecodeMessage
//		}
//		e.Tick(time.Since(start))
//		e.AddLocalInput(readInput())
//		rd := e.Ready()
//		for _, o := range rd.Messages {
//			send(o.To, o.Msg) // encode with lockstep.EncodeMessage
//		}
//		for _, f := range rd.Frames {
//			game.Step(f.Inputs, f.Present)
//			if f.WantChecksum {
//				e.ReportChecksum(f.Frame, game.Checksum())
//			}
//		}
//		sleep(frame + rd.SlowDown)
//	}
//
// Example_twoPlayers runs exactly this by hand; package netcode does it over
// KCP; examples/custom-transport over Go channels.
//
// # How it works
//
// Input delay: each tick's local input is scheduled InputDelay frames ahead
// of the local frame clock and sent to everyone at once; a frame runs when
// every present player's input for it is known. Nothing waits for
// acknowledgements: with one-way latency L and frame time T, a delay of
// ceil(L/T)+1 frames runs without stalls. The local clock stops while the
// simulation waits, so a stall shifts the schedule instead of piling inputs
// up. A larger delay is filled in with the previous input, a smaller one
// reached by merging inputs (Config.MergeInput), so that every frame has
// exactly one input from every player.
//
// Pacing: pings carry each peer's frame; a peer that runs ahead of the
// others (a fast clock) is told to wait a little longer per tick
// (Ready.SlowDown), so that waiting is spread thinly instead of showing as
// stalls.
//
// Checksums: every ChecksumInterval frames the game reports a checksum; the
// players exchange them and a difference raises EventDesync naming the
// frame and the players.
//
// A player leaves: when a player falls silent past DisconnectTimeout, its
// link closes, or it says it leaves, the others must agree on the first
// frame without it. Every remaining peer freezes the last frame of its input
// it holds and reports it, with those inputs, to all; once each remaining
// peer's latest report covers every pending drop, the drop frame is the
// largest reported frame plus one, and everyone holds the inputs before it.
// A second failure during the agreement only widens the set being dropped;
// a drop settled by anyone is reported as final and wins. No coordinator is
// needed, and the property test plays thousands of seeded matches with
// crashes, leaves and lost messages to show every peer reaches the same
// frames.
package lockstep
