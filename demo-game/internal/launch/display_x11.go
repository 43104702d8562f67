//go:build (linux && !android) || freebsd || netbsd || openbsd

package launch

import (
	"errors"
	"fmt"
	"net"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// Display reports whether Ebiten can open a window here, and if not, why
// in a few words. On Linux and the BSDs Ebiten talks to an X server (under
// Wayland too, through XWayland), named by $DISPLAY, and panics as it
// loads when it cannot: Display checks that $DISPLAY is set and that
// something listens at the X server's socket.
func Display() (ok bool, why string) {
	d := os.Getenv("DISPLAY")
	if d == "" {
		return false, "no display (DISPLAY is not set)"
	}
	socks, err := xSockets(d, runtime.GOOS == "linux")
	if err != nil {
		return false, fmt.Sprintf("no display (DISPLAY=%s: %v)", d, err)
	}
	var last error
	for _, s := range socks {
		c, err := net.DialTimeout(s.network, s.address, 2*time.Second)
		if err == nil {
			c.Close()
			return true, ""
		}
		last = err
	}
	return false, fmt.Sprintf("no display (nothing answers at DISPLAY=%s: %v)", d, last)
}

// xSocket is where an X server listens.
type xSocket struct{ network, address string }

// xSockets returns where the X server of display d listens, in the order
// Xlib tries them: d is [PROTOCOL/][HOST]:NUMBER[.SCREEN]. A local display
// (no host, or "unix") listens on a Unix socket, which Linux also has in
// its abstract namespace; one on a host, on TCP port 6000+NUMBER.
func xSockets(d string, abstract bool) ([]xSocket, error) {
	i := strings.LastIndexByte(d, ':')
	if i < 0 {
		return nil, errors.New("want HOST:NUMBER, such as :0")
	}
	host, rest := d[:i], d[i+1:]
	if j := strings.IndexByte(rest, '.'); j >= 0 {
		rest = rest[:j] // the screen
	}
	n, err := strconv.Atoi(rest)
	if err != nil || n < 0 || n > 59535 {
		return nil, fmt.Errorf("display number %q is not a number", rest)
	}
	proto := ""
	if j := strings.IndexByte(host, '/'); j >= 0 && !strings.HasPrefix(host, "/") {
		proto, host = host[:j], host[j+1:]
	}
	switch {
	case strings.HasPrefix(host, "/"): // a socket path (XQuartz's launchd socket)
		return []xSocket{{"unix", host}}, nil
	case proto == "unix" || ((proto == "" || proto == "local") && (host == "" || host == "unix")):
		path := "/tmp/.X11-unix/X" + strconv.Itoa(n)
		if abstract {
			return []xSocket{{"unix", "@" + path}, {"unix", path}}, nil
		}
		return []xSocket{{"unix", path}}, nil
	case proto != "" && proto != "tcp" && proto != "inet" && proto != "inet6":
		return nil, fmt.Errorf("unknown protocol %q", proto)
	}
	if host == "" {
		host = "localhost"
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	return []xSocket{{"tcp", net.JoinHostPort(host, strconv.Itoa(6000+n))}}, nil
}
