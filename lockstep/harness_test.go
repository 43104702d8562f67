package lockstep

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"sort"
	"time"
)

// memNet is an in-memory network in virtual time with the engine's two
// channels. Every message waits a seeded latency with jitter. Datagrams
// (messages not Reliable) reorder, and a seeded share of them is lost or
// arrives twice; reliable messages arrive once each, in the order sent
// between each pair, as over KCP.
type memNet struct {
	rng      *rand.Rand
	latency  time.Duration
	jitter   time.Duration
	loss     float64 // of datagrams
	dup      float64 // of datagrams
	inflight []flight
	seq      int
	lastRel  map[[2]PlayerID]time.Duration // the latest reliable arrival, by (from, to)

	datagrams, lost, duplicated int
}

type flight struct {
	at       time.Duration
	seq      int
	from, to PlayerID
	data     []byte
}

func (n *memNet) send(now time.Duration, from, to PlayerID, o Outbound) {
	b, err := EncodeMessage(o.Msg)
	if err != nil {
		panic(err)
	}
	if o.Reliable {
		if n.lastRel == nil {
			n.lastRel = make(map[[2]PlayerID]time.Duration)
		}
		pair := [2]PlayerID{from, to}
		at := max(now+n.delay(), n.lastRel[pair])
		n.lastRel[pair] = at
		n.put(flight{at: at, from: from, to: to, data: b})
		return
	}
	for range max(o.Copies, 1) {
		n.datagrams++
		if n.loss > 0 && n.rng.Float64() < n.loss {
			n.lost++
			continue
		}
		n.put(flight{at: now + n.delay(), from: from, to: to, data: b})
		if n.dup > 0 && n.rng.Float64() < n.dup {
			n.duplicated++
			n.put(flight{at: now + n.delay(), from: from, to: to, data: b})
		}
	}
}

// delay is one message's seeded latency.
func (n *memNet) delay() time.Duration {
	d := n.latency
	if n.jitter > 0 {
		d += time.Duration(n.rng.Int64N(int64(2*n.jitter)+1)) - n.jitter
	}
	return max(d, 0)
}

func (n *memNet) put(f flight) {
	n.seq++
	f.seq = n.seq
	n.inflight = append(n.inflight, f)
}

// due removes and returns the messages for `to` due by now, in arrival order.
func (n *memNet) due(now time.Duration, to PlayerID) []flight {
	var out []flight
	keep := n.inflight[:0]
	for _, f := range n.inflight {
		if f.to == to && f.at <= now {
			out = append(out, f)
		} else {
			keep = append(keep, f)
		}
	}
	n.inflight = keep
	sort.Slice(out, func(i, j int) bool {
		if out[i].at != out[j].at {
			return out[i].at < out[j].at
		}
		return out[i].seq < out[j].seq
	})
	return out
}

// dropFrom forgets in-flight messages from p to the players in `to`.
func (n *memNet) dropFrom(p PlayerID, to func(PlayerID) bool) {
	keep := n.inflight[:0]
	for _, f := range n.inflight {
		if f.from != p || !to(f.to) {
			keep = append(keep, f)
		}
	}
	n.inflight = keep
}

// simPeer is one player of a simulated match: an engine, a virtual clock
// and a stub game that hashes every frame it simulates.
type simPeer struct {
	e        *Engine
	id       PlayerID      // the peer's name on the network: its group's first player
	locals   []PlayerID    // the players it adds inputs for
	period   time.Duration // this peer's tick, with its clock error
	nextTick time.Duration
	gone     bool // crashed or left
	hashes   []uint64
	sum      uint64
	ticks    int
	stalls   int
	events   []Event
	pace     bool
	checksum func(f Frame, sum uint64) uint64
	present  []bool // who was present at the last frame simulated
}

func (p *simPeer) simulate(f ReadyFrame) {
	for i, in := range f.Inputs {
		// Every input names its player (see match.tick): one that
		// landed in another player's slot is caught here.
		if f.Present[i] && len(in) >= 2 && in[1] != byte(i) {
			panic(fmt.Sprintf("frame %d: player %d has player %d's input", f.Frame, i, in[1]))
		}
	}
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], p.sum)
	h.Write(b[:])
	binary.LittleEndian.PutUint32(b[:4], uint32(f.Frame))
	h.Write(b[:4])
	for i, in := range f.Inputs {
		if f.Present[i] {
			h.Write([]byte{1, byte(len(in))})
			h.Write(in)
		} else {
			h.Write([]byte{0})
		}
	}
	p.sum = h.Sum64()
	p.hashes = append(p.hashes, p.sum)
}

// match runs simulated peers until every live one simulated `frames`
// frames or the virtual time runs out.
type match struct {
	net     *memNet
	peers   []*simPeer
	index   [MaxPlayers]int // the peer each player plays on
	now     time.Duration
	limit   time.Duration
	frames  int
	onTick  func(m *match, i int)           // before each tick of peer i
	onReady func(m *match, i int, rd Ready) // after peer i acted on a Ready
	until   func() bool                     // more to wait for once the frames are done
	inputFn func(i, tick int) []byte
}

func (m *match) done() bool {
	for _, p := range m.peers {
		if !p.gone && len(p.hashes) < m.frames {
			return false
		}
	}
	return m.until == nil || m.until()
}

func (m *match) run() {
	for !m.done() && m.now < m.limit {
		// the next event: the earliest tick of a live peer
		next := time.Duration(-1)
		who := -1
		for i, p := range m.peers {
			if !p.gone && p.e != nil && (who < 0 || p.nextTick < next) {
				next, who = p.nextTick, i
			}
		}
		if who < 0 {
			return
		}
		m.now = next
		m.tick(who)
	}
}

func (m *match) tick(i int) {
	p := m.peers[i]
	if m.onTick != nil {
		m.onTick(m, i)
		if p.gone {
			return
		}
	}
	// As netcode does: the time first, then what arrived since the last
	// tick, each message with the time it arrived at.
	p.e.Tick(m.now)
	for _, f := range m.net.due(m.now, p.id) {
		msg, err := DecodeMessage(f.data)
		if err != nil {
			panic(err)
		}
		if err := p.e.ReceiveAt(f.from, msg, f.at); err != nil {
			panic(err)
		}
	}
	ins := make([][]byte, len(p.locals))
	for k, lp := range p.locals {
		ins[k] = []byte{byte(p.ticks), byte(lp), byte(p.ticks >> 8)}
		if m.inputFn != nil {
			ins[k] = m.inputFn(int(lp), p.ticks)
		}
	}
	p.ticks++
	_, err := p.e.AddLocalInputs(ins)
	if err != nil && err != ErrDropped {
		panic(err)
	}
	p.nextTick = m.now + p.period
	m.flush(i)
}

// flush drains peer i's engine: messages onto the network, frames into the
// game, events into the log.
func (m *match) flush(i int) {
	p := m.peers[i]
	rd := p.e.Ready()
	for _, o := range rd.Messages {
		if !m.peers[m.index[o.To]].gone {
			m.net.send(m.now, p.id, o.To, o)
		}
	}
	if len(rd.Frames) == 0 && len(p.hashes) > 0 {
		p.stalls++
	}
	for _, f := range rd.Frames {
		p.simulate(f)
		if f.WantChecksum && p.checksum != nil {
			if err := p.e.ReportChecksum(f.Frame, p.checksum(f.Frame, p.sum)); err != nil {
				panic(err)
			}
		}
	}
	p.events = append(p.events, rd.Events...)
	if p.pace {
		p.nextTick += rd.SlowDown
	}
	if len(rd.Frames) > 0 {
		p.present = rd.Frames[len(rd.Frames)-1].Present
	}
	if m.onReady != nil {
		m.onReady(m, i, rd)
	}
}

// newMatch returns a match of n players, each on its own peer: peer i
// plays player i.
func newMatch(seed uint64, n int, cfg Config, latency, jitter time.Duration, frames int) *match {
	return newGroupMatch(seed, n, nil, cfg, latency, jitter, frames)
}

// newGroupMatch returns a match of n players where the players of each
// group play on one peer (Config.Groups) and the others alone, the peers
// in the order of their first players.
func newGroupMatch(seed uint64, n int, groups [][]PlayerID, cfg Config, latency, jitter time.Duration, frames int) *match {
	m := &match{
		net:    &memNet{rng: rand.New(rand.NewPCG(seed, 1)), latency: latency, jitter: jitter},
		frames: frames,
		limit:  time.Duration(frames)*cfg.frameDuration()*4 + 60*time.Second,
	}
	for i := range n {
		locals := []PlayerID{PlayerID(i)}
		for _, g := range groups {
			if slices.Contains(g, PlayerID(i)) {
				locals = g
			}
		}
		if locals[0] != PlayerID(i) {
			m.index[i] = m.index[locals[0]]
			continue
		}
		c := cfg
		c.Players, c.Local, c.Groups = n, PlayerID(i), groups
		if slices.Contains(c.Vacant, c.Local) {
			c.Vacant = nil // a seat no one holds: the caller puts a placeholder there
		}
		e, err := New(c)
		if err != nil {
			panic(err)
		}
		m.index[i] = len(m.peers)
		m.peers = append(m.peers, &simPeer{e: e, id: PlayerID(i), locals: locals, period: c.frameDuration(), nextTick: time.Duration(i) * time.Millisecond})
	}
	return m
}

func (c Config) frameDuration() time.Duration {
	if c.FrameDuration == 0 {
		return DefaultFrameDuration
	}
	return c.FrameDuration
}
