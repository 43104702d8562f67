// Package replay records peerstep matches and plays them back.
//
// A replay holds the match's header (game, players, seed, settings), every
// confirmed frame's inputs and the checksums reported during the match, in
// msgpack (see FormatVersion for the layout). Playing it back through the
// game's simulation proves that the game reproduces the match: Play compares
// the game's checksums with the recorded ones and names the first frame
// that differs.
//
// Quick start, recording (errors elided):
//
//	rec, _ := replay.Create("match.psreplay", replay.Header{
//		Game: "neon-trails", Players: 2, Seed: seed, TickHz: 60,
//	})
//	for _, f := range ready.Frames { // every ready frame, in order
//		game.Step(f)
//		rec.WriteFrame(f)
//		if f.WantChecksum {
//			rec.WriteChecksum(f.Frame, game.Checksum())
//		}
//	}
//	rec.Close() // match.psreplay.partial becomes match.psreplay
//
// and playing back:
//
//	rp, err := replay.ReadFile("match.psreplay")
//	game := newGame(rp.Header)
//	err = rp.Play(game.Step, game.Checksum) // *replay.MismatchError on a desync
//
// Recording is crash safe: a FileWriter flushes every FlushInterval frames
// to path+".partial", which Read returns, after a crash, up to the last
// flush with Replay.Truncated set; the finished file appears atomically on
// Close. Read never panics on bad input and bounds its allocations by the
// size of the input.
package replay
