"""Running a server's main coroutine as `bridge serve` does: on uvloop when installed, until
SIGTERM or SIGINT."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Coroutine
from typing import Any, TypeVar

__all__ = ["loop_name", "run", "until_signalled"]

T = TypeVar("T")


def run(main: Coroutine[Any, Any, T]) -> T:
    """Run `main` to its end on uvloop, else on asyncio's own loop."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is absent on Windows
        return asyncio.run(main)
    return uvloop.run(main)


def loop_name() -> str:
    """The event loop `run` uses: uvloop or asyncio."""
    try:
        import uvloop  # noqa: F401
    except ImportError:  # pragma: no cover - uvloop is absent on Windows
        return "asyncio"
    return "uvloop"


async def until_signalled() -> None:
    """Return once the process receives SIGTERM or SIGINT."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
