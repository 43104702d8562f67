package lockstep

import (
	"flag"
	"fmt"
	"testing"

	"github.com/peerstep/peerstep/internal/wiredoc"
)

var updateWireDoc = flag.Bool("update-wire-doc", false, "write the engine messages' table into docs/WIRE.md")

// TestWireDoc: docs/WIRE.md lists exactly the engine messages the code
// has, with their layouts; every kind has a spec and a sample.
func TestWireDoc(t *testing.T) {
	sampled := map[MessageKind]bool{}
	for _, s := range wireSamples() {
		sampled[s.msg.Kind()] = true
	}
	var rows [][]string
	for i, s := range messageSpecs {
		if s.kind != MessageKind(i+1) {
			t.Fatalf("spec %d is of kind %v", i, s.kind)
		}
		if !sampled[s.kind] {
			t.Errorf("no sample of %v in wireSamples", s.kind)
		}
		rows = append(rows, []string{fmt.Sprint(int(s.kind)), s.kind.String(), "`" + s.layout + "`", s.channel})
	}
	if k := MessageKind(len(messageSpecs) + 1); k.String() != fmt.Sprintf("kind(%d)", k) {
		t.Errorf("kind %v has a name but no spec", k)
	}
	table := wiredoc.Table([]string{"kind", "name", "layout", "sent"}, rows)
	if err := wiredoc.Check("../docs/WIRE.md", "lockstep messages", table, *updateWireDoc); err != nil {
		t.Fatalf("%v\n(go test ./lockstep -run TestWireDoc -update-wire-doc rewrites it)", err)
	}
}
