// Package wiredoc keeps the message tables of docs/WIRE.md in step with
// the code: each wire package's test renders its table from the message
// specs and checks it against (or, asked to, writes it into) the section
// of the document between two marker comments.
package wiredoc

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
)

// ErrStale is returned when the document's section differs from the table.
var ErrStale = errors.New("wiredoc: docs/WIRE.md is not what the code says")

// Table renders a Markdown table with the header and rows given.
func Table(header []string, rows [][]string) string {
	var b strings.Builder
	line := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + c + " |")
		}
		b.WriteString("\n")
	}
	line(header)
	sep := make([]string, len(header))
	for i := range sep {
		sep[i] = "---"
	}
	line(sep)
	for _, r := range rows {
		line(r)
	}
	return b.String()
}

func markers(section string) (begin, end string) {
	return "<!-- begin " + section + " -->\n", "<!-- end " + section + " -->"
}

// Check compares the section of the document at path, between the lines
// "<!-- begin section -->" and "<!-- end section -->", with table. With
// update it writes table there instead.
func Check(path, section, table string, update bool) error {
	doc, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	begin, end := markers(section)
	i := bytes.Index(doc, []byte(begin))
	j := bytes.Index(doc, []byte(end))
	if i < 0 || j < i {
		return fmt.Errorf("%w: no section %q (markers %q and %q)", ErrStale, section, strings.TrimSpace(begin), end)
	}
	got := string(doc[i+len(begin) : j])
	if got == table {
		return nil
	}
	if !update {
		return fmt.Errorf("%w: section %q reads\n%s\nthe code says\n%s", ErrStale, section, got, table)
	}
	out := append(append(append([]byte{}, doc[:i+len(begin)]...), table...), doc[j:]...)
	return os.WriteFile(path, out, 0o644)
}

// ReadGolden reads a golden file of encoded samples: a line each, the
// sample's name, a space and its bytes in hex; lines starting with # are
// comments. It returns the hex by name.
func ReadGolden(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		name, hexed, ok := strings.Cut(strings.TrimRight(line, "\r"), " ")
		if ok && !strings.HasPrefix(name, "#") {
			out[name] = hexed
		}
	}
	return out, nil
}
