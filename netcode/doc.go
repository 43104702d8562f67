// Package netcode is what a game imports to play peer to peer: a player
// hosts a match and gets a share code; friends join with the code; every
// player links to every other (inputs in small unreliable datagrams every
// tick, everything else over KCP, reliable UDP), and the lockstep engine
// hands each of them the same frames in the same order. There is no
// server: once the match has started the host is a player like any other,
// and the match survives any player leaving.
//
// Quick start (the host side; a joiner calls Join with the code instead of
// Host, and WaitStart instead of WaitPlayers and Start):
//
//	s, err := netcode.Host[Input](ctx, &netcode.Config{Name: "ada"})
//	if err != nil { ... }
//	defer s.Close()                   // leaving tells the others
//	fmt.Println("tell your friends:", s.Code())
//	if err := s.WaitPlayers(ctx, 4); err != nil { ... } // or a lobby screen: s.Lobby()
//	if err := s.Start(ctx); err != nil { ... }
//	info, _ := s.Match()              // seed, players, local PlayerID
//	game := NewGame(info.Seed, len(info.Players))
//	frame := time.Second / time.Duration(info.TickRate)
//	for next := time.Now(); !game.Over(); {
//		next = next.Add(frame + s.Pace())
//		time.Sleep(time.Until(next))
//		frames, err := s.Tick(readInput())
//		if err != nil { ... }          // ErrDropped, ErrClosed
//		for _, f := range frames {
//			game.Step(f.Inputs, f.Present)
//			if f.WantChecksum {
//				s.ReportChecksum(f.Number, game.Checksum())
//			}
//		}
//		for _, e := range s.Events() { ... } // left, desync, stalled...
//	}
//
// Example_quickstart runs the whole thing with four players in one process.
//
// # Desync repair
//
// A game that can save its state as bytes and load it back sets
// Config.Snapshots, gives Session.Snapshot its state after a frame marked
// WantSnapshot, and loads a frame's Load before simulating it:
//
//	if f.Load != nil {
//		game.Load(f.Load) // the majority's state; this frame and the next come again
//	}
//	game.Step(f.Inputs, f.Present)
//	if f.WantSnapshot {
//		s.Snapshot(f.Number, game.Save())
//	}
//
// When three players or more compare checksums and one machine's differs
// from the others' (Event.Diverged), a player of the majority sends it its
// state, and that player goes on from it (EventResynced, with both states
// of the frame to diff). With two players, or a tie, no checksum has a
// majority: every player sees EventDesync and the game chooses whose state
// is kept, the same choice on every machine:
//
//	case netcode.EventDesync:
//		if len(e.Diverged) == 0 {
//			s.RepairDesync(e.Frame, 0) // keep the host's
//		}
//
// # Wire
//
// Each peer has one UDP socket. Every datagram on it is sealed with
// AES-256-GCM (package netcode/internal/seal): handshake datagrams with a
// key derived from the share code's secret, link datagrams with per-link,
// per-direction keys derived from the secret and an X25519 exchange, with a
// replay window. A datagram that does not open is dropped and counted
// before anything parses it. The engine (package lockstep) says which of
// its messages need the reliable channel; the others (each tick's input,
// twice, with the acknowledgement of that player's inputs, and pings)
// share the tick's datagram to each player (Config.InputCopies); KCP
// carries the rest as msgpack messages (package netcode/internal/wire).
// docs/WIRE.md describes the format.
//
// # Pacing
//
// Session.Pace says how much longer the loop should wait before its next
// tick so that every player's ticks stay in phase: the engine's advice, as
// GGRS's wait recommendation, but in time, not whole frames. A loop that
// waits it out gets an input delay of the one-way latency rounded up to
// frames. A loop that cannot wait a fraction of a frame (a fixed-rate engine
// loop, such as Ebiten's Update) lets a Ticker run the ticks instead
// (Session.Ticker): it ticks on a timer of its own, waits the advice out,
// and the game hands it input and collects frames at whatever rate its
// loop runs. Config.DelayMargin adds time to the delay before it is rounded
// up, for a game that would rather answer a frame later than ever hitch
// when a sender's process runs late. docs/TUNING.md has the figures.
//
// # Network simulation
//
// Config.Network impairs the datagrams a peer sends with the netsim
// package: latency, jitter, loss, duplication, reordering, a bandwidth cap;
// with netsim.Config.BothWays (or Inbound) what it receives too, so that one
// peer's bad link is bad both ways without touching the others.
//
// # Sockets
//
// A session binds a UDP socket at Config.ListenAddr, or takes over the
// net.PacketConn given in Config.PacketConn: a socket the game already
// holds, a virtual internet with NATs in tests (pion's vnet), or a socket
// of the in-memory network of package netcode/memnet, which needs no
// operating system. With Reach: Local() and memnet sockets a session
// touches no real socket at all, and, since memnet and netsim have no
// goroutines outside their callers' and wait on channels and timers only,
// the package's tests can run sessions over them in testing/synctest's
// virtual time. One Session suite runs over memnet, loopback UDP and
// loopback UDP through netsim (transport_test.go).
package netcode
