package netcode

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// releaseHeading is a release's heading in CHANGELOG.md: "## [0.2.0] - 2026-11-29".
var releaseHeading = regexp.MustCompile(`(?m)^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$`)

// wireVersionLine is how a release's entry names its wire version.
var wireVersionLine = regexp.MustCompile(`(?m)^Wire version \d+\b`)

// TestChangelogNamesVersion: the newest release CHANGELOG.md describes (the
// first release heading, after Unreleased) is Version, so that neither
// changes without the other; and every release names its wire version.
func TestChangelogNamesVersion(t *testing.T) {
	b, err := os.ReadFile("../CHANGELOG.md")
	if err != nil {
		t.Fatalf("read the changelog: %v", err)
	}
	text := string(b)
	heads := releaseHeading.FindAllStringSubmatchIndex(text, -1)
	if len(heads) == 0 {
		t.Fatal(`CHANGELOG.md has no release heading like "## [0.2.0] - 2026-11-29"`)
	}
	if newest := text[heads[0][2]:heads[0][3]]; newest != Version {
		t.Errorf("CHANGELOG.md's newest release is %s, netcode.Version is %s", newest, Version)
	}
	if u := strings.Index(text, "## [Unreleased]"); u < 0 || u > heads[0][0] {
		t.Error("CHANGELOG.md has no [Unreleased] section before its releases")
	}
	for i, h := range heads {
		end := len(text)
		if i+1 < len(heads) {
			end = heads[i+1][0]
		}
		if !wireVersionLine.MatchString(text[h[1]:end]) {
			t.Errorf("CHANGELOG.md's entry for %s names no wire version (a line \"Wire version N\")", text[h[2]:h[3]])
		}
	}
}
