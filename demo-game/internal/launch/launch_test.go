package launch

import (
	"bytes"
	"errors"
	"flag"
	"strings"
	"testing"

	"github.com/peerstep/peerstep/internal/cli"
)

func TestParse(t *testing.T) {
	tests := []struct {
		args []string
		want string // "" if fine
	}{
		{nil, ""},
		{[]string{"-practice", "-width", "960", "-height", "540", "-netgraph", "-fullscreen"}, ""},
		{[]string{"-width", "100"}, "-width 100: 320 to 16384 pixels"},
		{[]string{"-height", "x"}, "-height x: want a whole number"},
		{[]string{"-latency", "100h"}, "-latency 100h: at most 10s"},
		{[]string{"-headless"}, "nothing to do: give -host, -join CODE, -practice or -replay"},
		{[]string{"-join", ""}, `-join "": Type or paste a share code first.`},
		{[]string{"-window"}, "-window: no such flag (-help lists them)"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out bytes.Buffer
			c, err := Parse(tt.args, &out)
			if tt.want == "" {
				if err != nil || c == nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			var ue *cli.UsageError
			if !errors.As(err, &ue) || err.Error() != tt.want || out.Len() != 0 {
				t.Fatalf("Parse = %v, printed %q; want the usage error %q", err, out.String(), tt.want)
			}
		})
	}
	c, err := Parse([]string{"-practice", "-width", "960", "-netgraph"}, &bytes.Buffer{})
	if err != nil || !c.Flags.Practice || c.Width != 960 || c.Height != 720 || !c.NetGraph || c.Fullscreen {
		t.Errorf("Parse: %+v, %v", c, err)
	}
	c, err = Parse([]string{"-practice", "-name", "ada", "-config", "/tmp/x.json"}, &bytes.Buffer{})
	if err != nil || !c.NameSet || c.Flags.Name != "ada" || c.Config != "/tmp/x.json" {
		t.Errorf("-name and -config: %+v, %v", c, err)
	}
	if c, err := Parse([]string{"-practice"}, &bytes.Buffer{}); err != nil || c.NameSet || c.Config != "" {
		t.Errorf("no -name: %+v, %v", c, err)
	}
	var out bytes.Buffer
	if _, err := Parse([]string{"-help"}, &out); !errors.Is(err, flag.ErrHelp) ||
		!strings.HasPrefix(out.String(), "Neon Trails: light cycles") || !strings.Contains(out.String(), BotHint) {
		t.Errorf("-help: %v, printed %q", err, out.String())
	}
}
