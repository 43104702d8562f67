package netcode_test

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeQuickStart holds README.md's quick start to the code that
// Example_quickstart compiles and runs: the README's first Go block under
// "## Quick start" is, line for line, what example_test.go holds between its
// "README quick start" markers.
func TestReadmeQuickStart(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("example_test.go")
	if err != nil {
		t.Fatal(err)
	}
	block, ok := between(string(readme), "## Quick start", "```go\n", "```\n")
	if !ok {
		t.Fatal("README.md has no ```go block under \"## Quick start\"")
	}
	code, ok := between(string(src), "", "// README quick start: begin\n", "// README quick start: end\n")
	if !ok {
		t.Fatal("example_test.go has no README quick start markers")
	}
	code = strings.TrimSpace(code) + "\n"
	if block != code {
		t.Errorf("README.md's quick start differs from example_test.go's; paste this into README.md:\n\n```go\n%s```", code)
	}
}

// between returns the text of s after heading, between the first start and
// the end that follows it.
func between(s, heading, start, end string) (string, bool) {
	i := strings.Index(s, heading)
	if i < 0 {
		return "", false
	}
	s = s[i+len(heading):]
	i = strings.Index(s, start)
	if i < 0 {
		return "", false
	}
	s = s[i+len(start):]
	j := strings.Index(s, end)
	if j < 0 {
		return "", false
	}
	return s[:j], true
}
