package play

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/peerstep/peerstep/internal/cli"
	"github.com/peerstep/peerstep/lockstep/replay"
	"github.com/peerstep/peerstep/netcode"
	"github.com/peerstep/peerstep/netcode/sharecode"
)

// sentinels are the errors of netcode/errors.go and
// netcode/sharecode/errors.go, by the name they are declared with.
var sentinels = map[string]error{
	"netcode.ErrClosed":              netcode.ErrClosed,
	"netcode.ErrBadConfig":           netcode.ErrBadConfig,
	"netcode.ErrCodeRejected":        netcode.ErrCodeRejected,
	"netcode.ErrHostUnreachable":     netcode.ErrHostUnreachable,
	"netcode.ErrHostNotFound":        netcode.ErrHostNotFound,
	"netcode.ErrIncompatibleVersion": netcode.ErrIncompatibleVersion,
	"netcode.ErrLobbyFull":           netcode.ErrLobbyFull,
	"netcode.ErrMatchStarted":        netcode.ErrMatchStarted,
	"netcode.ErrNotHost":             netcode.ErrNotHost,
	"netcode.ErrNotStarted":          netcode.ErrNotStarted,
	"netcode.ErrTicking":             netcode.ErrTicking,
	"netcode.ErrLANOff":              netcode.ErrLANOff,
	"netcode.ErrBadSnapshot":         netcode.ErrBadSnapshot,
	"netcode.ErrNoDesync":            netcode.ErrNoDesync,
	"netcode.ErrAlreadyStarted":      netcode.ErrAlreadyStarted,
	"netcode.ErrNotEnoughPlayers":    netcode.ErrNotEnoughPlayers,
	"netcode.ErrMeshIncomplete":      netcode.ErrMeshIncomplete,
	"netcode.ErrDropped":             netcode.ErrDropped,
	"netcode.ErrHostLeft":            netcode.ErrHostLeft,
	"netcode.ErrUnknownPlayer":       netcode.ErrUnknownPlayer,
	"netcode.ErrLocalPlayer":         netcode.ErrLocalPlayer,
	"netcode.ErrAlreadyDropped":      netcode.ErrAlreadyDropped,
	"sharecode.ErrBadShareCode":      sharecode.ErrBadShareCode,
	"sharecode.ErrEmpty":             sharecode.ErrEmpty,
	"sharecode.ErrTooLong":           sharecode.ErrTooLong,
	"sharecode.ErrBadCharacter":      sharecode.ErrBadCharacter,
	"sharecode.ErrTruncated":         sharecode.ErrTruncated,
	"sharecode.ErrChecksum":          sharecode.ErrChecksum,
	"sharecode.ErrVersion":           sharecode.ErrVersion,
	"sharecode.ErrMalformed":         sharecode.ErrMalformed,
	"sharecode.ErrAddress":           sharecode.ErrAddress,
	"sharecode.ErrNotACode":          sharecode.ErrNotACode,
	"sharecode.ErrTooManySymbols":    sharecode.ErrTooManySymbols,
}

// declaredErrors lists the Err* variables declared in a Go file.
func declaredErrors(t *testing.T, pkg, path string) []string {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, spec := range gd.Specs {
			for _, n := range spec.(*ast.ValueSpec).Names {
				if strings.HasPrefix(n.Name, "Err") {
					names = append(names, pkg+"."+n.Name)
				}
			}
		}
	}
	return names
}

// TestErrorTextKnowsEverySentinel: every sentinel error netcode and
// sharecode declare gets a sentence of its own, with no package prefix
// left in it, however it is wrapped. A sentinel added to errors.go and
// not here fails the test.
func TestErrorTextKnowsEverySentinel(t *testing.T) {
	root := filepath.Join("..", "..", "netcode")
	declared := append(declaredErrors(t, "netcode", filepath.Join(root, "errors.go")),
		declaredErrors(t, "sharecode", filepath.Join(root, "sharecode", "errors.go"))...)
	sort.Strings(declared)
	if len(declared) != len(sentinels) {
		t.Errorf("errors.go declare %d sentinels, the test knows %d: %v", len(declared), len(sentinels), declared)
	}
	seen := map[string]string{}
	for _, name := range declared {
		s, ok := sentinels[name]
		if !ok {
			t.Errorf("%s: a sentinel this test (and ErrorText) does not know", name)
			continue
		}
		wrapped := fmt.Errorf("netcode: join: %w", fmt.Errorf("%s: detail of the layer below: %w", strings.SplitN(name, ".", 2)[0], s))
		for _, err := range []error{s, wrapped} {
			got := ErrorText(err)
			if got == "" || got == err.Error() || strings.Contains(got, "netcode:") || strings.Contains(got, "sharecode:") {
				t.Errorf("ErrorText(%v) = %q: not a sentence of its own", err, got)
			}
			if !strings.ContainsAny(got[len(got)-1:], ".?") || strings.ToUpper(got[:1]) != got[:1] {
				t.Errorf("ErrorText(%v) = %q: not a sentence", err, got)
			}
		}
		if other, dup := seen[ErrorText(s)]; dup && name != "sharecode.ErrBadShareCode" {
			t.Errorf("%s and %s say the same: %q", name, other, ErrorText(s))
		}
		seen[ErrorText(s)] = name
	}
}

// TestErrorText: the sentences of the errors a player meets, from the
// real code paths where there is one.
func TestErrorText(t *testing.T) {
	_, badChar := sharecode.Parse("PS1-!!!")
	_, old := sharecode.Parse("PS1-HELLO-WORLD")
	_, word := sharecode.Parse("hello")
	_, cut := sharecode.Parse("PS2-008-J4C-T4A-NK7-F24-S5")
	_, notThere := os.Open(filepath.Join(t.TempDir(), "gone.psreplay"))
	tests := []struct {
		err  error
		want string
	}{
		{nil, ""},
		{badChar, "That is not a share code: character '!' at position 5 is not part of a share code."},
		{old, "That code was made by another release of Neon Trails: both of you need the same release."},
		{word, "That is not a share code: a code is 18 letters and digits"},
		{cut, "That code is incomplete: a character is missing or extra."},
		{fmt.Errorf("%w: network simulation: netsim: loss probability 2 is outside [0, 1]", netcode.ErrBadConfig),
			"The game's network settings are wrong: loss probability 2 is outside [0, 1]."},
		{&replay.MismatchError{Frame: 41}, "The replay does not reproduce: the game's state differs from the recording at frame 41"},
		{fmt.Errorf("read x: %w", replay.ErrCorrupt), "That replay file is damaged: read x."},
		{replay.ErrBadMagic, "That file is not a replay."},
		{notThere, "There is no file " + filepath.Join(filepath.Dir(notThere.(*os.PathError).Path), "gone.psreplay") + "."},
		{fmt.Errorf("start: %w", context.DeadlineExceeded), "That took too long: gave up waiting."},
		{cli.Badf("join", "x", "That is not a share code."), "-join x: That is not a share code."},
		{errors.New("something else"), "something else"},
	}
	for _, tt := range tests {
		if got := ErrorText(tt.err); !strings.HasPrefix(got, tt.want) || (tt.want == "" && got != "") {
			t.Errorf("ErrorText(%v) = %q, want %q", tt.err, got, tt.want)
		}
	}
	// Explain keeps the error underneath for errors.Is, and leaves a
	// usage error as it is (its exit status depends on it).
	e := Explain(fmt.Errorf("x: %w", netcode.ErrLobbyFull))
	if e.Error() != "That lobby is full." || !errors.Is(e, netcode.ErrLobbyFull) {
		t.Errorf("Explain = %q, Is ErrLobbyFull %v", e, errors.Is(e, netcode.ErrLobbyFull))
	}
	u := cli.Badf("frames", -1, "0 or more")
	if Explain(u) != u || Explain(nil) != nil {
		t.Error("Explain changed a usage error or nil")
	}
}
