package main

import (
	"bufio"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// histogram counts latency samples in fixed buckets, so that a run of any
// length (a soak) measures in constant memory.
type histogram struct {
	counts []uint32
	over   uint64 // samples beyond the last bucket
	n      uint64
	sum    time.Duration
	max    time.Duration
}

const (
	histBucket = 100 * time.Microsecond
	histRange  = 5 * time.Second
)

func newHistogram() *histogram {
	return &histogram{counts: make([]uint32, histRange/histBucket)}
}

func (h *histogram) add(d time.Duration) {
	if d < 0 {
		d = 0
	}
	h.n++
	h.sum += d
	h.max = max(h.max, d)
	if i := int(d / histBucket); i < len(h.counts) {
		h.counts[i]++
	} else {
		h.over++
	}
}

func (h *histogram) merge(o *histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.over += o.over
	h.n += o.n
	h.sum += o.sum
	h.max = max(h.max, o.max)
}

// quantile returns the q-quantile (0..1) as the upper edge of the bucket
// holding it: at most 0.1 ms above the exact figure.
func (h *histogram) quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := uint64(q*float64(h.n-1)) + 1
	var seen uint64
	for i, c := range h.counts {
		seen += uint64(c)
		if seen >= rank {
			return time.Duration(i+1) * histBucket
		}
	}
	return h.max
}

func (h *histogram) mean() time.Duration {
	if h.n == 0 {
		return 0
	}
	return h.sum / time.Duration(h.n)
}

// cpuTime returns the process's user plus system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// vmRSS returns the resident set size from /proc/self/status in KiB, or 0
// where that file does not exist.
func vmRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			fields := strings.Fields(rest)
			if len(fields) > 0 {
				n, _ := strconv.ParseInt(fields[0], 10, 64)
				return n
			}
		}
	}
	return 0
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// round keeps n decimals.
func round(x float64, n int) float64 {
	p := 1.0
	for range n {
		p *= 10
	}
	if x >= 0 {
		return float64(int64(x*p+0.5)) / p
	}
	return float64(int64(x*p-0.5)) / p
}
