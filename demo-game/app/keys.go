package app

import (
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/peerstep/peerstep/demo-game/internal/prefs"
	"github.com/peerstep/peerstep/demo-game/sim"
)

// binds are the options' bound keys as Ebiten keys.
type binds struct{ left, right, boost, pause ebiten.Key }

// keyByName returns the Ebiten key of a prefs key name.
func keyByName(name string) (ebiten.Key, bool) {
	var k ebiten.Key
	return k, k.UnmarshalText([]byte(name)) == nil
}

// makeBinds turns the options' keys into Ebiten keys; a name Ebiten does
// not know (prefs.Check lets none through) takes the default's.
func makeBinds(k prefs.Keys) binds {
	d := prefs.Default().Keys
	get := func(name, def string) ebiten.Key {
		if key, ok := keyByName(name); ok {
			return key
		}
		key, _ := keyByName(def)
		return key
	}
	return binds{get(k.TurnLeft, d.TurnLeft), get(k.TurnRight, d.TurnRight), get(k.Boost, d.Boost), get(k.Pause, d.Pause)}
}

// has reports whether k is one of the bound keys: it then does only its
// bound job, not its usual one.
func (b binds) has(k ebiten.Key) bool {
	return k == b.left || k == b.right || k == b.boost || k == b.pause
}

// keyLabel is a key's name for the screen: "SPACE", "Q", "LEFT ARROW", "1".
func keyLabel(name string) string {
	switch {
	case strings.HasPrefix(name, "Arrow"):
		return strings.ToUpper(strings.TrimPrefix(name, "Arrow")) + " ARROW"
	case strings.HasPrefix(name, "Digit"):
		return strings.TrimPrefix(name, "Digit")
	case strings.HasSuffix(name, "Left") || strings.HasSuffix(name, "Right"):
		i := strings.LastIndexAny(name, "LR")
		return strings.ToUpper(name[:i] + " " + name[i:])
	}
	return strings.ToUpper(name)
}

// turnLeft and turnRight are the ways a quarter turn from d goes.
func turnLeft(d sim.Dir) sim.Dir  { return (d+2)%4 + 1 }
func turnRight(d sim.Dir) sim.Dir { return d%4 + 1 }

// steering follows where the local rider is headed once the turns asked
// for are made, so that two quick turns to the left make a U-turn even
// before the first reaches the simulation (lockstep delays inputs).
type steering struct {
	heading sim.Dir
	at      int // tick of the last turn asked for
	ticks   int
}

// base is the heading turns are relative to: the last asked for, for a
// moment, then the rider's own.
func (sg *steering) base(rider sim.Dir) sim.Dir {
	if sg.heading.Valid() && sg.ticks-sg.at < 30 {
		return sg.heading
	}
	return rider
}

// turn records a turn asked for.
func (sg *steering) turn(d sim.Dir) {
	sg.heading, sg.at = d, sg.ticks
}

// readInput turns this tick's key presses into an input: the directions
// pressed (up to two, so that a quick double turn survives), by the arrows
// and WASD or as turns to the rider's left and right by the bound keys,
// and boost while the bound key (SPACE), SHIFT or a gamepad's A is held;
// the bound pause key (P) or a gamepad's START asks for a pause (and
// agrees to resume one).
// rider is the local rider's heading (None when there is none).
func readInput(b binds, sg *steering, rider sim.Dir) sim.Input {
	sg.ticks++
	var dirs []sim.Dir
	keys := []struct {
		d    sim.Dir
		keys []ebiten.Key
		pad  ebiten.StandardGamepadButton
	}{
		{sim.Up, []ebiten.Key{ebiten.KeyArrowUp, ebiten.KeyW}, ebiten.StandardGamepadButtonLeftTop},
		{sim.Right, []ebiten.Key{ebiten.KeyArrowRight, ebiten.KeyD}, ebiten.StandardGamepadButtonLeftRight},
		{sim.Down, []ebiten.Key{ebiten.KeyArrowDown, ebiten.KeyS}, ebiten.StandardGamepadButtonLeftBottom},
		{sim.Left, []ebiten.Key{ebiten.KeyArrowLeft, ebiten.KeyA}, ebiten.StandardGamepadButtonLeftLeft},
	}
	pads := ebiten.AppendGamepadIDs(nil)
	boost := ebiten.IsKeyPressed(b.boost) ||
		(!b.has(ebiten.KeyShiftLeft) && ebiten.IsKeyPressed(ebiten.KeyShiftLeft)) ||
		(!b.has(ebiten.KeyShiftRight) && ebiten.IsKeyPressed(ebiten.KeyShiftRight))
	for _, k := range keys {
		pressed := false
		for _, key := range k.keys {
			pressed = pressed || (!b.has(key) && inpututil.IsKeyJustPressed(key))
		}
		for _, id := range pads {
			pressed = pressed || inpututil.IsStandardGamepadButtonJustPressed(id, k.pad)
		}
		if pressed {
			dirs = append(dirs, k.d)
			sg.turn(k.d)
		}
	}
	if rider.Valid() {
		if inpututil.IsKeyJustPressed(b.left) {
			d := turnLeft(sg.base(rider))
			dirs = append(dirs, d)
			sg.turn(d)
		}
		if inpututil.IsKeyJustPressed(b.right) {
			d := turnRight(sg.base(rider))
			dirs = append(dirs, d)
			sg.turn(d)
		}
	}
	for _, id := range pads {
		boost = boost || ebiten.IsStandardGamepadButtonPressed(id, ebiten.StandardGamepadButtonRightBottom)
	}
	in := sim.MakeInput(sim.None, boost)
	for _, d := range dirs {
		in = sim.MergeInputs(in, sim.MakeInput(d, boost))
	}
	pause := inpututil.IsKeyJustPressed(b.pause)
	for _, id := range pads {
		pause = pause || inpututil.IsStandardGamepadButtonJustPressed(id, ebiten.StandardGamepadButtonCenterRight)
	}
	return in.WithPause(pause)
}
