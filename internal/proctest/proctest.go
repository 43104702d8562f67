// Package proctest runs a program under test as its own process and reads
// its standard output line by line, for tests that drive real binaries
// (the examples, the demo game) by what they print.
package proctest

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Proc is a running program.
type Proc struct {
	// Name names the process in failure messages.
	Name string
	// Slack stretches every timeout given to Await and Wait: a loaded CI
	// machine can be several times slower. Zero means 1.
	Slack time.Duration

	cmd  *exec.Cmd
	done chan struct{} // closed once the process has exited
	err  error         // how it exited; set before done closes
	log  syncBuffer    // everything it printed, stdout and stderr

	// Lines wait here until Await reads them: a process that prints a
	// line a frame must never block on a test that reads another one.
	mu     sync.Mutex
	queue  []string
	exited bool
	more   chan struct{} // signalled when a line arrives or the process exits
}

// Start starts bin with args and env (nil: this process's environment).
// The test's end kills it if it still runs.
func Start(t testing.TB, name string, env []string, bin string, args ...string) *Proc {
	t.Helper()
	p := &Proc{Name: name, done: make(chan struct{}), more: make(chan struct{}, 1)}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Env = env
	p.cmd.Stderr = &p.log
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.log.Write(append(sc.Bytes(), '\n'))
			p.mu.Lock()
			p.queue = append(p.queue, sc.Text())
			p.mu.Unlock()
			p.signal()
		}
		p.err = p.cmd.Wait()
		p.mu.Lock()
		p.exited = true
		p.mu.Unlock()
		close(p.done)
		p.signal()
	}()
	t.Cleanup(p.Kill)
	return p
}

func (p *Proc) signal() {
	select {
	case p.more <- struct{}{}:
	default:
	}
}

// next returns the next line, or ok false once the process has exited and
// every line was read, or timedOut when the deadline fires first.
func (p *Proc) next(deadline <-chan time.Time) (line string, ok, timedOut bool) {
	for {
		p.mu.Lock()
		if len(p.queue) > 0 {
			line = p.queue[0]
			p.queue = p.queue[1:]
			p.mu.Unlock()
			return line, true, false
		}
		exited := p.exited
		p.mu.Unlock()
		if exited {
			return "", false, false
		}
		select {
		case <-p.more:
		case <-deadline:
			return "", false, true
		}
	}
}

// Kill kills the process, if it still runs, and waits for it to end.
func (p *Proc) Kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

// Signal sends sig to the process: syscall.SIGSTOP and SIGCONT pause and
// resume it, as a player's machine that hangs for a moment.
func (p *Proc) Signal(sig os.Signal) error { return p.cmd.Process.Signal(sig) }

// Done is closed once the process has exited; Err then says how.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Err is how the process exited; valid once Done is closed.
func (p *Proc) Err() error { return p.err }

// Output is everything the process printed so far, stdout and stderr.
func (p *Proc) Output() string { return p.log.String() }

func (p *Proc) stretch(d time.Duration) time.Duration {
	if p.Slack > 1 {
		return d * p.Slack
	}
	return d
}

// Wait waits up to timeout for the process to exit and returns how it did.
func (p *Proc) Wait(timeout time.Duration) error {
	timeout = p.stretch(timeout)
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	select {
	case <-p.done:
		return p.err
	case <-deadline.C:
		return fmt.Errorf("%s still running after %v", p.Name, timeout)
	}
}

// Await reads the process's output until a line matches re and returns the
// match; it fails the test if the process exits or timeout passes first.
func (p *Proc) Await(t testing.TB, re *regexp.Regexp, timeout time.Duration) []string {
	t.Helper()
	return p.await(t, fmt.Sprintf("a line matching %q", re), re.FindStringSubmatch, timeout)
}

// AwaitAtLeast reads the process's output until a line matches re with its
// first submatch a decimal number no less than least, and returns the match;
// it fails the test if the process exits or timeout passes first. It is for
// progress lines such as "frame N": a test that waits for frame 420 must
// not depend on which counts a busy process happens to print.
func (p *Proc) AwaitAtLeast(t testing.TB, re *regexp.Regexp, least int, timeout time.Duration) []string {
	t.Helper()
	if re.NumSubexp() < 1 {
		t.Fatalf("AwaitAtLeast: %q has no group for the number", re)
	}
	return p.await(t, fmt.Sprintf("a line matching %q with a number of at least %d", re, least), func(line string) []string {
		m := re.FindStringSubmatch(line)
		if m == nil {
			return nil
		}
		if n, err := strconv.Atoi(m[1]); err != nil || n < least {
			return nil
		}
		return m
	}, timeout)
}

// Take waits up to timeout for a line matching re and returns its match,
// taking only that line out of the output: the lines before it stay for
// Await to read in order. It is for a handshake beside the lines a test
// awaits, such as a game saying it saw a key the test pressed, when the
// key's effect prints lines of its own. It fails the test if the process
// exits or timeout passes first.
func (p *Proc) Take(t testing.TB, re *regexp.Regexp, timeout time.Duration) []string {
	t.Helper()
	timeout = p.stretch(timeout)
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		p.mu.Lock()
		for i, line := range p.queue {
			if m := re.FindStringSubmatch(line); m != nil {
				p.queue = append(p.queue[:i:i], p.queue[i+1:]...)
				p.mu.Unlock()
				return m
			}
		}
		exited := p.exited
		p.mu.Unlock()
		if exited {
			t.Fatalf("%s exited (%v) without printing a line matching %q; output:\n%s", p.Name, p.err, re, p.Output())
		}
		select {
		case <-p.more:
		case <-deadline.C:
			t.Fatalf("%s printed no line matching %q in %v; output:\n%s", p.Name, re, timeout, p.Output())
		}
	}
}

// await reads the process's output until match returns non-nil for a line,
// and returns that; it fails the test, saying it waited for what, if the
// process exits or timeout passes first.
func (p *Proc) await(t testing.TB, what string, match func(line string) []string, timeout time.Duration) []string {
	t.Helper()
	timeout = p.stretch(timeout)
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		line, ok, timedOut := p.next(deadline.C)
		switch {
		case timedOut:
			t.Fatalf("%s printed no %s in %v; output:\n%s", p.Name, what, timeout, p.Output())
		case !ok:
			t.Fatalf("%s exited (%v) without printing %s; output:\n%s", p.Name, p.err, what, p.Output())
		}
		if m := match(line); m != nil {
			return m
		}
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(b)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
