//go:build !((linux && !android) || freebsd || netbsd || openbsd)

package launch

// Display reports whether Ebiten can open a window here. Outside X11
// systems Ebiten loads without a display, so the window's own error
// answers for it.
func Display() (ok bool, why string) { return true, "" }
