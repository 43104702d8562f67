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
# Each step runs even when one before it failed, so that one run reports them
# all; the last line names the steps that failed, and make test then fails.
TEST_STEPS := vet unit fuzz

test: deps
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

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./lockstep/... ./netcode/...
