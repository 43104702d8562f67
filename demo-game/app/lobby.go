package app

import (
	"fmt"
	"math"
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
	if a.autoplay && lb.l.IsHost() {
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
	W, H := float64(a.w), float64(a.h)
	info := lb.info

	// Lay out the code first: the rest is centred around it.
	code := lb.l.Code()
	cs := 3 * s
	if H < 700 {
		cs = 2 * s
	}
	maxw := int(W * 0.92)
	lines := []string{code}
	for textWidth(code, cs) > maxw && cs > 2*s {
		cs -= s
	}
	if textWidth(code, cs) > maxw {
		lines = codeLines(code, maxw/(8*cs)-1)
	}
	bw := 0
	for _, l := range lines {
		bw = max(bw, textWidth(l, cs))
	}
	boxW, boxH := float64(bw+32*s), float64(len(lines)*lineHeight(cs)+24*s)
	rh := float64(lineHeight(s) + 14*s)
	if H < 700 {
		rh = float64(lineHeight(s) + 10*s)
	}
	slots := max(info.MaxPlayers, len(info.Players))
	rows := (slots + 1) / 2
	bh := float64(lineHeight(2*s) + 12*s)
	total := float64(lineHeight(3*s)+14*s+lineHeight(s)+10*s) + boxH + float64(12*s) +
		float64(2*lineHeight(s)+36*s) + float64(lineHeight(s)+18*s) + float64(rows)*rh + bh
	y := math.Max(float64(16*s), (H-float64(70*s)-total)/2)

	head := "LOBBY"
	if lb.l.IsHost() {
		head = "YOUR LOBBY"
	}
	bold.glowText(dst, head, W/2, y, 3*s, colAccent, center)
	y += float64(lineHeight(3*s) + 14*s)
	regular.text(dst, "Share this code with your friends: they choose JOIN and paste it.", W/2, y, s, colDim, center)
	y += float64(lineHeight(s) + 10*s)

	// The code, as large as fits.
	fillRect(dst, W/2-boxW/2, y, boxW, boxH, colPanel)
	glowRect(dst, W/2-boxW/2, y, boxW, boxH, colAccent)
	for i, l := range lines {
		bold.text(dst, l, W/2, y+float64(12*s+i*lineHeight(cs)), cs, colText, center)
	}
	y += boxH + float64(12*s)

	// Copy.
	label := "COPY CODE (C)"
	lb.copyBtn = button{label: label, x: W/2 - float64(textWidth(label, s)+24*s)/2, y: y, w: float64(textWidth(label, s) + 24*s), h: float64(lineHeight(s) + 10*s)}
	panel(dst, lb.copyBtn.x, lb.copyBtn.y, lb.copyBtn.w, lb.copyBtn.h, colPanelHi, colAccent)
	bold.text(dst, label, W/2, y+float64(5*s), s, colText, center)
	y += lb.copyBtn.h + float64(6*s)
	if lb.copyMsg != "" {
		c := colGood
		if lb.copyBad {
			c = colBad
		}
		regular.text(dst, fit(lb.copyMsg, int(W*0.9)/(8*s)), W/2, y, s, c, center)
	}
	y += float64(lineHeight(s) + 14*s)

	// The players, in two columns.
	pw := float64(min(int(W*0.86), 110*8*s))
	px := W/2 - pw/2
	bold.text(dst, fmt.Sprintf("PLAYERS %d/%d", len(info.Players), info.MaxPlayers), px, y, s, colDim, left)
	if sn := a.cfg.Flags.Network; sn.Enabled() {
		regular.text(dst, "simulated network: "+sn.String(), px+pw, y, s, colWarn, right)
	}
	y += float64(lineHeight(s) + 6*s)
	gap := float64(10 * s)
	cw := (pw - gap) / 2
	for i := range slots {
		rx, ry := px+float64(i/rows)*(cw+gap), y+float64(i%rows)*rh
		ty := ry + (rh-float64(3*s)-float64(lineHeight(s)))/2
		if i >= len(info.Players) {
			fillRect(dst, rx, ry, cw, rh-float64(3*s), scaleCol(colPanel, 1, 0.55))
			regular.text(dst, "open", rx+float64(18*s), ty, s, colFaint, left)
			continue
		}
		p := info.Players[i]
		col := playerColor(i)
		fillRect(dst, rx, ry, cw, rh-float64(3*s), colPanel)
		fillRect(dst, rx, ry, float64(6*s), rh-float64(3*s), col)
		name := fit(p.Name, 16)
		bold.text(dst, name, rx+float64(18*s), ty, s, col, left)
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
			regular.text(dst, strings.Join(tags, ", "), rx+float64(18*s+textWidth(name+" ", s)), ty, s, colDim, left)
		}
		state, sc := "linked", colGood
		switch {
		case len(info.Players) == 1:
			state, sc = "waiting", colDim
		case !p.Connected:
			state, sc = fmt.Sprintf("linking %d/%d", p.Links, len(info.Players)-1), colWarn
		}
		regular.text(dst, state, rx+cw-float64(10*s), ty, s, sc, right)
	}
	y += float64(rows)*rh + float64(12*s)

	// Start, or wait.
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
		w := float64(textWidth("WAITING FOR PLAYERS", 2*s) + 48*s)
		lb.goBtn = button{label: label, x: W/2 - w/2, y: y, w: w, h: bh}
		if lb.canStart() {
			fillRect(dst, lb.goBtn.x, y, w, bh, colPanelHi)
			glowRect(dst, lb.goBtn.x, y, w, bh, colGood)
			c = colGood
		} else {
			panel(dst, lb.goBtn.x, y, w, bh, colPanel, colFaint)
		}
		bold.text(dst, label, W/2, y+float64(6*s), 2*s, c, center)
	} else {
		msg := "waiting for the host to start" + strings.Repeat(".", lb.ticks/15%4)
		bold.text(dst, msg, W/2, y+float64(6*s), 2*s, colWarn, center)
	}
	foot := "C: copy code    ESC: leave"
	if lb.l.IsHost() {
		foot = "ENTER: start    B: add a bot    N: remove a bot    C: copy code    ESC: close the lobby"
	}
	regular.text(dst, foot, W/2, H-float64(lineHeight(s)+10*s), s, colDim, center)
}
