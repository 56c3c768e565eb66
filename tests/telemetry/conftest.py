"""Fixtures of the telemetry tests: in-memory and OTLP exporters, a header-recording
simulator, bridges with a known API key, and captured log output."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import pytest
from aiohttp import web
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from bridge.budget import RequestBudget
from bridge.edge import EdgeInterceptor
from bridge.simulator import SimulatorOptions, build_app
from bridge.telemetry import setup
from bridge.telemetry.rpc import RpcTelemetry
from rbridge.responses.v1 import responses_service_pb2
from tests.support import Bridges, Running
from tools.harness.otlp import OTLPReceiver

SECRET = "sk-test-SECRET-4f1c2b9a7e6d5c3b"
FAIL_MODEL = "fail-401"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
CALLER_SPAN_ID = "00f067aa0ba902b7"
TRACEPARENT = f"00-{TRACE_ID}-{CALLER_SPAN_ID}-01"
CALLER_METADATA = (("traceparent", TRACEPARENT), ("baggage", "tenant=acme"), ("x-caller", "svc-a"))


@dataclass
class Recorded:
    """One request the upstream received."""

    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Upstream:
    """The recording simulator: its base URL and what it received."""

    url: str
    port: int
    requests: list[Recorded] = field(default_factory=list)


@pytest.fixture
async def upstream() -> AsyncIterator[Upstream]:
    """The simulator (paced streams), recording headers; model "fail-401" gets a 401
    whose body echoes the Authorization header, as a careless gateway would."""
    app = build_app(SimulatorOptions(token_delay=0.002))
    recorded: list[Recorded] = []

    @web.middleware
    async def record(request: web.Request, handler: Any) -> web.StreamResponse:
        raw = await request.read()
        body = orjson.loads(raw) if raw else {}
        recorded.append(Recorded(dict(request.headers.items()), body))
        if body.get("model") == FAIL_MODEL:
            echoed = request.headers.get("Authorization", "")
            error = {
                "message": f"Incorrect API key provided: {echoed}",
                "type": "invalid_request_error",
                "param": echoed,
                "code": "invalid_api_key",
            }
            return web.json_response(
                {"error": error}, status=401, headers={"x-request-id": "req_denied"}
            )
        response: web.StreamResponse = await handler(request)
        return response

    app.middlewares.append(record)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield Upstream(url=f"http://127.0.0.1:{port}/v1", port=port, requests=recorded)
    finally:
        await runner.cleanup()


@dataclass
class Captured:
    """Spans and metrics of the installed in-memory exporters."""

    exporter: InMemorySpanExporter
    reader: InMemoryMetricReader
    observability: setup.Observability

    def spans(self) -> list[ReadableSpan]:
        """Every finished span so far."""
        return list(self.exporter.get_finished_spans())

    async def wait_spans(self, count: int) -> list[ReadableSpan]:
        """The finished spans, once there are at least `count` of them (5 s at most)."""
        for _ in range(500):
            spans = self.spans()
            if len(spans) >= count:
                return spans
            await asyncio.sleep(0.01)
        raise AssertionError(f"only {len(self.spans())} spans: {self.spans()}")

    def points(self, name: str) -> list[tuple[dict[str, Any], Any]]:
        """(attributes, point) of every data point of metric `name` (collects now)."""
        data = self.reader.get_metrics_data()
        found: list[tuple[dict[str, Any], Any]] = []
        for resource_metrics in data.resource_metrics if data else ():
            for scope_metrics in resource_metrics.scope_metrics:
                for metric in scope_metrics.metrics:
                    if metric.name == name:
                        for point in metric.data.data_points:
                            found.append((dict(point.attributes or {}), point))
        return found


@pytest.fixture
def otel() -> Iterator[Captured]:
    """Installs tracing and metrics into in-memory exporters for the test's bridges."""
    exporter = InMemorySpanExporter()
    reader = InMemoryMetricReader()
    observability = setup.build(
        span_processors=[SimpleSpanProcessor(exporter)],
        metric_readers=[reader],
        shutdown_on_exit=False,
    )
    previous = setup.install(observability)
    try:
        yield Captured(exporter, reader, observability)
    finally:
        setup.install(previous)
        observability.shutdown()


# A started bridge and a stub on a channel to it.
BridgeClient = Running


@pytest.fixture
async def bridge_at() -> AsyncIterator[Callable[..., Any]]:
    """Starts bridges (API key `SECRET`, no retries) on loopback; stops them after."""
    bridges = Bridges(max_retries=0, access_log_caller_key="x-caller", api_key=SECRET)
    yield bridges.start
    await bridges.close()


@pytest.fixture
def receiver() -> Iterator[OTLPReceiver]:
    """A real OTLP/gRPC receiver on a free loopback port."""
    started = OTLPReceiver().start()
    try:
        yield started
    finally:
        started.stop()


def create_request(
    text: str = "Hello", model: str = "gpt-test", **fields: Any
) -> responses_service_pb2.CreateResponseRequest:
    """A CreateResponseRequest for `model` with input `text` and any other fields."""
    from bridge import codec

    body = {"model": model, "input": text, **fields}
    request: responses_service_pb2.CreateResponseRequest = codec.from_json(
        body, responses_service_pb2.CreateResponseRequest
    )
    return request


def edge_for(service: str, caller_key: str = "") -> EdgeInterceptor:
    """The bridge's edge for a test service of bytes in, bytes out, with an access log."""
    return EdgeInterceptor(
        service=service,
        max_message_bytes=1 << 20,
        budget=RequestBudget(4 << 20, 1 << 20),
        telemetry=RpcTelemetry(tracer=None, instruments=None, caller_key=caller_key),
    )
