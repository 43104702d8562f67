package lockstep

import (
	"errors"
	"testing"
	"time"
)

// inputsTo returns the input messages in out for player p, and how many
// datagrams each goes in.
func inputsTo(out []Outbound, p PlayerID) (msgs []*InputMsg, copies []int, reliable []bool) {
	for _, o := range out {
		if m, ok := o.Msg.(*InputMsg); ok && o.To == p {
			msgs, copies, reliable = append(msgs, m), append(copies, o.Copies), append(reliable, o.Reliable)
		}
	}
	return msgs, copies, reliable
}

// TestInputExchange follows one engine's inputs to a player who hears
// nothing of them: new inputs go as datagrams in two copies, each also
// carrying the frame before; once a resend timeout passes unanswered,
// every unacknowledged input goes again; an acknowledgement stops that,
// and a new acknowledgement of the other's inputs goes out alone.
func TestInputExchange(t *testing.T) {
	e, err := New(Config{Players: 2, Local: 0, InputDelay: 1})
	if err != nil {
		t.Fatal(err)
	}
	frame := DefaultFrameDuration
	now := time.Duration(0)
	tick := func() []Outbound {
		e.Tick(now)
		if _, err := e.AddLocalInput([]byte{byte(now / frame)}); err != nil {
			t.Fatal(err)
		}
		now += frame
		return e.Ready().Messages
	}
	msgs, copies, reliable := inputsTo(tick(), 1)
	if len(msgs) != 1 || copies[0] != DefaultInputCopies || reliable[0] {
		t.Fatalf("first tick: %d input messages, copies %v, reliable %v; want one datagram in %d copies", len(msgs), copies, reliable, DefaultInputCopies)
	}
	if m := msgs[0]; m.Start != 0 || len(m.Inputs) != 2 || m.AckNext != 0 {
		t.Fatalf("first tick sends frames %d..%d acknowledging up to %d; want 0..1 (delay 1: frame 0 is filled) and none", m.Start, int(m.Start)+len(m.Inputs)-1, m.AckNext)
	}
	msgs, _, _ = inputsTo(tick(), 1)
	if len(msgs) != 1 || msgs[0].Start != 1 || len(msgs[0].Inputs) != 2 {
		t.Fatalf("second tick: %+v; want frames 1..2 (the new one and the one before)", msgs)
	}
	// Silence until a resend timeout (200 ms before any round trip is
	// known) has passed since frame 0 was made: then frames 0.. go again.
	resent := false
	for range 20 {
		msgs, _, _ = inputsTo(tick(), 1)
		if len(msgs) == 1 && msgs[0].Start == 0 {
			resent = true
			if got := len(msgs[0].Inputs); Frame(got) != e.lastLocal+1 {
				t.Fatalf("resend carries %d inputs, want every one of the %d unacknowledged", got, e.lastLocal+1)
			}
			break
		}
	}
	if !resent {
		t.Fatal("no resend of the unacknowledged inputs after 20 ticks")
	}
	// Player 1 acknowledges everything, and sends an input of its own.
	mustReceive(t, e, 1, &InputMsg{Player: 1, Start: 0, Inputs: [][]byte{{9}}, AckNext: e.lastLocal + 1})
	rd := e.Ready()
	msgs, copies, _ = inputsTo(rd.Messages, 1)
	if len(msgs) != 1 || len(msgs[0].Inputs) != 0 || msgs[0].AckNext != 1 || copies[0] != 1 {
		t.Fatalf("after player 1's input: %+v copies %v; want one acknowledgement of frame 0 alone, in one datagram", msgs, copies)
	}
	// Nothing new, nothing owed: nothing goes.
	if msgs, _, _ := inputsTo(e.Ready().Messages, 1); len(msgs) != 0 {
		t.Fatalf("a second Ready sent %+v", msgs)
	}
	// An acknowledgement of inputs never sent is refused and changes nothing.
	err = e.Receive(1, &InputMsg{Player: 1, Start: 1, AckNext: e.lastLocal + 5})
	if !errors.Is(err, ErrBadMessage) {
		t.Fatalf("acknowledging unsent inputs: %v, want ErrBadMessage", err)
	}
	if st := e.Stats(); st.Peers[0].Acked != e.lastLocal {
		t.Fatalf("acked %d after a bad acknowledgement, want %d", st.Peers[0].Acked, e.lastLocal)
	}
}

// TestLeaveSendsInputsReliably: leaving sends the unacknowledged inputs
// ahead of the leave on the reliable channel, so that no one lacks them.
func TestLeaveSendsInputsReliably(t *testing.T) {
	e, err := New(Config{Players: 3, Local: 0, InputDelay: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		e.Tick(time.Duration(i) * DefaultFrameDuration)
		if _, err := e.AddLocalInput([]byte{byte(i)}); err != nil {
			t.Fatal(err)
		}
	}
	e.Ready()
	mustReceive(t, e, 2, &InputMsg{Player: 2, Start: 0, AckNext: 3}) // player 2 holds 0..2
	e.Leave()
	out := e.Ready().Messages
	for _, c := range []struct {
		to    PlayerID
		start Frame
	}{{1, 0}, {2, 3}} {
		var sawInput, sawLeave bool
		for _, o := range out {
			if o.To != c.to {
				continue
			}
			switch m := o.Msg.(type) {
			case *InputMsg:
				if !o.Reliable || sawLeave || m.Start != c.start || m.Start+Frame(len(m.Inputs)) != e.lastLocal+1 {
					t.Fatalf("to %d: input %d..%d reliable %v after the leave %v; want %d..%d, reliable, first", c.to, m.Start, int(m.Start)+len(m.Inputs)-1, o.Reliable, sawLeave, c.start, e.lastLocal)
				}
				sawInput = true
			case *LeaveMsg:
				if !o.Reliable {
					t.Fatalf("to %d: the leave is not reliable", c.to)
				}
				sawLeave = true
			}
		}
		if !sawInput || !sawLeave {
			t.Fatalf("to %d: input %v, leave %v; want both", c.to, sawInput, sawLeave)
		}
	}
}

// TestDuplicatePongCountsOnce: a pong that arrives twice is one round-trip
// sample, and the ping loss counts the ping answered once.
func TestDuplicatePongCountsOnce(t *testing.T) {
	e, err := New(Config{Players: 2, Local: 0})
	if err != nil {
		t.Fatal(err)
	}
	e.Tick(0)
	e.Ready()
	e.Tick(30 * time.Millisecond)
	pong := &PongMsg{Echo: 0, Frame: 1}
	mustReceive(t, e, 1, pong)
	mustReceive(t, e, 1, pong)
	if n := e.players[1].pingsAnswered; n != 1 {
		t.Fatalf("%d round-trip samples from one pong sent twice, want 1", n)
	}
}

// TestAdaptiveCopies: towards a player whose pings go unanswered a tenth
// of the time, an adaptive engine sends each input once more; one with
// InputCopies set keeps it.
func TestAdaptiveCopies(t *testing.T) {
	for _, tt := range []struct {
		name   string
		copies int
		want   int
	}{{"adaptive", 0, DefaultInputCopies + 1}, {"fixed", 2, 2}} {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(Config{Players: 2, Local: 0, InputCopies: tt.copies, PingInterval: DefaultFrameDuration, DisconnectTimeout: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			var got int
			for i := range 200 {
				now := time.Duration(i) * DefaultFrameDuration
				e.Tick(now)
				mustReceive(t, e, 1, &InputMsg{Player: 1, Start: Frame(i), Inputs: [][]byte{{2}}, AckNext: e.lastLocal + 1})
				if _, err := e.AddLocalInput([]byte{1}); err != nil {
					t.Fatal(err)
				}
				rd := e.Ready()
				for _, o := range rd.Messages {
					switch m := o.Msg.(type) {
					case *PingMsg:
						if i%10 != 0 { // every tenth ping lost
							mustReceive(t, e, 1, &PongMsg{Echo: m.Sent, Frame: Frame(i)})
						}
					case *InputMsg:
						got = o.Copies
					}
				}
			}
			if got != tt.want {
				t.Fatalf("%d copies after 200 ticks with a tenth of the pings lost, want %d", got, tt.want)
			}
		})
	}
}
