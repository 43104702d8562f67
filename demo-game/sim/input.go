package sim

// Dir is a direction on the grid. The zero value None means no direction.
type Dir uint8

// The four directions, clockwise from Up.
const (
	None Dir = iota
	Up
	Right
	Down
	Left
)

var dirNames = [...]string{"none", "up", "right", "down", "left"}

// String returns the direction's name, such as "up".
func (d Dir) String() string {
	if int(d) < len(dirNames) {
		return dirNames[d]
	}
	return "dir?"
}

// Valid reports whether d is one of the four directions.
func (d Dir) Valid() bool { return d >= Up && d <= Left }

// Opposite returns the direction straight back; None for None.
func (d Dir) Opposite() Dir {
	if !d.Valid() {
		return None
	}
	return (d+1)%4 + 1
}

// CW returns the direction a quarter turn clockwise (right) of d.
func (d Dir) CW() Dir {
	if !d.Valid() {
		return None
	}
	return d%4 + 1
}

// CCW returns the direction a quarter turn counter-clockwise (left) of d.
func (d Dir) CCW() Dir {
	if !d.Valid() {
		return None
	}
	return (d+2)%4 + 1
}

// Delta returns the step of one cell in direction d; y grows downwards.
func (d Dir) Delta() (dx, dy int) {
	switch d {
	case Up:
		return 0, -1
	case Right:
		return 1, 0
	case Down:
		return 0, 1
	case Left:
		return -1, 0
	}
	return 0, 0
}

// Input is one player's input for one frame, in one byte: up to two
// direction requests in the order they were made (a quick double turn
// survives a frame that folds two ticks together), the boost button, and
// a press of the pause key.
// The zero value asks for nothing.
type Input uint8

const (
	inputDirBits  = 3
	inputDirMask  = 1<<inputDirBits - 1
	inputBoostBit = 1 << (2 * inputDirBits)
	inputPauseBit = inputBoostBit << 1
)

// MakeInput returns the input that requests dir (None for no turn) with
// boost held or not.
func MakeInput(dir Dir, boost bool) Input {
	return Input(0).withDirs(dir, None).withBoost(boost)
}

func (i Input) withDirs(first, then Dir) Input {
	if !first.Valid() {
		first, then = then, None
	}
	if !then.Valid() || then == first {
		then = None
	}
	if !first.Valid() {
		first = None
	}
	return i&(inputBoostBit|inputPauseBit) | Input(first) | Input(then)<<inputDirBits
}

func (i Input) withBoost(b bool) Input {
	if b {
		return i | inputBoostBit
	}
	return i &^ inputBoostBit
}

// Dir returns the first direction requested, or None.
func (i Input) Dir() Dir {
	if d := Dir(i & inputDirMask); d.Valid() {
		return d
	}
	return None
}

// Then returns the second direction requested after Dir, or None.
func (i Input) Then() Dir {
	if i.Dir() == None {
		return None
	}
	if d := Dir(i >> inputDirBits & inputDirMask); d.Valid() {
		return d
	}
	return None
}

// Boost reports whether the boost button is held.
func (i Input) Boost() bool { return i&inputBoostBit != 0 }

// WithPause returns i with the pause key pressed (a press, not a hold:
// set it in the one input of the tick the key went down) or not. A press
// asks for a pause while the match plays, and agrees to resume while it
// is paused (see State.Paused).
func (i Input) WithPause(pressed bool) Input {
	if pressed {
		return i | inputPauseBit
	}
	return i &^ inputPauseBit
}

// Pause reports whether the pause key was pressed.
func (i Input) Pause() bool { return i&inputPauseBit != 0 }

// MergeInputs folds two inputs of one player that land on the same frame:
// the last two direction requests of both, in order, and boost if either
// held it. Use it (through netcode.Merge) as the session's MergeInput, so
// that no turn is lost when a stall folds ticks together.
func MergeInputs(older, newer Input) Input {
	var dirs [4]Dir
	n := 0
	for _, d := range [4]Dir{older.Dir(), older.Then(), newer.Dir(), newer.Then()} {
		if d != None && (n == 0 || dirs[n-1] != d) {
			dirs[n] = d
			n++
		}
	}
	var first, then Dir
	switch {
	case n == 1:
		first = dirs[0]
	case n >= 2:
		first, then = dirs[n-2], dirs[n-1]
	}
	return Input(0).withDirs(first, then).withBoost(older.Boost() || newer.Boost()).WithPause(older.Pause() || newer.Pause())
}
