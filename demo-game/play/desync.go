package play

import (
	"fmt"
	"strings"

	"github.com/peerstep/peerstep/netcode"
)

// DesyncText is the notice for a desync event: who went astray when the
// majority can tell ("desync at frame 120: bob's game went its own way",
// "…: yours went its own way" for the local player), and otherwise whose
// game differs from this one.
func DesyncText(names []string, local int, e netcode.Event) string {
	name := func(p int) string {
		if p == local {
			return "you"
		}
		if p >= 0 && p < len(names) {
			return names[p]
		}
		return fmt.Sprintf("player %d", p)
	}
	list := func(ps []int) string {
		n := make([]string, len(ps))
		for i, p := range ps {
			n[i] = name(p)
		}
		if len(n) < 2 {
			return strings.Join(n, "")
		}
		return strings.Join(n[:len(n)-1], ", ") + " and " + n[len(n)-1]
	}
	switch {
	case len(e.Diverged) == 1 && e.Diverged[0] == local:
		return fmt.Sprintf("desync at frame %d: your game went its own way", e.Frame)
	case len(e.Diverged) > 0:
		return fmt.Sprintf("desync at frame %d: %s went a different way", e.Frame, list(e.Diverged))
	case len(e.Players) > 0:
		return fmt.Sprintf("desync at frame %d with %s", e.Frame, list(e.Players))
	}
	return fmt.Sprintf("desync at frame %d", e.Frame)
}

// RepairText is the notice for a repaired desync (netcode.EventResynced):
// this player's game loaded another's state and plays on from it.
func RepairText(names []string, e netcode.Event) string {
	from := fmt.Sprintf("player %d", e.Player)
	if e.Player >= 0 && e.Player < len(names) {
		from = names[e.Player]
	}
	return fmt.Sprintf("desync repaired: your game took %s's state of frame %d", from, e.Frame)
}
