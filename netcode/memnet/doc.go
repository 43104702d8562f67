// Package memnet is an in-memory network of datagram sockets: a
// [net.PacketConn] that needs no operating system, for tests that want a
// peerstep session (or anything else that speaks UDP) without a real
// socket.
//
// # Use
//
// Make a [Network] and open sockets on it; each is a [*Conn] that sends to
// the others by address, the way UDP sockets on one machine would:
//
//	n, err := memnet.New(nil) // nil: DefaultConfig
//	if err != nil { ... }
//	a, err := n.ListenPacket("udp", "10.0.0.1:0") // port 0: a free port
//	if err != nil { ... }
//	defer a.Close()
//	b, err := n.ListenPacket("udp", "10.0.0.2:7000")
//	if err != nil { ... }
//	defer b.Close()
//	a.WriteTo([]byte("hello"), b.LocalAddr())
//
// A netcode session runs on one through netcode.Config.PacketConn, and
// netsim.Wrap impairs one like any other socket.
//
// # Semantics
//
// Addresses are IP addresses and ports, as for UDP: [Conn.LocalAddr] and
// the addresses [Conn.ReadFrom] returns are [*net.UDPAddr] values, and
// [Conn.WriteTo] takes one (or a [netip.AddrPort] through
// [Conn.WriteToUDPAddrPort]). An IP address is only a name here: any valid
// one may be bound, and no route or interface is needed. A socket bound to
// the unspecified address (0.0.0.0 or ::) is bound to the loopback address
// of its family instead, so that its LocalAddr is an address others can
// send to; IPv4-mapped IPv6 addresses are taken as the IPv4 address.
//
// WriteTo copies the datagram and puts it in the queue of the socket bound
// at the destination, at once, and never waits: a datagram to an address
// where no socket is bound, or to a socket whose queue holds
// Config.QueueLen datagrams already, is dropped and WriteTo still reports
// success, as UDP would ([Stats] counts both). Datagrams between two
// sockets arrive in the order they were sent, none lost otherwise: impair
// them with netsim.
//
// ReadFrom waits for the next datagram in the socket's queue, until the
// read deadline ([Conn.SetReadDeadline], [Conn.SetDeadline]) passes, when
// it fails with an error wrapping [os.ErrDeadlineExceeded], or until
// [Conn.Close], when it fails with one wrapping [net.ErrClosed]. WriteTo
// after Close fails with net.ErrClosed too, and the address is free to
// bind again.
//
// # Virtual time
//
// A Network has no goroutine of its own: everything happens in the
// callers' goroutines, with channels and timers. A goroutine waiting in
// ReadFrom is therefore durably blocked in the sense of [testing/synctest],
// and deadlines run on the bubble's fake clock, so a test of code that
// waits for datagrams can run in virtual time. Sockets that talk to each
// other must all be opened in the same bubble.
package memnet
