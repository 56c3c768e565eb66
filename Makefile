# Two commands on a fresh machine: `make run` and `make test`.
# Everything else here is what those two build on.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
BIN    := $(VENV)/bin
# `make run` installs the bridge and what it needs to run, nothing more.
RUN_STAMP := $(VENV)/.installed-run
# Every other target adds the development tools: the `dev` extra of pyproject.toml.
STAMP  := $(VENV)/.installed
BUF    := node_modules/.bin/buf

# Where `make run` listens: `make run BRIDGE_LISTEN=127.0.0.1:50052`, or the same
# names in the environment (BRIDGE_SIMULATOR_LISTEN works too, as for `bridge dev`).
BRIDGE_LISTEN    ?= 127.0.0.1:50051
SIMULATOR_LISTEN ?= $(or $(BRIDGE_SIMULATOR_LISTEN),127.0.0.1:8080)

.PHONY: all setup generate lint format test compile run bench api-coverage stubs release-contract docs clean redis prometheus

all: test

$(RUN_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(STAMP): $(RUN_STAMP)
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## The development environment: .venv with the dev tools, buf, Debian's redis-server and prometheus.
setup: $(STAMP) $(BUF) redis prometheus

## redis-server for the tests of affinity shared through Redis (installed once, with apt).
redis:
	@bash tools/redis.sh

## prometheus and promtool, for the tests of the alert rules and the dashboard (apt, once).
prometheus:
	@bash tools/prometheus.sh

# `npm ci` installs exactly what package-lock.json pins and never rewrites it.
$(BUF): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

## Regenerate the Python stubs from proto/ into bridge/_proto (the one command).
generate: $(STAMP)
	$(PY) tools/generate.py

## buf lint and format check on the contract, ruff and mypy on the code. Writes no tracked file.
lint: $(STAMP) $(BUF)
	$(BUF) lint
	$(BUF) format --diff --exit-code
	$(BUF) breaking proto --against contract/baseline
	$(BIN)/ruff check bridge tests tools
	$(BIN)/ruff format --check bridge tests tools
	$(BIN)/mypy

## Record the current contract as released: later changes are checked against it.
release-contract:
	rm -rf contract/baseline
	cp -r proto contract/baseline

format: $(STAMP) $(BUF)
	$(BUF) format -w
	$(BIN)/ruff format bridge tests tools
	$(BIN)/ruff check --fix bridge tests tools

## The whole suite: lint, type checks, and every test, in TEST_WORKERS processes
## (pytest-xdist; each test module stays in one process, its fixtures built once).
TEST_WORKERS ?= 2
## The suite runs against the compiled per-event modules (what the image and `make bench`
## run), then their own tests run again in pure Python (what `make run` runs).
PYTEST := $(BIN)/pytest -q $(if $(filter-out 0 1,$(TEST_WORKERS)),-n $(TEST_WORKERS) --dist loadfile)
test: $(STAMP) $(BUF) redis prometheus
	$(MAKE) --no-print-directory lint
	$(MAKE) --no-print-directory compile
	$(PYTEST)
	@pure="$$($(PY) tools/compile.py --tests)"; if [ -n "$$pure" ]; then \
	  echo "BRIDGE_COMPILED=off: $$pure"; BRIDGE_COMPILED=off $(PYTEST) $$pure; fi

## The per-event modules (bridge/compiled.py) compiled with mypyc into bridge/mypyc-build, unless
## the build there matches the sources; without a C compiler, one line says the bridge stays
## pure Python. `make run` does not build it.
compile: $(STAMP)
	$(PY) tools/compile.py

## Start the simulator and the bridge pointed at it (or at BRIDGE_UPSTREAM_URL when set).
run: $(RUN_STAMP)
	$(BIN)/bridge dev --listen $(BRIDGE_LISTEN) --simulator-listen $(SIMULATOR_LISTEN)

## Rewrite the generated parts of docs/ (the configuration table) from the code.
docs: $(STAMP)
	$(PY) tools/config_table.py --write

## How much of the Responses API inventory the contract types, per category (must be 100%).
api-coverage: $(STAMP)
	$(PY) tools/api_coverage.py

## Benchmarks: each figure beside a baseline from the same run, about 10 minutes
## (QUICK=1: the same workloads smaller, under a minute; BENCH_ARGS="--only paced,burst
## --json out.json --profile DIR"; `python -m tools.bench -h` for more).
QUICK ?=
BENCH_ARGS ?=
bench: $(STAMP) compile
	$(PY) -m tools.bench $(if $(filter 1 yes true,$(QUICK)),--quick) $(BENCH_ARGS)

## Fuzzing: generated hostile requests and upstream replies against bridge subprocesses
## (10,000 of each; FUZZ_ARGS="--seed 7 --cases 500" and `python -m tools.fuzz -h` for more).
.PHONY: fuzz soak
fuzz: $(STAMP)
	$(PY) -m tools.fuzz $(FUZZ_ARGS)

## Soak: mixed traffic and faults for DURATION (10m, or e.g. DURATION=90s), then leak checks.
DURATION ?= 10m
soak: $(STAMP)
	$(PY) -m tools.soak --duration $(DURATION)

## Go and Node example clients (clients/): installs missing toolchains, writes gen/go and gen/node.
stubs:
	bash tools/stubs.sh

## Remove everything the targets above create (all of it ignored by git).
clean:
	rm -rf $(VENV) node_modules gen build bridge/mypyc-build .pytest_cache .mypy_cache .ruff_cache .hypothesis *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
