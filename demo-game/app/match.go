package app

import (
	"errors"
	"fmt"
	"image/color"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/peerstep/peerstep/demo-game/internal/synth"
	"github.com/peerstep/peerstep/demo-game/play"
	"github.com/peerstep/peerstep/demo-game/sim"
	"github.com/peerstep/peerstep/netcode"
)

// feedLine is a line of the match's event feed.
type feedLine struct {
	parts []feedPart
	age   int
}

type feedPart struct {
	text string
	col  color.RGBA
	name bool // a player's name, which wrapping keeps whole
}

// matchScreen plays a match: arena, HUD, overlays, results.
type matchScreen struct {
	m         *play.Match
	view      arenaView
	ni        play.NetInfo
	feed      []feedLine
	graph     bool
	escAt     int // tick of the first ESC press, 0 if none
	ticks     int
	endErr    error
	done      bool          // the match ended (error, replay over)
	printed   bool          // -frames: the checksum line is out
	progress  play.Progress // -frames: the "frame N" lines, every 60 frames
	linger    int
	hitFlash  int // ticks left of the local player's crash flash
	goFlash   int // ticks left of "GO!"
	rider     riderSound
	steer     steering
	waiting   string // whom the match waits for, "" while it plays
	waitDrawn int    // frames drawn with it, for a -frames run to say once it shows
	paused    bool   // the match was paused on the last tick
	// pauseDrawn counts the frames drawn with the pause panel, for a
	// -frames run to say once it shows.
	pauseDrawn int
}

func newMatchScreen(a *App, m *play.Match) *matchScreen {
	ms := &matchScreen{m: m, ni: m.Net(), graph: a.cfg.NetGraph, progress: play.Progress{Every: 60}}
	if a.autoplay {
		m.StopAfter(a.cfg.Flags.Frames)
	}
	return ms
}

func (ms *matchScreen) close() error { return ms.m.Close() }

func (ms *matchScreen) update(a *App) error {
	ms.ticks++
	m := ms.m
	st := m.State()
	if ms.hitFlash > 0 {
		ms.hitFlash--
	}
	if ms.goFlash > 0 {
		ms.goFlash--
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyTab) || inpututil.IsKeyJustPressed(ebiten.KeyF3) {
		ms.graph = !ms.graph
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyEscape) {
		if escLeaves(m.Kind(), st.Phase(), ms.done, ms.escAt > 0 && ms.ticks-ms.escAt < 120) {
			if err := m.Close(); err != nil {
				a.notify(err.Error(), true)
			}
			return a.toTitle()
		}
		ms.escAt = ms.ticks
	}
	if ms.done {
		if inpututil.IsKeyJustPressed(ebiten.KeyEnter) {
			m.Close()
			return a.toTitle()
		}
		return ms.lingerOrExit(a)
	}

	var heading sim.Dir
	if l := m.Local(); l >= 0 && st.Rider(l).Alive {
		heading = st.Rider(l).Dir
	}
	in := readInput(a.binds, &ms.steer, heading)
	if a.autoplay {
		// A bot steers; the pause key is still the person's, to ask
		// for a pause and to agree to resume.
		in = m.Bot(m.Local()).WithPause(in.Pause())
	}
	steps := 1
	if m.Kind() == play.Replay && (ebiten.IsKeyPressed(ebiten.KeyArrowRight) || ebiten.IsKeyPressed(ebiten.KeyF)) {
		steps = 4 // fast forward
	}
	var err error
	for range steps {
		if err = m.Tick(in); err != nil {
			break
		}
	}
	events := m.Events()
	for _, e := range events {
		ms.event(a, e)
	}
	ms.sounds(a, events)
	for _, n := range m.Notices() {
		a.notify(n.Text, n.Bad)
	}
	ms.view.update()
	ms.ni = m.Net()
	if _, p := m.State().Paused(); p != ms.paused {
		if a.autoplay && !p {
			a.println("pause: over")
		}
		ms.paused, ms.pauseDrawn = p, 0
	}
	if w := m.Waiting(); w != ms.waiting {
		if a.autoplay && w == "" {
			a.println("waiting: over")
		}
		ms.waiting, ms.waitDrawn = w, 0
	}
	for i := range ms.feed {
		ms.feed[i].age++
	}
	if err != nil {
		ms.done, ms.endErr = true, err
		if !errors.Is(err, play.ErrReplayOver) {
			a.notify("the match ended: "+play.ErrorText(err), true)
		}
		if errors.Is(err, play.ErrReplayOver) && a.autoplay {
			ms.printChecksum(a)
		}
	}
	if a.autoplay {
		// Every multiple of 60 passed, even by a tick that ran several
		// frames: a test waits for a given one.
		for _, f := range ms.progress.Passed(m.Frames()) {
			a.println("frame %d", f)
		}
		if m.Frames() >= a.cfg.Flags.Frames {
			ms.printChecksum(a)
		}
		return ms.lingerOrExit(a)
	}
	return nil
}

// sounds plays the tick's sounds: the cues of its events, a tick when the
// local rider turned, and the engine's hum while it rides.
func (ms *matchScreen) sounds(a *App, events []sim.Event) {
	turned, hum := ms.rider.update(ms.m.State(), ms.m.Local())
	if turned {
		a.snd.play(cue{synth.Turn, 0.5})
	}
	for _, c := range cues(events, ms.m.Local()) {
		a.snd.play(c)
	}
	a.hum = hum
}

// escLeaves reports whether one ESC leaves the match: from the results
// (which say "ESC: leave"), from a match that has ended, and from a
// replay. In play it takes a second ESC while armed (within two seconds
// of the first), so that a stray press does not throw a round away.
func escLeaves(kind play.Kind, phase sim.Phase, done, armed bool) bool {
	return done || armed || kind == play.Replay || phase == sim.MatchOver
}

// printChecksum prints the line tests compare, once.
func (ms *matchScreen) printChecksum(a *App) {
	if !ms.printed {
		ms.printed = true
		a.println("checksum %d %016x", ms.m.Frames(), ms.m.State().Checksum())
		ms.linger = ms.m.TickRate() // the others may still need our last inputs
	}
}

// lingerOrExit ends an autoplay run's match a second after its checksum:
// back to the title when the run started there, else the end of the run.
func (ms *matchScreen) lingerOrExit(a *App) error {
	if !a.autoplay || !ms.printed {
		if a.autoplay && ms.done {
			return ms.endErr
		}
		return nil
	}
	if ms.linger--; ms.linger <= 0 {
		ms.m.Close()
		return a.toTitle()
	}
	return nil
}

func (ms *matchScreen) say(parts ...feedPart) {
	ms.feed = append(ms.feed, feedLine{parts: parts})
	if len(ms.feed) > 6 {
		ms.feed = ms.feed[len(ms.feed)-6:]
	}
}

func (ms *matchScreen) who(p int) feedPart {
	if p == ms.m.Local() {
		return feedPart{text: "you", col: playerColor(p), name: true}
	}
	return feedPart{text: fit(ms.m.Names()[p], 12), col: playerColor(p), name: true}
}

// event reacts to what happened in the simulation: effects and the feed.
func (ms *matchScreen) event(a *App, e sim.Event) {
	st := ms.m.State()
	ms.view.event(st, e)
	dim := colDim
	switch e.Kind {
	case sim.EventCrash:
		if e.Player == ms.m.Local() {
			ms.hitFlash = 24
		}
		switch {
		case e.Cause == sim.CauseWall:
			ms.say(ms.who(e.Player), feedPart{text: " hit the wall", col: dim})
		case e.Cause == sim.CauseTrail && e.By == e.Player:
			ms.say(ms.who(e.Player), feedPart{text: " cut their own trail", col: dim})
		case e.Cause == sim.CauseTrail:
			ms.say(ms.who(e.Player), feedPart{text: " crashed into ", col: dim}, ms.who(e.By))
		case e.Cause == sim.CauseHeadOn && e.Player < e.By:
			ms.say(ms.who(e.Player), feedPart{text: " and ", col: dim}, ms.who(e.By), feedPart{text: " met head on", col: dim})
		}
	case sim.EventMatchOver:
		if a.autoplay {
			a.println("match over: winner %d", e.Player)
		}
	case sim.EventRoundOver:
		if e.Player >= 0 {
			ms.say(ms.who(e.Player), feedPart{text: fmt.Sprintf(" won round %d", e.N), col: dim})
		} else {
			ms.say(feedPart{text: fmt.Sprintf("round %d: a draw", e.N), col: dim})
		}
	case sim.EventGo:
		ms.goFlash = 36
	case sim.EventRematch:
		ms.feed = nil
		ms.say(feedPart{text: "rematch!", col: colAccent})
	case sim.EventReady:
		ms.say(ms.who(e.Player), feedPart{text: " wants a rematch", col: dim})
	}
}

// matchLayout places the match screen: the top bar, the arena, and the
// side column of player rows, feed and net graph.
type matchLayout struct {
	top, bottom  float64 // heights of the top bar and the hint line
	pad          float64
	sideX, sideW float64
	ax, ay       float64 // the rectangle the arena is fitted into
	aw, ah       float64
	rowH         float64 // a player's row in the side column, with its gap
	rows         []rect  // the players' rows
	feed         rect    // the event feed, under the rows
	graph        rect    // the net graph; empty when off
	// graphOver says the side column had no room for the graph: it is
	// drawn translucent over the arena's bottom left corner instead.
	graphOver bool
}

// graphHeight is the height of the net graph's panel at scale s with gh
// pixels of bars.
func graphHeight(s int, gh float64) float64 {
	return gh + float64(3*lineHeight(s)+16*s)
}

// layMatch lays out the match screen for a W x H window at text scale s,
// players riders and the net graph when graph is set. The player rows
// tighten to fit the column; the graph docks at the foot of the column,
// out of the arena, its bars as tall as the room left allows.
func layMatch(W, H float64, s, players int, graph bool) matchLayout {
	fs := float64(s)
	lh := float64(lineHeight(s))
	l := matchLayout{top: lh + 14*fs, bottom: lh + 10*fs, pad: 10 * fs}
	l.sideW = math.Max(190*fs, math.Min(260*fs, W*0.2))
	l.sideX = W - l.sideW - l.pad
	l.ax, l.ay = l.pad, l.top+l.pad
	l.aw, l.ah = l.sideX-2*l.pad, H-l.top-l.bottom-2*l.pad
	y := l.ay + lh + 6*fs
	end := l.ay + l.ah
	minGraph := graphHeight(s, 16*fs) + 6*fs
	room := end - y - 10*fs
	if graph {
		room -= minGraph
	}
	l.rowH = 2*lh + 12*fs
	if players > 0 {
		l.rowH = math.Max(2*lh+5*fs, math.Min(l.rowH, math.Floor(room/float64(players))))
	}
	for range players {
		l.rows = append(l.rows, rect{l.sideX, y, l.sideW, l.rowH - 3*fs})
		y += l.rowH
	}
	y += 10 * fs
	if graph {
		gh := math.Max(16*fs, math.Min(60*fs, end-y-minGraph+16*fs))
		h := graphHeight(s, gh)
		if y+h+6*fs <= end {
			l.graph = rect{l.sideX, end - h, l.sideW, h}
			end = l.graph.y - 6*fs
		} else {
			h = graphHeight(s, 40*fs)
			l.graph, l.graphOver = rect{l.ax + 8*fs, l.ay + l.ah - h - 8*fs, l.sideW, h}, true
		}
	}
	l.feed = rect{l.sideX, y, l.sideW, math.Max(0, end-y)}
	return l
}

func (ms *matchScreen) layout(a *App) matchLayout {
	return layMatch(float64(a.w), float64(a.h), a.s, len(ms.m.Names()), ms.graphShown())
}

// graphShown reports whether the net graph is drawn: when asked for, and
// not over the results.
func (ms *matchScreen) graphShown() bool {
	return ms.graph && !ms.done && ms.m.State().Phase() != sim.MatchOver
}

func (ms *matchScreen) draw(a *App, dst *ebiten.Image) {
	m := ms.m
	st := m.State()
	s := a.s
	W, H := float64(a.w), float64(a.h)
	l := ms.layout(a)

	ms.view.draw(dst, st, l.ax, l.ay, l.aw, l.ah, m.Local(), s)
	phase := st.Phase()
	if phase == sim.Countdown || (phase == sim.Playing && st.PhaseTicks() < st.Config().TicksPerSecond) {
		ms.view.drawLabels(dst, st, m.Names(), m.Local(), s)
	}
	if ms.hitFlash > 0 {
		a := float64(ms.hitFlash) / 24
		glowRect(dst, ms.view.ox-4, ms.view.oy-4, ms.view.aw+8, ms.view.ah+8, scaleCol(colBad, 1, a))
	}
	ms.drawTopBar(a, dst, l)
	// The notices (who left, who is back) go to the foot of the side
	// column, under the players and out of the arena; the feed keeps the
	// room above them.
	title, sub, scol := ms.status(a.binds.pause)
	var sb statusBox
	if title != "" {
		sb = layStatus(l, W, s, title, sub)
		l.feed = statusFeed(l, sb, s)
	}
	notes, top := a.toasts.inColumn(l.feed, s)
	if len(notes) == 0 && len(a.toasts) > 0 {
		// No room in the column (eight players in a small window): the
		// newest over the hint line at the bottom, still off the arena.
		notes = a.toasts[len(a.toasts)-1:].overHint(W, H, l.bottom, s)
	}
	l.feed.h = math.Max(0, top-6*float64(s)-l.feed.y)
	ms.drawSide(a, dst, l)
	ms.drawOverlay(a, dst)
	if title != "" {
		drawStatus(dst, sb, s, scol)
	}
	if ms.waiting != "" {
		if ms.waitDrawn++; a.autoplay && ms.waitDrawn == 10 {
			a.println("waiting: %s", ms.waiting) // on the screen by now (as "screen: NAME"), for a screenshot
		}
	}
	if ms.paused {
		if ms.pauseDrawn++; a.autoplay && ms.pauseDrawn == 10 {
			a.println("pause: %s", strings.TrimRight(title, "."))
		}
	}
	if ms.graphShown() {
		ms.drawGraph(a, dst, l.graph, l.graphOver)
	}

	k := a.prefs.Keys
	hint := pickText(W-float64(16*s), s,
		fmt.Sprintf("steer: arrows / WASD, turn %s / %s    boost: %s    %s: pause    TAB: net graph    M: mute    ESC: leave", keyLabel(k.TurnLeft), keyLabel(k.TurnRight), keyLabel(k.Boost), keyLabel(k.Pause)),
		fmt.Sprintf("steer: arrows / WASD    boost: %s    %s: pause    TAB: net graph    ESC: leave", keyLabel(k.Boost), keyLabel(k.Pause)),
		fmt.Sprintf("arrows / WASD    boost: %s    %s: pause    ESC: leave", keyLabel(k.Boost), keyLabel(k.Pause)))
	switch {
	case m.Kind() == play.Replay:
		hint = "REPLAY    hold RIGHT: fast forward    TAB: net graph    ESC: back"
	case ms.escAt > 0 && ms.ticks-ms.escAt < 120:
		hint = "press ESC again to leave the match"
	case ms.done:
		hint = "ENTER: back to the title    ESC: back"
	case st.Phase() == sim.MatchOver:
		hint = "" // the results say it, with who is ready
	}
	c := colDim
	if strings.HasPrefix(hint, "press ESC") {
		c = colWarn
	}
	regular.text(dst, hint, W/2, H-l.bottom+float64(3*s), s, c, center)
	drawColumn(dst, notes, s)
}

// status returns the match's status panel: its headline, second line
// and colour ("waiting for bob" while the match stalls, "paused by ada"
// while it is paused, key the pause key), "" for none.
// The headline's dots move as the ticks go.
func (ms *matchScreen) status(key ebiten.Key) (title, sub string, c color.RGBA) {
	if ms.waiting != "" {
		return ms.waiting + strings.Repeat(".", ms.ticks/20%4), "the match goes on as soon as their input arrives", colWarn
	}
	st, m := ms.m.State(), ms.m
	if _, ok := st.Paused(); !ok {
		return "", "", colWarn
	}
	return pauseText(st, m.Names(), m.Local(), m.Present, key)
}

// pauseText is the pause panel's headline, second line and colour for the
// paused state st of players names, seen by player local (-1: a replay),
// present saying who is still here, key the pause key: "paused by ada",
// then what is left to do: press P, wait for the others, or the countdown.
func pauseText(st *sim.State, names []string, local int, present func(int) bool, key ebiten.Key) (title, sub string, c color.RGBA) {
	by, _ := st.Paused()
	who := fit(names[by], 16)
	if by == local {
		who = "you"
	}
	title = "paused by " + who
	tps := st.Config().TicksPerSecond
	if left := st.ResumeTicksLeft(); left > 0 {
		return title, fmt.Sprintf("resuming in %d", (left+tps-1)/tps), colGood
	}
	agreed, here, waitFor := 0, 0, ""
	for p := range names {
		if !present(p) || !st.Rider(p).Active {
			continue
		}
		here++
		if st.PauseAgreed(p) {
			agreed++
		} else if waitFor == "" && p != local {
			waitFor = fit(names[p], 16)
		}
	}
	kl := keyLabel(key.String())
	switch {
	case local >= 0 && present(local) && !st.PauseAgreed(local):
		sub = fmt.Sprintf("press %s to resume (%d of %d agree)", kl, agreed, here)
	case waitFor != "":
		sub = fmt.Sprintf("waiting for %s to press %s (%d of %d agree)", waitFor, kl, agreed, here)
	}
	left := (sim.PauseSeconds*tps - st.PauseTicks() + tps - 1) / tps
	if left <= 10 {
		sub += fmt.Sprintf(" - resumes by itself in %d", left)
	}
	return title, sub, colAccent
}

// drawStatus draws the status panel b laid out: in the side column, or
// as a band over the top bar.
func drawStatus(dst *ebiten.Image, b statusBox, s int, c color.RGBA) {
	fs := float64(s)
	lh := float64(lineHeight(s))
	r := b.box
	panel(dst, r.x, r.y, r.w, r.h, colPanel, c)
	fillRect(dst, r.x, r.y, 3*fs, r.h, c)
	y := r.y + 6*fs
	if b.band {
		y = r.y + (r.h-lh)/2
	}
	for _, line := range b.title {
		bold.text(dst, line, r.x+10*fs, y, s, c, left)
		y += lh
	}
	for _, line := range b.sub {
		regular.text(dst, line, r.x+10*fs, y, s, colDim, left)
		y += lh
	}
}

// hasBots reports whether computer players ride in m: practice's, or a
// host's bots in a match online.
func hasBots(m *play.Match) bool {
	if m.Kind() == play.Practice {
		return true
	}
	return slices.ContainsFunc(m.Names(), play.IsBotName)
}

func (ms *matchScreen) drawTopBar(a *App, dst *ebiten.Image, l matchLayout) {
	m := ms.m
	st := m.State()
	s := a.s
	W := float64(a.w)
	fillRect(dst, 0, 0, W, l.top, colPanel)
	fillRect(dst, 0, l.top-1, W, 1, colPanelHi)
	y := float64(7 * s)
	x := l.pad
	bold.text(dst, fmt.Sprintf("ROUND %d", st.Round()), x, y, s, colText, left)
	x += float64(textWidth("ROUND 00  ", s))
	goal := fmt.Sprintf("first to win %d rounds", st.Config().RoundsToWin)
	if st.Config().RoundsToWin == 1 {
		goal = "one round decides"
	}
	if hasBots(m) {
		goal += "   " + m.BotSkill().String() + " bots"
	}
	if st.WarmUp() {
		goal += "   warm-up: slower"
	}
	regular.text(dst, goal, x, y, s, colDim, left)

	var info string
	col := colDim
	switch m.Kind() {
	case play.Practice:
		info = "practice against bots - no network, no input delay"
	case play.Replay:
		info = fmt.Sprintf("replay  frame %d / %d", m.Frames(), m.ReplayLength())
	default:
		d := ms.ni.InputDelay
		ms := time.Duration(d) * time.Second / time.Duration(m.TickRate())
		info = fmt.Sprintf("input delay %d frames (%d ms)   %d Hz", d, ms.Milliseconds(), m.TickRate())
	}
	if sn := ms.ni.Simulated; sn != "" {
		info = "simulated " + sn + "   " + info
		col = colWarn
	}
	regular.text(dst, info, W-l.pad, y, s, col, right)
}

// pingColor grades a round trip.
func pingColor(d time.Duration) color.RGBA {
	switch {
	case d < 80*time.Millisecond:
		return colGood
	case d < 160*time.Millisecond:
		return colWarn
	}
	return colBad
}

func (ms *matchScreen) drawSide(a *App, dst *ebiten.Image, l matchLayout) {
	m := ms.m
	st := m.State()
	s := a.s
	fs := float64(s)
	x, y, w := l.sideX, l.ay, l.sideW
	bold.text(dst, "PLAYERS", x, y, s, colDim, left)
	regular.text(dst, "rounds  ping", x+w, y, s, colFaint, right)
	y += float64(lineHeight(s) + 6*s)
	riders := st.Riders()
	scores := st.Scores()
	goal := st.Config().RoundsToWin
	for p, name := range m.Names() {
		row := l.rows[p]
		y = row.y
		ip := math.Floor((row.h - float64(2*lineHeight(s))) / 2) // the row's inner margin
		r := riders[p]
		col := playerColor(p)
		present := m.Present(p) && r.Active
		bg := colPanel
		if p == m.Local() {
			bg = colPanelHi
		}
		fillRect(dst, x, y, w, row.h, bg)
		sw := col
		if !present || (!r.Alive && st.Phase() == sim.Playing) {
			sw = scaleCol(col, 1, 0.35)
		}
		if patternsOn { // the rider's trail pattern, in its colour
			c := 6 * fs
			var q, over quads
			n := int(row.h / c)
			fillRect(dst, x, y, c, row.h, colFloor)
			drawPatternRun(&q, &over, x, y+(row.h-float64(n)*c)/2, c, n, p, sw)
			q.flush(dst, ebiten.BlendSourceOver)
			over.flush(dst, ebiten.BlendSourceOver)
		} else {
			fillRect(dst, x, y, 6*fs, row.h, sw)
		}
		nc := col
		if !present {
			nc = colFaint
		}
		label := fit(name, max(4, int(w/(8*fs))-12))
		if p == m.Local() {
			label = fit(name, max(4, int(w/(8*fs))-18)) + " (you)"
		}
		bold.text(dst, label, x+14*fs, y+ip, s, nc, left)
		// Rounds won, as pips.
		pip := 8 * fs
		px := x + w - 8*fs - float64(goal)*(pip+3*fs)
		if goal > 8 {
			regular.text(dst, fmt.Sprintf("%d/%d", scores[p], goal), x+w-8*fs, y+ip, s, col, right)
		} else {
			for i := range goal {
				c := colFaint
				if i < scores[p] {
					c = col
				}
				fillRect(dst, px+float64(i)*(pip+3*fs), y+ip+4*fs, pip, pip, c)
			}
		}
		// The second line: state and ping.
		y2 := y + ip + float64(lineHeight(s))
		state, sc := "", colDim
		switch {
		case !present:
			state, sc = "left", colBad
		case st.Phase() == sim.MatchOver && r.Ready:
			state, sc = "wants a rematch", colGood
		case !r.Alive && (st.Phase() == sim.Playing || st.Phase() == sim.RoundOver):
			state, sc = "out", colFaint
		case r.Boost:
			state, sc = "BOOST", col
		}
		if state != "" {
			regular.text(dst, state, x+14*fs, y2, s, sc, left)
		} else {
			// The boost meter.
			bw := math.Min(60*fs, w*0.35)
			fillRect(dst, x+14*fs, y2+5*fs, bw, 5*fs, colBG)
			fillRect(dst, x+14*fs, y2+5*fs, bw*float64(r.Energy)/float64(st.MaxEnergy()), 5*fs, scaleCol(col, 1, 0.8))
		}
		ping, pc := "", colDim
		if p < len(ms.ni.Peers) {
			pi := ms.ni.Peers[p]
			switch {
			case m.Kind() == play.Practice && p != m.Local():
				ping = "bot"
			case m.Kind() != play.Online:
			case pi.Local:
			case !pi.Present:
				ping = "-"
			case pi.Silent:
				ping, pc = "silent", colBad
			case pi.RTT > 0 && pi.RTT < time.Millisecond:
				ping, pc = "<1 ms", colGood
			case pi.RTT > 0 && pi.Via >= 0:
				// Relayed: the datagrams take a detour through another player.
				ping, pc = fmt.Sprintf("%d ms via %d", pi.RTT.Milliseconds(), pi.Via+1), pingColor(pi.RTT)
			case pi.RTT > 0:
				ping, pc = fmt.Sprintf("%d ms", pi.RTT.Milliseconds()), pingColor(pi.RTT)
			default:
				ping = "..."
			}
		}
		regular.text(dst, ping, x+w-8*fs, y2, s, pc, right)
	}

	// The feed, newest first; a line too long for the column wraps
	// between words rather than cutting a name.
	fd := l.feed
	y = fd.y
	lh := float64(lineHeight(s) + 3*s)
	for i := len(ms.feed) - 1; i >= 0; i-- {
		f := ms.feed[i]
		rows := feedRows(f.parts, int(fd.w/(8*fs)))
		if y+float64(len(rows))*lh-3*fs > fd.bottom() {
			break
		}
		a := 1.0
		if f.age > 8*60 {
			a = math.Max(0.35, 1-float64(f.age-8*60)/120)
		}
		for r, row := range rows {
			fx := x
			if r > 0 {
				fx += 16 * fs // a wrapped line is indented
			}
			for _, part := range row {
				regular.text(dst, part.text, fx, y, s, scaleCol(part.col, 1, a), left)
				fx += float64(textWidth(part.text, s))
			}
			y += lh
		}
	}
}

// feedRows cuts a feed line into rows of at most n characters (rows after
// the first are two characters shorter, for their indent). It breaks
// between the words of the text and never inside a name, unless a name
// alone is longer than a row.
func feedRows(parts []feedPart, n int) [][]feedPart {
	var words []feedPart
	for _, p := range parts {
		if p.name {
			words = append(words, p)
			continue
		}
		// Each word keeps the space before it.
		start := 0
		for k := 1; k <= len(p.text); k++ {
			if k == len(p.text) || (p.text[k] == ' ' && p.text[k-1] != ' ') {
				words = append(words, feedPart{text: p.text[start:k], col: p.col})
				start = k
			}
		}
	}
	var rows [][]feedPart
	var row []feedPart
	used, width := 0, n
	end := func() { // a row ends without the space before the next word
		if k := len(row) - 1; k >= 0 && !row[k].name {
			row[k].text = strings.TrimRight(row[k].text, " ")
		}
		rows = append(rows, row)
	}
	for _, w := range words {
		if used > 0 && used+len(strings.TrimRight(w.text, " ")) > width {
			end()
			row, used, width = nil, 0, max(1, n-2)
		}
		if used == 0 {
			w.text = strings.TrimLeft(w.text, " ")
			w.text = fit(w.text, width)
		}
		row = append(row, w)
		used += len(w.text)
	}
	if len(row) > 0 {
		end()
	}
	return rows
}

// countdownDigit is the box of the countdown's digit at its largest, in
// the middle of the arena v.
func countdownDigit(v *arenaView, s int) rect {
	h := 1.5 * float64(lineHeight(6*s))
	return centred(v.ox+v.aw/2, v.oy+v.ah/2-h/2, big.width("0", h), h)
}

// countdownPlace places the countdown's subtitle sub, with its backdrop,
// in the arena v: under the digit, else above it, else at the arena's top
// or bottom edge; the first of these that covers no rider's label in
// labels (a label hidden would leave a player not knowing which rider is
// theirs), or under the digit when all do.
func countdownPlace(v *arenaView, s int, sub string, labels []rect) rect {
	fs := float64(s)
	w, h := float64(textWidth(sub, s))+16*fs, float64(lineHeight(s))+6*fs
	d := countdownDigit(v, s)
	cx := v.ox + v.aw/2
	places := []rect{
		centred(cx, d.bottom()+4*fs, w, h),
		centred(cx, d.y-4*fs-h, w, h),
		centred(cx, v.oy+8*fs, w, h),
		centred(cx, v.oy+v.ah-8*fs-h, w, h),
	}
	for _, p := range places {
		free := true
		for _, l := range labels {
			free = free && !p.overlaps(l)
		}
		if free {
			return p
		}
	}
	return places[0]
}

// drawOverlay draws the countdown, GO!, the round's winner, and the results.
func (ms *matchScreen) drawOverlay(a *App, dst *ebiten.Image) {
	m := ms.m
	st := m.State()
	s := a.s
	fs := float64(s)
	v := &ms.view
	cx, cy := v.ox+v.aw/2, v.oy+v.ah/2
	tps := st.Config().TicksPerSecond
	switch st.Phase() {
	case sim.Countdown:
		left := st.PhaseTicksLeft()
		n := (left + tps - 1) / tps
		frac := float64(left%tps) / float64(tps)
		dh := float64(lineHeight(6*s)) * (1 + 0.5*frac)
		big.draw(dst, fmt.Sprint(n), cx, cy-dh/2, dh, colText)
		sub := "GET READY"
		if st.Round() == 1 {
			sub = "steer with the arrows - last rider standing wins"
		}
		sub = fit(sub, int(v.aw)/(8*s)-2)
		r := countdownPlace(v, s, sub, v.labelRects(st, m.Names(), m.Local(), s))
		fillRect(dst, r.x, r.y, r.w, r.h, scaleCol(colBG, 1, 0.75))
		bold.text(dst, sub, cx, r.y+float64(3*s), s, colDim, center)
	case sim.Playing:
		if ms.goFlash > 0 {
			h := float64(lineHeight(6 * s))
			big.draw(dst, "GO!", cx, cy-h/2, h, colGood)
		}
		if l := m.Local(); l >= 0 {
			if r := st.Rider(l); !r.Alive && r.Active && st.Tick()-r.CrashTick > 20 {
				t := fit("you're out - watch the others finish the round", int(v.aw)/(8*s)-2)
				b := textRect(t, cx, v.oy+float64(12*s), s, center)
				fillRect(dst, b.x-8*fs, b.y-4*fs, b.w+16*fs, b.h+8*fs, scaleCol(colBG, 1, 0.82))
				strokeRect(dst, b.x-8*fs, b.y-4*fs, b.w+16*fs, b.h+8*fs, 1, colFaint)
				bold.text(dst, t, cx, b.y, s, colDim, center)
			}
		}
	case sim.RoundOver:
		w, ok := st.RoundWinner()
		text, col := "DRAW", colText
		if ok {
			text, col = strings.ToUpper(fit(m.Names()[w], 14))+" WINS THE ROUND", playerColor(w)
			if w == m.Local() {
				text = "YOU WIN THE ROUND"
			}
		}
		sc := 3 * s
		if textWidth(text, sc) > int(v.aw*0.9) {
			sc = 2 * s
		}
		bh := float64(lineHeight(sc) + 24*s)
		fillRect(dst, v.ox, cy-bh/2, v.aw, bh, scaleCol(colBG, 1, 0.8))
		bold.glowText(dst, text, cx, cy-float64(lineHeight(sc))/2, sc, col, center)
	case sim.MatchOver:
		ms.drawResults(a, dst)
	}
	if _, ok := st.Paused(); ok {
		// The world stands still under a veil; the countdown to resume
		// in its middle.
		fillRect(dst, v.ox, v.oy, v.aw, v.ah, scaleCol(colBG, 1, 0.45))
		if left := st.ResumeTicksLeft(); left > 0 {
			n := (left + tps - 1) / tps
			frac := float64(left%tps) / float64(tps)
			dh := float64(lineHeight(6*s)) * (1 + 0.5*frac)
			big.draw(dst, fmt.Sprint(n), cx, cy-dh/2, dh, colGood)
		}
	}
	if ms.done {
		text, col := "THE MATCH ENDED", colBad
		detail := ""
		if ms.endErr != nil {
			detail = play.ErrorText(ms.endErr)
		}
		switch {
		case errors.Is(ms.endErr, play.ErrReplayOver) && m.ReplayTruncated():
			text, col, detail = "THE REPLAY ENDS EARLY", colAccent, fmt.Sprintf("the recording stopped at frame %d: a partial replay, its recorder did not finish", m.ReplayLength())
		case errors.Is(ms.endErr, play.ErrReplayOver):
			text, col, detail = "END OF THE REPLAY", colAccent, fmt.Sprintf("%d frames played back, every recorded checksum matched", m.Frames())
		case errors.Is(ms.endErr, netcode.ErrDropped):
			detail = "the other players stopped hearing from you and dropped you"
		}
		bh := float64(lineHeight(3*s) + lineHeight(s) + 40*s)
		fillRect(dst, v.ox, v.oy+v.ah-bh, v.aw, bh, scaleCol(colBG, 1, 0.88))
		bold.glowText(dst, text, cx, v.oy+v.ah-bh+float64(10*s), 3*s, col, center)
		regular.text(dst, fit(detail, int(v.aw)/(8*s)), cx, v.oy+v.ah-float64(lineHeight(s)+12*s), s, colDim, center)
	}
}

func (ms *matchScreen) drawResults(a *App, dst *ebiten.Image) {
	m := ms.m
	st := m.State()
	s := a.s
	fs := float64(s)
	v := &ms.view
	n := len(m.Names())
	pw := math.Min(v.aw*0.92, 80*8*fs)
	rh := float64(lineHeight(s) + 12*s)
	ph := float64(lineHeight(3*s)+lineHeight(s)+58*s) + rh*float64(n+1)
	px, py := v.ox+v.aw/2-pw/2, v.oy+v.ah/2-ph/2
	fillRect(dst, v.ox, v.oy, v.aw, v.ah, scaleCol(colBG, 1, 0.55))
	fillRect(dst, px, py, pw, ph, scaleCol(colPanel, 1, 0.97))
	w, _ := st.Winner()
	wc := colAccent
	title := "MATCH OVER"
	if w >= 0 {
		wc = playerColor(w)
		title = strings.ToUpper(fit(m.Names()[w], 14)) + " WINS THE MATCH"
		if w == m.Local() {
			title = "YOU WIN THE MATCH"
		}
	}
	glowRect(dst, px, py, pw, ph, wc)
	sc := 3 * s
	if textWidth(title, sc) > int(pw*0.92) {
		sc = 2 * s
	}
	y := py + 16*fs
	bold.glowText(dst, title, px+pw/2, y, sc, wc, center)
	y += float64(lineHeight(3*s)) + 14*fs

	// The table, best first.
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	scores, kills := st.Scores(), st.Kills()
	sort.SliceStable(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if scores[a] != scores[b] {
			return scores[a] > scores[b]
		}
		return kills[a] > kills[b]
	})
	cName, cRounds, cCuts, cState := px+44*fs, px+pw*0.5, px+pw*0.74, px+pw-16*fs
	regular.text(dst, "rounds", cRounds, y, s, colFaint, center)
	regular.text(dst, "trails cut", cCuts, y, s, colFaint, center)
	y += rh
	ready, here := 0, 0
	for rank, p := range order {
		r := st.Rider(p)
		col := playerColor(p)
		if p == m.Local() {
			fillRect(dst, px+8*fs, y-4*fs, pw-16*fs, rh-2*fs, colPanelHi)
		}
		regular.text(dst, fmt.Sprint(rank+1), px+20*fs, y, s, colDim, left)
		fillRect(dst, cName-14*fs, y+3*fs, 8*fs, 8*fs, col)
		bold.text(dst, fit(m.Names()[p], 18), cName, y, s, col, left)
		bold.text(dst, fmt.Sprint(scores[p]), cRounds, y, s, colText, center)
		regular.text(dst, fmt.Sprint(kills[p]), cCuts, y, s, colText, center)
		state, stc := "", colDim
		switch {
		case !r.Active:
			state, stc = "left", colBad
		case r.Ready:
			state, stc = "ready", colGood
			ready++
			here++
		default:
			here++
		}
		regular.text(dst, state, cState, y, s, stc, right)
		y += rh
	}
	y += 12 * fs
	msg := fmt.Sprintf("SPACE: rematch (%d/%d ready)    ESC: leave", ready, here)
	if m.Kind() == play.Replay {
		msg = "the match is over"
	}
	bold.text(dst, msg, px+pw/2, y, s, colText, center)
}

// drawGraph draws the net graph into r, at the foot of the side column
// (or, over says, translucent over the arena when the column is full): a
// bar for each tick's worth of time (green: frames ran, yellow: a tick
// caught up several frames, red: a stall waiting for the network, grey:
// this machine did not tick) under the round trip's line.
func (ms *matchScreen) drawGraph(a *App, dst *ebiten.Image, r rect, over bool) {
	s := a.s
	fs := float64(s)
	fill := 0.88
	if over { // over the arena: let the riders show through
		fill = 0.45
	}
	panel(dst, r.x, r.y, r.w, r.h, scaleCol(colBG, 1, fill), colFaint)
	if ms.m.Kind() != play.Online {
		for i, t := range wrap("no network here: every tick runs one frame", int(r.w-16*fs)/(8*s)) {
			regular.text(dst, t, r.x+8*fs, r.y+8*fs+float64(i*lineHeight(s)), s, colDim, left)
		}
		return
	}
	g := ms.ni.Graph
	gw, gh := r.w-16*fs, r.h-graphHeight(s, 0)
	bw := gw / float64(play.GraphLen)
	bx, by := r.x+8*fs, r.y+4*fs+gh
	const maxRTT = 200.0
	var rtt time.Duration
	stalls, idle := 0, 0
	for i, smp := range g {
		h, c := 6*fs, colGood
		switch {
		case smp.Ticks == 0:
			h, c = 2*fs, colFaint
			idle++
		case smp.Frames == 0:
			h, c = gh*0.5, colBad
			stalls++
		case smp.Frames > smp.Ticks: // a tick ran several frames: catching up
			h, c = gh*0.2*float64(smp.Frames-smp.Ticks+1), colWarn
		}
		h = math.Min(h, gh)
		x := bx + float64(i)*bw
		fillRect(dst, x, by-h, math.Max(bw, 1), h, scaleCol(c, 1, 0.75))
		ry := by - gh*math.Min(1, float64(smp.RTT.Milliseconds())/maxRTT)
		fillRect(dst, x, ry-fs, math.Max(bw, 1), 2*fs, colAccent)
		rtt = smp.RTT
	}
	fillRect(dst, bx, by-gh*0.5, gw, 1, scaleCol(colFaint, 1, 0.6))
	ty := by + 6*fs
	ni := ms.ni
	lines := [][]feedPart{
		{{text: fmt.Sprintf("rtt %d ms", rtt.Milliseconds()), col: colAccent}, {text: fmt.Sprintf(" (top %.0f)", maxRTT), col: colFaint}},
		{{text: fmt.Sprintf("delay %df  ahead %+.1ff", ni.InputDelay, ni.Advantage), col: colText}},
		{{text: fmt.Sprintf("stalls %d", stalls), col: colBad}, {text: fmt.Sprintf("  late %d", idle), col: colDim}},
	}
	for i, l := range lines {
		x := bx
		for _, p := range l {
			regular.text(dst, p.text, x, ty+float64(i*lineHeight(s)), s, p.col, left)
			x += float64(textWidth(p.text, s))
		}
	}
}
