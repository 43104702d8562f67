// Package play runs Neon Trails matches for a view, with no Ebiten: it
// hosts and joins matches through netcode, runs practice matches against
// bots on this machine, plays replays back, records them, and runs
// headless bot players that join a match like anyone else.
//
// A view drives a Match from its game loop, once per tick at the match's
// tick rate, and only reads its state to draw:
//
//	lobby, err := play.Host(ctx, play.Options{Name: "ada"})
//	fmt.Println("share code:", lobby.Code())
//	lobby.AddBots(2)          // two computer players join over loopback
//	lobby.Start()             // host only; once everyone is linked
//	for {                     // each tick of the lobby screen
//		m, err := lobby.Update()
//		if m != nil { break } // the match started
//	}
//	for {                     // each tick of the match screen
//		err := m.Tick(readKeys())
//		draw(m.State(), m.Net())
//	}
//
// Bots are ordinary inputs: sim.Bot computes the input a computer player
// sends, and it travels the same path as a person's.
package play
