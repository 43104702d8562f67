package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestNoDisplay builds the demo and runs it with no display, where
// Ebiten's init would panic: package nodisplay answers first. -help and
// -headless work, a bad flag and a plain start get one line each, with
// no stack trace.
func TestNoDisplay(t *testing.T) {
	bin, _ := buildDemo(t)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
			env = append(env, kv)
		}
	}
	const noDisplay = "neon trails: no display (DISPLAY is not set), and the game needs a window: " +
		"play without one with -headless, or run the headless bot: go run ./demo-game/cmd/neonbot\n"
	tests := []struct {
		name   string
		env    []string
		args   []string
		code   int
		stdout *regexp.Regexp
		stderr *regexp.Regexp
	}{
		{"help", env, []string{"-help"}, 0,
			regexp.MustCompile(`(?s)^Neon Trails: light cycles.*-headless.*-latency latency`), regexp.MustCompile(`^$`)},
		{"headless", env, []string{"-headless", "-practice", "-frames", "60", "-name", "ada"}, 0,
			regexp.MustCompile(`^match started: 4 players, you are player 0\nchecksum 60 [0-9a-f]{16}\n$`), regexp.MustCompile(`^$`)},
		{"window", env, nil, 1, regexp.MustCompile(`^$`), regexp.MustCompile(`^` + regexp.QuoteMeta(noDisplay) + `$`)},
		{"practice window", env, []string{"-practice", "-bots", "2"}, 1, regexp.MustCompile(`^$`), regexp.MustCompile(`^` + regexp.QuoteMeta(noDisplay) + `$`)},
		{"bad flag", env, []string{"-practice", "-latency", "100h"}, 2, regexp.MustCompile(`^$`),
			regexp.MustCompile(`^neon trails: -latency 100h: at most 10s\n$`)},
		{"dead display", append(env, "DISPLAY=:59123"), []string{"-practice"}, 1, regexp.MustCompile(`^$`),
			regexp.MustCompile(`^neon trails: no display \(nothing answers at DISPLAY=:59123: [^\n]*\), and the game needs a window: [^\n]*neonbot\n$`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, bin, tt.args...)
			cmd.Env = tt.env
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			code := cmd.ProcessState.ExitCode()
			if code != tt.code || !tt.stdout.MatchString(stdout.String()) || !tt.stderr.MatchString(stderr.String()) {
				t.Fatalf("%v: exit %d (%v)\nstdout:\n%s\nstderr:\n%s", tt.args, code, err, stdout.String(), stderr.String())
			}
			if strings.Contains(stderr.String(), "goroutine") || strings.Contains(stderr.String(), "panic") {
				t.Fatalf("a stack trace:\n%s", stderr.String())
			}
		})
	}
}
