#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine of this kind:
# Debian's Chromium for the browser tests, Debian's PostgreSQL for the
# PostgreSQL store tests (storage/postgres/pgtest starts a throwaway cluster
# with its initdb), and a MinIO server (built from the Go module proxy into
# .tools/bin) for the S3 attachment tests.
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

# MinIO, pinned. Bump MINIO_VERSION to upgrade; a binary of another version
# is rebuilt.
MINIO_MODULE=github.com/minio/minio
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
MINIO_BIN="$repo/.tools/bin/minio"

minio_version_ok() {
	[ -x "$MINIO_BIN" ] &&
		"$GO" version -m "$MINIO_BIN" 2>/dev/null |
		awk -v m="$MINIO_MODULE" -v v="$MINIO_VERSION" '$1 == "mod" && $2 == m && $3 == v { ok = 1 } END { exit !ok }'
}

if ! minio_version_ok; then
	echo "test-deps: building MinIO $MINIO_VERSION into .tools/bin (a few minutes the first time)" >&2
	mkdir -p "$repo/.tools/bin"
	# Outside the repository's module: MinIO's own go.mod decides its deps.
	(cd "$repo/.tools" && GOBIN="$repo/.tools/bin" GOFLAGS=-buildvcs=false "$GO" install "$MINIO_MODULE@$MINIO_VERSION")
	minio_version_ok || { echo "test-deps: $MINIO_BIN is not MinIO $MINIO_VERSION" >&2; exit 1; }
fi
"$MINIO_BIN" --version >&2
