#!/usr/bin/env bash
# Debian's redis-server, for the tests of response affinity shared through Redis
# (tests/routing): `make test` and `.ci/run` run this first. Where it cannot be installed
# the Redis tests skip, saying why, except under CI=true, where they fail.
exec bash "$(dirname "$0")/apt-install.sh" redis-server redis-server
