"""Fixtures of the routing tests: simulators imitating providers, the fault upstream, and
bridges started on a routes file, all real servers on loopback ports."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bridge.simulator import SimulatorOptions
from bridge.simulator import start as start_simulator

# The fault-injecting upstream of the fault suite, on a free loopback port.
from tests.faults.conftest import fault_server
from tests.support import Bridges, Running


@dataclass
class Simulator:
    """A running simulator: its base URL, and a way to stop it (an upstream going down)."""

    url: str
    port: int
    runner: web.AppRunner
    stopped: bool = False

    async def stop(self) -> None:
        """Stop serving (once): its port refuses connections from now on."""
        if not self.stopped:
            self.stopped = True
            await self.runner.cleanup()


__all__ = ["fault_server"]

StartSimulator = Callable[..., Awaitable[Simulator]]
StartRouted = Callable[..., Awaitable[Running]]


@pytest.fixture
async def simulators() -> AsyncIterator[StartSimulator]:
    """Start simulators (`behave_like` a provider, `token_delay` seconds between deltas)
    on free ports, or on `port`; each start returns the running simulator."""
    started: list[Simulator] = []

    async def start(
        behave_like: str | None = None, token_delay: float = 0.0, port: int = 0
    ) -> Simulator:
        options = SimulatorOptions(behave_like=behave_like, token_delay=token_delay)
        runner, bound = await start_simulator("127.0.0.1", port, options)
        simulator = Simulator(f"http://127.0.0.1:{bound}/v1", bound, runner)
        started.append(simulator)
        return simulator

    yield start
    for simulator in started:
        await simulator.stop()


@pytest.fixture
async def routed(tmp_path: Path) -> AsyncIterator[StartRouted]:
    """Start bridges on a routes file: each start writes `routes` (YAML) to a file of its
    own and returns the running bridge; Settings overrides may follow."""
    bridges = Bridges(max_retries=0)
    count = 0

    async def start(routes: str, **overrides: Any) -> Running:
        nonlocal count
        count += 1
        path = tmp_path / f"routes-{count}.yaml"
        path.write_text(routes, encoding="utf-8")
        # The single upstream's URL is not used when a routes file names the upstreams.
        return await bridges.start("http://127.0.0.1:9/v1", routes_file=str(path), **overrides)

    yield start
    await bridges.close()


def free_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A real redis-server (Debian's package) on a free loopback port, for the session.

    Skipped when redis-server is not installed, except under CI=true, where that fails
    the run (`make test` and `.ci/run` install it)."""
    binary = shutil.which("redis-server")
    if binary is None:
        message = "redis-server is not installed (make test installs Debian's redis-server)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    port = free_port()
    folder = tempfile.mkdtemp(prefix="bridge-redis-")
    process = subprocess.Popen(
        [
            binary,
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            folder,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            assert process.poll() is None, "redis-server exited at start"
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert time.monotonic() < deadline, "redis-server did not listen within 10 s"
            time.sleep(0.02)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)
