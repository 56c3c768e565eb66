"""`bridge dev` (what `make run` starts): the bridge, and the simulator unless
an upstream is configured, in one process; and the busy-port checks every
command makes before it listens.

Before listening, every address is checked with `check_free`, so that a port
taken by anything else ends in one line naming it and a free one rather than
in a traceback. `bridge serve --workers` holds its port with `reserve`: bound
once without SO_REUSEPORT, so nothing else may be listening there, and then
shared with its workers only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import os
import signal
import socket
from collections.abc import Callable
from typing import TYPE_CHECKING

from bridge.config import Settings, parse_hostport

if TYPE_CHECKING:
    from bridge.simulator import SimulatorOptions

__all__ = ["PortInUse", "check_free", "reserve", "run_dev"]

# How far past a taken port `check_free` looks for a free one to suggest.
_SEARCH = 50


class PortInUse(OSError):
    """A listen address is taken. `role` names what wanted it: "bridge",
    "simulator" or "health"; `alternative` is a free address to suggest."""

    def __init__(self, address: str, role: str, alternative: str) -> None:
        super().__init__(errno.EADDRINUSE, f"{address} is already in use")
        self.address = address
        self.role = role
        self.alternative = alternative


def _bind(host: str, port: int, *, reuse_address: bool = True) -> list[socket.socket]:
    """Sockets bound to every address of host:port without SO_REUSEPORT, so a bind fails
    while anything listens there, with or without it (port 0: one free port for all).
    With `reuse_address`, connections of a stopped server lingering in TIME_WAIT do not
    count; without, they do, and so does any socket bound there.

    Raises:
        OSError: EADDRINUSE when taken; else the error of the last address, when
            none could be bound (addresses the host does not have are skipped, as
            gRPC skips them).
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    bound: list[socket.socket] = []
    failure: OSError | None = None
    try:
        for family, kind, proto, _, address in infos:
            sock = socket.socket(family, kind, proto)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, int(reuse_address))
            if port == 0 and bound:
                address = (address[0], bound[0].getsockname()[1], *address[2:])
            try:
                sock.bind(address)
            except OSError as exc:
                sock.close()
                if exc.errno == errno.EADDRINUSE:
                    raise
                failure = exc
            else:
                bound.append(sock)
    except BaseException:
        for sock in bound:
            sock.close()
        raise
    if not bound:
        raise failure or OSError(errno.EADDRNOTAVAIL, f"no address for {host}")
    return bound


def _taken(host: str, port: int) -> bool:
    """Whether something listens on host:port."""
    try:
        bound = _bind(host, port)
    except OSError as exc:
        # Anything but a taken port (an unknown host, say) the server reports itself.
        return exc.errno == errno.EADDRINUSE
    for sock in bound:
        sock.close()
    return False


def _in_use(address: str, host: str, port: int, role: str) -> PortInUse:
    shown = f"[{host}]" if ":" in host else host
    alternative = next(
        (
            f"{shown}:{candidate}"
            for candidate in range(port + 1, min(port + _SEARCH, 65535) + 1)
            if not _taken(host, candidate)
        ),
        f"{shown}:0",
    )
    return PortInUse(address, role, alternative)


def check_free(address: str, role: str) -> None:
    """Raise `PortInUse` when `address` (host:port) is taken; port 0 is always free."""
    host, port = parse_hostport(address)
    if port == 0 or not _taken(host, port):
        return
    raise _in_use(address, host, port, role)


def reserve(address: str, role: str) -> list[socket.socket]:
    """Hold `address` for a group of servers sharing it with SO_REUSEPORT: sockets bound
    without it (so nothing may be listening there), then given it, so that the group's
    servers, and only servers sharing it, can bind beside them. They never listen; port 0
    picks the port. Close them when the group is done.

    Bound without SO_REUSEADDR too where the port allows, since a server with it (gRPC's
    are) could otherwise bind beside sockets that do not listen yet; where connections of
    an earlier server linger in TIME_WAIT it is bound with it, and a server without
    SO_REUSEPORT is kept out only once the group listens.

    Raises:
        PortInUse: the address is taken.
        OSError: it cannot be bound at all (an unknown host, an address not here).
    """
    host, port = parse_hostport(address)
    try:
        try:
            bound = _bind(host, port, reuse_address=False)
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise
            bound = _bind(host, port)
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise _in_use(address, host, port, role) from None
        raise OSError(f"cannot listen on {address}: {exc.strerror or exc}") from None
    for sock in bound:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    return bound


async def run_dev(
    args: argparse.Namespace,
    settings_for: Callable[..., Settings],
    simulator: SimulatorOptions,
) -> None:
    """Start the simulator (if needed) and the bridge; serve until SIGINT/SIGTERM.

    Raises:
        PortInUse: an address is taken; nothing was started.
    """
    from bridge.logs import configure
    from bridge.server import start

    configured = (
        args.upstream_url
        or os.environ.get("BRIDGE_UPSTREAM_URL")
        or os.environ.get("OPENAI_BASE_URL")
    )
    settings = settings_for(args)
    check_free(settings.listen, "bridge")
    if settings.health_listen:
        check_free(settings.health_listen, "health")
    runner = None
    if not configured:
        from bridge.simulator import start as start_simulator

        check_free(args.simulator_listen, "simulator")
        host, port = parse_hostport(args.simulator_listen)
        runner, port = await start_simulator(host, port, simulator)
        shown = f"[{host}]" if ":" in host else host
        settings = settings_for(args, upstream_url=f"http://{shown}:{port}/v1")
        print(f"simulator listening on http://{shown}:{port}/v1", flush=True)
    configure(settings.log_level, settings.log_format)
    try:
        bridge = await start(settings)
    except BaseException:
        if runner is not None:
            await runner.cleanup()
        raise
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
