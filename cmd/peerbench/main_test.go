package main

import (
	"bytes"
	"context"
	"encoding/json"
	"runtime"
	"strings"
	"testing"
	"time"

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

func TestBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"-procs", "-1"},
		{"-margin", "-1s"},
		{"-delay", "soon"},
		{"-kcp", "speed=9"},
		{"extra"},
	} {
		var out, errOut bytes.Buffer
		if err := mainErr(context.Background(), args, &out, &errOut); err == nil {
			t.Errorf("%v: no error", args)
		}
		if out.Len() != 0 {
			t.Errorf("%v: printed %q", args, out.String())
		}
	}
}

func TestParseKCP(t *testing.T) {
	base := netcode.DefaultKCPTuning()
	got, err := parseKCP("nodelay=0, interval=20,resend=0,nc=0,wnd=64/256,mtu=1000,acknodelay=0,fec=3/2", base)
	if err != nil {
		t.Fatal(err)
	}
	want := netcode.KCPTuning{Interval: 20 * time.Millisecond, Congestion: true, SendWindow: 64, ReceiveWindow: 256, MTU: 1000, FECData: 3, FECParity: 2}
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
	for _, bad := range []string{"nodelay", "fec=2", "wnd=x", "speed=9", "interval=-1"} {
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
