# peerstep: the two commands that matter are `make demo` and `make test`.
GO ?= go
FUZZTIME ?= 100000x

.PHONY: deps demo test vet unit fuzz lab bench

deps:
	@./scripts/install-deps.sh

# Start the demo game (opens a window).
demo: deps
	$(GO) run ./demo-game

# Everything CI checks: formatting, vet, the race-enabled test suite (under
# Xvfb, since the Ebiten tests need a display), and a short run of every fuzz target.
# Each step runs even when one before it failed, so that one run reports them
# all; the last line names the steps that failed, and make test then fails.
# As root (CI is) the lab's tests run too: they build networks of Linux
# namespaces, which needs root.
TEST_STEPS := vet unit fuzz
ifeq ($(shell id -u),0)
TEST_STEPS += lab
endif

test: deps
	@if [ "$$(id -u)" != 0 ]; then echo "make test: the lab step (tests in network namespaces) is left out: not root; sudo make lab runs it"; fi
	@failed=""; \
	for step in $(TEST_STEPS); do \
		echo "make test: step $$step"; \
		if $(MAKE) --no-print-directory $$step; then \
			echo "make test: step $$step passed"; \
		else \
			echo "make test: step $$step FAILED"; failed="$$failed $$step"; \
		fi; \
	done; \
	if [ -n "$$failed" ]; then \
		echo "make test: FAILED:$$failed (of $(TEST_STEPS))"; exit 1; \
	fi; \
	echo "make test: every step passed ($(TEST_STEPS))"

vet:
	@# Not tee /dev/stderr: when stderr is a file, that reopens it and truncates it.
	@unformatted=$$(gofmt -l .); test -z "$$unformatted" || { echo "$$unformatted"; echo "gofmt: the files above need formatting"; exit 1; }
	$(GO) vet ./...

unit:
	# -p 1: one package at a time, so that timing-heavy tests (process faults,
	# the demo end to end) do not compete with each other for the two cores.
	xvfb-run -a -s "-screen 0 1280x800x24" $(GO) test -race -count=1 -p 1 -timeout 20m ./...

fuzz:
	@./scripts/fuzz-all.sh $(FUZZTIME)

# The tests built with the netlab tag: real networks in Linux network
# namespaces (internal/netlab), with home routers, NAT, miniupnpd and a STUN
# server. Root only. LAB_PKGS is every package with such a test file.
LAB_PKGS = $(sort $(dir $(shell grep -rlE --include='*_test.go' '^//go:build .*netlab' .)))

lab:
	@test "$$(id -u)" = 0 || { echo "make lab: the lab needs root (network namespaces): sudo make lab"; exit 1; }
	$(GO) vet -tags netlab ./...
	$(GO) test -race -count=1 -p 1 -timeout 20m -tags netlab $(LAB_PKGS)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./lockstep/... ./netcode/...
