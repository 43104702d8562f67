package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/peerstep/peerstep/netcode"
)

// parseKCP reads a tuning such as
// "nodelay=1,interval=10,resend=2,nc=1,wnd=128" on top of base: the
// keys not given keep base's value. Keys:
//
//	nodelay=0|1        KCP no-delay mode
//	interval=MS        KCP update interval in milliseconds
//	resend=N           fast resend after N later acks (0: off)
//	nc=0|1             1 turns the congestion window off
//	wnd=N or wnd=S/R   send and receive windows, in segments
//	mtu=N              largest KCP datagram before sealing
//	acknodelay=0|1     acknowledge each segment at once
func parseKCP(spec string, base netcode.KCPTuning) (netcode.KCPTuning, error) {
	t := base
	spec = strings.TrimSpace(spec)
	if spec == "" || spec == "default" {
		return t, nil
	}
	for _, kv := range strings.Split(spec, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok {
			return t, fmt.Errorf("-kcp: %q is not key=value", kv)
		}
		k, v = strings.ToLower(strings.TrimSpace(k)), strings.TrimSpace(v)
		num := func() (int, error) {
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				return 0, fmt.Errorf("-kcp: %s=%q is not a non-negative integer", k, v)
			}
			return n, nil
		}
		pair := func() (int, int, error) {
			a, b, ok := strings.Cut(v, "/")
			if !ok {
				b = a
			}
			x, err1 := strconv.Atoi(a)
			y, err2 := strconv.Atoi(b)
			if err1 != nil || err2 != nil || x < 0 || y < 0 {
				return 0, 0, fmt.Errorf("-kcp: %s=%q is not N or N/M", k, v)
			}
			return x, y, nil
		}
		var err error
		var n int
		switch k {
		case "nodelay":
			n, err = num()
			t.NormalMode = n == 0
		case "interval":
			n, err = num()
			t.Interval = time.Duration(n) * time.Millisecond
		case "resend":
			if t.FastResend, err = num(); t.FastResend == 0 {
				t.FastResend = -1 // off
			}
		case "nc":
			n, err = num()
			t.Congestion = n == 0
		case "wnd":
			t.SendWindow, t.ReceiveWindow, err = pair()
		case "mtu":
			t.MTU, err = num()
		case "acknodelay", "ack":
			n, err = num()
			t.AckNoDelay = n != 0
		default:
			return t, fmt.Errorf("-kcp: unknown key %q (nodelay, interval, resend, nc, wnd, mtu, acknodelay)", k)
		}
		if err != nil {
			return t, err
		}
	}
	return t, checkKCP(t)
}

// checkKCP applies netcode's bounds of a KCPTuning (netcode's
// KCPTuning.validate) before the run, so that a bad -kcp is refused on the
// command line rather than by the first session.
func checkKCP(t netcode.KCPTuning) error {
	switch {
	case t.Interval < time.Millisecond || t.Interval > time.Second:
		return fmt.Errorf("-kcp: interval=%d: 1 to 1000 ms", t.Interval/time.Millisecond)
	case t.SendWindow < 1 || t.ReceiveWindow < 1 || t.SendWindow > 4096 || t.ReceiveWindow > 4096:
		return fmt.Errorf("-kcp: wnd=%d/%d: 1 to 4096 segments each", t.SendWindow, t.ReceiveWindow)
	case t.MTU < 200 || t.MTU > 1400:
		return fmt.Errorf("-kcp: mtu=%d: 200 to 1400 bytes", t.MTU)
	}
	return nil
}

// formatKCP writes t in the form parseKCP reads.
func formatKCP(t netcode.KCPTuning) string {
	b2i := func(b bool) int {
		if b {
			return 1
		}
		return 0
	}
	wnd := strconv.Itoa(t.SendWindow)
	if t.ReceiveWindow != t.SendWindow {
		wnd += "/" + strconv.Itoa(t.ReceiveWindow)
	}
	return fmt.Sprintf("nodelay=%d,interval=%d,resend=%d,nc=%d,wnd=%s,mtu=%d,acknodelay=%d",
		b2i(!t.NormalMode), t.Interval/time.Millisecond, max(t.FastResend, 0), b2i(!t.Congestion), wnd, t.MTU,
		b2i(t.AckNoDelay))
}
