package portmap

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// TestNothingAnswersOnLoopback: with a "gateway" on this machine's
// loopback where nothing speaks NAT-PMP or UPnP, and the SSDP search kept
// to it (nothing leaves the machine), Map returns ErrNoMapping naming both
// protocols, and leaves no goroutine behind.
func TestNothingAnswersOnLoopback(t *testing.T) {
	defer goleak.VerifyNone(t)
	lo := netip.MustParseAddr("127.0.0.1")
	m, err := Map(context.Background(), Config{InternalPort: 9, Gateway: lo, LocalIP: lo, SSDP: SSDPGateway, Timeout: 300 * time.Millisecond})
	if err == nil {
		m.Close()
		t.Fatal("Map made a mapping on loopback")
	}
	if !errors.Is(err, ErrNoMapping) || !strings.Contains(err.Error(), "nat-pmp: ") || !strings.Contains(err.Error(), "upnp: ") {
		t.Fatalf("Map = %v, want ErrNoMapping naming both protocols", err)
	}
}

// TestMapCancelled: a cancelled context ends Map at once with its error
// beside ErrNoMapping.
func TestMapCancelled(t *testing.T) {
	defer goleak.VerifyNone(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	lo := netip.MustParseAddr("127.0.0.1")
	_, err := Map(ctx, Config{InternalPort: 9, Gateway: lo, LocalIP: lo, SSDP: SSDPGateway})
	if !errors.Is(err, ErrNoMapping) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Map = %v, want ErrNoMapping and context.Canceled", err)
	}
}

func TestMapBadConfig(t *testing.T) {
	if _, err := Map(context.Background(), Config{}); !errors.Is(err, ErrBadConfig) {
		t.Fatalf("Map(Config{}) = %v, want ErrBadConfig", err)
	}
}
