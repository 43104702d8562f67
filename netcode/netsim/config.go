package netsim

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Config says how to impair the datagrams written through a Conn and,
// with Inbound or BothWays, the datagrams read through it. The zero value
// impairs nothing.
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
	// The decisions about what is read come from the same Seed on a
	// stream of their own, independent of the writes'.
	Seed uint64

	// Inbound impairs what the Conn reads: each datagram the wrapped conn
	// receives is delayed, lost, duplicated, held back or queued behind a
	// Bandwidth of its own as Inbound says before ReadFrom returns it.
	// The zero value leaves reads untouched. It models the path from
	// every sender to this socket, such as a player's poor downlink.
	Inbound Impairment
	// BothWays impairs what the Conn reads exactly as what it writes (the
	// fields above), as if Inbound were a copy of them: one player's bad
	// link, in both directions. It excludes Inbound.
	BothWays bool
}

// Impairment is what the simulated network does to the datagrams of one
// direction; Config.Inbound is one. Its fields mean what the fields of the
// same names in Config mean. The zero value impairs nothing.
type Impairment struct {
	Latency      time.Duration
	Jitter       time.Duration
	Loss         float64
	Duplicate    float64
	Reorder      float64
	ReorderDelay time.Duration
	Bandwidth    int
	QueueLimit   int
}

// outbound is c's impairment of what is written.
func (c *Config) outbound() Impairment {
	return Impairment{
		Latency: c.Latency, Jitter: c.Jitter, Loss: c.Loss, Duplicate: c.Duplicate,
		Reorder: c.Reorder, ReorderDelay: c.ReorderDelay, Bandwidth: c.Bandwidth, QueueLimit: c.QueueLimit,
	}
}

// inbound is c's impairment of what is read.
func (c *Config) inbound() Impairment {
	if c.BothWays {
		return c.outbound()
	}
	return c.Inbound
}

// Validate reports the first field that is out of range: a negative
// duration, bandwidth or queue limit, or a probability outside [0, 1],
// in either direction, or BothWays beside an Inbound impairment.
// [Config.CheckFlags] applies the narrower bounds of a command line.
func (c Config) Validate() error {
	if err := c.outbound().validate(""); err != nil {
		return err
	}
	if err := c.Inbound.validate("inbound "); err != nil {
		return err
	}
	if c.BothWays && c.Inbound != (Impairment{}) {
		return errors.New("netsim: BothWays and an Inbound impairment: set one or the other")
	}
	return nil
}

// Validate reports the first field of m that is out of range, as
// [Config.Validate] does.
func (m Impairment) Validate() error { return m.validate("") }

func (m Impairment) validate(dir string) error {
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"latency", m.Latency}, {"jitter", m.Jitter}, {"reorder delay", m.ReorderDelay}} {
		if d.v < 0 {
			return fmt.Errorf("netsim: %s%s %v is negative", dir, d.name, d.v)
		}
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"loss", m.Loss}, {"duplicate", m.Duplicate}, {"reorder", m.Reorder}} {
		if !(p.v >= 0 && p.v <= 1) { // also rejects NaN
			return fmt.Errorf("netsim: %s%s probability %v is outside [0, 1]", dir, p.name, p.v)
		}
	}
	if m.Bandwidth < 0 {
		return fmt.Errorf("netsim: %sbandwidth %d B/s is negative", dir, m.Bandwidth)
	}
	if m.QueueLimit < 0 {
		return fmt.Errorf("netsim: %squeue limit %d bytes is negative", dir, m.QueueLimit)
	}
	return nil
}

// Enabled reports whether c impairs anything, in either direction.
// ReorderDelay, QueueLimit and Seed alone impair nothing.
func (c Config) Enabled() bool {
	return c.outbound().Enabled() || c.inbound().Enabled()
}

// Enabled reports whether m impairs anything. ReorderDelay and QueueLimit
// alone impair nothing.
func (m Impairment) Enabled() bool {
	return m.Latency > 0 || m.Jitter > 0 || m.Loss > 0 || m.Duplicate > 0 ||
		m.Reorder > 0 || m.Bandwidth > 0
}

// reorderDelay is the effective ReorderDelay.
func (m *Impairment) reorderDelay() time.Duration {
	if m.ReorderDelay > 0 {
		return m.ReorderDelay
	}
	return 10*time.Millisecond + m.Latency/2
}

// queueLimit is the effective QueueLimit, in bytes.
func (m *Impairment) queueLimit() int {
	if m.QueueLimit > 0 {
		return m.QueueLimit
	}
	return max(m.Bandwidth/2, 1500)
}

// String describes c briefly, for logs and a game's overlay, e.g.
// "40ms±5ms loss 2%", "40ms loss 2% both ways", "20ms; in 80ms loss 5%"
// (what is written, then what is read) or "clean" for no impairment. The
// Seed is left out.
func (c Config) String() string {
	out, in := c.outbound(), c.Inbound
	switch {
	case c.BothWays && out.Enabled():
		return out.String() + " both ways"
	case in.Enabled():
		return out.String() + "; in " + in.String()
	}
	return out.String()
}

// String describes m briefly, as [Config.String] does one direction, e.g.
// "40ms±5ms loss 2%", or "clean".
func (m Impairment) String() string {
	if !m.Enabled() {
		return "clean"
	}
	var parts []string
	if m.Latency > 0 || m.Jitter > 0 {
		s := m.Latency.String()
		if m.Jitter > 0 {
			s += "±" + m.Jitter.String()
		}
		parts = append(parts, s)
	}
	if m.Loss > 0 {
		parts = append(parts, "loss "+percent(m.Loss))
	}
	if m.Duplicate > 0 {
		parts = append(parts, "dup "+percent(m.Duplicate))
	}
	if m.Reorder > 0 {
		s := "reorder " + percent(m.Reorder)
		if m.ReorderDelay > 0 {
			s += " +" + m.ReorderDelay.String()
		}
		parts = append(parts, s)
	}
	if m.Bandwidth > 0 {
		s := bytesString(m.Bandwidth) + "/s"
		if m.QueueLimit > 0 {
			s += " queue " + bytesString(m.QueueLimit)
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
// reorder, reorder-delay, bandwidth, queue-limit and seed for what is
// sent; both-ways; and in-latency, in-jitter, in-loss, in-dup, in-reorder,
// in-reorder-delay, in-bandwidth and in-queue-limit for what is received
// (Config.Inbound). The flags write into c, and c's current values are
// their defaults. Parsing does not validate; call [Config.CheckFlags]
// after fs.Parse.
func (c *Config) RegisterFlags(fs *flag.FlagSet, prefix string) {
	out := impairmentFlags{&c.Latency, &c.Jitter, &c.Loss, &c.Duplicate, &c.Reorder, &c.ReorderDelay, &c.Bandwidth, &c.QueueLimit}
	out.register(fs, prefix, "sent")
	fs.Uint64Var(&c.Seed, prefix+"seed", c.Seed,
		"`seed` of the network simulation's random decisions")
	fs.BoolVar(&c.BothWays, prefix+"both-ways", c.BothWays,
		"impair what is received exactly as what is sent (excludes the -"+prefix+"in- flags)")
	in := &c.Inbound
	impairmentFlags{&in.Latency, &in.Jitter, &in.Loss, &in.Duplicate, &in.Reorder, &in.ReorderDelay, &in.Bandwidth, &in.QueueLimit}.
		register(fs, prefix+"in-", "received")
}

// impairmentFlags points at the fields of one direction's impairment.
type impairmentFlags struct {
	latency, jitter   *time.Duration
	loss, dup, reord  *float64
	reorderDelay      *time.Duration
	bandwidth, qlimit *int
}

// register adds the flags of one direction; what is "sent" or "received".
func (f impairmentFlags) register(fs *flag.FlagSet, prefix, what string) {
	fs.DurationVar(f.latency, prefix+"latency", *f.latency,
		"simulated one-way `latency` added to every "+what+" datagram (e.g. 40ms)")
	fs.DurationVar(f.jitter, prefix+"jitter", *f.jitter,
		"simulated jitter: each "+what+" datagram's latency varies by up to this `duration` either way")
	fs.Float64Var(f.loss, prefix+"loss", *f.loss,
		"simulated `probability` (0 to 1) that a "+what+" datagram is lost")
	fs.Float64Var(f.dup, prefix+"dup", *f.dup,
		"simulated `probability` (0 to 1) that a "+what+" datagram arrives twice")
	fs.Float64Var(f.reord, prefix+"reorder", *f.reord,
		"simulated `probability` (0 to 1) that a "+what+" datagram is held back so later ones overtake it")
	fs.DurationVar(f.reorderDelay, prefix+"reorder-delay", *f.reorderDelay,
		"how long a reordered "+what+" datagram is held back (0: 10ms plus half the latency)")
	fs.IntVar(f.bandwidth, prefix+"bandwidth", *f.bandwidth,
		"simulated bandwidth cap on "+what+" datagrams in `bytes` per second (0: unlimited)")
	fs.IntVar(f.qlimit, prefix+"queue-limit", *f.qlimit,
		"`bytes` that may wait behind the "+what+" bandwidth cap before datagrams are dropped (0: half a second's worth)")
}

// Bounds of what a person at a command line means, applied by
// [Config.CheckFlags].
const (
	// MaxFlagLatency bounds the latency and the reorder delay flags.
	MaxFlagLatency = 10 * time.Second
	// MinFlagBandwidth is the least bandwidth flag, in bytes per second,
	// other than 0 (unlimited): below it one full-size datagram takes
	// more than a second and a game cannot run.
	MinFlagBandwidth = 1000
	// MinFlagQueueLimit is the least queue limit flag, in bytes, other
	// than 0 (the default): one full-size datagram.
	MinFlagQueueLimit = 1500
)

// CheckFlags reports the first value set through the flags of
// [Config.RegisterFlags] (registered with the same prefix) that a person
// cannot mean, in one line that names the flag and says what it accepts,
// e.g. "-latency 100h: at most 10s". It is narrower than Validate:
//
//   - latency and reorder-delay: 0 to MaxFlagLatency;
//   - jitter: 0 to the latency, since the delay varies by up to the jitter
//     either way of the latency and a delay cannot go below zero;
//   - loss, dup and reorder: at least 0 and below 1 (at 1 nothing, or
//     everything twice, arrives);
//   - bandwidth: 0 (unlimited) or at least MinFlagBandwidth;
//   - queue-limit: 0 or at least MinFlagQueueLimit, and only with
//     bandwidth; reorder-delay only with reorder;
//   - both-ways excludes the in- flags.
//
// Commands call it once their flags are parsed, before they start.
func (c Config) CheckFlags(prefix string) error {
	if err := c.outbound().checkFlags(prefix); err != nil {
		return err
	}
	if err := c.Inbound.checkFlags(prefix + "in-"); err != nil {
		return err
	}
	if c.BothWays && c.Inbound != (Impairment{}) {
		return fmt.Errorf("-%sboth-ways: impairs what is received as what is sent; drop it or the -%sin- flags", prefix, prefix)
	}
	return nil
}

func (m Impairment) checkFlags(p string) error {
	for _, d := range []struct {
		name string
		v    time.Duration
	}{{"latency", m.Latency}, {"reorder-delay", m.ReorderDelay}} {
		switch {
		case d.v < 0:
			return fmt.Errorf("-%s%s %s: must not be negative", p, d.name, flagDuration(d.v))
		case d.v > MaxFlagLatency:
			return fmt.Errorf("-%s%s %s: at most %s", p, d.name, flagDuration(d.v), flagDuration(MaxFlagLatency))
		}
	}
	switch {
	case m.Jitter < 0:
		return fmt.Errorf("-%sjitter %s: must not be negative", p, flagDuration(m.Jitter))
	case m.Jitter > m.Latency:
		return fmt.Errorf("-%sjitter %s: at most the latency (-%slatency %s): the delay varies by up to the jitter either way of the latency",
			p, flagDuration(m.Jitter), p, flagDuration(m.Latency))
	}
	for _, q := range []struct {
		name string
		v    float64
	}{{"loss", m.Loss}, {"dup", m.Duplicate}, {"reorder", m.Reorder}} {
		if !(q.v >= 0 && q.v < 1) { // also rejects NaN
			return fmt.Errorf("-%s%s %v: want a probability of at least 0 and below 1", p, q.name, q.v)
		}
	}
	switch {
	case m.ReorderDelay > 0 && m.Reorder == 0:
		return fmt.Errorf("-%sreorder-delay %s: has no effect without -%sreorder", p, flagDuration(m.ReorderDelay), p)
	case m.Bandwidth < 0 || (m.Bandwidth > 0 && m.Bandwidth < MinFlagBandwidth):
		return fmt.Errorf("-%sbandwidth %d: 0 (unlimited) or at least %d bytes per second", p, m.Bandwidth, MinFlagBandwidth)
	case m.QueueLimit < 0 || (m.QueueLimit > 0 && m.QueueLimit < MinFlagQueueLimit):
		return fmt.Errorf("-%squeue-limit %d: 0 (the default) or at least %d bytes, a full-size datagram", p, m.QueueLimit, MinFlagQueueLimit)
	case m.QueueLimit > 0 && m.Bandwidth == 0:
		return fmt.Errorf("-%squeue-limit %d: has no effect without -%sbandwidth", p, m.QueueLimit, p)
	}
	return nil
}

// flagDuration formats d as a person types it on a command line: "100h"
// rather than time.Duration's "100h0m0s", "10m" rather than "10m0s".
func flagDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}
