#!/usr/bin/env bash
# Debian packages the tests need: headless Chromium for the dashboard browser tests.
# Idempotent; installs only what is missing (needs root or sudo).
set -euo pipefail

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v curl >/dev/null || missing+=(curl)

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi
SUDO=""
[[ "$(id -u)" -eq 0 ]] || SUDO="sudo"
echo "install-system-deps: installing ${missing[*]}" >&2
$SUDO apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
