// Command minimal is the smallest Ebiten game on netcode: a coloured square
// per player, moved with the arrow keys. One player runs it with -host and
// reads out the share code, the others run it with -join CODE, and the host
// presses Enter. With -frames N it plays by itself and exits after N frames.
package main

import (
	"context"
	"flag"
	"fmt"
	"hash/crc64"
	"image"
	"image/color"
	"log"
	"os"
	"time"

	"github.com/hajimehoshi/ebiten/v2"
	"github.com/hajimehoshi/ebiten/v2/ebitenutil"
	"github.com/hajimehoshi/ebiten/v2/vector"

	"github.com/peerstep/peerstep/netcode"
)

var (
	host   = flag.Bool("host", false, "host a match and print its share code")
	join   = flag.String("join", "", "join the match with this share `code`")
	name   = flag.String("name", "player", "your name in the lobby")
	listen = flag.String("listen", "", "UDP `address` to bind (default: every interface)")
	frames = flag.Int("frames", 0, "play by itself and exit after `N` frames, printing a checksum")
)

const width, height, size = 400, 300, 16

// Input is one player's input for one frame: a direction.
type Input struct{ Dx, Dy int8 }

var arrows = map[ebiten.Key]Input{
	ebiten.KeyArrowLeft: {-1, 0}, ebiten.KeyArrowRight: {1, 0},
	ebiten.KeyArrowUp: {0, -1}, ebiten.KeyArrowDown: {0, 1},
}

// Game is the Ebiten game. Its state is pos, the squares' positions by PlayerID.
type Game struct {
	s        *netcode.Session[Input]
	tk       *netcode.Ticker[Input] // runs the match's ticks, in phase with the others
	started  chan error             // receives what Start or WaitStart returns
	starting bool
	pos      []image.Point
}

func main() {
	var reach netcode.Reach
	reach.RegisterFlags(flag.CommandLine, "")
	if flag.Parse(); *host == (*join != "") || *frames < 0 {
		fmt.Fprintln(os.Stderr, "minimal: give one of -host and -join CODE, and -frames 0 or more")
		os.Exit(2)
	}
	log.SetFlags(0)
	cfg := &netcode.Config{Name: *name, ListenAddr: *listen, Reach: reach}
	g := &Game{started: make(chan error, 1)}
	var err error
	if *host {
		if g.s, err = netcode.Host[Input](context.Background(), cfg); err == nil {
			fmt.Println("share code:", g.s.Code())
		}
	} else if g.s, err = netcode.Join[Input](context.Background(), *join, cfg); err == nil {
		go func() { g.started <- g.s.WaitStart(context.Background()) }()
	}
	if err == nil {
		ebiten.SetWindowSize(width, height)
		err = ebiten.RunGameWithOptions(g, &ebiten.RunGameOptions{InitUnfocused: *frames > 0})
		g.s.Close()
	}
	if err != nil {
		log.Fatal("minimal: ", err)
	}
}

// Update hands the input to the session's Ticker and simulates the frames
// that ran since the last Update. Ebiten calls Update at a fixed rate,
// which cannot wait out the session's pacing (Session.Pace) by a fraction
// of a frame: the Ticker runs the ticks on a timer of its own that can.
func (g *Game) Update() error {
	for _, e := range g.s.Events() {
		fmt.Println("event:", e)
	}
	if g.pos == nil {
		return g.lobby()
	}
	if err := g.tk.SetInput(g.input()); err != nil {
		return err
	}
	fs, err := g.tk.Frames()
	for _, f := range fs { // the same frames, in order, on every machine
		for p, in := range f.Inputs { // each present player's square moves 2 pixels
			if q := g.pos[p]; f.Present[p] {
				g.pos[p] = image.Pt((q.X+2*int(in.Dx)+width)%width, (q.Y+2*int(in.Dy)+height)%height)
			}
		}
		if f.WantChecksum {
			g.s.ReportChecksum(f.Number, g.checksum())
		}
		if int(f.Number)+1 == *frames {
			fmt.Printf("frame %d checksum %016x\n", f.Number, g.checksum())
			return ebiten.Termination
		}
	}
	return err // netcode.ErrDropped or ErrClosed
}

// lobby starts the match when the host presses Enter, then sets the game up.
func (g *Game) lobby() error {
	if len(g.started) > 0 { // Start or WaitStart returned; nil: the match is on
		return <-g.started
	}
	info, ok := g.s.Match()
	if !ok {
		if *host && !g.starting && (*frames > 0 || ebiten.IsKeyPressed(ebiten.KeyEnter)) && g.s.Lobby().Ready {
			g.starting = true
			go func() { g.started <- g.s.Start(context.Background()) }() // once all are linked
		}
		return nil
	}
	for p := range info.Players { // a row each, a column from the match seed
		g.pos = append(g.pos, image.Pt(int(info.Seed>>(4*p)%(width/size))*size, (2*p+1)*height/(2*len(info.Players))))
	}
	tk, err := g.s.Ticker()
	if err != nil {
		return err
	}
	g.tk = tk
	ebiten.SetTPS(info.TickRate) // read the keys as often as the match ticks
	fmt.Printf("match started: %d players, you are player %d\n", len(g.pos), info.Local)
	return nil
}

// input reads this tick's input from the keyboard, or makes one up.
func (g *Game) input() (in Input) {
	if t := time.Now().UnixMilli() / 300; *frames > 0 { // inputs need not be deterministic
		return Input{Dx: int8(t%3 - 1), Dy: int8(t/3%3 - 1)}
	}
	for k, d := range arrows {
		if ebiten.IsKeyPressed(k) {
			in.Dx, in.Dy = in.Dx+d.Dx, in.Dy+d.Dy
		}
	}
	return in
}

func (g *Game) checksum() uint64 {
	return crc64.Checksum(fmt.Append(nil, g.pos), crc64.MakeTable(crc64.ECMA))
}

// Draw shows the lobby, or the squares; it only reads the state.
func (g *Game) Draw(screen *ebiten.Image) {
	if g.pos == nil {
		ebitenutil.DebugPrint(screen, fmt.Sprintf("share code:\n%s\n\n%d players in the lobby", g.s.Code(), len(g.s.Lobby().Players)))
	}
	for p, q := range g.pos {
		c := color.RGBA{uint8(240 - 50*p), uint8(80 + 60*p), uint8(80 + 110*p), 255}
		vector.DrawFilledRect(screen, float32(q.X), float32(q.Y), size, size, c, false)
	}
}

// Layout fixes the screen's size in pixels.
func (g *Game) Layout(int, int) (int, int) { return width, height }
