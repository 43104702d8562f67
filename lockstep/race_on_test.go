//go:build race

package lockstep

// raceEnabled: the race detector slows the engine tenfold; the property
// test plays fewer matches under it (the full count runs without it).
const raceEnabled = true
