package app

import (
	"strings"
	"testing"
)

// TestSpoken: every character of a share code is said as a digit or a
// word of its own, letters never bare (B, D, E... sound alike); the line
// fits what it is given; the lit group is where the code shows it.
func TestSpoken(t *testing.T) {
	const code = "PS2-477B-KKSH-8CMD-5AFS-VJ0Y-M0BZ-0000-2WHM-KAC0"
	seen := map[string]rune{}
	for c := 'A'; c <= 'Z'; c++ {
		w := spokenWords[c]
		if w == "" || strings.ToUpper(w[:1]) != string(c) {
			t.Errorf("%c is said %q", c, w)
		}
		if o, ok := seen[w]; ok {
			t.Errorf("%c and %c are both %q", o, c, w)
		}
		seen[w] = c
	}
	for _, tc := range []struct{ group, want string }{
		{"PS2", "Papa  Sierra  2"},
		{"477B", "4  7  7  Bravo"},
		{"8cmd", "8  Charlie  Mike  Delta"},
		{"0000", "0  0  0  0"},
	} {
		if got := sayGroup(tc.group); got != tc.want {
			t.Errorf("sayGroup(%q) = %q, want %q", tc.group, got, tc.want)
		}
	}
	for _, tc := range []struct {
		i, n int
		want string
	}{
		{0, 100, `say it group by group (LEFT / RIGHT): 1 of 10  "PS2"  Papa  Sierra  2`},
		{3, 60, "group 4 of 10 (LEFT / RIGHT): 8  Charlie  Mike  Delta"},
		{3, 30, "4/10: 8  Charlie  Mike  Delta"},
		{99, 100, `say it group by group (LEFT / RIGHT): 10 of 10  "KAC0"  Kilo  Alfa  Charlie  0`},
		{-1, 12, "1/10: Pap..."},
	} {
		got := spokenLine(code, tc.i, tc.n)
		if got != tc.want || len([]rune(got)) > tc.n {
			t.Errorf("spokenLine(%d, %d) = %q, want %q", tc.i, tc.n, got, tc.want)
		}
	}
	lines := codeLines(code, 24)
	for i, g := range codeGroups(code) {
		li, start, n := groupSpan(lines, i)
		if li < 0 || lines[li][start:start+n] != g {
			t.Errorf("group %d (%s): line %d at %d for %d in %q", i, g, li, start, n, lines)
		}
	}
	if li, _, _ := groupSpan(lines, 10); li != -1 {
		t.Errorf("an 11th group of 10 is on line %d", li)
	}
}

// TestBalancedLines: a code in two lines splits near its middle, between
// groups; one that needs more lines is cut as codeLines does.
func TestBalancedLines(t *testing.T) {
	const code = "PS2-477B-KKSH-8CMD-5AFS-VJ0Y-M0BZ-0000-2WHM-KAC0"
	for _, tc := range []struct {
		n    int
		want []string
	}{
		{45, []string{"PS2-477B-KKSH-8CMD-5AFS-", "VJ0Y-M0BZ-0000-2WHM-KAC0"}},
		{30, []string{"PS2-477B-KKSH-8CMD-5AFS-", "VJ0Y-M0BZ-0000-2WHM-KAC0"}},
		{20, []string{"PS2-477B-KKSH-8CMD-", "5AFS-VJ0Y-M0BZ-0000-", "2WHM-KAC0"}},
	} {
		got := balancedLines(code, tc.n)
		if strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("balancedLines(%d) = %q, want %q", tc.n, got, tc.want)
		}
	}
}
