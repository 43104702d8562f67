package app

import (
	"fmt"
	"strings"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/peerstep/peerstep/demo-game/play"
)

// lobby shows the share code, who is in and linked, and lets the host
// add bots and start.
type lobby struct {
	l       *play.Lobby
	info    play.LobbyInfo
	ticks   int
	copyMsg string
	copyBad bool
	copyBtn button
	goBtn   button
	said    string // the last lobby line a -frames run printed
	since   int
	group   int // the group of the code read aloud under it
}

func newLobby(a *App, l *play.Lobby) *lobby {
	return &lobby{l: l, info: l.Info()}
}

func (lb *lobby) close() error { return lb.l.Close() }

func (lb *lobby) copyCode() {
	if err := copyText(lb.l.Code()); err != nil {
		lb.copyMsg, lb.copyBad = "copy failed: "+err.Error(), true
	} else {
		lb.copyMsg, lb.copyBad = "copied to the clipboard", false
	}
}

func (lb *lobby) canStart() bool {
	return lb.l.IsHost() && lb.info.Ready && len(lb.info.Players) >= 2 && !lb.info.Starting
}

func (lb *lobby) update(a *App) error {
	lb.ticks++
	if lb.ticks%6 == 1 {
		lb.info = lb.l.Info()
	}
	m, err := lb.l.Update()
	for _, n := range lb.l.Notices() {
		switch {
		case n.Bad:
			a.notify(n.Text, n.Bad)
		case a.autoplay: // who joined, the list shows; a test reads it
			a.println("notice: %s", n.Text)
		}
	}
	if err != nil {
		lb.l.Close()
		a.notify(play.ErrorText(err), true)
		if a.autoplay {
			return err
		}
		return a.toTitle()
	}
	if m != nil {
		a.startMatch(m)
		return nil
	}
	f := a.cfg.Flags
	if a.autoplay {
		// Say when the lobby has settled, for a test to look at it.
		sum := fmt.Sprintf("lobby: %d players, ready %v", len(lb.info.Players), lb.info.Ready)
		if sum != lb.said {
			lb.said, lb.since = sum, lb.ticks
		} else if lb.ticks-lb.since == 20 {
			a.println("%s", sum)
		}
	}
	if a.autoplay && lb.l.IsHost() && f.Host { // from the menus, ENTER starts
		want := max(2, f.Players, 1+f.Bots)
		if lb.canStart() && len(lb.info.Players) >= want {
			lb.l.Start()
		}
		return nil
	}

	mx, my := ebiten.CursorPosition()
	click := inpututil.IsMouseButtonJustPressed(ebiten.MouseButtonLeft)
	switch {
	case inpututil.IsKeyJustPressed(ebiten.KeyEscape):
		lb.l.Close()
		return a.toTitle()
	case inpututil.IsKeyJustPressed(ebiten.KeyC) || (click && lb.copyBtn.contains(mx, my)):
		lb.copyCode()
	case inpututil.IsKeyJustPressed(ebiten.KeyArrowRight):
		lb.group = min(len(codeGroups(lb.l.Code()))-1, lb.group+1)
	case inpututil.IsKeyJustPressed(ebiten.KeyArrowLeft):
		lb.group = max(0, lb.group-1)
	case lb.l.IsHost() && inpututil.IsKeyJustPressed(ebiten.KeyB):
		if len(lb.info.Players) >= lb.info.MaxPlayers {
			a.notify("the lobby is full", true)
		} else if err := lb.l.AddBots(1); err != nil {
			a.notify(err.Error(), true)
		}
	case lb.l.IsHost() && inpututil.IsKeyJustPressed(ebiten.KeyN):
		lb.l.RemoveBot()
	case lb.l.IsHost() && (inpututil.IsKeyJustPressed(ebiten.KeyEnter) || (click && lb.goBtn.contains(mx, my))):
		if lb.canStart() {
			lb.l.Start()
		} else if len(lb.info.Players) < 2 {
			a.notify("a match needs a second player: share the code, or press B for a bot", true)
		}
	}
	return nil
}

// codeLines cuts a share code into lines of at most n characters, between
// its groups.
func codeLines(code string, n int) []string {
	var lines []string
	cur := ""
	for _, g := range strings.Split(code, "-") {
		switch {
		case cur == "":
			cur = g
		case len(cur)+1+len(g) <= n:
			cur += "-" + g
		default:
			lines = append(lines, cur+"-")
			cur = g
		}
	}
	return append(lines, cur)
}

func (lb *lobby) draw(a *App, dst *ebiten.Image) {
	s := a.s
	fs := float64(s)
	W, H := float64(a.w), float64(a.h)
	info := lb.info
	slots := max(info.MaxPlayers, len(info.Players))
	l := layLobby(W, H, s, lb.l.Code(), slots, lb.l.IsHost())

	head := "LOBBY"
	if lb.l.IsHost() {
		head = "YOUR LOBBY"
	}
	bold.glowText(dst, head, W/2, l.head.y, l.headScale, colAccent, center)
	if !l.hint.empty() {
		regular.text(dst, "Share this code with your friends: they choose JOIN and paste it.", W/2, l.hint.y, s, colDim, center)
	}

	// The code, as large as fits.
	c := l.code
	fillRect(dst, c.x, c.y, c.w, c.h, colPanel)
	glowRect(dst, c.x, c.y, c.w, c.h, colAccent)
	lh := float64(lineHeight(l.codeScale))
	top := c.y + (c.h-lh*float64(len(l.codeLines)))/2
	gl, gs, gn := groupSpan(l.codeLines, lb.group)
	if l.spoken.empty() {
		gl = -1 // no line reads it: no group lit
	}
	for i, line := range l.codeLines {
		ly := top + float64(i)*lh
		if i != gl {
			bold.text(dst, line, W/2, ly, l.codeScale, colText, center)
			continue
		}
		// The group being read, lit.
		x := W/2 - float64(textWidth(line, l.codeScale))/2
		for k, part := range []string{line[:gs], line[gs : gs+gn], line[gs+gn:]} {
			c := colText
			if k == 1 {
				c = colAccent
			}
			bold.text(dst, part, x, ly, l.codeScale, c, left)
			x += float64(textWidth(part, l.codeScale))
		}
	}
	if !l.spoken.empty() {
		sp := l.spoken
		regular.text(dst, spokenLine(lb.l.Code(), lb.group, int(sp.w)/(8*s)), W/2, sp.y, s, colDim, center)
	}

	// Copy.
	cb := l.copyBtn
	label := "COPY CODE (C)"
	lb.copyBtn = button{label: label, x: cb.x, y: cb.y, w: cb.w, h: cb.h}
	panel(dst, cb.x, cb.y, cb.w, cb.h, colPanelHi, colAccent)
	bold.text(dst, label, W/2, cb.y+5*fs, s, colText, center)
	if lb.copyMsg != "" {
		c := colGood
		if lb.copyBad {
			c = colBad
		}
		m := l.copyMsg
		msg := fit(lb.copyMsg, int(m.w)/(8*s))
		if m.x < W*0.1 { // a line of its own: centred under the button
			regular.text(dst, msg, W/2, m.y, s, c, center)
		} else {
			regular.text(dst, msg, m.x, m.y, s, c, left)
		}
	}

	// The players, in two columns.
	p := l.players
	bold.text(dst, fmt.Sprintf("PLAYERS %d/%d", len(info.Players), info.MaxPlayers), p.x, p.y, s, colDim, left)
	if sn := a.cfg.Flags.Network; sn.Enabled() {
		regular.text(dst, "simulated network: "+sn.String(), p.right(), p.y, s, colWarn, right)
	}
	for i, r := range l.slots {
		ty := r.y + (r.h-float64(lineHeight(s)))/2
		if i >= len(info.Players) {
			fillRect(dst, r.x, r.y, r.w, r.h, scaleCol(colPanel, 1, 0.55))
			regular.text(dst, "open", r.x+18*fs, ty, s, colFaint, left)
			continue
		}
		p := info.Players[i]
		col := playerColor(i)
		fillRect(dst, r.x, r.y, r.w, r.h, colPanel)
		fillRect(dst, r.x, r.y, 6*fs, r.h, col)
		name := fit(p.Name, 16)
		bold.text(dst, name, r.x+18*fs, ty, s, col, left)
		var tags []string
		if p.Host {
			tags = append(tags, "host")
		}
		if p.You {
			tags = append(tags, "you")
		}
		if i < len(info.Bots) && info.Bots[i] {
			tags = append(tags, "bot")
		}
		if len(tags) > 0 {
			regular.text(dst, strings.Join(tags, ", "), r.x+18*fs+float64(textWidth(name+" ", s)), ty, s, colDim, left)
		}
		state, sc := "linked", colGood
		switch {
		case len(info.Players) == 1:
			state, sc = "waiting", colDim
		case !p.Connected:
			state, sc = fmt.Sprintf("linking %d/%d", p.Links, len(info.Players)-1), colWarn
		}
		regular.text(dst, state, r.right()-10*fs, ty, s, sc, right)
	}

	// Start, or wait.
	st := l.start
	ty := st.y + (st.h-float64(lineHeight(l.startText)))/2
	if lb.l.IsHost() {
		label, c := "START (ENTER)", colText
		switch {
		case info.Starting:
			label, c = "STARTING"+strings.Repeat(".", lb.ticks/15%4), colWarn
		case len(info.Players) < 2:
			label, c = "WAITING FOR PLAYERS", colFaint
		case !info.Ready:
			label, c = "LINKING PLAYERS"+strings.Repeat(".", lb.ticks/15%4), colWarn
		}
		lb.goBtn = button{label: label, x: st.x, y: st.y, w: st.w, h: st.h}
		if lb.canStart() {
			fillRect(dst, st.x, st.y, st.w, st.h, colPanelHi)
			glowRect(dst, st.x, st.y, st.w, st.h, colGood)
			c = colGood
		} else {
			panel(dst, st.x, st.y, st.w, st.h, colPanel, colFaint)
		}
		bold.text(dst, label, W/2, ty, l.startText, c, center)
	} else {
		msg := "waiting for the host to start" + strings.Repeat(".", lb.ticks/15%4)
		bold.text(dst, msg, W/2, ty, l.startText, colWarn, center)
	}
	regular.text(dst, l.footText, W/2, l.foot.y, s, colDim, center)
}
