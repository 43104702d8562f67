package wiredoc

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "WIRE.md")
	doc := "# wire\n<!-- begin msgs -->\n| a |\n| --- |\n| old |\n<!-- end msgs -->\ntail\n"
	if err := os.WriteFile(path, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	table := Table([]string{"a"}, [][]string{{"new"}})
	if err := Check(path, "msgs", table, false); !errors.Is(err, ErrStale) {
		t.Fatalf("stale section: %v", err)
	}
	if err := Check(path, "other", table, false); !errors.Is(err, ErrStale) {
		t.Fatalf("missing section: %v", err)
	}
	if err := Check(path, "msgs", table, true); err != nil {
		t.Fatal(err)
	}
	if err := Check(path, "msgs", table, false); err != nil {
		t.Fatalf("after update: %v", err)
	}
	got, _ := os.ReadFile(path)
	want := "# wire\n<!-- begin msgs -->\n| a |\n| --- |\n| new |\n<!-- end msgs -->\ntail\n"
	if string(got) != want {
		t.Fatalf("document now %q", got)
	}
}
