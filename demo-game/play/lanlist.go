package play

import (
	"context"

	"github.com/peerstep/peerstep/netcode"
)

// BrowseLAN lists the matches hosts on the local network put on the LAN
// list (Options.Reach.LANList), as netcode.BrowseLAN does, from opts'
// address and Reach: with LAN discovery off (-offline) it returns
// netcode.ErrLANOff. Join takes a game's Code.
func BrowseLAN(ctx context.Context, opts Options) ([]netcode.LANGame, error) {
	return netcode.BrowseLAN(ctx, opts.netConfig(0))
}
