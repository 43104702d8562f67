// Command testpeer is one player of a peerstep match in a process of its
// own, for the fault tests of package netcode (faults_test.go): a test
// starts several, reads what they print and kills, stops and resumes them.
//
//	testpeer -host -players 4 -frames 600          # prints "code <CODE>"
//	testpeer -join CODE -frames 600 -record r.psreplay
//	testpeer -join CODE -latency 60ms -loss 0.05 -both-ways -seed 3   # a bad link, both ways
//
// The network flags are netsim's (-latency, -jitter, -loss, -dup, -reorder,
// -bandwidth, -seed, -both-ways, -in-latency...): they impair this peer's
// socket. A bad flag gets one line on stderr naming it and exit status 2.
//
// It plays a deterministic stub simulation at the match's tick rate (60 Hz)
// on 127.0.0.1 only, and prints one machine-readable line per fact on
// stdout:
//
//	code <CODE>               the host's share code
//	direct <CODE>             the host's direct code, when the share code is short
//	started <local> <players> the match started; this player's PlayerID
//	frame <n>                 n frames simulated (every 30 frames)
//	left <player> <frame>     a player was dropped: absent from frame <frame> on,
//	                          as every survivor agrees (-1: it left the lobby)
//	desync <frame> <players>  checksums differ
//	resynced <player> <frame> this player loaded player's state after frame (-snapshots)
//	progress <stage> <addr> <source>  how the join goes (netcode.Progress; - for none)
//	nat public=<addrs> perdest=<bool> mapped=<protocol:addr|none>  what it learned of its network
//	link <player> via <player>        before the checksum: who relays the link to each player (-1: direct)
//	checksum <frame> <hex>    the state after -frames frames; then it exits 0
//	dropped <frame>           the others dropped this player; it closes and exits 3
//	error <text>              anything else; exit 1 (4 on -timeout)
//
// With -snapshots the stub saves and loads its state, so that a desync is
// repaired (netcode.Config.Snapshots; with no majority the game keeps
// player 0's, Session.RepairDesync), and -corrupt N makes this player's
// state go astray after frame N, once. A replay keeps each frame once,
// whatever is simulated again after a load.
//
// With -dht-node it plays nothing: it runs a DHT node on -listen (the DHT
// library peerstep uses, storing the peers announced to it) until killed,
// and prints "dht <addr>" once it listens.
//
// Diagnostics go to stderr.
package main

import (
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"hash/fnv"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"time"

	"github.com/peerstep/peerstep/internal/cli"
	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/lockstep/replay"
	"github.com/peerstep/peerstep/netcode"
	"github.com/peerstep/peerstep/netcode/internal/rendezvous/dhttest"
	"github.com/peerstep/peerstep/netcode/netsim"
	"github.com/peerstep/peerstep/netcode/sharecode"
)

// Exit codes.
const (
	exitOK      = 0
	exitError   = 1
	exitUsage   = 2
	exitDropped = 3
	exitTimeout = 4
)

// Input is the stub game's input.
type Input struct {
	Buttons uint8
	Aim     int16
}

type options struct {
	host       bool
	join       string
	players    int
	frames     int
	disconnect time.Duration
	record     string
	name       string
	timeout    time.Duration
	verbose    bool
	network    netsim.Config
	dhtNode    bool
	listen     string
	reach      netcode.Reach
	snapshots  bool
	corrupt    int
}

func main() {
	o, err := parseArgs(os.Args[1:], os.Stdout)
	if err != nil {
		os.Exit(cli.Report(os.Stderr, "testpeer", err)) // 0 for -help, exitUsage for the rest
	}
	os.Exit(run(o, os.Stdout))
}

// parseArgs reads and checks the command line; every error is a
// *cli.UsageError of one line naming the flag, or flag.ErrHelp.
func parseArgs(args []string, stdout io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("testpeer", flag.ContinueOnError)
	fs.BoolVar(&o.host, "host", false, "host the match")
	fs.BoolVar(&o.dhtNode, "dht-node", false, "run a DHT node on -listen instead of playing (the namespace lab's internet)")
	fs.StringVar(&o.join, "join", "", "join the match with this share `code`")
	fs.IntVar(&o.players, "players", 4, "host: players to wait for (the host included) before starting, 2 to 16")
	fs.IntVar(&o.frames, "frames", 600, "frames to simulate before printing the checksum")
	fs.DurationVar(&o.disconnect, "disconnect-timeout", 2*time.Second, "silence after which a player is dropped (at least 100ms)")
	fs.StringVar(&o.record, "record", "", "record a replay to this `file`")
	fs.StringVar(&o.name, "name", "", "player name, up to 32 bytes")
	fs.DurationVar(&o.timeout, "timeout", 60*time.Second, "give up (exit 4) after this long")
	fs.BoolVar(&o.verbose, "v", false, "log the session's diagnostics to stderr")
	fs.BoolVar(&o.snapshots, "snapshots", false, "save and load the stub's state: desyncs are repaired")
	fs.IntVar(&o.corrupt, "corrupt", -1, "make this player's state go astray after this `frame` (-1: never)")
	o.network.RegisterFlags(fs, "")
	fs.StringVar(&o.listen, "listen", "127.0.0.1:0", "UDP `address` to bind")
	o.reach = netcode.Local() // this machine only, unless the lab says otherwise
	o.reach.RegisterFlags(fs, "")
	if err := cli.Parse(fs, args, stdout); err != nil {
		return o, err
	}
	switch {
	case o.dhtNode && (o.host || o.join != ""):
		return o, cli.Usage(errors.New("-dht-node plays no match: leave out -host and -join"))
	case o.dhtNode:
		return o, nil
	case o.host == (o.join != ""):
		return o, cli.Usage(errors.New("give exactly one of -host and -join CODE"))
	case o.players < lockstep.MinPlayers || o.players > lockstep.MaxPlayers:
		return o, cli.Badf("players", o.players, "%d to %d", lockstep.MinPlayers, lockstep.MaxPlayers)
	case o.frames < 1:
		return o, cli.Badf("frames", o.frames, "at least 1")
	case o.disconnect < 100*time.Millisecond:
		return o, cli.Badf("disconnect-timeout", o.disconnect, "at least 100ms")
	case o.timeout <= 0:
		return o, cli.Badf("timeout", o.timeout, "more than 0s")
	case o.corrupt < -1:
		return o, cli.Badf("corrupt", o.corrupt, "a frame, or -1 for never")
	case len(o.name) > 32:
		return o, cli.Badf("name", o.name, "up to 32 bytes")
	}
	if o.join != "" {
		if _, err := sharecode.Parse(o.join); err != nil {
			return o, cli.Badf("join", o.join, "%s", codeError(err))
		}
	}
	return o, cli.Usage(o.network.CheckFlags(""))
}

// game is the stub simulation: a hash of every frame simulated, so that two
// players with equal sums simulated the same frames with the same inputs.
type game struct {
	frame lockstep.Frame
	sum   uint64
}

func (g *game) step(f netcode.Frame[Input]) {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d|%d|", g.sum, f.Number)
	for i, in := range f.Inputs {
		fmt.Fprintf(h, "%v:%d:%d,", f.Present[i], in.Buttons, in.Aim)
	}
	g.sum = h.Sum64()
	g.frame++
}

// save is the stub's state as bytes: the frame to simulate next, the sum.
func (g *game) save() []byte {
	return binary.BigEndian.AppendUint64(binary.BigEndian.AppendUint64(nil, uint64(g.frame)), g.sum)
}

// load takes back what save returned.
func (g *game) load(b []byte) error {
	if len(b) != 16 {
		return fmt.Errorf("a state of %d bytes, want 16", len(b))
	}
	g.frame, g.sum = lockstep.Frame(binary.BigEndian.Uint64(b)), binary.BigEndian.Uint64(b[8:])
	return nil
}

func run(o options, out io.Writer) int {
	say := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }
	if o.dhtNode {
		return runDHTNode(o, say)
	}
	fail := func(err error) int {
		say("error %s", oneLine(err.Error()))
		if errors.Is(err, context.DeadlineExceeded) {
			return exitTimeout
		}
		return exitError
	}
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()

	cfg := &netcode.Config{
		Name:              o.name,
		ListenAddr:        o.listen,
		Reach:             o.reach,
		MaxPlayers:        o.players,
		Snapshots:         o.snapshots,
		DisconnectTimeout: o.disconnect,
		JoinTimeout:       10 * time.Second,
		OnProgress: func(p netcode.Progress) {
			addr, source := "-", "-"
			if p.Addr.IsValid() {
				addr = p.Addr.String()
			}
			if p.Source != "" {
				source = p.Source
			}
			say("progress %s %s %s", p.Stage, addr, source)
		},
	}
	if o.network.Enabled() {
		cfg.Network = &o.network
	}
	if o.verbose {
		cfg.Logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	var s *netcode.Session[Input]
	var err error
	if o.host {
		if cfg.Name == "" {
			cfg.Name = "host"
		}
		if s, err = netcode.Host[Input](ctx, cfg); err != nil {
			return fail(err)
		}
		defer s.Close()
		say("code %s", s.Code())
		if s.DirectCode() != s.Code() {
			say("direct %s", s.DirectCode())
		}
		if err := waitPlayers(ctx, s, o.players); err != nil {
			return fail(err)
		}
		if err := s.Start(ctx); err != nil {
			return fail(err)
		}
	} else {
		if s, err = netcode.Join[Input](ctx, o.join, cfg); err != nil {
			return fail(err)
		}
		defer s.Close()
		if err := s.WaitStart(ctx); err != nil {
			return fail(err)
		}
	}
	info, _ := s.Match()
	say("started %d %d", info.Local, len(info.Players))
	nat := s.Stats().NAT
	mapped := "none"
	if nat.Mapped.IsValid() {
		mapped = nat.MapProtocol + ":" + nat.Mapped.String()
	}
	say("nat public=%v perdest=%v mapped=%s", nat.Public, nat.MapsPerDestination, mapped)

	var rec *replay.FileWriter
	if o.record != "" {
		rec, err = replay.Create(o.record, replay.Header{
			Game: "testpeer", Players: len(info.Players), Names: info.Players,
			Seed: info.Seed, TickHz: info.TickRate, ChecksumInterval: lockstep.DefaultChecksumInterval,
		})
		if err != nil {
			return fail(err)
		}
	}
	finish := func() error {
		if rec == nil {
			return nil
		}
		return rec.Close() // the replay appears at its path atomically
	}

	var g game
	recNext := lockstep.Frame(0) // the next frame the replay takes
	corrupted := false
	tick := time.NewTicker(time.Second / time.Duration(info.TickRate))
	defer tick.Stop()
	local := int(info.Local)
	for n := 0; g.frame < lockstep.Frame(o.frames); n++ {
		select {
		case <-ctx.Done():
			return fail(fmt.Errorf("at frame %d: %w", g.frame, ctx.Err()))
		case <-tick.C:
		}
		frames, err := s.Tick(Input{Buttons: uint8(n*7 + local), Aim: int16(n*(local+1)) - 500})
		for _, f := range frames {
			if g.frame == lockstep.Frame(o.frames) {
				break
			}
			if f.Load != nil {
				if err := g.load(f.Load); err != nil {
					return fail(fmt.Errorf("loading the state before frame %d: %w", f.Number, err))
				}
			}
			g.step(f)
			if f.Number == lockstep.Frame(o.corrupt) && !corrupted {
				g.sum ^= 1
				corrupted = true
			}
			if f.WantSnapshot {
				if err := s.Snapshot(f.Number, g.save()); err != nil {
					return fail(err)
				}
			}
			fresh := rec != nil && f.Number == recNext // not simulated again after a load
			if fresh {
				if err := rec.WriteFrame(readyFrame(f)); err != nil {
					return fail(err)
				}
				recNext++
			}
			if f.WantChecksum {
				_ = s.ReportChecksum(f.Number, g.sum)
				if fresh {
					if err := rec.WriteChecksum(f.Number, g.sum); err != nil {
						return fail(err)
					}
				}
			}
			if g.frame%30 == 0 {
				say("frame %d", g.frame)
			}
		}
		dropped := lockstep.NoFrame
		for _, e := range s.Events() {
			switch e.Kind {
			case netcode.EventPlayerLeft:
				say("left %d %d", e.Player, e.Frame)
			case netcode.EventDesync:
				say("desync %d %v", e.Frame, e.Players)
				if o.snapshots && len(e.Diverged) == 0 {
					if err := s.RepairDesync(e.Frame, 0); err != nil {
						return fail(err)
					}
				}
			case netcode.EventResynced:
				say("resynced %d %d", e.Player, e.Frame)
			case netcode.EventDropped:
				dropped = e.Frame
			}
		}
		if errors.Is(err, netcode.ErrDropped) {
			say("dropped %d", dropped)
			if err := finish(); err != nil {
				return fail(err)
			}
			if err := s.Close(); err != nil {
				return fail(err)
			}
			return exitDropped
		}
		if err != nil {
			return fail(err)
		}
	}
	for _, ps := range s.Stats().Peers {
		say("link %d via %d", ps.Player, ps.Via)
	}
	say("checksum %d %016x", g.frame, g.sum)
	if err := finish(); err != nil {
		return fail(err)
	}
	// Keep the links fed for a moment: the others may still need this
	// player's last inputs to reach the same frame.
	for range info.TickRate {
		<-tick.C
		_, _ = s.Tick(Input{})
	}
	if err := s.Close(); err != nil {
		return fail(err)
	}
	return exitOK
}

// waitPlayers waits until the host's lobby holds n players.
func waitPlayers(ctx context.Context, s *netcode.Session[Input], n int) error {
	t := time.NewTicker(10 * time.Millisecond)
	defer t.Stop()
	for len(s.Lobby().Players) < n {
		select {
		case <-ctx.Done():
			return fmt.Errorf("waiting for %d players (have %d): %w", n, len(s.Lobby().Players), ctx.Err())
		case <-t.C:
		}
	}
	return nil
}

// readyFrame turns a typed frame back into the engine's form for the replay.
func readyFrame(f netcode.Frame[Input]) lockstep.ReadyFrame {
	rf := lockstep.ReadyFrame{Frame: f.Number, Inputs: make([][]byte, len(f.Inputs)), Present: f.Present}
	for p, in := range f.Inputs {
		if f.Present[p] {
			rf.Inputs[p], _ = lockstep.EncodeInput(in)
		}
	}
	return rf
}

// codeError is what a share code error says, once: "sharecode: X: sharecode:
// the code is incomplete" reads as "X".
func codeError(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": sharecode: "); i >= 0 {
		s = s[:i]
	}
	return strings.TrimPrefix(s, "sharecode: ")
}

func oneLine(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == '\n' || c == '\r' {
			b[i] = ' '
		}
	}
	return string(b)
}

// runDHTNode serves a DHT node on o.listen until the process is killed.
func runDHTNode(o options, say func(string, ...any)) int {
	conn, err := net.ListenPacket("udp4", o.listen)
	if err != nil {
		say("error %s", oneLine(err.Error()))
		return exitError
	}
	nodes, err := dhttest.Serve(conn)
	if err != nil {
		say("error %s", oneLine(err.Error()))
		return exitError
	}
	defer nodes.Close()
	say("dht %s", conn.LocalAddr())
	time.Sleep(o.timeout)
	return exitOK
}
