#!/usr/bin/env bash
# Installs a Debian package that tests need, once: `apt-install.sh PACKAGE COMMAND...`
# (tools/redis.sh, tools/prometheus.sh). Nothing to do when every COMMAND is on PATH.
#
# apt needs root, or passwordless sudo; when that is impossible, says so and exits 0: the
# tests that need the package then skip, saying why, except under CI=true, where they fail.
# The package's system service, if it starts one, is stopped: tests start their own server.
set -euo pipefail

package="$1"
shift
say() { printf '%s: %s\n' "$package" "$*"; }
skip() { printf '%s: SKIPPED %s\n' "$package" "$*" >&2; }

missing=0
for command in "$@"; do
  command -v "$command" >/dev/null || missing=1
done
if [ "$missing" -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  skip "no apt-get to install $package; install it another way"
  exit 0
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  else
    skip "not root: run 'apt-get install -y $package' as root"
    exit 0
  fi
fi
say "apt-get install $package"
"${sudo[@]}" apt-get update -qq || { skip "apt-get update failed"; exit 0; }
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
  "$package" >/dev/null || { skip "apt-get install $package failed"; exit 0; }
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  "${sudo[@]}" systemctl disable --now "$package" >/dev/null 2>&1 || true
fi
say "installed"
