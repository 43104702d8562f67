package netcode

import (
	"context"
	"crypto/rand"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/peerstep/peerstep/netcode/internal/seal"
	"github.com/peerstep/peerstep/netcode/internal/wire"
	"github.com/peerstep/peerstep/netcode/sharecode"
)

// otherVersion is a handshake envelope of the next wire version, as a newer
// or older release would send it: [version, type, [body]].
func otherVersion(t wire.Type) []byte {
	return []byte{0x93, wire.Version + 1, byte(t), 0x91, 0xc4, 0x00}
}

// A joiner of another wire version who knows the secret hears why it is
// turned away, in the host's version, and the host admits no one.
func TestHostAnswersOtherVersion(t *testing.T) {
	ctx := context.Background()
	host, err := Host[testInput](ctx, localConfig("host", nil))
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	c := host.c
	s := listenLocal(t)
	d, err := seal.SealHandshake(nil, c.lobbyKey, c.matchID, rand.Reader, otherVersion(wire.TypeHello))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.WriteTo(d, udpAddr(c.ep.localAddr())); err != nil {
		t.Fatal(err)
	}
	_ = s.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 2048)
	n, _, err := s.ReadFrom(buf)
	if err != nil {
		t.Fatalf("no answer to a handshake of another version: %v", err)
	}
	plain, err := seal.OpenHandshake(nil, c.lobbyKey, c.matchID, buf[:n])
	if err != nil {
		t.Fatalf("answer not sealed with the lobby key: %v", err)
	}
	m, err := wire.Decode(plain)
	if err != nil {
		t.Fatalf("answer does not decode: %v", err)
	}
	r, ok := m.(*wire.Refused)
	if !ok || r.Reason != wire.RefusedVersion {
		t.Fatalf("answer %#v, want a Refused with reason RefusedVersion", m)
	}
	if got := len(host.Lobby().Players); got != 1 {
		t.Fatalf("lobby has %d players after the refusal, want the host alone", got)
	}
}

// A host of another wire version answers the joiner's Hello in a format
// the joiner cannot read: Join says so at once instead of timing out as if
// no one were there.
func TestJoinOtherVersionHost(t *testing.T) {
	fake := listenLocal(t)
	code, err := sharecode.New([]netip.AddrPort{fake.LocalAddr().(*net.UDPAddr).AddrPort()}, nil)
	if err != nil {
		t.Fatal(err)
	}
	key, id := seal.DeriveLobby(code.Secret[:])
	go func() { // answers every handshake it can open; ends when the socket closes
		buf := make([]byte, 2048)
		for {
			n, from, err := fake.ReadFrom(buf)
			if err != nil {
				return
			}
			if _, err := seal.OpenHandshake(nil, key, id, buf[:n]); err != nil {
				continue
			}
			d, err := seal.SealHandshake(nil, key, id, rand.Reader, otherVersion(wire.TypeCookie))
			if err == nil {
				_, _ = fake.WriteTo(d, from)
			}
		}
	}()
	cfg := localConfig("bob", nil)
	cfg.JoinTimeout = 10 * time.Second
	start := time.Now()
	s, err := Join[testInput](context.Background(), code.String(), cfg)
	if err == nil {
		s.Close()
		t.Fatal("joined a host of another wire version")
	}
	if !errors.Is(err, ErrIncompatibleVersion) {
		t.Fatalf("Join = %v, want ErrIncompatibleVersion", err)
	}
	if errors.Is(err, ErrHostUnreachable) {
		t.Fatalf("Join = %v: also ErrHostUnreachable", err)
	}
	t.Logf("refused after %v: %v", time.Since(start).Round(time.Millisecond), err)
}
