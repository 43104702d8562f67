package main

import (
	"bufio"
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/peerstep/peerstep/demo-game/internal/prefs"
	"github.com/peerstep/peerstep/internal/proctest"
)

// The windows of the test, side by side on the test's own display: the
// host's at the smallest size the README shows, the joiner's at the
// default; the results come from a fullscreen window on a display of its
// own.
const (
	hostW, hostH = 800, 450
	joinW, joinH = 1280, 720
	screenW      = hostW + 20 + joinW + 20
	screenH      = joinH + 20
	fullW, fullH = 1600, 900
)

// TestE2E builds the demo and plays it in windows, through the menus with
// keys as a player does: ada hosts from the title (HOST A MATCH, two bots
// chosen on the setup screen, OPEN THE LOBBY), the test reads the share
// code from her output and types it into bob's JOIN WITH A CODE screen,
// on a simulated bad network (the hard bots ada chose reach every
// player with the start); a headless bot (cmd/neonbot) joins too and
// quits halfway, after hanging for a moment, which bob's window says
// ("waiting for carol"). Ada presses ENTER once five are in; the host and the
// joiner play on to 840 frames (14 s) with a bot steering, ada pausing
// the match with P and both agreeing to resume with P, and reach the
// same checksum, go back to the title, and bob opens the options before
// both quit. It takes screenshots of every screen on the way, at 800x450
// and 1280x720, and of the results of a practice match in fullscreen on a
// 1600x900 display, into a temporary directory and, when $SCREENSHOT_DIR
// is set, into it too.
func TestE2E(t *testing.T) {
	display := testDisplay(t, screenW, screenH)
	bin, neonbot := buildDemo(t)
	shots := t.TempDir()
	// The options file in a directory of the test's own, not the user's.
	env := append(os.Environ(), "DISPLAY="+display, prefs.EnvPath+"="+filepath.Join(t.TempDir(), "neontrails.json"))
	const frames = 840
	common := []string{"-listen", "127.0.0.1:0", "-offline", "-frames", strconv.Itoa(frames), "-rounds", "5"}
	size := func(w, h int) []string { return []string{"-width", strconv.Itoa(w), "-height", strconv.Itoa(h)} }

	// Both start on the title.
	start := time.Now()
	ada := openWindow(t, display, "ada", 0, env, bin, append(append(common, size(hostW, hostH)...), "-name", "ada")...)
	// Bob plays with the trails' patterns on, from an options file of his
	// own.
	bobConfig := filepath.Join(t.TempDir(), "bob.json")
	bp := prefs.Default()
	bp.Patterns = true
	if err := prefs.Save(bobConfig, bp); err != nil {
		t.Fatal(err)
	}
	bob := openWindow(t, display, "bob", hostW+20, env, bin, append(append(common, size(joinW, joinH)...), "-name", "bob", "-config", bobConfig,
		"-netgraph", "-latency", "30ms", "-jitter", "5ms", "-loss", "0.01")...)
	for _, w := range []*player{ada, bob} {
		w.Await(t, regexp.MustCompile(`^screen: title$`), 20*time.Second)
	}
	bob.shoot(t, shots, "title.png")

	// Ada hosts: HOST A MATCH is the first item; on the setup screen, up
	// past ON LAN LIST (off with -offline) to BOTS, two more, up to BOT
	// SKILL, one more (hard), up to SPEED, one less (slow), down to OPEN
	// THE LOBBY.
	ada.press(t, "Return")
	ada.Await(t, regexp.MustCompile(`^screen: host setup$`), 10*time.Second)
	for _, k := range []string{"Up", "Up", "Right", "Right", "Up", "Right", "Up", "Left"} {
		ada.press(t, k)
	}
	ada.shoot(t, shots, "host-setup.png")
	for range 4 {
		ada.press(t, "Down")
	}
	ada.press(t, "Return")
	code := ada.Await(t, regexp.MustCompile(`^share code: (PS2-\S+)$`), 20*time.Second)[1]
	ada.Await(t, regexp.MustCompile(`^lobby: 3 players, ready true$`), 20*time.Second)
	t.Logf("ada's lobby with two bots %v after the start", time.Since(start).Round(100*time.Millisecond))

	// Bob joins: down to JOIN WITH A CODE, type the code, ENTER.
	bob.press(t, "Down")
	bob.press(t, "Return")
	bob.Await(t, regexp.MustCompile(`^screen: join$`), 10*time.Second)
	bob.typeText(t, strings.ToLower(code))
	bob.Await(t, regexp.MustCompile(`^code: `+regexp.QuoteMeta(code)+`$`), 10*time.Second)
	bob.shoot(t, shots, "join.png")
	bob.press(t, "Return")
	bob.Await(t, regexp.MustCompile(`^screen: lobby$`), 20*time.Second)

	// And a headless bot, which leaves at frame 300; ada starts once
	// five are in.
	quitter := startProc(t, "neonbot", env, neonbot, "-join", code, "-name", "carol", "-listen", "127.0.0.1:0", "-offline", "-frames", "300")
	ada.Await(t, regexp.MustCompile(`^lobby: 5 players, ready true$`), 20*time.Second)
	ada.press(t, "Right") // the code's second group, read aloud under it
	ada.shoot(t, shots, "lobby.png")
	ada.press(t, "Return")
	for _, p := range []*proctest.Proc{ada.Proc, bob.Proc, quitter} {
		p.Await(t, regexp.MustCompile(`^match started: 5 players, you are player \d$`), 20*time.Second)
		p.Await(t, regexp.MustCompile(`^bot skill: hard$`), 5*time.Second)
		p.Await(t, regexp.MustCompile(`^speed: slow$`), 5*time.Second)
	}
	t.Logf("match started %v after the start", time.Since(start).Round(100*time.Millisecond))
	// carol's machine hangs for a moment (SIGSTOP): half a second without
	// her input, bob's window says whom it waits for, and clears it when
	// she is back (SIGCONT), well within the 3 s after which the others
	// would drop her.
	ada.AwaitAtLeast(t, regexp.MustCompile(`^frame (\d+)$`), 200, 20*time.Second)
	if err := quitter.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	stopped := time.Now()
	bob.Await(t, regexp.MustCompile(`^waiting: waiting for carol$`), 10*time.Second)
	if time.Since(stopped) < 2*time.Second { // else carol might be dropped before the picture
		bob.shoot(t, shots, "match-waiting.png")
	}
	if err := quitter.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	bob.Await(t, regexp.MustCompile(`^waiting: over$`), 10*time.Second)
	t.Logf("carol hung for %v", time.Since(stopped).Round(100*time.Millisecond))
	quitter.Await(t, regexp.MustCompile(`^checksum 300 [0-9a-f]{16}$`), 20*time.Second)
	if err := quitter.Wait(10 * time.Second); err != nil {
		t.Errorf("neonbot: %v\n%s", err, quitter.Output())
	}
	for _, w := range []*player{ada, bob} {
		w.Await(t, regexp.MustCompile(`^notice: carol left: the match goes on$`), 10*time.Second)
	}
	// Ada pauses (P); every window says so, the world stands still until
	// ada and bob press P again (the host's bots agree at once), then
	// counts down and plays on.
	ada.press(t, "p")
	for _, w := range []*player{ada, bob} {
		w.Await(t, regexp.MustCompile(`^pause: paused by (ada|you)$`), 10*time.Second)
	}
	bob.shoot(t, shots, "match-paused.png")
	bob.press(t, "p")
	ada.press(t, "p")
	for _, w := range []*player{ada, bob} {
		w.Await(t, regexp.MustCompile(`^pause: over$`), 20*time.Second)
	}
	// Seven seconds of riding in (three of countdown and the pause
	// besides), trails cross the arena. The demo prints every multiple of
	// 60 frames; waiting for 660 or later keeps the test from depending
	// on that.
	at := ada.AwaitAtLeast(t, regexp.MustCompile(`^frame (\d+)$`), 660, 20*time.Second)[1]
	t.Logf("the host is at frame %s", at)
	ada.shoot(t, shots, "match-host.png")
	bob.shoot(t, shots, "match-joiner.png")

	var sums []string
	for _, w := range []*player{ada, bob} {
		m := w.Await(t, regexp.MustCompile(`^checksum (\d+) ([0-9a-f]{16})$`), 30*time.Second)
		if m[1] != strconv.Itoa(frames) {
			t.Errorf("%s printed its checksum after %s frames, want %d", w.Name, m[1], frames)
		}
		sums = append(sums, m[2])
	}
	if sums[0] != sums[1] {
		t.Errorf("host and joiner end in different states: %s and %s", sums[0], sums[1])
	}
	t.Logf("both at checksum %s after %d frames, %v after the start", sums[0], frames, time.Since(start).Round(100*time.Millisecond))

	// Back on the title: bob looks at the options (O) and leaves them
	// (ESC), then quits (ESC); ada quits with QUIT, up from HOST A MATCH.
	for _, w := range []*player{ada, bob} {
		w.Await(t, regexp.MustCompile(`^screen: title$`), 20*time.Second)
	}
	bob.press(t, "o")
	bob.Await(t, regexp.MustCompile(`^screen: options$`), 10*time.Second)
	bob.shoot(t, shots, "options.png")
	bob.press(t, "Escape")
	bob.Await(t, regexp.MustCompile(`^screen: title$`), 10*time.Second)
	bob.quit(t, "Escape")
	ada.press(t, "Up")
	ada.quit(t, "Return")

	// The results, in fullscreen on a display of its own: a practice
	// match of one round, eight riders in a small arena.
	t.Logf("both quit %v after the start", time.Since(start).Round(100*time.Millisecond))
	full := testDisplay(t, fullW, fullH)
	fenv := append(env, "DISPLAY="+full)
	practice := openWindow(t, full, "ada", 0, fenv, bin, "-offline", "-fullscreen", "-practice", "-bots", "7", "-name", "ada",
		"-rounds", "1", "-arena", "30x24", "-frames", "3600")
	practice.Await(t, regexp.MustCompile(`^screen: match$`), 20*time.Second)
	t.Logf("the practice match is up %v after the start", time.Since(start).Round(100*time.Millisecond))
	practice.Await(t, regexp.MustCompile(`^match over: winner \d$`), 40*time.Second)
	practice.Await(t, regexp.MustCompile(`^frame \d+$`), 5*time.Second)
	practice.id = "root" // fullscreen: the whole display
	practice.shoot(t, shots, "results.png")
	practice.Kill()
	t.Logf("done %v after the start; screenshots in %s", time.Since(start).Round(100*time.Millisecond), shots)
}

// player is a demo process and its window on a test display.
type player struct {
	*proctest.Proc
	display, id string
}

// openWindow starts the demo for the player called name and moves its
// window to x, 0 once it is up.
func openWindow(t *testing.T, display, name string, x int, env []string, bin string, args ...string) *player {
	t.Helper()
	w := &player{Proc: startProc(t, name, env, bin, args...), display: display}
	if w.id = findWindow(display, name, x); w.id == "" {
		probe, err := xcmd(display, "xwininfo", "-root")
		t.Fatalf("no window for %s on %s (the display now: %v %s); output:\n%s", name, display, err, bytes.TrimSpace(probe), w.Output())
	}
	return w
}

// press presses key (xdotool's name: Return, Up, o...) in the window as a
// player does: it gives the window the keyboard, holds the key down until
// the game says it saw it go down ("key: NAME", as a -frames run
// prints), lets it go until the game says it saw it go up ("key up:
// NAME"), so that no batching of frames can miss a press or run two into
// one (Take: what the key made the game print stays for Await), and gives the keyboard back to the root window (a focused window
// under Xvfb draws flat out).
func (w *player) press(t *testing.T, key string) {
	t.Helper()
	name, ok := ebitenKeys[key]
	if !ok {
		t.Fatalf("press %q: no Ebiten name for it", key)
	}
	w.focus(t, w.id)
	w.xdotool(t, "keydown", key)
	w.Take(t, regexp.MustCompile(`^key: `+name+`$`), 10*time.Second)
	w.xdotool(t, "keyup", key)
	w.Take(t, regexp.MustCompile(`^key up: `+name+`$`), 10*time.Second)
	w.focus(t, rootWindow(t, w.display))
}

// quit presses key, which ends the game, and waits for it to exit with
// status 0.
func (w *player) quit(t *testing.T, key string) {
	t.Helper()
	w.focus(t, w.id)
	w.xdotool(t, "keydown", key)
	w.Take(t, regexp.MustCompile(`^key: `+ebitenKeys[key]+`$`), 10*time.Second)
	err := w.Wait(15 * time.Second)
	w.xdotool(t, "keyup", key)
	w.focus(t, rootWindow(t, w.display))
	if err != nil {
		t.Errorf("%s did not quit with %s: %v\n%s", w.Name, key, err, w.Output())
	}
}

// ebitenKeys are the names Ebiten gives the keys press presses.
var ebitenKeys = map[string]string{"Return": "Enter", "Escape": "Escape", "Up": "ArrowUp", "Down": "ArrowDown",
	"Left": "ArrowLeft", "Right": "ArrowRight", "o": "O", "p": "P"}

// typeText types s into the window, as characters: the game queues them,
// so that none is lost however the frames fall.
func (w *player) typeText(t *testing.T, s string) {
	t.Helper()
	w.focus(t, w.id)
	w.xdotool(t, "type", "--delay", "20", s)
	w.focus(t, rootWindow(t, w.display))
}

func (w *player) focus(t *testing.T, id string) {
	t.Helper()
	w.xdotool(t, "windowfocus", "--sync", id)
}

func (w *player) xdotool(t *testing.T, args ...string) {
	t.Helper()
	if out, err := xcmd(w.display, "xdotool", args...); err != nil {
		t.Fatalf("xdotool %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// shoot takes a screenshot of the window.
func (w *player) shoot(t *testing.T, dir, file string) {
	t.Helper()
	screenshotWindow(t, w.display, w.id, dir, file)
}

// rootWindow returns the id of display's root window, from xwininfo.
func rootWindow(t *testing.T, display string) string {
	t.Helper()
	out, err := xcmd(display, "xwininfo", "-root")
	m := regexp.MustCompile(`Window id: (0x[0-9a-f]+)`).FindSubmatch(out)
	if err != nil || m == nil {
		t.Fatalf("xwininfo -root: %v\n%s", err, out)
	}
	return string(m[1])
}

// testDisplay starts a private Xvfb of width x height pixels and returns its
// display; without Xvfb it falls back on $DISPLAY.
func testDisplay(t *testing.T, width, height int) string {
	t.Helper()
	xvfb, err := exec.LookPath("Xvfb")
	if err != nil {
		if d := os.Getenv("DISPLAY"); d != "" {
			return d
		}
		t.Fatal("neither Xvfb nor DISPLAY: the end-to-end test opens windows (scripts/install-deps.sh installs Xvfb)")
	}
	for _, tool := range []string{"xdotool", "xwininfo", "import"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing (scripts/install-deps.sh installs it): %v", tool, err)
		}
	}
	// A display number of its own, far from the low ones: other jobs on
	// the machine may share /tmp without seeing this one's processes, and
	// take a lock they think is stale, and its socket with it.
	for range 20 {
		n := 1000 + rand.IntN(8000)
		if _, err := os.Stat(fmt.Sprintf("/tmp/.X%d-lock", n)); err == nil {
			continue
		}
		if d, ok := startXvfb(t, xvfb, n, width, height); ok {
			return d
		}
	}
	t.Fatal("Xvfb did not start on any of 20 displays")
	return ""
}

// startXvfb starts Xvfb on display n, reporting false when it does not
// come up (the display is taken).
func startXvfb(t *testing.T, xvfb string, n, width, height int) (string, bool) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(xvfb, fmt.Sprintf(":%d", n), "-displayfd", "3", "-screen", "0", fmt.Sprintf("%dx%dx24", width, height), "-nolisten", "tcp")
	cmd.ExtraFiles = []*os.File{w}
	var log bytes.Buffer
	cmd.Stderr = &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	stop := func() {
		cmd.Process.Kill()
		cmd.Wait()
	}
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(r).ReadString('\n')
		line <- strings.TrimSpace(s)
		r.Close()
	}()
	select {
	case d := <-line:
		if d == "" {
			stop()
			t.Logf("Xvfb did not start on :%d:\n%s", n, log.String())
			return "", false
		}
		// The display number is out, but a client may still fail to open
		// it (a job sharing /tmp and not this one's processes may have
		// taken the number): only a display a client opens is used.
		if out, err := awaitDisplay(":" + d); err != nil {
			stop()
			t.Logf("Xvfb on :%s does not take clients: %v\n%s\n%s", d, err, out, log.String())
			return "", false
		}
		t.Cleanup(stop)
		return ":" + d, true
	case <-time.After(10 * time.Second):
		stop()
		t.Logf("Xvfb gave no display in 10 s on :%d:\n%s", n, log.String())
		return "", false
	}
}

// awaitDisplay opens display with xwininfo until that works, for up to
// 5 s, and returns the last failure's output.
func awaitDisplay(display string) ([]byte, error) {
	deadline := time.Now().Add(5 * time.Second)
	for {
		out, err := xcmd(display, "xwininfo", "-root")
		if err == nil || time.Now().After(deadline) {
			return out, err
		}
		time.Sleep(100 * time.Millisecond)
	}
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

// findWindow finds the window of the player called name, moves it to x, 0
// and returns its id, or "" when there is none after a minute.
func findWindow(display, name string, x int) string {
	var id string
	deadline := time.Now().Add(60 * time.Second)
	for id == "" {
		out, _ := xcmd(display, "xdotool", "search", "--name", "^Neon Trails .* "+name+"$")
		if f := strings.Fields(string(out)); len(f) > 0 {
			id = f[len(f)-1]
			break
		}
		if time.Now().After(deadline) {
			return ""
		}
		time.Sleep(100 * time.Millisecond)
	}
	xcmd(display, "xdotool", "windowmove", id, strconv.Itoa(x), "0")
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
