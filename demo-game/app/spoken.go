package app

import (
	"fmt"
	"strings"
)

// spokenWords say the share code's letters aloud without the ones that
// sound alike (B, D, E, G, P, T, V and Z all end in "ee"; M and N): the
// NATO alphabet's words. Digits are said as digits.
var spokenWords = map[rune]string{
	'A': "Alfa", 'B': "Bravo", 'C': "Charlie", 'D': "Delta", 'E': "Echo", 'F': "Foxtrot",
	'G': "Golf", 'H': "Hotel", 'I': "India", 'J': "Juliett", 'K': "Kilo", 'L': "Lima",
	'M': "Mike", 'N': "November", 'O': "Oscar", 'P': "Papa", 'Q': "Quebec", 'R': "Romeo",
	'S': "Sierra", 'T': "Tango", 'U': "Uniform", 'V': "Victor", 'W': "Whiskey", 'X': "X-ray",
	'Y': "Yankee", 'Z': "Zulu",
}

// codeGroups are a share code's groups, the "PS2" in front among them.
func codeGroups(code string) []string {
	return strings.Split(code, "-")
}

// sayGroup is how to read group g aloud: each character a word or a
// digit, two spaces apart ("4  4  Yankee  Bravo").
func sayGroup(g string) string {
	words := make([]string, 0, len(g))
	for _, c := range strings.ToUpper(g) {
		if w, ok := spokenWords[c]; ok {
			words = append(words, w)
		} else {
			words = append(words, string(c))
		}
	}
	return strings.Join(words, "  ")
}

// spokenLine is the lobby's line under the code: group i (counted from 0)
// of the code read aloud, with where it is among them, in at most n
// characters.
func spokenLine(code string, i, n int) string {
	gs := codeGroups(code)
	i = max(0, min(len(gs)-1, i))
	say := sayGroup(gs[i])
	for _, line := range []string{
		fmt.Sprintf("say it group by group (LEFT / RIGHT): %d of %d  \"%s\"  %s", i+1, len(gs), gs[i], say),
		fmt.Sprintf("group %d of %d (LEFT / RIGHT): %s", i+1, len(gs), say),
		fmt.Sprintf("%d/%d: %s", i+1, len(gs), say),
	} {
		if len([]rune(line)) <= n {
			return line
		}
	}
	return fit(fmt.Sprintf("%d/%d: %s", i+1, len(gs), say), n)
}

// groupSpan returns where group i starts in line and how long it is, in
// characters, or -1 when the line does not hold it: for lighting the
// group being read in the large code.
func groupSpan(lines []string, i int) (line, start, n int) {
	g := 0
	for li, l := range lines {
		pos := 0
		for _, part := range strings.Split(strings.TrimSuffix(l, "-"), "-") {
			if g == i {
				return li, pos, len(part)
			}
			pos += len(part) + 1
			g++
		}
	}
	return -1, 0, 0
}
