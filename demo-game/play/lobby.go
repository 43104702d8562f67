package play

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/peerstep/peerstep/demo-game/sim"
	"github.com/peerstep/peerstep/netcode"
)

// StartTimeout bounds how long the host's Start waits for every player to
// reach every other.
const StartTimeout = 15 * time.Second

// Lobby is a player's side of a match before it starts: the host's, or a
// joiner's. Its methods are safe from any goroutine.
type Lobby struct {
	opts Options
	s    *netcode.Session[sim.Input]
	host bool

	mu       sync.Mutex
	notices  []Notice
	bots     []*BotPlayer
	botNames map[string]bool
	nextBot  int
	starting bool
	started  chan error // what Start (host) or WaitStart (joiner) returned
	ctx      context.Context
	cancel   context.CancelFunc
	match    *Match
	err      error
}

// Host opens a lobby on this machine; share its Code.
func Host(ctx context.Context, opts Options) (*Lobby, error) {
	s, err := netcode.Host[sim.Input](ctx, opts.netConfig(0))
	if err != nil {
		return nil, err
	}
	return newLobby(s, opts, true), nil
}

// Join joins the lobby whose share code is code. A code that does not
// parse fails at once (sharecode.ErrBadShareCode); a code the host does not
// know, with netcode.ErrCodeRejected; no answer, with
// netcode.ErrHostUnreachable. ErrorText turns these into a sentence.
func Join(ctx context.Context, code string, opts Options) (*Lobby, error) {
	s, err := netcode.Join[sim.Input](ctx, code, opts.netConfig(1))
	if err != nil {
		return nil, err
	}
	l := newLobby(s, opts, false)
	go func() { l.started <- s.WaitStart(l.ctx) }()
	return l, nil
}

func newLobby(s *netcode.Session[sim.Input], opts Options, host bool) *Lobby {
	l := &Lobby{opts: opts, s: s, host: host, started: make(chan error, 1), botNames: map[string]bool{}}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	return l
}

// Code returns the share code.
func (l *Lobby) Code() string { return l.s.Code() }

// IsHost reports whether this player hosts the lobby.
func (l *Lobby) IsHost() bool { return l.host }

// LobbyInfo is a snapshot of the lobby for the lobby screen.
type LobbyInfo struct {
	netcode.Lobby
	// Bots marks, by slot, the computer players: on the host, the bots it
	// added; on a joiner, whose lobby data says nothing of bots, the
	// players whose name starts with BotPrefix.
	Bots []bool
	// Starting: the host asked to start; waiting for every link.
	Starting bool
}

// Info returns a snapshot of the lobby.
func (l *Lobby) Info() LobbyInfo {
	lb := l.s.Lobby()
	l.mu.Lock()
	defer l.mu.Unlock()
	info := LobbyInfo{Lobby: lb, Starting: l.starting, Bots: make([]bool, len(lb.Players))}
	for i, p := range lb.Players {
		info.Bots[i] = l.botNames[p.Name] || (!l.host && IsBotName(p.Name))
	}
	return info
}

// BotPrefix starts the name of every bot a host adds to its lobby
// ("bot-Volt"). The lobby's wire data carries names and no more, so a
// joiner tells bots by this prefix.
const BotPrefix = "bot-"

// IsBotName reports whether name is a bot's by the naming convention of
// AddBots. A player may choose such a name too: only the host knows for
// sure.
func IsBotName(name string) bool { return strings.HasPrefix(name, BotPrefix) }

// AddBots adds n computer players to the host's lobby: each is a session
// of its own that joins with the share code over this machine's network,
// and plays with sim.Bot's inputs. It returns at once; a bot that fails to
// join leaves a notice.
func (l *Lobby) AddBots(n int) error {
	if !l.host {
		return netcode.ErrNotHost
	}
	for range n {
		l.mu.Lock()
		if len(l.bots) >= sim.MaxPlayers-1 {
			l.mu.Unlock()
			return fmt.Errorf("play: at most %d bots", sim.MaxPlayers-1)
		}
		l.nextBot++
		name := BotPrefix + PracticeNames[(l.nextBot-1)%len(PracticeNames)]
		l.botNames[name] = true
		opts := l.opts
		// A bot runs on the host's machine: it joins with the direct code
		// and looks for nothing beyond it.
		opts.Name, opts.Record, opts.ListenAddr, opts.Reach = name, "", opts.botListenAddr(), netcode.Local()
		opts.Network.Seed += uint64(100 * l.nextBot)
		b := newBot(l.ctx, name)
		l.bots = append(l.bots, b)
		l.mu.Unlock()
		go func() {
			if err := b.run(l.s.DirectCode(), opts); err != nil && !errors.Is(err, context.Canceled) && !errors.Is(err, netcode.ErrClosed) {
				l.mu.Lock()
				l.notices = append(l.notices, Notice{Text: name + ": " + ErrorText(err), Player: -1, Bad: true})
				l.mu.Unlock()
			}
		}()
	}
	return nil
}

// RemoveBot takes the last bot the host added out of the lobby.
func (l *Lobby) RemoveBot() {
	l.mu.Lock()
	if l.starting || len(l.bots) == 0 {
		l.mu.Unlock()
		return
	}
	b := l.bots[len(l.bots)-1]
	l.bots = l.bots[:len(l.bots)-1]
	l.mu.Unlock()
	b.Stop()
}

// Start starts the match (host only), in the background: Update returns
// the Match once every player reached every other.
func (l *Lobby) Start() error {
	if !l.host {
		return netcode.ErrNotHost
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.starting {
		return nil
	}
	l.starting = true
	go func() {
		ctx, cancel := context.WithTimeout(l.ctx, StartTimeout)
		defer cancel()
		l.started <- l.s.Start(ctx)
	}()
	return nil
}

// Update returns the Match once it has started, or the error that ended the
// lobby (the host left, the start failed); nil, nil while waiting. Call it
// from the game loop; it never blocks.
func (l *Lobby) Update() (*Match, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.match != nil || l.err != nil {
		return l.match, l.err
	}
	for _, e := range l.s.Events() {
		switch e.Kind {
		case netcode.EventPlayerJoined:
			l.notices = append(l.notices, Notice{Text: e.Name + " joined", Player: e.Player})
		case netcode.EventPlayerLeft:
			l.notices = append(l.notices, Notice{Text: e.Name + " left the lobby", Player: e.Player, Bad: true})
		case netcode.EventHostLeft:
			l.notices = append(l.notices, Notice{Text: "the host closed the lobby", Player: 0, Bad: true})
		case netcode.EventLinkRelayed:
			l.notices = append(l.notices, Notice{Text: "no direct path to " + e.Name + ": " + e.ViaName + " relays", Player: e.Player})
		case netcode.EventLinkDirect:
			l.notices = append(l.notices, Notice{Text: "direct path to " + e.Name, Player: e.Player})
		}
	}
	select {
	case err := <-l.started:
		if err != nil {
			if l.host && !errors.Is(err, netcode.ErrClosed) {
				// The host may try again: the lobby is still open.
				l.starting = false
				l.notices = append(l.notices, Notice{Text: "could not start: " + ErrorText(err), Player: -1, Bad: true})
				return nil, nil
			}
			l.err = err
			return nil, err
		}
	default:
		return nil, nil
	}
	m, err := newNetMatch(l.s, l.opts)
	if err != nil {
		l.err = err
		return nil, err
	}
	bots := l.bots
	m.onClose = func() {
		l.cancel()
		for _, b := range bots {
			b.Stop()
		}
	}
	l.match = m
	return m, nil
}

// Notices returns and clears the lobby's notices: who joined or left.
func (l *Lobby) Notices() []Notice {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := l.notices
	l.notices = nil
	return n
}

// Close leaves the lobby and stops its bots. Once the match has started,
// close the Match instead (it owns the session and the bots).
func (l *Lobby) Close() error {
	l.mu.Lock()
	m, bots := l.match, l.bots
	l.mu.Unlock()
	if m != nil {
		return m.Close()
	}
	l.cancel()
	for _, b := range bots {
		b.Stop()
	}
	return l.s.Close()
}
