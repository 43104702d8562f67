package netcode

import (
	"fmt"
	"net/netip"
)

// ProgressStage says how far a Join has come.
type ProgressStage uint8

// The stages of a Join, in the order they usually come.
const (
	// ProgressLooking: looking for the host; Detail says where (this
	// network, the DHT, the code's addresses).
	ProgressLooking ProgressStage = iota + 1
	// ProgressTrying: the host may be at Addr (Source says who said so:
	// "code", "dht", "knock"); sending to it, which also opens this side's
	// NAT towards it.
	ProgressTrying
	// ProgressHostFound: the host answered from Addr, proving it holds the
	// code.
	ProgressHostFound
	// ProgressJoined: the host gave this player a slot.
	ProgressJoined
)

var stageNames = [...]string{"", "looking", "trying", "host-found", "joined"}

// String is the stage's short name ("looking", "trying", ...).
func (s ProgressStage) String() string {
	if int(s) < len(stageNames) && s != 0 {
		return stageNames[s]
	}
	return fmt.Sprintf("stage(%d)", uint8(s))
}

// Progress is one step of a Join, for a join screen.
type Progress struct {
	Stage  ProgressStage
	Addr   netip.AddrPort // ProgressTrying, ProgressHostFound
	Source string         // ProgressTrying: "code", "dht", "lan" or "knock"
	Detail string
}

// String says the step in words a join screen can show.
func (p Progress) String() string {
	switch p.Stage {
	case ProgressLooking:
		return "looking for the host " + p.Detail
	case ProgressTrying:
		return fmt.Sprintf("trying %v (from %s)", p.Addr, p.Source)
	case ProgressHostFound:
		return fmt.Sprintf("host found at %v", p.Addr)
	case ProgressJoined:
		return "joined the lobby"
	}
	return p.Stage.String()
}
