//go:build linux

package netlab

import (
	"net/netip"
	"os/exec"
	"testing"

	"github.com/peerstep/peerstep/internal/proctest"
)

// Node is one machine of the lab: a network namespace of its own.
type Node struct {
	// Name is the name the test gave it ("inet" for the internet).
	Name string
	// Namespace is its network namespace's name, for `ip netns exec`.
	Namespace string
	// Iface is its interface to the network it is on: "eth0" for a host,
	// "wan" for a router (its LAN side is the bridge "lan"), "br0" for the
	// internet.
	Iface string
	// Addrs are its IPv4 addresses on Iface, the main one first.
	Addrs []netip.Addr
	// Prefix is the network Iface is on.
	Prefix netip.Prefix
	// Gateway is its default router: a host's router, a router's
	// internet address; zero for the internet and on a LAN with no router.
	Gateway netip.Addr

	lab *Lab
}

// Addr is the node's main address.
func (n *Node) Addr() netip.Addr { return n.Addrs[0] }

// Command returns a command that runs name with args inside the node's
// namespace (through `ip netns exec`), for the caller to start. The lab's
// teardown kills it if it still runs then; a test that waits on its end
// should do so itself.
func (n *Node) Command(name string, args ...string) *exec.Cmd {
	return exec.Command("ip", append([]string{"netns", "exec", n.Namespace, name}, args...)...)
}

// Run runs name with args inside the node's namespace to its end (at most
// 30 s) and returns its output, standard output and error together.
func (n *Node) Run(name string, args ...string) (string, error) {
	return run("", "ip", append([]string{"netns", "exec", n.Namespace, name}, args...)...)
}

// Start starts name with args inside the node's namespace and returns the
// running process; Await reads what it prints on standard output and
// standard error, in order. The test's end kills it.
func (n *Node) Start(t testing.TB, name string, args ...string) *proctest.Proc {
	t.Helper()
	return startProc(t, n.Name+": "+name, n.Namespace, nil, name, args...)
}
