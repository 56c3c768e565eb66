"""`bridge dev` (what `make run` starts): the bridge, and the simulator unless
an upstream is configured, in one process."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
from collections.abc import Callable

from bridge.config import Settings, parse_hostport
from bridge.logs import configure
from bridge.server import start

__all__ = ["run_dev"]


async def run_dev(args: argparse.Namespace, settings_for: Callable[..., Settings]) -> None:
    """Start the simulator (if needed) and the bridge; serve until SIGINT/SIGTERM."""
    configured = (
        args.upstream_url
        or os.environ.get("BRIDGE_UPSTREAM_URL")
        or os.environ.get("OPENAI_BASE_URL")
    )
    runner = None
    if configured:
        settings = settings_for(args)
        configure(settings.log_level, settings.log_format)
    else:
        from bridge.simulator import SimulatorOptions
        from bridge.simulator import start as start_simulator

        host, port = parse_hostport(args.simulator_listen)
        runner, port = await start_simulator(
            host, port, SimulatorOptions(token_delay=args.token_delay)
        )
        settings = settings_for(args, upstream_url=f"http://{host}:{port}/v1")
        configure(settings.log_level, settings.log_format)
        print(f"simulator listening on http://{host}:{port}/v1", flush=True)
    bridge = await start(settings)
    print(
        f"bridge listening on {settings.listen} -> {settings.upstream_url}\n"
        "try, in another terminal:\n"
        f"  .venv/bin/bridge ask --target {settings.listen} 'Hello, bridge'\n"
        f"  .venv/bin/bridge ask --target {settings.listen} --stream 'Count 40 words please'\n"
        "stop with Ctrl-C",
        flush=True,
    )
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stopping.set)
    try:
        await stopping.wait()
    finally:
        await bridge.stop(settings.grace_seconds)
        if runner is not None:
            await runner.cleanup()
