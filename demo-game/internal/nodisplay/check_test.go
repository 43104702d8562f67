//go:build linux

package nodisplay

import (
	"net"
	"strconv"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	// An X server of our own, in Linux's abstract namespace, at a display
	// number no real one uses.
	n := 59000 + len(t.Name())
	l, err := net.Listen("unix", "@/tmp/.X11-unix/X"+strconv.Itoa(n))
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
	d := ":" + strconv.Itoa(n)
	for _, tt := range []struct {
		display string
		want    string // "" or a prefix of the answer
	}{
		{d, ""},
		{d + ".0", ""},
		{"unix" + d, ""},
		{"otherhost:0", ""}, // taken on trust
		{"", "no display (DISPLAY is not set)"},
		{":" + strconv.Itoa(n+1), "no display (nothing answers at DISPLAY=:"},
		{"nonsense", "no display (DISPLAY=nonsense is not HOST:NUMBER)"},
		{":x", "no display (DISPLAY=:x: no display number)"},
		{":", "no display (DISPLAY=:: no display number)"},
		{":1234567", "no display (DISPLAY=:1234567: no display number)"},
	} {
		got := Check(tt.display)
		if (tt.want == "") != (got == "") || !strings.HasPrefix(got, tt.want) {
			t.Errorf("Check(%q) = %q, want %q", tt.display, got, tt.want)
		}
	}
}

func FuzzCheck(f *testing.F) {
	for _, s := range []string{":0", "unix:0.1", "host:10", "", ":", "a:b:c", "::1:0", ":99999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, d string) {
		if got := Check(d); got != "" && !strings.HasPrefix(got, "no display (") {
			t.Fatalf("Check(%q) = %q", d, got)
		}
	})
}
