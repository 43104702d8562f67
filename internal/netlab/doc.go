// Package netlab builds real networks for tests, out of Linux network
// namespaces on this machine: an internet, home routers that translate
// addresses as real ones do (iptables MASQUERADE, with or without
// --random-fully), optionally running miniupnpd for UPnP-IGD and NAT-PMP,
// hosts behind them, LANs with no router, and a STUN server (coturn). A
// test then runs real programs and real sockets inside them.
//
//	[inet: 203.0.113.0/24 on a bridge; servers on .1 and .2, STUN on .4]
//	      |                                   |
//	[router A: WAN 203.0.113.10]          [router B: WAN 203.0.113.20]
//	[LAN 192.168.1.1/24]                  [LAN 192.168.2.1/24]
//	      |                                   |
//	[host A1: 192.168.1.2]                [host B1: 192.168.2.2]
//
// Quick start, in a test file built with the netlab tag:
//
//	//go:build netlab
//
//	func TestMain(m *testing.M) { netlab.Main(m, netlab.Children{"probe": probe}) }
//
//	func TestBehindNAT(t *testing.T) {
//		lab, err := netlab.New(t) // torn down when the test ends
//		if err != nil {
//			t.Fatal(err)
//		}
//		a, err := lab.Router("A", netlab.RouterConfig{NAT: netlab.Masquerade, UPnP: true, NATPMP: true})
//		...
//		a1, err := lab.Host("A1", a)
//		...
//		stun, err := lab.STUNServer()
//		p := a1.StartChild(t, "probe", stun.String()) // runs probe inside A1
//		p.Await(t, regexp.MustCompile(`^mapped (\S+)$`), 10*time.Second)
//	}
//
//	// probe runs in the child process, inside host A1's namespace.
//	func probe(c *netlab.Child) error { ... }
//
// A socket belongs to the namespace of the thread that made it, so a test
// never switches its own threads into a namespace: Go code that must run
// inside one runs as a child process (Node.StartChild, Main), other
// programs with Node.Start, Node.Run or Node.Command.
//
// Everything stays on this machine: the namespaces have no link to the
// machine's own interfaces, the internet has no route out of
// 203.0.113.0/24, and miniupnpd, its SSDP multicast and every server run
// inside a namespace. Each lab's namespaces are named after the test
// process and a random tag (see Lab.ID), so two runs never collide; the
// test's end kills every process left in them and deletes them, whether the
// test passed or failed.
//
// The lab needs root and the programs Check names. Tests that use it are
// built only with the netlab build tag, so a plain `go test ./...` never
// compiles them; `make lab` runs them, and `make test` does as root.
package netlab
