package examples_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/peerstep/peerstep/internal/proctest"
	"github.com/peerstep/peerstep/lockstep/replay"
)

// TestExamples builds every example with go build and runs it: the headless
// ones to completion, and minimal as a host and a joiner in two windows on
// the test's display.
func TestExamples(t *testing.T) {
	bin := buildAll(t)
	for _, name := range []string{"quickstart", "couch", "custom-transport", "replay", "minimal"} {
		if _, err := os.Stat(filepath.Join(bin, name)); err != nil {
			t.Fatalf("example %s was not built: %v", name, err)
		}
	}
	out := filepath.Join(t.TempDir(), "match.psreplay")
	headless := []struct {
		name string
		args []string
		want []string // lines the output must hold
	}{
		{"quickstart", nil, []string{"all checksums equal"}},
		{"couch", nil, []string{`plays ["sofa" "sofa 2"] (slots [1 2])`, "all checksums equal"}},
		{"custom-transport", nil, []string{"all players agree"}},
		{"replay", []string{"-out", out, "-frames", "300"}, []string{"recorded 300 frames", "all 10 checksums match"}},
	}
	t.Run("run", func(t *testing.T) {
		for _, tc := range headless {
			t.Run(tc.name, func(t *testing.T) {
				t.Parallel()
				ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
				defer cancel()
				cmd := exec.CommandContext(ctx, filepath.Join(bin, tc.name), tc.args...)
				start := time.Now()
				b, err := cmd.CombinedOutput()
				if err != nil {
					t.Fatalf("%s %v: %v after %v; output:\n%s", tc.name, tc.args, err, time.Since(start).Round(time.Millisecond), b)
				}
				for _, want := range tc.want {
					if !strings.Contains(string(b), want) {
						t.Errorf("the output of %s lacks %q:\n%s", tc.name, want, b)
					}
				}
				t.Logf("%s ran in %v", tc.name, time.Since(start).Round(time.Millisecond))
			})
		}
		t.Run("minimal", func(t *testing.T) {
			t.Parallel()
			testMinimal(t, filepath.Join(bin, "minimal"))
		})
	})

	// The replay example left its file where -out said: check it from here.
	rp, err := replay.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(rp.Frames) != 300 || rp.Header.Players != 2 || rp.Truncated {
		t.Errorf("replay file: %d frames, %d players, truncated %v; want 300 frames of 2 players, complete",
			len(rp.Frames), rp.Header.Players, rp.Truncated)
	}

	// Cut short, as a killed recorder leaves it, the file plays back to
	// where it stops and says so.
	whole, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.psreplay")
	if err := os.WriteFile(cut, whole[:len(whole)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	cutRp, err := replay.ReadFile(cut)
	if err != nil || !cutRp.Truncated {
		t.Fatalf("the cut file reads back as %v, truncated %v", err, cutRp != nil && cutRp.Truncated)
	}
	b, err := exec.Command(filepath.Join(bin, "replay"), "-play", cut).CombinedOutput()
	want := fmt.Sprintf("played back: all %d checksums match, but the replay ends early, at frame %d: "+
		"the recording stopped there (a partial replay: its recorder did not finish)\n", len(cutRp.Checksums), len(cutRp.Frames))
	if err != nil || !strings.HasSuffix(string(b), want) {
		t.Errorf("replay -play of the cut file: %v\n%s\nwant it to end with\n%s", err, b, want)
	}

	// Bad flags: one line naming the flag, exit status 2, nothing run.
	for _, tc := range []struct {
		name string
		args []string
		line string
	}{
		{"quickstart", []string{"-latency", "100h"}, "quickstart: -latency 100h: at most 10s\n"},
		{"quickstart", []string{"-jitter", "10s", "-latency", "1ms"}, "quickstart: -jitter 10s: at most the latency (-latency 1ms): the delay varies by up to the jitter either way of the latency\n"},
		{"quickstart", []string{"-frames", "0"}, "quickstart: -frames 0: at least 1\n"},
		{"replay", []string{"-frames", "0"}, "replay: -frames 0: need at least one frame\n"},
		{"replay", []string{"-play", cut, "-out", out}, "replay: -play and -out: play a file back, or record one\n"},
	} {
		cmd := exec.Command(filepath.Join(bin, tc.name), tc.args...)
		var stdout, stderr strings.Builder
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		if cmd.ProcessState.ExitCode() != 2 || stderr.String() != tc.line || stdout.Len() != 0 {
			t.Errorf("%s %v: %v, stderr %q, stdout %q; want exit 2 and %q", tc.name, tc.args, err, stderr.String(), stdout.String(), tc.line)
		}
	}
}

// testMinimal runs the Ebiten example as a host and a joiner, each playing by
// itself for a few seconds, and checks that both start the match, stay up,
// exit 0 and end in the same state.
func testMinimal(t *testing.T, bin string) {
	if os.Getenv("DISPLAY") == "" {
		t.Fatal("DISPLAY is not set: the minimal example opens a window; run the tests under xvfb-run -a (make test does)")
	}
	const frames = 240 // 4 s at 60 Hz
	args := []string{"-listen", "127.0.0.1:0", "-offline", "-frames", strconv.Itoa(frames)}
	start := func(args ...string) *proctest.Proc {
		return proctest.Start(t, filepath.Base(bin)+" "+strings.Join(args, " "), nil, bin, args...)
	}
	host := start(append(args, "-host", "-name", "ada")...)
	code := host.Await(t, regexp.MustCompile(`^share code: (\S+)$`), 20*time.Second)[1]
	joiner := start(append(args, "-join", code, "-name", "bob")...)
	for _, p := range []*proctest.Proc{host, joiner} {
		p.Await(t, regexp.MustCompile(`^match started: 2 players`), 20*time.Second)
	}
	// The match lasts frames/60 s: both must still be playing 2 s in.
	select {
	case <-host.Done():
		t.Fatalf("the host exited 2 s into a %d-frame match: %v\n%s", frames, host.Err(), host.Output())
	case <-joiner.Done():
		t.Fatalf("the joiner exited 2 s into a %d-frame match: %v\n%s", frames, joiner.Err(), joiner.Output())
	case <-time.After(2 * time.Second):
	}
	var sums []string
	for _, p := range []*proctest.Proc{host, joiner} {
		last := regexp.MustCompile(fmt.Sprintf(`^frame %d checksum ([0-9a-f]{16})$`, frames-1))
		sums = append(sums, p.Await(t, last, 20*time.Second)[1])
		if err := p.Wait(10 * time.Second); err != nil {
			t.Fatalf("%s after its last frame: %v\n%s", p.Name, err, p.Output())
		}
	}
	if sums[0] != sums[1] {
		t.Errorf("host and joiner end in different states: %s and %s\nhost:\n%s\njoiner:\n%s", sums[0], sums[1], host.Output(), joiner.Output())
	}
}

// buildAll builds every example (every directory here with Go files) into a
// temporary directory, with one go build, and returns the directory.
func buildAll(t *testing.T) string {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"build", "-o", t.TempDir() + string(filepath.Separator)}
	for _, e := range entries {
		if m, _ := filepath.Glob(filepath.Join(e.Name(), "*.go")); e.IsDir() && len(m) > 0 {
			args = append(args, "./"+e.Name())
		}
	}
	start := time.Now()
	if b, err := exec.Command(goTool, args...).CombinedOutput(); err != nil {
		t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	t.Logf("built %d examples in %v", len(args)-3, time.Since(start).Round(time.Millisecond))
	return args[2]
}
