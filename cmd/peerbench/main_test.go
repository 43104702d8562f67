package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/peerstep/peerstep/internal/cli"
	"github.com/peerstep/peerstep/netcode"
)

// TestShortRunJSON runs one short match (2 players, 120 frames, clean) the
// way -json does and checks the output: one JSON object with every field,
// the same state on both peers and no desync. It asserts no timing figure.
// It runs with -procs 1, which the process gets back afterwards.
func TestShortRunJSON(t *testing.T) {
	procs := runtime.GOMAXPROCS(0)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	args := []string{"-players", "2", "-frames", "120", "-warmup", "0", "-tick", "60", "-delay", "auto", "-procs", "1", "-json"}
	if err := mainErr(ctx, args, &out, &errOut); err != nil {
		t.Fatalf("peerbench %v: %v\n%s", args, err, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("want exactly one line of JSON, got %d:\n%s", len(lines), out.String())
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(lines[0]), &m); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, lines[0])
	}
	for _, f := range []string{
		"players", "tick_hz", "latency_ms", "jitter_ms", "loss", "frames",
		"input_delay_frames", "input_latency_p50_ms", "input_latency_p99_ms",
		"ideal_latency_ms", "stall_pct", "bytes_per_sec_per_link",
		"datagrams_per_sec_per_link", "cpu_us_per_frame", "desyncs", "checksums_equal",
	} {
		if _, ok := m[f]; !ok {
			t.Errorf("field %q missing", f)
		}
	}
	if m["checksums_equal"] != true {
		t.Errorf("checksums_equal = %v, want true (errors: %v)", m["checksums_equal"], m["errors"])
	}
	if m["desyncs"] != float64(0) {
		t.Errorf("desyncs = %v, want 0", m["desyncs"])
	}
	if m["players"] != float64(2) || m["frames"] != float64(120) {
		t.Errorf("players %v frames %v, want 2 and 120", m["players"], m["frames"])
	}
	if n, _ := m["latency_samples"].(float64); n == 0 {
		t.Errorf("no input latency was measured")
	}
	if errs, ok := m["errors"]; ok {
		t.Errorf("errors: %v", errs)
	}
	if m["gomaxprocs"] != float64(1) {
		t.Errorf("gomaxprocs = %v, want 1 (-procs 1)", m["gomaxprocs"])
	}
	if got := runtime.GOMAXPROCS(0); got != procs {
		t.Errorf("GOMAXPROCS after the run = %d, want %d as before", got, procs)
	}
}

// TestParseArgs: every bad command line is refused before anything
// starts, with one line naming the flag.
func TestParseArgs(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-latency", "100h"}, "-latency 100h: at most 10s"},
		{[]string{"-jitter", "10s", "-latency", "1ms"}, "-jitter 10s: at most the latency (-latency 1ms)"},
		{[]string{"-loss", "2"}, "-loss 2: want a probability of at least 0 and below 1"},
		{[]string{"-loss", "1"}, "-loss 1: want a probability"},
		{[]string{"-loss", "lots"}, "-loss lots: want a number"},
		{[]string{"-latency", "40"}, "-latency 40: want a duration"},
		{[]string{"-in-loss", "-0.5"}, "-in-loss -0.5: want a probability"},
		{[]string{"-both-ways", "-in-latency", "5ms"}, "-both-ways: impairs what is received as what is sent"},
		{[]string{"-bandwidth", "10"}, "-bandwidth 10: 0 (unlimited) or at least 1000"},
		{[]string{"-players", "1"}, "-players 1: 2 to 16 peers"},
		{[]string{"-players", "17"}, "-players 17: 2 to 16 peers"},
		{[]string{"-tick", "0"}, "-tick 0: 1 to 1000 Hz"},
		{[]string{"-frames", "0"}, "-frames 0: at least 1"},
		{[]string{"-warmup", "-2"}, "-warmup -2: 0 or more frames"},
		{[]string{"-procs", "-1"}, "-procs -1: 0 (Go's default) or more"},
		{[]string{"-margin", "-1s"}, "-margin -1s: 0 to 1s"},
		{[]string{"-margin", "2s"}, "-margin 2s: 0 to 1s"},
		{[]string{"-copies", "5"}, "-copies 5: 1 to 4 datagrams"},
		{[]string{"-delay", "soon"}, "-delay soon: 0 to 12 frames, or auto"},
		{[]string{"-delay", "99"}, "-delay 99: 0 to 12 frames, or auto"},
		{[]string{"-kcp", "speed=9"}, "-kcp: unknown key \"speed\""},
		{[]string{"-kcp", "mtu=50"}, "-kcp: mtu=50: 200 to 1400 bytes"},
		{[]string{"-kcp", "wnd=0"}, "-kcp: wnd=0/0: 1 to 4096"},
		{[]string{"-kcp", "fec=2/1"}, "-kcp: unknown key \"fec\""},
		{[]string{"-kcp", "interval=0"}, "-kcp: interval=0: 1 to 1000 ms"},
		{[]string{"-soak", "-1s"}, "-soak -1s: a duration"},
		{[]string{"-soak", "1m", "-sweep"}, "-soak and -sweep: one or the other"},
		{[]string{"-speed", "9"}, "-speed: no such flag"},
		{[]string{"extra"}, "extra: not a flag"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errOut bytes.Buffer
			_, err := parseArgs(tt.args, &out, &errOut)
			var ue *cli.UsageError
			if !errors.As(err, &ue) || !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("parseArgs = %v, want a usage error starting %q", err, tt.want)
			}
			if out.Len() != 0 || errOut.Len() != 0 {
				t.Errorf("printed %q and %q", out.String(), errOut.String())
			}
			// mainErr refuses it the same way, before running anything.
			if err := mainErr(context.Background(), tt.args, &out, &errOut); !errors.As(err, &ue) {
				t.Errorf("mainErr = %v, want the usage error", err)
			}
		})
	}
}

func TestParseArgsGood(t *testing.T) {
	c, err := parseArgs([]string{"-players", "3", "-latency", "40ms", "-jitter", "5ms", "-loss", "0.02", "-both-ways", "-tick", "30", "-delay", "4"}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	o := c.o
	if o.players != 3 || o.delay != 4 || o.warmup != 60 || !o.net.BothWays || o.net.Seed != 1 {
		t.Errorf("options %+v", o)
	}
	if got := o.oneWay(); got != 80*time.Millisecond {
		t.Errorf("one way with 40ms both ways = %v, want 80ms", got)
	}
	if n := o.network(2); n == nil || n.Seed != 1003 || n.Latency != 40*time.Millisecond || !n.BothWays {
		t.Errorf("peer 2's network %+v", n)
	}
	c, err = parseArgs([]string{"-latency", "20ms", "-in-latency", "30ms", "-seed", "7"}, io.Discard, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.o.oneWay(); got != 50*time.Millisecond || c.o.delay != -1 || c.o.network(0).Seed != 7001 {
		t.Errorf("one way %v, options %+v", got, c.o)
	}
	if c, err := parseArgs(nil, io.Discard, io.Discard); err != nil || c.o.network(0) != nil {
		t.Errorf("no network flags: %v, network %+v", err, c.o.network(0))
	}
	var help bytes.Buffer
	if _, err := parseArgs([]string{"-help"}, &help, io.Discard); !errors.Is(err, flag.ErrHelp) || !strings.Contains(help.String(), "-both-ways") {
		t.Errorf("-help: %v, printed %q", err, help.String())
	}
}

// TestBinaryBadFlags builds peerbench and runs it with bad flags: one line
// on stderr naming the flag, nothing on stdout, exit status 2, at once.
func TestBinaryBadFlags(t *testing.T) {
	bin := buildPeerbench(t)
	for _, tt := range []struct {
		args []string
		line string
		code int
	}{
		{[]string{"-latency", "100h"}, "peerbench: -latency 100h: at most 10s\n", 2},
		{[]string{"-jitter", "10s", "-latency", "1ms"}, "peerbench: -jitter 10s: at most the latency (-latency 1ms): the delay varies by up to the jitter either way of the latency\n", 2},
		{[]string{"-loss", "1.5", "-players", "2"}, "peerbench: -loss 1.5: want a probability of at least 0 and below 1\n", 2},
		{[]string{"-players", "x"}, "peerbench: -players x: want a whole number\n", 2},
		{[]string{"-nonsense"}, "peerbench: -nonsense: no such flag (-help lists them)\n", 2},
		{[]string{"-help"}, "", 0},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, tt.args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := cmd.ProcessState.ExitCode()
			if code != tt.code || stderr.String() != tt.line {
				t.Fatalf("exit %d (%v), stderr %q; want exit %d, %q", code, err, stderr.String(), tt.code, tt.line)
			}
			if tt.code == 0 {
				if !strings.Contains(stdout.String(), "-latency latency") {
					t.Errorf("-help printed %q", stdout.String())
				}
			} else if stdout.Len() != 0 {
				t.Errorf("stdout %q", stdout.String())
			}
		})
	}
}

// buildPeerbench builds this command into a temporary directory.
func buildPeerbench(t *testing.T) string {
	t.Helper()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		if goTool, err = exec.LookPath("go"); err != nil {
			t.Fatalf("no go command to build peerbench: %v", err)
		}
	}
	bin := filepath.Join(t.TempDir(), "peerbench")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func TestParseKCP(t *testing.T) {
	base := netcode.DefaultKCPTuning()
	got, err := parseKCP("nodelay=0, interval=20,resend=0,nc=0,wnd=64/256,mtu=1000,acknodelay=0", base)
	if err != nil {
		t.Fatal(err)
	}
	want := netcode.KCPTuning{Interval: 20 * time.Millisecond, NormalMode: true, FastResend: -1, Congestion: true, SendWindow: 64, ReceiveWindow: 256, MTU: 1000}
	if got != want {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	again, err := parseKCP(formatKCP(got), base)
	if err != nil || again != got {
		t.Fatalf("format/parse round trip: %+v, %v", again, err)
	}
	if got, _ := parseKCP("", base); got != base {
		t.Fatalf("empty spec changed the tuning: %+v", got)
	}
	for _, bad := range []string{"nodelay", "fec=2/1", "wnd=x", "speed=9", "interval=-1"} {
		if _, err := parseKCP(bad, base); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestHistogram(t *testing.T) {
	h := newHistogram()
	for i := 1; i <= 100; i++ {
		h.add(time.Duration(i) * time.Millisecond)
	}
	h.add(10 * time.Second) // beyond the last bucket
	if got := h.quantile(0.5); got < 50*time.Millisecond || got > 52*time.Millisecond {
		t.Errorf("p50 = %v", got)
	}
	if got := h.quantile(0.99); got < 100*time.Millisecond || got > 101*time.Millisecond {
		t.Errorf("p99 = %v", got)
	}
	if h.max != 10*time.Second || h.n != 101 {
		t.Errorf("max %v n %d", h.max, h.n)
	}
	o := newHistogram()
	o.merge(h)
	if o.quantile(0.5) != h.quantile(0.5) || o.n != h.n {
		t.Errorf("merge changed the figures")
	}
}
