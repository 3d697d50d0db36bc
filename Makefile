# The README's two commands: `go run ./cmd/policydesk` runs the service;
# `make test` installs what the tests need and runs the whole suite.

GO ?= go

.PHONY: test deps bench run

# The browser, crash, S3 and PostgreSQL tests must run, never skip:
# POLICYDESK_REQUIRE_BROWSER turns a missing Chromium into a failure,
# POLICYDESK_REQUIRE_MINIO a missing MinIO (which `make deps` builds into
# .tools/bin), POLICYDESK_REQUIRE_CADDY and POLICYDESK_REQUIRE_MC a missing
# Caddy or mc (built there too) and POLICYDESK_REQUIRE_POSTGRES a missing
# PostgreSQL (which `make deps` installs), POLICYDESK_REQUIRE_AXE a missing
# axe-core (which `make deps` downloads into .tools/axe-core) and
# POLICYDESK_REQUIRE_OFFICE a missing pandoc, soffice or pdftotext (which
# `make deps` installs from Debian). The browser
# tests save a screenshot of every page they visit into SCREENSHOTS.
SCREENSHOTS = $(CURDIR)/test-artifacts/screenshots
TESTENV = POLICYDESK_REQUIRE_BROWSER=1 POLICYDESK_REQUIRE_MINIO=1 POLICYDESK_MINIO_BIN=$(CURDIR)/.tools/bin/minio \
	POLICYDESK_REQUIRE_CADDY=1 POLICYDESK_CADDY_BIN=$(CURDIR)/.tools/bin/caddy \
	POLICYDESK_REQUIRE_MC=1 POLICYDESK_MC_BIN=$(CURDIR)/.tools/bin/mc \
	POLICYDESK_REQUIRE_POSTGRES=1 POLICYDESK_REQUIRE_OFFICE=1 \
	POLICYDESK_REQUIRE_AXE=1 POLICYDESK_AXE=$(CURDIR)/.tools/axe-core/axe.min.js \
	POLICYDESK_SCREENSHOTS=$(SCREENSHOTS)
test: deps
	$(GO) vet ./...
	$(TESTENV) $(GO) test -race -count=1 -timeout 20m -skip '^TestBrowser' ./...
	$(TESTENV) $(GO) test -count=1 -timeout 10m -run '^($(FULLSIZE)|TestBrowser.*)$$' ./drafts/markdown/ ./drafts/outline/ ./web/ ./search/extract/ ./cmd/policydesk/

# The race detector makes goldmark ten times slower and inflates memory, so
# under -race the bounds are tried on small texts and the CPU and memory
# limits are not; these tests run once more without it, at full size. The
# browser tests (TestBrowser*, some 20 flows through every page) run in that
# second pass too: under -race they took about three times as long (some 3 of the
# suite's minutes), while the handlers they drive are race-tested by the
# web package's tests and by the end-to-end search, crash and replica tests,
# which stay in the race pass.
FULLSIZE = TestRenderPathological|TestRenderMarkedPathological|TestRenderBoundsDeterministic|TestRenderIssueBodies|TestParseOutlinePathological|TestPreviewPathologicalBodies|TestPreviewStopsWhenClientLeaves|TestRunner_MemoryHogIsStopped

deps:
	GO=$(GO) ./scripts/test-deps.sh

bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./...

run:
	$(GO) run ./cmd/policydesk
