package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/peerstep/peerstep/demo-game/play"
	"github.com/peerstep/peerstep/netcode"
)

// lanList browses the local network for listed matches in the
// background while the join screen is up: a second's browse every three
// seconds, until stop.
type lanList struct {
	mu     sync.Mutex
	games  []netcode.LANGame
	err    error
	done   bool // a browse has finished
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func startLANList(opts play.Options) *lanList {
	ctx, cancel := context.WithCancel(context.Background())
	l := &lanList{cancel: cancel}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		for ctx.Err() == nil {
			bctx, c := context.WithTimeout(ctx, time.Second)
			games, err := play.BrowseLAN(bctx, opts)
			c()
			if ctx.Err() != nil {
				return
			}
			l.mu.Lock()
			l.games, l.err, l.done = games, err, true
			l.mu.Unlock()
			if errors.Is(err, netcode.ErrLANOff) {
				return // it stays off
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(2 * time.Second):
			}
		}
	}()
	return l
}

// read returns what the last browse found.
func (l *lanList) read() (games []netcode.LANGame, err error, done bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.games, l.err, l.done
}

// stop ends the browsing and waits for it.
func (l *lanList) stop() {
	l.cancel()
	l.wg.Wait()
}

// lanLines are the join screen's lines for the LAN list: a headline, and
// a row for each game ("ada   2/8 players   192.168.1.20"), each cut to
// n characters; no rows when there is nothing to list, the headline then
// saying why (off with -offline, still looking, none listed).
func lanLines(games []netcode.LANGame, err error, done bool, n int) (head string, rows []string) {
	switch {
	case errors.Is(err, netcode.ErrLANOff):
		return fit("GAMES ON THIS NETWORK: off (-offline)", n), nil
	case err != nil:
		return fit("GAMES ON THIS NETWORK: "+play.ErrorText(err), n), nil
	case !done:
		return fit("GAMES ON THIS NETWORK: looking...", n), nil
	case len(games) == 0:
		return fit("GAMES ON THIS NETWORK: none listed", n), nil
	}
	head = fit("GAMES ON THIS NETWORK (UP / DOWN, ENTER joins)", n)
	for _, g := range games {
		name := g.Name
		if name == "" {
			name = "a host"
		}
		rows = append(rows, fit(fmt.Sprintf("%-18s %d/%d players   %s", fit(name, 18), g.Players, g.MaxPlayers, g.Addr.Addr()), n))
	}
	return head, rows
}
