package memnet_test

import (
	"fmt"
	"net"

	"github.com/peerstep/peerstep/netcode/memnet"
)

// Two sockets of one in-memory network exchange a datagram, as two UDP
// sockets would, without the operating system.
func Example() {
	n, err := memnet.New(nil)
	if err != nil {
		panic(err)
	}
	a, err := n.ListenPacket("udp", "10.0.0.1:4000")
	if err != nil {
		panic(err)
	}
	defer a.Close()
	b, err := n.ListenPacket("udp", "10.0.0.2:0") // a free port
	if err != nil {
		panic(err)
	}
	defer b.Close()

	if _, err := a.WriteTo([]byte("hello"), b.LocalAddr()); err != nil {
		panic(err)
	}
	buf := make([]byte, 1500)
	k, from, err := b.ReadFrom(buf)
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s from %v\n", buf[:k], from)

	// Nobody listens at 10.0.0.3: the datagram is dropped, as UDP drops it.
	_, err = a.WriteTo([]byte("anyone?"), &net.UDPAddr{IP: net.IPv4(10, 0, 0, 3), Port: 4000})
	fmt.Println(err, a.(*memnet.Conn).Stats().Unrouted)
	// Output:
	// hello from 10.0.0.1:4000
	// <nil> 1
}
