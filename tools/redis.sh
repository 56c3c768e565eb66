#!/usr/bin/env bash
# Debian's redis-server, for the tests of response affinity shared through Redis
# (tests/routing): `make test` and `.ci/run` run this first.
#
# Installs the package when redis-server is missing (apt needs root, or passwordless
# sudo); says so and exits 0 when that is impossible: the Redis tests then skip, saying
# why, except under CI=true, where they fail. A second run installs nothing.
set -euo pipefail

say() { printf 'redis: %s\n' "$*"; }
skip() { printf 'redis: SKIPPED %s\n' "$*" >&2; }

if command -v redis-server >/dev/null; then
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  skip "no apt-get to install redis-server; install Redis 7 another way"
  exit 0
fi
sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  else
    skip "not root: run 'apt-get install -y redis-server' as root"
    exit 0
  fi
fi
say "apt-get install redis-server"
"${sudo[@]}" apt-get update -qq || { skip "apt-get update failed"; exit 0; }
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
  redis-server >/dev/null || { skip "apt-get install redis-server failed"; exit 0; }
# The package starts a system service; the tests start their own server on a free port.
if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
  "${sudo[@]}" systemctl disable --now redis-server >/dev/null 2>&1 || true
fi
say "installed $(redis-server --version | cut -d' ' -f3)"
