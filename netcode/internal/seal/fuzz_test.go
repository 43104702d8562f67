package seal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// fuzzLinkSeeds returns valid link datagrams sealed with testLinkKey and
// testLinkID, and some broken ones.
func fuzzLinkSeeds(t testing.TB) [][]byte {
	s := mustSealer(t, testLinkKey, testLinkID)
	var seeds [][]byte
	for _, pt := range []string{"", "a", "hello, peer", string(make([]byte, 100))} {
		d, err := s.Seal(nil, []byte(pt))
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, d)
	}
	s.last = 1 << 40
	d, _ := s.Seal(nil, []byte("far ahead"))
	seeds = append(seeds, d)
	bad := bytes.Clone(d)
	bad[len(bad)-1] ^= 1
	hs, _ := SealHandshake(nil, testLobbyKey, testMatchID, nil, []byte("hello"))
	seeds = append(seeds, bad, d[:LinkOverhead-1], []byte{KindLink}, nil, Reject(hs))
	return seeds
}

func FuzzOpenLink(f *testing.F) {
	for _, s := range fuzzLinkSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, d []byte) {
		o := mustOpener(t, testLinkKey, testLinkID)
		orig := bytes.Clone(d)
		pt, err := o.Open(nil, d)
		if !bytes.Equal(d, orig) {
			t.Fatal("Open modified its input")
		}
		if err != nil {
			if pt != nil {
				t.Fatal("plaintext returned with an error")
			}
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrAuth) && !errors.Is(err, ErrReplay) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if kind, id, ok := Peek(d); !ok || kind != KindLink || id != testLinkID {
			t.Fatalf("Peek disagrees with Open: %d %#x %v", kind, id, ok)
		}
		// Re-sealing the plaintext at the same counter gives the same bytes.
		counter := o.window.Highest()
		s := mustSealer(t, testLinkKey, testLinkID)
		s.last = counter - 1
		again, err := s.Seal(nil, pt)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, d) {
			t.Fatalf("round trip differs:\n%x\n%x", again, d)
		}
		if _, err := o.Open(nil, d); !errors.Is(err, ErrReplay) {
			t.Fatalf("second Open: %v, want ErrReplay", err)
		}
	})
}

// fuzzHandshakeSeeds returns valid handshake datagrams sealed with
// testLobbyKey and testMatchID, and some broken ones.
func fuzzHandshakeSeeds(t testing.TB) [][]byte {
	var seeds [][]byte
	r := newDetReader(42)
	for _, pt := range []string{"", "join", string(bytes.Repeat([]byte{0xAB}, 64))} {
		d, err := SealHandshake(nil, testLobbyKey, testMatchID, r, []byte(pt))
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, d)
	}
	bad := bytes.Clone(seeds[1])
	bad[5] ^= 1
	seeds = append(seeds, bad, seeds[0][:HandshakeOverhead-1], []byte{KindHandshake, 1, 2, 3, 4}, nil, Reject(seeds[0]))
	return seeds
}

func FuzzOpenHandshake(f *testing.F) {
	for _, s := range fuzzHandshakeSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, d []byte) {
		orig := bytes.Clone(d)
		pt, err := OpenHandshake(nil, testLobbyKey, testMatchID, d)
		if !bytes.Equal(d, orig) {
			t.Fatal("OpenHandshake modified its input")
		}
		if err != nil {
			if pt != nil {
				t.Fatal("plaintext returned with an error")
			}
			if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrAuth) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if kind, id, ok := Peek(d); !ok || kind != KindHandshake || id != testMatchID {
			t.Fatalf("Peek disagrees with OpenHandshake: %d %#x %v", kind, id, ok)
		}
		nonce := bytes.NewReader(d[5:HandshakeHeaderSize])
		again, err := SealHandshake(nil, testLobbyKey, testMatchID, nonce, pt)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again, d) {
			t.Fatalf("round trip differs:\n%x\n%x", again, d)
		}
	})
}

func FuzzPeek(f *testing.F) {
	for _, s := range fuzzLinkSeeds(f) {
		f.Add(s)
	}
	for _, s := range fuzzHandshakeSeeds(f) {
		f.Add(s)
	}
	f.Add([]byte{0x04, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, d []byte) {
		kind, id, ok := Peek(d)
		if !ok {
			if kind != 0 || id != 0 {
				t.Fatalf("not ok but kind %d id %#x", kind, id)
			}
			return
		}
		if kind != d[0] || id != binary.BigEndian.Uint32(d[1:5]) {
			t.Fatalf("Peek = %d %#x for %x", kind, id, d)
		}
		switch kind {
		case KindReject:
			mid, nonce, ok := RejectNonce(d)
			if !ok || mid != id || !bytes.Equal(d[5:], nonce) {
				t.Fatalf("reject %x: RejectNonce = %#x %x %v", d, mid, nonce, ok)
			}
		case KindHandshake:
			if len(d) < HandshakeOverhead {
				t.Fatalf("short handshake accepted: %x", d)
			}
		case KindLink:
			if len(d) < LinkOverhead {
				t.Fatalf("short link datagram accepted: %x", d)
			}
		default:
			t.Fatalf("unknown kind %d accepted", kind)
		}
	})
}
