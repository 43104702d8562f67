package netcode

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/peerstep/peerstep/lockstep"
	"github.com/peerstep/peerstep/netcode/sharecode"
)

// Session is one player's side of a match: a lobby until the match starts,
// then a lockstep engine carried over KCP links to every other player. I is
// the game's input type; it travels in msgpack, so keep it small (a few
// bytes: buttons and directions).
//
// Tick, ReportChecksum and Close belong to the game's loop: call them from
// one goroutine. The other methods are safe from any goroutine.
type Session[I any] struct {
	c *core
}

// Frame is one frame every player agrees on, to simulate in order.
type Frame[I any] struct {
	// Number is the frame number, from 0.
	Number lockstep.Frame
	// Inputs holds every player's input, by PlayerID; the zero value for a
	// player who is not present.
	Inputs []I
	// Present tells, by PlayerID, whether the player is still in the match.
	Present []bool
	// WantChecksum asks for ReportChecksum after simulating this frame.
	WantChecksum bool
	// WantSnapshot asks, with Config.Snapshots, for the game's state after
	// simulating this frame, given to Session.Snapshot: another player's
	// went astray and gets this one (or this one did, and the game may
	// compare the two, EventResynced).
	WantSnapshot bool
	// Load, when not nil, is the state after frame Number-1 of the players
	// whose checksums agree (or of the one Session.RepairDesync kept),
	// with Config.Snapshots: this player's went
	// astray. Load it in place of the game's state before simulating this
	// frame; this frame and those after it were handed out before and
	// come again, to be simulated from the loaded state.
	Load []byte
}

// Host opens a lobby on this machine. Give s.Code() to your friends; when
// they have joined, call s.Start.
func Host[I any](ctx context.Context, cfg *Config) (*Session[I], error) {
	c, err := newCore(cfg, true)
	if err != nil {
		return nil, err
	}
	if err := c.startHost(); err != nil {
		c.close()
		return nil, err
	}
	return &Session[I]{c: c}, nil
}

// Join joins the match whose share code is code. It returns once the host
// has given this player a slot; then call WaitStart. A malformed code
// fails at once with an error matching sharecode.ErrBadShareCode; a code the
// host does not know, with ErrCodeRejected; no answer, with
// ErrHostUnreachable after Config.JoinTimeout.
//
// Once the match runs, a player who was in it and is out (it crashed, lost
// its network, or left) joins it again with the same code and the same
// Config.Name (and LocalPlayers), and Config.Snapshots on, as every
// player's: the host waits until the others have dropped its old self,
// links it to every player, and the match lets it in at a frame all
// agree on (the others see EventPlayerJoined with Rejoined: "X is back").
// WaitStart returns once the host sent the match; the first frame Tick
// returns carries Frame.Load, the host's state, to load before simulating
// it. With no such player out of the match, or without Snapshots on the
// host, Join fails with ErrMatchStarted. The host must still be in the
// match.
func Join[I any](ctx context.Context, code string, cfg *Config) (*Session[I], error) {
	sc, err := sharecode.Parse(code)
	if err != nil {
		return nil, err
	}
	c, err := newCore(cfg, false)
	if err != nil {
		return nil, err
	}
	if err := c.join(ctx, sc); err != nil {
		c.close()
		return nil, err
	}
	return &Session[I]{c: c}, nil
}

// Code returns the match's share code: the short code (18 symbols, to read
// aloud) when friends can find the host from it (Config.Reach leaves LAN
// discovery or the DHT on), the direct code otherwise.
func (s *Session[I]) Code() string {
	if s.c.cfg.Reach.discovers() {
		return s.c.code.Short().String()
	}
	return s.DirectCode()
}

// DirectCode returns the match's direct share code: the secret and the
// host's addresses, for a network without internet or a firewall that
// lets nothing find the host. A short code joins the same match.
func (s *Session[I]) DirectCode() string { return s.c.code.String() }

// IsHost reports whether this player hosts the lobby. Once the match has
// started the host is a player like any other.
func (s *Session[I]) IsHost() bool { return s.c.isHost }

// LocalAddr returns the UDP address this session is bound to.
func (s *Session[I]) LocalAddr() string { return s.c.ep.localAddr().String() }

// LobbyPlayer is one player in the lobby.
type LobbyPlayer struct {
	Slot int
	Name string
	// Host and You mark the host and this player.
	Host bool
	You  bool
	// Links counts the other players this one has a working link to, and
	// Connected says it has one to every other.
	Links     int
	Connected bool
	// Seats is how many players play on this player's machine
	// (Config.LocalPlayers): each takes a slot of the match.
	Seats int
}

// Lobby is a snapshot of the lobby.
type Lobby struct {
	Code       string
	MaxPlayers int
	Players    []LobbyPlayer
	// Ready: every player reached every other; the host can start.
	Ready   bool
	Started bool
}

// Lobby returns a snapshot of the lobby, for a lobby screen.
func (s *Session[I]) Lobby() Lobby {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	lb := Lobby{Code: c.code.String(), MaxPlayers: c.cfg.MaxPlayers, Started: c.started}
	var masks []uint32
	if c.isHost {
		for _, p := range c.lobbyMsgLocked().Players {
			masks = append(masks, p.Links)
		}
	} else {
		for _, p := range c.players {
			mask := p.links
			if bytes.Equal(p.pub, c.pub) {
				mask = c.ownLinksLocked()
			} else if p.linksVersion != c.lobbyVersion {
				mask = 0
			}
			masks = append(masks, mask)
		}
	}
	all := uint32(1)<<len(c.players) - 1
	lb.Ready = len(c.players) >= 2
	for i, p := range c.players {
		mask := masks[i] & all
		lp := LobbyPlayer{Slot: i, Name: p.name, Host: i == 0, You: bytes.Equal(p.pub, c.pub), Connected: mask == all, Seats: max(p.seats, 1)}
		for b := mask &^ (1 << i); b != 0; b &= b - 1 {
			lp.Links++
		}
		if !lp.Connected {
			lb.Ready = false
		}
		lb.Players = append(lb.Players, lp)
	}
	return lb
}

// WaitPlayers blocks until the lobby holds at least n players, the host
// included, each linked to every other, so that Start begins the match at
// once: host only. It fails when ctx ends (the error wraps ctx.Err()), the
// session closes (ErrClosed), or n is below 2 (ErrNotEnoughPlayers) or above
// Config.MaxPlayers (ErrLobbyFull). A game with a lobby screen shows Lobby
// instead and calls Start when the host says so.
func (s *Session[I]) WaitPlayers(ctx context.Context, n int) error { return s.c.waitPlayers(ctx, n) }

// Start starts the match with the players in the lobby: host only. It needs
// two players at least (ErrNotEnoughPlayers at once: it does not wait for
// anyone to join, see WaitPlayers), and waits until every player has a
// working link to every other, or ctx ends (ErrMeshIncomplete). A player who
// tries to join after the start gets ErrMatchStarted, unless it comes back:
// see Join.
func (s *Session[I]) Start(ctx context.Context) error { return s.c.startMatch(ctx) }

// WaitStart blocks until the match starts. It fails if the host leaves the
// lobby (ErrHostLeft), the session closes, or ctx ends.
func (s *Session[I]) WaitStart(ctx context.Context) error { return s.c.waitStart(ctx) }

// Started reports whether the match has started.
func (s *Session[I]) Started() bool {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	return s.c.started
}

// Match describes the started match; ok is false before the start.
func (s *Session[I]) Match() (info MatchInfo, ok bool) {
	select {
	case <-s.c.startedCh:
	default:
		return MatchInfo{}, false
	}
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	return s.c.match.info, true
}

// Tick runs one tick of the game loop, at the match's tick rate: it hands
// in this player's input and returns the frames that every player agrees
// on, in order, to simulate now. It never blocks on the network: no frame
// means the others' inputs are late (a stall), more than one means catching
// up. Call it once a frame and wait out Pace between calls; a fixed-rate
// loop uses a Ticker instead. Before the start it returns ErrNotStarted;
// once the others dropped this player, ErrDropped; while a Ticker runs,
// ErrTicking. A session with several local players (Config.LocalPlayers)
// ticks with TickAll.
func (s *Session[I]) Tick(input I) ([]Frame[I], error) {
	return s.TickAll([]I{input})
}

// TickAll is Tick for a session with several players on this machine
// (Config.LocalPlayers): one input for each, in the order of
// MatchInfo.LocalPlayers. Any other count fails with an error wrapping
// lockstep.ErrInputCount, and nothing is sent.
func (s *Session[I]) TickAll(inputs []I) ([]Frame[I], error) {
	if s.c.ticking.Load() {
		return nil, ErrTicking
	}
	raw := make([][]byte, len(inputs))
	for i, in := range inputs {
		b, err := lockstep.EncodeInput(in)
		if err != nil {
			return nil, fmt.Errorf("netcode: %w", err)
		}
		raw[i] = b
	}
	frames, err := s.c.tick(raw)
	return decodeFrames[I](frames), err
}

// decodeFrames turns the engine's frames into the game's.
func decodeFrames[I any](raw []outFrame) []Frame[I] {
	if len(raw) == 0 {
		return nil
	}
	out := make([]Frame[I], len(raw))
	for i, f := range raw {
		fr := Frame[I]{Number: f.Frame, Inputs: make([]I, len(f.Inputs)), Present: f.Present, WantChecksum: f.WantChecksum,
			WantSnapshot: f.wantSnapshot, Load: f.load}
		for p, in := range f.Inputs {
			if len(in) == 0 {
				continue
			}
			// Every peer decodes the same bytes the same way; input that
			// does not decode is the zero value everywhere.
			fr.Inputs[p], _ = lockstep.DecodeInput[I](in)
		}
		out[i] = fr
	}
	return out
}

// Pace returns how much longer than one frame the game loop should wait
// before its next Tick, because this peer runs ahead of the others, and
// takes that advice off the books: the engine's advice, as GGRS's wait
// recommendation, in time rather than whole frames. It is a few hundred
// microseconds at most, a tick: a loop that sleeps on its own timer adds it
// to the next sleep, and every peer's tick stays within a fraction of a
// frame of the others', which is what lets the input delay be the one-way
// latency rounded up. A loop that cannot wait a fraction of a frame (a
// fixed-rate engine loop such as Ebiten's Update) lets a Ticker run the
// ticks instead (Session.Ticker), which waits the advice out for it; a loop
// that calls Tick and ignores Pace drifts out of phase, and netcode logs a
// warning once.
func (s *Session[I]) Pace() time.Duration { return s.c.takePace() }

// ReportChecksum reports the checksum of the game state after frame f, for
// frames whose WantChecksum is set. Players compare them to detect a desync.
func (s *Session[I]) ReportChecksum(f lockstep.Frame, sum uint64) error {
	return s.c.reportChecksum(f, sum)
}

// Snapshot gives netcode the game's state after frame f, as bytes the
// game's Load takes back, for a frame whose WantSnapshot was set
// (Config.Snapshots). It fails with ErrBadSnapshot for a frame no snapshot
// was asked for, or a state over 16 MiB; ErrNotStarted before the match.
// The bytes are copied.
func (s *Session[I]) Snapshot(f lockstep.Frame, state []byte) error { return s.c.snapshot(f, state) }

// RepairDesync settles a desync that no majority decides (two players, or
// a tie: EventDesync with no Diverged), with Config.Snapshots: the game
// names the player whose state is kept, and every player whose checksum
// after frame f differed from keep's loads keep's state, as after a
// majority's repair (EventResynced). Every player's game may call it, and
// should make the same choice (the host's state, say); on a machine other
// than keep's it only checks its arguments. When two machines each keep
// their own, the lower PlayerID's state is kept on both. A desync the
// repair already covers is left alone, so calling it for each EventDesync
// is safe.
//
// It fails with ErrNoDesync for a frame of none of the latest 16 desyncs
// this player saw (or keep reported no checksum for it), ErrUnknownPlayer
// for a keep not in the match, ErrBadConfig without Config.Snapshots, and
// ErrNotStarted before the match.
func (s *Session[I]) RepairDesync(f lockstep.Frame, keep lockstep.PlayerID) error {
	return s.c.repairDesync(f, keep)
}

// DropPlayer drops player p from the match, for a game that wants it out
// (a vote-kick, a player who cheats). It goes through the same agreement
// as a player whose link closes: every remaining player drops p at one
// frame they all compute alike, and each of them sees EventPlayerLeft with
// that frame; p itself sees EventDropped. The drop starts with the next
// Tick, so it does not wait for a silence timeout.
//
// It fails with ErrUnknownPlayer for a PlayerID not in the match,
// ErrLocalPlayer for this player (Close leaves), ErrAlreadyDropped for a
// player already being dropped or gone, ErrNotStarted before the match,
// ErrDropped once this player was dropped, and ErrClosed after Close.
func (s *Session[I]) DropPlayer(p lockstep.PlayerID) error { return s.c.dropPlayer(p) }

// Events returns and clears what happened since the last call.
func (s *Session[I]) Events() []Event {
	s.c.mu.Lock()
	defer s.c.mu.Unlock()
	ev := s.c.events
	s.c.events = nil
	return ev
}

// Stats returns the session's statistics: per-link round trip, jitter,
// loss, bytes and datagrams each way, retransmits; input delay and stalls.
func (s *Session[I]) Stats() Stats { return s.c.stats() }

// PeerStats returns the statistics of the link to player p (a PlayerID in
// the match, a lobby slot before it), as Stats lists them; ok is false for
// this player and for a p with no link, such as one not in the match.
func (s *Session[I]) PeerStats(p lockstep.PlayerID) (ps PeerStats, ok bool) {
	for _, ps := range s.c.stats().Peers {
		if ps.Player == int(p) {
			return ps, true
		}
	}
	return PeerStats{}, false
}

// ConfirmedFrame returns the last frame up to which every frame has the
// input of every player present at it, as of the latest Tick: the frames
// Tick has returned, and those it returns as soon as this player's frame
// clock reaches them (see lockstep.Engine.ConfirmedFrame). It is
// lockstep.NoFrame before the match starts and until frame 0 is confirmed.
func (s *Session[I]) ConfirmedFrame() lockstep.Frame { return s.c.confirmedFrame() }

// Close leaves the match or lobby: it tells the others (so that they drop
// this player at once rather than after a timeout), closes the links and the
// socket and waits for every goroutine to end. It is safe to call twice.
func (s *Session[I]) Close() error { return s.c.close() }

// Merge adapts a typed merge function for Config.MergeInput: when two local
// inputs land on one frame (after a stall), the game decides how to fold
// them, for instance OR-ing buttons so that no press is lost.
func Merge[I any](f func(older, newer I) I) func(older, newer []byte) []byte {
	return func(older, newer []byte) []byte {
		a, err := lockstep.DecodeInput[I](older)
		if err != nil {
			return newer
		}
		b, err := lockstep.DecodeInput[I](newer)
		if err != nil {
			return older
		}
		out, err := lockstep.EncodeInput(f(a, b))
		if err != nil {
			return newer
		}
		return out
	}
}
