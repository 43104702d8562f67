package main

import (
	"errors"
	"flag"
	"io"
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
		{[]string{"-host", "-players", "3", "-frames", "300", "-latency", "40ms", "-loss", "0.02", "-both-ways", "-seed", "4"}, ""},
		{nil, "give exactly one of -host and -join CODE"},
		{[]string{"-host", "-join", "PS1-X"}, "give exactly one of -host and -join CODE"},
		{[]string{"-join", "PS1-HELLO-WORLD"}, "-join PS1-HELLO-WORLD: a PS1 code is from an older release of peerstep (this one reads version 2 codes)"},
		{[]string{"-join", "hello"}, "-join hello: 5 symbols is not a share code (a short code has 18)"},
		{[]string{"-host", "-players", "1"}, "-players 1: 2 to 16"},
		{[]string{"-host", "-frames", "0"}, "-frames 0: at least 1"},
		{[]string{"-host", "-disconnect-timeout", "10ms"}, "-disconnect-timeout 10ms: at least 100ms"},
		{[]string{"-host", "-timeout", "0s"}, "-timeout 0s: more than 0s"},
		{[]string{"-host", "-corrupt", "-2"}, "-corrupt -2: a frame, or -1 for never"},
		{[]string{"-host", "-latency", "100h"}, "-latency 100h: at most 10s"},
		{[]string{"-host", "-in-jitter", "5ms"}, "-in-jitter 5ms: at most the latency (-in-latency 0s)"},
		{[]string{"-host", "-loss", "x"}, "-loss x: want a number"},
		{[]string{"-host", "stray"}, "stray: not a flag"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			o, err := parseArgs(tt.args, io.Discard)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !o.host || o.players != 3 || o.network.Latency != 40*time.Millisecond || !o.network.BothWays || o.network.Seed != 4 {
					t.Errorf("options %+v", o)
				}
				return
			}
			var ue *cli.UsageError
			if !errors.As(err, &ue) || !strings.HasPrefix(err.Error(), tt.want) {
				t.Fatalf("parseArgs = %v, want the usage error %q", err, tt.want)
			}
			if got := cli.Report(io.Discard, "testpeer", err); got != exitUsage {
				t.Errorf("exit status %d, want %d", got, exitUsage)
			}
		})
	}
	if _, err := parseArgs([]string{"-help"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-help: %v", err)
	}
}
