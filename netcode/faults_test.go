//go:build unix

package netcode

import (
	"bufio"
	"bytes"
	"fmt"
	"hash/fnv"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/lockstep/replay"
)

// The fault tests run every player in a process of its own (the testpeer
// command, built once without -race) and kill, stop and resume them with
// signals, as a crash, a hung machine or a laptop lid would.

// buildTestPeer builds netcode/internal/testpeer into dir.
func buildTestPeer(t *testing.T, dir string) string {
	t.Helper()
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(goBin); err != nil {
		if goBin, err = exec.LookPath("go"); err != nil {
			t.Fatalf("no go command to build the test peer: %v", err)
		}
	}
	bin := filepath.Join(dir, "testpeer")
	start := time.Now()
	cmd := exec.Command(goBin, "build", "-o", bin, "./internal/testpeer")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building the test peer: %v\n%s", err, out)
	}
	t.Logf("built the test peer in %v", time.Since(start).Round(time.Millisecond))
	return bin
}

// peerLine is one line a test peer printed, and when.
type peerLine struct {
	at     time.Time
	fields []string
}

// peerProc is one test peer process.
type peerProc struct {
	t      *testing.T
	name   string
	cmd    *exec.Cmd
	stderr bytes.Buffer // written by os/exec; read after wait

	mu     sync.Mutex
	lines  []peerLine
	notify chan struct{} // closed and replaced on every line and at exit
	exited bool
	code   int // exit code, -1 when killed by a signal
	ended  time.Time
}

func startPeer(t *testing.T, bin, name string, args ...string) *peerProc {
	t.Helper()
	p := &peerProc{t: t, name: name, notify: make(chan struct{})}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stderr = &p.stderr
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			p.mu.Lock()
			p.lines = append(p.lines, peerLine{at: time.Now(), fields: strings.Fields(sc.Text())})
			close(p.notify)
			p.notify = make(chan struct{})
			p.mu.Unlock()
		}
		err := p.cmd.Wait()
		p.mu.Lock()
		p.exited, p.ended, p.code = true, time.Now(), p.cmd.ProcessState.ExitCode()
		if err != nil && p.code == 0 {
			p.code = -1
		}
		close(p.notify)
		p.mu.Unlock()
	}()
	t.Cleanup(func() {
		p.mu.Lock()
		exited := p.exited
		p.mu.Unlock()
		if !exited {
			_ = p.cmd.Process.Signal(syscall.SIGKILL) // also ends a stopped process
			p.waitExit(10 * time.Second)
		}
	})
	return p
}

// waitLine waits until the peer printed a line starting with the words of
// prefix and returns its fields.
func (p *peerProc) waitLine(prefix string, timeout time.Duration) (peerLine, bool) {
	want := strings.Fields(prefix)
	deadline := time.After(timeout)
	for seen := 0; ; {
		p.mu.Lock()
		for ; seen < len(p.lines); seen++ {
			l := p.lines[seen]
			if len(l.fields) >= len(want) && strings.Join(l.fields[:len(want)], " ") == strings.Join(want, " ") {
				p.mu.Unlock()
				return l, true
			}
		}
		ch, exited := p.notify, p.exited
		p.mu.Unlock()
		if exited {
			return peerLine{}, false
		}
		select {
		case <-ch:
		case <-deadline:
			return peerLine{}, false
		}
	}
}

// waitExit waits for the process to end and returns its exit code.
func (p *peerProc) waitExit(timeout time.Duration) (int, bool) {
	deadline := time.After(timeout)
	for {
		p.mu.Lock()
		ch, exited, code := p.notify, p.exited, p.code
		p.mu.Unlock()
		if exited {
			return code, true
		}
		select {
		case <-ch:
		case <-deadline:
			return 0, false
		}
	}
}

// linesOf returns the lines whose first word is kind.
func (p *peerProc) linesOf(kind string) [][]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out [][]string
	for _, l := range p.lines {
		if len(l.fields) > 0 && l.fields[0] == kind {
			out = append(out, l.fields)
		}
	}
	return out
}

// transcript is what the peer printed, for failure messages.
func (p *peerProc) transcript() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	var b strings.Builder
	fmt.Fprintf(&b, "--- %s (exited %v, code %d):\n", p.name, p.exited, p.code)
	for _, l := range p.lines {
		if l.fields[0] != "frame" {
			fmt.Fprintf(&b, "  %s\n", strings.Join(l.fields, " "))
		}
	}
	if p.exited {
		stderr := p.stderr.String()
		if len(stderr) > 2000 {
			stderr = "..." + stderr[len(stderr)-2000:]
		}
		if stderr != "" {
			fmt.Fprintf(&b, "  stderr: %s\n", stderr)
		}
	}
	return b.String()
}

func (p *peerProc) signal(sig syscall.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatalf("%s: %v: %v", p.name, sig, err)
	}
}

// faultMatch is a match of test peers, indexed by PlayerID.
type faultMatch struct {
	t       *testing.T
	peers   []*peerProc
	frames  int
	replays []string // replay paths by PlayerID, when recording
}

// startFaultMatch starts a host and n-1 joiners, each recording a replay
// into dir, and waits until every one started the match. extra[i], if
// given, are more arguments for process i (the host is process 0).
func startFaultMatch(t *testing.T, bin, dir string, n, frames int, extra ...[]string) *faultMatch {
	t.Helper()
	common := []string{"-frames", strconv.Itoa(frames), "-disconnect-timeout", "2s", "-timeout", "60s"}
	rec := func(i int) []string {
		args := []string{"-record", filepath.Join(dir, fmt.Sprintf("proc%d.psreplay", i))}
		if i < len(extra) {
			args = append(args, extra[i]...)
		}
		return args
	}
	host := startPeer(t, bin, "proc0", append(append([]string{"-host", "-players", strconv.Itoa(n)}, common...), rec(0)...)...)
	l, ok := host.waitLine("code", 20*time.Second)
	if !ok || len(l.fields) != 2 {
		t.Fatalf("the host printed no share code\n%s", host.transcript())
	}
	procs := []*peerProc{host}
	for i := 1; i < n; i++ {
		procs = append(procs, startPeer(t, bin, fmt.Sprintf("proc%d", i), append(append([]string{"-join", l.fields[1]}, common...), rec(i)...)...))
	}
	m := &faultMatch{t: t, peers: make([]*peerProc, n), frames: frames, replays: make([]string, n)}
	for i, p := range procs {
		l, ok := p.waitLine("started", 30*time.Second)
		if !ok || len(l.fields) != 3 {
			m.fail(procs, "%s did not start", p.name)
		}
		id, err := strconv.Atoi(l.fields[1])
		if err != nil || id < 0 || id >= n || m.peers[id] != nil {
			m.fail(procs, "%s started as player %q", p.name, l.fields[1])
		}
		p.name = fmt.Sprintf("player %d (%s)", id, p.name)
		m.peers[id] = p
		m.replays[id] = filepath.Join(dir, fmt.Sprintf("proc%d.psreplay", i))
	}
	return m
}

func (m *faultMatch) fail(procs []*peerProc, format string, args ...any) {
	m.t.Helper()
	var b strings.Builder
	for _, p := range procs {
		if p != nil {
			b.WriteString(p.transcript())
		}
	}
	m.t.Fatalf(format+"\n%s", append(args, b.String())...)
}

// waitFrame waits until player id has simulated at least f frames.
func (m *faultMatch) waitFrame(id, f int) {
	m.t.Helper()
	if _, ok := m.peers[id].waitLine(fmt.Sprintf("frame %d", f), 30*time.Second); !ok {
		m.fail(m.peers, "player %d never reached frame %d", id, f)
	}
}

// checkSurvivors waits for every player not in gone to finish the match,
// and checks that they exited cleanly with equal checksums, no desync, and
// that each saw exactly the players of left leave, all at the same frame.
// It returns the frame each player of left left at.
func (m *faultMatch) checkSurvivors(gone map[int]bool, left []int) map[int]int {
	m.t.Helper()
	var sum []string
	leftAt := map[int]int{}
	for id, p := range m.peers {
		if gone[id] {
			continue
		}
		code, ok := p.waitExit(60 * time.Second)
		if !ok || code != 0 {
			m.fail(m.peers, "player %d did not finish cleanly (exited %v, code %d)", id, ok, code)
		}
		cs := p.linesOf("checksum")
		if len(cs) != 1 || cs[0][1] != strconv.Itoa(m.frames) {
			m.fail(m.peers, "player %d printed checksums %v, want one at frame %d", id, cs, m.frames)
		}
		if sum == nil {
			sum = cs[0]
		} else if cs[0][2] != sum[2] {
			m.fail(m.peers, "player %d ended with checksum %s, another survivor with %s", id, cs[0][2], sum[2])
		}
		if d := p.linesOf("desync"); len(d) > 0 {
			m.fail(m.peers, "player %d: %v", id, d)
		}
		seen := map[int]bool{}
		for _, l := range p.linesOf("left") {
			who, _ := strconv.Atoi(l[1])
			at, _ := strconv.Atoi(l[2])
			want := false
			for _, x := range left {
				want = want || x == who
			}
			if !want || seen[who] {
				m.fail(m.peers, "player %d saw player %d leave at frame %d unexpectedly", id, who, at)
			}
			seen[who] = true
			if prev, ok := leftAt[who]; ok && prev != at {
				m.fail(m.peers, "player %d saw player %d leave at frame %d, another survivor at frame %d", id, who, at, prev)
			}
			leftAt[who] = at
		}
		if len(seen) != len(left) {
			m.fail(m.peers, "player %d saw %d players leave, want %v", id, len(seen), left)
		}
	}
	return leftAt
}

// peerInput is the test peer's input (testpeer.Input), which has no Slot.
type peerInput struct {
	Buttons uint8
	Aim     int16
}

// stubSum is the test peer's simulation, for replays: the same hash as
// stubGame's.
func stubSum(frames []lockstep.ReadyFrame) (uint64, error) {
	var sum uint64
	for _, f := range frames {
		h := fnv.New64a()
		fmt.Fprintf(h, "%d|%d|", sum, f.Frame)
		for p, raw := range f.Inputs {
			in, err := lockstep.DecodeInput[peerInput](raw)
			if err != nil {
				return 0, err
			}
			fmt.Fprintf(h, "%v:%d:%d,", f.Present[p], in.Buttons, in.Aim)
		}
		sum = h.Sum64()
	}
	return sum, nil
}

func TestProcessFaults(t *testing.T) {
	dir := t.TempDir()
	bin := buildTestPeer(t, dir)

	// A player is killed mid-match: the others go on from one agreed frame
	// with equal checksums, and the dead player's replay is readable up to
	// its last flush.
	t.Run("sigkill", func(t *testing.T) {
		const victim, frames, killAt = 2, 300, 120
		m := startFaultMatch(t, bin, t.TempDir(), 4, frames)
		m.waitFrame(victim, killAt)
		m.peers[victim].signal(syscall.SIGKILL)
		killed := time.Now()
		if code, ok := m.peers[victim].waitExit(10 * time.Second); !ok || code != -1 {
			t.Fatalf("the killed player exited %v with code %d", ok, code)
		}
		leftAt := m.checkSurvivors(map[int]bool{victim: true}, []int{victim})
		t.Logf("player %d killed after frame %d; the others agreed it left at frame %d and finished %v later",
			victim, killAt, leftAt[victim], time.Since(killed).Round(time.Millisecond))

		// Replays: the survivors' are finished, complete, in place and
		// reproduce their checksum; the dead player's is its .partial file,
		// holding every frame up to its last flush, the same frames.
		var ref *replay.Replay
		for id, path := range m.replays {
			if id == victim {
				continue
			}
			rp, err := replay.ReadFile(path)
			if err != nil {
				t.Fatalf("player %d replay: %v", id, err)
			}
			if _, err := os.Stat(path + replay.PartialSuffix); !os.IsNotExist(err) {
				t.Errorf("player %d: %s%s left behind (%v)", id, path, replay.PartialSuffix, err)
			}
			if rp.Truncated || len(rp.Frames) != frames {
				t.Fatalf("player %d replay: %d frames, truncated %v; want %d, complete", id, len(rp.Frames), rp.Truncated, frames)
			}
			sum, err := stubSum(rp.Frames)
			if err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprintf("%016x", sum); got != m.peers[id].linesOf("checksum")[0][2] {
				t.Errorf("player %d replay plays back to checksum %s, the match ended with %s", id, got, m.peers[id].linesOf("checksum")[0][2])
			}
			for _, f := range rp.Frames {
				if f.Present[victim] != (int(f.Frame) < leftAt[victim]) {
					t.Fatalf("player %d replay: frame %d has the victim present=%v, it left at %d", id, f.Frame, f.Present[victim], leftAt[victim])
				}
			}
			ref = rp
		}
		if _, err := os.Stat(m.replays[victim]); !os.IsNotExist(err) {
			t.Fatalf("the killed player's replay exists at its final path (%v): it was never finished", err)
		}
		rp, err := replay.ReadFile(m.replays[victim])
		if err != nil {
			t.Fatalf("the killed player's replay does not read: %v", err)
		}
		if !rp.Truncated || len(rp.Frames) < killAt/replay.FlushInterval*replay.FlushInterval {
			t.Fatalf("the killed player's replay: %d frames, truncated %v; want at least %d, truncated", len(rp.Frames), rp.Truncated, killAt)
		}
		for i, f := range rp.Frames {
			if !sameReadyFrame(f, ref.Frames[i]) {
				t.Fatalf("the killed player's replay differs from a survivor's at frame %d", i)
			}
		}
		t.Logf("the killed player's replay holds %d frames", len(rp.Frames))
	})

	// A player's game goes astray (its state changes after frame 100): with
	// three players the majority's state repairs it; with two, both games
	// keep player 0's (RepairDesync). Every player ends with the same
	// checksum, and every replay, the repaired player's too, holds each
	// frame once and plays back to it.
	for _, n := range []int{3, 2} {
		t.Run(fmt.Sprintf("desync-repair-%dp", n), func(t *testing.T) {
			const frames, corruptAt = 480, 100
			extra := make([][]string, n)
			for i := range extra {
				extra[i] = []string{"-snapshots"}
			}
			stray := n - 1 // a joiner, process n-1
			extra[stray] = append(extra[stray], "-corrupt", strconv.Itoa(corruptAt))
			m := startFaultMatch(t, bin, t.TempDir(), n, frames, extra...)
			var sum string
			resynced := 0
			for id, p := range m.peers {
				code, ok := p.waitExit(60 * time.Second)
				if !ok || code != 0 {
					m.fail(m.peers, "player %d did not finish cleanly (exited %v, code %d)", id, ok, code)
				}
				cs := p.linesOf("checksum")
				if len(cs) != 1 || cs[0][1] != strconv.Itoa(frames) {
					m.fail(m.peers, "player %d printed checksums %v, want one at frame %d", id, cs, frames)
				}
				if sum == "" {
					sum = cs[0][2]
				} else if cs[0][2] != sum {
					m.fail(m.peers, "player %d ended with checksum %s, another with %s", id, cs[0][2], sum)
				}
				rs := p.linesOf("resynced")
				resynced += len(rs)
				if strings.HasSuffix(p.name, fmt.Sprintf("(proc%d)", stray)) {
					if len(rs) != 1 || len(p.linesOf("desync")) == 0 {
						m.fail(m.peers, "the player that went astray: resynced %v, desyncs %v; want one resync after a desync", rs, p.linesOf("desync"))
					}
					t.Logf("player %d went astray after frame %d, desync seen at %v, loaded player %s's state after frame %s",
						id, corruptAt, p.linesOf("desync")[0][1], rs[0][1], rs[0][2])
				}
				rp, err := replay.ReadFile(m.replays[id])
				if err != nil {
					t.Fatalf("player %d replay: %v", id, err)
				}
				if rp.Truncated || len(rp.Frames) != frames {
					t.Fatalf("player %d replay: %d frames, truncated %v; want %d", id, len(rp.Frames), rp.Truncated, frames)
				}
				got, err := stubSum(rp.Frames)
				if err != nil {
					t.Fatal(err)
				}
				if fmt.Sprintf("%016x", got) != sum {
					t.Errorf("player %d replay plays back to %016x, the match ended with %s", id, got, sum)
				}
			}
			if resynced != 1 {
				m.fail(m.peers, "%d resyncs in all, want one", resynced)
			}
		})
	}

	// A player stops for less than the disconnect timeout: no one is
	// dropped, the match resumes, every checksum agrees.
	t.Run("sigstop-short", func(t *testing.T) {
		const victim, frames = 1, 300
		m := startFaultMatch(t, bin, t.TempDir(), 4, frames)
		m.waitFrame(victim, 60)
		m.peers[victim].signal(syscall.SIGSTOP)
		time.Sleep(700 * time.Millisecond)
		m.peers[victim].signal(syscall.SIGCONT)
		m.checkSurvivors(nil, nil)
	})

	// The host stops for longer than the disconnect timeout: the others
	// drop it at one agreed frame and go on; when it resumes it learns it
	// was dropped at that frame and exits cleanly.
	t.Run("sigstop-long", func(t *testing.T) {
		const victim, frames = 0, 420
		m := startFaultMatch(t, bin, t.TempDir(), 4, frames)
		m.waitFrame(victim, 60)
		m.peers[victim].signal(syscall.SIGSTOP)
		time.Sleep(5 * time.Second)
		m.peers[victim].signal(syscall.SIGCONT)
		resumed := time.Now()
		v := m.peers[victim]
		l, ok := v.waitLine("dropped", 15*time.Second)
		if !ok {
			m.fail(m.peers, "the resumed player was not told it was dropped")
		}
		if code, ok := v.waitExit(10 * time.Second); !ok || code != 3 {
			m.fail(m.peers, "the dropped player exited %v with code %d, want 3", ok, code)
		}
		if len(v.linesOf("left")) > 0 || len(v.linesOf("checksum")) > 0 {
			m.fail(m.peers, "the dropped player went on without the others")
		}
		leftAt := m.checkSurvivors(map[int]bool{victim: true}, []int{victim})
		if l.fields[1] != strconv.Itoa(leftAt[victim]) {
			m.fail(m.peers, "the dropped player was told frame %s, the others agreed on %d", l.fields[1], leftAt[victim])
		}
		t.Logf("dropped at frame %d; the resumed player knew %v after SIGCONT and exited %v after",
			leftAt[victim], l.at.Sub(resumed).Round(time.Millisecond), v.ended.Sub(resumed).Round(time.Millisecond))
		// Its replay was finished, near the frame it was dropped at: it
		// may have run a few frames past it alone, with the inputs the
		// others had sent it before they agreed (at most a delay's worth).
		rp, err := replay.ReadFile(m.replays[victim])
		if err != nil {
			t.Fatalf("the dropped player's replay: %v", err)
		}
		if rp.Truncated || len(rp.Frames) > leftAt[victim]+lockstep.DefaultMaxInputDelay+2 {
			t.Fatalf("the dropped player's replay: %d frames, truncated %v; want at most %d, finished", len(rp.Frames), rp.Truncated, leftAt[victim])
		}
	})
}

func sameReadyFrame(a, b lockstep.ReadyFrame) bool {
	if a.Frame != b.Frame || len(a.Inputs) != len(b.Inputs) {
		return false
	}
	for p := range a.Inputs {
		if a.Present[p] != b.Present[p] || !bytes.Equal(a.Inputs[p], b.Inputs[p]) {
			return false
		}
	}
	return true
}
