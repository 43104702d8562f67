package sim

// BotLead is how many cells ahead a bot plans: its input reaches the
// simulation a few frames after it decides (the lockstep input delay), and
// the rider keeps going meanwhile.
const BotLead = 2

// floodLimit bounds the room a bot measures behind each choice.
const floodLimit = 400

// Skill is how well a bot plays. The zero value is Normal.
type Skill uint8

// The skills, from the weakest: an Easy bot measures little room ahead,
// picks its way with more chance, ignores the others' heads, boosts down
// short lanes and, one cell in three, does not think at all; a Normal bot
// measures half the room a Hard one does, with more chance, and a Hard
// bot plays its best.
const (
	Normal Skill = iota
	Easy
	Hard
)

// Skills are the skills from the weakest to the strongest, for a menu.
var Skills = []Skill{Easy, Normal, Hard}

var skillNames = [...]string{"normal", "easy", "hard"}

// String names the skill: "easy", "normal" or "hard".
func (k Skill) String() string {
	if int(k) < len(skillNames) {
		return skillNames[k]
	}
	return "skill?"
}

// ParseSkill returns the skill String names, and false for any other
// name.
func ParseSkill(name string) (Skill, bool) {
	for k, n := range skillNames {
		if n == name {
			return Skill(k), true
		}
	}
	return Normal, false
}

// skillPlay is what a skill changes in how a bot plays.
type skillPlay struct {
	flood  int    // the room it measures behind a choice, at most
	noise  uint64 // the chance in a choice's score: 0 to noise-1
	heads  int    // what a cell near another's head costs
	lapse  uint64 // one cell in lapse it does not think (0: never)
	boostX int    // the shortest lane it boosts down
}

func (k Skill) play() skillPlay {
	switch k {
	case Easy:
		return skillPlay{flood: 40, noise: 150, heads: 0, lapse: 3, boostX: 6}
	case Hard:
		return skillPlay{flood: floodLimit, noise: 30, heads: 300, boostX: 14}
	}
	return skillPlay{flood: floodLimit / 2, noise: 60, heads: 300, boostX: 14}
}

// Bot is SkilledBot at Normal skill.
func Bot(s *State, p int) Input { return SkilledBot(s, p, Normal) }

// SkilledBot returns the input a computer player of skill k sends for
// player p, from the state alone: it steers towards the most room, prefers to keep going
// straight, boosts down long clear lanes, votes for a rematch, and agrees
// at once to resume a pause. It is
// an ordinary input, sent through the same path as a person's, so a bot
// can play anywhere a person can. It is deterministic (the same state gives
// the same input: its only randomness is a hash of the seed, the tick and
// p), it never changes s, so any number of goroutines may call it at once
// on a State nobody steps meanwhile, and it does not allocate. It thinks
// hard (a bounded flood fill of each way it may turn) once a cell, and
// cheaply on the other ticks.
func SkilledBot(s *State, p int, k Skill) Input {
	if p < 0 || p >= len(s.riders) {
		return 0
	}
	r := s.riders[p]
	if !r.Active {
		return 0
	}
	if _, paused := s.Paused(); paused {
		// A bot agrees to resume at once, and sits still meanwhile.
		return Input(0).WithPause(s.pause.resume == 0 && !s.PauseAgreed(p))
	}
	noise := mix(uint64(s.tick/16)*31 + uint64(p)*0x9e3779b97f4a7c15 + s.cfg.Seed)
	switch s.phase {
	case MatchOver:
		// Vote for a rematch after a moment; boost is the vote, a press.
		wait := s.cfg.TicksPerSecond * (2 + p%3)
		return MakeInput(None, !r.Ready && s.phaseTick > wait && s.tick%2 == 0)
	case Countdown:
		if s.phaseTick != 1 {
			return 0
		}
		best, bestScore := None, -1
		for _, d := range [3]Dir{r.Dir, r.Dir.CW(), r.Dir.CCW()} {
			dx, dy := d.Delta()
			if sc := s.run(r.X, r.Y, dx, dy, 64)*4 + int(noise%7); sc > bestScore {
				best, bestScore = d, sc
			}
		}
		if best == r.Dir {
			return 0
		}
		return MakeInput(best, false)
	case Playing:
	default:
		return 0
	}
	if !r.Alive {
		return 0
	}
	cur := r.Dir
	if r.nq > 0 {
		cur = r.queue[r.nq-1]
	}
	dx, dy := cur.Delta()
	sp := k.play()
	straightRun := s.run(r.X, r.Y, dx, dy, 40)
	boost := straightRun >= sp.boostX && r.Energy > s.maxEnergy/3 && noise%3 != 0
	// Think once a cell, on the tick after the rider entered it: the
	// sub-cell progress is then below one tick's worth of speed.
	speed, boostSpeed := s.cfg.Pace.Speeds()
	if r.Boost {
		speed = boostSpeed
	}
	if r.progress >= speed || r.nq > 0 {
		return MakeInput(None, boost)
	}
	if sp.lapse > 0 && mix(noise^uint64(r.Y*MaxSize+r.X))%sp.lapse == 0 {
		return MakeInput(None, boost) // its mind elsewhere, this cell
	}
	var f flooder
	best, bestScore, room := None, -1<<30, -1
	for i, d := range [3]Dir{cur, cur.CW(), cur.CCW()} {
		dx, dy := d.Delta()
		run := s.run(r.X, r.Y, dx, dy, 40)
		score := -1 << 20
		if run > 0 {
			// A cell the last fill reached lies in the same region: same
			// room, no need to measure it again.
			if c := (r.Y+dy)*s.cfg.Width + r.X + dx; room < 0 || !f.has(c) {
				room = f.count(s, r.X+dx, r.Y+dy, sp.flood)
			}
			score = room * 8
			// Walls close ahead are dangerous: the turn may come late.
			if run <= BotLead {
				score -= 4000 * (BotLead + 1 - run)
			}
			score += min(run, 12) * 6
			score -= s.nearHeads(p, r.X+dx, r.Y+dy) * sp.heads
		}
		if i == 0 {
			score += 40 // keep going: no zig-zag
		}
		score += int(mix(noise+uint64(i)) % sp.noise)
		if score > bestScore {
			best, bestScore = d, score
		}
	}
	if best == cur {
		return MakeInput(None, boost)
	}
	return MakeInput(best, false)
}

// run counts the free cells from x, y in direction dx, dy, up to limit.
func (s *State) run(x, y, dx, dy, limit int) int {
	n := 0
	for n < limit {
		x, y = x+dx, y+dy
		if x < 0 || y < 0 || x >= s.cfg.Width || y >= s.cfg.Height || s.grid[y*s.cfg.Width+x] != 0 {
			break
		}
		n++
	}
	return n
}

// flooder measures the room behind a choice: a flood fill bounded by
// floodLimit, with its visited set in a small open-addressing table (cell
// index+1 by slot) rather than an arena-sized array, so that Bot needs no
// memory but its own stack frame.
type flooder struct {
	seen  [floodSlots]uint16
	stack [4*floodLimit + 4]int32
}

const (
	floodBits  = 12
	floodSlots = 1 << floodBits // more than every cell a bounded fill marks
)

// mark adds cell i to the visited set; it reports false if i was there.
func (f *flooder) mark(i int) bool {
	key := uint16(i + 1) // arenas hold at most MaxSize*MaxSize < 65535 cells
	h := uint32(i) * 2654435761 >> (32 - floodBits)
	for {
		switch f.seen[h] {
		case 0:
			f.seen[h] = key
			return true
		case key:
			return false
		}
		h = (h + 1) & (floodSlots - 1)
	}
}

// has reports whether the last fill reached cell i.
func (f *flooder) has(i int) bool {
	key := uint16(i + 1)
	for h := uint32(i) * 2654435761 >> (32 - floodBits); f.seen[h] != 0; h = (h + 1) & (floodSlots - 1) {
		if f.seen[h] == key {
			return true
		}
	}
	return false
}

// count returns how many free cells are reachable from x, y, up to limit:
// the size of the region, if it is smaller than limit. Every cell it
// reaches is in the region of x, y.
func (f *flooder) count(s *State, x, y, limit int) int {
	w, h := s.cfg.Width, s.cfg.Height
	clear(f.seen[:])
	if x < 0 || y < 0 || x >= w || y >= h || s.grid[y*w+x] != 0 {
		return 0
	}
	grid := s.grid
	f.mark(y*w + x)
	f.stack[0] = int32(y*w + x)
	top, n := 1, 0
	push := func(i int) {
		if grid[i] == 0 && f.mark(i) {
			f.stack[top] = int32(i)
			top++
		}
	}
	for top > 0 && n < limit {
		top--
		c := int(f.stack[top])
		n++
		cx, cy := c%w, c/w
		if cy > 0 {
			push(c - w)
		}
		if cx < w-1 {
			push(c + 1)
		}
		if cy < h-1 {
			push(c + w)
		}
		if cx > 0 {
			push(c - 1)
		}
	}
	return n
}

// nearHeads counts the other living riders whose head is within two cells
// of x, y: where they may go next.
func (s *State) nearHeads(p, x, y int) int {
	n := 0
	for q, o := range s.riders {
		if q != p && o.Alive && abs(o.X-x)+abs(o.Y-y) <= 2 {
			n++
		}
	}
	return n
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// mix scrambles x (the SplitMix64 finaliser).
func mix(x uint64) uint64 {
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}
