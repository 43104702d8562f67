package replay

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"os"

	"github.com/vmihailenco/msgpack/v5"

	"github.com/peerstep/peerstep/lockstep"
)

// Read reads a replay from r.
//
// A file cut short after its header (a crash while recording) is not an
// error: Read returns the frames and checksums whose records are complete,
// with Truncated set. A file cut inside its header returns an error wrapping
// ErrCorrupt and io.ErrUnexpectedEOF. Data that is not a replay returns
// ErrBadMagic, another format version ErrVersion, and malformed or
// inconsistent data ErrCorrupt. Errors of r itself are returned wrapped.
//
// Read trusts no length or count in the file: it allocates as records
// arrive, so memory stays in proportion to the input (a frame costs its
// inputs plus about 25 bytes per player).
func Read(r io.Reader) (*Replay, error) {
	src := &sourceReader{r: r}
	br := bufio.NewReader(src)
	if err := readMagic(br); err != nil {
		return nil, src.or(err)
	}
	d := &decoder{d: msgpack.NewDecoder(br)}
	version, err := d.d.DecodeUint64()
	if err != nil {
		return nil, src.or(headerErr(err))
	}
	if version != FormatVersion {
		return nil, fmt.Errorf("%w: version %d, this package reads %d", ErrVersion, version, FormatVersion)
	}
	h, err := d.header()
	if err != nil {
		return nil, src.or(headerErr(err))
	}
	rp := &Replay{Header: h}
	for {
		done, err := d.record(rp)
		if src.err != nil {
			return nil, src.or(nil)
		}
		if err != nil {
			if isEOF(err) {
				rp.Truncated = true
				break
			}
			return nil, fmt.Errorf("%w: record after %d frames and %d checksums: %v",
				ErrCorrupt, len(rp.Frames), len(rp.Checksums), err)
		}
		if done {
			if _, err := br.Peek(1); err == nil {
				return nil, fmt.Errorf("%w: data after the end record", ErrCorrupt)
			}
			if src.err != nil {
				return nil, src.or(nil)
			}
			break
		}
	}
	for i := range rp.Checksums {
		rp.Frames[rp.Checksums[i].Frame].WantChecksum = true
	}
	return rp, nil
}

// sourceReader remembers the first error of r other than io.EOF, so that
// Read tells a failing reader from bad data.
type sourceReader struct {
	r   io.Reader
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if err != nil && err != io.EOF && s.err == nil {
		s.err = err
	}
	return n, err
}

// or returns the reader's error if there was one, else err.
func (s *sourceReader) or(err error) error {
	if s.err != nil {
		return fmt.Errorf("replay: read: %w", s.err)
	}
	return err
}

// headerErr classifies an error met while reading the header.
func headerErr(err error) error {
	if isEOF(err) {
		return fmt.Errorf("%w: header cut short: %w", ErrCorrupt, io.ErrUnexpectedEOF)
	}
	return fmt.Errorf("%w: header: %v", ErrCorrupt, err)
}

// readMagic checks the magic. A proper prefix of it is a file cut short.
func readMagic(r io.Reader) error {
	var m [len(Magic)]byte
	n, err := io.ReadFull(r, m[:])
	if !bytes.Equal(m[:n], []byte(Magic[:n])) {
		return ErrBadMagic
	}
	if err != nil {
		if isEOF(err) {
			return fmt.Errorf("%w: header cut short: %w", ErrCorrupt, io.ErrUnexpectedEOF)
		}
		return err
	}
	return nil
}

// record reads one record into rp; done reports the end record.
func (d *decoder) record(rp *Replay) (done bool, err error) {
	n, err := d.arrayLen()
	if err != nil {
		return false, err
	}
	if n < 1 {
		return false, errors.New("empty record")
	}
	kind, err := d.d.DecodeUint64()
	if err != nil {
		return false, err
	}
	switch kind {
	case kindFrame:
		return false, d.frame(rp, n)
	case kindChecksum:
		return false, d.checksum(rp, n)
	case kindEnd:
		return true, d.end(rp, n)
	}
	return false, fmt.Errorf("unknown record kind %d", kind)
}

func (d *decoder) frame(rp *Replay, n int) error {
	next := int64(len(rp.Frames))
	if n < 3 {
		return fmt.Errorf("frame record of %d fields", n)
	}
	if next == math.MaxInt32 {
		return errors.New("too many frames")
	}
	f, err := d.int("frame", math.MinInt32, math.MaxInt32)
	if err != nil {
		return err
	}
	if f != next {
		return fmt.Errorf("frame %d where frame %d was due", f, next)
	}
	mask, err := d.d.DecodeUint64()
	if err != nil {
		return err
	}
	players := rp.Header.Players
	if mask>>players != 0 {
		return fmt.Errorf("frame %d: presence %#x names a player beyond %d", f, mask, players)
	}
	if present := bits.OnesCount64(mask); n != 3+present {
		return fmt.Errorf("frame %d: %d inputs for %d present players", f, n-3, present)
	}
	inputs, present := d.slots(players)
	for p := 0; p < players; p++ {
		if mask&(1<<p) == 0 {
			continue
		}
		n, err := d.binLen("input", lockstep.MaxInputSize)
		if err != nil {
			return fmt.Errorf("frame %d, player %d: %w", f, p, err)
		}
		in := d.take(n)
		if err := d.d.ReadFull(in); err != nil {
			return err
		}
		inputs[p] = in
		present[p] = true
	}
	rf := lockstep.ReadyFrame{Frame: lockstep.Frame(f), Inputs: inputs, Present: present}
	rp.Frames = append(rp.Frames, rf)
	return nil
}

func (d *decoder) checksum(rp *Replay, n int) error {
	if n != 3 {
		return fmt.Errorf("checksum record of %d fields", n)
	}
	f, err := d.int("checksum frame", 0, math.MaxInt32)
	if err != nil {
		return err
	}
	sum, err := d.d.DecodeUint64()
	if err != nil {
		return err
	}
	if f >= int64(len(rp.Frames)) {
		return fmt.Errorf("checksum for frame %d before that frame", f)
	}
	if k := len(rp.Checksums); k > 0 && lockstep.Frame(f) <= rp.Checksums[k-1].Frame {
		return fmt.Errorf("checksum for frame %d after one for frame %d", f, rp.Checksums[k-1].Frame)
	}
	rp.Checksums = append(rp.Checksums, Checksum{Frame: lockstep.Frame(f), Sum: sum})
	return nil
}

func (d *decoder) end(rp *Replay, n int) error {
	if n != 3 {
		return fmt.Errorf("end record of %d fields", n)
	}
	frames, err := d.int("frame count", 0, math.MaxInt32)
	if err != nil {
		return err
	}
	sums, err := d.int("checksum count", 0, math.MaxInt32)
	if err != nil {
		return err
	}
	if frames != int64(len(rp.Frames)) || sums != int64(len(rp.Checksums)) {
		return fmt.Errorf("end record counts %d frames and %d checksums, file holds %d and %d",
			frames, sums, len(rp.Frames), len(rp.Checksums))
	}
	return nil
}

// ReadFile reads the replay at path. If path does not exist but
// path+".partial" does (a recording that crashed or was aborted, see
// FileWriter), ReadFile reads that one and sets Truncated.
func ReadFile(path string) (*Replay, error) {
	f, err := os.Open(path)
	partial := false
	if errors.Is(err, os.ErrNotExist) {
		pf, perr := os.Open(path + PartialSuffix)
		if perr == nil {
			f, err, partial = pf, nil, true
		}
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rp, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, f.Name())
	}
	if partial {
		rp.Truncated = true
	}
	return rp, nil
}
