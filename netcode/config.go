package netcode

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"time"

	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/netcode/netsim"
)

// Config sets up a session. Start from DefaultConfig and change what the
// game needs; Validate says which field is out of range. Host and Join also
// take a Config with zero fields, each of which then selects its default,
// and a nil *Config for all defaults. A zero InputDelay is zero frames, never
// "automatic": the automatic delay is on unless FixedInputDelay is set.
type Config struct {
	// Name is the player's name shown in the lobby. Default "player".
	Name string
	// LocalPlayers is how many players play on this machine, through this
	// one session: two on one keyboard, online. Each takes a player slot
	// of the lobby; the second is called Name + " 2", and so on. Their
	// inputs go to Session.TickAll or Ticker.SetPlayerInput, in the order
	// of MatchInfo.LocalPlayers; they leave and are dropped together.
	// 0 means 1; at most 15.
	LocalPlayers int
	// ListenAddr is the UDP address to bind, "ip:port". Default
	// "0.0.0.0:0": every interface, a port the system picks. Tests and
	// single-machine play should bind "127.0.0.1:0".
	ListenAddr string
	// PublicAddrs are extra address candidates a host puts in its share
	// code, such as a forwarded public address.
	PublicAddrs []netip.AddrPort
	// Reach says how players find each other: LAN discovery, the DHT, STUN
	// and port mapping, all on by default. Local() keeps a session on this
	// machine (tests).
	Reach Reach
	// OnProgress, when set, hears how a Join goes: looking on the local
	// network and in the DHT, an address to try, the host found. It is
	// called on the goroutine that runs Join and must not block.
	OnProgress func(Progress)
	// PacketConn, when set, is the socket the session uses instead of
	// binding ListenAddr: any net.PacketConn that sends and receives UDP
	// datagrams, with *net.UDPAddr addresses (a socket the game already
	// holds, a virtual network in tests, a netcode/memnet socket in
	// memory). The session takes it over and closes it on Close.
	PacketConn net.PacketConn

	// MaxPlayers is the size of the lobby, 2 to 16. Host only. Default 8.
	MaxPlayers int
	// TickRate is the simulation rate in frames per second. Host only;
	// joiners use the host's. Default 60.
	TickRate int
	// InputDelay is a number of input delay frames, zero included: the
	// fewest the automatic delay may go down to, or with FixedInputDelay
	// the delay itself. The automatic delay (the default) starts from
	// the round trips measured in the lobby and follows them during the
	// match. Default 0: no floor.
	InputDelay int
	// FixedInputDelay turns the automatic input delay off: the delay is
	// InputDelay, and 0 means inputs count on the frame they are given
	// (every remote input is then late: only for tests and LAN trials).
	FixedInputDelay bool
	// DelayMargin is time the automatic input delay keeps beyond the
	// one-way time to the farthest player before rounding up to frames.
	// Zero keeps the least that pacing needs, and inputs then arrive with
	// a few milliseconds to spare: a sender whose process runs late by more
	// than that costs everyone a stalled tick. A frame's worth (17 ms at
	// 60 Hz) buys a frame of latency against those hitches
	// (docs/TUNING.md §1). At most a second.
	DelayMargin time.Duration
	// ChecksumInterval is how often, in frames, players compare checksums
	// of their state. Host only. Default 30; negative turns it off.
	ChecksumInterval int
	// DisconnectTimeout is how long a silent player stays in the match
	// before the others drop it. Default 3 s.
	DisconnectTimeout time.Duration
	// JoinTimeout bounds how long Join waits for the host's answer.
	// Default 10 s.
	JoinTimeout time.Duration
	// Seed is the match seed the host sends to every player. Host only.
	// Zero picks a random one.
	Seed uint64
	// Settings are game-specific match settings the host sends to every
	// player with the start of the match. At most 4 KiB.
	Settings []byte

	// MergeInput folds two local inputs that land on the same frame into
	// one. Nil keeps the newer one; see Merge for a typed helper.
	MergeInput func(older, newer []byte) []byte

	// Snapshots says the game can save its state as bytes and load it
	// back: it gives Session.Snapshot its state after every frame marked
	// WantSnapshot, and loads a frame's Load before simulating it. With
	// it, a player whose state goes astray is repaired: when the
	// checksums of three players or more attribute the desync
	// (Event.Diverged), a player of the majority sends it its state, and
	// otherwise the player the games name in Session.RepairDesync does;
	// it simulates again from there (EventResynced). Every player's game
	// should set it (the same game does); a session keeps its latest
	// 1 200 frames for it.
	Snapshots bool

	// InputCopies is how many datagrams carry each tick's input to each
	// player, beside KCP (lockstep.Config.InputCopies). Zero means
	// DefaultInputCopies: two, so that one lost datagram costs no stall,
	// and three to a player whose pings measure more than 4 % loss each
	// way. A value from 1 to 4 is kept whatever the loss. One halves the
	// traffic and makes each loss a frame late (docs/TUNING.md measures
	// each).
	InputCopies int

	// KCP tunes the reliable transport; each zero field takes its default
	// (DefaultKCPTuning).
	KCP KCPTuning
	// Network, when set, impairs every datagram this peer sends with the
	// network simulator (latency, jitter, loss...), and what it receives
	// too with BothWays or Inbound: try a bad network without leaving
	// your desk.
	Network *netsim.Config

	// Logger receives the session's diagnostics. Nil discards them.
	Logger *slog.Logger
	// Rand is the source of secrets and keys. Nil means crypto/rand.
	Rand io.Reader
}

// DefaultConfig returns the configuration a nil *Config stands for, every
// field at its default value (Logger nil: diagnostics discarded), for a game
// to change field by field:
//
//	cfg := netcode.DefaultConfig()
//	cfg.Name = "ada"
//	cfg.KCP.Interval = 20 * time.Millisecond
//	s, err := netcode.Host[Input](ctx, &cfg)
func DefaultConfig() Config {
	c, err := (*Config)(nil).withDefaults()
	if err != nil {
		panic("netcode: the defaults do not validate: " + err.Error()) // a bug in this package, caught by its tests
	}
	c.Logger = nil
	c.Reach.STUNServers = append([]string(nil), c.Reach.STUNServers...)
	c.Reach.LANQueries = append([]string(nil), c.Reach.LANQueries...)
	return c
}

// Validate reports the first field of c out of range, by name, wrapping
// ErrBadConfig; zero fields count as their defaults. Host and Join check the
// same, so a game may call it first to show the error before opening
// anything.
func (c *Config) Validate() error {
	_, err := c.withDefaults()
	return err
}

// DefaultInputCopies is Config.InputCopies's default.
const DefaultInputCopies = lockstep.DefaultInputCopies

// KCPTuning sets the KCP protocol's knobs for one link, field by field:
// each zero field takes its default (DefaultKCPTuning), so a game sets only
// what it changes, e.g. KCPTuning{Interval: 20 * time.Millisecond}.
// docs/TUNING.md says how the defaults were chosen.
type KCPTuning struct {
	// Interval is KCP's internal update interval. Default 10 ms.
	Interval time.Duration
	// NormalMode turns KCP's no-delay mode off: a 100 ms minimum
	// retransmission timeout and exponential backoff, where the default
	// (no-delay) keeps 30 ms and no backoff.
	NormalMode bool
	// FastResend retransmits a segment after this many later segments were
	// acknowledged. Default 2; negative turns fast resend off.
	FastResend int
	// Congestion turns on KCP's congestion window. Games want it off.
	Congestion bool
	// SendWindow and ReceiveWindow are the window sizes in segments.
	// Default 128 each.
	SendWindow    int
	ReceiveWindow int
	// MTU is the largest KCP datagram, before sealing. Default 1200.
	MTU int
	// AckNoDelay sends acknowledgements as soon as segments arrive.
	AckNoDelay bool
}

// DefaultKCPTuning returns the tuning peerstep uses unless told otherwise:
// no-delay mode, a 10 ms interval, fast resend after 2 acks, no congestion
// window, 128-segment windows, and acknowledgements with the next flush rather
// than each alone. Inputs travel beside KCP (Config.InputCopies),
// so KCP carries only what may wait a retransmission: checksums, drop
// reports, the lobby. cmd/peerbench measured each against the
// alternatives; docs/TUNING.md has the figures.
func DefaultKCPTuning() KCPTuning {
	return KCPTuning{
		Interval:      10 * time.Millisecond,
		FastResend:    2,
		SendWindow:    128,
		ReceiveWindow: 128,
		MTU:           1200,
	}
}

// withDefaults gives each zero field of t its default.
func (t KCPTuning) withDefaults() KCPTuning {
	d := DefaultKCPTuning()
	if t.Interval == 0 {
		t.Interval = d.Interval
	}
	if t.FastResend == 0 {
		t.FastResend = d.FastResend
	}
	if t.SendWindow == 0 {
		t.SendWindow = d.SendWindow
	}
	if t.ReceiveWindow == 0 {
		t.ReceiveWindow = d.ReceiveWindow
	}
	if t.MTU == 0 {
		t.MTU = d.MTU
	}
	return t
}

func (t KCPTuning) validate() error {
	switch {
	case t.Interval < time.Millisecond || t.Interval > time.Second:
		return fmt.Errorf("%w: KCP.Interval %v out of [1ms, 1s]", ErrBadConfig, t.Interval)
	case t.FastResend > 64:
		return fmt.Errorf("%w: KCP.FastResend %d out of [1, 64] (negative: off)", ErrBadConfig, t.FastResend)
	case t.SendWindow < 1 || t.ReceiveWindow < 1 || t.SendWindow > 4096 || t.ReceiveWindow > 4096:
		return fmt.Errorf("%w: KCP.SendWindow/ReceiveWindow %d/%d out of [1, 4096]", ErrBadConfig, t.SendWindow, t.ReceiveWindow)
	case t.MTU < 200 || t.MTU > 1400:
		return fmt.Errorf("%w: KCP.MTU %d out of [200, 1400]", ErrBadConfig, t.MTU)
	}
	return nil
}

// withDefaults returns a copy of c with every zero field set to its
// default, or an error naming the first field out of range.
func (c *Config) withDefaults() (Config, error) {
	var out Config
	if c != nil {
		out = *c
	}
	if out.Name == "" {
		out.Name = "player"
	}
	if len(out.Name) > 32 {
		return out, fmt.Errorf("%w: Name longer than 32 bytes", ErrBadConfig)
	}
	if out.LocalPlayers == 0 {
		out.LocalPlayers = 1
	}
	if out.LocalPlayers < 1 || out.LocalPlayers > lockstep.MaxPlayers-1 {
		return out, fmt.Errorf("%w: LocalPlayers %d out of [1, %d]", ErrBadConfig, out.LocalPlayers, lockstep.MaxPlayers-1)
	}
	if out.ListenAddr == "" {
		out.ListenAddr = "0.0.0.0:0"
	}
	if _, _, err := net.SplitHostPort(out.ListenAddr); err != nil {
		return out, fmt.Errorf("%w: ListenAddr %q: want ip:port", ErrBadConfig, out.ListenAddr)
	}
	if out.MaxPlayers == 0 {
		out.MaxPlayers = 8
	}
	if out.MaxPlayers < lockstep.MinPlayers || out.MaxPlayers > lockstep.MaxPlayers {
		return out, fmt.Errorf("%w: MaxPlayers %d out of [%d, %d]", ErrBadConfig, out.MaxPlayers, lockstep.MinPlayers, lockstep.MaxPlayers)
	}

	if out.TickRate == 0 {
		out.TickRate = 60
	}
	if out.TickRate < 1 || out.TickRate > 1000 {
		return out, fmt.Errorf("%w: TickRate %d out of [1, 1000]", ErrBadConfig, out.TickRate)
	}
	if out.InputDelay < 0 || out.InputDelay > lockstep.DefaultMaxInputDelay {
		return out, fmt.Errorf("%w: InputDelay %d out of [0, %d]", ErrBadConfig, out.InputDelay, lockstep.DefaultMaxInputDelay)
	}
	if out.DelayMargin < 0 || out.DelayMargin > time.Second {
		return out, fmt.Errorf("%w: DelayMargin %v out of [0, 1s]", ErrBadConfig, out.DelayMargin)
	}
	if out.ChecksumInterval == 0 {
		out.ChecksumInterval = lockstep.DefaultChecksumInterval
	}
	if out.ChecksumInterval > 32767 {
		return out, fmt.Errorf("%w: ChecksumInterval %d too large (at most 32767 frames)", ErrBadConfig, out.ChecksumInterval)
	}
	if out.DisconnectTimeout == 0 {
		out.DisconnectTimeout = lockstep.DefaultDisconnectTimeout
	}
	if out.DisconnectTimeout < 100*time.Millisecond {
		return out, fmt.Errorf("%w: DisconnectTimeout %v below 100ms", ErrBadConfig, out.DisconnectTimeout)
	}
	if out.JoinTimeout == 0 {
		out.JoinTimeout = 10 * time.Second
	}
	if out.JoinTimeout < 0 {
		return out, fmt.Errorf("%w: JoinTimeout %v is negative", ErrBadConfig, out.JoinTimeout)
	}
	if len(out.Settings) > 4096 {
		return out, fmt.Errorf("%w: Settings of %d bytes (at most 4096)", ErrBadConfig, len(out.Settings))
	}
	if out.InputCopies < 0 || out.InputCopies > 4 {
		return out, fmt.Errorf("%w: InputCopies %d out of [0, 4] (0: the default, adapting to loss)", ErrBadConfig, out.InputCopies)
	}
	out.KCP = out.KCP.withDefaults()
	if err := out.KCP.validate(); err != nil {
		return out, err
	}
	if out.Network != nil {
		if err := out.Network.Validate(); err != nil {
			return out, fmt.Errorf("%w: Network: %v", ErrBadConfig, err)
		}
	}
	if err := out.Reach.withDefaults(); err != nil {
		return out, err
	}
	if out.Logger == nil {
		out.Logger = slog.New(slog.DiscardHandler)
	}
	return out, nil
}
