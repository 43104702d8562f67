//go:build linux && !android

package launch

import (
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestXSockets(t *testing.T) {
	tests := []struct {
		display string
		want    []xSocket // nil: an error
	}{
		{":0", []xSocket{{"unix", "@/tmp/.X11-unix/X0"}, {"unix", "/tmp/.X11-unix/X0"}}},
		{":99.0", []xSocket{{"unix", "@/tmp/.X11-unix/X99"}, {"unix", "/tmp/.X11-unix/X99"}}},
		{"unix:1", []xSocket{{"unix", "@/tmp/.X11-unix/X1"}, {"unix", "/tmp/.X11-unix/X1"}}},
		{"unix/:2", []xSocket{{"unix", "@/tmp/.X11-unix/X2"}, {"unix", "/tmp/.X11-unix/X2"}}},
		{"localhost:10.0", []xSocket{{"tcp", "localhost:6010"}}},
		{"tcp/127.0.0.1:1", []xSocket{{"tcp", "127.0.0.1:6001"}}},
		{"[::1]:3", []xSocket{{"tcp", "[::1]:6003"}}},
		{"/private/tmp/com.apple.launchd.x/org.xquartz:0", []xSocket{{"unix", "/private/tmp/com.apple.launchd.x/org.xquartz"}}},
		{"0", nil},
		{":", nil},
		{":x", nil},
		{":-1", nil},
		{"decnet/host:0", nil},
	}
	for _, tt := range tests {
		got, err := xSockets(tt.display, true)
		if (err != nil) != (tt.want == nil) || !slices.Equal(got, tt.want) {
			t.Errorf("xSockets(%q) = %v, %v; want %v", tt.display, got, err, tt.want)
		}
	}
	if got, _ := xSockets(":0", false); !slices.Equal(got, []xSocket{{"unix", "/tmp/.X11-unix/X0"}}) {
		t.Errorf("without the abstract namespace: %v", got)
	}
}

func FuzzXSockets(f *testing.F) {
	for _, s := range []string{":0", "unix:1.0", "localhost:10", "tcp/[::1]:3", "/tmp/x:0", "", "::::", "a/b/c:9"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, d string) {
		socks, err := xSockets(d, true)
		if err == nil && len(socks) == 0 {
			t.Fatalf("xSockets(%q): no socket and no error", d)
		}
		for _, s := range socks {
			if s.network != "unix" && s.network != "tcp" {
				t.Fatalf("xSockets(%q): network %q", d, s.network)
			}
		}
	})
}

// TestDisplay: a display is there when something listens at its socket,
// and not when DISPLAY is unset or nothing listens. It listens in Linux's
// abstract namespace, at a display number no X server uses.
func TestDisplay(t *testing.T) {
	n := 50000 + os.Getpid()%9000
	l, err := net.Listen("unix", fmt.Sprintf("@/tmp/.X11-unix/X%d", n))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	t.Setenv("DISPLAY", fmt.Sprintf(":%d.0", n))
	if ok, why := Display(); !ok {
		t.Errorf("Display() with a listener at :%d: %s", n, why)
	}
	t.Setenv("DISPLAY", fmt.Sprintf(":%d", n+1))
	if ok, why := Display(); ok || !strings.HasPrefix(why, fmt.Sprintf("no display (nothing answers at DISPLAY=:%d: ", n+1)) {
		t.Errorf("Display() with nothing at :%d = %v, %q", n+1, ok, why)
	}
	t.Setenv("DISPLAY", "")
	if ok, why := Display(); ok || why != "no display (DISPLAY is not set)" {
		t.Errorf("Display() with DISPLAY unset = %v, %q", ok, why)
	}
	t.Setenv("DISPLAY", "nonsense")
	if ok, why := Display(); ok || !strings.HasPrefix(why, "no display (DISPLAY=nonsense: want HOST:NUMBER") {
		t.Errorf("Display() with DISPLAY=nonsense = %v, %q", ok, why)
	}
}
