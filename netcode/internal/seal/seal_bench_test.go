package seal

import (
	"testing"
)

// BenchmarkLinkDatagram seals and opens one typical link datagram (a KCP
// segment carrying one tick's input, about 50 bytes of plaintext) as the
// two ends of a link do, into reused buffers: one op is one datagram
// through both.
func BenchmarkLinkDatagram(b *testing.B) {
	var key [KeySize]byte
	for i := range key {
		key[i] = byte(i)
	}
	s, err := NewLinkSealer(key, 7)
	if err != nil {
		b.Fatal(err)
	}
	o, err := NewLinkOpener(key, 7)
	if err != nil {
		b.Fatal(err)
	}
	plain := make([]byte, 50)
	dbuf := make([]byte, 0, 2048)
	pbuf := make([]byte, 0, 2048)
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		d, err := s.Seal(dbuf[:0], plain)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := o.Open(pbuf[:0], d); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHandshakeDatagram seals and opens a handshake datagram (a
// 64-byte join payload) with the lobby key: lobby traffic, not a hot path.
func BenchmarkHandshakeDatagram(b *testing.B) {
	key, id := DeriveLobby(make([]byte, 16))
	plain := make([]byte, 64)
	dbuf := make([]byte, 0, 256)
	pbuf := make([]byte, 0, 256)
	b.SetBytes(int64(len(plain)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		d, err := SealHandshake(dbuf[:0], key, id, nil, plain)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := OpenHandshake(pbuf[:0], key, id, d); err != nil {
			b.Fatal(err)
		}
	}
}
