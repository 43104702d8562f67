package netsim

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Config says how to impair the datagrams written through a Conn. The
// zero value impairs nothing.
type Config struct {
	// Latency is the one-way delay added to every datagram.
	Latency time.Duration
	// Jitter varies each datagram's delay uniformly within
	// [Latency-Jitter, Latency+Jitter]; the delay never goes below zero.
	// Datagrams may then overtake each other, as on a real network.
	Jitter time.Duration
	// Loss is the probability, 0 to 1, that a datagram is dropped.
	Loss float64
	// Duplicate is the probability, 0 to 1, that a datagram that is not
	// lost is sent twice. The copy gets its own delay (and its own
	// reorder decision) but does not take a second turn on the Bandwidth
	// link: the network duplicates it after the bottleneck.
	Duplicate float64
	// Reorder is the probability, 0 to 1, that a datagram is held back by
	// ReorderDelay on top of its delay, so that later ones overtake it.
	Reorder float64
	// ReorderDelay is how much longer a reordered datagram takes. Zero
	// means the default, 10ms plus half the Latency: long enough that a
	// steady stream overtakes the datagram, short enough that it is not
	// mistaken for lost.
	ReorderDelay time.Duration
	// Bandwidth caps the bytes per second a Conn sends. Datagrams are
	// serialized one after another onto a link of that speed, so a burst
	// spreads out in time. Zero means unlimited.
	Bandwidth int
	// QueueLimit is how many bytes may wait for the Bandwidth link before
	// newly written datagrams are dropped (tail drop). A datagram is
	// always accepted when nothing waits, however large. Zero means the
	// default, half a second's worth of Bandwidth but at least 1500 bytes.
	// It has no effect without Bandwidth.
	QueueLimit int
	// Seed seeds the random decisions: the same Seed and the same
	// sequence of writes make the same decisions. Zero is a valid seed.
	Seed uint64
}

// Validate reports the first field that is out of range: a negative
// duration, bandwidth or queue limit, or a probability outside [0, 1].
func (c Config) Validate() error {
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"latency", c.Latency}, {"jitter", c.Jitter}, {"reorder delay", c.ReorderDelay}} {
		if d.v < 0 {
			return fmt.Errorf("netsim: %s %v is negative", d.name, d.v)
		}
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"loss", c.Loss}, {"duplicate", c.Duplicate}, {"reorder", c.Reorder}} {
		if !(p.v >= 0 && p.v <= 1) { // also rejects NaN
			return fmt.Errorf("netsim: %s probability %v is outside [0, 1]", p.name, p.v)
		}
	}
	if c.Bandwidth < 0 {
		return fmt.Errorf("netsim: bandwidth %d B/s is negative", c.Bandwidth)
	}
	if c.QueueLimit < 0 {
		return fmt.Errorf("netsim: queue limit %d bytes is negative", c.QueueLimit)
	}
	return nil
}

// Enabled reports whether c impairs anything. ReorderDelay, QueueLimit
// and Seed alone impair nothing.
func (c Config) Enabled() bool {
	return c.Latency > 0 || c.Jitter > 0 || c.Loss > 0 || c.Duplicate > 0 ||
		c.Reorder > 0 || c.Bandwidth > 0
}

// reorderDelay is the effective ReorderDelay.
func (c *Config) reorderDelay() time.Duration {
	if c.ReorderDelay > 0 {
		return c.ReorderDelay
	}
	return 10*time.Millisecond + c.Latency/2
}

// queueLimit is the effective QueueLimit, in bytes.
func (c *Config) queueLimit() int {
	if c.QueueLimit > 0 {
		return c.QueueLimit
	}
	return max(c.Bandwidth/2, 1500)
}

// String describes c briefly, for logs and a game's overlay, e.g.
// "40ms±5ms loss 2%" or "clean" for no impairment. The Seed is left out.
func (c Config) String() string {
	if !c.Enabled() {
		return "clean"
	}
	var parts []string
	if c.Latency > 0 || c.Jitter > 0 {
		s := c.Latency.String()
		if c.Jitter > 0 {
			s += "±" + c.Jitter.String()
		}
		parts = append(parts, s)
	}
	if c.Loss > 0 {
		parts = append(parts, "loss "+percent(c.Loss))
	}
	if c.Duplicate > 0 {
		parts = append(parts, "dup "+percent(c.Duplicate))
	}
	if c.Reorder > 0 {
		s := "reorder " + percent(c.Reorder)
		if c.ReorderDelay > 0 {
			s += " +" + c.ReorderDelay.String()
		}
		parts = append(parts, s)
	}
	if c.Bandwidth > 0 {
		s := bytesString(c.Bandwidth) + "/s"
		if c.QueueLimit > 0 {
			s += " queue " + bytesString(c.QueueLimit)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

// percent formats a probability as a percentage with up to three
// significant digits, so that 0.07 is "7%", not "7.000000000000001%".
func percent(p float64) string {
	return strconv.FormatFloat(p*100, 'g', 3, 64) + "%"
}

// bytesString formats n bytes in decimal units: "500B", "10kB", "1.5MB".
func bytesString(n int) string {
	switch {
	case n < 1000:
		return strconv.Itoa(n) + "B"
	case n < 1000_000:
		return strconv.FormatFloat(float64(n)/1e3, 'g', 4, 64) + "kB"
	default:
		return strconv.FormatFloat(float64(n)/1e6, 'g', 4, 64) + "MB"
	}
}

// RegisterFlags adds a flag for each of c's fields to fs, each name
// preceded by prefix ("" or, say, "net-"): latency, jitter, loss, dup,
// reorder, reorder-delay, bandwidth, queue-limit and seed. The flags
// write into c, and c's current values are their defaults. Parsing does
// not validate; call [Config.Validate] after fs.Parse.
func (c *Config) RegisterFlags(fs *flag.FlagSet, prefix string) {
	fs.DurationVar(&c.Latency, prefix+"latency", c.Latency,
		"simulated one-way `latency` added to every sent datagram (e.g. 40ms)")
	fs.DurationVar(&c.Jitter, prefix+"jitter", c.Jitter,
		"simulated jitter: each sent datagram's latency varies by up to this `duration` either way")
	fs.Float64Var(&c.Loss, prefix+"loss", c.Loss,
		"simulated `probability` (0 to 1) that a sent datagram is lost")
	fs.Float64Var(&c.Duplicate, prefix+"dup", c.Duplicate,
		"simulated `probability` (0 to 1) that a sent datagram arrives twice")
	fs.Float64Var(&c.Reorder, prefix+"reorder", c.Reorder,
		"simulated `probability` (0 to 1) that a sent datagram is held back so later ones overtake it")
	fs.DurationVar(&c.ReorderDelay, prefix+"reorder-delay", c.ReorderDelay,
		"how long a reordered datagram is held back (0: 10ms plus half the latency)")
	fs.IntVar(&c.Bandwidth, prefix+"bandwidth", c.Bandwidth,
		"simulated bandwidth cap in `bytes` per second (0: unlimited)")
	fs.IntVar(&c.QueueLimit, prefix+"queue-limit", c.QueueLimit,
		"`bytes` that may wait behind the bandwidth cap before datagrams are dropped (0: half a second's worth)")
	fs.Uint64Var(&c.Seed, prefix+"seed", c.Seed,
		"`seed` of the network simulation's random decisions")
}
