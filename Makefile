# make test is the one test command: formatting, vet, staticcheck, the race
# tests of every module, every benchmark once (so none rots), every fuzz
# target for a fixed number of inputs, and the TypeScript SDK test. CI runs
# it on a clean clone (.ci/run).
#
# Every step runs even when an earlier one fails, and so does every module
# within a step: the summary at the end names each step that failed, so one
# failure never hides whether the rest pass.

# The root module is the stdlib-only library; oauth2exp/ (x/oauth2 only),
# bench/ and examples/ are nested modules that carry the other dependencies,
# and internal/tools/ the release checks' (x/mod, x/tools).
MODULES     := . oauth2exp bench examples internal/tools
STEPS       := fmt vet staticcheck unit bench-smoke fuzz node-test api install-check
TOOLS       := internal/tools
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
# Fuzzing runs by count, not by time: a time budget can end a run with
# "context deadline exceeded" and no failing input (golang/go#75804), and a
# count makes every run do the same amount of work.
FUZZCOUNT   ?= 50000x
GO          ?= go

.PHONY: test $(STEPS) bench api-update

test:
	@failed=; for step in $(STEPS); do \
		$(MAKE) --no-print-directory $$step || failed="$$failed $$step"; \
	done; \
	if [ -n "$$failed" ]; then echo "make test: FAILED:$$failed"; exit 1; fi; \
	echo "make test: every step passed ($(STEPS))"

# each runs its command in every module, keeps going, and fails at the end
# if any module failed.
each = st=0; for m in $(MODULES); do echo "== $(1) ($$m)"; (cd $$m && $(2)) || st=1; done; exit $$st

fmt:
	@out=$$(gofmt -l $(MODULES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	@$(call each,go vet,$(GO) vet ./...)

staticcheck:
	@$(call each,staticcheck,$(GO) run $(STATICCHECK) ./...)

unit:
	@$(call each,go test -race,$(GO) test -race -count=1 ./...)

bench-smoke:
	@$(call each,benchmarks once,$(GO) test -run '^$$' -bench . -benchtime 1x ./...)

# Every Fuzz target of every package, found with go test -list.
fuzz:
	@$(call each,fuzz $(FUZZCOUNT),fst=0; for pkg in $$($(GO) list ./...); do \
		for target in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz'); do \
			echo "-- $$target in $$pkg"; \
			$(GO) test -run '^$$' -fuzz "^$$target\$$" -fuzztime $(FUZZCOUNT) -fuzzminimizetime 1000x $$pkg || fst=1; \
		done; done; exit $$fst)

# The MCP TypeScript SDK client against the demo server (examples/ts): npm ci
# installs the exact versions in package-lock.json; the test builds and
# starts the demo server itself.
node-test:
	@echo "== node --test (examples/ts)"
	@cd examples/ts && npm ci --no-audit --no-fund && node --test

# The exported API of the published packages (the root, jwtexptest,
# oauth2exp) against the golden files under api/: any feature added or
# removed fails, and is printed. make api-update rewrites the files after a
# change that docs/release.md's compatibility promise allows.
api:
	@echo "== api (golden files under api/)"
	@cd $(TOOLS) && $(GO) run ./apicheck

api-update:
	cd $(TOOLS) && $(GO) run ./apicheck -update

# The published modules installed as a new user would, from zips of the
# committed revision (HEAD) served by a file GOPROXY, at the version of the
# first versioned section of CHANGELOG.md (docs/release.md).
install-check:
	@echo "== install check (module zips of HEAD from a file GOPROXY)"
	@cd $(TOOLS) && $(GO) run ./installcheck

# make bench measures the comparison table quoted in docs/performance.md.
bench:
	cd bench && $(GO) test -run '^$$' -bench . -count 10 | tee /tmp/jwtexp-bench.txt
	cd bench && $(GO) run golang.org/x/perf/cmd/benchstat@latest /tmp/jwtexp-bench.txt
