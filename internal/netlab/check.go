package netlab

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// tools are the programs the lab runs, with the Debian package that has
// each (scripts/install-deps.sh installs them).
var tools = []struct{ bin, pkg string }{
	{"ip", "iproute2"},
	{"iptables-restore", "iptables"},
	{"iptables-save", "iptables"},
	{"nft", "nftables"},
	{"sysctl", "procps"},
	{"sh", "dash"},
	{"turnserver", "coturn"},
	{"miniupnpd", "miniupnpd and miniupnpd-nftables"},
}

// Check says whether this machine can run the lab: nil if it can, or an
// error wrapping ErrUnavailable that names everything missing (root, and
// each program with the Debian package that has it).
func Check() error {
	return check(runtime.GOOS, os.Geteuid(), exec.LookPath, miniupnpdVersion)
}

// miniupnpdVersion is what `miniupnpd --version` prints.
func miniupnpdVersion() string {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	out, _ := exec.CommandContext(ctx, "miniupnpd", "--version").CombinedOutput()
	return string(out)
}

// check is Check with the machine's answers handed in.
func check(goos string, euid int, lookPath func(string) (string, error), miniupnpdVersion func() string) error {
	if goos != "linux" {
		return fmt.Errorf("%w: it needs Linux network namespaces, and this is %s", ErrUnavailable, goos)
	}
	var missing []string
	if euid != 0 {
		missing = append(missing, "root (network namespaces need it: run `sudo make lab`)")
	}
	var pkgs []string
	haveMiniupnpd := false
	for _, tool := range tools {
		if _, err := lookPath(tool.bin); err != nil {
			missing = append(missing, fmt.Sprintf("%s (Debian package %s)", tool.bin, tool.pkg))
			pkgs = append(pkgs, tool.pkg)
		} else if tool.bin == "miniupnpd" {
			haveMiniupnpd = true
		}
	}
	if haveMiniupnpd && !strings.Contains(miniupnpdVersion(), "nftables") {
		missing = append(missing, "the nftables build of miniupnpd (Debian package miniupnpd-nftables; the lab's routers keep their rules in nftables)")
	}
	if len(missing) == 0 {
		return nil
	}
	msg := "missing " + strings.Join(missing, ", ")
	if len(pkgs) > 0 {
		msg += "; scripts/install-deps.sh installs them"
	}
	return fmt.Errorf("%w: %s", ErrUnavailable, msg)
}
