// Package cli is what peerstep's commands (peerbench, the demo and its
// headless bot, the netcode test peer) share on their command lines: flags
// parsed into one-line errors that name the flag and say what it takes,
// and one rule for exit statuses:
//
//	0  done, or -help printed the usage
//	1  the command ran and failed
//	2  the command line is wrong: nothing was started
//
// A command parses and checks everything before it starts anything:
//
//	fs := flag.NewFlagSet("peerbench", flag.ContinueOnError)
//	... register flags ...
//	if err := cli.Parse(fs, args, stdout); err != nil {
//		return err // flag.ErrHelp, or a *UsageError
//	}
//	if players < 2 {
//		return cli.Badf("players", players, "at least 2")
//	}
//	if err := network.CheckFlags(""); err != nil {
//		return cli.Usage(err)
//	}
//
// and main ends with cli.Exit("peerbench", err).
package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// UsageError is an error of the command line: a flag that does not parse,
// a value out of range, flags that contradict each other. A command that
// returns one has started nothing; it exits with status 2.
type UsageError struct {
	// Err says what is wrong, in one line that names the flag.
	Err error
}

// Error is the underlying error's text: the one line a command prints.
func (e *UsageError) Error() string { return e.Err.Error() }

// Unwrap returns Err, so that errors.Is sees what it wraps.
func (e *UsageError) Unwrap() error { return e.Err }

// Usage marks err as the command line's fault (exit status 2). Nil stays
// nil, and an error that is one already is returned as it is.
func Usage(err error) error {
	var ue *UsageError
	if err == nil || errors.As(err, &ue) {
		return err
	}
	return &UsageError{Err: err}
}

// Badf is the usage error of flag name set to value:
// "-name value: " and the reason, e.g. "-players 1: at least 2".
func Badf(name string, value any, format string, args ...any) error {
	return &UsageError{Err: fmt.Errorf("-%s %s: %s", name, Value(value), fmt.Sprintf(format, args...))}
}

// Value formats a flag's value as a person types it: a duration as "10s"
// or "100h" (not "100h0m0s"), an empty string or one with spaces quoted,
// anything else as fmt's %v.
func Value(v any) string {
	switch v := v.(type) {
	case time.Duration:
		s := v.String()
		if strings.HasSuffix(s, "m0s") {
			s = s[:len(s)-2]
		}
		if strings.HasSuffix(s, "h0m") {
			s = s[:len(s)-2]
		}
		return s
	case string:
		if v == "" || strings.ContainsAny(v, " \t\"'") {
			return fmt.Sprintf("%q", v)
		}
		return v
	}
	return fmt.Sprint(v)
}

// Parse parses args into fs, which must have been made with
// flag.ContinueOnError. On -h or -help it prints fs's usage to stdout and
// returns flag.ErrHelp. A flag that does not parse, an unknown flag or an
// argument that is not a flag returns a *UsageError of one line, such as
// "-latency 40: want a duration, such as 40ms"; the flag package prints
// nothing itself.
func Parse(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	out := fs.Output()
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(out)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(stdout)
		if fs.Usage != nil {
			fs.Usage()
		} else {
			fmt.Fprintf(stdout, "Usage of %s:\n", fs.Name())
			fs.PrintDefaults()
		}
		fs.SetOutput(out)
		return flag.ErrHelp
	case err != nil:
		return &UsageError{Err: errors.New(explain(fs, err.Error()))}
	case fs.NArg() > 0:
		return &UsageError{Err: fmt.Errorf("%s: not a flag (flags start with -; -help lists them)", Value(fs.Arg(0)))}
	}
	return nil
}

// The flag package's messages, as of Go 1.26 (flag.go's failf calls).
var (
	reInvalid     = regexp.MustCompile(`^invalid value "(.*)" for flag -([^:]+): (.*)$`)
	reInvalidBool = regexp.MustCompile(`^invalid boolean value "(.*)" for -([^:]+): (.*)$`)
	reUndefined   = regexp.MustCompile(`^flag provided but not defined: -(.+)$`)
	reNeedsArg    = regexp.MustCompile(`^flag needs an argument: -(.+)$`)
	reBoolFlag    = regexp.MustCompile(`^invalid boolean flag (.+): (.*)$`)
)

// explain rewrites one of the flag package's errors about fs as
// "-name value: what it takes".
func explain(fs *flag.FlagSet, msg string) string {
	if m := reInvalid.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("-%s %s: %s", m[2], Value(unquote(m[1])), reason(fs.Lookup(m[2]), m[3]))
	}
	if m := reInvalidBool.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("-%s=%s: want true or false", m[2], unquote(m[1]))
	}
	if m := reBoolFlag.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("-%s: want true or false (%s)", m[1], m[2])
	}
	if m := reUndefined.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("-%s: no such flag (-help lists them)", m[1])
	}
	if m := reNeedsArg.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("-%s: needs a value", m[1])
	}
	return msg
}

// unquote undoes the %q of the flag package's message.
func unquote(s string) string {
	if u, err := strconv.Unquote(`"` + s + `"`); err == nil {
		return u
	}
	return s
}

// reason says what a flag takes, when the flag package only says that the
// value did not parse.
func reason(f *flag.Flag, why string) string {
	if why == "value out of range" {
		return "out of range"
	}
	if why != "parse error" || f == nil {
		return why // a flag.Func's own words
	}
	g, ok := f.Value.(flag.Getter)
	if !ok {
		return why
	}
	switch g.Get().(type) {
	case time.Duration:
		return "want a duration, such as 40ms or 2s"
	case float64:
		return "want a number, such as 0.02"
	case int, int64:
		return "want a whole number"
	case uint, uint64:
		return "want a whole number, 0 or more"
	}
	return why
}

// Report writes err as the one line "name: err" to w (nothing for nil or
// flag.ErrHelp) and returns the exit status for it: 0, 2 for a
// *UsageError, 1 for anything else.
func Report(w io.Writer, name string, err error) int {
	if err == nil || errors.Is(err, flag.ErrHelp) {
		return 0
	}
	fmt.Fprintf(w, "%s: %s\n", name, strings.ReplaceAll(err.Error(), "\n", " "))
	var ue *UsageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

// Exit ends the command: it reports err on stderr as Report does and exits
// with its status.
func Exit(name string, err error) {
	os.Exit(Report(os.Stderr, name, err))
}
