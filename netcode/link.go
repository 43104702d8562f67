package netcode

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	kcp "github.com/xtaci/kcp-go/v5"

	"github.com/peerstep/peerstep/netcode/internal/seal"
	"github.com/peerstep/peerstep/netcode/internal/wire"
)

// What a link datagram's plaintext starts with.
const (
	subProbe    byte = 0 // hole punching: "can you hear me?"
	subProbeAck byte = 1 // "yes"
	subKCP      byte = 2 // a KCP datagram follows
	subDatagram byte = 3 // engine messages follow (wire.SplitDatagram): inputs, pings and pongs beside KCP, unreliable
	subRelay    byte = 4 // forward what follows: [link ID u32][a sealed link datagram]
	subRelayed  byte = 5 // a sealed link datagram a relay forwarded
)

// linkQueue bounds the KCP segments waiting on a link beyond its send
// window: queued behind the window or sent and not yet acknowledged. A link
// whose queue overflows is treated as broken: its peer has not acknowledged
// seconds of traffic.
const linkQueue = 2048

// link is the way to one other player: sealing keys, the current address,
// and a KCP protocol object with the one goroutine that keeps its clock.
// Relayed links may later carry the same KCP over another player; nothing
// above this type knows about addresses.
//
// KCP is kcp-go's bare protocol object, driven here and nowhere else: a
// message is handed to it and flushed on the writer's goroutine, a datagram
// is fed to it on the endpoint's read goroutine, which also delivers the
// messages it completes, and the link's own goroutine runs its timer
// (retransmissions, delayed acknowledgements) while there is something to
// retransmit or acknowledge. No kcp-go goroutine or timer is involved.
type link struct {
	ep     *endpoint
	pub    []byte
	sendID uint32 // the ID the remote side knows this link by
	recvID uint32 // the ID our datagrams arrive with

	sendMu  sync.Mutex
	sealer  *seal.LinkSealer
	sealBuf []byte
	opener  *seal.LinkOpener // read goroutine only
	openBuf []byte           // read goroutine only: plaintext of the datagram being handled
	rxCount uint64           // read goroutine only: datagrams opened since rxBase
	rxBase  uint64           // read goroutine only: the highest counter when counting began
	rxKnown bool             // read goroutine only: lossIn holds a measurement
	lossIn  atomic.Uint32    // permille of the peer's datagrams lost on the way here

	addrMu     sync.Mutex
	addr       netip.AddrPort   // where to send; zero until known
	candidates []netip.AddrPort // where to probe until a datagram comes directly
	confirmed  atomic.Bool      // an authentic datagram arrived, directly or relayed
	direct     atomic.Bool      // an authentic datagram arrived directly
	lastHeard  atomic.Int64     // unix nanos of the last authentic datagram
	created    time.Time

	// relay is the link to the player who forwards this link's datagrams
	// while there is no direct path; nil: none. relayed counts the
	// datagrams that came through a relay.
	relay      atomic.Pointer[relayPath]
	relaySince atomic.Int64 // unix nanos when relay was chosen
	relayedIn  atomic.Uint64
	forwarded  atomic.Uint64 // datagrams this peer forwarded for the remote player
	fwdBudget  tokenBucket   // read goroutine only: bounds what the remote player may have forwarded
	born       time.Time     // when the link was made: fwdBudget's clock
	shownVia   *link         // lobby loop only: the relay the game was last told of
	gone       atomic.Bool   // the player said goodbye, or the link broke

	kmu      sync.Mutex
	kcp      *kcp.KCP    // kmu
	timer    *time.Timer // kmu: fires kcpLoop while armed
	armed    bool        // kmu: the timer is set
	ackDue   bool        // kmu: segments arrived whose acknowledgement waits for a flush
	txBuf    []byte      // kmu: the message being framed
	mss      int         // KCP's segment payload: MTU less its header
	limit    int         // most segments KCP may hold (SendWindow + linkQueue)
	interval time.Duration
	ackNow   bool         // tuning.AckNoDelay
	srtt     atomic.Int32 // smoothed round trip in ms, from KCP's acknowledgements; 0: none yet
	rxStream []byte       // read goroutine only: received bytes not yet a whole message
	rxSeg    []byte       // read goroutine only: one message out of KCP

	onMessage  func(*link, wire.Message)
	onDatagram func(*link, []byte)
	onBroken   func(*link)

	maxSN       atomic.Int64 // highest KCP push sequence number sent
	bytesOut    atomic.Uint64
	bytesIn     atomic.Uint64
	dgramsOut   atomic.Uint64
	dgramsIn    atomic.Uint64
	pushes      atomic.Uint64
	retransmits atomic.Uint64
	kcpRejected atomic.Uint64 // KCP datagrams KCP refused: an authentic peer's bug

	closeOnce sync.Once
	done      chan struct{}
	wg        sync.WaitGroup
}

type linkParams struct {
	secret     []byte
	localPub   []byte
	remotePub  []byte
	shared     []byte
	tuning     KCPTuning
	candidates []netip.AddrPort
	addr       netip.AddrPort // known address, if any
	onMessage  func(*link, wire.Message)
	onDatagram func(*link, []byte)
	onBroken   func(*link)
}

func newLink(ep *endpoint, p linkParams) (*link, error) {
	sendKey, recvKey, err := seal.DeriveLinkKeys(p.secret, p.shared, p.localPub, p.remotePub)
	if err != nil {
		return nil, fmt.Errorf("netcode: link keys: %w", err)
	}
	l := &link{
		ep:         ep,
		pub:        append([]byte(nil), p.remotePub...),
		sendID:     seal.LinkID(p.localPub, p.remotePub),
		recvID:     seal.LinkID(p.remotePub, p.localPub),
		candidates: append([]netip.AddrPort(nil), p.candidates...),
		addr:       p.addr,
		onMessage:  p.onMessage,
		onDatagram: p.onDatagram,
		onBroken:   p.onBroken,
		done:       make(chan struct{}),
		sealBuf:    make([]byte, 0, 4096),
		created:    time.Now(),
		fwdBudget:  tokenBucket{rate: relayRate, burst: relayRate / 4},
		born:       time.Now(),
	}
	l.maxSN.Store(-1)
	if l.sealer, err = seal.NewLinkSealer(sendKey, l.sendID); err != nil {
		return nil, err
	}
	if l.opener, err = seal.NewLinkOpener(recvKey, l.recvID); err != nil {
		return nil, err
	}
	l.lastHeard.Store(time.Now().UnixNano())

	l.startKCP(p.tuning)
	ep.addLink(l)
	l.wg.Add(1)
	go l.kcpLoop()
	return l, nil
}

// startKCP makes the link's KCP object with the tuning t.
func (l *link) startKCP(t KCPTuning) {
	k := kcp.NewKCP(l.sendID^l.recvID, l.output)
	nodelay, nc := 1, 1
	if t.NormalMode {
		nodelay = 0
	}
	if t.Congestion {
		nc = 0
	}
	k.NoDelay(nodelay, int(t.Interval/time.Millisecond), max(t.FastResend, 0), nc)
	k.WndSize(t.SendWindow, t.ReceiveWindow)
	k.SetMtu(t.MTU)
	l.kcp = k
	l.mss = t.MTU - kcp.IKCP_OVERHEAD
	l.limit = t.SendWindow + linkQueue
	l.interval = t.Interval
	l.ackNow = t.AckNoDelay
	l.rxSeg = make([]byte, l.mss)
	l.timer = time.NewTimer(time.Hour)
	l.timer.Stop()
}

// output is KCP's output callback, called with kmu held: it seals and
// sends one KCP datagram.
func (l *link) output(buf []byte, size int) {
	p := buf[:size]
	l.countSegments(p)
	_ = l.send(subKCP, p) // lost like any datagram: KCP resends
}

// nowMs reads KCP's clock: Check of a KCP object never updated returns the
// current time, in the milliseconds its timestamps count.
func (l *link) nowMs() uint32 { return l.ep.kcpClock.Check() }

// kcpLoop is the link's one goroutine: it runs KCP's timer while armed.
func (l *link) kcpLoop() {
	defer l.wg.Done()
	for {
		select {
		case <-l.done:
			l.kmu.Lock()
			l.timer.Stop()
			l.armed = false
			l.kmu.Unlock()
			return
		case <-l.timer.C:
		}
		l.kmu.Lock()
		l.armed = false
		l.updateLocked()
		l.kmu.Unlock()
	}
}

// updateLocked lets KCP flush and retransmit what is due, then sets the
// timer for the next time it has work: while segments wait for an
// acknowledgement or acknowledgements wait to go, never on an idle link.
func (l *link) updateLocked() {
	now := l.nowMs()
	idleBefore := l.kcp.WaitSnd() == 0
	flushes := l.kcp.Check() == now // on an idle KCP, only its flush is due
	l.kcp.Update()
	if idleBefore && flushes {
		l.ackDue = false // that flush sent them
	}
	l.armLocked(now)
}

// armLocked sets the timer to KCP's next due time if KCP has work and the
// timer is not set already.
func (l *link) armLocked(now uint32) {
	if l.armed || (l.kcp.WaitSnd() == 0 && !l.ackDue) {
		return
	}
	select {
	case <-l.done:
		return
	default:
	}
	d := time.Duration(int32(l.kcp.Check()-now)) * time.Millisecond
	if d < time.Millisecond {
		// Due now, but KCP flushes on its own schedule (at most an
		// interval away): look again soon rather than spin.
		d = time.Millisecond
	}
	l.armed = true
	l.timer.Reset(d)
}

// send seals one datagram of the given subkind and sends it on the link's
// path: directly once a datagram came directly, through the relay while
// there is one and no direct path, else to the address known (the host a
// joiner joined); with none, it is dropped (KCP will resend).
func (l *link) send(sub byte, payload []byte) error {
	l.addrMu.Lock()
	to := l.addr
	l.addrMu.Unlock()
	if p := l.relay.Load(); p != nil && !l.direct.Load() {
		return l.sendRelayed(p, sub, payload)
	}
	if !to.IsValid() {
		return nil
	}
	return l.sendTo(sub, payload, to)
}

// sendRelayed seals a datagram for the remote player with this link's own
// keys and hands it to the relay r, which can neither read nor forge it.
func (l *link) sendRelayed(p *relayPath, sub byte, payload []byte) error {
	l.sendMu.Lock()
	plain := l.sealBuf[:0]
	plain = append(plain, sub)
	plain = append(plain, payload...)
	// [remote's ID at the relay][the sealed datagram]
	out := make([]byte, 4, 4+len(plain)+64)
	binary.BigEndian.PutUint32(out, p.id)
	out, err := l.sealer.Seal(out, plain)
	l.sealBuf = plain[:0]
	l.sendMu.Unlock()
	if err != nil {
		return err
	}
	l.bytesOut.Add(uint64(len(out) - 4))
	l.dgramsOut.Add(1)
	return p.via.sendDirect(subRelay, out)
}

// relayPath is the way to a player through a third one.
type relayPath struct {
	via *link  // the link to the relay
	id  uint32 // the relay's ID for its link to the remote player
}

// sendDirect sends on the direct path only: what a relay forwards, and
// what goes to a relay, never takes a second hop.
func (l *link) sendDirect(sub byte, payload []byte) error {
	l.addrMu.Lock()
	to := l.addr
	l.addrMu.Unlock()
	if !to.IsValid() || !l.direct.Load() {
		return nil
	}
	return l.sendTo(sub, payload, to)
}

func (l *link) sendTo(sub byte, payload []byte, to netip.AddrPort) error {
	l.sendMu.Lock()
	defer l.sendMu.Unlock()
	plain := l.sealBuf[:0]
	plain = append(plain, sub)
	plain = append(plain, payload...)
	d, err := l.sealer.Seal(plain[len(plain):], plain)
	if err != nil {
		return err
	}
	l.sealBuf = plain[:0]
	l.bytesOut.Add(uint64(len(d)))
	l.dgramsOut.Add(1)
	if err := l.ep.writeTo(d, to); err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// lossWindow is how many datagrams each loss measurement spans.
const lossWindow = 200

// countLoss measures the share of the peer's datagrams that do not arrive:
// the sealing counter numbers every datagram, so a window's span of
// counters against the datagrams opened in it is the loss, smoothed over
// windows. Duplicates and replays never open, so they do not count.
func (l *link) countLoss() {
	h := l.opener.Highest()
	if l.rxCount == 0 && l.rxBase == 0 {
		l.rxBase = h - 1
	}
	l.rxCount++
	if l.rxCount < lossWindow {
		return
	}
	if span := h - l.rxBase; span >= l.rxCount {
		now := 1000 - l.rxCount*1000/span
		if old := uint64(l.lossIn.Load()); l.rxKnown {
			now = (3*old + now) / 4
		}
		l.lossIn.Store(uint32(now))
		l.rxKnown = true
	}
	l.rxCount, l.rxBase = 0, h
}

// sendDatagram sends one datagram of engine messages, sealed: into b when
// b is not nil and the link sends directly to an IPv4 address, for b's
// flush, else at once.
func (l *link) sendDatagram(b *sendBatch, payload []byte) {
	if b == nil || (l.relay.Load() != nil && !l.direct.Load()) {
		_ = l.send(subDatagram, payload) // lost like any datagram: the engine resends
		return
	}
	to := l.currentAddr()
	if !to.IsValid() {
		return
	}
	if !to.Addr().Unmap().Is4() {
		_ = l.sendTo(subDatagram, payload, to)
		return
	}
	l.sendMu.Lock()
	plain := append(l.sealBuf[:0], subDatagram)
	plain = append(plain, payload...)
	d, err := l.sealer.Seal(b.slot(), plain)
	l.sealBuf = plain[:0]
	l.sendMu.Unlock()
	if err != nil {
		return
	}
	b.add(d, to)
	l.bytesOut.Add(uint64(len(d)))
	l.dgramsOut.Add(1)
}

// receive opens a datagram the endpoint routed here, which came from from,
// or through the relay via when via is not nil; called on the endpoint's
// read goroutine only.
func (l *link) receive(d []byte, from netip.AddrPort, via *link) error {
	// Open into a buffer the link reuses: an engine datagram is decoded (and
	// its inputs copied) before the next one arrives; a KCP datagram, which
	// another goroutine reads, is copied out below.
	plain, err := l.opener.Open(l.openBuf[:0], d)
	if err != nil {
		return err
	}
	l.openBuf = plain[:0]
	if len(plain) == 0 {
		return seal.ErrMalformed
	}
	l.bytesIn.Add(uint64(len(d)))
	l.dgramsIn.Add(1)
	l.countLoss()
	l.lastHeard.Store(time.Now().UnixNano())
	if via == nil {
		// An authentic datagram proves where the peer is now: follow it,
		// as a roaming or rebinding NAT may move it.
		l.addrMu.Lock()
		l.addr = from
		l.addrMu.Unlock()
		l.direct.Store(true)
	} else {
		l.relayedIn.Add(1)
		if l.relay.Load() == nil && !l.direct.Load() {
			l.useRelay(via) // answer the way the peer came
		}
	}
	l.confirmed.Store(true)
	switch plain[0] {
	case subProbe:
		if via == nil {
			_ = l.sendTo(subProbeAck, nil, from)
		} else {
			_ = l.send(subProbeAck, nil) // the way it came: the relay
		}
	case subProbeAck:
	case subRelay:
		l.forward(plain[1:])
	case subRelayed:
		if via == nil {
			l.receiveRelayed(plain[1:])
		}
	case subDatagram:
		if l.onDatagram != nil {
			l.onDatagram(l, plain[1:])
		}
	case subKCP:
		l.input(plain[1:])
	}
	return nil
}

// input feeds one KCP datagram to KCP and delivers the messages it
// completes, in order; read goroutine only. KCP copies what it keeps.
func (l *link) input(d []byte) {
	l.kmu.Lock()
	select {
	case <-l.done:
		l.kmu.Unlock()
		return
	default:
	}
	now := l.nowMs()
	pushes := l.sampleRTT(d, now)
	if l.kcp.Input(d, true, l.ackNow) < 0 {
		l.kcpRejected.Add(1)
	}
	if pushes && !l.ackNow {
		l.ackDue = true
	}
	ok := l.drainLocked()
	l.armLocked(now)
	l.kmu.Unlock()
	if !ok {
		l.broken()
		return
	}
	l.deliver()
}

// drainLocked moves what KCP completed to rxStream. It reports false if
// the peer sent a message KCP cannot hand over.
func (l *link) drainLocked() bool {
	for {
		n := l.kcp.PeekSize()
		if n < 0 {
			return true
		}
		if n > len(l.rxSeg) {
			// Our peers send one segment per KCP message; a fragmented
			// one is read whole, up to KCP's own bound.
			if n > 255*kcp.IKCP_MTU_DEF {
				return false
			}
			l.rxSeg = make([]byte, n)
		}
		m := l.kcp.Recv(l.rxSeg)
		if m < 0 {
			return false
		}
		l.rxStream = append(l.rxStream, l.rxSeg[:m]...)
	}
}

// deliver hands every whole message in rxStream to onMessage: the stream
// is [length u16][message] repeated, cut into segments anywhere.
func (l *link) deliver() {
	b := l.rxStream
	for len(b) >= 2 {
		n := int(binary.BigEndian.Uint16(b))
		if len(b) < 2+n {
			break
		}
		m, err := wire.Decode(b[2 : 2+n])
		b = b[2+n:]
		if err != nil {
			// An authenticated peer sent something we cannot parse:
			// skip it, the stream framing is intact.
			l.ep.log.Warn("bad message from peer", "link", l.recvID, "addr", l.currentAddr(), "err", err)
			continue
		}
		l.onMessage(l, m)
	}
	l.rxStream = append(l.rxStream[:0], b...)
}

// sampleRTT measures the round trip from the acknowledgements in a KCP
// datagram, as KCP does (it keeps its own figure unexported): each echoes
// the timestamp of the segment it acknowledges; the datagram's last
// acknowledgement is one sample, smoothed by an eighth as in RFC 6298. It
// reports whether the datagram carries data, which KCP will acknowledge.
func (l *link) sampleRTT(p []byte, now uint32) (pushes bool) {
	var latest uint32
	acks := false
	for len(p) >= kcp.IKCP_OVERHEAD {
		cmd := p[4]
		ts := binary.LittleEndian.Uint32(p[8:])
		n := int(binary.LittleEndian.Uint32(p[20:]))
		switch cmd {
		case kcp.IKCP_CMD_ACK:
			latest, acks = ts, true
		case kcp.IKCP_CMD_PUSH:
			pushes = true
		}
		if n < 0 || kcp.IKCP_OVERHEAD+n > len(p) {
			break
		}
		p = p[kcp.IKCP_OVERHEAD+n:]
	}
	if !acks {
		return pushes
	}
	rtt := int32(now - latest)
	if rtt < 0 {
		return pushes
	}
	if old := l.srtt.Load(); old != 0 {
		rtt = max(1, old+(rtt-old)/8)
	}
	l.srtt.Store(max(1, rtt))
	return pushes
}

// probe sends a probe to every candidate address until a datagram comes
// directly; both sides do it at once, which opens NAT mappings. A relayed
// link keeps probing, so that it turns direct when a path opens.
func (l *link) probe() {
	if l.direct.Load() {
		return
	}
	if p := l.relay.Load(); p != nil && !l.confirmed.Load() {
		_ = l.sendRelayed(p, subProbe, nil) // can you hear me through the relay?
	}
	l.addrMu.Lock()
	cands := append([]netip.AddrPort(nil), l.candidates...)
	if l.addr.IsValid() {
		cands = append(cands, l.addr)
	}
	l.addrMu.Unlock()
	for _, c := range cands {
		_ = l.sendTo(subProbe, nil, c)
	}
}

// currentAddr returns where l sends.
func (l *link) currentAddr() netip.AddrPort {
	l.addrMu.Lock()
	defer l.addrMu.Unlock()
	return l.addr
}

func (l *link) setCandidates(c []netip.AddrPort) {
	l.addrMu.Lock()
	l.candidates = append(l.candidates[:0], c...)
	l.addrMu.Unlock()
}

// write hands one message to KCP and lets it send what it may now, without
// blocking on the peer. It reports false when the link is broken or closed.
func (l *link) write(m wire.Message) bool {
	l.kmu.Lock()
	b, err := wire.Append(append(l.txBuf[:0], 0, 0), m)
	if err != nil || len(b)-2 > 0xffff {
		l.kmu.Unlock()
		return false
	}
	l.txBuf = b[:0]
	binary.BigEndian.PutUint16(b, uint16(len(b)-2))
	return l.sendFrameLocked(b)
}

// sendFrameLocked hands KCP one framed message, [length u16][message], and
// unlocks kmu.
func (l *link) sendFrameLocked(b []byte) bool {
	select {
	case <-l.done:
		l.kmu.Unlock()
		return false
	default:
	}
	if l.kcp.WaitSnd()+(len(b)+l.mss-1)/l.mss > l.limit {
		l.kmu.Unlock()
		l.broken()
		return false
	}
	// One segment per KCP message, so that a message of any size fits
	// the receive window: the stream's framing finds the messages again.
	for len(b) > 0 {
		n := min(len(b), l.mss)
		l.kcp.Send(b[:n])
		b = b[n:]
	}
	l.updateLocked()
	l.kmu.Unlock()
	return true
}

// queued is how many KCP segments wait to be sent or acknowledged.
func (l *link) queued() int {
	l.kmu.Lock()
	defer l.kmu.Unlock()
	return l.kcp.WaitSnd()
}

// broken reports the link as unusable once, unless it was closed on purpose.
func (l *link) broken() {
	select {
	case <-l.done:
		return
	default:
	}
	if l.onBroken != nil {
		go l.onBroken(l)
	}
}

// close stops the link's goroutine and its KCP.
func (l *link) close() {
	l.closeOnce.Do(func() {
		l.kmu.Lock()
		close(l.done)
		l.kmu.Unlock()
		l.ep.removeLink(l)
	})
	l.wg.Wait()
}

// flushOut lets KCP put what it holds on the wire now, before a polite
// close; retransmissions keep running on the link's timer until close.
func (l *link) flushOut() {
	l.kmu.Lock()
	l.updateLocked()
	l.kmu.Unlock()
}

// countSegments reads the KCP headers of an outgoing datagram to count
// pushes and retransmissions (kcp-go keeps those counters global only);
// called with kmu held.
func (l *link) countSegments(p []byte) {
	for len(p) >= kcp.IKCP_OVERHEAD {
		cmd := p[4]
		sn := int64(binary.LittleEndian.Uint32(p[12:]))
		n := int(binary.LittleEndian.Uint32(p[20:]))
		if cmd == kcp.IKCP_CMD_PUSH {
			l.pushes.Add(1)
			if sn <= l.maxSN.Load() {
				l.retransmits.Add(1)
			} else {
				l.maxSN.Store(sn)
			}
		}
		if n < 0 || kcp.IKCP_OVERHEAD+n > len(p) {
			return
		}
		p = p[kcp.IKCP_OVERHEAD+n:]
	}
}

// relayRate bounds the datagrams a second a player may have this peer
// forward: a match's links need about 130 each, a few links at once.
const relayRate = 1000

// forward passes on a datagram the remote player asked this peer to relay:
// b is [the target's link ID at this peer][a sealed datagram for the
// target]. Only to a player this peer reaches directly, and within the
// sender's budget.
func (l *link) forward(b []byte) {
	if len(b) < 4+seal.LinkOverhead || !l.direct.Load() || !l.fwdBudget.take(time.Since(l.born)) {
		l.ep.dropped.Add(1)
		return
	}
	t := l.ep.link(binary.BigEndian.Uint32(b))
	if t == nil || t == l || !t.direct.Load() {
		l.ep.dropped.Add(1)
		return
	}
	if err := t.sendDirect(subRelayed, b[4:]); err == nil {
		l.forwarded.Add(1)
		l.ep.relayed.Add(uint64(len(b) - 4))
	}
}

// receiveRelayed takes a datagram the remote player forwarded for another
// player: it opens, or not, with that player's link keys.
func (l *link) receiveRelayed(d []byte) {
	kind, id, ok := seal.Peek(d)
	if !ok || kind != seal.KindLink {
		l.ep.dropped.Add(1)
		return
	}
	src := l.ep.link(id)
	if src == nil || src == l {
		l.ep.dropped.Add(1)
		return
	}
	// The datagram is copied: the buffer it sits in is this link's.
	inner := append([]byte(nil), d...)
	if err := src.receive(inner, netip.AddrPort{}, l); err != nil {
		if errors.Is(err, seal.ErrReplay) {
			l.ep.droppedReplay.Add(1)
		} else {
			l.ep.dropped.Add(1)
		}
	}
}

// useRelay sends this link's datagrams through r while there is no direct
// path.
func (l *link) useRelay(r *link) {
	if r == nil || r == l {
		return
	}
	if old := l.relay.Load(); old != nil && old.via == r {
		return
	}
	// At the relay, the link to this link's player is found by the ID
	// that player's datagrams arrive with there.
	l.relay.Store(&relayPath{via: r, id: seal.LinkID(l.pub, r.pub)})
	l.relaySince.Store(time.Now().UnixNano())
}

// dropRelay stops using the relay r, if it is this link's.
func (l *link) dropRelay(r *link) {
	if p := l.relay.Load(); p != nil && p.via == r {
		l.relay.CompareAndSwap(p, nil)
	}
}

// via reports the relay of a link without a direct path, or nil.
func (l *link) via() *link {
	if l.direct.Load() {
		return nil
	}
	if p := l.relay.Load(); p != nil {
		return p.via
	}
	return nil
}

// tokenBucket is a rate limit with a burst, full at first; not safe for
// concurrent use. now is any monotonic clock that only grows.
type tokenBucket struct {
	rate, burst float64
	tokens      float64
	last        time.Duration
	started     bool
}

// take spends a token if there is one at now.
func (b *tokenBucket) take(now time.Duration) bool {
	if !b.started {
		b.tokens, b.started = b.burst, true
	} else {
		b.tokens = min(b.burst, b.tokens+b.rate*(now-b.last).Seconds())
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

func (l *link) rtt() time.Duration {
	return time.Duration(l.srtt.Load()) * time.Millisecond
}
