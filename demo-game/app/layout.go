package app

import "math"

// The layouts of the screens, as pure functions of the window's size: the
// draw functions place what they draw by them, and the tests check that
// nothing overlaps and everything is on screen at any size.

// rect is a rectangle in screen pixels.
type rect struct{ x, y, w, h float64 }

// bottom is the y just below r.
func (r rect) bottom() float64 { return r.y + r.h }

// right is the x just right of r.
func (r rect) right() float64 { return r.x + r.w }

// empty reports whether r covers no pixel.
func (r rect) empty() bool { return r.w <= 0 || r.h <= 0 }

// overlaps reports whether r and o share a pixel.
func (r rect) overlaps(o rect) bool {
	if r.empty() || o.empty() {
		return false
	}
	return r.x < o.right() && o.x < r.right() && r.y < o.bottom() && o.y < r.bottom()
}

// within reports whether r lies inside o.
func (r rect) within(o rect) bool {
	return r.x >= o.x && r.y >= o.y && r.right() <= o.right() && r.bottom() <= o.bottom()
}

// centred returns a rectangle of w, h centred on x, top at y.
func centred(x, y, w, h float64) rect { return rect{x - w/2, y, w, h} }

// textRect is the rectangle str takes at scale s, aligned on x as a, top at y.
func textRect(str string, x, y float64, s int, a align) rect {
	w := float64(textWidth(str, s))
	switch a {
	case center:
		x -= w / 2
	case right:
		x -= w
	}
	return rect{x, y, w, float64(lineHeight(s))}
}

// textScale is the whole-number scale of text for a window of w x h
// pixels: 1 up to about 810 pixels high (or 1440 wide), 2 up to about
// 1215, and so on, so that text grows with the window.
func textScale(w, h int) int {
	return max(1, min(int(float64(h)/450+0.2), int(float64(w)/800+0.2)))
}

// footer is where a screen's line of keys goes, at the bottom.
func footer(W, H float64, s int, str string) rect {
	return textRect(str, W/2, H-float64(lineHeight(s)+10*s), s, center)
}

// pickText returns the first of texts that fits in w pixels at scale s,
// or the last.
func pickText(w float64, s int, texts ...string) string {
	for _, t := range texts {
		if float64(textWidth(t, s)) <= w {
			return t
		}
	}
	return texts[len(texts)-1]
}

// titleLayout places the title screen.
type titleLayout struct {
	logoScale int
	logo      rect // "NEON TRAILS"
	stripe    rect // the riders' colours under it
	tagline   rect
	menuScale int    // of the buttons' labels
	buttons   []rect // host, join, practice, options, quit
	backdrop  rect   // the panel behind the buttons
	hint      rect
	foot      rect
	footText  string
}

// layTitle lays out the title for a W x H window at text scale s, with the
// footer text for the player called name. It tries roomy spacing first and
// tighter until everything fits above the footer.
func layTitle(W, H float64, s int, foot, short string) titleLayout {
	fs := float64(s)
	var l titleLayout
	l.footText = pickText(W-float64(16*s), s, foot, short)
	l.foot = footer(W, H, s, l.footText)
	tagline := "light cycles for 2 to 8 friends - peer to peer, no server"
	for level := 0; level < 4; level++ {
		l.logoScale = []int{5, 4, 3, 3}[level] * s
		for l.logoScale > s && textWidth("NEON TRAILS", l.logoScale) > int(W*0.9) {
			l.logoScale -= s
		}
		l.menuScale = 2 * s
		if level == 3 {
			l.menuScale = s
		}
		pad := []float64{14, 10, 8, 8}[level] * fs
		gap := []float64{6, 4, 3, 3}[level] * fs
		tagGap := []float64{3, 2, 1.5, 1}[level] * float64(lineHeight(s))

		bw := float64(max(textWidth("PRACTICE  < 7 BOTS >", l.menuScale)+48*s, int(W*0.3)))
		bh := float64(lineHeight(l.menuScale)) + pad
		logoH := float64(lineHeight(l.logoScale))
		total := logoH + 6*fs + 3*fs + 11*fs + float64(lineHeight(s)) + tagGap +
			titleItems*bh + (titleItems-1)*gap + 14*fs + float64(lineHeight(s))
		room := l.foot.y - 8*fs
		y := H * 0.16
		if y+total > room {
			y = math.Max(8*fs, (room-total)/2)
		}
		l.logo = textRect("NEON TRAILS", W/2, y, l.logoScale, center)
		y += logoH + 6*fs
		l.stripe = centred(W/2, y, l.logo.w, 3*fs)
		y += 14 * fs
		l.tagline = textRect(tagline, W/2, y, s, center)
		y += float64(lineHeight(s)) + tagGap
		l.buttons = l.buttons[:0]
		for range titleItems {
			l.buttons = append(l.buttons, centred(W/2, y, bw, bh))
			y += bh + gap
		}
		last := l.buttons[titleItems-1]
		l.backdrop = rect{last.x - 10*fs, l.buttons[0].y - 10*fs, bw + 20*fs, last.bottom() - l.buttons[0].y + 20*fs}
		l.hint = textRect("LEFT / RIGHT: how many bots", W/2, last.bottom()+14*fs, s, center)
		if l.hint.bottom() <= room {
			break
		}
	}
	return l
}

// lobbyLayout places the lobby screen.
type lobbyLayout struct {
	headScale int
	head      rect // "YOUR LOBBY"
	hint      rect // how to share; empty when there is no room
	codeScale int
	codeLines []string
	code      rect // the code's box
	spoken    rect // the line that reads a group of the code aloud
	copyBtn   rect
	copyMsg   rect // where "copied" goes
	players   rect // the "PLAYERS n/m" line
	rowH      float64
	slots     []rect // the players' rows, in two columns
	start     rect   // START for the host, the waiting line for others
	startText int    // the scale of the start line
	foot      rect
	footText  string
}

// layLobby lays out the lobby for a W x H window at text scale s, for the
// share code and a number of player slots; host adds the start button and
// the host's keys. It tries roomy spacing first and tighter until
// everything fits above the footer.
func layLobby(W, H float64, s int, code string, slots int, host bool) lobbyLayout {
	fs := float64(s)
	var l lobbyLayout
	l.footText = "C: copy code    ESC: leave"
	if host {
		l.footText = pickText(W-float64(16*s), s,
			"ENTER: start    B: add a bot    N: remove a bot    C: copy code    ESC: close the lobby",
			"ENTER: start   B/N: add/remove a bot   C: copy   ESC: close",
			"ENTER start  B/N bots  ESC close")
	}
	l.foot = footer(W, H, s, l.footText)
	room := l.foot.y - 8*fs
	rows := (slots + 1) / 2
	maxw := int(W * 0.92)
	for level := 0; level < 3; level++ {
		l.headScale = []int{3, 2, 2}[level] * s
		// The code, as large as fits on one line or on two wrapped
		// between groups, else wrapped at the smallest scale.
		big := []int{3, 2, 2}[level] * s
		if level == 0 && H < 700 {
			big = 2 * s
		}
		smallest := 2 * s
		if level > 0 {
			smallest = s
		}
		for l.codeScale = big; ; l.codeScale -= s {
			l.codeLines = []string{code}
			if textWidth(code, l.codeScale) > maxw {
				l.codeLines = balancedLines(code, maxw/(8*l.codeScale)-1)
			}
			if len(l.codeLines) <= 2 || l.codeScale <= smallest {
				break
			}
		}
		bw := 0
		for _, c := range l.codeLines {
			bw = max(bw, textWidth(c, l.codeScale))
		}
		codePad := []float64{24, 16, 12}[level] * fs
		headGap := []float64{14, 8, 6}[level] * fs
		l.rowH = float64(lineHeight(s)) + []float64{14, 10, 6}[level]*fs
		if level == 0 && H < 700 {
			l.rowH = float64(lineHeight(s) + 10*s)
		}
		l.startText = 2 * s
		startPad := []float64{12, 8, 6}[level] * fs
		if level == 2 {
			l.startText = s
		}
		startH := float64(lineHeight(l.startText)) + startPad

		copyH := float64(lineHeight(s) + 10*s)
		codeH := float64(len(l.codeLines)*lineHeight(l.codeScale)) + codePad
		// Below the copy button: its message on a line of its own, or,
		// when tight, beside it.
		msgLine := float64(lineHeight(s)) + 14*fs
		if level > 0 {
			msgLine = 8 * fs
		}
		hintH := float64(lineHeight(s)) + headGap
		spokenH := float64(lineHeight(s)) // the code read aloud
		if level == 2 {
			hintH, spokenH = 0, 0
		}
		total := float64(lineHeight(l.headScale)) + headGap + hintH + codeH + 4*fs + spokenH + 10*fs/float64(level+1) +
			copyH + 6*fs + msgLine + float64(lineHeight(s)) + 6*fs + float64(rows)*l.rowH + 12*fs + startH
		y := math.Max(8*fs, (room-total)/2)
		if level == 0 {
			y = math.Max(16*fs, (H-70*fs-total)/2)
		}

		l.head = textRect("YOUR LOBBY", W/2, y, l.headScale, center)
		y += float64(lineHeight(l.headScale)) + headGap
		l.hint = rect{}
		if hintH > 0 {
			l.hint = textRect("Share this code with your friends: they choose JOIN and paste it.", W/2, y, s, center)
			y += hintH
		}
		l.code = centred(W/2, y, float64(bw+32*s), codeH)
		y += codeH + 4*fs
		l.spoken = rect{}
		if spokenH > 0 {
			l.spoken = rect{W * 0.04, y, W * 0.92, float64(lineHeight(s))}
		}
		y += spokenH + 10*fs/float64(level+1)
		label := "COPY CODE (C)"
		cw := float64(textWidth(label, s) + 24*s)
		l.copyBtn = centred(W/2, y, cw, copyH)
		if level == 0 {
			l.copyMsg = rect{W * 0.05, y + copyH + 6*fs, W * 0.9, float64(lineHeight(s))}
		} else {
			x := l.copyBtn.right() + 10*fs
			l.copyMsg = rect{x, y + 5*fs, W*0.96 - x, float64(lineHeight(s))}
		}
		y += copyH + 6*fs + msgLine

		pw := float64(min(int(W*0.86), 110*8*s))
		px := W/2 - pw/2
		l.players = rect{px, y, pw, float64(lineHeight(s))}
		y += float64(lineHeight(s)) + 6*fs
		gap := 10 * fs
		colW := (pw - gap) / 2
		l.slots = l.slots[:0]
		for i := range slots {
			l.slots = append(l.slots, rect{px + float64(i/rows)*(colW+gap), y + float64(i%rows)*l.rowH, colW, l.rowH - 3*fs})
		}
		y += float64(rows)*l.rowH + 12*fs
		w := float64(textWidth("WAITING FOR PLAYERS", l.startText) + 48*s)
		if !host {
			w = float64(textWidth("waiting for the host to start...", l.startText))
		}
		l.start = centred(W/2, y, w, startH)
		if l.start.bottom() <= room {
			break
		}
	}
	return l
}

// optionsLayout places a screen of rows of settings: the options, and
// the host's match settings.
type optionsLayout struct {
	headScale int
	head      rect // its title, "OPTIONS"
	panel     rect // behind the rows
	rows      []rect
	valueX    float64 // where the rows' values start
	msg       rect    // what the last change did
	where     rect    // where the file is
	foot      rect
	footText  string
}

// layOptions lays out a screen of n rows under the title head for a W x H
// window at text scale s, with the footer's hint: rows as tall as fit,
// roomy first.
func layOptions(W, H float64, s int, head, hint string, n int) optionsLayout {
	fs := float64(s)
	lh := float64(lineHeight(s))
	var l optionsLayout
	l.footText = pickText(W-16*fs, s, hint, "arrows, ENTER, ESC")
	l.foot = footer(W, H, s, l.footText)
	for level := 0; level < 4; level++ {
		l.headScale = []int{3, 2, 2, 2}[level] * s
		rowH := lh + []float64{16, 10, 6, 3}[level]*fs
		gap := []float64{16, 10, 6, 4}[level] * fs
		total := float64(lineHeight(l.headScale)) + gap + float64(n)*rowH + 16*fs + gap + 2*lh + 6*fs
		y := (l.foot.y - 8*fs - total) / 2
		if level == 0 {
			y = max(y, 16*fs)
		}
		y = max(y, 4*fs)
		l.head = textRect(head, W/2, y, l.headScale, center)
		y += float64(lineHeight(l.headScale)) + gap
		pw := min(W*0.9, 90*8*fs)
		l.panel = rect{W/2 - pw/2, y, pw, float64(n)*rowH + 16*fs}
		l.rows = l.rows[:0]
		ry := y + 8*fs
		for range n {
			l.rows = append(l.rows, rect{l.panel.x + 8*fs, ry, pw - 16*fs, rowH - 2*fs})
			ry += rowH
		}
		l.valueX = l.panel.x + 8*fs + 12*fs + float64(textWidth("TURN RIGHT  ", s))
		y = l.panel.bottom() + gap
		l.msg = rect{W * 0.05, y, W * 0.9, lh}
		l.where = rect{W * 0.05, y + lh + 6*fs, W * 0.9, lh}
		if l.where.bottom() <= l.foot.y-4*fs {
			break
		}
	}
	return l
}

// balancedLines cuts a share code into two lines of about the same
// length, between groups, when two lines of at most n characters hold it;
// else into lines of at most n as codeLines does.
func balancedLines(code string, n int) []string {
	for w := (len(code) + 1) / 2; w < n; w++ {
		if lines := codeLines(code, w); len(lines) <= 2 {
			return lines
		}
	}
	return codeLines(code, n)
}

// statusBox is where the match's status panel goes ("waiting for bob",
// "paused by ada"): off the arena, at the top of the side column under
// the player rows, or, when the column has no room for it, as a band over
// the top bar.
type statusBox struct {
	box   rect
	band  bool     // over the top bar, on one line
	title []string // the panel's headline, wrapped to the column
	sub   []string // its second line, wrapped
}

// layStatus places the status panel of title and sub (either may be "")
// for the match layout l of a W-wide window at text scale s.
func layStatus(l matchLayout, W float64, s int, title, sub string) statusBox {
	fs := float64(s)
	lh := float64(lineHeight(s))
	n := max(8, int((l.sideW-16*fs)/(8*fs)))
	var b statusBox
	cut := func(str string) []string { // wrapped, a word longer than a line cut
		lines := wrap(str, n)
		for i := range lines {
			lines[i] = fit(lines[i], n)
		}
		return lines
	}
	if title != "" {
		b.title = cut(title)
	}
	if sub != "" {
		b.sub = cut(sub)
	}
	h := float64(len(b.title)+len(b.sub))*lh + 12*fs
	if h <= l.feed.h {
		b.box = rect{l.sideX, l.feed.y, l.sideW, h}
		return b
	}
	// The band: the whole top bar, one line, cut to its width.
	line := title
	if sub != "" {
		line += " - " + sub
	}
	b.band = true
	b.title, b.sub = []string{fit(line, int((W-2*l.pad)/(8*fs)))}, nil
	b.box = rect{0, 0, W, l.top}
	return b
}

// statusFeed is what is left of the feed's room in l once the status
// panel b took the top of it.
func statusFeed(l matchLayout, b statusBox, s int) rect {
	if b.band || b.box.empty() {
		return l.feed
	}
	y := b.box.bottom() + 6*float64(s)
	return rect{l.feed.x, y, l.feed.w, math.Max(0, l.feed.bottom()-y)}
}
