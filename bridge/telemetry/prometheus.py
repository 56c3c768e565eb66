"""The Prometheus scrape endpoint: the bridge's OpenTelemetry metrics in Prometheus's text format.

Off unless `BRIDGE_METRICS_LISTEN` names an address. Then `GET /metrics` on that address (its
own port, like the health port) answers with every metric the bridge records, whatever the
OTLP setup: OpenTelemetry's Prometheus reader turns them into Prometheus families when asked
(`gen_ai.client.operation.duration` in seconds becomes `gen_ai_client_operation_duration_seconds`,
a counter gains `_total`, resource attributes go to `target_info`), on a registry of the
bridge's own rather than prometheus-client's global one.

With `bridge serve --workers N` one endpoint covers the pool. Each worker serves its own
exposition on a Unix socket in a directory the parent made; the parent's endpoint asks every
worker at each scrape, adds `worker="<number>"` to each of its series and answers with all of
them, each family once. Series are never summed across workers: a worker that restarts starts
its counters at zero, which Prometheus's `rate` reads as a reset of that worker's series only.
`bridge_worker_scrape_up{worker}` is 1 for each worker that answered, 0 for one that did not
(restarting, or too slow); the scrape still answers with the others.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Final

import aiohttp
from aiohttp import web
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_PLAIN_0_0_4
from prometheus_client.metrics_core import Metric
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from bridge.config import parse_hostport

__all__ = [
    "PATH",
    "WORKER_LABEL",
    "WORKER_UP",
    "Exposition",
    "MetricsServer",
    "WorkerScraper",
    "merge",
    "serve",
]

PATH: Final = "/metrics"
WORKER_LABEL: Final = "worker"
WORKER_UP: Final = "bridge_worker_scrape_up"
# A worker that does not answer within this is left out of one scrape; Prometheus's own
# scrape timeout is 10 s by default.
WORKER_TIMEOUT_SECONDS: Final = 5.0
# The format `generate_latest` writes (prometheus-client's "latest" names 1.0.0, which
# Prometheus before 3.0 does not know).
_CONTENT_TYPE: Final = CONTENT_TYPE_PLAIN_0_0_4


class Exposition:
    """One process's metrics as Prometheus text: a reader for its MeterProvider, and
    what it has recorded, rendered on demand.

    Usage::

        exposition = Exposition()
        provider = MeterProvider(metric_readers=[exposition.reader])
        text = exposition.render()
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        # Every instrument is the bridge's own scope: otel_scope_* labels would say nothing.
        self.reader = PrometheusMetricReader(registry=self.registry, scope_info_enabled=False)

    def render(self) -> bytes:
        """Every metric recorded so far, in the text format (observable instruments are
        observed now)."""
        return generate_latest(self.registry)


class _Families:
    """A collector yielding fixed metric families (prometheus-client renders collectors)."""

    def __init__(self, families: Iterable[Metric]) -> None:
        self._families = list(families)

    def collect(self) -> Iterator[Metric]:
        return iter(self._families)


def merge(expositions: Mapping[int, bytes | None]) -> bytes:
    """The expositions of several workers (by number; None: it did not answer) as one:
    each series labelled with its worker, each family once, and `bridge_worker_scrape_up`."""
    families: dict[tuple[str, str], Metric] = {}
    up = Metric(WORKER_UP, "1 when the worker answered this scrape, else 0.", "gauge")
    for index in sorted(expositions):
        text = expositions[index]
        worker = str(index)
        up.add_sample(WORKER_UP, {WORKER_LABEL: worker}, 0.0 if text is None else 1.0)
        if text is None:
            continue
        for family in text_string_to_metric_families(text.decode("utf-8")):
            merged = families.get((family.name, family.type))
            if merged is None:
                merged = families[(family.name, family.type)] = Metric(
                    family.name, family.documentation, family.type, family.unit
                )
            merged.samples += [
                Sample(s.name, {**s.labels, WORKER_LABEL: worker}, s.value, s.timestamp)
                for s in family.samples
            ]
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Families([*families.values(), up]))
    return generate_latest(registry)


class WorkerScraper:
    """The parent's side of a pool's endpoint: asks each worker's socket, merges the answers.

    `sockets` is read at each scrape (workers come and go).
    """

    def __init__(self, sockets: Callable[[], Mapping[int, Path]]) -> None:
        self._sockets = sockets

    async def render(self) -> bytes:
        """One exposition of every worker that answers in time."""
        sockets = dict(self._sockets())
        answers = await asyncio.gather(*(self._ask(path) for path in sockets.values()))
        return merge(dict(zip(sockets, answers, strict=True)))

    @staticmethod
    async def _ask(path: Path) -> bytes | None:
        try:
            async with (
                asyncio.timeout(WORKER_TIMEOUT_SECONDS),
                aiohttp.ClientSession(connector=aiohttp.UnixConnector(path=str(path))) as session,
                session.get(f"http://worker{PATH}") as response,
            ):
                if response.status != 200:
                    return None
                return await response.read()
        except (OSError, TimeoutError, aiohttp.ClientError):
            return None


class MetricsServer:
    """A started scrape endpoint; `port` is the TCP port bound (None on a Unix socket)."""

    def __init__(self, runner: web.AppRunner, port: int | None) -> None:
        self._runner = runner
        self.port = port

    async def stop(self) -> None:
        """Close the listener and any scrape in progress."""
        await self._runner.cleanup()


async def serve(
    render: Callable[[], Awaitable[bytes]],
    *,
    address: str | None = None,
    unix_socket: Path | None = None,
) -> MetricsServer:
    """Serve `GET /metrics` with what `render` returns, on TCP `address` ("host:port", port 0
    picks one) or `unix_socket` (a stale socket file there is replaced).

    Raises:
        OSError: the address cannot be bound.
    """

    async def metrics(request: web.Request) -> web.StreamResponse:
        response = web.Response(body=await render(), headers={"Content-Type": _CONTENT_TYPE})
        # Prometheus asks for gzip; a large pool's exposition shrinks tenfold.
        response.enable_compression()
        return response

    app = web.Application()
    app.router.add_get(PATH, metrics)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site: web.BaseSite
        if unix_socket is not None:
            # A worker restarted in place of one that died finds its socket file there.
            with contextlib.suppress(FileNotFoundError):
                os.unlink(unix_socket)
            site = web.UnixSite(runner, str(unix_socket))
            await site.start()
            return MetricsServer(runner, None)
        assert address is not None
        host, port = parse_hostport(address)
        # No SO_REUSEPORT: a second bridge on a taken port must fail, not share it.
        site = web.TCPSite(runner, host, port, reuse_port=False)
        await site.start()
        return MetricsServer(runner, int(runner.addresses[0][1]))
    except BaseException:
        await runner.cleanup()
        raise
