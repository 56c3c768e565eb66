"""The gRPC server: the service, health, reflection, and a graceful stop."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import grpc
import grpc.aio
import structlog
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from bridge import compiled
from bridge.auth import TokenAuthenticator, server_credentials
from bridge.budget import RequestBudget
from bridge.config import ConfigError, Settings
from bridge.edge import EdgeInterceptor
from bridge.memory import settle
from bridge.redact import SECRETS
from bridge.routing import Router, RoutesFile, RoutesFileError, UpstreamSpec, parse_routes
from bridge.servicer import ResponsesServicer, ServiceOptions
from bridge.session.service import SessionOptions, Sessions
from bridge.upstream import UpstreamClient, UpstreamOptions
from rbridge.responses.v1 import responses_service_pb2, responses_service_pb2_grpc

if TYPE_CHECKING:
    from bridge.telemetry.prometheus import Exposition, MetricsServer
    from bridge.workers import Worker

__all__ = [
    "SERVICE_NAME",
    "RunningBridge",
    "router",
    "run",
    "serve_health",
    "serve_metrics",
    "server_options",
    "start",
    "upstream_options",
]

log = structlog.get_logger("bridge.server")

SERVICE_NAME = responses_service_pb2.DESCRIPTOR.services_by_name["ResponsesService"].full_name


@dataclass
class RunningBridge:
    """A started bridge: its server, bound port, health and upstreams (`upstream` is the
    default one's client, the only one without a routes file)."""

    server: grpc.aio.Server
    port: int
    health: health.aio.HealthServicer
    upstream: UpstreamClient
    router: Router
    health_server: grpc.aio.Server | None = None
    sessions: Sessions | None = None

    async def stop(self, grace: float | None) -> None:
        """Report NOT_SERVING, stop accepting, let calls in flight finish for
        `grace` seconds (sessions start no new responses), cancel the rest, then close
        the upstream pools."""
        await self.health.enter_graceful_shutdown()
        if self.sessions is not None:
            self.sessions.drain(grace or 0.0)
        await self.server.stop(grace)
        if self.health_server is not None:
            await self.health_server.stop(None)
        await self.router.aclose()


async def start(
    settings: Settings, upstream: UpstreamClient | None = None, *, share_port: bool = False
) -> RunningBridge:
    """Build and start the server on `settings.listen`; port 0 picks a free one. Only with
    `share_port` (the workers of `bridge serve --workers`) may other servers bind it too."""
    from bridge.telemetry.setup import hooks

    SECRETS.add(*settings.secrets())
    # Spans, metrics and the access log, as the process's OTEL_* setup and
    # these settings ask (nothing at all when all three are off).
    telemetry = hooks(settings)
    edge = EdgeInterceptor(
        service=SERVICE_NAME,
        max_message_bytes=settings.max_message_bytes,
        budget=RequestBudget(settings.max_inflight_request_bytes, settings.max_message_bytes),
        authenticator=(
            TokenAuthenticator(settings.auth_tokens_file) if settings.auth_tokens_file else None
        ),
        telemetry=telemetry.rpc,
    )
    # Everything the settings can get wrong is found before a gRPC server exists: grpc
    # cannot stop a server that never started, and one freed unstopped logs itself from
    # its deallocator (see bridge.logs).
    credentials = server_credentials(
        settings.tls_cert_file, settings.tls_key_file, settings.tls_client_ca_file
    )
    routing = _routing(settings, upstream)
    service = ServiceOptions(
        max_call_seconds=settings.max_call_seconds,
        cancel_background=settings.cancel_background,
        max_message_bytes=settings.max_message_bytes,
        caller_key_header=settings.caller_api_key_header,
    )
    sessions = Sessions(
        routing,
        SessionOptions(
            max_sessions=settings.max_sessions,
            max_lanes=settings.session_max_lanes,
            max_call_seconds=settings.max_call_seconds,
        ),
        telemetry.telemetry,
    )
    server = grpc.aio.server(
        options=server_options(settings, share_port=share_port),
        compression=grpc.Compression.Gzip if settings.gzip else None,
        interceptors=[edge],
    )
    services = _GenericOnly(server)
    # The generated registration function has no type annotations.
    responses_service_pb2_grpc.add_ResponsesServiceServicer_to_server(  # type: ignore[no-untyped-call]
        ResponsesServicer(routing, service, telemetry=telemetry.telemetry, sessions=sessions),
        services,
    )
    health_servicer = health.aio.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, services)
    if settings.reflection:
        # Its one method stays registered: reflection tells aio servers by their type.
        reflection.enable_server_reflection(
            (SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME), server
        )
    health_server = None
    try:
        if credentials is None:
            port = server.add_insecure_port(settings.listen)
        else:
            port = server.add_secure_port(settings.listen, credentials)
        if port == 0:
            raise OSError(f"cannot listen on {settings.listen}")
        telemetry.bind(settings.listen, port)
        if settings.health_listen:
            # Probes dial the pod IP while the API may listen on loopback only.
            health_server = await serve_health(settings.health_listen, health_servicer)
        await server.start()
    except BaseException:
        # A start that fails (the port is taken) leaves no server serving and no pool open.
        if health_server is not None:
            await health_server.stop(None)
        await server.stop(None)
        if upstream is None:
            await routing.aclose()
        raise
    for name in ("", SERVICE_NAME):
        await health_servicer.set(name, health_pb2.HealthCheckResponse.SERVING)
    return RunningBridge(
        server=server,
        port=port,
        health=health_servicer,
        upstream=routing.default.client,
        health_server=health_server,
        router=routing,
        sessions=sessions,
    )


def _routing(settings: Settings, upstream: UpstreamClient | None) -> Router:
    """Every call to `upstream` when given, else the routes file's upstreams, else the one
    upstream of the settings.

    Raises:
        ConfigError: the routes file or the upstream settings cannot be used.
    """
    if upstream is not None:
        return Router.single(upstream)
    if settings.routes_file:
        return router(settings)
    from bridge.telemetry.http import request_hooks

    try:
        return Router.single(UpstreamClient(upstream_options(settings), hooks=request_hooks()))
    except ValueError as exc:
        raise ConfigError([str(exc)]) from None


class _GenericOnly:
    """A server as the generated `add_*Servicer_to_server` functions see it, which adds
    their handlers as generic handlers only.

    Those functions also register each method with gRPC ("registered methods"), and
    grpc.aio then keeps one pending request per registered method and waits on all of
    them together for every call that arrives: a cost per call that grows with the
    number of methods (over twenty here). Generic handlers share one pending request
    and are found by name in a dict.
    """

    def __init__(self, server: grpc.aio.Server) -> None:
        self._server = server

    def add_generic_rpc_handlers(self, handlers: Sequence[grpc.GenericRpcHandler]) -> None:
        self._server.add_generic_rpc_handlers(handlers)

    def add_registered_method_handlers(
        self, service: str, handlers: dict[str, grpc.RpcMethodHandler[Any, Any]]
    ) -> None:
        """Nothing: the same handlers came through `add_generic_rpc_handlers`."""


async def serve_health(address: str, servicer: health.aio.HealthServicer) -> grpc.aio.Server:
    """A started server answering only the health service on `address`, a port it shares
    with no other server."""
    server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])
    health_pb2_grpc.add_HealthServicer_to_server(servicer, _GenericOnly(server))
    if server.add_insecure_port(address) == 0:
        raise OSError(f"cannot listen on {address}")
    await server.start()
    return server


async def serve_metrics(
    exposition: Exposition, settings: Settings, worker: Worker | None = None
) -> MetricsServer:
    """The Prometheus endpoint of this process's `exposition`: on `settings.metrics_listen`,
    or, for a `worker`, on the Unix socket its parent's endpoint asks.

    Raises:
        OSError: the address cannot be bound.
    """
    from pathlib import Path

    from bridge.telemetry.prometheus import serve

    async def render() -> bytes:
        return exposition.render()

    if worker is not None and worker.metrics_socket:
        return await serve(render, unix_socket=Path(worker.metrics_socket))
    server = await serve(render, address=settings.metrics_listen)
    log.info("metrics_serving", metrics_listen=settings.metrics_listen, port=server.port)
    return server


def router(settings: Settings, env: Mapping[str, str] | None = None) -> Router:
    """The upstreams and routes of `settings.routes_file`: each upstream has the
    settings' upstream defaults unless the file says otherwise, its own HTTP spans and
    metrics, and the routing metrics when metrics are on.

    Raises:
        ConfigError: listing every problem of the file.
    """
    from bridge.telemetry.attributes import UPSTREAM
    from bridge.telemetry.http import request_hooks
    from bridge.telemetry.routing import RoutingMetrics
    from bridge.telemetry.setup import current

    defaults = upstream_options(settings)
    environment = os.environ if env is None else env
    http = request_hooks()

    def parse(data: bytes) -> RoutesFile:
        return parse_routes(
            data,
            defaults=defaults,
            env=environment,
            caller_key_header=settings.caller_api_key_header,
        )

    def make_client(spec: UpstreamSpec) -> UpstreamClient:
        hooks = http.labelled({UPSTREAM: spec.name}) if http is not None else None
        return UpstreamClient(spec.options, hooks=hooks)

    where = f"BRIDGE_ROUTES_FILE ({settings.routes_file})"
    try:
        routing = Router.from_file(settings.routes_file, parse=parse, make_client=make_client)
    except RoutesFileError as exc:
        raise ConfigError([f"{where}: {problem}" for problem in exc.problems]) from None
    except ValueError as exc:
        raise ConfigError([f"{where}: {exc}"]) from None
    meter = current().meter()
    if meter is not None:
        routing.events = RoutingMetrics(meter, routing.ejected, lambda: routing.upstreams())
    return routing


def upstream_options(settings: Settings) -> UpstreamOptions:
    """The upstream of a bridge configured by `settings` (the BRIDGE_UPSTREAM_* and
    related variables)."""
    return UpstreamOptions(
        base_url=settings.upstream_url,
        profile=settings.profile,
        api_key=settings.api_key,
        api_key_file=settings.api_key_file,
        caller_key_header=settings.caller_api_key_header if settings.caller_api_key else None,
        forward_headers=settings.forward_headers,
        connect_timeout=settings.connect_timeout,
        first_event_timeout=settings.first_byte_timeout,
        read_timeout=settings.read_timeout,
        max_retries=settings.max_retries,
        retry_budget_percent=settings.retry_budget_percent,
        max_connections=settings.max_connections,
        http2=settings.http2,
        ca_bundle=settings.ca_bundle,
        proxy=settings.proxy,
        wire=settings.wire,
        max_body_bytes=settings.max_message_bytes,
    )


def server_options(settings: Settings, *, share_port: bool = False) -> list[tuple[str, int]]:
    """gRPC channel arguments: sizes, concurrency, keepalive, connection age, and whether
    the port is shared (SO_REUSEPORT)."""
    options = [
        ("grpc.max_receive_message_length", settings.max_message_bytes),
        ("grpc.max_send_message_length", settings.max_message_bytes),
        ("grpc.max_concurrent_streams", settings.max_concurrent_streams),
        ("grpc.keepalive_time_ms", int(settings.keepalive_seconds * 1000)),
        ("grpc.keepalive_timeout_ms", 20_000),
        ("grpc.keepalive_permit_without_calls", 1),
        # Pings more often than this are answered with GOAWAY(too_many_pings).
        (
            "grpc.http2.min_ping_interval_without_data_ms",
            int(settings.min_client_ping_seconds * 1000),
        ),
        ("grpc.http2.max_ping_strikes", 2),
        # Without BDP probing, a stream whose request the edge has not asked
        # for yet stays at the initial flow-control window: unadmitted
        # requests wait in the client, not in this process's memory.
        ("grpc.http2.bdp_probe", 0),
        # gRPC's default, on, lets a second server on a taken port share it silently;
        # only the workers of one `bridge serve --workers` share theirs (bridge.workers).
        ("grpc.so_reuseport", int(share_port)),
    ]
    if settings.max_connection_age_seconds > 0:
        options += [
            ("grpc.max_connection_age_ms", int(settings.max_connection_age_seconds * 1000)),
            ("grpc.max_connection_age_grace_ms", int(settings.grace_seconds * 1000)),
        ]
    return options


# The longest the final telemetry export may take at shutdown.
_EXPORT_SECONDS = 2.0


async def run(settings: Settings, worker: Worker | None = None) -> None:
    """Serve until SIGTERM or SIGINT, then stop gracefully. As a `worker` of `bridge
    serve --workers`, name the worker in every log line and as the telemetry's
    instance, tell the parent once serving, and stop if the parent goes."""
    from bridge.logs import configure
    from bridge.telemetry.setup import from_env, install

    configure(
        settings.log_level,
        settings.log_format,
        fields=None if worker is None else worker.log_fields,
    )
    # Tracer and meter providers from the OTEL_* variables, also made the
    # global ones so any other instrumented library reports through them.
    # The Prometheus endpoint reads the same metrics: on its own port, or for a worker
    # on the socket its parent's endpoint asks.
    exposition = None
    scraped = settings.metrics_listen or (worker is not None and worker.metrics_socket)
    if scraped:
        from bridge.telemetry.prometheus import Exposition

        exposition = Exposition()
    observability = from_env(
        instance_id=None if worker is None else worker.instance_id,
        readers=[exposition.reader] if exposition is not None else (),
    )
    observability.set_global()
    install(observability)
    stop_started = 0.0
    metrics: MetricsServer | None = None
    try:
        bridge = await start(settings, share_port=worker is not None)
        if exposition is not None:
            metrics = await serve_metrics(exposition, settings, worker)
        stopping = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stopping.set)
        settle()
        upstreams = (
            {"upstreams": sorted(bridge.router.upstreams())}
            if bridge.router.routed
            else {"upstream": settings.upstream_url}
        )
        log.info(
            "serving",
            listen=settings.listen,
            port=bridge.port,
            compiled=compiled.status().compiled,
            **upstreams,
        )
        if worker is not None:
            worker.serving(stopping.set)
        await stopping.wait()
        log.info("draining", grace_seconds=settings.grace_seconds)
        stop_started = time.monotonic()
        await bridge.stop(settings.grace_seconds)
        log.info("stopped")
    finally:
        if metrics is not None:
            await metrics.stop()
        # Export what the last calls recorded, within what is left of the
        # grace period (2 s at most): a collector that cannot be reached must
        # not hold the pod past terminationGracePeriodSeconds.
        left = settings.grace_seconds - (time.monotonic() - stop_started) if stop_started else 2.0
        budget = min(_EXPORT_SECONDS, max(0.1, left))
        if not await asyncio.to_thread(observability.shutdown, budget):
            log.warning("telemetry_not_flushed", seconds=budget)
