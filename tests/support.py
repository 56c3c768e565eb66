"""Helpers the tests share: the one way to start bridges in the test's process, rotating files
as Kubernetes does, reading captured log lines. (A bridge in a process of its own:
`tests.process`; a raw upstream: the `scripted` fixture, the fault server, or
`tools.harness.hostile`.)"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import grpc.aio
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bridge.config import Settings
from bridge.server import RunningBridge, start
from bridge.upstream import UpstreamClient
from rbridge.responses.v1 import responses_service_pb2_grpc

__all__ = [
    "Bridges",
    "Running",
    "break_file",
    "health_status",
    "log_lines",
    "prometheus_tool",
    "rotate",
    "run_keeping_log_records",
]

ROOT = Path(__file__).resolve().parents[1]

# Debug logging with a handler that keeps every record, as a test's log capture does.
_KEEPING_LOG_RECORDS = """
import logging

kept = []


class Keep(logging.Handler):
    def emit(self, record):
        kept.append(record)


logging.getLogger().addHandler(Keep())
logging.getLogger().setLevel(logging.DEBUG)
"""


@dataclass
class Running:
    """A bridge started by a test, and a client of it."""

    bridge: RunningBridge
    settings: Settings
    channel: grpc.aio.Channel
    stub: responses_service_pb2_grpc.ResponsesServiceStub

    @property
    def target(self) -> str:
        """host:port of the bridge."""
        return f"127.0.0.1:{self.bridge.port}"


class Bridges:
    """Starts bridges on free loopback ports; `close` stops them and their channels.

    `defaults` are Settings fields every bridge gets unless a start overrides them.
    """

    def __init__(self, **defaults: Any) -> None:
        self.defaults = defaults
        self.running: list[Running] = []

    async def start(
        self,
        upstream_url: str,
        *,
        upstream: UpstreamClient | None = None,
        channel_options: Sequence[tuple[str, Any]] = (),
        **overrides: Any,
    ) -> Running:
        """A bridge pointed at `upstream_url` (or using `upstream`), with Settings overrides."""
        settings = Settings(
            listen="127.0.0.1:0", upstream_url=upstream_url, **{**self.defaults, **overrides}
        )
        bridge = await start(settings, upstream)
        channel = grpc.aio.insecure_channel(
            f"127.0.0.1:{bridge.port}", options=list(channel_options)
        )
        running = Running(
            bridge, settings, channel, responses_service_pb2_grpc.ResponsesServiceStub(channel)
        )
        self.running.append(running)
        return running

    async def close(self) -> None:
        """Close every channel and stop every bridge, at once."""
        for running in self.running:
            await running.channel.close()
            await running.bridge.stop(0)
        self.running.clear()


async def health_status(target: str, service: str = "") -> int:
    """What the health service at `target` says of `service`, asked on a new connection."""
    async with grpc.aio.insecure_channel(target) as channel:
        reply = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(service=service), timeout=2.0
        )
    return int(reply.status)


def rotate(path: Path, text: str) -> None:
    """Replace a file the way a Secret volume does: write aside, then rename."""
    aside = path.with_suffix(".new")
    aside.write_text(text)
    os.replace(aside, path)
    # Filesystems with coarse timestamps: make the change visible by mtime too.
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))


def break_file(path: Path, how: str) -> None:
    """Make a rotated file unusable: "emptied", "empty-secret", "deleted" or "unreadable"."""
    if how == "emptied":
        rotate(path, "")
    elif how == "empty-secret":
        rotate(path, "alpha:\n")
    elif how == "deleted":
        path.unlink()
    else:  # unreadable: a directory where the file was
        path.unlink()
        path.mkdir()


def log_lines(output: io.StringIO) -> list[dict[str, Any]]:
    """The JSON log lines captured in `output`."""
    return [json.loads(line) for line in output.getvalue().splitlines() if line.startswith("{")]


def prometheus_tool(name: str) -> str:
    """The path of `prometheus` or `promtool` (Debian's `prometheus` package, which `make
    test` installs). Skips the test saying so when it is missing, except under CI=true,
    where that fails it."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (make test installs Debian's prometheus package)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


def run_keeping_log_records(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `code` (dedented; `args` are its `sys.argv[1:]`) in a fresh interpreter at the
    project's root, where the root logger is at debug level and every record is kept in the
    list `kept`. A process of its own: what the code does to the collector stays there."""
    script = _KEEPING_LOG_RECORDS + textwrap.dedent(code)
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
