"""Run `bridge serve` in this process and answer stats requests on a loopback socket.

`python -m tools.harness.bridge_main` reads its settings from the environment, as
`bridge serve` does, and runs `bridge.server.run` on uvloop, unchanged. Beside it, in the
same event loop, a loopback TCP server answers each line it receives with one JSON line:
the process's asyncio task count (its own stats task excluded), open file descriptors,
RSS and peak RSS. The first line on stdout is ``STATS <port>``; nothing else is written
there. With ``HARNESS_CPROFILE`` set to a path, the bridge runs under cProfile, which
writes its statistics there when the bridge stops.
"""

from __future__ import annotations

import asyncio
import contextlib
import cProfile
import json
import os
import sys
from typing import Any

from tools.harness.aio import run
from tools.harness.procfs import fd_count, memory_kib

__all__ = ["PROFILE_VARIABLE", "main", "stats"]

PROFILE_VARIABLE = "HARNESS_CPROFILE"


def stats() -> dict[str, Any]:
    """This process's asyncio tasks, fds and memory, as one JSON-able mapping."""
    current = asyncio.current_task()
    tasks = [task for task in asyncio.all_tasks() if task is not current]
    memory = memory_kib(os.getpid())
    return {
        "pid": os.getpid(),
        "tasks": len(tasks),
        "fds": fd_count(os.getpid()),
        "rss_kib": memory.get("VmRSS"),
        "hwm_kib": memory.get("VmHWM"),
    }


async def _answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while await reader.readline():
            writer.write(json.dumps(stats()).encode() + b"\n")
            await writer.drain()
    writer.close()


async def _main() -> int:
    from bridge.config import ConfigError, Settings
    from bridge.server import run

    try:
        settings = Settings.load(flags={}, env=os.environ)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    server = await asyncio.start_server(_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    print(f"STATS {port}", flush=True)
    profile_path = os.environ.get(PROFILE_VARIABLE)
    profiler = cProfile.Profile() if profile_path else None
    async with server:
        if profiler is not None:
            profiler.enable()
        try:
            await run(settings)
        finally:
            if profiler is not None and profile_path:
                profiler.disable()
                profiler.dump_stats(profile_path)
    return 0


def main() -> int:
    """Entry point: serve until SIGTERM or SIGINT, as `bridge serve` does."""
    return run(_main())


if __name__ == "__main__":
    sys.exit(main())
