package netcode

import (
	"testing"
	"time"

	"github.com/peerstep/peerstep/lockstep"
)

func TestInputLog(t *testing.T) {
	in := func(f lockstep.Frame) []byte { return []byte{byte(f)} }
	ins := func(from, to lockstep.Frame) [][]byte {
		var out [][]byte
		for f := from; f <= to; f++ {
			out = append(out, in(f))
		}
		return out
	}
	type step struct {
		add      bool
		start    lockstep.Frame
		end      lockstep.Frame // add start..end, or trim to start
		wantBase lockstep.Frame
		wantLast lockstep.Frame
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"contiguous", []step{{true, 0, 2, 0, 2}, {true, 3, 3, 0, 3}, {true, 4, 6, 0, 6}}},
		{"starts late", []step{{true, 5, 7, 5, 7}}},
		{"overlap keeps the first", []step{{true, 0, 3, 0, 3}, {true, 2, 5, 0, 5}}},
		{"gap restarts", []step{{true, 0, 3, 0, 3}, {true, 9, 9, 9, 9}}},
		{"trim", []step{{true, 0, 9, 0, 9}, {false, 4, 0, 4, 9}, {false, 2, 0, 4, 9}, {true, 10, 10, 4, 10}}},
		{"trim all", []step{{true, 0, 3, 0, 3}, {false, 7, 0, 7, 6}, {true, 7, 8, 7, 8}}},
		{"bounded", []step{{true, 0, maxLogFrames + 99, 100, maxLogFrames + 99}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g inputLog
			for i, s := range tt.steps {
				if s.add {
					g.add(s.start, ins(s.start, s.end), time.Duration(i))
				} else {
					g.trim(s.start)
				}
				if g.base != s.wantBase || g.last() != s.wantLast {
					t.Fatalf("step %d: frames %d..%d, want %d..%d", i, g.base, g.last(), s.wantBase, s.wantLast)
				}
				if len(g.sentAt) != len(g.inputs) {
					t.Fatalf("step %d: %d send times for %d inputs", i, len(g.sentAt), len(g.inputs))
				}
				for k, b := range g.inputs {
					if f := g.base + lockstep.Frame(k); len(b) != 1 || b[0] != byte(f) {
						t.Fatalf("step %d: frame %d holds %x", i, f, b)
					}
				}
			}
		})
	}
}
