package replay

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// exists tells whether path exists, failing on other errors.
func exists(t *testing.T, path string) bool {
	t.Helper()
	_, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	return true
}

// readPartial reads path+".partial" directly and checks it is a truncated
// prefix of m holding the given number of frames.
func readPartial(t *testing.T, path string, m match, frames int) {
	t.Helper()
	f, err := os.Open(path + PartialSuffix)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rp, err := Read(f)
	if err != nil {
		t.Fatalf("reading the partial file: %v", err)
	}
	if !rp.Truncated || len(rp.Frames) != frames {
		t.Fatalf("partial file: %d frames, truncated %v; want %d, true", len(rp.Frames), rp.Truncated, frames)
	}
	checkPrefix(t, m, rp)
}

func TestFileWriter(t *testing.T) {
	m := makeMatch(matchSpec{seed: 6, players: 2, frames: 200, absentFrom: -1, sumInterval: 30})
	path := filepath.Join(t.TempDir(), "match.psreplay")
	fw, err := Create(path, m.header)
	if err != nil {
		t.Fatal(err)
	}
	if fw.Path() != path {
		t.Fatalf("Path() = %q, want %q", fw.Path(), path)
	}
	// The header is on disk at once.
	readPartial(t, path, m, 0)

	write := func(from, to int) {
		t.Helper()
		for _, f := range m.frames[from:to] {
			if err := fw.WriteFrame(f); err != nil {
				t.Fatal(err)
			}
			if f.WantChecksum {
				sum := m.checksums[int(f.Frame)/30].Sum
				if err := fw.WriteChecksum(f.Frame, sum); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	// 100 frames: the first FlushInterval are flushed on their own.
	write(0, 100)
	readPartial(t, path, m, FlushInterval)
	if exists(t, path) {
		t.Fatal("final file exists mid-match")
	}
	// ReadFile finds the partial file while the final one is missing.
	rp, err := ReadFile(path)
	if err != nil || !rp.Truncated || len(rp.Frames) != FlushInterval {
		t.Fatalf("ReadFile mid-match: err %v, replay %v", err, rp)
	}
	if err := fw.Flush(); err != nil {
		t.Fatal(err)
	}
	readPartial(t, path, m, 100)

	write(100, 200)
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	if !exists(t, path) || exists(t, path+PartialSuffix) {
		t.Fatalf("after Close: final exists %v, partial exists %v; want true, false",
			exists(t, path), exists(t, path+PartialSuffix))
	}
	rp, err = ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if rp.Truncated || len(rp.Frames) != 200 || len(rp.Checksums) != len(m.checksums) {
		t.Fatalf("finished file: %d frames, %d checksums, truncated %v", len(rp.Frames), len(rp.Checksums), rp.Truncated)
	}
	checkPrefix(t, m, rp)

	for name, err := range map[string]error{
		"WriteFrame":    fw.WriteFrame(m.frames[0]),
		"WriteChecksum": fw.WriteChecksum(0, 0),
		"Flush":         fw.Flush(),
		"Close":         fw.Close(),
		"Abort":         fw.Abort(),
	} {
		if !errors.Is(err, ErrClosed) {
			t.Errorf("%s after Close: err = %v, want ErrClosed", name, err)
		}
	}
}

func TestFileWriterAbort(t *testing.T) {
	m := makeMatch(matchSpec{seed: 7, players: 3, frames: 25, absent: 2, absentFrom: 10, sumInterval: 5})
	path := filepath.Join(t.TempDir(), "match.psreplay")
	fw, err := Create(path, m.header)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range m.frames {
		if err := fw.WriteFrame(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := fw.Abort(); err != nil {
		t.Fatal(err)
	}
	if exists(t, path) || !exists(t, path+PartialSuffix) {
		t.Fatal("after Abort: want the partial file only")
	}
	readPartial(t, path, match{header: m.header, frames: m.frames}, 25)
	if err := fw.Close(); !errors.Is(err, ErrClosed) {
		t.Fatalf("Close after Abort: %v", err)
	}
}

func TestFileWriterReplacesStalePartial(t *testing.T) {
	path := filepath.Join(t.TempDir(), "match.psreplay")
	if err := os.WriteFile(path+PartialSuffix, []byte("stale junk"), 0o644); err != nil {
		t.Fatal(err)
	}
	fw, err := Create(path, Header{Players: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	rp, err := ReadFile(path)
	if err != nil || rp.Truncated {
		t.Fatalf("ReadFile: %v, %+v", err, rp)
	}
}

func TestCreateErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Create(filepath.Join(dir, "x"), Header{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad header: err = %v, want ErrInvalid", err)
	}
	if exists(t, filepath.Join(dir, "x"+PartialSuffix)) {
		t.Error("bad header left a partial file")
	}
	if _, err := Create(filepath.Join(dir, "no", "such", "dir"), Header{Players: 2}); err == nil {
		t.Error("Create in a missing directory succeeded")
	}
}

func TestReadFileMissing(t *testing.T) {
	_, err := ReadFile(filepath.Join(t.TempDir(), "nothing"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v, want os.ErrNotExist", err)
	}
}

func TestReadFileCorrupt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad")
	if err := os.WriteFile(path, []byte("not a replay at all"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(path); !errors.Is(err, ErrBadMagic) {
		t.Fatalf("err = %v, want ErrBadMagic", err)
	}
}
