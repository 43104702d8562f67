package seal

import (
	"bytes"
	"crypto/ecdh"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"net/netip"
	"testing"
	"testing/iotest"
	"time"
)

// detReader is a deterministic byte source for tests.
type detReader struct{ r *rand.ChaCha8 }

func newDetReader(seed byte) *detReader {
	var s [32]byte
	s[0] = seed
	return &detReader{rand.NewChaCha8(s)}
}

func (d *detReader) Read(p []byte) (int, error) { return d.r.Read(p) }

var (
	testLinkKey  = [KeySize]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}
	testLobbyKey [KeySize]byte // filled in init
	testLinkID   = uint32(0xA1B2C3D4)
	testMatchID  = uint32(0x01020304)
)

func init() {
	for i := range testLobbyKey {
		testLobbyKey[i] = byte(0xF0 - i)
	}
}

func mustSealer(t testing.TB, key [KeySize]byte, id uint32) *LinkSealer {
	t.Helper()
	s, err := NewLinkSealer(key, id)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func mustOpener(t testing.TB, key [KeySize]byte, id uint32) *LinkOpener {
	t.Helper()
	o, err := NewLinkOpener(key, id)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func TestDeriveLobby(t *testing.T) {
	secret := []byte("0123456789abcdef")
	k1, id1 := DeriveLobby(secret)
	k2, id2 := DeriveLobby(bytes.Clone(secret))
	if k1 != k2 || id1 != id2 {
		t.Fatal("DeriveLobby is not deterministic")
	}
	k3, id3 := DeriveLobby([]byte("0123456789abcdeF"))
	if k1 == k3 || id1 == id3 {
		t.Fatal("different secrets give the same lobby key or match ID")
	}
	if k1 == ([KeySize]byte{}) {
		t.Fatal("zero lobby key")
	}
	if binary.BigEndian.Uint32(k1[:4]) == id1 {
		t.Fatal("match ID leaks the key")
	}
}

func TestGenerateKey(t *testing.T) {
	a, err := GenerateKey(newDetReader(1))
	if err != nil {
		t.Fatal(err)
	}
	b, err := GenerateKey(newDetReader(1))
	if err != nil {
		t.Fatal(err)
	}
	if !a.Equal(b) {
		t.Fatal("GenerateKey ignores its reader")
	}
	if a.Curve() != ecdh.X25519() {
		t.Fatal("not an X25519 key")
	}
	c, err := GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Equal(d) || c.Equal(a) {
		t.Fatal("GenerateKey(nil) is not random")
	}
	if _, err := GenerateKey(bytes.NewReader(make([]byte, 31))); err == nil {
		t.Fatal("GenerateKey with a short reader succeeded")
	}
}

// linkPair derives both sides of a link like two peers would.
func linkPair(t testing.TB, secret []byte) (aPriv, bPriv *ecdh.PrivateKey, aSend, aRecv, bSend, bRecv [KeySize]byte) {
	t.Helper()
	var err error
	if aPriv, err = GenerateKey(newDetReader(10)); err != nil {
		t.Fatal(err)
	}
	if bPriv, err = GenerateKey(newDetReader(11)); err != nil {
		t.Fatal(err)
	}
	aShared, err := aPriv.ECDH(bPriv.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	bShared, err := bPriv.ECDH(aPriv.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	aPub, bPub := aPriv.PublicKey().Bytes(), bPriv.PublicKey().Bytes()
	if aSend, aRecv, err = DeriveLinkKeys(secret, aShared, aPub, bPub); err != nil {
		t.Fatal(err)
	}
	if bSend, bRecv, err = DeriveLinkKeys(secret, bShared, bPub, aPub); err != nil {
		t.Fatal(err)
	}
	return
}

func TestDeriveLinkKeys(t *testing.T) {
	secret := []byte("0123456789abcdef")
	aPriv, bPriv, aSend, aRecv, bSend, bRecv := linkPair(t, secret)
	if aSend != bRecv || aRecv != bSend {
		t.Fatal("A.send != B.recv or A.recv != B.send")
	}
	if aSend == aRecv {
		t.Fatal("both directions share a key")
	}
	lobby, _ := DeriveLobby(secret)
	if aSend == lobby || aRecv == lobby {
		t.Fatal("link key equals lobby key")
	}
	_, _, aSend2, _, _, _ := linkPair(t, []byte("another secret!!"))
	if aSend2 == aSend {
		t.Fatal("link keys do not depend on the match secret")
	}

	aPub, bPub := aPriv.PublicKey().Bytes(), bPriv.PublicKey().Bytes()
	shared, _ := aPriv.ECDH(bPriv.PublicKey())
	bad := []struct {
		name                string
		shared, local, remo []byte
	}{
		{"equal public keys", shared, aPub, aPub},
		{"short local", shared, aPub[:31], bPub},
		{"long remote", shared, aPub, append(bytes.Clone(bPub), 0)},
		{"short shared", shared[:16], aPub, bPub},
		{"zero shared", make([]byte, 32), aPub, bPub},
	}
	for _, tt := range bad {
		if _, _, err := DeriveLinkKeys(secret, tt.shared, tt.local, tt.remo); err == nil {
			t.Errorf("%s: no error", tt.name)
		}
	}
}

func TestLinkID(t *testing.T) {
	a, b := bytes.Repeat([]byte{1}, 32), bytes.Repeat([]byte{2}, 32)
	if LinkID(a, b) == LinkID(b, a) {
		t.Fatal("LinkID does not depend on direction")
	}
	if LinkID(a, b) != LinkID(bytes.Clone(a), bytes.Clone(b)) {
		t.Fatal("LinkID is not deterministic")
	}
}

// TestLinkEndToEnd runs a full link between two derived peers in both
// directions, with link IDs as documented.
func TestLinkEndToEnd(t *testing.T) {
	aPriv, bPriv, aSend, aRecv, bSend, bRecv := linkPair(t, []byte("0123456789abcdef"))
	aPub, bPub := aPriv.PublicKey().Bytes(), bPriv.PublicKey().Bytes()
	aToB := mustSealer(t, aSend, LinkID(aPub, bPub))
	bFromA := mustOpener(t, bRecv, LinkID(aPub, bPub))
	bToA := mustSealer(t, bSend, LinkID(bPub, aPub))
	aFromB := mustOpener(t, aRecv, LinkID(bPub, aPub))
	for i := range 10 {
		msg := []byte{byte(i), 'a'}
		d, err := aToB.Seal(nil, msg)
		if err != nil {
			t.Fatal(err)
		}
		if _, id, _ := Peek(d); id != LinkID(aPub, bPub) {
			t.Fatal("wrong link ID on the wire")
		}
		got, err := bFromA.Open(nil, d)
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("B opens %x: %q %v", d, got, err)
		}
		if _, err := aFromB.Open(nil, d); !errors.Is(err, ErrMalformed) {
			t.Fatalf("A opened its own datagram: %v", err)
		}
		msg[1] = 'b'
		d, _ = bToA.Seal(nil, msg)
		got, err = aFromB.Open(nil, d)
		if err != nil || !bytes.Equal(got, msg) {
			t.Fatalf("A opens: %q %v", got, err)
		}
	}
}

func TestLinkRoundTrip(t *testing.T) {
	s := mustSealer(t, testLinkKey, testLinkID)
	o := mustOpener(t, testLinkKey, testLinkID)
	for i, n := range []int{0, 1, 15, 16, 17, 64, 1200, 65000} {
		pt := make([]byte, n)
		newDetReader(byte(n)).Read(pt)
		prefix := []byte("keep")
		d, err := s.Seal(bytes.Clone(prefix), pt)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(d[:4], prefix) {
			t.Fatal("Seal clobbered dst")
		}
		d = d[4:]
		if len(d) != n+LinkOverhead {
			t.Fatalf("len = %d, want %d", len(d), n+LinkOverhead)
		}
		if d[0] != KindLink || binary.BigEndian.Uint32(d[1:5]) != testLinkID ||
			binary.BigEndian.Uint32(d[5:9]) != uint32(i+1) || s.Counter() != uint64(i+1) {
			t.Fatalf("bad header %x", d[:LinkHeaderSize])
		}
		got, err := o.Open([]byte("x"), d)
		if err != nil {
			t.Fatal(err)
		}
		if got[0] != 'x' || !bytes.Equal(got[1:], pt) {
			t.Fatal("plaintext differs")
		}
	}
}

func TestLinkInPlace(t *testing.T) {
	s := mustSealer(t, testLinkKey, testLinkID)
	o := mustOpener(t, testLinkKey, testLinkID)
	buf := make([]byte, LinkHeaderSize+5, 100)
	copy(buf[LinkHeaderSize:], "hello")
	d, err := s.Seal(buf[:0], buf[LinkHeaderSize:])
	if err != nil {
		t.Fatal(err)
	}
	got, err := o.Open(d[LinkHeaderSize:LinkHeaderSize], d)
	if err != nil || string(got) != "hello" {
		t.Fatalf("%q %v", got, err)
	}
}

func TestLinkTamper(t *testing.T) {
	s := mustSealer(t, testLinkKey, testLinkID)
	d, err := s.Seal(nil, []byte("attack at dawn"))
	if err != nil {
		t.Fatal(err)
	}
	for i := range d {
		for _, flip := range []byte{0x01, 0x80, 0xFF} {
			o := mustOpener(t, testLinkKey, testLinkID)
			bad := bytes.Clone(d)
			bad[i] ^= flip
			_, err := o.Open(nil, bad)
			if !errors.Is(err, ErrAuth) && !errors.Is(err, ErrMalformed) {
				t.Fatalf("byte %d ^ %#x: error = %v", i, flip, err)
			}
		}
	}
	o := mustOpener(t, testLinkKey, testLinkID)
	for n := range len(d) {
		if _, err := o.Open(nil, d[:n]); !errors.Is(err, ErrAuth) && !errors.Is(err, ErrMalformed) {
			t.Fatalf("truncated to %d: %v", n, err)
		}
	}
	if _, err := o.Open(nil, append(bytes.Clone(d), 0)); !errors.Is(err, ErrAuth) {
		t.Fatalf("extended: %v", err)
	}
	if _, err := o.Open(nil, d); err != nil {
		t.Fatalf("failed attempts moved the window: %v", err)
	}
}

func TestLinkWrongKeyOrID(t *testing.T) {
	s := mustSealer(t, testLinkKey, testLinkID)
	d, _ := s.Seal(nil, []byte("hi"))
	other := testLinkKey
	other[0] ^= 1
	if _, err := mustOpener(t, other, testLinkID).Open(nil, d); !errors.Is(err, ErrAuth) {
		t.Fatalf("wrong key: %v", err)
	}
	if _, err := mustOpener(t, testLinkKey, testLinkID+1).Open(nil, d); !errors.Is(err, ErrMalformed) {
		t.Fatalf("wrong link ID: %v", err)
	}
	hs, _ := SealHandshake(nil, testLinkKey, testLinkID, nil, []byte("hi"))
	if _, err := mustOpener(t, testLinkKey, testLinkID).Open(nil, hs); !errors.Is(err, ErrMalformed) {
		t.Fatalf("handshake as link: %v", err)
	}
}

func TestLinkReplay(t *testing.T) {
	s := mustSealer(t, testLinkKey, testLinkID)
	const n = 1100
	ds := make([][]byte, n+1) // ds[c] has counter c
	for c := 1; c <= n; c++ {
		ds[c], _ = s.Seal(nil, []byte{byte(c)})
	}

	o := mustOpener(t, testLinkKey, testLinkID)
	if _, err := o.Open(nil, ds[1]); err != nil {
		t.Fatal(err)
	}
	if _, err := o.Open(nil, ds[1]); !errors.Is(err, ErrReplay) {
		t.Fatalf("replay: %v", err)
	}

	// Out of order within the window: each accepted exactly once.
	for _, c := range []int{5, 3, 2, 4, 9, 6, 8, 7} {
		if _, err := o.Open(nil, ds[c]); err != nil {
			t.Fatalf("counter %d: %v", c, err)
		}
	}
	for c := 1; c <= 9; c++ {
		if _, err := o.Open(nil, ds[c]); !errors.Is(err, ErrReplay) {
			t.Fatalf("second counter %d: %v", c, err)
		}
	}

	// Jump ahead; old counters fall out of the window.
	if _, err := o.Open(nil, ds[n]); err != nil {
		t.Fatal(err)
	}
	oldest := n - WindowSize + 1
	if _, err := o.Open(nil, ds[oldest-1]); !errors.Is(err, ErrReplay) {
		t.Fatalf("too old: %v", err)
	}
	if _, err := o.Open(nil, ds[10]); !errors.Is(err, ErrReplay) {
		t.Fatalf("too old: %v", err)
	}
	if _, err := o.Open(nil, ds[oldest]); err != nil {
		t.Fatalf("oldest in window: %v", err)
	}
	if _, err := o.Open(nil, ds[n-1]); err != nil {
		t.Fatalf("in window: %v", err)
	}
}

// TestForgedCounterDoesNotMoveWindow sends a datagram with a huge counter
// and a bad tag; the window must stay put.
func TestForgedCounterDoesNotMoveWindow(t *testing.T) {
	s := mustSealer(t, testLinkKey, testLinkID)
	o := mustOpener(t, testLinkKey, testLinkID)
	d1, _ := s.Seal(nil, []byte("one"))
	forged := bytes.Clone(d1)
	binary.BigEndian.PutUint32(forged[5:9], 1<<31)
	if _, err := o.Open(nil, forged); !errors.Is(err, ErrAuth) {
		t.Fatalf("forged: %v", err)
	}
	if _, err := o.Open(nil, d1); err != nil {
		t.Fatalf("window moved by a forged datagram: %v", err)
	}
}

func TestExhausted(t *testing.T) {
	s := mustSealer(t, testLinkKey, testLinkID)
	o := mustOpener(t, testLinkKey, testLinkID)
	s.last = math.MaxUint64 - 1
	o.window.Accept(math.MaxUint64 - 2)
	d, err := s.Seal(nil, []byte("last"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := o.Open(nil, d); err != nil || string(got) != "last" {
		t.Fatalf("%q %v", got, err)
	}
	if _, err := s.Seal(nil, []byte("more")); !errors.Is(err, ErrExhausted) {
		t.Fatalf("error = %v, want ErrExhausted", err)
	}
	if _, err := s.Seal(nil, []byte("more")); !errors.Is(err, ErrExhausted) {
		t.Fatalf("error = %v, want ErrExhausted", err)
	}
}

// TestReplayWindowModel compares ReplayWindow with a simple model on random
// sequences.
func TestReplayWindowModel(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for round := range 200 {
		var w ReplayWindow
		seen := map[uint64]bool{}
		var highest uint64
		base := uint64(0)
		if round%4 == 3 {
			base = math.MaxUint64 - 5000
		}
		next := base
		for range 3000 {
			var c uint64
			switch r.IntN(5) {
			case 0: // jump ahead
				next += uint64(r.IntN(3000))
				c = next
			case 1: // exactly at the window edge
				c = highest - WindowSize + uint64(r.IntN(3))
			default: // near the top
				c = next - uint64(r.IntN(1500)) + 1
				next++
			}
			if r.IntN(50) == 0 {
				c = 0
			}
			want := c != 0 && (c > highest || (highest-c < WindowSize && !seen[c]))
			if got := w.Check(c); got != want {
				t.Fatalf("round %d: Check(%d) = %v, want %v (highest %d)", round, c, got, want, highest)
			}
			if r.IntN(4) != 0 {
				w.Accept(c)
				if want {
					seen[c] = true
					highest = max(highest, c)
				}
			}
			if w.Highest() != highest {
				t.Fatalf("Highest = %d, want %d", w.Highest(), highest)
			}
		}
	}
}

func TestReplayWindowEdges(t *testing.T) {
	var w ReplayWindow
	if w.Check(0) {
		t.Fatal("counter 0 accepted")
	}
	w.Accept(0)
	if w.Highest() != 0 {
		t.Fatal("Accept(0) moved the window")
	}
	w.Accept(math.MaxUint64)
	if w.Check(math.MaxUint64) || !w.Check(math.MaxUint64-WindowSize+1) || w.Check(math.MaxUint64-WindowSize) || w.Check(1) {
		t.Fatal("wrong at the top of the counter space")
	}
}

func TestHandshake(t *testing.T) {
	secret := []byte("0123456789abcdef")
	key, id := DeriveLobby(secret)
	pt := []byte("join: pubkey...")
	d, err := SealHandshake([]byte("pre"), key, id, newDetReader(3), pt)
	if err != nil {
		t.Fatal(err)
	}
	if string(d[:3]) != "pre" {
		t.Fatal("dst clobbered")
	}
	d = d[3:]
	if len(d) != len(pt)+HandshakeOverhead || d[0] != KindHandshake || binary.BigEndian.Uint32(d[1:5]) != id {
		t.Fatalf("bad datagram %x", d)
	}
	got, err := OpenHandshake(nil, key, id, d)
	if err != nil || !bytes.Equal(got, pt) {
		t.Fatalf("%q %v", got, err)
	}
	// Handshakes have no replay protection.
	if _, err := OpenHandshake(nil, key, id, d); err != nil {
		t.Fatal(err)
	}
	// Random nonces differ.
	d2, _ := SealHandshake(nil, key, id, nil, pt)
	if bytes.Equal(d[5:17], d2[5:17]) {
		t.Fatal("nonce repeated")
	}

	wrongKey, _ := DeriveLobby([]byte("0123456789abcdeX"))
	if _, err := OpenHandshake(nil, wrongKey, id, d); !errors.Is(err, ErrAuth) {
		t.Fatalf("wrong key: %v", err)
	}
	if _, err := OpenHandshake(nil, key, id+1, d); !errors.Is(err, ErrMalformed) {
		t.Fatalf("wrong match: %v", err)
	}
	for i := range d {
		bad := bytes.Clone(d)
		bad[i] ^= 0x40
		if _, err := OpenHandshake(nil, key, id, bad); !errors.Is(err, ErrAuth) && !errors.Is(err, ErrMalformed) {
			t.Fatalf("byte %d: %v", i, err)
		}
	}
	for n := range len(d) {
		if _, err := OpenHandshake(nil, key, id, d[:n]); !errors.Is(err, ErrAuth) && !errors.Is(err, ErrMalformed) {
			t.Fatalf("truncated to %d: %v", n, err)
		}
	}
	boom := errors.New("boom")
	if _, err := SealHandshake(nil, key, id, iotest.ErrReader(boom), pt); !errors.Is(err, boom) {
		t.Fatalf("rand error: %v", err)
	}
}

func TestRejectAndPeek(t *testing.T) {
	hs, _ := SealHandshake(nil, testLobbyKey, 0xDEADBEEF, nil, []byte("hello"))
	r := Reject(hs)
	if want := append([]byte{KindReject, 0xDE, 0xAD, 0xBE, 0xEF}, HandshakeNonce(hs)...); !bytes.Equal(r, want) {
		t.Fatalf("Reject = %x, want %x", r, want)
	}
	if len(r) >= len(hs) {
		t.Fatalf("a reject of %d bytes answers a handshake of %d", len(r), len(hs))
	}
	if id, nonce, ok := RejectNonce(r); !ok || id != 0xDEADBEEF || !bytes.Equal(nonce, hs[5:17]) {
		t.Fatalf("RejectNonce = %#x %x %v", id, nonce, ok)
	}
	for _, bad := range [][]byte{nil, hs[:HandshakeOverhead-1], r, {KindLink, 1, 2, 3, 4}} {
		if Reject(bad) != nil || HandshakeNonce(bad) != nil {
			t.Errorf("Reject or HandshakeNonce of %x is not nil", bad)
		}
	}
	if _, _, ok := RejectNonce(r[:RejectSize-1]); ok {
		t.Error("RejectNonce of a short reject is ok")
	}
	hs, _ = SealHandshake(nil, testLobbyKey, testMatchID, nil, nil)
	link, _ := mustSealer(t, testLinkKey, testLinkID).Seal(nil, nil)
	tests := []struct {
		name string
		d    []byte
		kind byte
		id   uint32
		ok   bool
	}{
		{"reject", r, KindReject, 0xDEADBEEF, true},
		{"reject too long", append(bytes.Clone(r), 0), 0, 0, false},
		{"handshake", hs, KindHandshake, testMatchID, true},
		{"short handshake", hs[:len(hs)-1], 0, 0, false},
		{"link", link, KindLink, testLinkID, true},
		{"short link", link[:len(link)-1], 0, 0, false},
		{"unknown kind", []byte{9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33}, 0, 0, false},
		{"empty", nil, 0, 0, false},
		{"four bytes", []byte{KindReject, 1, 2, 3}, 0, 0, false},
		{"old five-byte reject", []byte{KindReject, 1, 2, 3, 4}, 0, 0, false},
	}
	for _, tt := range tests {
		kind, id, ok := Peek(tt.d)
		if kind != tt.kind || id != tt.id || ok != tt.ok {
			t.Errorf("%s: Peek = %d %#x %v, want %d %#x %v", tt.name, kind, id, ok, tt.kind, tt.id, tt.ok)
		}
	}
}

func TestCookies(t *testing.T) {
	j, err := NewCookieJar(newDetReader(7))
	if err != nil {
		t.Fatal(err)
	}
	addr := netip.MustParseAddrPort("192.0.2.1:4000")
	pub := bytes.Repeat([]byte{7}, 32)
	t0 := time.Unix(1_700_000_000, 0) // start of a bucket
	c := j.Make(addr, pub, t0)
	if len(c) != CookieSize {
		t.Fatalf("len = %d", len(c))
	}
	valid := []time.Duration{0, time.Second, 9*time.Second + 999*time.Millisecond, 10 * time.Second, 19 * time.Second}
	for _, d := range valid {
		if !j.Verify(c, addr, pub, t0.Add(d)) {
			t.Errorf("not valid after %v", d)
		}
	}
	invalid := []time.Duration{20 * time.Second, 25 * time.Second, time.Hour, -time.Second, -10 * time.Second}
	for _, d := range invalid {
		if j.Verify(c, addr, pub, t0.Add(d)) {
			t.Errorf("valid after %v", d)
		}
	}
	if j.Verify(c, netip.MustParseAddrPort("192.0.2.2:4000"), pub, t0) {
		t.Error("valid for another IP")
	}
	if j.Verify(c, netip.MustParseAddrPort("192.0.2.1:4001"), pub, t0) {
		t.Error("valid for another port")
	}
	other := bytes.Clone(pub)
	other[31] ^= 1
	if j.Verify(c, addr, other, t0) {
		t.Error("valid for another public key")
	}
	for i := range c {
		bad := bytes.Clone(c)
		bad[i] ^= 1
		if j.Verify(bad, addr, pub, t0) {
			t.Errorf("valid with byte %d flipped", i)
		}
	}
	if j.Verify(c[:CookieSize-1], addr, pub, t0) || j.Verify(nil, addr, pub, t0) {
		t.Error("valid when truncated")
	}
	j2, _ := NewCookieJar(nil)
	if j2.Verify(c, addr, pub, t0) {
		t.Error("valid in another jar")
	}
	// Buckets before 1970 use floor division.
	neg := time.Unix(-15, 0)
	if !j.Verify(j.Make(addr, pub, neg), addr, pub, neg.Add(10*time.Second)) {
		t.Error("negative time")
	}
	if bucket(time.Unix(-1, 0)) != math.MaxUint64 || bucket(time.Unix(9, 0)) != 0 {
		t.Error("bucket floor division")
	}
	boom := errors.New("boom")
	if _, err := NewCookieJar(iotest.ErrReader(boom)); !errors.Is(err, boom) {
		t.Errorf("rand error: %v", err)
	}
}

func TestNoAllocs(t *testing.T) {
	s := mustSealer(t, testLinkKey, testLinkID)
	o := mustOpener(t, testLinkKey, testLinkID)
	pt := make([]byte, 1200)
	dbuf := make([]byte, 0, 2048)
	pbuf := make([]byte, 0, 2048)
	var d []byte
	if n := testing.AllocsPerRun(1000, func() {
		var err error
		d, err = s.Seal(dbuf[:0], pt)
		if err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Seal allocates %v times", n)
	}
	if n := testing.AllocsPerRun(1000, func() {
		d, _ = s.Seal(dbuf[:0], pt)
		if _, err := o.Open(pbuf[:0], d); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("Seal+Open allocates %v times", n)
	}
	bad := bytes.Clone(d)
	bad[len(bad)-1] ^= 1
	binary.BigEndian.PutUint32(bad[5:9], uint32(s.Counter()+1))
	if n := testing.AllocsPerRun(1000, func() {
		if _, err := o.Open(pbuf[:0], bad); err != ErrAuth {
			t.Fatal(err)
		}
		if _, err := o.Open(pbuf[:0], d); err != ErrReplay {
			t.Fatal(err)
		}
		if _, err := o.Open(pbuf[:0], d[:3]); err != ErrMalformed {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("rejecting allocates %v times", n)
	}
}

var benchSizes = []struct {
	name string
	n    int
}{{"64", 64}, {"1200", 1200}}

func BenchmarkSeal(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run(sz.name, func(b *testing.B) {
			s := mustSealer(b, testLinkKey, testLinkID)
			pt := make([]byte, sz.n)
			buf := make([]byte, 0, sz.n+LinkOverhead)
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := s.Seal(buf[:0], pt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkOpen(b *testing.B) {
	for _, sz := range benchSizes {
		b.Run(sz.name, func(b *testing.B) {
			s := mustSealer(b, testLinkKey, testLinkID)
			o := mustOpener(b, testLinkKey, testLinkID)
			// A ring of distinct datagrams; the replay window is reset each
			// time the ring wraps, which costs one small struct clear.
			const ring = 512
			ds := make([][]byte, ring)
			for i := range ds {
				ds[i], _ = s.Seal(nil, make([]byte, sz.n))
			}
			buf := make([]byte, 0, sz.n)
			b.SetBytes(int64(sz.n))
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				if i == ring {
					i = 0
					o.window = ReplayWindow{}
				}
				if _, err := o.Open(buf[:0], ds[i]); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

func BenchmarkReplayWindow(b *testing.B) {
	var w ReplayWindow
	b.ReportAllocs()
	var c uint64
	for b.Loop() {
		c++
		if w.Check(c) {
			w.Accept(c)
		}
	}
}

func TestExpandCounter(t *testing.T) {
	const span = 1 << 32
	tests := []struct {
		highest uint64
		low     uint32
		want    uint64
	}{
		{0, 1, 1},
		{0, 5, 5},
		{100, 90, 90},
		{span - 3, 2, span + 2},
		{span + 5, 0xfffffff0, span - 16},
		{5*span + 7, 8, 5*span + 8},
		{5*span + 7, 3, 5*span + 3},
		{math.MaxUint64 - 2, 0xffffffff, math.MaxUint64},
	}
	for _, tt := range tests {
		if got := expandCounter(tt.highest, tt.low); got != tt.want {
			t.Errorf("expandCounter(%#x, %#x) = %#x, want %#x", tt.highest, tt.low, got, tt.want)
		}
	}
}

// TestLinkCounterWraps seals past 2^32 datagrams (by setting the counter)
// and opens them in order and slightly out of order.
func TestLinkCounterWraps(t *testing.T) {
	var key [KeySize]byte
	key[0] = 7
	s, err := NewLinkSealer(key, 42)
	if err != nil {
		t.Fatal(err)
	}
	o, err := NewLinkOpener(key, 42)
	if err != nil {
		t.Fatal(err)
	}
	s.last = 1<<32 - 4
	o.window.Accept(1<<32 - 4)
	var ds [][]byte
	for i := range 8 {
		d, err := s.Seal(nil, []byte{byte(i)})
		if err != nil {
			t.Fatal(err)
		}
		ds = append(ds, d)
	}
	for _, i := range []int{0, 1, 3, 2, 4, 6, 5, 7} {
		p, err := o.Open(nil, ds[i])
		if err != nil || len(p) != 1 || p[0] != byte(i) {
			t.Fatalf("datagram %d: %x, %v", i, p, err)
		}
	}
	if h := o.window.Highest(); h != 1<<32+4 {
		t.Fatalf("highest counter %#x, want %#x", h, uint64(1<<32+4))
	}
	if _, err := o.Open(nil, ds[3]); err != ErrReplay {
		t.Fatalf("replayed datagram across the wrap: %v, want ErrReplay", err)
	}
}
