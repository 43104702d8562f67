package app

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/peerstep/peerstep/netcode"
)

// TestLANLines: the join screen's LAN list says why it is empty (off,
// looking, none), and lists each game with its name and lobby size, cut
// to the width.
func TestLANLines(t *testing.T) {
	games := []netcode.LANGame{
		{Name: "ada", Players: 2, MaxPlayers: 8, Code: "PS2-X", Addr: netip.MustParseAddrPort("192.168.1.20:47777")},
		{Name: "a-very-long-host-name-indeed", Players: 1, MaxPlayers: 4, Code: "PS2-Y", Addr: netip.MustParseAddrPort("192.168.1.21:47777")},
	}
	tests := []struct {
		games      []netcode.LANGame
		err        error
		done       bool
		head, rows string
	}{
		{nil, fmt.Errorf("x: %w", netcode.ErrLANOff), true, "off (-offline)", ""},
		{nil, nil, false, "looking", ""},
		{[]netcode.LANGame{}, nil, true, "none listed", ""},
		{games, nil, true, "ENTER joins", "ada                2/8 players   192.168.1.20|a-very-long-hos... 1/4 players   192.168.1.21"},
		{nil, errors.New("boom"), true, "GAMES ON THIS NETWORK", ""},
	}
	for _, tc := range tests {
		head, rows := lanLines(tc.games, tc.err, tc.done, 60)
		if !strings.Contains(head, tc.head) || strings.Join(rows, "|") != tc.rows {
			t.Errorf("lanLines(%d games, %v, %v) = %q, %q; want %q, %q", len(tc.games), tc.err, tc.done, head, rows, tc.head, tc.rows)
		}
		for _, l := range append(rows, head) {
			if len(l) > 60 {
				t.Errorf("%q is longer than 60", l)
			}
		}
	}
}
