package play

import (
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/peerstep/peerstep/internal/cli"
	"github.com/peerstep/peerstep/netcode"
	"github.com/peerstep/peerstep/netcode/sharecode"
)

// parseFlags parses args as the demo and neonbot do.
func parseFlags(args []string, headless bool) (Flags, error) {
	var f Flags
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	f.Register(fs)
	if err := cli.Parse(fs, args, io.Discard); err != nil {
		return f, err
	}
	f.Headless = f.Headless || headless
	return f, f.Check()
}

// TestFlagsCheck: every bad command line gets one line naming the flag,
// as a usage error, before anything starts.
func TestFlagsCheck(t *testing.T) {
	dir := t.TempDir()
	rec := filepath.Join(dir, "m.psreplay")
	if err := os.WriteFile(rec, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	partial := filepath.Join(dir, "p.psreplay")
	if err := os.WriteFile(partial+".partial", []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	code := validCode(t)
	tests := []struct {
		args     []string
		headless bool   // as neonbot: every run is headless
		want     string // "" if the flags are fine
	}{
		{[]string{"-host", "-bots", "2", "-players", "5", "-rounds", "5", "-latency", "30ms", "-jitter", "5ms", "-loss", "0.01"}, false, ""},
		{[]string{"-join", code, "-listen", "127.0.0.1:0", "-both-ways", "-latency", "20ms"}, true, ""},
		{[]string{"-practice", "-bots", "7", "-arena", "36x24"}, false, ""},
		{[]string{"-replay", rec}, true, ""},
		{[]string{"-replay", partial}, true, ""}, // read from p.psreplay.partial
		{[]string{"-practice", "-record", rec}, false, ""},
		{nil, false, ""}, // the title screen
		{nil, true, "nothing to do: give -host, -join CODE, -practice or -replay"},
		{[]string{"-headless"}, false, "nothing to do"},
		{[]string{"-join", ""}, true, `-join "": Type or paste a share code first.`},
		{[]string{"-join="}, false, `-join "": Type or paste a share code first.`},
		{[]string{"-join", "PS1-HELLO-WORLD"}, true, "-join PS1-HELLO-WORLD: That code was made by another release of Neon Trails: both of you need the same release."},
		{[]string{"-join", "PS1-!!!"}, true, "-join PS1-!!!: That is not a share code: character '!' at position 5 is not part of a share code."},
		{[]string{"-join", code[:len(code)-1] + flipLast(code)}, true, "That code has a typo"},
		{[]string{"-host", "-join", code}, false, "use one of -host, -join, -practice and -replay"},
		{[]string{"-host", "-latency", "100h"}, false, "-latency 100h: at most 10s"},
		{[]string{"-host", "-jitter", "10s", "-latency", "1ms"}, false, "-jitter 10s: at most the latency (-latency 1ms)"},
		{[]string{"-host", "-loss", "1"}, false, "-loss 1: want a probability of at least 0 and below 1"},
		{[]string{"-host", "-in-loss", "2"}, false, "-in-loss 2: want a probability"},
		{[]string{"-host", "-loss", "lots"}, false, "-loss lots: want a number"},
		{[]string{"-host", "-rounds", "0"}, false, "-rounds 0: 1 to 99"},
		{[]string{"-host", "-bots", "8"}, false, "-bots 8: 0 to 7"},
		{[]string{"-join", code, "-bots", "2"}, false, "-bots 2: only with -host or -practice"},
		{[]string{"-host", "-players", "9"}, false, "-players 9: 2 to 8"},
		{[]string{"-practice", "-players", "3"}, false, "-players 3: only with -host"},
		{[]string{"-practice", "-frames", "-1"}, false, "-frames -1: 0 or more"},
		{[]string{"-practice", "-name", " "}, false, `-name " ": 1 to 32 bytes`},
		{[]string{"-practice", "-arena", "9"}, false, "-arena 9: want WIDTHxHEIGHT, like 48x30"},
		{[]string{"-host", "-bot-skill", "hard"}, false, ""},
		{[]string{"-practice", "-bot-skill", "godlike"}, false, "-bot-skill godlike: want easy, normal or hard"},
		{[]string{"-host", "-speed", "slow"}, false, ""},
		{[]string{"-practice", "-speed", "fast"}, true, ""},
		{[]string{"-practice", "-speed", "warp"}, false, "-speed warp: want slow, normal or fast"},
		{[]string{"-host", "-listen", "127.0.0.1"}, false, "-listen 127.0.0.1: want HOST:PORT, such as 127.0.0.1:0"},
		{[]string{"-host", "-listen", "127.0.0.1:99999"}, false, "-listen 127.0.0.1:99999: the port is a number, 0 to 65535"},
		{[]string{"-replay", filepath.Join(dir, "none.psreplay")}, false, "-replay " + filepath.Join(dir, "none.psreplay") + ": no such file"},
		{[]string{"-replay", rec, "-record", rec}, false, "-record " + rec + ": not while playing a replay back"},
		{[]string{"-practice", "-record", filepath.Join(dir, "no", "m.psreplay")}, false, "no directory " + filepath.Join(dir, "no")},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, err := parseFlags(tt.args, tt.headless)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				return
			}
			var ue *cli.UsageError
			if !errors.As(err, &ue) || !strings.Contains(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Check = %v, want a usage error saying %q", err, tt.want)
			}
		})
	}
}

// validCode returns a share code that parses (of a host that is not
// there).
func validCode(t *testing.T) string {
	t.Helper()
	l, err := Host(t.Context(), Options{Name: "gone", ListenAddr: loopback, Reach: netcode.Local()})
	if err != nil {
		t.Fatal(err)
	}
	code := l.Code()
	l.Close()
	if _, err := sharecode.Parse(code); err != nil {
		t.Fatal(err)
	}
	return code
}

// flipLast is the last character of code changed to another symbol.
func flipLast(code string) string {
	const alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
	return string(alphabet[(strings.IndexByte(alphabet, code[len(code)-1])+1)%len(alphabet)])
}
