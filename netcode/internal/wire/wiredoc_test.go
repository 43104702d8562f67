package wire

import (
	"flag"
	"fmt"
	"strings"
	"testing"

	"github.com/peerstep/peerstep/internal/wiredoc"
)

var updateWireDoc = flag.Bool("update-wire-doc", false, "write the messages' table into docs/WIRE.md")

// TestWireDoc: docs/WIRE.md lists exactly the message types the code has,
// with their layouts; every type has a spec and a sample.
func TestWireDoc(t *testing.T) {
	sampled := map[Type]bool{}
	for _, s := range wireSamples() {
		sampled[s.msg.Type()] = true
	}
	var rows [][]string
	for i, s := range specs {
		if s.typ != Type(i+1) {
			t.Fatalf("spec %d is of type %v", i, s.typ)
		}
		if !sampled[s.typ] {
			t.Errorf("no sample of %v in wireSamples", s.typ)
		}
		rows = append(rows, []string{fmt.Sprint(int(s.typ)), strings.ToUpper(s.name[:1]) + s.name[1:], s.direction, "`" + s.body + "`", s.about})
	}
	table := wiredoc.Table([]string{"type", "name", "direction", "body", "fields"}, rows)
	if err := wiredoc.Check("../../../docs/WIRE.md", "wire messages", table, *updateWireDoc); err != nil {
		t.Fatalf("%v\n(go test ./netcode/internal/wire -run TestWireDoc -update-wire-doc rewrites it)", err)
	}
}
