// Package examples holds small programs that show how to use peerstep, one
// per directory, and a test that builds and runs every one of them:
//
//   - quickstart: a host and three joiners over loopback UDP, headless.
//   - couch: two players on one machine join a host online (LocalPlayers).
//   - custom-transport: the lockstep engine over Go channels, no netcode.
//   - replay: record a match to a file with lockstep/replay and play it back.
//   - minimal: the smallest Ebiten game on netcode, a square per player.
//
// The test runs minimal in a window, so it needs a display: run it under
// xvfb-run -a on a machine without one (make test does).
package examples
