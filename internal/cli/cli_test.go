package cli

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"
)

func testFlags() *flag.FlagSet {
	fs := flag.NewFlagSet("tool", flag.ContinueOnError)
	fs.Duration("latency", 0, "one-way `latency`")
	fs.Float64("loss", 0, "loss `probability`")
	fs.Int("players", 4, "players")
	fs.Uint64("seed", 1, "seed")
	fs.Bool("json", false, "print JSON")
	fs.String("name", "", "a name")
	fs.Func("arena", "WxH", func(s string) error {
		if !strings.Contains(s, "x") {
			return errors.New("want WIDTHxHEIGHT, like 48x30")
		}
		return nil
	})
	return fs
}

// Every flag the flag package refuses comes back as one line that names
// the flag and says what it takes, and nothing else is printed.
func TestParse(t *testing.T) {
	tests := []struct {
		args []string
		want string // "" if the arguments parse
	}{
		{nil, ""},
		{[]string{"-latency", "40ms", "-loss=0.02", "--players", "2", "-json", "-name", "ada", "-arena", "48x30"}, ""},
		{[]string{"-latency", "40"}, "-latency 40: want a duration, such as 40ms or 2s"},
		{[]string{"-latency", "100x"}, "-latency 100x: want a duration, such as 40ms or 2s"},
		{[]string{"-loss", "lots"}, "-loss lots: want a number, such as 0.02"},
		{[]string{"-players", "two"}, "-players two: want a whole number"},
		{[]string{"-players", "99999999999999999999999"}, "-players 99999999999999999999999: out of range"},
		{[]string{"-seed", "-1"}, "-seed -1: want a whole number, 0 or more"},
		{[]string{"-json=maybe"}, "-json=maybe: want true or false"},
		{[]string{"-arena", "9"}, "-arena 9: want WIDTHxHEIGHT, like 48x30"},
		{[]string{"-arena", `say "hi"`}, `-arena "say \"hi\"": want WIDTHxHEIGHT, like 48x30`},
		{[]string{"-speed", "9"}, "-speed: no such flag (-help lists them)"},
		{[]string{"-latency"}, "-latency: needs a value"},
		{[]string{"-players", "2", "extra"}, "extra: not a flag (flags start with -; -help lists them)"},
		{[]string{"---x"}, "bad flag syntax: ---x"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			fs := testFlags()
			var stderr, stdout bytes.Buffer
			fs.SetOutput(&stderr)
			err := Parse(fs, tt.args, &stdout)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				return
			}
			var ue *UsageError
			if !errors.As(err, &ue) || err.Error() != tt.want {
				t.Fatalf("Parse = %v (%T), want the usage error %q", err, err, tt.want)
			}
			if stderr.Len() != 0 || stdout.Len() != 0 {
				t.Errorf("Parse printed %q and %q", stderr.String(), stdout.String())
			}
			if fs.Output() != &stderr {
				t.Error("Parse did not give the flag set its output back")
			}
		})
	}
}

func TestParseHelp(t *testing.T) {
	for _, custom := range []bool{false, true} {
		fs := testFlags()
		if custom {
			fs.Usage = func() {
				fmt.Fprintln(fs.Output(), "tool: does things")
				fs.PrintDefaults()
			}
		}
		var stderr, stdout bytes.Buffer
		fs.SetOutput(&stderr)
		err := Parse(fs, []string{"-help"}, &stdout)
		if !errors.Is(err, flag.ErrHelp) {
			t.Fatalf("Parse(-help) = %v, want flag.ErrHelp", err)
		}
		if !strings.Contains(stdout.String(), "-latency latency") || stderr.Len() != 0 {
			t.Errorf("custom usage %v: stdout %q, stderr %q", custom, stdout.String(), stderr.String())
		}
		if custom != strings.HasPrefix(stdout.String(), "tool: does things") {
			t.Errorf("custom usage %v: %q", custom, stdout.String())
		}
		if got := Report(&stderr, "tool", err); got != 0 || stderr.Len() != 0 {
			t.Errorf("Report(ErrHelp) = %d, printed %q", got, stderr.String())
		}
	}
}

func TestReport(t *testing.T) {
	tests := []struct {
		err  error
		code int
		line string
	}{
		{nil, 0, ""},
		{flag.ErrHelp, 0, ""},
		{Badf("players", 1, "at least %d", 2), 2, "tool: -players 1: at least 2\n"},
		{fmt.Errorf("run: %w", Usage(errors.New("-x: bad"))), 2, "tool: run: -x: bad\n"},
		{errors.New("no answer\nfrom the host"), 1, "tool: no answer from the host\n"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if got := Report(&b, "tool", tt.err); got != tt.code || b.String() != tt.line {
			t.Errorf("Report(%v) = %d, %q; want %d, %q", tt.err, got, b.String(), tt.code, tt.line)
		}
	}
	if Usage(nil) != nil {
		t.Error("Usage(nil) is not nil")
	}
	inner := Badf("a", 1, "no")
	if Usage(inner) != inner {
		t.Error("Usage wrapped a usage error twice")
	}
	sentinel := errors.New("sentinel")
	if !errors.Is(Usage(fmt.Errorf("x: %w", sentinel)), sentinel) {
		t.Error("a usage error hides what it wraps")
	}
}

func TestValue(t *testing.T) {
	for _, tt := range []struct {
		v    any
		want string
	}{
		{100 * time.Hour, "100h"}, {10 * time.Minute, "10m"}, {10 * time.Second, "10s"}, {90 * time.Minute, "1h30m"},
		{"", `""`}, {"PS1-ABCD", "PS1-ABCD"}, {"two words", `"two words"`}, {3, "3"}, {0.5, "0.5"},
	} {
		if got := Value(tt.v); got != tt.want {
			t.Errorf("Value(%#v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
