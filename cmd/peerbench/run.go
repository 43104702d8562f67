package main

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/peerstep/peerstep/netcode"
	"github.com/peerstep/peerstep/netcode/netsim"
)

// options describe one run.
type options struct {
	players int
	tickHz  int
	// net is every peer's network simulation; each gets a Seed of its
	// own from net.Seed.
	net netsim.Config
	// reach is every peer's netcode.Config.Reach: Local by default.
	reach netcode.Reach
	// frames are measured after warmup frames; a run simulates
	// warmup+frames frames on every peer.
	frames int
	warmup int
	delay  int // input delay in frames; negative means automatic
	kcp    netcode.KCPTuning
	copies int           // netcode.Config.InputCopies
	loop   string        // how the game loop drives the session: loopSleep, loopTicker, loopUnpaced
	loopHz int           // the game loop's rate with loopTicker; 0: the tick rate
	margin time.Duration // netcode.Config.DelayMargin
	// timeout bounds the whole run; zero picks one from the frame count.
	timeout time.Duration
	// monitor, if set, is called every monitorEvery while the match runs
	// (the soak's progress report).
	monitor      func(m *monitorView)
	monitorEvery time.Duration
}

func (o options) network(peer int) *netsim.Config {
	if !o.net.Enabled() {
		return nil
	}
	n := o.net
	n.Seed = o.net.Seed*1000 + uint64(peer) + 1
	return &n
}

// oneWay is the simulated one-way latency from one peer to another: what
// the sender adds, and what the receiver adds on reading (-both-ways,
// -in-latency).
func (o options) oneWay() time.Duration {
	if o.net.BothWays {
		return 2 * o.net.Latency
	}
	return o.net.Latency + o.net.Inbound.Latency
}

// frameDur is one frame at the tick rate.
func (o options) frameDur() time.Duration { return time.Second / time.Duration(o.tickHz) }

// The ways a game loop drives its session (-loop).
const (
	loopSleep   = "sleep"   // Tick, then sleep a frame plus Session.Pace
	loopTicker  = "ticker"  // a loop at its own fixed rate feeds a netcode.Ticker
	loopUnpaced = "unpaced" // Tick, then sleep a frame: Pace ignored
)

// loopRate is the game loop's rate in Hz.
func (o options) loopRate() int {
	if o.loop == loopTicker && o.loopHz > 0 {
		return o.loopHz
	}
	return o.tickHz
}

// ideal is the physical limit of input latency: the one-way latency
// rounded up to a whole frame, and at least one frame (a frame runs at a
// tick at the earliest).
func (o options) ideal() time.Duration {
	t := o.frameDur()
	n := max((o.oneWay()+t-1)/t, 1)
	return n * t
}

// result is what one run prints with -json. The first block is the
// interface the issue asks for; the rest helps tuning.
type result struct {
	Players                int     `json:"players"`
	TickHz                 int     `json:"tick_hz"`
	LatencyMS              float64 `json:"latency_ms"`
	JitterMS               float64 `json:"jitter_ms"`
	Loss                   float64 `json:"loss"`
	Network                string  `json:"network"`
	Frames                 int     `json:"frames"`
	InputDelayFrames       int     `json:"input_delay_frames"`
	InputLatencyP50MS      float64 `json:"input_latency_p50_ms"`
	InputLatencyP99MS      float64 `json:"input_latency_p99_ms"`
	IdealLatencyMS         float64 `json:"ideal_latency_ms"`
	StallPct               float64 `json:"stall_pct"`
	BytesPerSecPerLink     float64 `json:"bytes_per_sec_per_link"`
	DatagramsPerSecPerLink float64 `json:"datagrams_per_sec_per_link"`
	CPUUsPerFrame          float64 `json:"cpu_us_per_frame"`
	Desyncs                int     `json:"desyncs"`
	ChecksumsEqual         bool    `json:"checksums_equal"`

	WarmupFrames        int      `json:"warmup_frames"`
	DelayAuto           bool     `json:"delay_auto"`
	InputDelayMin       int      `json:"input_delay_min_frames"`
	KCP                 string   `json:"kcp"`
	InputCopies         int      `json:"input_copies"`
	P50VsIdeal          float64  `json:"p50_vs_ideal"`
	P99VsIdeal          float64  `json:"p99_vs_ideal"`
	InputLatencyMeanMS  float64  `json:"input_latency_mean_ms"`
	InputLatencyMaxMS   float64  `json:"input_latency_max_ms"`
	LatencySamples      uint64   `json:"latency_samples"`
	Loop                string   `json:"loop"`
	LoopHz              int      `json:"loop_hz"`
	MaxBytesPerSecLink  float64  `json:"bytes_per_sec_max_link"`
	RetransmitsPerSecLk float64  `json:"retransmits_per_sec_per_link"`
	RTTMS               float64  `json:"rtt_ms"`
	StallEvents         int      `json:"stall_events"`
	GoMaxProcs          int      `json:"gomaxprocs"`
	DelayMarginMS       float64  `json:"delay_margin_ms"`
	SetupSeconds        float64  `json:"setup_s"`
	RunSeconds          float64  `json:"run_s"`
	Errors              []string `json:"errors,omitempty"`
}

// benchInput is the game's input: which tick of its player (the frame's
// slot says whose), so that an observer can tell when it was handed in, plus
// some buttons for the simulation. It is as small as a game's: 3 to 5
// bytes of msgpack. Seq wraps after 65536 ticks (18 minutes at 60 Hz).
type benchInput struct {
	_msgpack struct{} `msgpack:",as_array"`
	Seq      uint16
	Buttons  uint8
}

// newer reports whether sequence a comes after b, across the wrap.
func newer(a, b uint16) bool { return int16(a-b) > 0 }

// ring is how many ticks of hand-in times are remembered per player: far
// more than any input takes to be simulated everywhere.
const ring = 4096

// handIns records when each player handed each input in.
type handIns struct {
	at  [][ring]atomic.Int64 // nanoseconds since the run's base + 1
	seq [][ring]atomic.Uint32
}

func newHandIns(n int) *handIns {
	return &handIns{at: make([][ring]atomic.Int64, n), seq: make([][ring]atomic.Uint32, n)}
}

func (h *handIns) put(p int, seq uint16, t time.Duration) {
	h.at[p][seq%ring].Store(int64(t) + 1)
	h.seq[p][seq%ring].Store(uint32(seq))
}

func (h *handIns) get(p int, seq uint16) (time.Duration, bool) {
	t := h.at[p][seq%ring].Load()
	if t == 0 || h.seq[p][seq%ring].Load() != uint32(seq) {
		return 0, false
	}
	return time.Duration(t - 1), true
}

// game is a small deterministic simulation: every player moves a dot; the
// state hash covers every input of every frame.
type game struct {
	x, y  []int32
	hash  uint64
	frame int
}

func (g *game) step(f netcode.Frame[benchInput]) {
	const prime = 1099511628211
	g.hash = (g.hash ^ uint64(f.Number)) * prime
	for p, in := range f.Inputs {
		if !f.Present[p] {
			g.hash = (g.hash ^ 0xff) * prime
			continue
		}
		g.x[p] += int32(in.Buttons&3) - 1
		g.y[p] += int32(in.Buttons>>2&3) - 1
		g.hash = (g.hash ^ uint64(in.Seq)<<16 ^ uint64(p)<<8 ^ uint64(in.Buttons)) * prime
		g.hash = (g.hash ^ uint64(uint32(g.x[p]))<<32 ^ uint64(uint32(g.y[p]))) * prime
	}
	g.frame++
}

// peer is one player's game loop and what it measured.
type peer struct {
	s    *netcode.Session[benchInput]
	id   int
	g    game
	hist *histogram
	last []uint16 // by player: the last input sequence seen simulated

	frames atomic.Int64 // simulated so far, for monitors

	t0, t1         time.Duration
	tick0, tick1   int
	st0, st1       netcode.Stats
	desyncs        int
	stallEvents    int
	events         []string
	err            error
	finished       bool
	finishedAtTick int
}

// monitorView is what a monitor sees of a running match.
type monitorView struct {
	elapsed time.Duration
	frames  []int64
	peers   []*netcode.Session[benchInput]
}

// run plays one match and measures it.
func run(ctx context.Context, o options) (*result, error) {
	if o.players < 2 || o.players > 16 {
		return nil, fmt.Errorf("-players %d out of [2, 16]", o.players)
	}
	if o.tickHz < 1 || o.tickHz > 1000 {
		return nil, fmt.Errorf("-tick %d out of [1, 1000]", o.tickHz)
	}
	if o.frames < 1 || o.warmup < 0 {
		return nil, fmt.Errorf("-frames must be positive and -warmup not negative")
	}
	total := o.warmup + o.frames
	if o.timeout == 0 {
		o.timeout = 90*time.Second + time.Duration(total)*o.frameDur()*6
	}
	ctx, cancel := context.WithTimeout(ctx, o.timeout)
	defer cancel()

	res := &result{
		Players: o.players, TickHz: o.tickHz,
		LatencyMS: ms(o.net.Latency), JitterMS: ms(o.net.Jitter), Loss: o.net.Loss, Network: o.net.String(),
		Frames: o.frames, WarmupFrames: o.warmup, DelayAuto: o.delay < 0,
		IdealLatencyMS: round(ms(o.ideal()), 3), KCP: formatKCP(o.kcp), InputCopies: o.copiesOrDefault(),
		GoMaxProcs: runtime.GOMAXPROCS(0), DelayMarginMS: ms(o.margin), Loop: o.loop, LoopHz: o.loopRate(),
	}

	setupStart := time.Now()
	sessions, err := lobby(ctx, o)
	if err != nil {
		return nil, err
	}
	defer closeAll(sessions)
	res.SetupSeconds = round(time.Since(setupStart).Seconds(), 2)

	n := o.players
	hand := newHandIns(n)
	peers := make([]*peer, n)
	for i, s := range sessions {
		peers[i] = &peer{s: s, id: -1, hist: newHistogram(), last: make([]uint16, n),
			g: game{x: make([]int32, n), y: make([]int32, n)}}
	}

	// Every player's game loop starts when its session learns that the
	// match started, as a game's would: the host at once, the others when
	// the start message reaches them. Their tick phases differ as they
	// would between machines.
	base := time.Now()
	since := func() time.Duration { return time.Since(base) }
	cpu0 := cpuTime()
	var cpuEnd atomic.Int64
	var done atomic.Int32
	var wg sync.WaitGroup
	for i, p := range peers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if i == 0 {
				err = p.s.Start(ctx)
			} else {
				err = p.s.WaitStart(ctx)
			}
			if err != nil {
				p.err = fmt.Errorf("start: %w", err)
				done.Add(1)
				if i == 0 {
					cancel() // the others would wait for a start that never comes
				}
				return
			}
			info, _ := p.s.Match()
			p.id = int(info.Local)
			p.loop(ctx, o, hand, since, &done, func() { cpuEnd.Store(int64(cpuTime())) })
		}()
	}
	if o.monitor != nil {
		stop := make(chan struct{})
		var mwg sync.WaitGroup
		mwg.Add(1)
		go func() {
			defer mwg.Done()
			t := time.NewTicker(o.monitorEvery)
			defer t.Stop()
			for {
				select {
				case <-stop:
					return
				case <-t.C:
					v := &monitorView{elapsed: since(), peers: sessions}
					for _, p := range peers {
						v.frames = append(v.frames, p.frames.Load())
					}
					o.monitor(v)
				}
			}
		}()
		wg.Wait()
		close(stop)
		mwg.Wait()
	} else {
		wg.Wait()
	}
	res.RunSeconds = round(since().Seconds(), 2)

	// Figures.
	all := newHistogram()
	var stalled, ticks uint64
	var bytesRate, dgramRate, retrRate, maxLink float64
	res.ChecksumsEqual = true
	res.InputDelayMin = -1
	var sum0 uint64
	var rttSum time.Duration
	var rttN int
	for i, p := range peers {
		all.merge(p.hist)
		res.Desyncs += p.desyncs
		res.StallEvents += p.stallEvents
		for _, e := range p.events {
			res.Errors = append(res.Errors, fmt.Sprintf("player %d: %s", p.id, e))
		}
		if p.err != nil {
			res.Errors = append(res.Errors, fmt.Sprintf("player %d: %v", p.id, p.err))
		}
		if !p.finished {
			res.ChecksumsEqual = false
			continue
		}
		if i == 0 {
			sum0 = p.g.hash
		} else if p.g.hash != sum0 {
			res.ChecksumsEqual = false
		}
		ticks += p.st1.Ticks - p.st0.Ticks
		stalled += p.st1.FramesStalled - p.st0.FramesStalled
		dt := (p.t1 - p.t0).Seconds()
		var b, d, r float64
		for _, ps1 := range p.st1.Peers {
			var ps0 netcode.PeerStats
			for _, x := range p.st0.Peers {
				if x.Player == ps1.Player {
					ps0 = x
				}
			}
			lb := float64(ps1.BytesSent-ps0.BytesSent) / dt
			b += lb
			d += float64(ps1.DatagramsSent-ps0.DatagramsSent) / dt
			r += float64(ps1.Retransmits-ps0.Retransmits) / dt
			maxLink = max(maxLink, lb)
			rttSum += ps1.RTT
			rttN++
		}
		links := float64(max(len(p.st1.Peers), 1))
		bytesRate += b / links
		dgramRate += d / links
		retrRate += r / links
		res.InputDelayFrames = max(res.InputDelayFrames, p.st1.InputDelay)
		if res.InputDelayMin < 0 || p.st1.InputDelay < res.InputDelayMin {
			res.InputDelayMin = p.st1.InputDelay
		}
	}
	fin := 0
	for _, p := range peers {
		if p.finished {
			fin++
		}
	}
	if fin > 0 {
		res.BytesPerSecPerLink = round(bytesRate/float64(fin), 1)
		res.DatagramsPerSecPerLink = round(dgramRate/float64(fin), 1)
		res.RetransmitsPerSecLk = round(retrRate/float64(fin), 2)
		res.MaxBytesPerSecLink = round(maxLink, 1)
	}
	if rttN > 0 {
		res.RTTMS = round(ms(rttSum/time.Duration(rttN)), 1)
	}
	if ticks > 0 {
		res.StallPct = round(100*float64(stalled)/float64(ticks), 3)
	}
	if end := time.Duration(cpuEnd.Load()); end > 0 {
		res.CPUUsPerFrame = round(float64(end-cpu0)/float64(time.Microsecond)/float64(n*total), 1)
	}
	res.LatencySamples = all.n
	res.InputLatencyP50MS = round(ms(all.quantile(0.50)), 2)
	res.InputLatencyP99MS = round(ms(all.quantile(0.99)), 2)
	res.InputLatencyMeanMS = round(ms(all.mean()), 2)
	res.InputLatencyMaxMS = round(ms(all.max), 2)
	if res.IdealLatencyMS > 0 {
		res.P50VsIdeal = round(res.InputLatencyP50MS/res.IdealLatencyMS, 3)
		res.P99VsIdeal = round(res.InputLatencyP99MS/res.IdealLatencyMS, 3)
	}
	if res.InputDelayMin < 0 {
		res.InputDelayMin = 0
	}
	return res, nil
}

// loop is one player's game loop: a ticker at the tick rate, one input per
// tick, every frame handed back simulated at once.
func (p *peer) loop(ctx context.Context, o options, hand *handIns, since func() time.Duration, done *atomic.Int32, lastDone func()) {
	total := o.warmup + o.frames
	n := o.players
	// A timer, not a ticker: with loopSleep each tick waits one frame plus
	// what the session's pacing asks (Session.Pace), as a game loop should.
	// With loopTicker the loop runs at its own fixed rate and a
	// netcode.Ticker runs the ticks, as a fixed-rate engine loop should.
	period := o.frameDur()
	var tk *netcode.Ticker[benchInput]
	if o.loop == loopTicker {
		var err error
		if tk, err = p.s.Ticker(); err != nil {
			p.err = err
			return
		}
		defer tk.Stop()
		period = time.Second / time.Duration(o.loopRate())
	}
	t := time.NewTimer(period)
	defer t.Stop()
	next := time.Now().Add(period)
	snapshot := func(tick int) (netcode.Stats, time.Duration, int) {
		return p.s.Stats(), since(), tick
	}
	if o.warmup == 0 {
		p.st0, p.t0, p.tick0 = snapshot(0)
	}
	maxTicks := (total*6 + 600) * max(1, o.loopRate()/o.tickHz)
	for tick := 1; tick <= maxTicks; tick++ {
		select {
		case <-ctx.Done():
			if !p.finished {
				p.err = fmt.Errorf("simulated %d of %d frames: %w", p.g.frame, total, ctx.Err())
			}
			return
		case <-t.C:
		}
		seq := uint16(tick)
		in := benchInput{Seq: seq, Buttons: uint8(uint32(seq)*2654435761>>24) ^ uint8(p.id)}
		hand.put(p.id, seq, since())
		var frames []netcode.Frame[benchInput]
		var err error
		if tk != nil {
			if err = tk.SetInput(in); err == nil {
				frames, err = tk.Frames()
			}
		} else {
			frames, err = p.s.Tick(in)
		}
		now := since()
		next = next.Add(period)
		if o.loop == loopSleep {
			next = next.Add(p.s.Pace())
		}
		if late := time.Since(next); late > 4*period {
			next = time.Now() // a hiccup of this process: do not race to catch up
		}
		t.Reset(time.Until(next))
		if err != nil {
			if !p.finished {
				p.err = fmt.Errorf("tick %d, frame %d: %w", tick, p.g.frame, err)
			}
			return
		}
		for _, f := range frames {
			if p.g.frame >= total {
				break
			}
			measured := p.g.frame >= o.warmup
			p.g.step(f)
			if f.WantChecksum {
				_ = p.s.ReportChecksum(f.Number, p.g.hash)
			}
			if measured {
				for q, qin := range f.Inputs {
					if q == p.id || !f.Present[q] || qin.Seq == 0 || !newer(qin.Seq, p.last[q]) {
						continue
					}
					p.last[q] = qin.Seq
					if at, ok := hand.get(q, qin.Seq); ok {
						p.hist.add(now - at)
					}
				}
			} else {
				for q, qin := range f.Inputs {
					if qin.Seq != 0 && newer(qin.Seq, p.last[q]) {
						p.last[q] = qin.Seq
					}
				}
			}
			p.frames.Store(int64(p.g.frame))
			if p.g.frame == o.warmup && o.warmup > 0 {
				p.st0, p.t0, p.tick0 = snapshot(tick)
			}
			if p.g.frame == total {
				p.st1, p.t1, p.tick1 = snapshot(tick)
				p.finished, p.finishedAtTick = true, tick
				if done.Add(1) == int32(n) {
					lastDone()
				}
			}
		}
		for _, e := range p.s.Events() {
			switch e.Kind {
			case netcode.EventDesync:
				p.desyncs++
				if len(p.events) < 8 {
					p.events = append(p.events, e.String())
				}
			case netcode.EventStalled:
				p.stallEvents++
			case netcode.EventPlayerLeft, netcode.EventDropped:
				if len(p.events) < 8 {
					p.events = append(p.events, e.String())
				}
			}
		}
		if done.Load() == int32(n) {
			return
		}
	}
	if !p.finished {
		p.err = fmt.Errorf("simulated %d of %d frames in %d ticks", p.g.frame, total, maxTicks)
	}
}

// lobby hosts a match on loopback and joins the other players to it with
// the share code; the caller starts it.
func lobby(ctx context.Context, o options) ([]*netcode.Session[benchInput], error) {
	cfg := func(i int) *netcode.Config {
		c := &netcode.Config{
			Name:        fmt.Sprintf("p%d", i),
			ListenAddr:  "127.0.0.1:0",
			Reach:       o.reach,
			MaxPlayers:  o.players,
			TickRate:    o.tickHz,
			KCP:         o.kcp,
			InputCopies: o.copies,
			DelayMargin: o.margin,
			Network:     o.network(i),
			Seed:        o.net.Seed + 1,
			JoinTimeout: 30 * time.Second,
		}
		if o.delay >= 0 {
			c.InputDelay, c.FixedInputDelay = o.delay, true
		}
		return c
	}
	host, err := netcode.Host[benchInput](ctx, cfg(0))
	if err != nil {
		return nil, fmt.Errorf("host: %w", err)
	}
	sessions := []*netcode.Session[benchInput]{host}
	fail := func(err error) ([]*netcode.Session[benchInput], error) {
		closeAll(sessions)
		return nil, err
	}
	for i := 1; i < o.players; i++ {
		s, err := netcode.Join[benchInput](ctx, host.Code(), cfg(i))
		if err != nil {
			return fail(fmt.Errorf("join %d: %w", i, err))
		}
		sessions = append(sessions, s)
	}
	return sessions, nil
}

func closeAll(ss []*netcode.Session[benchInput]) {
	var wg sync.WaitGroup
	for _, s := range ss {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.Close()
		}()
	}
	wg.Wait()
}

// copiesOrDefault is the InputCopies in effect.
func (o options) copiesOrDefault() int {
	if o.copies == 0 {
		return netcode.DefaultInputCopies
	}
	return o.copies
}
