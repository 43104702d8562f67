package main

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/peerstep/peerstep/demo-game/internal/prefs"
	"github.com/peerstep/peerstep/internal/proctest"
)

// The windows of the test, side by side on the test's own display.
const (
	winW, winH = 960, 540
	screenW    = 2*winW + 40
	screenH    = winH + 40
)

// TestE2E builds the demo and plays it in windows: a host fills its lobby
// with two bots, a second window joins with the share code over a
// simulated bad network, and so does a headless bot (cmd/neonbot) which
// quits halfway; the host and the joiner play on to 600 frames (10 s) with
// a bot steering and reach the same checksum. It takes screenshots of the
// title, the lobby and both match windows (with the notice of the player
// who left) into a temporary directory, and, when $SCREENSHOT_DIR is set,
// into it too with one of the results after a practice match.
func TestE2E(t *testing.T) {
	display := testDisplay(t)
	bin, neonbot := buildDemo(t)
	shots := t.TempDir()
	// The options file in a directory of the test's own, not the user's.
	env := append(os.Environ(), "DISPLAY="+display, prefs.EnvPath+"="+filepath.Join(t.TempDir(), "neontrails.json"))
	size := []string{"-width", strconv.Itoa(winW), "-height", strconv.Itoa(winH)}

	// The title screen, for a screenshot.
	title := startProc(t, "title", env, bin, append(size, "-offline", "-name", "ada", "-frames", "600")...)
	title.Await(t, regexp.MustCompile(`^screen: title$`), 20*time.Second)
	screenshot(t, display, "ada", 0, shots, "title.png")
	title.Kill()

	// A host with two bots in its lobby.
	const frames = 600
	common := append(size, "-listen", "127.0.0.1:0", "-offline", "-frames", strconv.Itoa(frames), "-rounds", "5")
	hostStart := time.Now()
	host := startProc(t, "host", env, bin, append(common, "-host", "-name", "ada", "-bots", "2", "-players", "5")...)
	code := host.Await(t, regexp.MustCompile(`^share code: (PS2-\S+)$`), 20*time.Second)[1]
	host.Await(t, regexp.MustCompile(`^lobby: 3 players, ready true$`), 20*time.Second)
	t.Logf("lobby ready %v after the host started", time.Since(hostStart).Round(100*time.Millisecond))
	hostWin := findWindow(t, display, "ada", 0)
	screenshotWindow(t, display, hostWin, shots, "lobby.png")

	// A friend joins with the code, on a bad network with the net graph
	// up, and so does a headless bot; the host starts once five are in.
	joiner := startProc(t, "joiner", env, bin, append(common, "-join", code, "-name", "bob",
		"-netgraph", "-latency", "30ms", "-jitter", "5ms", "-loss", "0.01")...)
	joiner.Await(t, regexp.MustCompile(`^screen: lobby$`), 20*time.Second)
	quitter := startProc(t, "neonbot", env, neonbot, "-join", code, "-name", "carol", "-listen", "127.0.0.1:0", "-offline", "-frames", "300")
	for _, p := range []*proctest.Proc{host, joiner, quitter} {
		p.Await(t, regexp.MustCompile(`^match started: 5 players, you are player \d$`), 20*time.Second)
	}
	t.Logf("match started %v after the host", time.Since(hostStart).Round(100*time.Millisecond))
	joinWin := findWindow(t, display, "bob", winW+20)
	// The headless bot leaves at frame 300 (and a second); the others
	// show it and play on.
	quitter.Await(t, regexp.MustCompile(`^checksum 300 [0-9a-f]{16}$`), 20*time.Second)
	if err := quitter.Wait(10 * time.Second); err != nil {
		t.Errorf("neonbot: %v\n%s", err, quitter.Output())
	}
	for _, p := range []*proctest.Proc{host, joiner} {
		p.Await(t, regexp.MustCompile(`^notice: carol left: the match goes on$`), 10*time.Second)
	}
	// Seven seconds in (three of countdown), trails cross the arena. The
	// demo prints every multiple of 60 frames; waiting for 420 or later
	// keeps the test from depending on that.
	at := host.AwaitAtLeast(t, regexp.MustCompile(`^frame (\d+)$`), 420, 20*time.Second)[1]
	t.Logf("the host is at frame %s", at)
	screenshotWindow(t, display, hostWin, shots, "match-host.png")
	screenshotWindow(t, display, joinWin, shots, "match-joiner.png")

	var sums []string
	for _, p := range []*proctest.Proc{host, joiner} {
		m := p.Await(t, regexp.MustCompile(`^checksum (\d+) ([0-9a-f]{16})$`), 30*time.Second)
		if m[1] != strconv.Itoa(frames) {
			t.Errorf("%s printed its checksum after %s frames, want %d", p.Name, m[1], frames)
		}
		sums = append(sums, m[2])
		if err := p.Wait(15 * time.Second); err != nil {
			t.Errorf("%s: %v\n%s", p.Name, err, p.Output())
		}
	}
	if sums[0] != sums[1] {
		t.Errorf("host and joiner end in different states: %s and %s", sums[0], sums[1])
	}
	t.Logf("both at checksum %s after %d frames, %v after the host started", sums[0], frames, time.Since(hostStart).Round(100*time.Millisecond))

	// The results screen, when screenshots are wanted: a practice match of
	// one round, eight riders in a small arena.
	if os.Getenv("SCREENSHOT_DIR") == "" {
		return
	}
	start := time.Now()
	practice := startProc(t, "practice", env, bin, append(size, "-practice", "-bots", "7", "-name", "ada",
		"-rounds", "1", "-arena", "36x24", "-frames", "3600")...)
	practice.Await(t, regexp.MustCompile(`^match over: winner \d$`), 40*time.Second)
	practice.Await(t, regexp.MustCompile(`^frame \d+$`), 5*time.Second)
	screenshot(t, display, "ada", 0, shots, "results.png")
	practice.Kill()
	t.Logf("the practice match ended in %v", time.Since(start).Round(100*time.Millisecond))
	t.Logf("screenshots in %s", shots)
}

// testDisplay starts a private Xvfb with room for two windows side by side
// and returns its display; without Xvfb it falls back on $DISPLAY.
func testDisplay(t *testing.T) string {
	t.Helper()
	xvfb, err := exec.LookPath("Xvfb")
	if err != nil {
		if d := os.Getenv("DISPLAY"); d != "" {
			return d
		}
		t.Fatal("neither Xvfb nor DISPLAY: the end-to-end test opens windows (scripts/install-deps.sh installs Xvfb)")
	}
	for _, tool := range []string{"xdotool", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing (scripts/install-deps.sh installs it): %v", tool, err)
		}
	}
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(xvfb, "-displayfd", "3", "-screen", "0", fmt.Sprintf("%dx%dx24", screenW, screenH), "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	var log bytes.Buffer
	cmd.Stderr = &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
		r.Close()
	}()
	select {
	case n := <-line:
		if n == "" {
			t.Fatalf("Xvfb did not start:\n%s", log.String())
		}
		return ":" + n
	case <-time.After(10 * time.Second):
		t.Fatalf("Xvfb gave no display in 10 s:\n%s", log.String())
	}
	return ""
}

// buildDemo builds the demo and the headless bot with go build into a
// temporary directory.
func buildDemo(t *testing.T) (demo, neonbot string) {
	t.Helper()
	goTool, err := exec.LookPath("go")
	if err != nil {
		goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
	}
	dir := t.TempDir()
	start := time.Now()
	if b, err := exec.Command(goTool, "build", "-o", dir+string(filepath.Separator), ".", "./cmd/neonbot").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, b)
	}
	t.Logf("built the demo and neonbot in %v", time.Since(start).Round(time.Millisecond))
	return filepath.Join(dir, "demo-game"), filepath.Join(dir, "neonbot")
}

// screenshot finds the window of the player called name, moves it to x, 0
// and takes a screenshot of it.
func screenshot(t *testing.T, display, name string, x int, dir, file string) {
	t.Helper()
	screenshotWindow(t, display, findWindow(t, display, name, x), dir, file)
}

// findWindow finds the window of the player called name, moves it to x, 0
// and returns its id.
func findWindow(t *testing.T, display, name string, x int) string {
	t.Helper()
	var id string
	deadline := time.Now().Add(15 * time.Second)
	for id == "" {
		out, _ := xcmd(display, "xdotool", "search", "--name", "^Neon Trails .* "+name+"$")
		if f := strings.Fields(string(out)); len(f) > 0 {
			id = f[len(f)-1]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no window for %s on %s", name, display)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if out, err := xcmd(display, "xdotool", "windowmove", id, strconv.Itoa(x), "0"); err != nil {
		t.Logf("xdotool windowmove: %v %s", err, out)
	}
	return id
}

// screenshotWindow writes a screenshot of window id to dir/file, and to
// $SCREENSHOT_DIR/file when that is set, and checks that it shows more
// than a blank window.
func screenshotWindow(t *testing.T, display, id, dir, file string) {
	t.Helper()
	path := filepath.Join(dir, file)
	if out, err := xcmd(display, "import", "-window", id, path); err != nil {
		t.Fatalf("import -window %s: %v\n%s", id, err, out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if n := colours(img); n < 8 {
		t.Errorf("%s has %d colours: the window shows nothing", file, n)
	}
	if d := os.Getenv("SCREENSHOT_DIR"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, file), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("screenshot %s: %dx%d", file, img.Bounds().Dx(), img.Bounds().Dy())
}

// colours counts the distinct colours of img, up to 1000.
func colours(img image.Image) int {
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y && len(seen) < 1000; y += 3 {
		for x := b.Min.X; x < b.Max.X; x += 3 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}

func xcmd(display string, name string, args ...string) ([]byte, error) {
	cmd := exec.Command(name, args...)
	cmd.Env = append(os.Environ(), "DISPLAY="+display)
	return cmd.CombinedOutput()
}

// slack stretches every deadline: a loaded 2-core CI machine running other
// test packages beside five game processes can be several times slower.
// The deadlines only bound a hung test; they assert nothing about speed.
const slack = 4

// startProc starts a demo process whose output the test reads line by line.
func startProc(t *testing.T, name string, env []string, bin string, args ...string) *proctest.Proc {
	t.Helper()
	p := proctest.Start(t, name, env, bin, args...)
	p.Slack = slack
	return p
}
