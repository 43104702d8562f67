// Package synth makes Neon Trails' sounds in code: oscillators, envelopes
// and seeded noise mixed into 16-bit stereo PCM at 48 kHz, the format
// Ebiten's audio package plays. It is pure (no Ebiten, no I/O, no clock),
// so every sound is the same bytes for the same seed, and tests can check
// them sample by sample.
//
//	pcm := synth.Stereo16(synth.Crash.Sound().Render(), 0.8)
package synth

import "math"

// SampleRate is the rate of every sound, in frames per second.
const SampleRate = 48000

// BytesPerFrame is the size of one stereo frame of 16-bit samples.
const BytesPerFrame = 4

// Peak is the largest level Render returns: a mix that would go louder is
// scaled down to it, so that nothing clips when it becomes int16.
const Peak = 0.95

// Wave is an oscillator's shape.
type Wave uint8

// The oscillators.
const (
	// Sine is a pure tone, the zero value.
	Sine Wave = iota
	// Square is hollow and buzzy (odd harmonics).
	Square
	// Saw is bright and buzzy (every harmonic).
	Saw
	// Triangle is a soft square.
	Triangle
	// Noise is white noise from the Sound's seed; Freq is ignored.
	Noise
)

// Envelope shapes a Tone's loudness over its length: it rises from 0 to 1
// over Attack seconds, falls to Sustain over Decay, holds, and falls to 0
// over Release, ending at exactly 0 on the Tone's last sample. The zero
// value is a tone that starts and stops at once but for a click-free
// millisecond at each end, at full level (a zero Sustain with a zero Decay
// means full level).
type Envelope struct {
	Attack, Decay, Release float64 // seconds
	Sustain                float64 // level 0 to 1 after Decay
}

// level returns the envelope at t seconds into a tone of length seconds.
func (e Envelope) level(t, length float64) float64 {
	const edge = 0.001
	attack, release := math.Max(e.Attack, edge), math.Max(e.Release, edge)
	sustain := e.Sustain
	if sustain == 0 && e.Decay == 0 {
		sustain = 1
	}
	var v float64
	switch {
	case t < attack:
		v = t / attack
	case t < attack+e.Decay:
		v = 1 - (1-sustain)*(t-attack)/e.Decay
	default:
		v = sustain
	}
	if left := length - t; left < release {
		v *= math.Max(0, left/release)
	}
	return v
}

// Tone is one oscillator's note within a Sound.
type Tone struct {
	Wave Wave
	// Freq is the pitch at the start in Hz; FreqEnd, when not zero, the
	// pitch at the end, reached by an even slide in octaves.
	Freq, FreqEnd float64
	// Start is when the tone begins in the Sound, Length how long it
	// lasts, in seconds.
	Start, Length float64
	// Gain is the tone's level, 0 to 1 (the mix is limited to Peak).
	Gain float64
	// Env shapes it; Loop sounds ignore it.
	Env Envelope
	// LowPass, when above zero, smooths the wave with a one-pole filter
	// at this cutoff in Hz (for noise: a rumble rather than a hiss).
	LowPass float64
}

// Sound is a mix of tones.
type Sound struct {
	Tones []Tone
	// Seed drives the noise; the same seed gives the same samples.
	Seed uint64
	// Loop makes a sound that repeats without a seam: no envelopes, and
	// every tone's pitch is rounded to a whole number of cycles in the
	// sound's length. Slides are ignored.
	Loop bool
}

// Length returns the sound's length in seconds: up to the end of its last
// tone.
func (s Sound) Length() float64 {
	var end float64
	for _, t := range s.Tones {
		end = math.Max(end, t.Start+t.Length)
	}
	return end
}

// Frames returns the sound's length in frames.
func (s Sound) Frames() int { return int(math.Round(s.Length() * SampleRate)) }

// Render mixes the sound into mono samples from -Peak to Peak, Frames of
// them.
func (s Sound) Render() []float64 {
	n := s.Frames()
	out := make([]float64, n)
	rng := s.Seed*0x9e3779b97f4a7c15 + 0x2545f4914f6cdd1d
	for _, t := range s.Tones {
		t.render(out, s.Loop, &rng, float64(n)/SampleRate)
	}
	peak := 0.0
	for _, v := range out {
		peak = math.Max(peak, math.Abs(v))
	}
	if peak > Peak {
		k := Peak / peak
		for i := range out {
			out[i] *= k
		}
	}
	return out
}

// render adds the tone into out.
func (t Tone) render(out []float64, loop bool, rng *uint64, total float64) {
	first := int(math.Round(t.Start * SampleRate))
	n := int(math.Round(t.Length * SampleRate))
	f0, f1 := t.Freq, t.FreqEnd
	if f1 == 0 || loop {
		f1 = f0
	}
	if loop && total > 0 {
		f0 = math.Max(1, math.Round(f0*total)) / total
		f1 = f0
	}
	alpha := 1.0
	if t.LowPass > 0 {
		alpha = 1 - math.Exp(-2*math.Pi*t.LowPass/SampleRate)
	}
	phase, lp := 0.0, 0.0
	from := 0
	if loop {
		from = -n // a lap before the start settles the filter, so that the end meets the start
	}
	for i := from; i < n; i++ {
		x := math.Max(0, float64(i)) / float64(max(1, n-1))
		freq := f0 * math.Pow(f1/f0, x)
		var v float64
		switch t.Wave {
		case Sine:
			v = math.Sin(2 * math.Pi * phase)
		case Square:
			v = 1
			if phase >= 0.5 {
				v = -1
			}
		case Saw:
			v = 2*phase - 1
		case Triangle:
			v = 1 - 4*math.Abs(phase-0.5)
		case Noise:
			*rng ^= *rng << 13
			*rng ^= *rng >> 7
			*rng ^= *rng << 17
			v = float64(*rng>>11)/float64(1<<52) - 1
		}
		phase += freq / SampleRate
		phase -= math.Floor(phase)
		lp += alpha * (v - lp)
		j := first + i
		if j < 0 || j >= len(out) || i < 0 {
			continue
		}
		env := 1.0
		if !loop {
			env = t.Env.level(float64(i)/SampleRate, float64(n-1)/SampleRate)
		}
		out[j] += lp * t.Gain * env
	}
}

// Stereo16 turns mono samples into 16-bit little-endian stereo PCM, the
// same on both sides, at gain (0 to 1).
func Stereo16(mono []float64, gain float64) []byte {
	b := make([]byte, len(mono)*BytesPerFrame)
	for i, v := range mono {
		s := int16(math.Max(-32767, math.Min(32767, math.Round(v*gain*32767))))
		u := uint16(s)
		b[4*i], b[4*i+1], b[4*i+2], b[4*i+3] = byte(u), byte(u>>8), byte(u), byte(u>>8)
	}
	return b
}
