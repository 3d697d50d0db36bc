# The README's two commands: `go run ./cmd/policydesk` runs the service;
# `make test` installs what the tests need and runs the whole suite.

GO ?= go

.PHONY: test deps bench run

# The browser and crash tests must run, never skip: POLICYDESK_REQUIRE_BROWSER
# turns a missing Chromium into a failure.
test: deps
	$(GO) vet ./...
	POLICYDESK_REQUIRE_BROWSER=1 $(GO) test -race -count=1 -timeout 20m ./...

deps:
	./scripts/test-deps.sh

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./...

run:
	$(GO) run ./cmd/policydesk
