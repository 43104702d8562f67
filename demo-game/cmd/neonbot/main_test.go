package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/peerstep/peerstep/internal/cli"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args []string
		want string // "" if fine
	}{
		{[]string{"-practice", "-frames", "60"}, ""},
		{[]string{"-host", "-bots", "3", "-latency", "40ms", "-both-ways"}, ""},
		{nil, "nothing to do: give -host, -join CODE, -practice or -replay"},
		{[]string{"-join", ""}, `-join "": Type or paste a share code first.`},
		{[]string{"-join", "PS1-HELLO-WORLD"}, "-join PS1-HELLO-WORLD: That code was made by another release of Neon Trails: both of you need the same release."},
		{[]string{"-join", "PS1-!!!"}, "-join PS1-!!!: That is not a share code: character '!' at position 5 is not part of a share code."},
		{[]string{"-practice", "-latency", "100h"}, "-latency 100h: at most 10s"},
		{[]string{"-practice", "-jitter", "10s", "-latency", "1ms"}, "-jitter 10s: at most the latency (-latency 1ms)"},
		{[]string{"-host", "-in-loss", "1"}, "-in-loss 1: want a probability of at least 0 and below 1"},
		{[]string{"-practice", "-bots", "x"}, "-bots x: want a whole number"},
		{[]string{"-practice", "extra"}, "extra: not a flag"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out bytes.Buffer
			c, err := parseArgs(tt.args, &out)
			if tt.want == "" {
				if err != nil || !c.Flags.Headless {
					t.Fatalf("parseArgs: %+v, %v", c, err)
				}
				return
			}
			var ue *cli.UsageError
			if !errors.As(err, &ue) || !strings.HasPrefix(err.Error(), tt.want) || out.Len() != 0 {
				t.Fatalf("parseArgs = %v, printed %q; want a usage error %q", err, out.String(), tt.want)
			}
		})
	}
	var out bytes.Buffer
	if _, err := parseArgs([]string{"-help"}, &out); !errors.Is(err, flag.ErrHelp) || !strings.Contains(out.String(), "-both-ways") {
		t.Errorf("-help: %v, printed %q", err, out.String())
	}
}

// TestBinary builds neonbot and runs it with bad input: one line on
// stderr in the demo's words, the exit status of its kind (2: the command
// line, 1: the run), and nothing else.
func TestBinary(t *testing.T) {
	bin := build(t)
	notReplay := filepath.Join(t.TempDir(), "notes.psreplay")
	if err := os.WriteFile(notReplay, []byte("shopping list"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		line string
		code int
	}{
		{[]string{"-join", ""}, "neonbot: -join \"\": Type or paste a share code first.\n", 2},
		{[]string{"-join", "PS1-!!!"}, "neonbot: -join PS1-!!!: That is not a share code: character '!' at position 5 is not part of a share code.\n", 2},
		{nil, "neonbot: nothing to do: give -host, -join CODE, -practice or -replay\n", 2},
		{[]string{"-practice", "-latency", "100h"}, "neonbot: -latency 100h: at most 10s\n", 2},
		{[]string{"-practice", "-loss"}, "neonbot: -loss: needs a value\n", 2},
		{[]string{"-replay", notReplay}, "neonbot: That file is not a replay.\n", 1},
		{[]string{"-help"}, "", 0},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, tt.args...)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != tt.code || stderr.String() != tt.line {
				t.Fatalf("exit %d (%v), stderr %q; want exit %d, %q", code, err, stderr.String(), tt.code, tt.line)
			}
			if tt.code == 0 != strings.Contains(stdout.String(), "usage:") {
				t.Errorf("stdout %q", stdout.String())
			}
		})
	}
}

func build(t *testing.T) string {
	t.Helper()
	goTool := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goTool); err != nil {
		if goTool, err = exec.LookPath("go"); err != nil {
			t.Fatalf("no go command to build neonbot: %v", err)
		}
	}
	bin := filepath.Join(t.TempDir(), "neonbot")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}
