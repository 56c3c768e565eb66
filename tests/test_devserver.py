"""The busy-port checks: `check_free` before a server listens, and `reserve`, which holds a port
for the workers of `bridge serve --workers` and for them only. (`bridge dev` itself runs in
tests/test_cli.py.)"""

from __future__ import annotations

import errno
import socket
from collections.abc import Callable

import grpc.aio
import pytest
from grpc_health.v1 import health, health_pb2_grpc

from bridge.devserver import PortInUse, check_free, reserve


async def _binds(port: int, reuseport: int) -> bool:
    """Whether a gRPC server with this `grpc.so_reuseport` can bind 127.0.0.1:`port`."""
    server = grpc.aio.server(options=[("grpc.so_reuseport", reuseport)])
    health_pb2_grpc.add_HealthServicer_to_server(health.aio.HealthServicer(), server)
    try:
        server.add_insecure_port(f"127.0.0.1:{port}")
    except RuntimeError:
        return False
    await server.start()
    await server.stop(None)
    return True


async def test_a_reserved_port_admits_only_servers_that_share() -> None:
    """`reserve` picks a port for 127.0.0.1:0 and holds it: workers binding with SO_REUSEPORT
    join it, while a server without it, or a plain socket, cannot bind."""
    held = reserve("127.0.0.1:0", "bridge")
    try:
        port = held[0].getsockname()[1]
        assert port != 0
        with socket.socket() as plain, pytest.raises(OSError):
            plain.bind(("127.0.0.1", port))
        assert await _binds(port, reuseport=1)
        assert not await _binds(port, reuseport=0)
    finally:
        for sock in held:
            sock.close()


def test_a_port_anything_listens_on_cannot_be_reserved() -> None:
    """A port with a listener, even one that allows sharing (SO_REUSEPORT), is refused with
    `PortInUse`, naming a free port to use instead; `check_free` says the same."""
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        address = f"127.0.0.1:{listener.getsockname()[1]}"
        for attempt in (lambda: reserve(address, "bridge"), lambda: check_free(address, "bridge")):
            assert _suggests_a_free_port(attempt, address)


def _suggests_a_free_port(attempt: Callable[[], object], address: str) -> bool:
    """Whether `attempt` refuses `address` with `PortInUse` naming a port this test can
    listen on as a server does (SO_REUSEADDR, as gRPC sets it: a client connection of the
    suite's using that port as its own end does not keep a server off it). Other processes
    (the suite's other workers among them) take ports too, so a port free when suggested may
    be gone a moment later: up to three suggestions are tried."""
    for _ in range(3):
        with pytest.raises(PortInUse) as taken:
            attempt()
        assert (taken.value.address, taken.value.role) == (address, "bridge")
        host, _, port = taken.value.alternative.rpartition(":")
        assert int(port) > 0
        with socket.socket() as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((host, int(port)))
                probe.listen()
            except OSError as exc:
                assert exc.errno == errno.EADDRINUSE
                continue
            return True
    return False


def test_an_address_the_host_lacks_cannot_be_reserved() -> None:
    """An address that is not this host's is an OSError naming it, not a port in use."""
    with pytest.raises(OSError, match=r"^cannot listen on 192\.0\.2\.1:0: ") as failure:
        reserve("192.0.2.1:0", "bridge")
    assert not isinstance(failure.value, PortInUse)
