package sharecode

// The check of a short code: a Reed-Solomon code over GF(32) with two check
// symbols. The codeword is the version, the sixteen secret symbols and the
// two check symbols, read as the coefficients of a polynomial (highest
// degree first); it is a valid codeword when the polynomial has the roots α
// and α², where α is a root of the primitive polynomial x⁵+x²+1. Such a code
// has a minimum distance of three symbols, so every change of one or two
// symbols, a swap of two included, leaves a polynomial without those roots.
// The version symbol is never typed: it only makes a code of another
// version fail the check.

const (
	gfPoly = 0x25 // x⁵+x²+1
	gfSize = 32
)

// gfMul multiplies two elements of GF(32).
func gfMul(a, b byte) byte {
	var p byte
	for b != 0 {
		if b&1 != 0 {
			p ^= a
		}
		b >>= 1
		a <<= 1
		if a&gfSize != 0 {
			a ^= gfPoly
		}
	}
	return p
}

const (
	gfAlpha = 2
	gfA2    = 4 // α²
	gfA3    = 8 // α³
	// The generator (x+α)(x+α²) = x² + g1·x + g0.
	rsG1 = gfAlpha ^ gfA2
	rsG0 = gfA3
)

// rsCheck returns the two check symbols of the version and the symbol
// values in data: the remainder of their polynomial times x² divided by the
// generator.
func rsCheck(version uint8, data []byte) (c1, c0 byte) {
	var r1, r0 byte
	feed := func(m byte) {
		fb := m ^ r1
		r1 = r0 ^ gfMul(fb, rsG1)
		r0 = gfMul(fb, rsG0)
	}
	feed(version & (gfSize - 1))
	for _, v := range data {
		feed(v & (gfSize - 1))
	}
	return r1, r0
}

// rsEval evaluates the polynomial whose coefficients are p (highest degree
// first) at x.
func rsEval(p []byte, x byte) byte {
	var y byte
	for _, c := range p {
		y = gfMul(y, x) ^ c
	}
	return y
}
