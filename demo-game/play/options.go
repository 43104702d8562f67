package play

import (
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/peerstep/peerstep/demo-game/sim"
	"github.com/peerstep/peerstep/netcode"
	"github.com/peerstep/peerstep/netcode/netsim"
)

// GameID names the game in replays.
const GameID = "neon-trails"

// GameVersion is the version of the simulation; replays record it.
// Version 2: bots play at the match's skill, and duels have the arena of
// four. Version 3: the match's pace (slow, normal, fast), which the
// state's encoding and so its checksums include. Version 4: the warm-up
// (the first round one pace slower) and the pause all players agree on,
// in the state's encoding (version 4) and the settings (format 4).
const GameVersion = "4"

// DefaultTickRate is the simulation rate of a match, in frames per second.
const DefaultTickRate = 60

// ChecksumInterval is how often, in frames, players compare checksums (and
// a recording stores one).
const ChecksumInterval = 30

// Options set up a player's side of a match. The zero value of every field
// selects its default.
type Options struct {
	// Name is the player's name in the lobby, up to 32 bytes. Default
	// "player".
	Name string
	// ListenAddr is the UDP address to bind, as netcode.Config.ListenAddr:
	// default every interface. Bots a host adds bind the same address.
	ListenAddr string
	// Network impairs what this player sends (latency, jitter, loss...)
	// when it is enabled, and with BothWays or Inbound what it receives.
	Network netsim.Config
	// Reach says how friends find this player's match and how it finds
	// theirs (netcode.Config.Reach): LAN discovery, the DHT, STUN and
	// port mapping, all on by default. netcode.Local() stays on this
	// machine (tests, -offline).
	Reach netcode.Reach
	// OnProgress, when set, hears how joining goes (netcode.Config.OnProgress).
	OnProgress func(netcode.Progress)
	// Record, when set, records the match to this replay file.
	Record string
	// RoundsToWin is how many rounds win a match (host and practice
	// only). Default 3.
	RoundsToWin int
	// ArenaWidth and ArenaHeight set the arena's size in cells (host and
	// practice only). Zero picks a size for the number of players.
	ArenaWidth, ArenaHeight int
	// BotSkill is how well the match's bots play (host and practice
	// only): every bot in the match, the host's, practice's and a
	// headless player's, plays at it. The zero value is sim.Normal.
	BotSkill sim.Skill
	// Pace is how fast the riders go (host and practice only). The zero
	// value is sim.PaceNormal.
	Pace sim.Pace
	// TickRate is the simulation rate (host and practice only). Default
	// DefaultTickRate.
	TickRate int
	// JoinTimeout bounds how long joining waits for the host's answer.
	// Default netcode's (10 s).
	JoinTimeout time.Duration
	// Logger receives diagnostics. Nil discards them.
	Logger *slog.Logger
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

func (o Options) tickRate() int {
	if o.TickRate <= 0 {
		return DefaultTickRate
	}
	return o.TickRate
}

// netConfig returns the netcode configuration for o; seed varies the
// network simulation's decisions between the sessions of one process.
func (o Options) netConfig(seed uint64) *netcode.Config {
	cfg := &netcode.Config{
		Name:             o.Name,
		ListenAddr:       o.ListenAddr,
		Reach:            o.Reach,
		OnProgress:       o.OnProgress,
		TickRate:         o.tickRate(),
		ChecksumInterval: ChecksumInterval,
		Settings:         o.settings().encode(),
		MergeInput:       netcode.Merge(sim.MergeInputs),
		JoinTimeout:      o.JoinTimeout,
		Logger:           o.Logger,
		Snapshots:        true, // sim.State saves and loads: desyncs are repaired
	}
	if o.Network.Enabled() {
		n := o.Network
		n.Seed += seed
		cfg.Network = &n
	}
	return cfg
}

func (o Options) settings() Settings {
	return Settings{RoundsToWin: o.RoundsToWin, Width: o.ArenaWidth, Height: o.ArenaHeight, BotSkill: o.BotSkill, Pace: o.Pace}
}

// botListenAddr is where a host's bots bind: the host's address with a
// port of their own, so that every other player can reach them too.
func (o Options) botListenAddr() string {
	if o.ListenAddr == "" {
		return ""
	}
	h, _, err := net.SplitHostPort(o.ListenAddr)
	if err != nil {
		return ""
	}
	return net.JoinHostPort(h, "0")
}

// Settings are the host's match settings, sent to every player with the
// start of the match and stored in replays.
type Settings struct {
	// RoundsToWin: 0 means sim's default.
	RoundsToWin int
	// Width and Height of the arena: 0 means a size for the number of
	// players.
	Width, Height int
	// BotSkill is how well every bot of the match plays.
	BotSkill sim.Skill
	// Pace is how fast the riders go.
	Pace sim.Pace
	// NoWarmUp: the first round rides at the match's pace, not one pace
	// slower. No host chooses it: the settings of formats before 4 (a
	// replay recorded before the warm-up) decode with it, so that they
	// replay as they were played.
	NoWarmUp bool
}

// settingsVersion is the settings' format: version 1 had no bot skill
// (its bots play at sim.Normal), version 2 no pace (its riders go at
// sim.PaceNormal), version 3 no warm-up (its first round rides at the
// match's pace) and no pause; version 4 is version 3's bytes. A peer of
// an older release rejects the newer format with an error, rather than
// playing a match it would step differently.
const settingsVersion = 4

func (s Settings) encode() []byte {
	return []byte{settingsVersion, uint8(s.RoundsToWin), uint8(s.Width), uint8(s.Height), uint8(s.BotSkill), uint8(s.Pace)}
}

func decodeSettings(b []byte) (Settings, error) {
	set, err := decodeSettingsBytes(b)
	if err == nil && (len(b) == 0 || b[0] < 4) {
		set.NoWarmUp = true
	}
	return set, err
}

func decodeSettingsBytes(b []byte) (Settings, error) {
	switch {
	case len(b) == 0:
		return Settings{}, nil
	case len(b) == 4 && b[0] == 1:
		return Settings{RoundsToWin: int(b[1]), Width: int(b[2]), Height: int(b[3])}, nil
	case (len(b) == 5 && b[0] == 2) || (len(b) == 6 && (b[0] == 3 || b[0] == settingsVersion)):
		k := sim.Skill(b[4])
		if k.String() == "skill?" {
			return Settings{}, fmt.Errorf("play: match settings with bot skill %d", b[4])
		}
		set := Settings{RoundsToWin: int(b[1]), Width: int(b[2]), Height: int(b[3]), BotSkill: k}
		if len(b) == 6 {
			set.Pace = sim.Pace(b[5])
			if !set.Pace.Valid() {
				return Settings{}, fmt.Errorf("play: match settings with pace %d", b[5])
			}
		}
		return set, nil
	}
	return Settings{}, fmt.Errorf("play: match settings of an unknown version (%d bytes)", len(b))
}

// simConfig is the simulation's configuration for a match.
func simConfig(players int, seed uint64, tickRate int, settings []byte) (sim.Config, error) {
	st, err := decodeSettings(settings)
	if err != nil {
		return sim.Config{}, err
	}
	return sim.Config{
		Players:        players,
		Seed:           seed,
		Width:          st.Width,
		Height:         st.Height,
		RoundsToWin:    st.RoundsToWin,
		TicksPerSecond: tickRate,
		Pace:           st.Pace,
		NoWarmUp:       st.NoWarmUp,
	}, nil
}
