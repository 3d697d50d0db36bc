#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine of this kind:
# Debian's Chromium for the browser tests, Debian's PostgreSQL for the
# PostgreSQL store tests (storage/postgres/pgtest starts a throwaway cluster
# with its initdb), a MinIO server (built from the Go module proxy into
# .tools/bin) for the S3 attachment tests, and Caddy and MinIO's mc (built
# the same way) for the tests of the Caddyfile in front of replicas and of
# compose.yaml's MinIO setup, and axe-core (downloaded from the npm
# registry, checked against its published sha512) for the accessibility
# checks of the browser tests; pandoc, LibreOffice Writer and pdftotext
# for the Word tests.
# Idempotent and quiet when all is there.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
GO="${GO:-go}"

if ! command -v chromium >/dev/null 2>&1; then
	echo "test-deps: installing Debian's chromium for the browser tests" >&2
	if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
chromium --version >&2

# PostgreSQL: pgtest finds initdb in PATH or /usr/lib/postgresql/*/bin.
pg_initdb() {
	command -v initdb 2>/dev/null || ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1
}
if [ -z "$(pg_initdb)" ]; then
	echo "test-deps: installing Debian's postgresql for the PostgreSQL store tests" >&2
	if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >/dev/null
	[ -n "$(pg_initdb)" ] || { echo "test-deps: postgresql is installed but initdb is not found" >&2; exit 1; }
fi
"$(pg_initdb)" --version >&2

# Pandoc, LibreOffice Writer and poppler's pdftotext: the Word import and
# export tests use them as independent readers and writers of .docx
# (review/docx/docxtest); the service itself needs none of them.
if ! command -v pandoc >/dev/null 2>&1 || ! command -v soffice >/dev/null 2>&1 || ! command -v pdftotext >/dev/null 2>&1; then
	echo "test-deps: installing Debian's pandoc, libreoffice-writer and poppler-utils for the Word tests (a few minutes the first time)" >&2
	if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends pandoc libreoffice-writer poppler-utils >/dev/null
fi
pandoc --version | head -n 1 >&2
soffice --version >&2

# MinIO, pinned. Bump MINIO_VERSION to upgrade; a binary of another version
# is rebuilt.
MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
MINIO_BIN="$repo/.tools/bin/minio"

# built_from BIN MODULE VERSION: BIN is a Go binary of MODULE at VERSION.
built_from() {
	[ -x "$1" ] &&
		"$GO" version -m "$1" 2>/dev/null |
		awk -v m="$2" -v v="$3" '$1 == "mod" && $2 == m && $3 == v { ok = 1 } END { exit !ok }'
}
minio_version_ok() { built_from "$MINIO_BIN" "$MINIO_MODULE" "$MINIO_VERSION"; }

if ! minio_version_ok; then
	echo "test-deps: building MinIO $MINIO_VERSION into .tools/bin (a few minutes the first time)" >&2
	mkdir -p "$repo/.tools/bin"
	# Outside the repository's module: MinIO's own go.mod decides its deps.
	(cd "$repo/.tools" && GOBIN="$repo/.tools/bin" GOFLAGS=-buildvcs=false "$GO" install "$MINIO_MODULE@$MINIO_VERSION")
	minio_version_ok || { echo "test-deps: $MINIO_BIN is not MinIO $MINIO_VERSION" >&2; exit 1; }
fi
"$MINIO_BIN" --version >&2

# go_tool NAME MODULE PACKAGE VERSION: .tools/bin/NAME built from PACKAGE of
# MODULE at VERSION, like MinIO, outside the repository's module.
go_tool() {
	local bin="$repo/.tools/bin/$1"
	if ! built_from "$bin" "$2" "$4"; then
		echo "test-deps: building $1 $4 into .tools/bin (a few minutes the first time)" >&2
		mkdir -p "$repo/.tools/bin"
		(cd "$repo/.tools" && GOBIN="$repo/.tools/bin" GOFLAGS=-buildvcs=false "$GO" install "$3@$4")
		built_from "$bin" "$2" "$4" || { echo "test-deps: $bin is not $2 $4" >&2; exit 1; }
	fi
	echo "$1 $4" >&2
}

# Caddy, pinned to the version of compose.yaml's caddy image.
CADDY_VERSION=v2.11.9
go_tool caddy github.com/caddyserver/caddy/v2 github.com/caddyserver/caddy/v2/cmd/caddy "$CADDY_VERSION"
# mc, the MinIO client compose.yaml's minio-setup runs.
go_tool mc github.com/minio/mc github.com/minio/mc v0.0.0-20250313080218-cf909e1063a9

# axe-core, pinned, from the npm registry with curl (npm need not be
# installed): the tarball must match the sha512 of the registry's metadata
# ("dist.integrity"); only axe.min.js is kept, in .tools/axe-core (the path
# the Makefile gives the tests as POLICYDESK_AXE), with the version it is
# in .tools/axe-core/VERSION. Bump AXE_VERSION and AXE_INTEGRITY together.
AXE_VERSION=4.14.1
AXE_INTEGRITY=sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
AXE_DIR="$repo/.tools/axe-core"
if [ ! -s "$AXE_DIR/axe.min.js" ] || [ "$(cat "$AXE_DIR/VERSION" 2>/dev/null)" != "$AXE_VERSION $AXE_INTEGRITY" ]; then
	echo "test-deps: downloading axe-core $AXE_VERSION from registry.npmjs.org" >&2
	tmp="$(mktemp -d)"
	trap 'rm -rf "$tmp"' EXIT
	curl -fsSL --retry 3 --max-time 120 -o "$tmp/axe.tgz" "https://registry.npmjs.org/axe-core/-/axe-core-$AXE_VERSION.tgz"
	want="$(printf '%s' "${AXE_INTEGRITY#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n')"
	got="$(sha512sum "$tmp/axe.tgz" | cut -d' ' -f1)"
	if [ "$got" != "$want" ]; then
		echo "test-deps: axe-core-$AXE_VERSION.tgz from the registry does not match its published sha512 (got $got, want $want); not using it" >&2
		exit 1
	fi
	tar -xzf "$tmp/axe.tgz" -C "$tmp" package/axe.min.js
	mkdir -p "$AXE_DIR"
	rm -f "$AXE_DIR/VERSION"
	mv "$tmp/package/axe.min.js" "$AXE_DIR/axe.min.js"
	echo "$AXE_VERSION $AXE_INTEGRITY" >"$AXE_DIR/VERSION"
fi
echo "axe-core $AXE_VERSION" >&2
