package netsim

import (
	"flag"
	"io"
	"math"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		cfg     Config
		wantErr string // "" if valid
	}{
		{"zero", Config{}, ""},
		{"typical", Config{Latency: 40 * time.Millisecond, Jitter: 5 * time.Millisecond, Loss: 0.02}, ""},
		{"jitter above latency", Config{Latency: time.Millisecond, Jitter: time.Second}, ""},
		{"extremes", Config{Loss: 1, Duplicate: 1, Reorder: 1, ReorderDelay: time.Hour, Bandwidth: 1, QueueLimit: 1}, ""},
		{"negative latency", Config{Latency: -1}, "latency"},
		{"negative jitter", Config{Jitter: -time.Millisecond}, "jitter"},
		{"negative reorder delay", Config{ReorderDelay: -1}, "reorder delay"},
		{"loss above 1", Config{Loss: 1.5}, "loss probability"},
		{"negative loss", Config{Loss: -0.01}, "loss probability"},
		{"negative dup", Config{Duplicate: -0.1}, "duplicate probability"},
		{"dup above 1", Config{Duplicate: 2}, "duplicate probability"},
		{"NaN reorder", Config{Reorder: math.NaN()}, "reorder probability"},
		{"infinite loss", Config{Loss: math.Inf(1)}, "loss probability"},
		{"negative bandwidth", Config{Bandwidth: -1}, "bandwidth"},
		{"negative queue", Config{Bandwidth: 1000, QueueLimit: -1}, "queue limit"},
		{"inbound", Config{Inbound: Impairment{Latency: time.Second, Loss: 1, Bandwidth: 1}}, ""},
		{"both ways", Config{Latency: time.Second, BothWays: true}, ""},
		{"negative inbound latency", Config{Inbound: Impairment{Latency: -1}}, "inbound latency"},
		{"inbound loss above 1", Config{Inbound: Impairment{Loss: 1.5}}, "inbound loss probability"},
		{"negative inbound bandwidth", Config{Inbound: Impairment{Bandwidth: -1}}, "inbound bandwidth"},
		{"both ways and inbound", Config{BothWays: true, Inbound: Impairment{QueueLimit: 1}}, "BothWays"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Validate() = %v, want nil", err)
			case tt.wantErr != "" && err == nil:
				t.Fatalf("Validate() = nil, want an error about %s", tt.wantErr)
			case tt.wantErr != "" && !strings.Contains(err.Error(), tt.wantErr):
				t.Fatalf("Validate() = %q, want it to mention %q", err, tt.wantErr)
			}
		})
	}
}

func TestEnabled(t *testing.T) {
	tests := []struct {
		cfg  Config
		want bool
	}{
		{Config{}, false},
		{Config{Seed: 7, ReorderDelay: time.Second, QueueLimit: 100}, false},
		{Config{Latency: 1}, true},
		{Config{Jitter: 1}, true},
		{Config{Loss: 0.1}, true},
		{Config{Duplicate: 0.1}, true},
		{Config{Reorder: 0.1}, true},
		{Config{Bandwidth: 1}, true},
		{Config{Inbound: Impairment{Loss: 0.1}}, true},
		{Config{Inbound: Impairment{ReorderDelay: time.Second, QueueLimit: 100}}, false},
		{Config{BothWays: true}, false},
		{Config{BothWays: true, Jitter: 1}, true},
	}
	for _, tt := range tests {
		if got := tt.cfg.Enabled(); got != tt.want {
			t.Errorf("%+v.Enabled() = %v, want %v", tt.cfg, got, tt.want)
		}
	}
}

func TestString(t *testing.T) {
	tests := []struct {
		cfg  Config
		want string
	}{
		{Config{}, "clean"},
		{Config{Seed: 3}, "clean"},
		{Config{Latency: 40 * time.Millisecond}, "40ms"},
		{Config{Latency: 40 * time.Millisecond, Jitter: 5 * time.Millisecond, Loss: 0.02}, "40ms±5ms loss 2%"},
		{Config{Jitter: 5 * time.Millisecond}, "0s±5ms"},
		{Config{Loss: 0.07}, "loss 7%"},
		{Config{Loss: 0.125}, "loss 12.5%"},
		{Config{Loss: 1.0 / 3}, "loss 33.3%"},
		{Config{Duplicate: 0.01, Reorder: 0.05}, "dup 1% reorder 5%"},
		{Config{Reorder: 0.5, ReorderDelay: 30 * time.Millisecond}, "reorder 50% +30ms"},
		{Config{Bandwidth: 500}, "500B/s"},
		{Config{Bandwidth: 10_000, QueueLimit: 6000}, "10kB/s queue 6kB"},
		{Config{Bandwidth: 1_500_000}, "1.5MB/s"},
		{
			Config{Latency: 80 * time.Millisecond, Jitter: 15 * time.Millisecond, Loss: 0.1, Duplicate: 0.02, Reorder: 0.03, Bandwidth: 64_000},
			"80ms±15ms loss 10% dup 2% reorder 3% 64kB/s",
		},
		{Config{Latency: 40 * time.Millisecond, Loss: 0.02, BothWays: true}, "40ms loss 2% both ways"},
		{Config{BothWays: true}, "clean"},
		{Config{Latency: 20 * time.Millisecond, Inbound: Impairment{Latency: 80 * time.Millisecond, Loss: 0.05}}, "20ms; in 80ms loss 5%"},
		{Config{Inbound: Impairment{Bandwidth: 2000}}, "clean; in 2kB/s"},
		{Config{Inbound: Impairment{QueueLimit: 2000}}, "clean"},
	}
	for _, tt := range tests {
		if got := tt.cfg.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.cfg, got, tt.want)
		}
	}
}

func TestRegisterFlags(t *testing.T) {
	tests := []struct {
		name    string
		prefix  string
		start   Config
		args    []string
		want    Config
		wantErr bool
	}{
		{name: "none", args: nil, want: Config{}},
		{
			name: "all", prefix: "",
			args: []string{"-latency", "40ms", "-jitter", "5ms", "-loss", "0.02", "-dup", "0.01",
				"-reorder", "0.05", "-reorder-delay", "30ms", "-bandwidth", "10000", "-queue-limit", "4000", "-seed", "9"},
			want: Config{Latency: 40 * time.Millisecond, Jitter: 5 * time.Millisecond, Loss: 0.02, Duplicate: 0.01,
				Reorder: 0.05, ReorderDelay: 30 * time.Millisecond, Bandwidth: 10000, QueueLimit: 4000, Seed: 9},
		},
		{
			name: "prefixed", prefix: "net-",
			args: []string{"-net-latency=40ms", "--net-loss", "0.5", "-net-seed", "18446744073709551615"},
			want: Config{Latency: 40 * time.Millisecond, Loss: 0.5, Seed: math.MaxUint64},
		},
		{
			name: "current values are defaults", prefix: "net-",
			start: Config{Latency: time.Second, Loss: 0.1},
			args:  []string{"-net-loss", "0.2"},
			want:  Config{Latency: time.Second, Loss: 0.2},
		},
		{
			name: "inbound", prefix: "net-",
			args: []string{"-net-in-latency", "80ms", "-net-in-jitter", "10ms", "-net-in-loss", "0.05", "-net-in-dup", "0.01",
				"-net-in-reorder", "0.02", "-net-in-reorder-delay", "20ms", "-net-in-bandwidth", "5000", "-net-in-queue-limit", "3000"},
			want: Config{Inbound: Impairment{Latency: 80 * time.Millisecond, Jitter: 10 * time.Millisecond, Loss: 0.05, Duplicate: 0.01,
				Reorder: 0.02, ReorderDelay: 20 * time.Millisecond, Bandwidth: 5000, QueueLimit: 3000}},
		},
		{name: "both ways", args: []string{"-latency", "30ms", "-both-ways"}, want: Config{Latency: 30 * time.Millisecond, BothWays: true}},
		{
			name: "inbound defaults", start: Config{Inbound: Impairment{Latency: time.Second}},
			args: []string{"-in-loss", "0.1"},
			want: Config{Inbound: Impairment{Latency: time.Second, Loss: 0.1}},
		},
		{name: "unprefixed name with prefix", prefix: "net-", args: []string{"-latency", "1ms"}, wantErr: true},
		{name: "bad duration", args: []string{"-latency", "40"}, wantErr: true},
		{name: "bad probability", args: []string{"-loss", "lots"}, wantErr: true},
		{name: "bad seed", args: []string{"-seed", "-1"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.start
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			c.RegisterFlags(fs, tt.prefix)
			err := fs.Parse(tt.args)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Parse(%q) succeeded, giving %+v", tt.args, c)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.args, err)
			}
			if c != tt.want {
				t.Fatalf("Parse(%q) gave %+v, want %+v", tt.args, c, tt.want)
			}
		})
	}
}

func TestRegisterFlagsNames(t *testing.T) {
	var c Config
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	c.RegisterFlags(fs, "net-")
	var names []string
	fs.VisitAll(func(f *flag.Flag) {
		names = append(names, f.Name)
		if f.Usage == "" {
			t.Errorf("flag %s has no usage", f.Name)
		}
	})
	want := "net-bandwidth net-both-ways net-dup " +
		"net-in-bandwidth net-in-dup net-in-jitter net-in-latency net-in-loss net-in-queue-limit net-in-reorder net-in-reorder-delay " +
		"net-jitter net-latency net-loss net-queue-limit net-reorder net-reorder-delay net-seed"
	if got := strings.Join(names, " "); got != want {
		t.Fatalf("flags %s, want %s", got, want)
	}
}

func TestDefaults(t *testing.T) {
	c := Impairment{Latency: 40 * time.Millisecond}
	if got := c.reorderDelay(); got != 30*time.Millisecond {
		t.Errorf("default reorder delay at 40ms latency = %v, want 30ms", got)
	}
	c.ReorderDelay = time.Millisecond
	if got := c.reorderDelay(); got != time.Millisecond {
		t.Errorf("reorder delay = %v, want the configured 1ms", got)
	}
	for _, tt := range []struct{ bw, limit, want int }{
		{10_000, 0, 5000}, {1000, 0, 1500}, {10_000, 700, 700},
	} {
		c := Impairment{Bandwidth: tt.bw, QueueLimit: tt.limit}
		if got := c.queueLimit(); got != tt.want {
			t.Errorf("queue limit of %+v = %d, want %d", c, got, tt.want)
		}
	}
}

// CheckFlags names the flag and says what it takes, in one line.
func TestCheckFlags(t *testing.T) {
	tests := []struct {
		args []string
		want string // "" if the flags are fine
	}{
		{nil, ""},
		{[]string{"-latency", "40ms", "-jitter", "5ms", "-loss", "0.02", "-dup", "0.01", "-reorder", "0.1", "-reorder-delay", "20ms",
			"-bandwidth", "64000", "-queue-limit", "32000", "-seed", "3"}, ""},
		{[]string{"-latency", "10s", "-jitter", "10s"}, ""},
		{[]string{"-latency", "40ms", "-both-ways"}, ""},
		{[]string{"-latency", "40ms", "-in-latency", "80ms", "-in-jitter", "80ms", "-in-loss", "0.5"}, ""},
		{[]string{"-latency", "100h"}, "-latency 100h: at most 10s"},
		{[]string{"-latency", "10m"}, "-latency 10m: at most 10s"},
		{[]string{"-latency", "-1ms"}, "-latency -1ms: must not be negative"},
		{[]string{"-latency", "1ms", "-jitter", "10s"}, "-jitter 10s: at most the latency (-latency 1ms): the delay varies by up to the jitter either way of the latency"},
		{[]string{"-jitter", "5ms"}, "-jitter 5ms: at most the latency (-latency 0s)"},
		{[]string{"-loss", "2"}, "-loss 2: want a probability of at least 0 and below 1"},
		{[]string{"-loss", "1"}, "-loss 1: want a probability"},
		{[]string{"-loss", "-0.1"}, "-loss -0.1: want a probability"},
		{[]string{"-loss", "NaN"}, "-loss NaN: want a probability"},
		{[]string{"-dup", "1"}, "-dup 1: want a probability"},
		{[]string{"-reorder", "3"}, "-reorder 3: want a probability"},
		{[]string{"-reorder-delay", "20ms"}, "-reorder-delay 20ms: has no effect without -reorder"},
		{[]string{"-reorder", "0.1", "-reorder-delay", "1h"}, "-reorder-delay 1h: at most 10s"},
		{[]string{"-bandwidth", "10"}, "-bandwidth 10: 0 (unlimited) or at least 1000 bytes per second"},
		{[]string{"-bandwidth", "-5"}, "-bandwidth -5: 0 (unlimited) or at least 1000"},
		{[]string{"-bandwidth", "5000", "-queue-limit", "100"}, "-queue-limit 100: 0 (the default) or at least 1500 bytes"},
		{[]string{"-queue-limit", "5000"}, "-queue-limit 5000: has no effect without -bandwidth"},
		{[]string{"-in-latency", "11s"}, "-in-latency 11s: at most 10s"},
		{[]string{"-in-latency", "10ms", "-in-jitter", "20ms"}, "-in-jitter 20ms: at most the latency (-in-latency 10ms)"},
		{[]string{"-in-loss", "1.5"}, "-in-loss 1.5: want a probability"},
		{[]string{"-in-queue-limit", "3000"}, "-in-queue-limit 3000: has no effect without -in-bandwidth"},
		{[]string{"-latency", "40ms", "-both-ways", "-in-loss", "0.1"}, "-both-ways: impairs what is received as what is sent; drop it or the -in- flags"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var c Config
			fs := flag.NewFlagSet("test", flag.ContinueOnError)
			fs.SetOutput(io.Discard)
			c.RegisterFlags(fs, "")
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			err := c.CheckFlags("")
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("CheckFlags() = %v, want nil", err)
			case tt.want != "" && err == nil:
				t.Fatalf("CheckFlags() = nil, want %q", tt.want)
			case tt.want != "" && !strings.HasPrefix(err.Error(), tt.want):
				t.Fatalf("CheckFlags() = %q, want %q", err, tt.want)
			}
			if err != nil && strings.Contains(err.Error(), "\n") {
				t.Errorf("CheckFlags() = %q: more than one line", err)
			}
			if err == nil {
				if verr := c.Validate(); verr != nil {
					t.Errorf("CheckFlags accepts what Validate refuses: %v", verr)
				}
			}
		})
	}
	// The prefix goes in front of every name.
	c := Config{Inbound: Impairment{Loss: 1}}
	if err := c.CheckFlags("net-"); err == nil || !strings.HasPrefix(err.Error(), "-net-in-loss 1:") {
		t.Errorf("CheckFlags(\"net-\") = %v, want it to name -net-in-loss", err)
	}
}

func TestFlagDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{
		100 * time.Hour: "100h", 10 * time.Minute: "10m", 10 * time.Second: "10s", 0: "0s",
		time.Hour + 5*time.Second: "1h0m5s", 90 * time.Minute: "1h30m", 1500 * time.Microsecond: "1.5ms", -time.Millisecond: "-1ms",
	} {
		if got := flagDuration(d); got != want {
			t.Errorf("flagDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
