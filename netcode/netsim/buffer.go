package netsim

import "sync"

// buffer holds the copy of one datagram in flight. Buffers of the size
// classes below are pooled, so that a Conn in a steady state does not
// allocate per datagram; larger datagrams get buffers of their own.
type buffer struct{ b []byte }

var bufferClasses = [...]struct {
	size int
	pool sync.Pool
}{{size: 256}, {size: 2048}}

// newBuffer returns a buffer holding a copy of p.
func newBuffer(p []byte) *buffer {
	for i := range bufferClasses {
		class := &bufferClasses[i]
		if len(p) <= class.size {
			buf, _ := class.pool.Get().(*buffer)
			if buf == nil {
				buf = &buffer{b: make([]byte, 0, class.size)}
			}
			buf.b = append(buf.b[:0], p...)
			return buf
		}
	}
	return &buffer{b: append([]byte(nil), p...)}
}

// free returns buf to its pool; buf must not be used afterwards. The
// scheduler frees a buffer once the wrapped conn's WriteTo has returned,
// relying on it not to retain the slice, as io.Writer requires too.
func (buf *buffer) free() {
	for i := range bufferClasses {
		if class := &bufferClasses[i]; cap(buf.b) == class.size {
			class.pool.Put(buf)
			return
		}
	}
}
