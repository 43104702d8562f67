package play

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/peerstep/peerstep/demo-game/sim"
	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/netcode"
)

// TestWaitingFor: a stall is said after StallTicks ticks without a frame,
// naming whom the session said it misses, else the silent players, never
// the local player nor one that left; a frame clears it.
func TestWaitingFor(t *testing.T) {
	all := []bool{true, true, true, true}
	type tick struct {
		frames  int
		missing []int
	}
	stall := func(n int, missing []int) []tick {
		ts := make([]tick, n)
		ts[n-1].missing = missing
		return ts
	}
	for _, tc := range []struct {
		name    string
		ticks   []tick
		silent  []bool
		present []bool
		want    []int
		wantOK  bool
	}{
		{name: "playing", ticks: []tick{{1, nil}, {2, nil}}, present: all},
		{name: "a short stall", ticks: stall(29, []int{2}), present: all},
		{name: "a stall on bob", ticks: stall(30, []int{2}), present: all, want: []int{2}, wantOK: true},
		{name: "on two", ticks: stall(40, []int{3, 1}), present: all, want: []int{3, 1}, wantOK: true},
		{name: "the stall lasts", ticks: append(stall(30, []int{2}), make([]tick, 100)...), present: all, want: []int{2}, wantOK: true},
		{name: "a frame ends it", ticks: append(stall(30, []int{2}), tick{1, nil}), present: all},
		{name: "a new stall forgets the old one's", ticks: append(append(stall(30, []int{2}), tick{1, nil}), make([]tick, 30)...),
			present: all, want: nil, wantOK: true},
		{name: "the local player is never named", ticks: stall(30, []int{0, 2}), present: all, want: []int{2}, wantOK: true},
		{name: "nor one that left", ticks: stall(30, []int{2, 3}), present: []bool{true, true, true, false}, want: []int{2}, wantOK: true},
		{name: "silent ones when the session named nobody", ticks: stall(30, nil), silent: []bool{false, true, false, true},
			present: all, want: []int{1, 3}, wantOK: true},
		{name: "the missing before the silent", ticks: stall(30, []int{2}), silent: []bool{false, true, false, false},
			present: all, want: []int{2}, wantOK: true},
		{name: "out of range", ticks: stall(30, []int{7, -1}), present: all, want: nil, wantOK: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := Waiting{StallTicks: 30}
			for _, tk := range tc.ticks {
				w.Tick(tk.frames, tk.missing)
			}
			who, ok := w.For(tc.silent, tc.present, 0)
			if ok != tc.wantOK || !slices.Equal(who, tc.want) {
				t.Errorf("For = %v, %v; want %v, %v", who, ok, tc.want, tc.wantOK)
			}
		})
	}
	var zero Waiting
	zero.Tick(0, []int{1})
	if who, ok := zero.For(nil, []bool{true, true}, 0); ok {
		t.Errorf("the zero Waiting says it waits for %v", who)
	}
}

func TestWaitingText(t *testing.T) {
	names := []string{"ada", "bob", "carol", "dan"}
	for _, tc := range []struct {
		who  []int
		want string
	}{
		{nil, "waiting for the others"},
		{[]int{1}, "waiting for bob"},
		{[]int{1, 2}, "waiting for bob and carol"},
		{[]int{3, 1, 2}, "waiting for dan, bob and carol"},
		{[]int{9}, "waiting for the others"},
	} {
		if got := WaitingText(names, tc.who); got != tc.want {
			t.Errorf("WaitingText(%v) = %q, want %q", tc.who, got, tc.want)
		}
	}
}

// stallSource is a match's source that runs a frame a tick, except from
// tick from to tick to (excluded), when it runs none, and says at the
// netcode's moment (30 ticks in) that it misses player 1's input.
type stallSource struct {
	ticks, from, to, n int
	pending            []netcode.Event
}

func (s *stallSource) tick(sim.Input) ([]frame, error) {
	s.ticks++
	if s.ticks >= s.from && s.ticks < s.to {
		if s.ticks-s.from+1 == 30 {
			s.pending = append(s.pending, netcode.Event{Kind: netcode.EventStalled, Players: []int{1}})
		}
		return nil, nil
	}
	s.n++
	return []frame{{n: s.n - 1, inputs: make([]sim.Input, 3), present: []bool{true, true, true}}}, nil
}
func (s *stallSource) report(int, uint64)                             {}
func (s *stallSource) snapshot(int, []byte)                           {}
func (s *stallSource) repair(lockstep.Frame, lockstep.PlayerID) error { return nil }
func (s *stallSource) events() []netcode.Event {
	e := s.pending
	s.pending = nil
	return e
}
func (s *stallSource) stats() *netcode.Stats { return &netcode.Stats{} }
func (s *stallSource) close() error          { return nil }

// TestMatchWaiting: a match whose source stalls on bob says "waiting for
// bob" from half a second in (30 ticks at 60 Hz) until a frame runs again.
func TestMatchWaiting(t *testing.T) {
	src := &stallSource{from: 100, to: 200}
	m, err := newMatch(Online, src, []string{"ada", "bob", "carol"}, 0, 1, 60, nil)
	if err != nil {
		t.Fatal(err)
	}
	var said []string
	for tick := 1; tick <= 300; tick++ {
		if err := m.Tick(0); err != nil {
			t.Fatal(err)
		}
		w := m.Waiting()
		if len(said) == 0 || said[len(said)-1] != w {
			said = append(said, w)
		}
		switch {
		case tick < 129 && w != "":
			t.Fatalf("tick %d: %q before the stall was half a second long", tick, w)
		case tick >= 129 && tick < 200 && w != "waiting for bob":
			t.Fatalf("tick %d of a stall on bob: %q", tick, w)
		case tick >= 200 && w != "":
			t.Fatalf("tick %d, playing again: still %q", tick, w)
		}
	}
	if want := []string{"", "waiting for bob", ""}; !slices.Equal(said, want) {
		t.Errorf("the notice went %q, want %q", said, want)
	}
	for _, n := range m.Notices() {
		if n.Text == "waiting for [bob]" {
			t.Errorf("a toast %q besides the notice", n.Text)
		}
	}
}

// TestWaitingOverTheNetwork: in a match over loopback UDP, the host's
// match says "waiting for bob" once bob stops ticking (his input stops),
// and nothing again once he ticks on and frames run. The host's bot
// skill reaches bob with the start of the match.
func TestWaitingOverTheNetwork(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	host, err := Host(ctx, Options{Name: "ada", ListenAddr: loopback, Reach: netcode.Local(), BotSkill: sim.Hard})
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	joiner, err := Join(ctx, host.Code(), Options{Name: "bob", ListenAddr: loopback, Reach: netcode.Local()})
	if err != nil {
		t.Fatal(err)
	}
	defer joiner.Close()
	for len(host.Info().Players) < 2 || !host.Info().Ready {
		wait(t, ctx, "bob in the lobby")
		host.Update()
		joiner.Update()
	}
	if err := host.Start(); err != nil {
		t.Fatal(err)
	}
	var ms [2]*Match
	for ms[0] == nil || ms[1] == nil {
		wait(t, ctx, "the match to start")
		for i, l := range []*Lobby{host, joiner} {
			if ms[i] == nil {
				m, err := l.Update()
				if err != nil {
					t.Fatal(err)
				}
				ms[i] = m
			}
		}
	}
	ada, bob := ms[0], ms[1]
	defer ada.Close()
	defer bob.Close()
	if ada.BotSkill() != sim.Hard || bob.BotSkill() != sim.Hard {
		t.Errorf("the host set hard bots; the host's match has %v, bob's %v", ada.BotSkill(), bob.BotSkill())
	}
	// play ticks the host, and bob when he plays, until done says so.
	play := func(what string, bobPlays bool, done func() bool) {
		t.Helper()
		for !done() {
			wait(t, ctx, what)
			if err := ada.Tick(0); err != nil {
				t.Fatal(err)
			}
			if bobPlays {
				if err := bob.Tick(0); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	play("60 frames", true, func() bool { return ada.Frames() >= 60 })
	if w := ada.Waiting(); w != "" {
		t.Errorf("while both play, the host says %q", w)
	}
	play("the host to wait for bob", false, func() bool { return ada.Waiting() != "" })
	if w := ada.Waiting(); w != "waiting for bob" {
		t.Errorf("bob stopped; the host says %q, want \"waiting for bob\"", w)
	}
	stalledAt := ada.Frames()
	play("play to resume", true, func() bool { return ada.Frames() > stalledAt+10 })
	if w := ada.Waiting(); w != "" {
		t.Errorf("playing again, the host still says %q", w)
	}
}

// wait waits one tick of a 60 Hz game, failing the test if ctx ended
// while waiting for what.
func wait(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	select {
	case <-ctx.Done():
		t.Fatalf("waiting for %s: %v", what, ctx.Err())
	case <-time.After(time.Second / 60):
	}
}
