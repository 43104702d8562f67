package play

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/peerstep/peerstep/demo-game/sim"
	"github.com/peerstep/peerstep/lockstep/replay"
	"github.com/peerstep/peerstep/netcode"
	"github.com/peerstep/peerstep/netcode/sharecode"
)

const loopback = "127.0.0.1:0"

// run is a headless player running in the test, whose output is read line
// by line.
type run struct {
	name  string
	lines chan string
	err   chan error
	log   strings.Builder
	mu    sync.Mutex
}

func start(ctx context.Context, name string, h Headless) *run {
	r := &run{name: name, lines: make(chan string, 256), err: make(chan error, 1)}
	pr, pw := io.Pipe()
	go func() {
		err := RunHeadless(ctx, h, pw)
		pw.Close()
		r.err <- err
	}()
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			r.mu.Lock()
			r.log.WriteString(sc.Text() + "\n")
			r.mu.Unlock()
			r.lines <- sc.Text()
		}
		close(r.lines)
	}()
	return r
}

func (r *run) output() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.log.String()
}

// await reads r's output until a line matches re.
func (r *run) await(t *testing.T, re *regexp.Regexp, timeout time.Duration) []string {
	t.Helper()
	deadline := time.After(timeout)
	for {
		select {
		case line, ok := <-r.lines:
			if !ok {
				t.Fatalf("%s ended (%v) without a line matching %q:\n%s", r.name, <-r.err, re, r.output())
			}
			if m := re.FindStringSubmatch(line); m != nil {
				return m
			}
		case <-deadline:
			t.Fatalf("%s printed no line matching %q in %v:\n%s", r.name, re, timeout, r.output())
		}
	}
}

var checksumLine = regexp.MustCompile(`^checksum (\d+) ([0-9a-f]{16})$`)

// TestHeadlessMatch: a host and three headless bot players find each other
// through the share code over loopback UDP, play 300 frames, and reach the
// same checksum; the host's recording plays back to it too.
func TestHeadlessMatch(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	const frames = 300
	rec := filepath.Join(t.TempDir(), "match.psreplay")
	host := start(ctx, "host", Headless{
		Options: Options{Name: "host", ListenAddr: loopback, Reach: netcode.Local(), Record: rec},
		Host:    true, Players: 4, Frames: frames,
	})
	code := host.await(t, regexp.MustCompile(`^share code: (\S+)$`), 10*time.Second)[1]
	runs := []*run{host}
	for _, name := range []string{"bot-a", "bot-b", "bot-c"} {
		runs = append(runs, start(ctx, name, Headless{
			Options: Options{Name: name, ListenAddr: loopback, Reach: netcode.Local()},
			Join:    code, Frames: frames,
		}))
	}
	var sums []string
	for _, r := range runs {
		r.await(t, regexp.MustCompile(`^match started: 4 players`), 20*time.Second)
	}
	for _, r := range runs {
		m := r.await(t, checksumLine, 30*time.Second)
		if m[1] != "300" {
			t.Errorf("%s: checksum after %s frames, want 300", r.name, m[1])
		}
		sums = append(sums, m[2])
		if err := <-r.err; err != nil {
			t.Errorf("%s: %v\n%s", r.name, err, r.output())
		}
	}
	for i, s := range sums {
		if s != sums[0] {
			t.Errorf("%s ends in state %s, host in %s", runs[i].name, s, sums[0])
		}
	}

	// The recording holds exactly the frames played and reproduces them.
	rp := start(ctx, "replay", Headless{Replay: rec})
	m := rp.await(t, checksumLine, 20*time.Second)
	if m[1] != "300" || m[2] != sums[0] {
		t.Errorf("replay: checksum %s after %s frames; want %s after 300\n%s", m[2], m[1], sums[0], rp.output())
	}
	if err := <-rp.err; err != nil {
		t.Error(err)
	}
}

// TestHostBots: a host fills its lobby with bots that join over loopback,
// starts, and everyone plays; then the host leaves and the bots go too.
func TestHostBots(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	l, err := Host(ctx, Options{Name: "ada", ListenAddr: loopback, Reach: netcode.Local(), RoundsToWin: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.AddBots(2); err != nil {
		t.Fatal(err)
	}
	var m *Match
	for m == nil {
		info := l.Info()
		if info.Ready && len(info.Players) == 3 {
			for i, p := range info.Players {
				if info.Bots[i] != (i > 0) || !p.Connected {
					t.Errorf("slot %d: %+v, bot %v", i, p, info.Bots[i])
				}
			}
			l.Start()
		}
		if m, err = l.Update(); err != nil {
			t.Fatal(err)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the lobby never started: %+v", l.Info())
		case <-time.After(10 * time.Millisecond):
		}
	}
	joined := 0
	for _, n := range l.Notices() {
		if strings.HasSuffix(n.Text, " joined") {
			joined++
		}
	}
	if joined != 2 {
		t.Errorf("%d join notices, want 2", joined)
	}
	if got := m.Names(); len(got) != 3 || got[0] != "ada" || !strings.HasPrefix(got[1], "bot-") {
		t.Errorf("players %v", got)
	}
	tick := time.NewTicker(time.Second / 60)
	defer tick.Stop()
	for m.Frames() < 120 {
		<-tick.C
		if err := m.Tick(sim.Bot(m.State(), m.Local())); err != nil {
			t.Fatal(err)
		}
		if ctx.Err() != nil {
			t.Fatal("no 120 frames in time")
		}
	}
	ni := m.Net()
	if ni.Kind != Online || len(ni.Peers) != 3 || !ni.Peers[0].Local || ni.Peers[1].RTT <= 0 || len(ni.Graph) == 0 {
		t.Errorf("net info %+v", ni)
	}
	if err := m.Close(); err != nil {
		t.Error(err)
	}
}

// TestLeaveGoesOn: a player who quits is dropped, the others print the
// frame it was dropped at, get a notice naming it and play on.
func TestLeaveGoesOn(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 40*time.Second)
	defer cancel()
	host := start(ctx, "host", Headless{Options: Options{Name: "host", ListenAddr: loopback, Reach: netcode.Local()}, Host: true, Players: 3, Frames: 360})
	code := host.await(t, regexp.MustCompile(`^share code: (\S+)$`), 10*time.Second)[1]
	quitter := start(ctx, "quitter", Headless{Options: Options{Name: "quitter", ListenAddr: loopback, Reach: netcode.Local()}, Join: code, Frames: 120})
	stayer := start(ctx, "stayer", Headless{Options: Options{Name: "stayer", ListenAddr: loopback, Reach: netcode.Local()}, Join: code, Frames: 360})
	quitter.await(t, checksumLine, 20*time.Second)
	// The session says who was dropped at which frame before the match
	// gets there; every survivor names the same frame.
	var at []string
	for _, r := range []*run{host, stayer} {
		m := r.await(t, regexp.MustCompile(`^dropped player (\d) at frame (\d+) \(quitter\)$`), 20*time.Second)
		at = append(at, m[1]+" "+m[2])
		r.await(t, regexp.MustCompile(`^notice: quitter left: the match goes on$`), 20*time.Second)
	}
	if at[0] != at[1] {
		t.Errorf("the host saw player and frame %s, the stayer %s", at[0], at[1])
	}
	a := host.await(t, checksumLine, 20*time.Second)
	b := stayer.await(t, checksumLine, 20*time.Second)
	if a[1] != "360" || a[2] != b[2] {
		t.Errorf("after the leave: host %v, stayer %v", a, b)
	}
}

func TestPracticeAndReplay(t *testing.T) {
	rec := filepath.Join(t.TempDir(), "practice.psreplay")
	m, err := NewPractice(Options{Name: "me", Record: rec, RoundsToWin: 1}, 3, 12345)
	if err != nil {
		t.Fatal(err)
	}
	for m.Frames() < 900 {
		if err := m.Tick(sim.Bot(m.State(), 0)); err != nil {
			t.Fatal(err)
		}
	}
	sum := m.State().Checksum()
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	rp, err := OpenReplay(rec)
	if err != nil {
		t.Fatal(err)
	}
	if rp.Local() != -1 || rp.ReplayLength() != 900 || rp.Names()[0] != "me" {
		t.Fatalf("replay: local %d, %d frames, names %v", rp.Local(), rp.ReplayLength(), rp.Names())
	}
	for {
		err := rp.Tick(0)
		if errors.Is(err, ErrReplayOver) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if rp.State().Checksum() != sum || rp.Frames() != 900 {
		t.Errorf("the replay ends in %x after %d frames; the match in %x after 900", rp.State().Checksum(), rp.Frames(), sum)
	}
	if _, err := NewPractice(Options{}, 0, 1); err == nil {
		t.Error("a practice match with no bots started")
	}
}

func TestJoinErrors(t *testing.T) {
	ctx := context.Background()
	// A code from a host that has gone: nobody answers.
	l, err := Host(ctx, Options{Name: "gone", ListenAddr: loopback, Reach: netcode.Local()})
	if err != nil {
		t.Fatal(err)
	}
	code := l.Code()
	l.Close()
	tests := []struct {
		code string
		is   error
		says string
	}{
		{"", sharecode.ErrEmpty, "Type or paste"},
		{"hello", sharecode.ErrNotACode, "That is not a share code"},
		{"PS1-HELLO-WORLD", sharecode.ErrBadShareCode, "code"},
		{code[:len(code)-1] + string("0123456789ABCDEFGHJKMNPQRSTVWXYZ"[(strings.IndexByte("0123456789ABCDEFGHJKMNPQRSTVWXYZ", code[len(code)-1])+1)%32]), sharecode.ErrBadShareCode, "typo"},
		{code, netcode.ErrHostUnreachable, "No answer from the host"},
	}
	for _, tc := range tests {
		t.Run(tc.code, func(t *testing.T) {
			_, err := Join(ctx, tc.code, Options{Name: "x", ListenAddr: loopback, Reach: netcode.Local(), JoinTimeout: 500 * time.Millisecond})
			if !errors.Is(err, tc.is) || !strings.Contains(ErrorText(err), tc.says) {
				t.Errorf("Join: %v, says %q; want %v saying %q", err, ErrorText(err), tc.is, tc.says)
			}
		})
	}
	// Errors netcode's own tests provoke, as Join wraps them.
	for _, tc := range []struct {
		err  error
		says string
	}{
		{netcode.ErrIncompatibleVersion, "another version of Neon Trails"},
		{netcode.ErrLobbyFull, "full"},
		{netcode.ErrMatchStarted, "already started"},
		{netcode.ErrCodeRejected, "does not know this code"},
	} {
		if got := ErrorText(fmt.Errorf("netcode: join: %w", tc.err)); !strings.Contains(got, tc.says) {
			t.Errorf("ErrorText(%v) = %q, want it to say %q", tc.err, got, tc.says)
		}
	}
}

// TestTruncatedReplay: a replay whose recorder did not finish plays back
// to where the recording stopped and says so, with the frame; a finished
// one says it played whole.
func TestTruncatedReplay(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "practice.psreplay")
	m, err := NewPractice(Options{Name: "me", Record: rec}, 3, 777)
	if err != nil {
		t.Fatal(err)
	}
	var at120 uint64
	for m.Frames() < 150 {
		if err := m.Tick(sim.Bot(m.State(), 0)); err != nil {
			t.Fatal(err)
		}
		if m.Frames() == 2*replay.FlushInterval {
			at120 = m.State().Checksum()
		}
	}
	// While it records, the file is rec+".partial", flushed every
	// FlushInterval frames: a copy of it now is what a killed recorder
	// leaves behind.
	b, err := os.ReadFile(rec + replay.PartialSuffix)
	if err != nil {
		t.Fatal(err)
	}
	killed := filepath.Join(dir, "killed.psreplay")
	if err := os.WriteFile(killed+replay.PartialSuffix, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	// A finished file cut short is a partial replay too.
	whole, err := os.ReadFile(rec)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(dir, "cut.psreplay")
	if err := os.WriteFile(cut, whole[:len(whole)*2/3], 0o644); err != nil {
		t.Fatal(err)
	}

	play := func(path string, frames int) string {
		var out strings.Builder
		if err := RunHeadless(context.Background(), Headless{Replay: path, Frames: frames}, &out); err != nil {
			t.Fatalf("playing %s back: %v", path, err)
		}
		return out.String()
	}
	got := play(killed, 0)
	want := fmt.Sprintf("replay: the replay ended early, at frame 120: the recording stopped there, since %s is a partial replay whose recorder did not finish; 120 frames played, checksums match\nchecksum 120 %016x\n",
		killed+replay.PartialSuffix, at120)
	if got != want {
		t.Errorf("the killed recording plays back as\n%s\nwant\n%s", got, want)
	}
	if got := play(killed, 60); !strings.HasPrefix(got, "replay: 60 frames of 120 played, checksums match (a partial replay: the recording stopped at frame 120)\n") {
		t.Errorf("60 frames of the killed recording: %q", got)
	}
	got = play(cut, 0)
	if !regexp.MustCompile(`^replay: the replay ended early, at frame (\d+): the recording stopped there, since \S+cut\.psreplay is a partial replay whose recorder did not finish; (\d+) frames played, checksums match\n`).MatchString(got) {
		t.Errorf("the cut file plays back as %q", got)
	}
	if got := play(rec, 0); !strings.HasPrefix(got, "replay: 150 frames of 150 played, checksums match\n") {
		t.Errorf("the finished recording plays back as %q", got)
	}
	for path, truncated := range map[string]bool{killed: true, cut: true, rec: false} {
		rp, err := OpenReplay(path)
		if err != nil {
			t.Fatal(err)
		}
		if rp.ReplayTruncated() != truncated {
			t.Errorf("%s: ReplayTruncated() = %v", path, rp.ReplayTruncated())
		}
	}
}

// TestJoinerSeesBots: a joiner's lobby marks the host's bots, which it
// knows only by their names, and not the humans.
func TestJoinerSeesBots(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	host, err := Host(ctx, Options{Name: "ada", ListenAddr: loopback, Reach: netcode.Local()})
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	if err := host.AddBots(1); err != nil {
		t.Fatal(err)
	}
	joiner, err := Join(ctx, host.Code(), Options{Name: "bob", ListenAddr: loopback, Reach: netcode.Local()})
	if err != nil {
		t.Fatal(err)
	}
	defer joiner.Close()
	for {
		info := joiner.Info()
		if len(info.Players) == 3 {
			bots := 0
			for i, p := range info.Players {
				want := p.Name != "ada" && p.Name != "bob"
				if info.Bots[i] != want {
					t.Errorf("the joiner's lobby: %s marked bot %v, want %v", p.Name, info.Bots[i], want)
				}
				if info.Bots[i] {
					bots++
				}
			}
			if bots != 1 {
				t.Errorf("the joiner's lobby shows %d bots, want 1: %+v", bots, info.Players)
			}
			return
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the joiner never saw three players: %+v", info)
		case <-time.After(10 * time.Millisecond):
		}
	}
}
