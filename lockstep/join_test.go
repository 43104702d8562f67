package lockstep

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// joinRun is one seeded match where a player comes in while it runs: a
// player who crashed and was dropped comes back (a rejoin), or a vacant
// slot is taken (a late join); sometimes a second failure strikes during
// the agreement.
type joinRun struct {
	seed    uint64
	n       int
	v       PlayerID // the player who joins
	late    bool     // v's slot was vacant from the start
	failure int      // 0 none, 1 the admitting peer crashes, 2 the joiner crashes again, 3 another peer crashes
	cfg     Config

	m        *match
	admitAt  time.Duration // when a peer is to admit v
	admitted time.Duration // when one did; 0: not yet
	sponsor  int           // the peer to admit v next
	sponsor0 int           // the peer that admitted v first
	created  bool          // the joiner's engine started
	joinedAt time.Duration
	failAt   time.Duration
	failed   bool
	victim   int // who the second failure strikes
	jp       JoinPoint
}

func newJoinRun(seed uint64, lossy bool) *joinRun {
	rng := rand.New(rand.NewPCG(seed, 31))
	r := &joinRun{seed: seed, n: 2 + rng.IntN(5), late: rng.IntN(3) == 0}
	r.v = PlayerID(rng.IntN(r.n))
	r.cfg = Config{
		InputDelay:        1 + rng.IntN(4),
		AutoInputDelay:    rng.IntN(2) == 0,
		ChecksumInterval:  10 + rng.IntN(20),
		DisconnectTimeout: time.Duration(1000+rng.IntN(1000)) * time.Millisecond,
		JoinLead:          []int{0, 8, 20, 60}[rng.IntN(4)],
	}
	if r.late {
		r.cfg.Vacant = []PlayerID{r.v}
	}
	latency := time.Duration(rng.IntN(60)) * time.Millisecond
	jitter := time.Duration(rng.IntN(15)) * time.Millisecond
	r.m = newMatch(seed, r.n, r.cfg, latency, jitter, 700+rng.IntN(200))
	if lossy {
		r.m.net.loss, r.m.net.dup = 0.2*rng.Float64(), 0.05*rng.Float64()
	}
	for _, p := range r.m.peers {
		p.checksum = func(f Frame, sum uint64) uint64 { return sum }
	}
	r.failure = rng.IntN(4)
	if r.n == 2 && r.failure != 2 {
		r.failure = 0 // the admitting peer is the only other one
	}
	crashAt := time.Duration(300+rng.IntN(1500)) * time.Millisecond
	if r.late {
		r.m.peers[r.v] = r.placeholder()
		r.admitAt = time.Duration(200+rng.IntN(3000)) * time.Millisecond
	} else {
		r.admitAt = crashAt + r.cfg.DisconnectTimeout + time.Duration(rng.IntN(1500))*time.Millisecond
	}
	others := func(not ...int) int {
		for {
			if i := rng.IntN(r.n); !slices.Contains(not, i) {
				return i
			}
		}
	}
	r.sponsor = others(int(r.v))
	if r.failure == 3 {
		r.victim = others(int(r.v), r.sponsor)
	}
	failDelay := time.Duration(rng.IntN(600)) * time.Millisecond
	r.m.onTick = func(m *match, i int) {
		if !r.late && m.now >= crashAt && r.admitted == 0 && !m.peers[r.v].gone {
			m.peers[r.v].gone = true // the first crash: the others drop it
		}
		if i == r.sponsor && m.now >= r.admitAt && !r.created && (r.admitted == 0 || m.now-r.admitted > 3*time.Second) {
			r.admit(i)
		}
		if r.failed || r.failure == 0 || r.admitted == 0 || r.failure == 2 && !r.created {
			return
		}
		base, victim := r.admitted, r.victim
		switch r.failure {
		case 1:
			victim = r.sponsor0
		case 2:
			base, victim = r.joinedAt, int(r.v)
		}
		if m.now >= base+failDelay {
			m.peers[victim].gone, r.failed = true, true
		}
	}
	r.m.onReady = func(m *match, i int, rd Ready) {
		if r.created || i == int(r.v) {
			return
		}
		for _, ev := range rd.Events {
			if ev.Kind == EventPlayerJoined && ev.Player == r.v {
				r.start(i)
				return
			}
		}
	}
	r.m.until = func() bool { return r.created }
	return r
}

// placeholder stands for the joining machine until its engine starts:
// messages to it wait for it, as netcode's link buffers them.
func (r *joinRun) placeholder() *simPeer {
	return &simPeer{id: r.v, locals: []PlayerID{r.v}, period: r.cfg.frameDuration(), nextTick: 1 << 62}
}

// admit has peer i admit v; a peer that cannot yet (the drop is not
// settled) tries again at its next tick. An admission that came to
// nothing (its peer crashed before sending it) is made again by another
// peer, three seconds on.
func (r *joinRun) admit(i int) {
	err := r.m.peers[i].e.Admit(r.v)
	switch {
	case errors.Is(err, ErrPlayerPresent):
		return
	case err != nil:
		panic(fmt.Sprintf("seed %d: peer %d: admit %d: %v", r.seed, i, r.v, err))
	}
	if r.admitted == 0 {
		r.sponsor0 = i
		if !r.late {
			r.m.peers[r.v] = r.placeholder()
		}
	}
	r.admitted = r.m.now
	for j := range r.n {
		if k := (i + 1 + j) % r.n; k != int(r.v) && k != i && k != r.victim {
			r.sponsor = k
			return
		}
	}
}

// start starts the joiner's engine from peer i's JoinPoint, with peer i's
// state, after the latency the JoinPoint takes to arrive.
func (r *joinRun) start(i int) {
	p := r.m.peers[i]
	jp, err := p.e.JoinPoint(r.v)
	if err != nil {
		panic(fmt.Sprintf("seed %d: peer %d: JoinPoint(%d): %v", r.seed, i, r.v, err))
	}
	if len(p.hashes) != int(jp.Snapshot)+1 {
		panic(fmt.Sprintf("seed %d: peer %d simulated %d frames, JoinPoint snapshot %d", r.seed, i, len(p.hashes), jp.Snapshot))
	}
	c := r.cfg
	c.Players, c.Local, c.Join = r.n, r.v, &jp
	e, err := New(c)
	if err != nil {
		panic(fmt.Sprintf("seed %d: joiner: %v", r.seed, err))
	}
	j := r.m.peers[r.v]
	j.e = e
	j.hashes = slices.Clone(p.hashes)
	j.sum = p.sum
	j.nextTick = r.m.now + r.m.net.latency
	j.checksum = p.checksum
	r.created, r.joinedAt, r.jp = true, r.m.now, jp
}

func (r *joinRun) check(t *testing.T) {
	t.Helper()
	m := r.m
	rerun := fmt.Sprintf("rerun: go test ./lockstep -run '^%s$' -seed %d", t.Name(), r.seed)
	if !r.created {
		t.Fatalf("seed %d: player %d was never let in (admitted at %v); %s", r.seed, r.v, r.admitted, rerun)
	}
	var ref *simPeer
	for i, p := range m.peers {
		if p.gone || p.e == nil {
			continue
		}
		if len(p.hashes) < m.frames {
			t.Fatalf("seed %d: peer %d simulated %d of %d frames (waiting %v at frame %d); %s", r.seed, i, len(p.hashes), m.frames, p.e.Stats().Waiting, p.e.Stats().Frame, rerun)
		}
		for _, e := range p.events {
			if e.Kind == EventDesync || e.Kind == EventDropped {
				t.Fatalf("seed %d: peer %d: %v; %s", r.seed, i, e, rerun)
			}
		}
		if ref == nil {
			ref = p
			continue
		}
		for f := range m.frames {
			if p.hashes[f] != ref.hashes[f] {
				t.Fatalf("seed %d: peers %d and %d differ at frame %d; %s", r.seed, ref.id, i, f, rerun)
			}
		}
		if !slices.Equal(p.present, ref.present) {
			t.Fatalf("seed %d: peers %d and %d end with players present %v and %v; %s", r.seed, ref.id, i, ref.present, p.present, rerun)
		}
	}
	if ref == nil {
		t.Fatalf("seed %d: no peer survived; %s", r.seed, rerun)
	}
	// Everyone who was there agrees on when v came in.
	var from Frame = NoFrame
	for i, p := range m.peers {
		if p.gone || i == int(r.v) {
			continue
		}
		var joins []Frame
		for _, e := range p.events {
			if e.Kind == EventPlayerJoined && e.Player == r.v {
				joins = append(joins, e.Frame)
				if e.Rejoined == r.late {
					t.Fatalf("seed %d: peer %d: %v, rejoined %v for a late join %v; %s", r.seed, i, e, e.Rejoined, r.late, rerun)
				}
			}
		}
		switch {
		case len(joins) != 1 && r.created:
			t.Fatalf("seed %d: peer %d saw player %d join at %v; %s", r.seed, i, r.v, joins, rerun)
		case len(joins) == 1 && from == NoFrame:
			from = joins[0]
		case len(joins) == 1 && joins[0] != from:
			t.Fatalf("seed %d: peer %d has player %d join at %d, another at %d; %s", r.seed, i, r.v, joins[0], from, rerun)
		}
	}
	if r.created && from != r.jp.From {
		t.Fatalf("seed %d: the joiner started from %d, the others let it in at %d; %s", r.seed, r.jp.From, from, rerun)
	}
	if j := m.peers[r.v]; r.created && !j.gone && !ref.present[r.v] {
		t.Fatalf("seed %d: the joiner is alive but absent at the end; %s", r.seed, rerun)
	}
}

// TestJoinMatches: hundreds of seeded matches where a player comes into
// the running match, back after a crash or into a vacant slot, over a
// network that loses up to 20 % of the datagrams, duplicates and reorders
// them; sometimes the admitting peer crashes during the agreement, or the
// joiner crashes again, or another player. Every surviving peer, the
// joiner too, simulates the same frames with the same players present,
// all agree on the joiner's first frame, and no checksum differs.
func TestJoinMatches(t *testing.T) {
	count := 400
	if testing.Short() || raceEnabled {
		count = 80
	}
	kinds := map[string]int{}
	for _, seed := range testSeeds(count) {
		r := newJoinRun(seed, seed%4 != 0)
		r.m.run()
		r.check(t)
		kind := "rejoin"
		if r.late {
			kind = "late join"
		}
		kinds[kind]++
		kinds[fmt.Sprintf("failure %d", r.failure)]++
		if r.created {
			kinds["joined"]++
		}
	}
	// The runs covered what they claim to.
	if *seedFlag == 0 {
		for _, k := range []string{"rejoin", "late join", "failure 0", "failure 1", "failure 2", "failure 3"} {
			if kinds[k] < count/12 {
				t.Fatalf("%v: too few runs of %q", kinds, k)
			}
		}
		if kinds["joined"] < count*3/4 {
			t.Fatalf("%v: too few joiners got in", kinds)
		}
	}
	t.Logf("%v", kinds)
}

func TestAdmitErrors(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		setup  func(e *Engine)
		admit  PlayerID
		want   error // nil: the admission is queued
		queued int
	}{
		{"a vacant slot", Config{Players: 3, Vacant: []PlayerID{2}}, nil, 2, nil, 1},
		{"twice", Config{Players: 3, Vacant: []PlayerID{2}}, func(e *Engine) { mustAdmit(t, e, 2) }, 2, nil, 1},
		{"a player who left", Config{Players: 3}, func(e *Engine) { mustReceive(t, e, 2, &LeaveMsg{}); settle(t, e, 1, 2) }, 2, nil, 1},
		{"a player in the match", Config{Players: 3}, nil, 1, ErrPlayerPresent, 0},
		{"a player being dropped", Config{Players: 3}, func(e *Engine) { mustDrop(t, e, 2) }, 2, ErrPlayerPresent, 0},
		{"unknown slot", Config{Players: 3}, nil, 3, ErrUnknownPlayer, 0},
		{"the local player", Config{Players: 3}, nil, 0, ErrLocalPlayer, 0},
		{"the local group", Config{Players: 3, Groups: [][]PlayerID{{0, 1}}}, nil, 1, ErrLocalPlayer, 0},
		{"after Leave", Config{Players: 3, Vacant: []PlayerID{2}}, func(e *Engine) { e.Leave() }, 2, ErrStopped, 0},
		{"after being dropped", Config{Players: 3, Vacant: []PlayerID{2}}, func(e *Engine) { mustReceive(t, e, 1, &KickedMsg{Frame: 0}) }, 2, ErrDropped, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(tt.cfg)
			if err != nil {
				t.Fatal(err)
			}
			e.Tick(0)
			if tt.setup != nil {
				tt.setup(e)
			}
			err = e.Admit(tt.admit)
			if tt.want == nil && err != nil || tt.want != nil && !errors.Is(err, tt.want) {
				t.Fatalf("Admit(%d) = %v, want %v", tt.admit, err, tt.want)
			}
			if len(e.admitting) != tt.queued {
				t.Fatalf("%d admissions queued, want %d", len(e.admitting), tt.queued)
			}
		})
	}
}

func mustAdmit(t *testing.T, e *Engine, p PlayerID) {
	t.Helper()
	if err := e.Admit(p); err != nil {
		t.Fatal(err)
	}
}

// settle has the engine's other peer report the drop of x as settled, so
// that the engine (of three players: itself, other and x) settles it too.
func settle(t *testing.T, e *Engine, other, x PlayerID) {
	t.Helper()
	mustReceive(t, e, other, &DropReportMsg{Entries: []DropEntry{{Player: x, Last: NoFrame}}})
	if e.Present(x) {
		t.Fatalf("player %d still present after the reports", x)
	}
}

// TestAdmitCarriedByInput: an admission rides on the next local input and
// its datagrams, and lets the player in at every peer that simulates
// that frame, JoinLead frames on; the JoinPoint is good until the frame
// before.
func TestAdmitCarriedByInput(t *testing.T) {
	e, err := New(Config{Players: 2, Local: 0, InputDelay: 2, JoinLead: 5, Vacant: []PlayerID{1}})
	if err != nil {
		t.Fatal(err)
	}
	e.Tick(0)
	if _, err := e.JoinPoint(1); !errors.Is(err, ErrNotJoining) {
		t.Fatalf("JoinPoint of a vacant slot: %v", err)
	}
	mustAdmit(t, e, 1)
	f, err := e.AddLocalInput([]byte{1})
	if err != nil || f != 2 {
		t.Fatalf("AddLocalInput = %d, %v", f, err)
	}
	rd := e.Ready()
	if len(rd.Messages) != 0 {
		t.Fatalf("messages to a vacant slot: %v", rd.Messages)
	}
	var joined []Event
	var first Frame = -1 // the first input sent to the newcomer
	for tick := 1; len(joined) == 0 && tick < 10; tick++ {
		e.Tick(time.Duration(tick) * DefaultFrameDuration)
		if _, err := e.AddLocalInput([]byte{1}); err != nil {
			t.Fatal(err)
		}
		rd := e.Ready()
		for _, ev := range rd.Events {
			if ev.Kind == EventPlayerJoined {
				joined = append(joined, ev)
			}
		}
		for _, o := range rd.Messages {
			if m, ok := o.Msg.(*InputMsg); ok && o.To == 1 && len(m.Inputs) > 0 && (first < 0 || m.Start < first) {
				first = m.Start
			}
		}
	}
	if len(joined) != 1 || joined[0].Player != 1 || joined[0].Frame != 7 || joined[0].Rejoined {
		t.Fatalf("joined events %v, want player 1 from frame 7 (admitted with frame 2's input, lead 5)", joined)
	}
	jp, err := e.JoinPoint(1)
	if err != nil {
		t.Fatal(err)
	}
	if jp.From != 7 || jp.Snapshot != e.Stats().Frame-1 || len(jp.Seats) != 2 || jp.Seats[1] != (Seat{From: 7, Until: NoFrame}) || jp.Seats[0] != (Seat{From: 0, Until: NoFrame}) {
		t.Fatalf("JoinPoint %+v at frame %d", jp, e.Stats().Frame)
	}
	// The newcomer gets the inputs from the frame after the admission on,
	// at once.
	if first != 3 {
		t.Fatalf("first input sent to the newcomer is for frame %d, want 3", first)
	}
	// The joiner's engine starts from the JoinPoint and counts itself from 7.
	j, err := New(Config{Players: 2, Local: 1, InputDelay: 2, Join: &jp})
	if err != nil {
		t.Fatal(err)
	}
	if st := j.Stats(); st.Frame != jp.Snapshot+1 {
		t.Fatalf("joiner starts at frame %d, want %d", st.Frame, jp.Snapshot+1)
	}
	// A kick from the slot's earlier stint, sent by a peer yet to admit
	// it, is not its drop.
	mustReceive(t, j, 0, &KickedMsg{Frame: 0})
	if _, err := j.AddLocalInput([]byte{2}); err != nil {
		t.Fatalf("joiner after an old kick: %v", err)
	}
}
