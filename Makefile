# make test is the one test command: formatting, vet, staticcheck, the race
# tests of every module, every benchmark once (so none rots) and every fuzz
# target for a few seconds. CI runs it on a clean clone (.ci/run).

# The root module is the stdlib-only library; bench/ and examples/ are nested
# modules that carry the third-party dependencies.
MODULES     := . bench examples
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME    ?= 5s
GO          ?= go

.PHONY: test fmt vet staticcheck unit bench-smoke fuzz bench node-test

test: fmt vet staticcheck unit bench-smoke fuzz node-test

fmt:
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	@set -e; for m in $(MODULES); do echo "== go vet ($$m)"; (cd $$m && $(GO) vet ./...); done

staticcheck:
	@set -e; for m in $(MODULES); do echo "== staticcheck ($$m)"; (cd $$m && $(GO) run $(STATICCHECK) ./...); done

unit:
	@set -e; for m in $(MODULES); do echo "== go test -race ($$m)"; (cd $$m && $(GO) test -race -count=1 ./...); done

bench-smoke:
	@set -e; for m in $(MODULES); do echo "== benchmarks once ($$m)"; (cd $$m && $(GO) test -run '^$$' -bench . -benchtime 1x ./...); done

# Every Fuzz target of every package, found with go test -list.
fuzz:
	@set -e; for m in $(MODULES); do (cd $$m && for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' || true); do \
			echo "== fuzz $$target in $$pkg ($(FUZZTIME))"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZTIME) -fuzzminimizetime 1s $$pkg; \
		done; done); done

# The MCP TypeScript SDK client against the demo server (examples/ts): npm ci
# installs the exact versions in package-lock.json; the test builds and
# starts the demo server itself.
node-test:
	@echo "== node --test (examples/ts)"
	@cd examples/ts && npm ci --no-audit --no-fund && node --test

# make bench measures the comparison table quoted in docs/performance.md.
bench:
	cd bench && $(GO) test -run '^$$' -bench . -count 10 | tee /tmp/jwtexp-bench.txt
	cd bench && $(GO) run golang.org/x/perf/cmd/benchstat@latest /tmp/jwtexp-bench.txt
