package lockstep

import (
	"errors"
	"slices"
	"testing"
	"time"
)

func TestGroupsValidate(t *testing.T) {
	tests := []struct {
		name   string
		groups [][]PlayerID
		local  PlayerID
		ok     bool
	}{
		{"none", nil, 0, true},
		{"one pair, local in it", [][]PlayerID{{0, 1}}, 0, true},
		{"one pair, local outside", [][]PlayerID{{1, 2}}, 0, true},
		{"two groups", [][]PlayerID{{0, 3}, {1, 2}}, 3, true},
		{"a group of one", [][]PlayerID{{2}}, 0, true},
		{"empty group", [][]PlayerID{{0, 1}, {}}, 0, false},
		{"player out of range", [][]PlayerID{{0, 4}}, 0, false},
		{"player twice in a group", [][]PlayerID{{1, 1}}, 0, false},
		{"player in two groups", [][]PlayerID{{0, 1}, {1, 2}}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Config{Players: 4, Local: tt.local, Groups: tt.groups}.Validate()
			if tt.ok != (err == nil) {
				t.Fatalf("Validate() = %v, want ok %v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrBadConfig) {
				t.Fatalf("Validate() = %v, want ErrBadConfig", err)
			}
		})
	}
}

func TestLocalPlayers(t *testing.T) {
	tests := []struct {
		groups [][]PlayerID
		local  PlayerID
		want   []PlayerID
	}{
		{nil, 2, []PlayerID{2}},
		{[][]PlayerID{{0, 1}}, 2, []PlayerID{2}},
		{[][]PlayerID{{3, 1}}, 1, []PlayerID{3, 1}},
		{[][]PlayerID{{0, 2}, {1, 3}}, 3, []PlayerID{1, 3}},
	}
	for _, tt := range tests {
		e, err := New(Config{Players: 4, Local: tt.local, Groups: tt.groups})
		if err != nil {
			t.Fatal(err)
		}
		if got := e.LocalPlayers(); !slices.Equal(got, tt.want) {
			t.Errorf("groups %v, local %d: LocalPlayers() = %v, want %v", tt.groups, tt.local, got, tt.want)
		}
	}
}

// TestAddLocalInputsCount: an engine takes exactly one input per local
// player, and a refused call adds nothing.
func TestAddLocalInputsCount(t *testing.T) {
	e, err := New(Config{Players: 3, Local: 0, Groups: [][]PlayerID{{0, 1}}, InputDelay: 1})
	if err != nil {
		t.Fatal(err)
	}
	e.Tick(0)
	for _, ins := range [][][]byte{nil, {{1}}, {{1}, {2}, {3}}} {
		if _, err := e.AddLocalInputs(ins); !errors.Is(err, ErrInputCount) {
			t.Fatalf("AddLocalInputs(%d inputs) = %v, want ErrInputCount", len(ins), err)
		}
	}
	if _, err := e.AddLocalInput([]byte{1}); !errors.Is(err, ErrInputCount) {
		t.Fatalf("AddLocalInput with two local players = %v, want ErrInputCount", err)
	}
	if _, err := e.AddLocalInputs([][]byte{{1}, make([]byte, MaxInputSize+1)}); !errors.Is(err, ErrInputTooLarge) {
		t.Fatalf("an oversized second input = %v, want ErrInputTooLarge", err)
	}
	if e.lastLocal != NoFrame {
		t.Fatalf("refused calls scheduled inputs up to frame %d", e.lastLocal)
	}
	f, err := e.AddLocalInputs([][]byte{{'a'}, {'b'}})
	if err != nil || f != 1 {
		t.Fatalf("AddLocalInputs = %d, %v; want frame 1", f, err)
	}
	for p, want := range map[PlayerID]string{0: "a", 1: "b"} {
		if in, ok := e.players[p].input(1); !ok || string(in) != want {
			t.Fatalf("player %d's input at frame 1 = %q, %v; want %q", p, in, ok, want)
		}
	}
}

// TestGroupMessages: an engine with two local players sends the peer of a
// group one input message for each of its players, to the group's first
// player, and takes messages only from a group's first player and for that
// group's players.
func TestGroupMessages(t *testing.T) {
	groups := [][]PlayerID{{0, 1}, {2, 3}}
	e, err := New(Config{Players: 5, Local: 0, Groups: groups, InputDelay: 1})
	if err != nil {
		t.Fatal(err)
	}
	e.Tick(0)
	if _, err := e.AddLocalInputs([][]byte{{'a'}, {'b'}}); err != nil {
		t.Fatal(err)
	}
	sent := map[PlayerID][]PlayerID{} // to → the players of the inputs
	for _, o := range e.Ready().Messages {
		if m, ok := o.Msg.(*InputMsg); ok {
			sent[o.To] = append(sent[o.To], m.Player)
		}
	}
	want := map[PlayerID][]PlayerID{2: {0, 1}, 4: {0, 1}}
	if len(sent) != len(want) || !slices.Equal(sent[2], want[2]) || !slices.Equal(sent[4], want[4]) {
		t.Fatalf("inputs sent %v, want %v", sent, want)
	}

	tests := []struct {
		name string
		from PlayerID
		msg  Message
		want error
	}{
		{"a group's first player, its own input", 2, &InputMsg{Player: 2, Start: 0, Inputs: [][]byte{{1}}}, nil},
		{"a group's first player, its partner's input", 2, &InputMsg{Player: 3, Start: 0, Inputs: [][]byte{{1}}}, nil},
		{"from a group's second player", 3, &InputMsg{Player: 3, Start: 0, Inputs: [][]byte{{1}}}, ErrUnknownPlayer},
		{"from a local player", 1, &PingMsg{}, ErrUnknownPlayer},
		{"another peer's player", 4, &InputMsg{Player: 3, Start: 0, Inputs: [][]byte{{1}}}, ErrBadMessage},
		{"a report naming the reporter's partner", 2, &DropReportMsg{Entries: []DropEntry{{Player: 3, Last: NoFrame}}}, ErrBadMessage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.Receive(tt.from, tt.msg)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Receive = %v, want %v", err, tt.want)
			}
		})
	}
	if c := e.players[3].contig; c != 0 {
		t.Fatalf("player 3 holds inputs up to %d, want 0 (only the first player's message counts)", c)
	}
}

// TestGroupDropsTogether: dropping one player of a group drops the whole
// group at one agreed frame, and a local player of a group cannot be
// dropped.
func TestGroupDropsTogether(t *testing.T) {
	m := newGroupMatch(1, 4, [][]PlayerID{{1, 3}}, Config{InputDelay: 2}, 10*time.Millisecond, 0, 200)
	m.onTick = func(m *match, i int) {
		if i == 0 && m.now >= time.Second && !m.peers[m.index[1]].gone {
			if err := m.peers[0].e.DropPlayer(3); err != nil {
				t.Fatal(err)
			}
			m.peers[m.index[1]].gone = true
		}
	}
	if err := m.peers[m.index[1]].e.DropPlayer(3); !errors.Is(err, ErrLocalPlayer) {
		t.Fatalf("dropping the partner = %v, want ErrLocalPlayer", err)
	}
	m.until = func() bool {
		for _, p := range m.peers {
			if !p.gone && len(leaves(p)) < 2 {
				return false
			}
		}
		return true
	}
	m.run()
	checkAgreement(t, m, 1)
	for _, p := range m.peers {
		if p.gone {
			continue
		}
		l := leaves(p)
		if _, ok := l[1]; !ok || len(l) != 2 {
			t.Fatalf("peer %d saw %v leave, want players 1 and 3", p.id, l)
		}
		if _, ok := l[3]; !ok {
			t.Fatalf("peer %d saw %v leave, want players 1 and 3", p.id, l)
		}
	}
}
