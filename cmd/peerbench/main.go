// Command peerbench measures peerstep's netcode: it runs N peers in one
// process over real loopback UDP and real KCP, each peer's socket impaired
// by netcode/netsim, joined through a share code like any game, and plays a
// deterministic simulation for a number of frames at a tick rate.
//
//	peerbench -players 4 -latency 40ms -jitter 5ms -loss 0.02 -json
//	peerbench -sweep                 # the Markdown table of docs/BENCH.md
//	peerbench -soak 30m              # a long run: memory, goroutines, desyncs
//	peerbench -kcp "resend=1,interval=20" -latency 40ms ...  # try a tuning
//	peerbench -players 4 -latency 40ms -loss 0.02 -both-ways # one bad link each, both ways
//
// The network flags are netsim's (-latency, -jitter, -loss, -dup, -reorder,
// -bandwidth, -seed, -both-ways, -in-latency...): each peer's socket gets
// the same impairment with a seed of its own. Bad flags are refused before
// anything starts, in one line naming the flag, with exit status 2.
//
// Input latency is measured from a local input handed in on one peer to the
// frame carrying it simulated on another, over every pair of peers. All
// traffic goes to 127.0.0.1.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/pprof"
	"strconv"
	"time"

	"github.com/peerstep/peerstep/internal/cli"
	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/netcode"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	cli.Exit("peerbench", mainErr(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// command is what the command line asks for.
type command struct {
	o      options
	asJSON bool
	sweep  bool
	soak   time.Duration
	procs  int
	cpuOut string // -cpuprofile: where to write a CPU profile of the whole run
}

// parseArgs reads and checks the command line. Every error it returns is a
// *cli.UsageError of one line naming the flag, or flag.ErrHelp after
// printing the usage to stdout.
func parseArgs(args []string, stdout, stderr io.Writer) (*command, error) {
	fs := flag.NewFlagSet("peerbench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		c       command
		delay   string
		kcpSpec string
	)
	o := &c.o
	fs.IntVar(&o.players, "players", 4, "number of peers, 2 to 16")
	o.net.Seed = 1
	o.net.RegisterFlags(fs, "")
	// Every peer is in this process, on loopback: no discovery beyond it
	// unless the flags point the peers at a lab's servers.
	o.reach = netcode.Local()
	o.reach.RegisterFlags(fs, "")
	fs.IntVar(&o.frames, "frames", 600, "frames measured on every peer (after -warmup)")
	fs.IntVar(&o.warmup, "warmup", -1, "frames simulated before measuring (default: 2 s worth of frames)")
	fs.IntVar(&o.tickHz, "tick", 60, "tick rate in Hz, 1 to 1000")
	fs.StringVar(&delay, "delay", "auto", "input delay in frames, or auto")
	fs.StringVar(&o.loop, "loop", loopSleep, "how each game loop drives its session: sleep (Tick, then sleep a frame plus Session.Pace), ticker (a loop at its own fixed rate, -loop-hz, feeds a netcode.Ticker, as an Ebiten game does), unpaced (Tick, then sleep a frame, ignoring Pace)")
	fs.IntVar(&o.loopHz, "loop-hz", 0, "with -loop ticker, the game loop's own rate in Hz (0: the tick rate); its latency counts from the loop reading the input to the loop simulating it")
	fs.DurationVar(&o.margin, "margin", 0, "netcode.Config.DelayMargin: time the automatic input delay keeps beyond the one-way time (e.g. 17ms for a frame more), at most 1s")
	fs.IntVar(&o.copies, "copies", 0, "datagrams carrying each tick's input (netcode.Config.InputCopies), 1 to 4; 0 = default (2, or 3 over a lossy link)")
	fs.StringVar(&kcpSpec, "kcp", "", `KCP tuning on top of the defaults, e.g. "nodelay=1,interval=10,resend=2,nc=1,wnd=128,acknodelay=1"`)
	fs.IntVar(&c.procs, "procs", 0, "GOMAXPROCS for the run; 0 leaves Go's default (the number of CPUs). All peers share one process, so this is not one machine's view (docs/TUNING.md §1)")
	fs.StringVar(&c.cpuOut, "cpuprofile", "", "write a CPU profile of the whole process (every peer, the simulator) to this file; read it with go tool pprof")
	fs.BoolVar(&c.asJSON, "json", false, "print one JSON object per run on stdout")
	fs.BoolVar(&c.sweep, "sweep", false, "run the matrix (2, 4, 8, 16 players × clean, 40ms±5ms 2%, 80ms±15ms 10%) and print a Markdown table")
	fs.DurationVar(&c.soak, "soak", 0, "run 4 players at 60 Hz through the simulator for this long and report memory, goroutines, desyncs and stalls")
	if err := cli.Parse(fs, args, stdout); err != nil {
		return nil, err
	}
	switch {
	case o.players < 2 || o.players > 16:
		return nil, cli.Badf("players", o.players, "2 to 16 peers")
	case o.tickHz < 1 || o.tickHz > 1000:
		return nil, cli.Badf("tick", o.tickHz, "1 to 1000 Hz")
	case o.frames < 1:
		return nil, cli.Badf("frames", o.frames, "at least 1")
	case o.warmup < -1:
		return nil, cli.Badf("warmup", o.warmup, "0 or more frames (or -1: 2 s worth)")
	case o.loop != loopSleep && o.loop != loopTicker && o.loop != loopUnpaced:
		return nil, cli.Badf("loop", o.loop, "sleep, ticker or unpaced")
	case o.loopHz < 0 || o.loopHz > 1000 || (o.loopHz > 0 && o.loop != loopTicker):
		return nil, cli.Badf("loop-hz", o.loopHz, "0 to 1000 Hz, with -loop ticker")
	case o.margin < 0 || o.margin > time.Second:
		return nil, cli.Badf("margin", o.margin, "0 to 1s")
	case o.copies < 0 || o.copies > 4:
		return nil, cli.Badf("copies", o.copies, "1 to 4 datagrams, or 0 for the default")
	case c.procs < 0:
		return nil, cli.Badf("procs", c.procs, "0 (Go's default) or more")
	case c.soak < 0:
		return nil, cli.Badf("soak", c.soak, "a duration, such as 30m")
	case c.soak > 0 && c.sweep:
		return nil, cli.Usage(errors.New("-soak and -sweep: one or the other"))
	}
	if err := o.net.CheckFlags(""); err != nil {
		return nil, cli.Usage(err)
	}
	if delay == "auto" || delay == "" {
		o.delay = -1
	} else {
		d, err := strconv.Atoi(delay)
		if err != nil || d < 0 || d > lockstep.DefaultMaxInputDelay {
			return nil, cli.Badf("delay", delay, "0 to %d frames, or auto", lockstep.DefaultMaxInputDelay)
		}
		o.delay = d
	}
	var err error
	if o.kcp, err = parseKCP(kcpSpec, netcode.DefaultKCPTuning()); err != nil {
		return nil, cli.Usage(err)
	}
	if o.warmup < 0 {
		o.warmup = 2 * o.tickHz
	}
	return &c, nil
}

func mainErr(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseArgs(args, stdout, stderr)
	if err != nil {
		return err
	}
	if c.procs > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(c.procs))
	}
	if c.cpuOut != "" {
		f, err := os.Create(c.cpuOut)
		if err != nil {
			return fmt.Errorf("-cpuprofile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("-cpuprofile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	switch {
	case c.soak > 0:
		return runSoak(ctx, c.o, c.soak, stdout, stderr)
	case c.sweep:
		return runSweep(ctx, c.o, c.asJSON, stdout, stderr)
	}
	res, err := run(ctx, c.o)
	if err != nil {
		return err
	}
	if c.asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	printText(stdout, res)
	return nil
}

func printText(w io.Writer, r *result) {
	fmt.Fprintf(w, "%d players at %d Hz, %s, %d frames (+%d warmup), kcp %s\n",
		r.Players, r.TickHz, r.Network, r.Frames, r.WarmupFrames, r.KCP)
	auto := ""
	if r.DelayAuto {
		auto = " (auto)"
	}
	fmt.Fprintf(w, "  input delay      %d frames%s\n", r.InputDelayFrames, auto)
	fmt.Fprintf(w, "  input latency    p50 %.1f ms, p99 %.1f ms, max %.1f ms; ideal %.1f ms (p50 %.2fx, p99 %.2fx)\n",
		r.InputLatencyP50MS, r.InputLatencyP99MS, r.InputLatencyMaxMS, r.IdealLatencyMS, r.P50VsIdeal, r.P99VsIdeal)
	fmt.Fprintf(w, "  stalls           %.2f%% of ticks\n", r.StallPct)
	fmt.Fprintf(w, "  per link, each way  %.0f B/s (max %.0f), %.1f datagrams/s, %.2f retransmits/s\n",
		r.BytesPerSecPerLink, r.MaxBytesPerSecLink, r.DatagramsPerSecPerLink, r.RetransmitsPerSecLk)
	fmt.Fprintf(w, "  CPU              %.1f µs per frame per peer\n", r.CPUUsPerFrame)
	fmt.Fprintf(w, "  desyncs %d, checksums equal %v\n", r.Desyncs, r.ChecksumsEqual)
	for _, e := range r.Errors {
		fmt.Fprintf(w, "  ! %s\n", e)
	}
}

func netName(r *result) string {
	if r.LatencyMS == 0 && r.JitterMS == 0 && r.Loss == 0 {
		return "clean"
	}
	s := fmt.Sprintf("%gms", r.LatencyMS)
	if r.JitterMS > 0 {
		s += fmt.Sprintf("±%gms", r.JitterMS)
	}
	if r.Loss > 0 {
		s += fmt.Sprintf(" %g%% loss", r.Loss*100)
	}
	return s
}

// runSweep runs the matrix and prints it as a Markdown table (or one JSON
// object per run with -json).
func runSweep(ctx context.Context, base options, asJSON bool, stdout, stderr io.Writer) error {
	type netCond struct {
		latency, jitter time.Duration
		loss            float64
	}
	conds := []netCond{{0, 0, 0}, {40 * time.Millisecond, 5 * time.Millisecond, 0.02}, {80 * time.Millisecond, 15 * time.Millisecond, 0.10}}
	var rows []string
	for _, n := range []int{2, 4, 8, 16} {
		for _, c := range conds {
			o := base
			o.players, o.net.Latency, o.net.Jitter, o.net.Loss = n, c.latency, c.jitter, c.loss
			fmt.Fprintf(stderr, "sweep: %d players, %s ...\n", n, netName(&result{LatencyMS: ms(c.latency), JitterMS: ms(c.jitter), Loss: c.loss}))
			res, err := run(ctx, o)
			if err != nil {
				if ctx.Err() != nil {
					return err
				}
				fmt.Fprintf(stderr, "sweep: %d players: %v\n", n, err)
				rows = append(rows, fmt.Sprintf("| %d | %s | failed: %v |||||||||", n, netName(&result{LatencyMS: ms(c.latency), JitterMS: ms(c.jitter), Loss: c.loss}), err))
				continue
			}
			if asJSON {
				if err := json.NewEncoder(stdout).Encode(res); err != nil {
					return err
				}
			} else {
				b, _ := json.Marshal(res)
				fmt.Fprintf(stderr, "sweep: %s\n", b)
			}
			rows = append(rows, tableRow(res))
		}
	}
	if !asJSON {
		fmt.Fprintf(stdout, "%d frames per run after %d warmup frames, %d Hz, kcp %s\n\n", base.frames, base.warmup, base.tickHz, formatKCP(base.kcp))
		fmt.Fprintln(stdout, tableHeader)
		for _, r := range rows {
			fmt.Fprintln(stdout, r)
		}
	}
	return nil
}

const tableHeader = `| players | network | delay (frames) | p50 ms | p99 ms | ideal ms | p50/ideal | stalls % | B/s per link | datagrams/s per link | CPU µs/frame | desyncs |
| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`

func tableRow(r *result) string {
	delay := strconv.Itoa(r.InputDelayFrames)
	if r.InputDelayMin != r.InputDelayFrames {
		delay = fmt.Sprintf("%d–%d", r.InputDelayMin, r.InputDelayFrames)
	}
	if r.DelayAuto {
		delay += " auto"
	}
	desync := strconv.Itoa(r.Desyncs)
	if !r.ChecksumsEqual {
		desync += " (states differ!)"
	}
	return fmt.Sprintf("| %d | %s | %s | %.1f | %.1f | %.1f | %.2f | %.2f | %.0f | %.1f | %.1f | %s |",
		r.Players, netName(r), delay, r.InputLatencyP50MS, r.InputLatencyP99MS, r.IdealLatencyMS,
		r.P50VsIdeal, r.StallPct, r.BytesPerSecPerLink, r.DatagramsPerSecPerLink, r.CPUUsPerFrame, desync)
}

// soakReport is what -soak prints.
type soakReport struct {
	Duration         string   `json:"duration"`
	Players          int      `json:"players"`
	TickHz           int      `json:"tick_hz"`
	Network          string   `json:"network"`
	FramesPerPeer    int      `json:"frames_per_peer"`
	RSSBeforeKiB     int64    `json:"rss_before_match_kib"`
	RSSStartKiB      int64    `json:"rss_start_kib"`
	RSSEndKiB        int64    `json:"rss_end_kib"`
	RSSMaxKiB        int64    `json:"rss_max_kib"`
	GoroutinesStart  int      `json:"goroutines_start"`
	GoroutinesBefore int      `json:"goroutines_before_match"`
	GoroutinesEnd    int      `json:"goroutines_end"`
	GoroutinesAfter  int      `json:"goroutines_after_close"`
	Desyncs          int      `json:"desyncs"`
	StallPct         float64  `json:"stall_pct"`
	P50MS            float64  `json:"input_latency_p50_ms"`
	P99MS            float64  `json:"input_latency_p99_ms"`
	BytesPerSec      float64  `json:"bytes_per_sec_per_link"`
	ChecksumsEqual   bool     `json:"checksums_equal"`
	Errors           []string `json:"errors,omitempty"`
}

func runSoak(ctx context.Context, o options, d time.Duration, stdout, stderr io.Writer) error {
	o.players, o.tickHz = 4, 60
	if !o.net.Enabled() {
		o.net.Latency, o.net.Jitter, o.net.Loss = 40*time.Millisecond, 5*time.Millisecond, 0.02
	}
	o.warmup = 2 * o.tickHz
	o.frames = int(d / o.frameDur())
	o.timeout = d*2 + 5*time.Minute
	rep := &soakReport{Duration: d.String(), Players: o.players, TickHz: o.tickHz, FramesPerPeer: o.frames}
	rep.Network = o.net.String()
	rep.GoroutinesStart = -1
	// Before the match, then every 10 s of it: the first sample is the
	// start, the last the end.
	rep.RSSBeforeKiB, rep.GoroutinesBefore = vmRSS(), numGoroutine()
	o.monitorEvery = 10 * time.Second
	o.monitor = func(v *monitorView) {
		rss, g := vmRSS(), numGoroutine()
		if rep.GoroutinesStart < 0 {
			rep.RSSStartKiB, rep.GoroutinesStart = rss, g
		}
		rep.RSSEndKiB, rep.GoroutinesEnd = rss, g
		rep.RSSMaxKiB = max(rep.RSSMaxKiB, rss)
		var stalled uint64
		for _, s := range v.peers {
			stalled += s.Stats().FramesStalled
		}
		fmt.Fprintf(stderr, "soak %v: frames %v, RSS %d KiB, goroutines %d, stalled ticks %d\n",
			v.elapsed.Round(time.Second), v.frames, rss, g, stalled)
	}
	res, err := run(ctx, o)
	if err != nil {
		return err
	}
	rep.GoroutinesAfter = numGoroutine()
	rep.Desyncs, rep.StallPct, rep.ChecksumsEqual = res.Desyncs, res.StallPct, res.ChecksumsEqual
	rep.P50MS, rep.P99MS, rep.BytesPerSec = res.InputLatencyP50MS, res.InputLatencyP99MS, res.BytesPerSecPerLink
	rep.Errors = res.Errors
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		return err
	}
	if rep.Desyncs != 0 || !rep.ChecksumsEqual {
		return fmt.Errorf("soak: %d desyncs, checksums equal %v", rep.Desyncs, rep.ChecksumsEqual)
	}
	return nil
}

func numGoroutine() int { return runtime.NumGoroutine() }
