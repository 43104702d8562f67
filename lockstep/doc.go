// Package lockstep is a deterministic lockstep engine for peer-to-peer
// games: a pure state machine, like etcd's raft core. It never reads a
// clock, starts a goroutine or touches a socket. The caller feeds it
//
//   - the current time (Tick),
//   - the messages that arrived from other players (Receive, or ReceiveAt
//     with the time each arrived),
//   - the local player's input, once a tick (AddLocalInput; AddLocalInputs
//     when several players share the machine, Config.Groups),
//
// and drains Ready: messages to send, addressed per player; frames every
// player agrees on, to simulate in order; events (a player left at an
// agreed frame, a desync, the local player was dropped); and a pacing hint.
//
// Quick start, for one player of two, with any transport:
//
//	e, err := lockstep.New(lockstep.Config{Players: 2, Local: me})
//	for each tick {
//		e.Tick(time.Since(start))
//		for each message m that arrived from player p at time at {
//			e.ReceiveAt(p, m, at) // decode with lockstep.DecodeMessage
//		}
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
// acknowledgements, though there are some: inputs go as datagrams
// (Outbound.Reliable false) that may be lost, duplicated or reordered, in
// Config.InputCopies copies, each acknowledging the receiver's inputs
// (InputMsg.AckNext), and whatever stays unacknowledged for a resend
// timeout goes again. Checksums, drop reports and leaving need the
// reliable channel. With one-way latency L and frame time T, a delay of
// ceil(L/T) frames runs without stalls when every peer ticks in phase
// (pacing sees to that), one more when peers may be up to a frame apart
// (Config.DelayMargin). The local clock stops while the
// simulation waits, so a stall shifts the schedule instead of piling inputs
// up. A larger delay is filled in with the previous input, a smaller one
// reached by merging inputs (Config.MergeInput), so that every frame has
// exactly one input from every player.
//
// Pacing: pings carry each peer's frame clock and pongs how long the ping
// waited for a tick, so each peer knows the round trip and where every
// other peer's clock stands against its own, to a fraction of a frame. A
// peer that runs ahead (a fast clock, or a tick phase later than the
// others') is told to wait a little longer per tick (Ready.SlowDown, a
// sixteenth of its lead), so that the peers' ticks converge in phase and
// waiting is spread thinly instead of showing as stalls. A transport that
// stamps messages as they arrive (ReceiveAt) makes both figures exact; one
// that hands them in at ticks measures a tick of noise.
//
// Checksums: every ChecksumInterval frames the game reports a checksum; the
// players exchange them and a difference raises EventDesync naming the
// frame and the players, once every player still in the match has
// reported; with three machines or more, Event.Diverged names those whose
// checksum differs from the majority's (Diverged), the ones whose state
// went astray.
//
// A player leaves: when a player falls silent past DisconnectTimeout, its
// link closes or the game puts it out (DropPlayer), or it says it leaves,
// the others must agree on the first frame without it. Every remaining peer freezes the last frame of its input
// it holds and reports it, with those inputs, to all; once each remaining
// peer's latest report covers every pending drop, the drop frame is the
// largest reported frame plus one, and everyone holds the inputs before it.
// A second failure during the agreement only widens the set being dropped;
// a drop settled by anyone is reported as final and wins. No coordinator is
// needed, and the property test plays thousands of seeded matches with
// crashes, leaves and lost messages to show every peer reaches the same
// frames.
//
// A player comes in: a player who was dropped, or a vacant slot
// (Config.Vacant), is let into the running match by any peer's Admit.
// The admission is part of that peer's input for its next frame F: it is
// acknowledged, resent and forwarded on a drop as that input is, so every
// peer that simulates F reads it and lets the player in alike, from frame
// F+JoinLead (EventPlayerJoined); if the admitting peer crashes, the drop
// agreement over its inputs decides, for all, whether F carried it. The
// admitted machine starts its engine from a JoinPoint (Config.Join), which
// any peer gives after the event, with the game's state after the
// JoinPoint's Snapshot: its first frame is Snapshot+1, its clock follows
// the others' pings, and its input counts from F+JoinLead on.
package lockstep
