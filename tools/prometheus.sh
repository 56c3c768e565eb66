#!/usr/bin/env bash
# Debian's prometheus package (prometheus and promtool), for the tests of the alert rules
# and the dashboard (deploy/): `make test` and `.ci/run` run this first.
#
# Installs the package when promtool is missing (apt needs root, or passwordless sudo);
# says so and exits 0 when that is impossible: those tests then skip, saying why, except
# under CI=true, where they fail. A second run installs nothing.
set -euo pipefail

say() { printf 'prometheus: %s\n' "$*"; }
skip() { printf 'prometheus: SKIPPED %s\n' "$*" >&2; }

if command -v promtool >/dev/null && command -v prometheus >/dev/null; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  skip "no apt-get to install prometheus; install Prometheus 2 (with promtool) another way"
  exit 0
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  else
    skip "not root: run 'apt-get install -y prometheus' as root"
    exit 0
  fi
fi
say "apt-get install prometheus"
"${sudo[@]}" apt-get update -qq || { skip "apt-get update failed"; exit 0; }
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
  prometheus >/dev/null || { skip "apt-get install prometheus failed"; exit 0; }
# The package starts a system service; the tests start their own server on a free port.
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  "${sudo[@]}" systemctl disable --now prometheus >/dev/null 2>&1 || true
fi
say "installed $(prometheus --version 2>&1 | head -1 | cut -d' ' -f3)"
