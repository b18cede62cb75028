#!/usr/bin/env bash
# Debian packages the tests need: headless Chromium for the dashboard browser tests, and sshd
# (a local SFTP server the SFTP collector test starts on 127.0.0.1; the service itself is not used).
# Idempotent; installs only what is missing (needs root or sudo).
set -euo pipefail

missing=()
[[ -x /usr/bin/chromium ]] || missing+=(chromium)
command -v curl >/dev/null || missing+=(curl)
[[ -x /usr/sbin/sshd ]] || missing+=(openssh-server)

if [[ ${#missing[@]} -eq 0 ]]; then
    exit 0
fi
SUDO=""
[[ "$(id -u)" -eq 0 ]] || SUDO="sudo"
echo "install-system-deps: installing ${missing[*]}" >&2
$SUDO apt-get update -q >/dev/null
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
