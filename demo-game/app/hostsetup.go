package app

import (
	"fmt"
	"slices"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/peerstep/peerstep/demo-game/internal/prefs"
	"github.com/peerstep/peerstep/demo-game/play"
	"github.com/peerstep/peerstep/demo-game/sim"
)

// arenaSizes are the host's choices of arena, in cells; the first, zero,
// lets the match pick a size for the number of players.
var arenaSizes = [][2]int{{0, 0}, {48, 30}, {80, 50}, {112, 70}, {160, 100}}

var arenaNames = []string{"AUTO (grows with the players)", "SMALL", "MEDIUM", "LARGE", "HUGE"}

// maxRounds is the most rounds to win the setup offers (the -rounds flag
// takes up to 99).
const maxRounds = 15

// matchSetup is what a host chooses before opening a lobby: the same
// settings as -rounds, -arena, -speed, -bot-skill and -bots, which travel
// to every player with the start of the match.
type matchSetup struct {
	rounds int       // rounds to win, 1 to maxRounds
	arena  int       // index in arenaSizes
	pace   sim.Pace  // how fast the riders go
	skill  sim.Skill // how well the bots play
	bots   int       // 0 to sim.MaxPlayers-1
	// lan lists the match on the local network (netcode.Reach.LANList),
	// which gives its code to the LAN; never remembered, so every lobby
	// starts off the list (unless -lan-list says otherwise). lanOff: LAN discovery is off (-offline), the
	// row cannot turn it on.
	lan, lanOff bool
}

// The flags that set a match setup's fields: given on the command line,
// they go before the remembered setup.
var setupFlags = []string{"rounds", "arena", "speed", "bot-skill", "bots"}

// setupFrom starts the setup from the one remembered (the options'
// Match), with each flag in given taking the flags' value instead. An
// arena the setup does not offer is AUTO.
func setupFrom(rem prefs.Match, f play.Flags, given map[string]bool) matchSetup {
	m := matchSetup{rounds: rem.Rounds, bots: rem.Bots}
	m.skill, _ = sim.ParseSkill(rem.BotSkill)
	m.pace, _ = sim.ParsePace(rem.Speed)
	w, h, _ := rem.ArenaSize()
	if given["rounds"] {
		m.rounds = f.RoundsToWin
	}
	if given["arena"] {
		w, h = f.ArenaWidth, f.ArenaHeight
	}
	if given["speed"] {
		m.pace = f.Pace
	}
	if given["bot-skill"] {
		m.skill = f.BotSkill
	}
	if given["bots"] {
		m.bots = f.Bots
	}
	if m.rounds <= 0 {
		m.rounds = 3
	}
	m.rounds = min(m.rounds, maxRounds)
	m.bots = max(0, min(sim.MaxPlayers-1, m.bots))
	for i, sz := range arenaSizes {
		if sz == [2]int{w, h} {
			m.arena = i
		}
	}
	return m
}

// remembered returns the setup as the options keep it.
func (m matchSetup) remembered() prefs.Match {
	sz := arenaSizes[m.arena]
	return prefs.Match{Rounds: m.rounds, Arena: prefs.ArenaName(sz[0], sz[1]), Bots: m.bots, BotSkill: m.skill.String(), Speed: m.pace.String()}
}

// options returns o with the setup's match settings.
func (m matchSetup) options(o play.Options) play.Options {
	o.RoundsToWin = m.rounds
	o.ArenaWidth, o.ArenaHeight = arenaSizes[m.arena][0], arenaSizes[m.arena][1]
	o.BotSkill = m.skill
	o.Pace = m.pace
	o.Reach.LANList = m.lan && !m.lanOff
	return o
}

// The setup's rows.
const (
	setRounds = iota
	setArena
	setSpeed
	setSkill
	setBots
	setLAN
	setHost
	setBack
	numSets
)

var setLabels = [numSets]string{"ROUNDS TO WIN", "ARENA", "SPEED", "BOT SKILL", "BOTS", "ON LAN LIST", "OPEN THE LOBBY", "BACK"}

// skillNotes say what a bot skill means.
var skillNotes = map[sim.Skill]string{sim.Easy: "they make mistakes", sim.Normal: "a fair fight", sim.Hard: "they play their best"}

// paceNotes say what a speed means.
var paceNotes = map[sim.Pace]string{sim.PaceSlow: "gentle: time to see the walls", sim.PaceNormal: "15 cells a second", sim.PaceFast: "for old hands"}

// step moves row's value to its next (d = 1) or previous (d = -1) choice,
// stopping at the ends.
func (m *matchSetup) step(row, d int) {
	switch row {
	case setRounds:
		m.rounds = max(1, min(maxRounds, m.rounds+d))
	case setArena:
		m.arena = max(0, min(len(arenaSizes)-1, m.arena+d))
	case setSpeed:
		i := max(0, min(len(sim.Paces)-1, slices.Index(sim.Paces, m.pace)+d))
		m.pace = sim.Paces[i]
	case setSkill:
		i := max(0, min(len(sim.Skills)-1, slices.Index(sim.Skills, m.skill)+d))
		m.skill = sim.Skills[i]
	case setBots:
		m.bots = max(0, min(sim.MaxPlayers-1, m.bots+d))
	case setLAN:
		m.lan = !m.lanOff && d > 0
	}
}

// value is what a row shows.
func (m matchSetup) value(row int) string {
	switch row {
	case setRounds:
		if m.rounds == 1 {
			return "< 1 > one round decides"
		}
		return fmt.Sprintf("< %d >", m.rounds)
	case setArena:
		if m.arena == 0 {
			return "< " + arenaNames[0] + " >"
		}
		sz := arenaSizes[m.arena]
		return fmt.Sprintf("< %s %dx%d >", arenaNames[m.arena], sz[0], sz[1])
	case setSpeed:
		return fmt.Sprintf("< %s > %s", strings.ToUpper(m.pace.String()), paceNotes[m.pace])
	case setSkill:
		return fmt.Sprintf("< %s > %s", strings.ToUpper(m.skill.String()), skillNotes[m.skill])
	case setBots:
		if m.bots == 0 {
			return "< NONE > friends only"
		}
		return fmt.Sprintf("< %d >", m.bots)
	case setLAN:
		switch {
		case m.lanOff:
			return "NO - LAN discovery is off (-offline)"
		case m.lan:
			return "< YES > listed here, with its code: anyone on this network can join"
		}
		return "< NO > friends join with the code"
	}
	return ""
}

// hostSetup is the screen between HOST A MATCH and the lobby.
type hostSetup struct {
	m    matchSetup
	sel  int
	rows []rect
}

func newHostSetup(a *App) *hostSetup {
	m := a.setup()
	m.lanOff = a.options().Reach.NoLAN
	m.lan = a.options().Reach.LANList // -lan-list
	return &hostSetup{m: m, sel: setHost}
}

func (h *hostSetup) update(a *App) error {
	a.attract.update()
	mx, my := ebiten.CursorPosition()
	clicked := false
	if inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft) {
		for i, r := range h.rows {
			if float64(mx) >= r.x && float64(mx) < r.right() && float64(my) >= r.y && float64(my) < r.bottom() {
				h.sel, clicked = i, true
			}
		}
	}
	switch {
	case inpututil.IsKeyJustPressed(ebiten.KeyEscape):
		return a.toTitle()
	case inpututil.IsKeyJustPressed(ebiten.KeyArrowUp) || inpututil.IsKeyJustPressed(ebiten.KeyW):
		h.sel = (h.sel + numSets - 1) % numSets
	case inpututil.IsKeyJustPressed(ebiten.KeyArrowDown) || inpututil.IsKeyJustPressed(ebiten.KeyS) || inpututil.IsKeyJustPressed(ebiten.KeyTab):
		h.sel = (h.sel + 1) % numSets
	case inpututil.IsKeyJustPressed(ebiten.KeyArrowLeft) || inpututil.IsKeyJustPressed(ebiten.KeyA):
		h.m.step(h.sel, -1)
	case inpututil.IsKeyJustPressed(ebiten.KeyArrowRight) || inpututil.IsKeyJustPressed(ebiten.KeyD):
		h.m.step(h.sel, 1)
	case clicked || inpututil.IsKeyJustPressed(ebiten.KeyEnter) || inpututil.IsKeyJustPressed(ebiten.KeyNumpadEnter) || inpututil.IsKeyJustPressed(ebiten.KeySpace):
		switch h.sel {
		case setBack:
			return a.toTitle()
		case setHost:
			a.remember(h.m)
			if err := a.hostWith(h.m.options(a.options()), h.m.bots); err != nil {
				a.notify("could not host: "+err.Error(), true)
			}
		default:
			h.m.step(h.sel, 1)
		}
	}
	return nil
}

// setup is the match setup the menus start from: the one remembered, and
// the match flags given on the command line.
func (a *App) setup() matchSetup { return setupFrom(a.prefs.Match, a.cfg.Flags, a.cfg.Given) }

// remember keeps m in the options, saved at once, for the next HOST A
// MATCH and practice.
func (a *App) remember(m matchSetup) {
	if rem := m.remembered(); rem != a.prefs.Match {
		a.prefs.Match = rem
		a.dirty = true
		if _, err := a.savePrefs(); err != nil {
			a.notify(err.Error(), true)
		}
	}
}

func (h *hostSetup) draw(a *App, dst *ebiten.Image) {
	s := a.s
	fs := float64(s)
	W := float64(a.w)
	l := a.drawMenu(dst, "HOST A MATCH", "UP / DOWN: choose    LEFT / RIGHT: change    ENTER: open the lobby    ESC: back", numSets)
	h.rows = append(h.rows[:0], l.rows...)
	valueX := l.panel.x + 20*fs + float64(textWidth("ROUNDS TO WIN  ", s))
	for i, r := range l.rows {
		sel := i == h.sel
		if sel {
			fillRect(dst, r.x, r.y, r.w, r.h, colPanelHi)
			fillRect(dst, r.x, r.y, 3*fs, r.h, colAccent)
		}
		ty := r.y + (r.h-float64(lineHeight(s)))/2
		lc := colDim
		if sel {
			lc = colText
		}
		if i >= setHost {
			bold.text(dst, setLabels[i], r.x+r.w/2, ty, s, lc, center)
			continue
		}
		bold.text(dst, setLabels[i], r.x+12*fs, ty, s, lc, left)
		regular.text(dst, fit(h.m.value(i), int((r.right()-12*fs-valueX)/(8*fs))), valueX, ty, s, colText, left)
	}
	regular.text(dst, fit("every player gets these with the start of the match; kept for next time (and for practice)", int(W/(8*fs))-2), W/2, l.msg.y, s, colFaint, center)
	regular.text(dst, l.footText, W/2, l.foot.y, s, colDim, center)
}
