package sim

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrBadState is returned by UnmarshalBinary for data that is not a state
// this version wrote.
var ErrBadState = errors.New("sim: bad state encoding")

const (
	stateMagic   = "NT"
	stateVersion = 4
	// maxEvents bounds the events of one Step in an encoded state; a Step
	// makes at most a handful per rider.
	maxEvents = 64
)

// The encoding, little-endian, fixed-size fields in this order:
//
//	"NT", version, players, seed u64, width u16, height u16,
//	rounds to win u8, ticks per second u16, pace u8 (since version 3),
//	config flags u8 (since version 4: 1 no warm-up),
//	tick i64, phase u8, phase tick i64, round u32, rng u64,
//	round winner i8, match winner i8,
//	pause (since version 4): paused by i8, ticks u32, agreed u8, resume u16,
//	per rider: x u16, y u16, dir u8, flags u8, energy u16, crash tick i64,
//	    crash x i16, crash y i16, progress u16, moves u32,
//	    queue[0] u8, queue[1] u8, queue length u8, pauses u8 (since version 4),
//	per player: score u16, kills u16,
//	grid: width*height owner bytes, then width*height trail places u16,
//	events: count u8, then per event: kind u8, player i8, x i16, y i16,
//	    by i8, cause u8, n u32.
//
// Checksum hashes exactly these bytes, so it never depends on how the
// State is laid out in memory.

// MarshalBinary encodes the whole state, the last Step's events included,
// in a compact, versioned binary form that UnmarshalBinary reads back.
func (s *State) MarshalBinary() ([]byte, error) {
	e := encoder{b: make([]byte, 0, 64+40*len(s.riders)+3*len(s.grid)+16*len(s.events))}
	s.encode(&e)
	return e.b, nil
}

// Checksum returns the 64-bit FNV-1a hash of the state's MarshalBinary
// encoding: two machines that stepped the same inputs from the same
// Config have the same checksum. It does not allocate.
func (s *State) Checksum() uint64 {
	e := encoder{hash: true, h: fnvOffset}
	s.encode(&e)
	return e.h
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// encoder either appends the encoding to b or, when hash is set, folds it
// into the FNV-1a hash h without keeping it.
type encoder struct {
	b    []byte
	hash bool
	h    uint64
}

func (e *encoder) u8(v uint8) {
	if e.hash {
		e.h = (e.h ^ uint64(v)) * fnvPrime
		return
	}
	e.b = append(e.b, v)
}

func (e *encoder) u16(v uint16) { e.u8(uint8(v)); e.u8(uint8(v >> 8)) }
func (e *encoder) u32(v uint32) { e.u16(uint16(v)); e.u16(uint16(v >> 16)) }
func (e *encoder) u64(v uint64) { e.u32(uint32(v)); e.u32(uint32(v >> 32)) }
func (e *encoder) i8(v int)     { e.u8(uint8(int8(v))) }
func (e *encoder) i16(v int)    { e.u16(uint16(int16(v))) }
func (e *encoder) i64(v int)    { e.u64(uint64(int64(v))) }

func (e *encoder) bytes(b []byte) {
	if e.hash {
		h := e.h
		for _, c := range b {
			h = (h ^ uint64(c)) * fnvPrime
		}
		e.h = h
		return
	}
	e.b = append(e.b, b...)
}

func (e *encoder) u16s(v []uint16) {
	if e.hash {
		h := e.h
		for _, q := range v {
			h = (h ^ uint64(q&0xff)) * fnvPrime
			h = (h ^ uint64(q>>8)) * fnvPrime
		}
		e.h = h
		return
	}
	for _, q := range v {
		e.b = append(e.b, uint8(q), uint8(q>>8))
	}
}

func (s *State) encode(e *encoder) {
	e.bytes([]byte(stateMagic))
	e.u8(stateVersion)
	e.u8(uint8(s.cfg.Players))
	e.u64(s.cfg.Seed)
	e.u16(uint16(s.cfg.Width))
	e.u16(uint16(s.cfg.Height))
	e.u8(uint8(s.cfg.RoundsToWin))
	e.u16(uint16(s.cfg.TicksPerSecond))
	e.u8(uint8(s.cfg.Pace))
	e.u8(s.cfg.flags())
	e.i64(s.tick)
	e.u8(uint8(s.phase))
	e.i64(s.phaseTick)
	e.u32(uint32(s.round))
	e.u64(s.rng)
	e.i8(s.roundWin)
	e.i8(s.winner)
	e.i8(s.pause.by)
	e.u32(uint32(s.pause.ticks))
	e.u8(s.pause.agreed)
	e.u16(uint16(s.pause.resume))
	for p := range s.riders {
		r := &s.riders[p]
		e.u16(uint16(r.X))
		e.u16(uint16(r.Y))
		e.u8(uint8(r.Dir))
		e.u8(r.flags())
		e.u16(uint16(r.Energy))
		e.i64(r.CrashTick)
		e.i16(r.CrashX)
		e.i16(r.CrashY)
		e.u16(uint16(r.progress))
		e.u32(uint32(r.moves))
		e.u8(uint8(r.queue[0]))
		e.u8(uint8(r.queue[1]))
		e.u8(uint8(r.nq))
		e.u8(uint8(r.Pauses))
	}
	for p := range s.riders {
		e.u16(uint16(s.scores[p]))
		e.u16(uint16(s.kills[p]))
	}
	e.bytes(s.grid)
	e.u16s(s.seq)
	e.u8(uint8(len(s.events)))
	for _, ev := range s.events {
		e.u8(uint8(ev.Kind))
		e.i8(ev.Player)
		e.i16(ev.X)
		e.i16(ev.Y)
		e.i8(ev.By)
		e.u8(uint8(ev.Cause))
		e.u32(uint32(ev.N))
	}
}

const configNoWarmUp = 1

func (c Config) flags() uint8 {
	if c.NoWarmUp {
		return configNoWarmUp
	}
	return 0
}

const (
	flagAlive = 1 << iota
	flagActive
	flagBoost
	flagReady
	flagHeld
	flagAll = flagHeld<<1 - 1
)

func (r *Rider) flags() uint8 {
	var f uint8
	if r.Alive {
		f |= flagAlive
	}
	if r.Active {
		f |= flagActive
	}
	if r.Boost {
		f |= flagBoost
	}
	if r.Ready {
		f |= flagReady
	}
	if r.held {
		f |= flagHeld
	}
	return f
}

// decoder reads fixed-size fields and remembers the first error; once it
// failed, every read returns zero.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) take(n int) []byte {
	if d.err != nil || len(d.b) < n {
		d.fail("truncated")
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

func (d *decoder) u8() int {
	if b := d.take(1); b != nil {
		return int(b[0])
	}
	return 0
}

func (d *decoder) u16() int {
	if b := d.take(2); b != nil {
		return int(binary.LittleEndian.Uint16(b))
	}
	return 0
}

func (d *decoder) u32() int {
	if b := d.take(4); b != nil {
		return int(binary.LittleEndian.Uint32(b))
	}
	return 0
}

func (d *decoder) u64() uint64 {
	if b := d.take(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (d *decoder) i8() int  { return int(int8(d.u8())) }
func (d *decoder) i16() int { return int(int16(d.u16())) }
func (d *decoder) i64() int { return int(int64(d.u64())) }

func (d *decoder) fail(f string, a ...any) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: "+f, append([]any{ErrBadState}, a...)...)
	}
}

// UnmarshalBinary replaces s with the state data encodes, as MarshalBinary
// wrote it. Data that does not decode to a valid state (truncated,
// trailing bytes, a field out of range) returns an error wrapping
// ErrBadState and leaves s unchanged; it never panics. A state it accepts
// re-encodes to the same bytes and can be stepped on.
func (s *State) UnmarshalBinary(data []byte) error {
	d := &decoder{b: data}
	if string(d.take(len(stateMagic))) != stateMagic || d.u8() != stateVersion {
		return fmt.Errorf("%w: not a Neon Trails state of version %d", ErrBadState, stateVersion)
	}
	var cfg Config
	cfg.Players = d.u8()
	cfg.Seed = d.u64()
	cfg.Width, cfg.Height = d.u16(), d.u16()
	cfg.RoundsToWin = d.u8()
	cfg.TicksPerSecond = d.u16()
	cfg.Pace = Pace(d.u8())
	cf := d.u8()
	cfg.NoWarmUp = cf&configNoWarmUp != 0
	if d.err == nil && cf&^configNoWarmUp != 0 {
		return fmt.Errorf("%w: config flags %#x", ErrBadState, cf)
	}
	if d.err != nil {
		return d.err
	}
	if cfg.Width == 0 || cfg.Height == 0 || cfg.RoundsToWin == 0 || cfg.TicksPerSecond == 0 {
		return fmt.Errorf("%w: config with a zero field", ErrBadState)
	}
	cfg, err := cfg.WithDefaults()
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadState, err)
	}
	n := cfg.Players
	t := &State{
		cfg:       cfg,
		maxEnergy: MaxEnergy * cfg.TicksPerSecond / 60,
		riders:    make([]Rider, n),
		scores:    make([]int, n),
		kills:     make([]int, n),
	}
	t.tick = d.i64()
	t.phase = Phase(d.u8())
	t.phaseTick = d.i64()
	t.round = d.u32()
	t.rng = d.u64()
	t.roundWin, t.winner = d.i8(), d.i8()
	if t.tick < 0 || t.phase > MatchOver || t.phaseTick < 0 || t.roundWin < -1 || t.roundWin >= n || t.winner < -1 || t.winner >= n {
		d.fail("match fields out of range")
	}
	pa := &t.pause
	pa.by, pa.ticks, pa.agreed, pa.resume = d.i8(), d.u32(), uint8(d.u8()), d.u16()
	tps := cfg.TicksPerSecond
	if pa.by < -1 || pa.by >= n || pa.ticks > PauseSeconds*tps || pa.resume > ResumeSeconds*tps ||
		int(pa.agreed)>>n != 0 || pa.by < 0 && *pa != (pause{by: -1}) || pa.by >= 0 && t.phase == MatchOver {
		d.fail("pause out of range")
	}
	for p := range t.riders {
		r := &t.riders[p]
		r.X, r.Y = d.u16(), d.u16()
		r.Dir = Dir(d.u8())
		f := d.u8()
		r.Alive, r.Active, r.Boost, r.Ready, r.held = f&flagAlive != 0, f&flagActive != 0, f&flagBoost != 0, f&flagReady != 0, f&flagHeld != 0
		r.Energy = d.u16()
		r.CrashTick = d.i64()
		r.CrashX, r.CrashY = d.i16(), d.i16()
		r.progress = d.u16()
		r.moves = d.u32()
		r.queue[0], r.queue[1], r.nq = Dir(d.u8()), Dir(d.u8()), d.u8()
		r.Pauses = d.u8()
		queued := r.nq <= len(r.queue)
		for i := range r.queue {
			if i < r.nq && !r.queue[i].Valid() || i >= r.nq && r.queue[i] != None {
				queued = false
			}
		}
		if r.X >= cfg.Width || r.Y >= cfg.Height || !r.Dir.Valid() || f > flagAll || r.Alive && !r.Active ||
			r.Energy > t.maxEnergy || r.CrashTick < -1 || r.progress >= cfg.TicksPerSecond || !queued || r.Pauses > MaxPauses {
			d.fail("rider %d out of range", p)
		}
	}
	for p := range t.riders {
		t.scores[p], t.kills[p] = d.u16(), d.u16()
	}
	if grid := d.take(cfg.Width * cfg.Height); grid != nil {
		t.grid = append([]uint8(nil), grid...)
	}
	t.seq = make([]uint16, cfg.Width*cfg.Height)
	for i := range t.seq {
		t.seq[i] = uint16(d.u16())
	}
	if ne := d.u8(); ne > maxEvents {
		d.fail("%d events", ne)
	} else if ne > 0 {
		t.events = make([]Event, ne)
	}
	for i := range t.events {
		ev := &t.events[i]
		ev.Kind = EventKind(d.u8())
		ev.Player = d.i8()
		ev.X, ev.Y = d.i16(), d.i16()
		ev.By = d.i8()
		ev.Cause = Cause(d.u8())
		ev.N = d.u32()
		if ev.Kind < EventCountdown || ev.Kind > EventResumed || ev.Player < -1 || ev.Player >= n ||
			ev.By < -1 || ev.By >= n || ev.Cause > CauseLeft {
			d.fail("event %d out of range", i)
		}
	}
	if d.err == nil && len(d.b) != 0 {
		d.fail("%d trailing bytes", len(d.b))
	}
	if d.err != nil {
		return d.err
	}
	for i, c := range t.grid {
		if c == 0 && t.seq[i] != 0 {
			return fmt.Errorf("%w: empty cell %d with a trail place", ErrBadState, i)
		}
		if int(c) > n {
			return fmt.Errorf("%w: cell owned by player %d of %d", ErrBadState, c, n)
		}
	}
	*s = *t
	return nil
}
