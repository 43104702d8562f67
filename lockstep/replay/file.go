package replay

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"

	"github.com/peerstep/peerstep/lockstep"
)

// PartialSuffix is appended to a FileWriter's path while it records.
const PartialSuffix = ".partial"

// FlushInterval is how many frames a FileWriter buffers before it flushes
// them to the file on its own: a second of play at 60 Hz.
const FlushInterval = 60

// FileWriter records a match to a file, safely against crashes.
//
// Create opens path+".partial" and writes the header. Frames go through a
// buffer that is flushed to the file every FlushInterval frames and on
// Flush; Close finishes the file and renames it to path in one atomic step,
// so path either does not exist or holds a complete replay.
//
// After a crash of the program, path+".partial" is readable up to the last
// flush: Read (or ReadFile on path) returns the frames up to there with
// Truncated set. Flushing hands the data to the operating system, which
// survives a crash of the program but not necessarily of the machine; Close
// syncs the file to stable storage before renaming it.
//
// A FileWriter is not safe for concurrent use.
type FileWriter struct {
	path   string
	f      *os.File
	bw     *bufio.Writer
	w      *Writer
	frames int // frames since the last flush
	done   bool
}

// Create starts recording a match with header h to path. It creates (or
// truncates) path+".partial" and writes the header to it at once, so that
// even an early crash leaves a readable file. An invalid header returns an
// error wrapping ErrInvalid, and no file is left.
func Create(path string, h Header) (*FileWriter, error) {
	if err := validateHeader(&h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrInvalid, err)
	}
	f, err := os.OpenFile(path+PartialSuffix, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	fw := &FileWriter{path: path, f: f, bw: bufio.NewWriterSize(f, 64<<10)}
	fw.w, err = NewWriter(fw.bw, h)
	if err == nil {
		err = fw.w.Flush()
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return fw, nil
}

// Path is the final path of the replay, where Close puts it.
func (fw *FileWriter) Path() string { return fw.path }

// WriteFrame records f, as Writer.WriteFrame, and flushes every
// FlushInterval frames.
func (fw *FileWriter) WriteFrame(f lockstep.ReadyFrame) error {
	if fw.done {
		return ErrClosed
	}
	if err := fw.w.WriteFrame(f); err != nil {
		return err
	}
	fw.frames++
	if fw.frames >= FlushInterval {
		return fw.Flush()
	}
	return nil
}

// WriteChecksum records a checksum, as Writer.WriteChecksum.
func (fw *FileWriter) WriteChecksum(frame lockstep.Frame, sum uint64) error {
	if fw.done {
		return ErrClosed
	}
	return fw.w.WriteChecksum(frame, sum)
}

// Flush writes the buffered records to the file, so that a crash from now
// on leaves them readable in path+".partial".
func (fw *FileWriter) Flush() error {
	if fw.done {
		return ErrClosed
	}
	fw.frames = 0
	return fw.w.Flush()
}

// Close finishes the replay: it writes the end record, flushes, syncs and
// closes the file, and renames path+".partial" to path (replacing any file
// there). On error the partial file is left in place when it can be. Any
// later call returns ErrClosed.
func (fw *FileWriter) Close() error {
	if fw.done {
		return ErrClosed
	}
	fw.done = true
	err := fw.w.Close()
	if err == nil {
		err = fw.f.Sync()
	}
	if cerr := fw.f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("replay: finishing %s: %w", fw.path, err)
	}
	if err := os.Rename(fw.f.Name(), fw.path); err != nil {
		return fmt.Errorf("replay: %w", err)
	}
	syncDir(filepath.Dir(fw.path))
	return nil
}

// Abort stops recording without finishing the file: it flushes what it can
// and closes path+".partial", which stays in place and reads back with
// Truncated set. Any later call returns ErrClosed.
func (fw *FileWriter) Abort() error {
	if fw.done {
		return ErrClosed
	}
	fw.done = true
	err := fw.w.Flush()
	if cerr := fw.f.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("replay: %w", cerr)
	}
	return err
}

// syncDir makes a rename in dir durable where the system allows it; it is
// best effort, as some systems cannot sync a directory.
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
