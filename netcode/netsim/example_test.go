package netsim_test

import (
	"flag"
	"fmt"
	"net"
	"time"

	"github.com/peerstep/peerstep/netcode/netsim"
)

// Wrap a loopback socket so that what it sends takes at least 20ms.
func Example() {
	sim, err := netsim.Listen("udp", "127.0.0.1:0", netsim.Config{Latency: 20 * time.Millisecond, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sim.Close()
	peer, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer peer.Close()

	start := time.Now()
	if _, err := sim.WriteTo([]byte("hello"), peer.LocalAddr()); err != nil {
		fmt.Println(err)
		return
	}
	buf := make([]byte, 64)
	peer.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _, err := peer.ReadFrom(buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s, after at least 20ms: %v\n", buf[:n], time.Since(start) >= 20*time.Millisecond)
	fmt.Println("written:", sim.Stats().Written)
	// Output:
	// hello, after at least 20ms: true
	// written: 1
}

func ExampleConfig_String() {
	c := netsim.Config{Latency: 80 * time.Millisecond, Jitter: 15 * time.Millisecond, Loss: 0.1, Bandwidth: 64_000}
	fmt.Println(c)
	fmt.Println(netsim.Config{})
	// Output:
	// 80ms±15ms loss 10% 64kB/s
	// clean
}

func ExampleConfig_RegisterFlags() {
	var cfg netsim.Config
	fs := flag.NewFlagSet("game", flag.ContinueOnError)
	cfg.RegisterFlags(fs, "net-")
	if err := fs.Parse([]string{"-net-latency", "40ms", "-net-jitter", "5ms", "-net-loss", "0.02", "-net-seed", "7"}); err != nil {
		fmt.Println(err)
		return
	}
	if err := cfg.CheckFlags("net-"); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg, "seed", cfg.Seed)

	// CheckFlags names the flag a person got wrong.
	if err := fs.Parse([]string{"-net-latency", "100h"}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(cfg.CheckFlags("net-"))
	// Output:
	// 40ms±5ms loss 2% seed 7
	// -net-latency 100h: at most 10s
}

// Impair what a socket receives as well as what it sends: one player's bad
// link, in both directions.
func ExampleConfig_bothWays() {
	sim, err := netsim.Listen("udp", "127.0.0.1:0", netsim.Config{Latency: 20 * time.Millisecond, BothWays: true, Seed: 1})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer sim.Close()
	peer, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer peer.Close()

	start := time.Now()
	if _, err := peer.WriteTo([]byte("hello"), sim.LocalAddr()); err != nil {
		fmt.Println(err)
		return
	}
	buf := make([]byte, 64)
	sim.SetReadDeadline(time.Now().Add(5 * time.Second))
	n, _, err := sim.ReadFrom(buf)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sim.Config())
	fmt.Printf("%s, read after at least 20ms: %v\n", buf[:n], time.Since(start) >= 20*time.Millisecond)
	fmt.Println("read through the simulator:", sim.InboundStats().Delivered)
	// Output:
	// 20ms both ways
	// hello, read after at least 20ms: true
	// read through the simulator: 1
}
