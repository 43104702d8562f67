// Package netsim impairs a [net.PacketConn] the way a bad network would:
// one-way latency, jitter, loss, duplication, reordering and a bandwidth
// cap with a tail-drop queue, on what it sends and, if asked, on what it
// receives. It is peerstep's user-space substitute for
// Linux netem, used by tests, benchmarks and the demo game's flags.
//
// # Use
//
// Wrap a socket (or open one with [Listen]) and use the returned [*Conn]
// wherever the socket was used:
//
//	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
//	if err != nil { ... }
//	sim, err := netsim.Wrap(pc, netsim.Config{
//		Latency: 40 * time.Millisecond,
//		Jitter:  5 * time.Millisecond,
//		Loss:    0.02,
//		Seed:    1,
//	})
//	if err != nil { ... }
//	defer sim.Close() // also closes pc
//
// A command can let its user choose the impairment with
// [Config.RegisterFlags]:
//
//	var cfg netsim.Config
//	cfg.RegisterFlags(flag.CommandLine, "net-") // -net-latency 40ms -net-loss 0.02 -net-both-ways ...
//	flag.Parse()
//	if err := cfg.CheckFlags("net-"); err != nil { ... } // "-net-latency 100h: at most 10s"
//
// # Direction
//
// The fields of [Config] impair what is written through a Conn: the path
// from its socket to every destination. Reads pass through untouched
// unless the Config impairs them too:
//
//   - Config.BothWays impairs what the Conn reads exactly as what it
//     writes: one player's bad link, in both directions, without touching
//     the other players' sockets (-both-ways on a command line);
//   - Config.Inbound, an [Impairment], impairs what it reads on its own
//     terms: a poor downlink beside a good uplink (-in-latency, -in-loss...).
//
// A Conn that impairs reads runs a reader goroutine that takes each
// datagram off the wrapped conn as it arrives, decides its fate with a
// random stream of its own (from the same Seed), and hands it to
// [Conn.ReadFrom] when it is due; read deadlines keep working.
// [Conn.InboundStats] counts what happened to what was read. Whether a
// Conn impairs reads at all is settled by Wrap; SetConfig can change the
// inbound impairment afterwards but not add one.
//
// The delays add up along a path: with Latency 40ms on a sender and an
// Inbound Latency of 40ms on the receiver, a datagram between them takes
// 80ms, and with BothWays and 40ms on one peer its round trip to an
// unimpaired peer gains 80ms. Without BothWays or Inbound, an impairment
// on one side only is a one-way impairment; wrap both peers' sockets (each
// with its own Seed) to impair both directions of one link only.
//
// # How datagrams travel
//
// [Conn.WriteTo] never waits for the simulated network. It copies the
// datagram, makes every random decision for it at once (drop it? send it
// twice? how long does each copy take? is it held back?), and hands the
// copies to the Conn's one scheduler goroutine, which writes each to the
// wrapped conn when it is due. A dropped datagram still reports success,
// as UDP would. Datagrams due at the same instant leave in the order they
// were written. With Jitter or Reorder set, later datagrams may overtake
// earlier ones, as they do on real networks.
//
// With a Bandwidth cap, datagrams first wait their turn on a simulated
// link that sends Bandwidth bytes per second, and then travel with the
// delay above. A datagram that would make more than QueueLimit bytes
// wait for the link is dropped (tail drop). Independently of Bandwidth,
// at most [MaxPending] datagrams are in flight in a Conn; more are
// dropped too, so memory stays bounded when writes outpace delivery.
//
// # Determinism
//
// Each Conn owns a PCG random source seeded from Config.Seed (zero is a
// seed like any other), and a second one on another stream of the same
// Seed for what it reads. Every datagram draws the same number of values
// from its direction's source whatever the Config says, so the same Seed
// and the same sequence of datagrams make the same loss, duplication,
// jitter and reorder decisions, and changing one probability does not
// reshuffle the others. Only tail drops depend on the clock, because a
// queue drains in real time.
//
// # Errors and lifetime
//
// Errors the wrapped conn returns for a delayed datagram cannot be
// reported to the WriteTo call that queued it long ago; they are counted
// in the Failed field of [Stats]. If the wrapped conn turns out to be
// closed, later writes fail with [net.ErrClosed], and so do reads through
// an inbound impairment. [Conn.Close] discards the datagrams still in
// flight either way, stops the Conn's goroutines and closes the wrapped
// conn.
package netsim
