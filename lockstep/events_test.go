package lockstep

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

// atFrameOne returns a 3-player engine for player 0 that has simulated
// frame 0, which wants a checksum.
func atFrameOne(t *testing.T) *Engine {
	t.Helper()
	e, err := New(Config{Players: 3, Local: 0})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.SetInputDelay(0); err != nil {
		t.Fatal(err)
	}
	e.Tick(0)
	for p := PlayerID(1); p < 3; p++ {
		mustReceive(t, e, p, &InputMsg{Player: p, Start: 0, Inputs: [][]byte{{byte(p)}}})
	}
	if _, err := e.AddLocalInput([]byte{0}); err != nil {
		t.Fatal(err)
	}
	if fs := e.Ready().Frames; len(fs) != 1 || !fs[0].WantChecksum {
		t.Fatalf("frames %+v, want frame 0 wanting a checksum", fs)
	}
	return e
}

func TestDesyncEventCarriesChecksums(t *testing.T) {
	const own = 0xaaaa
	type report struct {
		from PlayerID // 0: the local ReportChecksum
		sum  uint64
	}
	tests := []struct {
		name         string
		reports      []report
		wantPlayers  []PlayerID
		wantRemote   []PlayerChecksum
		wantDiverged []PlayerID
	}{
		{"own first, one differs", []report{{0, own}, {1, own}, {2, 0xbbbb}},
			[]PlayerID{2}, []PlayerChecksum{{1, own}, {2, 0xbbbb}}, []PlayerID{2}},
		{"remote first, one differs", []report{{2, 0xbbbb}, {1, own}, {0, own}},
			[]PlayerID{2}, []PlayerChecksum{{1, own}, {2, 0xbbbb}}, []PlayerID{2}},
		// The event waits for player 2, who then says who diverged.
		{"found before the other reports", []report{{0, own}, {1, 0xcccc}, {2, own}},
			[]PlayerID{1}, []PlayerChecksum{{1, 0xcccc}, {2, own}}, []PlayerID{1}},
		{"the local player diverged", []report{{0, own}, {1, 0xcccc}, {2, 0xcccc}},
			[]PlayerID{1, 2}, []PlayerChecksum{{1, 0xcccc}, {2, 0xcccc}}, []PlayerID{0}},
		{"both differ", []report{{1, 0xcccc}, {2, 0xbbbb}, {0, own}},
			[]PlayerID{1, 2}, []PlayerChecksum{{1, 0xcccc}, {2, 0xbbbb}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := atFrameOne(t)
			var evs []Event
			for _, r := range tt.reports {
				if r.from == 0 {
					if err := e.ReportChecksum(0, r.sum); err != nil {
						t.Fatal(err)
					}
				} else {
					mustReceive(t, e, r.from, &ChecksumMsg{Frame: 0, Sum: r.sum})
				}
				evs = append(evs, e.Ready().Events...)
			}
			var got []Event
			for _, ev := range evs {
				if ev.Kind == EventDesync {
					got = append(got, ev)
				}
			}
			if len(got) != 1 {
				t.Fatalf("desync events %v, want one", got)
			}
			ev := got[0]
			if ev.Frame != 0 || ev.Checksum != own || !slices.Equal(ev.Players, tt.wantPlayers) || !slices.Equal(ev.Remote, tt.wantRemote) {
				t.Fatalf("event %+v, want frame 0, checksum %x, players %v, remote %v", ev, own, tt.wantPlayers, tt.wantRemote)
			}
			if !slices.Equal(ev.Diverged, tt.wantDiverged) {
				t.Errorf("diverged %v, want %v", ev.Diverged, tt.wantDiverged)
			}
			s := ev.String()
			for _, want := range append([]string{fmt.Sprintf("%016x here", own)}, remoteStrings(tt.wantRemote)...) {
				if !strings.Contains(s, want) {
					t.Errorf("String() = %q, missing %q", s, want)
				}
			}
		})
	}
}

func remoteStrings(rs []PlayerChecksum) []string {
	var out []string
	for _, r := range rs {
		out = append(out, fmt.Sprintf("%016x from player %d", r.Sum, r.Player))
	}
	return out
}

func TestInterruptedSaysTimeLeft(t *testing.T) {
	tests := []struct {
		name       string
		disconnect time.Duration
		interrupt  time.Duration
		heardAt    time.Duration // player 1 last spoke then (0: never)
		tickEvery  time.Duration
		want       time.Duration
	}{
		{"default interrupt", 2 * time.Second, 0, 0, 100 * time.Millisecond, 1500 * time.Millisecond},
		{"short interrupt", 3 * time.Second, 200 * time.Millisecond, 0, 100 * time.Millisecond, 2800 * time.Millisecond},
		{"spoke, then silent", 2 * time.Second, time.Second, 700 * time.Millisecond, 100 * time.Millisecond, time.Second},
		{"a tick later than the interrupt", 2 * time.Second, 500 * time.Millisecond, 0, 300 * time.Millisecond, 1400 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(Config{Players: 2, Local: 0, DisconnectTimeout: tt.disconnect, InterruptTimeout: tt.interrupt})
			if err != nil {
				t.Fatal(err)
			}
			var got []Event
			for now := time.Duration(0); now <= tt.disconnect && len(got) == 0; now += tt.tickEvery {
				e.Tick(now)
				if tt.heardAt > 0 && now == tt.heardAt {
					mustReceive(t, e, 1, &PingMsg{Sent: now})
				}
				for _, ev := range e.Ready().Events {
					if ev.Kind == EventInterrupted {
						got = append(got, ev)
					}
				}
			}
			if len(got) != 1 {
				t.Fatalf("interrupted events %v, want one", got)
			}
			if got[0].Player != 1 || got[0].UntilDrop != tt.want {
				t.Fatalf("event %+v, want player 1 with %v left", got[0], tt.want)
			}
			if s := got[0].String(); !strings.Contains(s, tt.want.String()) {
				t.Errorf("String() = %q, does not say %v", s, tt.want)
			}
		})
	}
}
