# peerstep: the two commands that matter are `make demo` and `make test`.
GO ?= go
FUZZTIME ?= 100000x

.PHONY: deps demo test vet unit fuzz bench

deps:
	@./scripts/install-deps.sh

# Start the demo game (opens a window).
demo: deps
	$(GO) run ./demo-game

# Everything CI checks: formatting, vet, the race-enabled test suite (under
# Xvfb, since the Ebiten tests need a display), and a short run of every fuzz target.
test: deps vet unit fuzz

vet:
	@test -z "$$(gofmt -l . | tee /dev/stderr)" || { echo "gofmt: the files above need formatting"; exit 1; }
	$(GO) vet ./...

unit:
	# -p 1: one package at a time, so that timing-heavy tests (process faults,
	# the demo end to end) do not compete with each other for the two cores.
	xvfb-run -a -s "-screen 0 1280x800x24" $(GO) test -race -count=1 -p 1 -timeout 20m ./...

fuzz:
	@./scripts/fuzz-all.sh $(FUZZTIME)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./lockstep/... ./netcode/...
