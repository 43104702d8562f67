package app

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"sync"

	"github.com/hajimehoshi/ebiten/v2/audio"

	"github.com/peerstep/peerstep/demo-game/internal/prefs"
	"github.com/peerstep/peerstep/demo-game/internal/synth"
	"github.com/peerstep/peerstep/demo-game/sim"
)

// sound plays the effects and the engine's hum at the player's volume, or
// nothing at all when there is no device to play on. Its zero value is
// silent.
type sound struct {
	ctx    *audio.Context // nil: sound is off
	fx     [synth.NumEffects][]byte
	hum    *audio.Player
	level  float64 // the hum's level now, eased toward its target
	volume float64 // 0 to 1
	muted  bool
	offWhy string // why there is no sound, "" when there is
}

// The audio context is one per process (audio.NewContext panics the
// second time), shared by every App.
var (
	audioOnce sync.Once
	audioCtx  *audio.Context
	audioErr  error
)

func openAudio() (*audio.Context, error) {
	audioOnce.Do(func() {
		defer func() {
			if r := recover(); r != nil {
				audioCtx, audioErr = nil, fmt.Errorf("audio: %v", r)
			}
		}()
		if audioErr = probeAudio(); audioErr == nil {
			audioCtx = audio.NewContext(synth.SampleRate)
		}
	})
	return audioCtx, audioErr
}

// newSound opens the sound device when enabled, and renders the effects.
// With no device it writes one line saying so to warn and stays silent.
func newSound(enabled bool, volume float64, muted bool, warn io.Writer) *sound {
	s := &sound{volume: volume, muted: muted, offWhy: "off for this run"}
	if !enabled {
		return s
	}
	ctx, err := openAudio()
	if err != nil {
		s.offWhy = "no audio device here"
		fmt.Fprintf(warn, "neon trails: sound off: %v\n", err)
		return s
	}
	s.ctx, s.offWhy = ctx, ""
	for e := range synth.NumEffects {
		s.fx[e] = synth.Stereo16(e.Sound(uint64(e)).Render(), 1)
	}
	hum, err := ctx.NewPlayer(audio.NewInfiniteLoop(bytes.NewReader(synth.Stereo16(synth.Hum().Render(), 1)), int64(synth.SampleRate*synth.BytesPerFrame)))
	if err == nil {
		s.hum = hum
		s.hum.SetVolume(0)
	}
	return s
}

// gain is the level sounds play at: the volume, or 0 when muted.
func (s *sound) gain() float64 {
	if s.muted {
		return 0
	}
	return s.volume
}

// play plays the cue's effect once.
func (s *sound) play(c cue) {
	if s.ctx == nil || s.gain() == 0 {
		return
	}
	p := s.ctx.NewPlayerFromBytes(s.fx[c.fx])
	p.SetVolume(c.gain * s.gain())
	p.Play()
}

// setHum eases the hum toward target (0 to 1, before the volume): a few
// ticks to swell or fade, so that a boost or a crash does not click.
func (s *sound) setHum(target float64) {
	if s.hum == nil {
		return
	}
	s.level += math.Max(-0.05, math.Min(0.05, target-s.level))
	v := s.level * s.gain()
	s.hum.SetVolume(v)
	switch {
	case v > 0 && !s.hum.IsPlaying():
		s.hum.Play()
	case v == 0 && s.hum.IsPlaying():
		s.hum.Pause()
	}
}

// adjust changes the volume by d (clamped to 0..1) and unmutes.
func (s *sound) adjust(d float64) {
	s.volume = prefs.Clamp(s.volume + d)
	s.muted = false
}

// status says how sound is, for a notice: "sound 80%", "sound muted",
// and why nothing plays when there is no device.
func (s *sound) status() string {
	t := fmt.Sprintf("sound %d%%", int(math.Round(s.volume*100)))
	if s.muted {
		t = "sound muted"
	}
	if s.ctx == nil {
		t += " - " + s.offWhy
	}
	return t
}

// cue is an effect to play, at a gain from 0 to 1.
type cue struct {
	fx   synth.Effect
	gain float64
}

// cues decides the sounds of a tick from its events, for the player local
// (-1 watching a replay): countdown beeps and GO, crashes (the local
// player's loudest), the local player's boosts, and the stingers of a
// round and a match won or lost. Each effect plays at most once a tick,
// at the loudest gain asked for.
func cues(events []sim.Event, local int) []cue {
	var out []cue
	add := func(fx synth.Effect, gain float64) {
		for i := range out {
			if out[i].fx == fx {
				out[i].gain = math.Max(out[i].gain, gain)
				return
			}
		}
		out = append(out, cue{fx, gain})
	}
	mine := func(p int) bool { return p >= 0 && (p == local || local < 0) }
	for _, e := range events {
		switch e.Kind {
		case sim.EventCountdown:
			if e.N > 0 {
				add(synth.Beep, 0.6)
			}
		case sim.EventGo, sim.EventResumed:
			add(synth.Go, 0.7)
		case sim.EventResuming, sim.EventPause:
			add(synth.Beep, 0.6)
		case sim.EventCrash:
			if e.Cause == sim.CauseLeft {
				break
			}
			g := 0.45
			if e.Player == local {
				g = 1
			}
			add(synth.Crash, g)
		case sim.EventBoost:
			if e.Player == local {
				add(synth.Boost, 0.6)
			}
		case sim.EventRoundOver:
			if mine(e.Player) {
				add(synth.RoundWin, 0.8)
			} else {
				add(synth.RoundLost, 0.7)
			}
		case sim.EventMatchOver:
			if mine(e.Player) {
				add(synth.MatchWin, 0.9)
			} else {
				add(synth.MatchLost, 0.8)
			}
		}
	}
	return out
}

// riderSound follows the local rider from tick to tick, for what events
// do not say: a turn, and how loud the engine hums.
type riderSound struct {
	dir   sim.Dir
	round int
	phase sim.Phase
	seen  bool
}

// update returns whether the local rider turned since the last tick (in
// the countdown, choosing the way to start, or riding) and the hum's level.
func (rs *riderSound) update(st *sim.State, local int) (turned bool, hum float64) {
	if local < 0 || local >= st.Players() {
		if st.Phase() == sim.Playing {
			hum = 0.2 // a replay: the riders' hum, quieter
		}
		return false, hum
	}
	r := st.Rider(local)
	phase := st.Phase()
	live := r.Alive && (phase == sim.Playing || phase == sim.Countdown)
	// A new round or match puts the riders back on their marks: not a turn.
	same := rs.seen && rs.round == st.Round() && (rs.phase == phase || rs.phase == sim.Countdown && phase == sim.Playing)
	turned = live && same && r.Dir != rs.dir
	rs.dir, rs.round, rs.phase, rs.seen = r.Dir, st.Round(), phase, true
	switch {
	case !live:
	case phase == sim.Countdown:
		hum = 0.15
	case r.Boost:
		hum = 0.6
	default:
		hum = 0.35
	}
	return turned, hum
}
