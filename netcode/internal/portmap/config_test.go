package portmap

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

func TestConfigDefaults(t *testing.T) {
	c, err := Config{InternalPort: 4000}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	d := DefaultConfig()
	if c.Lifetime != DefaultLifetime || c.Timeout != DefaultTimeout || c.SSDP != SSDPInterface || c.Description != DefaultDescription || c.Logger == nil {
		t.Fatalf("defaults %+v", c)
	}
	if d.Lifetime != c.Lifetime || d.Timeout != c.Timeout || d.Description != c.Description || d.InternalPort != 0 {
		t.Fatalf("DefaultConfig() = %+v", d)
	}
	if err := d.Validate(); !errors.Is(err, ErrBadConfig) || !strings.Contains(err.Error(), "InternalPort") {
		t.Fatalf("DefaultConfig().Validate() = %v, want InternalPort required", err)
	}
}

func TestConfigValidate(t *testing.T) {
	ok := Config{InternalPort: 4000}
	for _, tc := range []struct {
		name string
		edit func(*Config)
		says string // "" for valid
	}{
		{"defaults", func(*Config) {}, ""},
		{"no port", func(c *Config) { c.InternalPort = 0 }, "InternalPort"},
		{"IPv6 local", func(c *Config) { c.LocalIP = netip.MustParseAddr("fe80::1") }, "LocalIP"},
		{"unspecified local", func(c *Config) { c.LocalIP = netip.IPv4Unspecified() }, "LocalIP"},
		{"mapped IPv4 local", func(c *Config) { c.LocalIP = netip.MustParseAddr("::ffff:192.168.1.2") }, ""},
		{"multicast gateway", func(c *Config) { c.Gateway = netip.MustParseAddr("239.255.255.250") }, "Gateway"},
		{"broadcast gateway", func(c *Config) { c.Gateway = netip.MustParseAddr("255.255.255.255") }, "Gateway"},
		{"gateway", func(c *Config) { c.Gateway = netip.MustParseAddr("192.168.1.1") }, ""},
		{"short lifetime", func(c *Config) { c.Lifetime = time.Second }, "Lifetime"},
		{"shortest lifetime", func(c *Config) { c.Lifetime = MinLifetime }, ""},
		{"long lifetime", func(c *Config) { c.Lifetime = 25 * time.Hour }, "Lifetime"},
		{"negative timeout", func(c *Config) { c.Timeout = -time.Second }, "Timeout"},
		{"long timeout", func(c *Config) { c.Timeout = 2 * time.Minute }, "Timeout"},
		{"scope", func(c *Config) { c.SSDP = SSDPScope(9) }, "SSDP"},
		{"unicast scope", func(c *Config) { c.SSDP = SSDPGateway }, ""},
		{"description with a newline", func(c *Config) { c.Description = "a\nb" }, "Description"},
		{"long description", func(c *Config) { c.Description = strings.Repeat("x", 65) }, "Description"},
		{"non-ASCII description", func(c *Config) { c.Description = "jeu à deux" }, "Description"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ok
			tc.edit(&c)
			err := c.Validate()
			if tc.says == "" {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			if !errors.Is(err, ErrBadConfig) || !strings.Contains(err.Error(), tc.says) {
				t.Fatalf("Validate() = %v, want ErrBadConfig naming %s", err, tc.says)
			}
		})
	}
}
