# syntax=docker/dockerfile:1
#
# The bridge's runtime image: `bridge serve`, configured by BRIDGE_*
# variables (k8s/ sets them), as a non-root user on a read-only root.
#
#   docker build -t responses-bridge:0.1.0 .
#
# Two stages: everything that installs runs in `builder`; the final image
# receives only the finished virtual environment, so pip's caches, the
# build backend and the source tree never reach it.

# Both stages must use the same image: the venv's interpreter is a symlink to
# the base image's /usr/local/bin/python3.11. Pin a digest for reproducible
# builds: --build-arg PYTHON_IMAGE=python:3.11-slim@sha256:...
ARG PYTHON_IMAGE=python:3.11-slim

FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# A C compiler, for mypyc to build the per-event modules (bridge/compiled.py);
# it stays in this stage.
RUN apt-get update \
 && apt-get install --yes --no-install-recommends gcc libc6-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# README.md is the package's long description; the build needs it.
COPY pyproject.toml README.md ./
COPY bridge ./bridge
COPY tools/compile.py ./tools/compile.py
# mypyc type-checks what it compiles, so it runs where the bridge's dependencies
# and mypy are installed: a venv of this stage only. --require: no build is an
# error here, not a silent fall back to pure Python; the build lands in
# bridge/mypyc-build, which the install below carries as package data.
RUN python -m venv /opt/compile \
 && /opt/compile/bin/pip install --only-binary=:all: -e '.[compile]' \
 && /opt/compile/bin/python tools/compile.py --require
RUN python -m venv /opt/venv
# Every dependency ships wheels for CPython 3.11 (grpcio, uvloop, orjson,
# aiohttp, ...), so the slim image needs no compiler; --only-binary turns a
# missing wheel into a clear error instead of a failed gcc call.
# A regular, not editable, install: the final stage has no /src. pip compiles
# every module to .pyc here, because the pod's read-only root filesystem
# will not let Python write them at run time. pip and setuptools then leave
# the venv: nothing needs them at run time, and they are attack surface.
# The redis extra: replicas share response affinity through Redis (routes file).
RUN /opt/venv/bin/pip install --only-binary=:all: '.[redis]' \
 && /opt/venv/bin/pip uninstall --yes pip setuptools
# The installed bridge must load its build (BRIDGE_COMPILED=on fails otherwise).
RUN cd / && /opt/venv/bin/python -c \
    "from bridge import compiled; s = compiled.status(); assert s.compiled, s.reason"

FROM ${PYTHON_IMAGE}
# PYTHONDONTWRITEBYTECODE: the root filesystem is read-only in the pod; the
# .pyc files were compiled in the builder. PYTHONUNBUFFERED: logs reach
# `kubectl logs` as they are written, not when a buffer fills.
# BRIDGE_LISTEN: the bridge's own default, 127.0.0.1, would be unreachable
# from outside a container (`docker run -p 50051:50051`); k8s/ sets it anyway.
# BRIDGE_COMPILED=on: the image carries its compiled modules, so serving without
# them is a broken image, refused at start, rather than a silently slower one.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    BRIDGE_LISTEN=0.0.0.0:50051 \
    BRIDGE_COMPILED=on
# A named account for the uid k8s/ runs as (runAsUser: 10001), so tools that
# look the user up find it; no home directory and no login shell.
RUN groupadd --system --gid 10001 bridge \
 && useradd --system --uid 10001 --gid 10001 --no-create-home \
      --home-dir /nonexistent --shell /usr/sbin/nologin bridge
COPY --from=builder /opt/venv /opt/venv
# Numeric, so Kubernetes can verify runAsNonRoot without reading /etc/passwd.
USER 10001:10001
# 50051: the gRPC API (BRIDGE_LISTEN). 50052: the health-only port that the
# sidecar mode opens (BRIDGE_HEALTH_LISTEN) while the API stays on localhost.
EXPOSE 50051 50052
ENTRYPOINT ["bridge", "serve"]
