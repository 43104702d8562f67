package app

import (
	"context"
	"strings"
	"sync"
	"unicode"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/inpututil"

	"github.com/peerstep/peerstep/demo-game/play"
	"github.com/peerstep/peerstep/netcode"
)

// join is the screen where a player types or pastes a share code.
type join struct {
	code    []rune
	ticks   int
	joining bool
	cancel  context.CancelFunc
	result  chan joinResult
	errText string
	backAt  int    // ticks Backspace has been held
	said    string // the code a -frames run last printed

	progressMu sync.Mutex
	progress   string // how joining goes, as netcode says it

	lan    *lanList // the matches listed on the local network
	lanSel int      // the selected one, -1 for the typed code
	lanN   int      // how many a -frames run last printed, -1 before
}

type joinResult struct {
	l   *play.Lobby
	err error
}

func newJoin(a *App, code string) *join {
	j := &join{code: []rune(code), result: make(chan joinResult, 1), lan: startLANList(a.options()), lanSel: -1, lanN: -1}
	if code != "" {
		j.submit(a)
	}
	return j
}

// submit starts joining in the background: it may take until the join
// timeout when the host does not answer.
func (j *join) submit(a *App) {
	if j.joining {
		return
	}
	j.joining, j.errText = true, ""
	ctx, cancel := context.WithCancel(context.Background())
	j.cancel = cancel
	code, opts := string(j.code), a.options()
	opts.OnProgress = func(p netcode.Progress) {
		j.progressMu.Lock()
		j.progress = p.String()
		j.progressMu.Unlock()
		if a.autoplay {
			a.println("join: %v", p)
		}
	}
	go func() {
		l, err := play.Join(ctx, code, opts)
		if err == nil && ctx.Err() != nil { // the player gave up meanwhile
			l.Close()
			l, err = nil, ctx.Err()
		}
		j.result <- joinResult{l, err}
	}()
}

func (j *join) update(a *App) error {
	j.ticks++
	select {
	case r := <-j.result:
		j.joining = false
		if r.err != nil {
			j.errText = play.ErrorText(r.err)
			if a.autoplay {
				a.println("join failed: %v", r.err)
				return r.err
			}
			return nil
		}
		j.lan.stop()
		a.setScreen(newLobby(a, r.l))
		return nil
	default:
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyEscape) {
		j.close()
		return a.toTitle()
	}
	if j.joining {
		return nil
	}
	games, _, _ := j.lan.read()
	if a.autoplay && len(games) != j.lanN {
		j.lanN = len(games)
		a.println("lan: %d games", len(games))
	}
	j.lanSel = min(j.lanSel, len(games)-1)
	switch {
	case inpututil.IsKeyJustPressed(ebiten.KeyArrowDown) && len(games) > 0:
		j.lanSel = min(j.lanSel+1, len(games)-1)
	case inpututil.IsKeyJustPressed(ebiten.KeyArrowUp):
		j.lanSel = max(j.lanSel-1, -1)
	}
	ctrl := ebiten.IsKeyPressed(ebiten.KeyControl) || ebiten.IsKeyPressed(ebiten.KeyMeta)
	if (ctrl && inpututil.IsKeyJustPressed(ebiten.KeyV)) || (ebiten.IsKeyPressed(ebiten.KeyShift) && inpututil.IsKeyJustPressed(ebiten.KeyInsert)) {
		s, err := pasteText()
		if err != nil {
			a.notify("paste failed: "+err.Error(), true)
		} else {
			j.code = append(j.code, []rune(strings.TrimSpace(s))...)
			j.errText = ""
		}
	} else if !ctrl {
		for _, r := range ebiten.AppendInputChars(nil) {
			if unicode.IsPrint(r) && len(j.code) < 200 {
				j.code = append(j.code, unicode.ToUpper(r))
				j.errText, j.lanSel = "", -1
			}
		}
	}
	if ebiten.IsKeyPressed(ebiten.KeyBackspace) {
		j.backAt++
		if (j.backAt == 1 || (j.backAt > 20 && j.backAt%3 == 0)) && len(j.code) > 0 {
			j.code = j.code[:len(j.code)-1]
			if ctrl {
				j.code = nil
			}
		}
	} else {
		j.backAt = 0
	}
	if a.autoplay && string(j.code) != j.said {
		j.said = string(j.code)
		a.println("code: %s", j.said) // for a test that types it
	}
	if inpututil.IsKeyJustPressed(ebiten.KeyEnter) || inpututil.IsKeyJustPressed(ebiten.KeyNumpadEnter) {
		if j.lanSel >= 0 && j.lanSel < len(games) {
			j.code = []rune(games[j.lanSel].Code) // join the game selected on the list
		}
		j.submit(a)
	}
	return nil
}

func (j *join) draw(a *App, dst *ebiten.Image) {
	s := a.s
	W, H := float64(a.w), float64(a.h)
	y := H * 0.14
	bold.glowText(dst, "JOIN A MATCH", W/2, y, 3*s, colAccent, center)
	y += float64(lineHeight(3*s) + 24*s)
	regular.text(dst, "Type or paste the share code your host gave you:", W/2, y, s, colDim, center)
	y += float64(lineHeight(s) + 12*s)

	// The field, wrapped on as many lines as the code needs.
	cs := 2 * s
	perLine := max(8, int(W*0.8)/(8*cs))
	text := string(j.code)
	cursor := ""
	if !j.joining && j.ticks/30%2 == 0 {
		cursor = "_"
	}
	lines := fieldLines(text+cursor, perLine)
	if len(lines) == 0 {
		lines = []string{cursor}
	}
	fw := float64(perLine*8*cs + 24*s)
	fh := float64(len(lines)*lineHeight(cs) + 20*s)
	border := colAccent
	if j.errText != "" {
		border = colBad
	}
	panel(dst, W/2-fw/2, y, fw, fh, colPanel, border)
	for i, l := range lines {
		bold.text(dst, l, W/2-fw/2+float64(12*s), y+float64(10*s+i*lineHeight(cs)), cs, colText, left)
	}
	if len(j.code) == 0 {
		regular.text(dst, "PS2-XXX-XXX-XXX-XXX-XXX-XXX", W/2-fw/2+float64(12*s+8*cs), y+float64(10*s), cs, colFaint, left)
	}
	y += fh + float64(18*s)

	switch {
	case j.joining:
		dots := strings.Repeat(".", j.ticks/15%4)
		bold.text(dst, "joining"+dots, W/2, y, 2*s, colWarn, center)
		y += float64(lineHeight(2*s) + 6*s)
		j.progressMu.Lock()
		step := j.progress
		j.progressMu.Unlock()
		if step == "" {
			step = "reaching the host and saying hello"
		}
		regular.text(dst, step+"  (ESC to give up)", W/2, y, s, colDim, center)
	case j.errText != "":
		for _, l := range wrap(j.errText, int(W*0.8)/(8*2*s)) {
			bold.text(dst, l, W/2, y, 2*s, colBad, center)
			y += float64(lineHeight(2 * s))
		}
	}
	j.drawLAN(a, dst, y+float64(lineHeight(2*s)+18*s))
	regular.text(dst, fit("ENTER: join    CTRL+V: paste    BACKSPACE: erase    UP / DOWN: a game on this network    ESC: back", int(W)/(8*s)), W/2, H-float64(lineHeight(s)+10*s), s, colDim, center)
}

// drawLAN draws the matches listed on the local network from y down, as
// many as fit above the footer, the selected one lit.
func (j *join) drawLAN(a *App, dst *ebiten.Image, y float64) {
	s := a.s
	fs := float64(s)
	W, H := float64(a.w), float64(a.h)
	lh := float64(lineHeight(s) + 6*s)
	bottom := H - float64(lineHeight(s)+20*s)
	w := W * 0.8
	games, err, done := j.lan.read()
	head, rows := lanLines(games, err, done, int(w-24*fs)/(8*s))
	if y+lh > bottom {
		return
	}
	regular.text(dst, head, W/2-w/2, y, s, colDim, left)
	y += lh
	for i, r := range rows {
		if y+lh > bottom {
			break
		}
		if i == j.lanSel {
			fillRect(dst, W/2-w/2, y-3*fs, w, lh, colPanelHi)
			fillRect(dst, W/2-w/2, y-3*fs, 3*fs, lh, colAccent)
		}
		bold.text(dst, r, W/2-w/2+12*fs, y, s, colText, left)
		y += lh
	}
}

// typing: the join field takes the code's letters and dashes.
func (j *join) typing() bool { return true }

func (j *join) close() error {
	if j.cancel != nil {
		j.cancel()
	}
	j.lan.stop()
	return nil
}

// fieldLines cuts what is typed into the join field into lines of at
// most n runes, after a dash where it can, so that a code wraps between
// its groups; a run without dashes longer than a line is cut anywhere.
func fieldLines(s string, n int) []string {
	var lines []string
	cur := []rune{}
	for _, g := range strings.SplitAfter(s, "-") {
		r := []rune(g)
		if len(cur) > 0 && len(cur)+len(r) > n {
			lines = append(lines, string(cur))
			cur = cur[:0]
		}
		for len(cur)+len(r) > n {
			k := n - len(cur)
			lines = append(lines, string(append(cur, r[:k]...)))
			cur, r = cur[:0], r[k:]
		}
		cur = append(cur, r...)
	}
	if len(cur) > 0 {
		lines = append(lines, string(cur))
	}
	return lines
}
