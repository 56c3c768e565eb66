"""Servers in subprocesses: a bridge (with a stats socket), the simulator, and any
module that serves on a free port and says which (`ServerProcess`).

All listen on loopback only. A bridge runs `tools.harness.bridge_main`, which is
`bridge serve` plus a stats socket, with the environment it is given on top of a clean
one (no inherited ``BRIDGE_*``, ``OPENAI_*`` or ``OTEL_*`` variables); given
`serve_args`, it runs ``bridge serve`` itself with them instead (no stats socket).
Its stderr (the bridge's log) goes to a file the caller can read, for instance to look
for secrets. Every process reports the CPU time it used, read from /proc. Every wait
here is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import grpc
import grpc.aio
from grpc_health.v1 import health_pb2, health_pb2_grpc

from tools.harness.procfs import (
    context_switches,
    cpu_seconds,
    descendants,
    fd_count,
    memory_kib,
)

__all__ = [
    "PORT_TAKEN",
    "BridgeProcess",
    "ProcessGone",
    "ServerProcess",
    "SimulatorProcess",
    "Stats",
    "free_port",
]

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 15.0
_INHERITED_PREFIXES = ("BRIDGE_", "OPENAI_", "OTEL_")


# What a bridge says when its port was taken between free_port() and its bind: gRPC's
# error, and `bridge serve`'s own check.
PORT_TAKEN = ("Failed to bind to address", "is already in use")
_BIND_ATTEMPTS = 3


class ProcessGone(RuntimeError):
    """The server process exited (or never started)."""


def free_port() -> int:
    """A loopback port free right now (bound, then released)."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
    return port


def _clean_env(extra: Mapping[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(_INHERITED_PREFIXES)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.update(extra)
    return env


@dataclass(frozen=True)
class Stats:
    """One sample of a bridge process: asyncio tasks, open fds, RSS and peak RSS (KiB)."""

    tasks: int
    fds: int
    rss_kib: int
    hwm_kib: int


class _Child:
    """A subprocess whose stderr goes to a log file; stopped with SIGTERM, then SIGKILL."""

    name = "server"

    def __init__(self, log_path: Path | None) -> None:
        self._proc: asyncio.subprocess.Process | None = None
        self.log_path = log_path or Path(tempfile.mkstemp(prefix=f"{self.name}-", suffix=".log")[1])
        self._log: IO[bytes] | None = None

    async def start(self) -> None:
        """Start the process and wait until it serves."""
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _spawn(
        self, argv: list[str], env: dict[str, str], *, read_stdout: bool = True
    ) -> asyncio.StreamReader:
        """Start `argv`; its stderr (and its stdout when unread) goes to the log."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("ab")
        self._proc = await asyncio.create_subprocess_exec(
            *argv,
            cwd=ROOT,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE if read_stdout else self._log,
            stderr=self._log,
        )
        return self._proc.stdout or asyncio.StreamReader()

    async def _first_line(self, stdout: asyncio.StreamReader, prefix: bytes) -> bytes:
        try:
            line = await asyncio.wait_for(stdout.readline(), START_TIMEOUT)
        except TimeoutError:
            line = b""
        if not line.startswith(prefix):
            await self.stop()
            raise ProcessGone(f"{self.name} did not start: {line!r}\n{self.log_tail()}")
        return line

    @property
    def pid(self) -> int:
        """The process id."""
        if self._proc is None:
            raise ProcessGone(f"{self.name} not started")
        return self._proc.pid

    @property
    def alive(self) -> bool:
        """Whether the process is still running."""
        return self._proc is not None and self._proc.returncode is None

    @property
    def returncode(self) -> int | None:
        """The exit status once it exited (negative: killed by that signal)."""
        return None if self._proc is None else self._proc.returncode

    def cpu_seconds(self) -> float | None:
        """CPU time the process itself has used (user + system); None once it is gone."""
        return cpu_seconds(self.pid) if self.alive else None

    def context_switches(self) -> tuple[int, int] | None:
        """The process's context switches so far, voluntary and involuntary; None once
        it is gone."""
        return context_switches(self.pid) if self.alive else None

    def tree(self) -> list[int]:
        """Its pid and those of its descendants alive now (a supervisor and its workers)."""
        return [self.pid, *descendants(self.pid)] if self.alive else []

    def tree_cpu_seconds(self) -> float | None:
        """CPU time of the process and of its descendants alive now; None once it is gone."""
        if not self.alive:
            return None
        return sum(filter(None, (cpu_seconds(pid) for pid in self.tree())))

    def log_text(self) -> str:
        """Everything the process wrote to stderr so far."""
        try:
            return self.log_path.read_bytes().decode("utf-8", "replace")
        except OSError:
            return ""

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of its stderr."""
        return "\n".join(self.log_text().splitlines()[-lines:])

    async def stop(self) -> int | None:
        """SIGTERM, wait up to STOP_TIMEOUT, then SIGKILL; the exit status."""
        proc = self._proc
        if proc is not None and proc.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), STOP_TIMEOUT)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    proc.kill()
                await proc.wait()
        if self._log is not None:
            self._log.close()
            self._log = None
        return None if proc is None else proc.returncode


class BridgeProcess(_Child):
    """`bridge serve` in a subprocess, configured by `env`, with a stats socket.

    Usage::

        async with BridgeProcess({"BRIDGE_UPSTREAM_URL": url}) as bridge:
            channel = grpc.aio.insecure_channel(bridge.target)
            before = await bridge.stats()
    """

    name = "bridge"

    def __init__(
        self,
        env: Mapping[str, str],
        *,
        log_path: Path | None = None,
        serve_args: Sequence[str] | None = None,
    ) -> None:
        super().__init__(log_path)
        self.serve_args = None if serve_args is None else list(serve_args)
        self.port = free_port()
        self.env = {
            "BRIDGE_LISTEN": f"{HOST}:{self.port}",
            "BRIDGE_LOG_FORMAT": "json",
            "BRIDGE_GRACE_SECONDS": "1",
            **env,
        }
        self._stats_port = 0
        self._stats_io: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    @property
    def target(self) -> str:
        """host:port of its gRPC server."""
        return f"{HOST}:{self.port}"

    async def start(self) -> None:
        """Start the process and wait until its health service says SERVING.

        A port found free can be taken before the bridge binds it (by an outgoing connection's
        ephemeral port, or another test's server): then it starts again on another port.
        """
        for attempt in range(_BIND_ATTEMPTS):
            failed_at = len(self.log_text())
            try:
                await self._start_once()
                return
            except ProcessGone:
                ours = self.env.get("BRIDGE_LISTEN") == f"{HOST}:{self.port}"
                lost = any(words in self.log_text()[failed_at:] for words in PORT_TAKEN)
                await self.stop()
                if attempt == _BIND_ATTEMPTS - 1 or not (ours and lost):
                    raise
                self.port = free_port()
                self.env["BRIDGE_LISTEN"] = f"{HOST}:{self.port}"

    async def _start_once(self) -> None:
        if self.serve_args is not None:
            argv = [sys.executable, "-m", "bridge", "serve", *self.serve_args]
            await self._spawn(argv, _clean_env(self.env), read_stdout=False)
            await self.wait_serving()
            return
        stdout = await self._spawn(
            [sys.executable, "-m", "tools.harness.bridge_main"], _clean_env(self.env)
        )
        line = await self._first_line(stdout, b"STATS ")
        self._stats_port = int(line.split()[1])
        await self.wait_serving()

    async def wait_serving(self, seconds: float = START_TIMEOUT) -> None:
        """Poll the standard health service until SERVING, for at most `seconds`."""
        deadline = time.monotonic() + seconds
        async with grpc.aio.insecure_channel(self.target) as channel:
            health = health_pb2_grpc.HealthStub(channel)
            while True:
                if not self.alive:
                    raise ProcessGone(f"bridge exited with {self.returncode}\n{self.log_tail()}")
                try:
                    reply = await health.Check(health_pb2.HealthCheckRequest(), timeout=1.0)
                    if reply.status == health_pb2.HealthCheckResponse.SERVING:
                        return
                except grpc.aio.AioRpcError:
                    pass
                if time.monotonic() > deadline:
                    await self.stop()
                    raise ProcessGone(f"bridge not serving after {seconds} s\n{self.log_tail()}")
                await asyncio.sleep(0.05)

    async def stats(self) -> Stats:
        """Ask the process for its task count, fds and memory."""
        if not self._stats_port:
            raise ProcessGone("a bridge started by `bridge serve` has no stats socket")
        if not self.alive:
            raise ProcessGone(f"bridge exited with {self.returncode}")
        if self._stats_io is None:
            self._stats_io = await asyncio.open_connection(HOST, self._stats_port)
        reader, writer = self._stats_io
        try:
            writer.write(b"stats\n")
            await writer.drain()
            line = await asyncio.wait_for(reader.readline(), 10.0)
            data: dict[str, Any] = json.loads(line)
        except (ConnectionError, TimeoutError, ValueError) as exc:
            self._drop_stats_io()
            raise ProcessGone(f"bridge stats unavailable: {exc!r}") from None
        return Stats(data["tasks"], data["fds"], data["rss_kib"], data["hwm_kib"])

    async def quiet_stats(self, seconds: float = 5.0, samples: int = 3) -> Stats:
        """Stats once `samples` readings 0.1 s apart agree on tasks and fds (start-up
        work finished), or after `seconds`: an idle baseline."""
        deadline = time.monotonic() + seconds
        readings = [await self.stats()]
        while time.monotonic() < deadline:
            await asyncio.sleep(0.1)
            readings = [*readings[-(samples - 1) :], await self.stats()]
            if len(readings) == samples and len({(r.tasks, r.fds) for r in readings}) == 1:
                break
        return readings[-1]

    def memory(self) -> dict[str, int]:
        """VmRSS, VmHWM, ... in KiB, read from /proc without asking the process."""
        return memory_kib(self.pid) if self.alive else {}

    def fds(self) -> int | None:
        """Open file descriptors, read from /proc."""
        return fd_count(self.pid) if self.alive else None

    def _drop_stats_io(self) -> None:
        if self._stats_io is not None:
            self._stats_io[1].close()
            self._stats_io = None

    async def stop(self) -> int | None:
        self._drop_stats_io()
        return await super().stop()


class SimulatorProcess(_Child):
    """`bridge simulate` in a subprocess on a free loopback port; `url` ends in /v1."""

    name = "simulator"

    def __init__(self, token_delay: float = 0.0, *, log_path: Path | None = None) -> None:
        super().__init__(log_path)
        self.token_delay = token_delay
        self.url = ""

    async def start(self) -> None:
        """Start the process and wait until it prints its URL."""
        argv = [sys.executable, "-m", "bridge.cli", "simulate", "--listen", f"{HOST}:0"]
        argv += ["--token-delay", str(self.token_delay)]
        line = await self._first_line(await self._spawn(argv, _clean_env({})), b"simulator ")
        self.url = line.decode().rsplit(" ", 1)[1].strip()


class ServerProcess(_Child):
    """``python -m <module> <args>`` in a subprocess: a server that prints ``PORT <port>``
    first (as `tools.harness.sse_upstream` and `tools.harness.floor` do)."""

    def __init__(
        self,
        name: str,
        module: str,
        *args: str,
        env: Mapping[str, str] | None = None,
        log_path: Path | None = None,
    ) -> None:
        self.name = name
        super().__init__(log_path)
        self._argv = [sys.executable, "-m", module, *args]
        self._env = dict(env or {})
        self.port = 0

    @property
    def target(self) -> str:
        """host:port it serves on."""
        return f"{HOST}:{self.port}"

    async def start(self) -> None:
        """Start the process and wait until it prints its port."""
        stdout = await self._spawn(self._argv, _clean_env(self._env))
        self.port = int((await self._first_line(stdout, b"PORT ")).split()[1])
