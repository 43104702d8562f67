//go:build !((linux && !android) || freebsd || netbsd || openbsd)

package nodisplay

// Check returns "": elsewhere than on X11 systems Ebiten loads without a
// display server to ask.
func Check(d string) string { return "" }
