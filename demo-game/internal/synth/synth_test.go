package synth

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"testing"
)

// frames decodes stereo PCM into its left and right samples.
func frames(t *testing.T, pcm []byte) (l, r []int16) {
	t.Helper()
	if len(pcm)%BytesPerFrame != 0 {
		t.Fatalf("%d bytes: not whole frames", len(pcm))
	}
	for i := 0; i < len(pcm); i += BytesPerFrame {
		l = append(l, int16(binary.LittleEndian.Uint16(pcm[i:])))
		r = append(r, int16(binary.LittleEndian.Uint16(pcm[i+2:])))
	}
	return l, r
}

func TestEffects(t *testing.T) {
	for e := range NumEffects {
		t.Run(e.String(), func(t *testing.T) {
			s := e.Sound(1)
			if s.Length() <= 0 || s.Length() > 2 {
				t.Fatalf("length %gs, want a short sound", s.Length())
			}
			mono := s.Render()
			if len(mono) != s.Frames() || s.Frames() != int(math.Round(s.Length()*SampleRate)) {
				t.Fatalf("%d samples, Frames %d, for %gs", len(mono), s.Frames(), s.Length())
			}
			pcm := Stereo16(mono, 1)
			if len(pcm) != len(mono)*BytesPerFrame {
				t.Fatalf("%d bytes for %d frames", len(pcm), len(mono))
			}
			l, r := frames(t, pcm)
			peak := 0
			for i := range l {
				if l[i] != r[i] {
					t.Fatalf("frame %d: left %d, right %d", i, l[i], r[i])
				}
				peak = max(peak, int(math.Abs(float64(l[i]))))
			}
			if limit := int(math.Ceil(Peak * 32767)); peak > limit {
				t.Errorf("peak %d above the limit %d", peak, limit)
			}
			if peak < 3000 {
				t.Errorf("peak %d: nearly silent", peak)
			}
			if l[0] != 0 || l[len(l)-1] != 0 {
				t.Errorf("starts at %d and ends at %d, want 0 at both ends (no click)", l[0], l[len(l)-1])
			}
		})
	}
}

func TestEnvelope(t *testing.T) {
	tests := []struct {
		env    Envelope
		t, len float64
		want   float64
	}{
		{Envelope{}, 0, 1, 0},
		{Envelope{}, 0.5, 1, 1},
		{Envelope{}, 1, 1, 0},
		{Envelope{Attack: 0.1}, 0.05, 1, 0.5},
		{Envelope{Attack: 0.1, Decay: 0.1, Sustain: 0.5}, 0.15, 1, 0.75},
		{Envelope{Attack: 0.1, Decay: 0.1, Sustain: 0.5}, 0.5, 1, 0.5},
		{Envelope{Release: 0.2}, 0.9, 1, 0.5},
		{Envelope{Attack: 0.5, Release: 0.5}, 2, 1, 0}, // past the end
	}
	for _, tt := range tests {
		if got := tt.env.level(tt.t, tt.len); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("%+v at %g of %g = %g, want %g", tt.env, tt.t, tt.len, got, tt.want)
		}
	}
}

// TestLimiter mixes tones far louder than full scale: Render scales them
// down to Peak and Stereo16 never wraps around int16.
func TestLimiter(t *testing.T) {
	var s Sound
	for i := range 8 {
		s.Tones = append(s.Tones, Tone{Wave: Square, Freq: 100, Length: 0.1, Gain: 1, Start: float64(i) * 0.001})
	}
	mono := s.Render()
	peak := 0.0
	for _, v := range mono {
		peak = math.Max(peak, math.Abs(v))
	}
	if math.Abs(peak-Peak) > 1e-9 {
		t.Errorf("peak %g, want %g", peak, Peak)
	}
	l, _ := frames(t, Stereo16([]float64{2, -2, 1, -1}, 1))
	want := []int16{32767, -32767, 32767, -32767}
	for i := range want {
		if l[i] != want[i] {
			t.Errorf("Stereo16 sample %d = %d, want %d (clamped)", i, l[i], want[i])
		}
	}
}

func TestDeterministic(t *testing.T) {
	a := Stereo16(Crash.Sound(7).Render(), 1)
	b := Stereo16(Crash.Sound(7).Render(), 1)
	c := Stereo16(Crash.Sound(8).Render(), 1)
	if !bytes.Equal(a, b) {
		t.Error("the same seed gave different samples")
	}
	if bytes.Equal(a, c) {
		t.Error("seeds 7 and 8 gave the same noise")
	}
}

// TestHumLoops checks that the hum's end runs into its start: the step
// from its last sample to its first is no bigger than the steps inside.
func TestHumLoops(t *testing.T) {
	h := Hum()
	mono := h.Render()
	if len(mono) != SampleRate {
		t.Fatalf("%d samples, want a second (%d)", len(mono), SampleRate)
	}
	biggest := 0.0
	for i := 1; i < len(mono); i++ {
		biggest = math.Max(biggest, math.Abs(mono[i]-mono[i-1]))
	}
	if seam := math.Abs(mono[0] - mono[len(mono)-1]); seam > biggest*1.01 {
		t.Errorf("the seam jumps %g, the largest step inside is %g", seam, biggest)
	}
	if biggest == 0 {
		t.Error("the hum is silent")
	}
}

func TestGain(t *testing.T) {
	mono := Beep.Sound(0).Render()
	for _, g := range []float64{0, 0.5} {
		t.Run(fmt.Sprint(g), func(t *testing.T) {
			full, _ := frames(t, Stereo16(mono, 1))
			part, _ := frames(t, Stereo16(mono, g))
			for i := range full {
				if d := math.Abs(float64(part[i]) - g*float64(full[i])); d > 1 {
					t.Fatalf("sample %d: %d at gain %g, %d at full", i, part[i], g, full[i])
				}
			}
		})
	}
}
