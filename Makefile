# The README's two commands: `go run ./cmd/policydesk` runs the service;
# `make test` installs what the tests need and runs the whole suite.

GO ?= go

.PHONY: test deps bench run

# The browser, crash and S3 tests must run, never skip:
# POLICYDESK_REQUIRE_BROWSER turns a missing Chromium into a failure and
# POLICYDESK_REQUIRE_MINIO a missing MinIO (which `make deps` builds into
# .tools/bin).
test: deps
	$(GO) vet ./...
	POLICYDESK_REQUIRE_BROWSER=1 POLICYDESK_REQUIRE_MINIO=1 POLICYDESK_MINIO_BIN=$(CURDIR)/.tools/bin/minio \
		$(GO) test -race -count=1 -timeout 20m ./...

deps:
	GO=$(GO) ./scripts/test-deps.sh

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./...

run:
	$(GO) run ./cmd/policydesk
