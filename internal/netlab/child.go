//go:build linux

package netlab

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/peerstep/peerstep/internal/proctest"
)

// Go code that must run inside a namespace (a socket belongs to the
// namespace of the thread that made it) runs as a child process: the test
// binary itself, started again under `ip netns exec` with the name of a
// function to run instead of the tests.

const (
	envChild = "NETLAB_CHILD" // the function a child runs
	envInput = "NETLAB_INPUT" // the named pipe that carries Send's lines
)

// Children names the functions a test binary can run as child processes
// (Node.StartChild). A function returns nil for a child that did its job
// (exit status 0), or an error, which the child prints before exiting
// with status 1.
type Children map[string]func(c *Child) error

// Child is what a child function gets.
type Child struct {
	// Args are the arguments StartChild was given after the name.
	Args []string
	// Input delivers the lines the test sends with ChildProc.Send, in order.
	Input <-chan string
}

// Main runs the tests, or, in a child process that Node.StartChild
// started, the function of children it names. Call it from TestMain:
//
//	func TestMain(m *testing.M) { netlab.Main(m, netlab.Children{"echo": echo}) }
func Main(m *testing.M, children Children) {
	if name := os.Getenv(envChild); name != "" {
		os.Exit(runChild(name, children))
	}
	os.Exit(m.Run())
}

// runChild runs children[name] and returns the exit status.
func runChild(name string, children Children) int {
	f := children[name]
	if f == nil {
		fmt.Printf("netlab: this test binary has no child %q\n", name)
		return 2
	}
	// Opened for reading and writing, the pipe never reports end of file
	// and its open never waits for a writer.
	pipe, err := os.OpenFile(os.Getenv(envInput), os.O_RDWR, 0)
	if err != nil {
		fmt.Printf("netlab child %s: input: %v\n", name, err)
		return 2
	}
	in := make(chan string, 64)
	go func() {
		sc := bufio.NewScanner(pipe)
		for sc.Scan() {
			in <- sc.Text()
		}
		close(in)
	}()
	if err := f(&Child{Args: os.Args[1:], Input: in}); err != nil {
		fmt.Printf("netlab child %s: %v\n", name, err)
		return 1
	}
	return 0
}

// ChildProc is a running child process.
type ChildProc struct {
	*proctest.Proc
	input string // the named pipe
}

// StartChild starts this test binary inside the node's namespace, running
// the function that Main's children name child, with args. Await reads
// what it prints on standard output and standard error. The test's end
// kills it. The test binary's TestMain must call Main.
func (n *Node) StartChild(t testing.TB, child string, args ...string) *ChildProc {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatalf("netlab: the test binary: %v", err)
	}
	n.lab.mu.Lock()
	n.lab.fifos++
	path := filepath.Join(n.lab.dir, fmt.Sprintf("input-%d", n.lab.fifos))
	n.lab.mu.Unlock()
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatalf("netlab: input pipe: %v", err)
	}
	env := append(os.Environ(), envChild+"="+child, envInput+"="+path)
	p := startProc(t, n.Name+": "+child, n.Namespace, env, exe, args...)
	return &ChildProc{Proc: p, input: path}
}

// Send hands the child a line of input (no newline in it). The child
// reads its input from its start on: send after reading a line it printed.
func (c *ChildProc) Send(t testing.TB, line string) {
	t.Helper()
	f, err := os.OpenFile(c.input, os.O_WRONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatalf("netlab: %s does not read its input: %v", c.Name, err)
	}
	defer f.Close()
	if _, err := f.WriteString(line + "\n"); err != nil {
		t.Fatalf("netlab: sending to %s: %v", c.Name, err)
	}
}
