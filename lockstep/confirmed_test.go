package lockstep

import "testing"

func TestConfirmedFrame(t *testing.T) {
	inputs := func(p PlayerID, start Frame, n int) *InputMsg {
		return &InputMsg{Player: p, Start: start, Inputs: make([][]byte, n)}
	}
	tests := []struct {
		name  string
		setup func(t *testing.T, e *Engine)
		want  Frame
	}{
		{"nothing yet", func(t *testing.T, e *Engine) {}, NoFrame},
		{"only the local input", func(t *testing.T, e *Engine) { addLocal(t, e) }, NoFrame},
		{"the slowest player sets it", func(t *testing.T, e *Engine) {
			addLocal(t, e) // frames 0..3
			mustReceive(t, e, 1, inputs(1, 0, 5))
			mustReceive(t, e, 2, inputs(2, 0, 3))
		}, 2},
		{"a gap holds it back", func(t *testing.T, e *Engine) {
			addLocal(t, e)
			mustReceive(t, e, 1, inputs(1, 0, 2))
			mustReceive(t, e, 1, inputs(1, 3, 3))
			mustReceive(t, e, 2, inputs(2, 0, 6))
		}, 1},
		{"the local player sets it", func(t *testing.T, e *Engine) {
			addLocal(t, e)
			mustReceive(t, e, 1, inputs(1, 0, 9))
			mustReceive(t, e, 2, inputs(2, 0, 9))
		}, 3},
		{"a player being dropped stops at its frozen frame", func(t *testing.T, e *Engine) {
			addLocal(t, e)
			mustReceive(t, e, 1, inputs(1, 0, 5))
			mustReceive(t, e, 2, inputs(2, 0, 2))
			mustDrop(t, e, 2)
			mustReceive(t, e, 2, inputs(2, 2, 4)) // late: past the frozen frame
		}, 1},
		{"a player who left no longer counts", func(t *testing.T, e *Engine) {
			addLocal(t, e)
			mustReceive(t, e, 1, inputs(1, 0, 5))
			mustReceive(t, e, 2, inputs(2, 0, 2))
			mustDrop(t, e, 2)
			mustReceive(t, e, 1, &DropReportMsg{Entries: []DropEntry{{Player: 2, Last: 1, Start: 0, Inputs: make([][]byte, 2)}}})
			if e.Present(2) {
				t.Fatal("the drop did not settle")
			}
		}, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(Config{Players: 3, Local: 0, InputDelay: 3})
			if err != nil {
				t.Fatal(err)
			}
			e.Tick(0)
			tt.setup(t, e)
			if got := e.ConfirmedFrame(); got != tt.want {
				t.Fatalf("ConfirmedFrame = %d, want %d", got, tt.want)
			}
			if next := e.Stats().Frame; e.ConfirmedFrame() < next-1 {
				t.Fatalf("ConfirmedFrame %d is behind frames already handed out (next %d)", e.ConfirmedFrame(), next)
			}
		})
	}
}

// addLocal adds one local input: with InputDelay 3, frames 0 to 3.
func addLocal(t *testing.T, e *Engine) {
	t.Helper()
	if _, err := e.AddLocalInput([]byte{1}); err != nil {
		t.Fatal(err)
	}
}
