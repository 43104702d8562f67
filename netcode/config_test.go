package netcode

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestDefaultConfig: DefaultConfig is what a nil *Config stands for, it
// validates, and each call is a fresh copy a game may change.
func TestDefaultConfig(t *testing.T) {
	d := DefaultConfig()
	if err := d.Validate(); err != nil {
		t.Fatalf("DefaultConfig().Validate() = %v", err)
	}
	fromNil, err := (*Config)(nil).withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	fromNil.Logger = nil
	if !reflect.DeepEqual(d, fromNil) {
		t.Errorf("DefaultConfig() = %+v\nnil *Config means %+v", d, fromNil)
	}
	if d.FixedInputDelay || d.InputDelay != 0 || d.KCP != DefaultKCPTuning() || d.TickRate != 60 {
		t.Errorf("defaults: fixed delay %v, InputDelay %d, KCP %+v, TickRate %d", d.FixedInputDelay, d.InputDelay, d.KCP, d.TickRate)
	}
	d.Reach.STUNServers[0] = "changed:1"
	if DefaultConfig().Reach.STUNServers[0] == "changed:1" {
		t.Error("changing one DefaultConfig changed the next")
	}
	if (&Config{}).Validate() != nil {
		t.Error("a zero Config does not validate")
	}
}

// TestKCPFieldByField: a KCPTuning with some fields set keeps those and
// takes the default of every zero one.
func TestKCPFieldByField(t *testing.T) {
	d := DefaultKCPTuning()
	for _, tt := range []struct {
		name string
		set  KCPTuning
		want func(KCPTuning) KCPTuning
	}{
		{"nothing", KCPTuning{}, func(k KCPTuning) KCPTuning { return k }},
		{"interval", KCPTuning{Interval: 20 * time.Millisecond}, func(k KCPTuning) KCPTuning { k.Interval = 20 * time.Millisecond; return k }},
		{"windows", KCPTuning{SendWindow: 32}, func(k KCPTuning) KCPTuning { k.SendWindow = 32; return k }},
		{"normal mode", KCPTuning{NormalMode: true}, func(k KCPTuning) KCPTuning { k.NormalMode = true; return k }},
		{"fast resend off", KCPTuning{FastResend: -1}, func(k KCPTuning) KCPTuning { k.FastResend = -1; return k }},
		{"mtu and acks", KCPTuning{MTU: 900, AckNoDelay: true}, func(k KCPTuning) KCPTuning { k.MTU, k.AckNoDelay = 900, true; return k }},
	} {
		c, err := (&Config{KCP: tt.set}).withDefaults()
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if want := tt.want(d); c.KCP != want {
			t.Errorf("%s: KCP %+v, want %+v", tt.name, c.KCP, want)
		}
	}
}

// TestValidateNamesTheField: every error says which field is wrong.
func TestValidateNamesTheField(t *testing.T) {
	for _, tt := range []struct {
		field string
		tweak func(*Config)
	}{
		{"Name", func(c *Config) { c.Name = strings.Repeat("x", 33) }},
		{"ListenAddr", func(c *Config) { c.ListenAddr = "nowhere" }},
		{"MaxPlayers", func(c *Config) { c.MaxPlayers = 17 }},
		{"TickRate", func(c *Config) { c.TickRate = -1 }},
		{"InputDelay", func(c *Config) { c.InputDelay = -1 }},
		{"DelayMargin", func(c *Config) { c.DelayMargin = -time.Second }},
		{"ChecksumInterval", func(c *Config) { c.ChecksumInterval = 40000 }},
		{"DisconnectTimeout", func(c *Config) { c.DisconnectTimeout = time.Millisecond }},
		{"JoinTimeout", func(c *Config) { c.JoinTimeout = -time.Second }},
		{"Settings", func(c *Config) { c.Settings = make([]byte, 5000) }},
		{"InputCopies", func(c *Config) { c.InputCopies = 9 }},
		{"Reach.LANListen", func(c *Config) { c.Reach.LANListen = "x" }},
		{"KCP.Interval", func(c *Config) { c.KCP.Interval = 2 * time.Second }},
		{"KCP.MTU", func(c *Config) { c.KCP.MTU = 100 }},
		{"KCP.SendWindow", func(c *Config) { c.KCP.SendWindow = 5000 }},
		{"KCP.FastResend", func(c *Config) { c.KCP.FastResend = 100 }},
	} {
		t.Run(tt.field, func(t *testing.T) {
			c := DefaultConfig()
			tt.tweak(&c)
			err := c.Validate()
			if !errors.Is(err, ErrBadConfig) || !strings.Contains(err.Error(), tt.field) {
				t.Errorf("Validate() = %v, want ErrBadConfig naming %s", err, tt.field)
			}
		})
	}
}

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
