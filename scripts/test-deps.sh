#!/usr/bin/env bash
# Installs what the test suite needs on a fresh Debian machine of this kind:
# Debian's Chromium for the browser tests. Idempotent and quiet when all is there.
set -euo pipefail

if ! command -v chromium >/dev/null 2>&1; then
	echo "test-deps: installing Debian's chromium for the browser tests" >&2
	if [ "$(id -u)" -eq 0 ]; then SUDO=""; else SUDO="sudo"; fi
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
chromium --version >&2
