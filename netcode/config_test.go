package netcode

import (
	"errors"
	"testing"
	"time"
)

func TestConfigDefaultsAndErrors(t *testing.T) {
	c, err := (&Config{}).withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if c.InputCopies != 0 || c.TickRate != 60 || c.MaxPlayers != 8 || c.KCP != DefaultKCPTuning() {
		t.Fatalf("defaults: %+v", c)
	}
	for _, tt := range []struct {
		name string
		cfg  Config
	}{
		{"five input copies", Config{InputCopies: 5}},
		{"negative input copies", Config{InputCopies: -1}},
		{"one player", Config{MaxPlayers: 1}},
		{"17 players", Config{MaxPlayers: 17}},
		{"tick rate", Config{TickRate: 1001}},
		{"negative delay", Config{InputDelay: -1}},
		{"short disconnect timeout", Config{DisconnectTimeout: time.Millisecond}},
		{"huge settings", Config{Settings: make([]byte, 4097)}},
		{"negative delay margin", Config{DelayMargin: -time.Millisecond}},
		{"delay margin over a second", Config{DelayMargin: 2 * time.Second}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.cfg.withDefaults(); !errors.Is(err, ErrBadConfig) {
				t.Fatalf("withDefaults(%s) = %v, want ErrBadConfig", tt.name, err)
			}
		})
	}
	for _, copies := range []int{0, 1, 4} {
		c, err := (&Config{InputCopies: copies}).withDefaults()
		if err != nil || c.InputCopies != copies {
			t.Fatalf("InputCopies %d: kept %d, %v", copies, c.InputCopies, err)
		}
	}
}
