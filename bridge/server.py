"""The gRPC server: the service, health, reflection, and a graceful stop."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from dataclasses import dataclass

import grpc
import grpc.aio
import structlog
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from bridge.config import Settings
from bridge.servicer import ResponsesServicer
from bridge.upstream import UpstreamClient
from rbridge.responses.v1 import responses_service_pb2, responses_service_pb2_grpc

__all__ = ["RunningBridge", "run", "start"]

log = structlog.get_logger("bridge.server")

SERVICE_NAME = responses_service_pb2.DESCRIPTOR.services_by_name["ResponsesService"].full_name


@dataclass
class RunningBridge:
    """A started bridge: its server, bound port, health and upstream pool."""

    server: grpc.aio.Server
    port: int
    health: health.aio.HealthServicer
    upstream: UpstreamClient

    async def stop(self, grace: float | None) -> None:
        """Report NOT_SERVING, let calls in flight finish for `grace` seconds, close."""
        await self.health.enter_graceful_shutdown()
        await self.server.stop(grace)
        await self.upstream.aclose()


async def start(settings: Settings, upstream: UpstreamClient | None = None) -> RunningBridge:
    """Build and start the server on `settings.listen`; port 0 picks a free one."""
    options = [
        ("grpc.max_receive_message_length", settings.max_message_bytes),
        ("grpc.max_send_message_length", settings.max_message_bytes),
    ]
    server = grpc.aio.server(options=options)
    upstream = upstream or UpstreamClient(settings)
    # The generated registration function has no type annotations.
    responses_service_pb2_grpc.add_ResponsesServiceServicer_to_server(  # type: ignore[no-untyped-call]
        ResponsesServicer(upstream), server
    )
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    if settings.reflection:
        reflection.enable_server_reflection(
            (SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), server
        )
    port = server.add_insecure_port(settings.listen)
    if port == 0:
        raise OSError(f"cannot listen on {settings.listen}")
    await server.start()
    for name in ("", SERVICE_NAME):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    return RunningBridge(server=server, port=port, health=health_servicer, upstream=upstream)


async def run(settings: Settings) -> None:
    """Serve until SIGTERM or SIGINT, then stop gracefully."""
    from bridge.logs import configure

    configure(settings.log_level, settings.log_format)
    bridge = await start(settings)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stopping.set)
    log.info("serving", listen=settings.listen, port=bridge.port, upstream=settings.upstream_url)
    await stopping.wait()
    log.info("draining", grace_seconds=settings.grace_seconds)
    await bridge.stop(settings.grace_seconds)
    log.info("stopped")
