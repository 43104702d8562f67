//go:build (linux && !android) || freebsd || netbsd || openbsd

package nodisplay

import "syscall"

// Check returns "" when an X server answers at display d (the value of
// $DISPLAY), and otherwise why not in a few words. A local display (":N",
// "unix:N") is checked at its Unix socket, in Linux's abstract namespace
// and in /tmp/.X11-unix; a display on another host is taken on trust, as
// asking would need the network packages this package must not load.
func Check(d string) string {
	if d == "" {
		return "no display (DISPLAY is not set)"
	}
	colon := -1
	for i := len(d) - 1; i >= 0; i-- {
		if d[i] == ':' {
			colon = i
			break
		}
	}
	if colon < 0 {
		return "no display (DISPLAY=" + d + " is not HOST:NUMBER)"
	}
	host, num := d[:colon], d[colon+1:]
	for i := 0; i < len(num); i++ {
		if num[i] == '.' {
			num = num[:i] // the screen
			break
		}
	}
	if num == "" || len(num) > 5 {
		return "no display (DISPLAY=" + d + ": no display number)"
	}
	for i := 0; i < len(num); i++ {
		if num[i] < '0' || num[i] > '9' {
			return "no display (DISPLAY=" + d + ": no display number)"
		}
	}
	if host != "" && host != "unix" && host != "local/unix" && host != "unix/unix" {
		return ""
	}
	path := "/tmp/.X11-unix/X" + num
	for _, addr := range []string{"\x00" + path, path} {
		if dialUnix(addr) {
			return ""
		}
	}
	return "no display (nothing answers at DISPLAY=" + d + ")"
}

// dialUnix reports whether something accepts a connection at the Unix
// socket addr (a leading NUL: Linux's abstract namespace).
func dialUnix(addr string) bool {
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		return false
	}
	defer syscall.Close(fd)
	sa := &syscall.SockaddrUnix{Name: addr}
	if addr[0] == 0 {
		sa.Name = "@" + addr[1:]
	}
	return syscall.Connect(fd, sa) == nil
}
