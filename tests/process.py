"""A `bridge serve` process for tests that look at the process itself: memory, exit, signals."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
import threading
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["BridgeProcess", "RssSampler", "bridge_process", "rss_mib"]

ROOT = Path(__file__).resolve().parents[1]


def rss_mib(pid: int, field_name: str = "VmRSS") -> float:
    """A process's resident memory (or peak, with VmHWM), in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field_name + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field_name)


class RssSampler:
    """Samples a process's RSS every `interval` seconds in a thread; keeps the peak.

    A thread, not a task: the test's event loop may be busy serializing
    requests exactly when the peak happens.
    """

    def __init__(self, pid: int, interval: float = 0.01) -> None:
        self.pid = pid
        self.interval = interval
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(OSError, LookupError):
                self.peak = max(self.peak, rss_mib(self.pid))
            time.sleep(self.interval)

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class BridgeProcess:
    """A running `bridge serve`: its gRPC port, process and captured log lines."""

    port: int
    process: asyncio.subprocess.Process
    lines: list[dict[str, object]] = field(default_factory=list)

    @property
    def pid(self) -> int:
        return self.process.pid


@contextlib.asynccontextmanager
async def bridge_process(
    upstream_url: str, env: Mapping[str, str] | None = None
) -> AsyncIterator[BridgeProcess]:
    """Run `python -m bridge.cli serve` on a free loopback port with `env` added to a
    clean environment; yield it once it serves (with BRIDGE_WORKERS, once every worker
    does: the parent's `serving` line), kill it at the end."""
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("BRIDGE_", "OPENAI_", "OTEL_"))
    }
    clean |= {
        "BRIDGE_LOG_FORMAT": "json",
        "BRIDGE_MAX_RETRIES": "0",
        "BRIDGE_UPSTREAM_API_KEY": "sk-process-test-key",
        "BRIDGE_ACCESS_LOG_LEVEL": "off",
        **(env or {}),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bridge.cli",
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--upstream-url",
        upstream_url,
        env=clean,
        cwd=ROOT,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    handle: BridgeProcess | None = None
    reader: asyncio.Task[None] | None = None
    try:
        before: list[dict[str, object]] = []
        async with asyncio.timeout(30):
            while handle is None:
                line = await process.stderr.readline()
                assert line, "the bridge exited before serving"
                record = json.loads(line)
                before.append(record)
                if record.get("event") == "serving" and "worker" not in record:
                    handle = BridgeProcess(int(record["port"]), process, before)

        async def read_lines() -> None:
            assert process.stderr is not None and handle is not None
            while line := await process.stderr.readline():
                with contextlib.suppress(ValueError):
                    handle.lines.append(json.loads(line))

        reader = asyncio.create_task(read_lines())
        yield handle
    finally:
        if process.returncode is None:
            process.kill()
        await process.wait()
        if reader is not None:
            await reader
