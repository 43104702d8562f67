//go:build !race

package lockstep

const raceEnabled = false
