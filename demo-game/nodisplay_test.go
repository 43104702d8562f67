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
// Ebiten's init would panic: package nodisplay answers first, with one line
// pointing to the headless bot (-help too, with exit status 0), and no
// stack trace; with a display, a bad flag gets its one line.
func TestNoDisplay(t *testing.T) {
	bin, _ := buildDemo(t)
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DISPLAY=") && !strings.HasPrefix(kv, "WAYLAND_DISPLAY=") {
			env = append(env, kv)
		}
	}
	const noDisplay = "neon trails: no display (DISPLAY is not set), and the game needs a window: " +
		"play without one with the headless bot, which takes the same flags: go run ./demo-game/cmd/neonbot\n"
	tests := []struct {
		name   string
		env    []string
		args   []string
		code   int
		stdout *regexp.Regexp
		stderr *regexp.Regexp
	}{
		{"help", env, []string{"-help"}, 0,
			regexp.MustCompile(`(?s)^Neon Trails: light cycles.*no display \(DISPLAY is not set\).*neonbot -help\n$`), regexp.MustCompile(`^$`)},
		{"headless", env, []string{"-headless", "-practice", "-frames", "60", "-name", "ada"}, 1,
			regexp.MustCompile(`^$`), regexp.MustCompile(`^` + regexp.QuoteMeta(noDisplay) + `$`)},
		{"window", env, nil, 1, regexp.MustCompile(`^$`), regexp.MustCompile(`^` + regexp.QuoteMeta(noDisplay) + `$`)},
		{"practice window", env, []string{"-practice", "-bots", "2"}, 1, regexp.MustCompile(`^$`), regexp.MustCompile(`^` + regexp.QuoteMeta(noDisplay) + `$`)},
		{"bad flag, with a display", os.Environ(), []string{"-practice", "-latency", "100h"}, 2, regexp.MustCompile(`^$`),
			regexp.MustCompile(`^neon trails: -latency 100h: at most 10s\n$`)},
		{"dead display", append(env, "DISPLAY=:59123"), []string{"-practice"}, 1, regexp.MustCompile(`^$`),
			regexp.MustCompile(`^neon trails: no display \(nothing answers at DISPLAY=:59123\), and the game needs a window: [^\n]*neonbot\n$`)},
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
