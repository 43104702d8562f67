package synth

// Effect is one of Neon Trails' sound effects.
type Effect uint8

// The effects, in the order of their Sounds.
const (
	// Turn is the short tick of the local rider turning.
	Turn Effect = iota
	// Boost is the rising whoosh of a boost starting.
	Boost
	// Crash is a burst of noise over a falling tone.
	Crash
	// Beep is one second of the countdown.
	Beep
	// Go is the higher beep that starts a round.
	Go
	// RoundWin is the stinger of a round the local player won.
	RoundWin
	// RoundLost is the stinger of a round someone else won, or a draw.
	RoundLost
	// MatchWin is the fanfare of a match the local player won.
	MatchWin
	// MatchLost is the stinger of a match someone else won.
	MatchLost
	// NumEffects is how many effects there are.
	NumEffects
)

var effectNames = [...]string{"turn", "boost", "crash", "beep", "go", "round-win", "round-lost", "match-win", "match-lost"}

// String returns the effect's name, such as "crash".
func (e Effect) String() string {
	if int(e) < len(effectNames) {
		return effectNames[e]
	}
	return "effect?"
}

// notes plays pitches one after another, each step seconds long and
// lasting hold seconds, on wave at gain.
func notes(wave Wave, step, hold, gain float64, freqs ...float64) []Tone {
	var ts []Tone
	for i, f := range freqs {
		ts = append(ts, Tone{Wave: wave, Freq: f, Start: float64(i) * step, Length: hold, Gain: gain,
			Env: Envelope{Attack: 0.005, Decay: hold * 0.4, Sustain: 0.5, Release: hold * 0.5}})
	}
	return ts
}

// Sound returns the effect's sound; seed varies its noise.
func (e Effect) Sound(seed uint64) Sound {
	s := Sound{Seed: seed}
	switch e {
	case Turn:
		s.Tones = []Tone{{Wave: Square, Freq: 1400, FreqEnd: 900, Length: 0.03, Gain: 0.25, LowPass: 5000,
			Env: Envelope{Attack: 0.001, Release: 0.025}}}
	case Boost:
		s.Tones = []Tone{
			{Wave: Saw, Freq: 180, FreqEnd: 720, Length: 0.35, Gain: 0.35, LowPass: 2500,
				Env: Envelope{Attack: 0.02, Decay: 0.1, Sustain: 0.7, Release: 0.2}},
			{Wave: Noise, Length: 0.35, Gain: 0.25, LowPass: 3000, Env: Envelope{Attack: 0.05, Release: 0.3}},
		}
	case Crash:
		s.Tones = []Tone{
			{Wave: Noise, Length: 0.7, Gain: 0.9, LowPass: 1800, Env: Envelope{Attack: 0.002, Decay: 0.15, Sustain: 0.4, Release: 0.5}},
			{Wave: Square, Freq: 220, FreqEnd: 40, Length: 0.5, Gain: 0.4, LowPass: 900, Env: Envelope{Attack: 0.002, Release: 0.45}},
		}
	case Beep:
		s.Tones = []Tone{{Wave: Square, Freq: 660, Length: 0.12, Gain: 0.3, LowPass: 3000, Env: Envelope{Attack: 0.003, Release: 0.04}}}
	case Go:
		s.Tones = []Tone{{Wave: Square, Freq: 1320, Length: 0.3, Gain: 0.3, LowPass: 4000,
			Env: Envelope{Attack: 0.003, Decay: 0.1, Sustain: 0.6, Release: 0.15}}}
	case RoundWin:
		s.Tones = notes(Triangle, 0.09, 0.2, 0.5, 523.25, 659.25, 783.99, 1046.5)
	case RoundLost:
		s.Tones = notes(Triangle, 0.14, 0.25, 0.45, 392, 311.13, 261.63)
	case MatchWin:
		s.Tones = append(notes(Square, 0.12, 0.22, 0.22, 523.25, 659.25, 783.99, 1046.5, 783.99),
			notes(Triangle, 0, 0.9, 0.4, 1046.5, 1318.5, 1568)...)
		for i := len(s.Tones) - 3; i < len(s.Tones); i++ {
			s.Tones[i].Start = 0.6
		}
	case MatchLost:
		s.Tones = notes(Saw, 0.25, 0.4, 0.3, 440, 415.3, 392, 311.13)
		for i := range s.Tones {
			s.Tones[i].LowPass = 1500
		}
	}
	return s
}

// Hum is the engine's drone, a loop of a second with no seam: a low saw
// and its fifth, smoothed, with a slow beat between two close sines.
func Hum() Sound {
	return Sound{Loop: true, Tones: []Tone{
		{Wave: Saw, Freq: 55, Length: 1, Gain: 0.5, LowPass: 400},
		{Wave: Saw, Freq: 82, Length: 1, Gain: 0.25, LowPass: 300},
		{Wave: Sine, Freq: 110, Length: 1, Gain: 0.2},
		{Wave: Sine, Freq: 113, Length: 1, Gain: 0.2},
	}}
}
