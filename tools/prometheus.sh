#!/usr/bin/env bash
# Debian's prometheus package (prometheus and promtool), for the tests of the alert rules
# and the dashboard (deploy/): `make test` and `.ci/run` run this first. Where it cannot be
# installed those tests skip, saying why, except under CI=true, where they fail.
exec bash "$(dirname "$0")/apt-install.sh" prometheus prometheus promtool
