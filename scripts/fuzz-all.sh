#!/usr/bin/env bash
# Runs every fuzz target of the module for a short, fixed budget each
# (default 100000 inputs; `make fuzz` passes FUZZTIME). A count, not a
# duration: with a duration, Go 1.26's fuzz coordinator can report a bare
# "context deadline exceeded" failure when the time runs out while a worker
# is mid-input (go.dev/issue/75804, fixed in Go 1.27); a count has no
# deadline to race. Each target's committed seed
# corpus (testdata/fuzz/<Target>/) also runs as a plain test in `go test`.
# A failing input is written under the package's testdata/fuzz/ by go test:
# commit it with the fix, as a regression seed.
#
# The demo game and the examples are left out (the demo's Ebiten packages
# need a display to build their tests), except the demo's pure simulation,
# whose state decoder is fuzzed too, its display check (nodisplay: the
# $DISPLAY parser) and its options file decoder (prefs), which link no
# Ebiten either.
set -euo pipefail
t=${1:-100000x}
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT

n=0
start=$SECONDS
while read -r pkg dir; do
	case "$pkg" in */demo-game/sim | */demo-game/internal/nodisplay | */demo-game/internal/prefs) ;; */demo-game* | */examples*) continue ;; esac
	targets=$(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u || true)
	for f in $targets; do
		echo "fuzz: $pkg $f ($t)"
		if ! go test -run '^$' -fuzz "^$f\$" -fuzztime "$t" "$pkg" >"$log" 2>&1; then
			cat "$log"
			echo "fuzz: $pkg $f FAILED" >&2
			exit 1
		fi
		n=$((n + 1))
	done
done < <(go list -f '{{.ImportPath}} {{.Dir}}' ./...)

if [ "$n" -eq 0 ]; then
	echo "fuzz: no fuzz target found" >&2
	exit 1
fi
echo "fuzz: all $n targets ran clean in $((SECONDS - start))s"
