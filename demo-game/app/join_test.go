package app

import (
	"strings"
	"testing"
)

// TestFieldLines: the join field wraps a code between its groups, never
// inside one, and loses or adds nothing.
func TestFieldLines(t *testing.T) {
	codes := []string{
		"PS2-477B-KKSH-8CMD-5AFS-VJ0Y-M0BZ-0000-2WHM-KAC0_",
		"PS2-7KQ-M2X-9AB-CDE-FGH-J4W",
	}
	for _, code := range codes {
		for n := 8; n <= 60; n++ {
			lines := fieldLines(code, n)
			if got := strings.Join(lines, ""); got != code {
				t.Errorf("fieldLines(%q, %d) joins to %q", code, n, got)
			}
			for i, l := range lines {
				if len([]rune(l)) > n {
					t.Errorf("n=%d: line %q is longer than %d", n, l, n)
				}
				if i < len(lines)-1 && !strings.HasSuffix(l, "-") {
					t.Errorf("n=%d: line %q ends inside a group: %q", n, l, lines)
				}
			}
		}
	}
	// Without dashes, a long run is cut where the line ends.
	if got := fieldLines("ABCDEFGHIJ", 4); strings.Join(got, "|") != "ABCD|EFGH|IJ" {
		t.Errorf("fieldLines without dashes = %q", got)
	}
	if got := fieldLines("AB-CDEFGHIJ", 4); strings.Join(got, "|") != "AB-|CDEF|GHIJ" {
		t.Errorf("fieldLines of a long group = %q", got)
	}
}
