// Package netcode is what a game imports to play peer to peer: a player
// hosts a match and gets a share code; friends join with the code; every
// player links to every other over KCP (reliable UDP), and the lockstep
// engine hands each of them the same frames in the same order. There is no
// server: once the match has started the host is a player like any other,
// and the match survives any player leaving.
//
// Quick start (the host side; a joiner calls Join with the code instead of
// Host and WaitStart instead of Start):
//
//	s, err := netcode.Host[Input](ctx, &netcode.Config{Name: "ada"})
//	if err != nil { ... }
//	defer s.Close()
//	fmt.Println("tell your friends:", s.Code())
//	// ... show s.Lobby() until everyone is in ...
//	if err := s.Start(ctx); err != nil { ... }
//	info, _ := s.Match()              // seed, players, local PlayerID
//	game := NewGame(info.Seed, len(info.Players))
//	for range time.Tick(time.Second / time.Duration(info.TickRate)) {
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
// # Wire
//
// Each peer has one UDP socket. Every datagram on it is sealed with
// AES-256-GCM (package netcode/internal/seal): handshake datagrams with a
// key derived from the share code's secret, link datagrams with per-link,
// per-direction keys derived from the secret and an X25519 exchange, with a
// replay window. A datagram that does not open is dropped and counted
// before anything parses it. Inside a link, KCP carries msgpack messages
// (package netcode/internal/wire). docs/WIRE.md describes the format.
//
// # Network simulation
//
// Config.Network impairs the datagrams a peer sends with the netsim
// package: latency, jitter, loss, duplication, reordering, a bandwidth cap.
package netcode
