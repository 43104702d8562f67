package lockstep

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"one player", Config{Players: 1}},
		{"too many", Config{Players: MaxPlayers + 1}},
		{"local out of range", Config{Players: 2, Local: 2}},
		{"delay above max", Config{Players: 2, InputDelay: 5, MaxInputDelay: 4}},
		{"negative delay", Config{Players: 2, InputDelay: -1}},
		{"negative frame", Config{Players: 2, FrameDuration: -1}},
		{"negative timeout", Config{Players: 2, DisconnectTimeout: -1}},
		{"min delay above max", Config{Players: 2, MinInputDelay: 13}},
		{"five copies", Config{Players: 2, InputCopies: 5}},
		{"negative ping interval", Config{Players: 2, PingInterval: -1}},
		{"negative delay margin", Config{Players: 2, DelayMargin: -1}},
		{"negative join lead", Config{Players: 2, JoinLead: -1}},
		{"join lead of minutes", Config{Players: 2, JoinLead: maxJoinLead + 1}},
		{"vacant out of range", Config{Players: 2, Vacant: []PlayerID{2}}},
		{"vacant twice", Config{Players: 3, Vacant: []PlayerID{1, 1}}},
		{"vacant local", Config{Players: 3, Vacant: []PlayerID{0}}},
		{"vacant local group", Config{Players: 3, Groups: [][]PlayerID{{0, 1}}, Vacant: []PlayerID{1}}},
		{"join seats short", Config{Players: 3, Local: 2, Join: &JoinPoint{Snapshot: 10, From: 20, Seats: make([]Seat, 2)}}},
		{"join from before snapshot", Config{Players: 2, Local: 1, Join: &JoinPoint{Snapshot: 10, From: 10,
			Seats: []Seat{{Until: NoFrame}, {From: 10, Until: NoFrame}}}}},
		{"join local seat elsewhere", Config{Players: 2, Local: 1, Join: &JoinPoint{Snapshot: 10, From: 20,
			Seats: []Seat{{Until: NoFrame}, {From: 0, Until: NoFrame}}}}},
		{"join seat ends before it starts", Config{Players: 2, Local: 1, Join: &JoinPoint{Snapshot: 10, From: 20,
			Seats: []Seat{{From: 5, Until: 4}, {From: 20, Until: NoFrame}}}}},
		{"join negative snapshot", Config{Players: 2, Local: 1, Join: &JoinPoint{Snapshot: -1, From: 20,
			Seats: []Seat{{Until: NoFrame}, {From: 20, Until: NoFrame}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.cfg.Validate(); !errors.Is(err, ErrBadConfig) {
				t.Fatalf("Validate = %v, want ErrBadConfig", err)
			}
			if _, err := New(tt.cfg); !errors.Is(err, ErrBadConfig) {
				t.Fatalf("New = %v, want ErrBadConfig", err)
			}
		})
	}
	e, err := New(Config{Players: 16, Local: 15})
	if err != nil {
		t.Fatal(err)
	}
	c := e.Config()
	if c.ChecksumInterval != DefaultChecksumInterval || c.DisconnectTimeout != DefaultDisconnectTimeout || c.FrameDuration != DefaultFrameDuration {
		t.Fatalf("defaults not applied: %+v", c)
	}
	// A zero input delay is a delay of zero, not "the default".
	if c.InputDelay != 0 || e.InputDelay() != 0 || c.MinInputDelay != 0 {
		t.Fatalf("zero delays became %d (engine %d), floor %d", c.InputDelay, e.InputDelay(), c.MinInputDelay)
	}
}

func TestDefaultConfig(t *testing.T) {
	c := DefaultConfig(4, 3)
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	want := Config{Players: 4, Local: 3, InputDelay: DefaultInputDelay, MaxInputDelay: DefaultMaxInputDelay, AutoInputDelay: true,
		MinInputDelay: 1, DelayMargin: DefaultFrameDuration / 8, FrameDuration: DefaultFrameDuration, ChecksumInterval: DefaultChecksumInterval,
		DisconnectTimeout: DefaultDisconnectTimeout, InterruptTimeout: DefaultDisconnectTimeout / 4, PingInterval: DefaultPingInterval,
		JoinLead: DefaultJoinLead}
	if c.MergeInput != nil || fmt.Sprintf("%+v", c) != fmt.Sprintf("%+v", want) {
		t.Fatalf("DefaultConfig(4, 3) =\n%+v, want\n%+v", c, want)
	}
	e, err := New(c)
	if err != nil {
		t.Fatal(err)
	}
	if got := e.Config(); fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
		t.Fatalf("New changed a full config: %+v", got)
	}
}

// pair returns two engines and a function that delivers every message
// between them at once.
func pair(t *testing.T, cfg Config) (a, b *Engine, deliver func() (fa, fb []ReadyFrame)) {
	t.Helper()
	cfg.Players = 2
	ca, cb := cfg, cfg
	ca.Local, cb.Local = 0, 1
	var err error
	if a, err = New(ca); err != nil {
		t.Fatal(err)
	}
	if b, err = New(cb); err != nil {
		t.Fatal(err)
	}
	deliver = func() (fa, fb []ReadyFrame) {
		ra, rb := a.Ready(), b.Ready()
		fa, fb = ra.Frames, rb.Frames
		for _, o := range ra.Messages {
			if err := b.Receive(0, o.Msg); err != nil {
				t.Fatal(err)
			}
		}
		for _, o := range rb.Messages {
			if err := a.Receive(1, o.Msg); err != nil {
				t.Fatal(err)
			}
		}
		fa = append(fa, a.Ready().Frames...)
		fb = append(fb, b.Ready().Frames...)
		return fa, fb
	}
	return a, b, deliver
}

func TestInputDelaySchedulesAndFillsStart(t *testing.T) {
	a, b, deliver := pair(t, Config{InputDelay: 3})
	var fa, fb []ReadyFrame
	for i := range 4 {
		f, err := a.AddLocalInput([]byte{'a', byte('0' + i)})
		if err != nil || f != Frame(3+i) {
			t.Fatalf("input %d landed on %d, %v; want frame %d", i, f, err, 3+i)
		}
		if _, err := b.AddLocalInput([]byte{'b', byte('0' + i)}); err != nil {
			t.Fatal(err)
		}
		x, y := deliver()
		fa, fb = append(fa, x...), append(fb, y...)
	}
	// One frame a tick; frames 0..2 are empty for everyone; frame 3 has
	// the first inputs.
	if len(fa) != 4 || len(fb) != 4 {
		t.Fatalf("got %d and %d frames after 4 ticks, want 4", len(fa), len(fb))
	}
	for i := range 3 {
		if len(fa[i].Inputs[0]) != 0 || len(fa[i].Inputs[1]) != 0 {
			t.Fatalf("frame %d not empty: %q", i, fa[i].Inputs)
		}
	}
	if string(fa[3].Inputs[0]) != "a0" || string(fa[3].Inputs[1]) != "b0" || string(fb[3].Inputs[0]) != "a0" {
		t.Fatalf("frame 3 = %q / %q", fa[3].Inputs, fb[3].Inputs)
	}
}

func TestDelayChangeKeepsOneInputPerFrame(t *testing.T) {
	tests := []struct {
		name   string
		delays []int // delay before each tick
	}{
		{"grow", []int{2, 2, 2, 5, 5, 5, 5, 5, 5, 5}},
		{"shrink", []int{6, 6, 6, 6, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2}},
		{"zero", []int{3, 3, 0, 0, 0, 0, 0, 0}},
		{"flap", []int{1, 4, 1, 4, 1, 4, 2, 2, 2, 2, 2, 2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b, deliver := pair(t, Config{MergeInput: func(o, n []byte) []byte { return append(append([]byte{}, o...), n...) }})
			var frames []ReadyFrame
			var sent []byte
			for i, d := range tt.delays {
				if err := a.SetInputDelay(d); err != nil {
					t.Fatal(err)
				}
				c := byte('a' + i)
				sent = append(sent, c)
				if _, err := a.AddLocalInput([]byte{c}); err != nil {
					t.Fatal(err)
				}
				if _, err := b.AddLocalInput([]byte{byte(i)}); err != nil {
					t.Fatal(err)
				}
				fa, _ := deliver()
				frames = append(frames, fa...)
			}
			for i, f := range frames {
				if f.Frame != Frame(i) {
					t.Fatalf("frame %d at position %d", f.Frame, i)
				}
			}
			// Every frame up to the last scheduled one has exactly one
			// local input, and every press shows up, in order: merged
			// into one frame, or repeated by a fill, never lost.
			var seq []byte
			for f := Frame(0); f <= a.lastLocal; f++ {
				in, ok := a.players[0].input(f)
				if !ok {
					t.Fatalf("frame %d has no local input", f)
				}
				seq = append(seq, in...)
			}
			if a.hasPend {
				seq = append(seq, a.pending[0]...)
			}
			var order []byte
			for _, c := range seq {
				if len(order) == 0 || c > order[len(order)-1] {
					order = append(order, c)
				}
			}
			if string(order) != string(sent) {
				t.Fatalf("presses in order %q, want %q (inputs %q)", order, sent, seq)
			}
		})
	}
}

func TestMergeWhileStalled(t *testing.T) {
	or := func(o, n []byte) []byte { return []byte{o[0] | n[0]} }
	a, err := New(Config{Players: 2, Local: 0, InputDelay: 1, MergeInput: or})
	if err != nil {
		t.Fatal(err)
	}
	// Player 1 says nothing: the clock runs maxLag frames ahead of the
	// simulation, then stops, and further inputs merge.
	for i, want := range []Frame{1, 2, NoFrame, NoFrame} {
		if f, _ := a.AddLocalInput([]byte{1 << i}); f != want {
			t.Fatalf("input %d landed on %d, want %d", i, f, want)
		}
	}
	// Player 1 catches up: frames 0 and 1 run, and the merged input lands
	// on the next frame with the new one.
	if err := a.Receive(1, &InputMsg{Player: 1, Start: 0, Inputs: [][]byte{{0}, {0}, {0}}}); err != nil {
		t.Fatal(err)
	}
	if n := len(a.Ready().Frames); n != 2 {
		t.Fatalf("%d frames after catching up, want 2", n)
	}
	if f, _ := a.AddLocalInput([]byte{16}); f != 3 {
		t.Fatalf("input after catching up landed on %d, want 3", f)
	}
	if got := a.players[0].inputs[3]; len(got) != 1 || got[0] != 4|8|16 {
		t.Fatalf("merged input = %v, want %v", got, 4|8|16)
	}
}

func TestReceiveRejects(t *testing.T) {
	e, err := New(Config{Players: 3, Local: 0})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		from PlayerID
		m    Message
		want error
	}{
		{"from unknown player", 7, &LeaveMsg{}, ErrUnknownPlayer},
		{"from self", 0, &LeaveMsg{}, ErrUnknownPlayer},
		{"nil", 1, nil, ErrBadMessage},
		{"input in another's name", 1, &InputMsg{Player: 2, Start: 0, Inputs: [][]byte{{1}}}, ErrBadMessage},
		{"input far in the future", 1, &InputMsg{Player: 1, Start: 100000, Inputs: [][]byte{{1}}}, ErrBadMessage},
		{"negative frame", 1, &InputMsg{Player: 1, Start: -5, Inputs: [][]byte{{1}}}, ErrBadMessage},
		{"oversize input", 1, &InputMsg{Player: 1, Start: 0, Inputs: [][]byte{make([]byte, MaxInputSize+1)}}, ErrBadMessage},
		{"pong from the future", 1, &PongMsg{Echo: time.Hour}, ErrBadMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := e.Receive(tt.from, tt.m); !errors.Is(err, tt.want) {
				t.Fatalf("Receive = %v, want %v", err, tt.want)
			}
		})
	}
	if _, ok := e.players[2].input(0); ok {
		t.Fatal("a refused message changed the engine")
	}
	if _, err := e.AddLocalInput(make([]byte, MaxInputSize+1)); !errors.Is(err, ErrInputTooLarge) {
		t.Fatalf("oversize local input: %v", err)
	}
}

// steadyStalls runs two peers over a steady link and counts the ticks on
// which a peer had no frame, after the first frame.
func steadyStalls(t *testing.T, latency time.Duration, delay int) int {
	t.Helper()
	m := newMatch(1, 2, Config{InputDelay: delay, MaxInputDelay: 20}, latency, 0, 600)
	m.peers[1].nextTick = m.peers[0].period / 2
	m.run()
	checkAgreement(t, m, 1)
	return m.peers[0].stalls + m.peers[1].stalls
}

func TestPipeliningNoStalls(t *testing.T) {
	const T = DefaultFrameDuration
	for _, lat := range []time.Duration{5 * time.Millisecond, 40 * time.Millisecond, 80 * time.Millisecond, 150 * time.Millisecond} {
		t.Run(lat.String(), func(t *testing.T) {
			d := int((lat+T-1)/T) + 1
			if s := steadyStalls(t, lat, d); s != 0 {
				t.Errorf("delay %d at %v one way: %d stalls, want 0", d, lat, s)
			}
			if s := steadyStalls(t, lat, d-2); lat > T && s == 0 {
				t.Errorf("delay %d at %v one way: no stalls, the test cannot fail", d-2, lat)
			}
		})
	}
}

// TestPacing: one peer's clock runs 1% fast. With the engine's advice the
// stalls stay rare; without it they recur every couple of seconds.
func TestPacing(t *testing.T) {
	run := func(pace bool) int {
		m := newMatch(5, 2, Config{InputDelay: 4}, 20*time.Millisecond, 2*time.Millisecond, 60*60)
		m.peers[0].period = m.peers[0].period * 99 / 100
		for _, p := range m.peers {
			p.pace = pace
		}
		m.run()
		checkAgreement(t, m, 5)
		return m.peers[0].stalls + m.peers[1].stalls
	}
	with, without := run(true), run(false)
	t.Logf("stalls over 60 s: %d with pacing, %d without", with, without)
	if with > 5 {
		t.Errorf("%d stalls with pacing over 60 s, want at most 5", with)
	}
	if without < 20 {
		t.Errorf("only %d stalls without pacing: the test cannot tell", without)
	}
}

func TestDesyncDetection(t *testing.T) {
	const K = 10
	for _, tt := range []struct {
		name   string
		random bool
	}{{"deterministic", false}, {"random checksums", true}} {
		t.Run(tt.name, func(t *testing.T) {
			m := newMatch(3, 3, Config{InputDelay: 3, ChecksumInterval: K}, 30*time.Millisecond, 5*time.Millisecond, 200)
			rng := rand.New(rand.NewPCG(3, 3))
			for _, p := range m.peers {
				p.checksum = func(f Frame, sum uint64) uint64 {
					if tt.random {
						return rng.Uint64()
					}
					return sum
				}
			}
			m.run()
			for i, p := range m.peers {
				var first *Event
				for j := range p.events {
					if p.events[j].Kind == EventDesync {
						first = &p.events[j]
						break
					}
				}
				if !tt.random {
					if first != nil {
						t.Errorf("peer %d: %v", i, first)
					}
					continue
				}
				if first == nil {
					t.Fatalf("peer %d: no desync raised", i)
				}
				if first.Frame != 0 || len(first.Players) == 0 {
					t.Errorf("peer %d: first desync %v, want frame 0 naming another player", i, first)
				}
				for _, p := range first.Players {
					if int(p) == i {
						t.Errorf("peer %d: desync names itself: %v", i, first)
					}
				}
			}
		})
	}
}

// TestDesyncLatency: a desync at frame F is raised by frame F+K+RTT.
func TestDesyncLatency(t *testing.T) {
	const K, bad = 15, 45
	lat := 40 * time.Millisecond
	m := newMatch(4, 2, Config{InputDelay: 4, ChecksumInterval: K}, lat, 0, 200)
	m.peers[1].checksum = func(f Frame, sum uint64) uint64 {
		if f >= bad {
			return sum ^ 1
		}
		return sum
	}
	m.peers[0].checksum = func(f Frame, sum uint64) uint64 { return sum }
	at := Frame(-1)
	m.onTick = func(m *match, i int) {
		for _, e := range m.peers[0].events {
			if e.Kind == EventDesync && at < 0 {
				at = Frame(len(m.peers[0].hashes))
				if e.Frame != bad {
					t.Errorf("desync named frame %d, want %d", e.Frame, bad)
				}
			}
		}
	}
	m.run()
	limit := Frame(bad + K + int(2*lat/DefaultFrameDuration) + 2)
	if at < 0 || at > limit {
		t.Fatalf("desync at frame %d seen when peer 0 was at frame %d, want by %d", bad, at, limit)
	}
}

func TestLeaveAndKicked(t *testing.T) {
	m := newMatch(9, 3, Config{InputDelay: 2, DisconnectTimeout: 500 * time.Millisecond}, 10*time.Millisecond, 0, 300)
	left := false
	m.onTick = func(m *match, i int) {
		if i == 2 && !left && len(m.peers[2].hashes) >= 100 {
			left = true
			m.peers[2].e.Leave()
			m.flush(2)
			m.peers[2].gone = true
		}
	}
	m.run()
	checkAgreement(t, m, 9)
	for i := range 2 {
		lv := leaves(m.peers[i])
		if f, ok := lv[2]; !ok || f < 100 {
			t.Fatalf("peer %d: leaves %v, want player 2 at a frame >= 100", i, lv)
		}
	}
	// The leaver speaks again: it is told it was dropped.
	e := m.peers[0].e
	e.Receive(2, &PingMsg{Sent: m.now})
	rd := e.Ready()
	var kicked *KickedMsg
	for _, o := range rd.Messages {
		if k, ok := o.Msg.(*KickedMsg); ok && o.To == 2 {
			kicked = k
		}
	}
	if kicked == nil {
		t.Fatal("no KickedMsg for a dropped player who spoke again")
	}
	gone := m.peers[2].e
	gone.Receive(0, kicked)
	if _, err := gone.AddLocalInput(nil); !errors.Is(err, ErrDropped) && !errors.Is(err, ErrStopped) {
		t.Fatalf("dropped engine accepted input: %v", err)
	}
	evs := gone.Ready().Events
	if len(evs) == 0 || evs[len(evs)-1].Kind != EventDropped {
		t.Fatalf("dropped engine events: %v", evs)
	}
}

func TestTypedInput(t *testing.T) {
	type pad struct {
		Buttons uint16
		X, Y    int8
	}
	in := pad{Buttons: 0b101, X: -3, Y: 7}
	b, err := EncodeInput(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := DecodeInput[pad](b)
	if err != nil || out != in {
		t.Fatalf("DecodeInput = %+v, %v", out, err)
	}
	if z, err := DecodeInput[pad](nil); err != nil || z != (pad{}) {
		t.Fatalf("empty input decodes to %+v, %v", z, err)
	}
	if _, err := DecodeInput[pad]([]byte{0xdd, 0xff, 0xff, 0xff, 0xff}); err == nil {
		t.Fatal("garbage decoded")
	}
	if _, err := EncodeInput(make([]byte, 1000)); !errors.Is(err, ErrInputTooLarge) {
		t.Fatalf("oversize typed input: %v", err)
	}
}

func TestCodecRoundTrip(t *testing.T) {
	msgs := []Message{
		&InputMsg{Player: 3, Start: 120, Inputs: [][]byte{{1, 2}, {}, {3}}},
		&ChecksumMsg{Frame: 90, Sum: 1<<63 + 5},
		&PingMsg{Sent: 5 * time.Second, Frame: 300, Advantage: -1500},
		&PongMsg{Echo: 5 * time.Second, Frame: 301},
		&DropReportMsg{Entries: []DropEntry{{Player: 2, Last: 99, Start: 98, Inputs: [][]byte{{1}, {2}}}, {Player: 4, Last: 50, Final: true, Start: 51}}},
		&LeaveMsg{},
		&KickedMsg{Frame: 77},
	}
	for _, m := range msgs {
		t.Run(m.Kind().String(), func(t *testing.T) {
			b, err := EncodeMessage(m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := DecodeMessage(b)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(got) != fmt.Sprint(m) {
				t.Fatalf("round trip: %v, want %v", got, m)
			}
			for cut := range len(b) {
				if _, err := DecodeMessage(b[:cut]); err == nil {
					t.Fatalf("truncated to %d bytes decoded", cut)
				}
			}
		})
	}
}

func TestDropReportRejects(t *testing.T) {
	e, err := New(Config{Players: 3, Local: 0})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		m    *DropReportMsg
	}{
		{"unknown player", &DropReportMsg{Entries: []DropEntry{{Player: 9, Last: NoFrame, Start: 0}}}},
		{"names its sender", &DropReportMsg{Entries: []DropEntry{{Player: 1, Last: NoFrame, Start: 0}}}},
		{"claims inputs it does not carry", &DropReportMsg{Entries: []DropEntry{{Player: 2, Last: 50, Start: 45, Inputs: make([][]byte, 6)}}}},
		{"claims inputs with none", &DropReportMsg{Entries: []DropEntry{{Player: 2, Last: 5, Start: 6}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := e.Receive(1, tt.m); !errors.Is(err, ErrBadMessage) {
				t.Fatalf("Receive = %v, want ErrBadMessage", err)
			}
			if e.players[2].dropping || e.players[2].settled != NoFrame {
				t.Fatal("a refused report started a drop")
			}
		})
	}
}
