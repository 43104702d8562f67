package proctest

import (
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestAwaitAndWait(t *testing.T) {
	p := Start(t, "sh", nil, "/bin/sh", "-c", "echo hello; echo code: PS1-XYZ; exit 3")
	if m := p.Await(t, regexp.MustCompile(`^code: (\S+)$`), 10*time.Second); m[1] != "PS1-XYZ" {
		t.Fatalf("matched %q", m)
	}
	if err := p.Wait(10 * time.Second); err == nil || !strings.Contains(err.Error(), "exit status 3") {
		t.Fatalf("Wait = %v, want exit status 3", err)
	}
	if !strings.Contains(p.Output(), "hello\n") {
		t.Fatalf("output %q lacks the first line", p.Output())
	}
}

// TestChattyProcessNeverBlocks: a process that prints far more lines than
// anyone reads runs to its end; the lines wait for Await.
func TestChattyProcessNeverBlocks(t *testing.T) {
	p := Start(t, "chatty", nil, "/bin/sh", "-c", `i=0; while [ $i -lt 20000 ]; do echo "line $i"; i=$((i+1)); done; echo end`)
	if err := p.Wait(60 * time.Second); err != nil {
		t.Fatalf("Wait = %v", err)
	}
	p.Await(t, regexp.MustCompile(`^line 19999$`), time.Second)
	p.Await(t, regexp.MustCompile(`^end$`), time.Second)
}

func TestKillAndSlack(t *testing.T) {
	p := Start(t, "sleeper", nil, "/bin/sh", "-c", "echo up; exec sleep 60")
	p.Slack = 2
	p.Await(t, regexp.MustCompile(`^up$`), 10*time.Second)
	err := p.Wait(10 * time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "still running after 20ms") {
		t.Fatalf("Wait = %v, want still running after 20ms (slack 2)", err)
	}
	p.Kill()
	select {
	case <-p.Done():
	default:
		t.Fatal("Kill returned before the process ended")
	}
	p.Kill() // twice is fine
}

// TestAwaitAtLeast: a process that skips the count a test waits for (360,
// then 480, never 420) still satisfies a wait for 420 or more, with the
// first line past it; lower counts and other lines are passed over.
func TestAwaitAtLeast(t *testing.T) {
	p := Start(t, "counter", nil, "/bin/sh", "-c", "echo frame 60; echo frame 360; echo frame x; echo frame 480; echo frame 540; echo done")
	re := regexp.MustCompile(`^frame (\S+)$`)
	if m := p.AwaitAtLeast(t, re, 420, 10*time.Second); m[1] != "480" {
		t.Fatalf("AwaitAtLeast(420) matched %q, want frame 480", m)
	}
	if m := p.AwaitAtLeast(t, re, 420, 10*time.Second); m[1] != "540" {
		t.Fatalf("the second AwaitAtLeast(420) matched %q, want frame 540 (480 was read)", m)
	}
	p.Await(t, regexp.MustCompile(`^done$`), 10*time.Second)
}

// TestTake: Take finds a line ahead of the others and takes only it; Await
// then reads the lines before and after it in order, without it.
func TestTake(t *testing.T) {
	p := Start(t, "keys", nil, "/bin/sh", "-c", "echo key: Enter; echo share code: X; echo key up: Enter; echo lobby; echo done")
	if m := p.Take(t, regexp.MustCompile(`^key up: (\S+)$`), 10*time.Second); m[1] != "Enter" {
		t.Fatalf("Take matched %q", m)
	}
	var got []string
	for {
		line := p.Await(t, regexp.MustCompile(`^.*$`), 10*time.Second)[0]
		if got = append(got, line); line == "done" {
			break
		}
	}
	if want := []string{"key: Enter", "share code: X", "lobby", "done"}; strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("after Take, Await read %q, want %q", got, want)
	}
}

// TestSignal: signals reach the process: it takes SIGSTOP and SIGCONT,
// and SIGTERM ends it.
func TestSignal(t *testing.T) {
	p := Start(t, "ticker", nil, "/bin/sh", "-c", `echo up; exec sleep 60`)
	p.Await(t, regexp.MustCompile(`^up$`), 10*time.Second)
	if err := p.Signal(syscall.SIGSTOP); err != nil {
		t.Fatal(err)
	}
	if err := p.Signal(syscall.SIGCONT); err != nil {
		t.Fatal(err)
	}
	if err := p.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.Wait(10 * time.Second); err == nil || !strings.Contains(err.Error(), "terminated") {
		t.Fatalf("Wait after SIGTERM = %v, want terminated", err)
	}
}
