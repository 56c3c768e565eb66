"""End to end: a bridge configured by OTEL_* variables exports to a real OTLP/gRPC receiver."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
import grpc.aio
import orjson
import pytest

from bridge.telemetry import setup
from rbridge.responses.v1 import responses_service_pb2_grpc
from tests.telemetry.conftest import FAIL_MODEL, SECRET, Upstream, create_request
from tools.harness.otlp import ExportedSpan, OTLPReceiver

SERVER, CLIENT = 2, 3  # OTLP Span.SpanKind values
CALLER_SPAN = "00f067aa0ba902b7"
SCENARIOS = ("unary", "stream", "failing", "cancelled")


def traceparent(scenario: str) -> tuple[str, str]:
    """A caller trace id of its own for each scenario, and its traceparent."""
    trace_id = f"4bf92f3577b34da6a3ce929d0e0e47{SCENARIOS.index(scenario) + 1:02x}"
    return trace_id, f"00-{trace_id}-{CALLER_SPAN}-01"


@pytest.fixture
async def exporting(
    receiver: OTLPReceiver, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[setup.Observability]:
    """The process's telemetry built from OTEL_* variables pointing at the receiver."""
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint)
    monkeypatch.setenv("OTEL_SERVICE_NAME", "bridge-under-test")
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=test")
    # Only force_flush exports metrics here: no waiting for an interval.
    monkeypatch.setenv("OTEL_METRIC_EXPORT_INTERVAL", "3600000")
    observability = setup.from_env()
    previous = setup.install(observability)
    try:
        yield observability
    finally:
        setup.install(previous)
        await asyncio.to_thread(observability.shutdown)


async def run_scenario(client: Any, scenario: str) -> None:
    """One call of the scenario's kind, with its own caller traceparent."""
    _, parent = traceparent(scenario)
    metadata = (("traceparent", parent),)
    if scenario == "unary":
        await client.stub.CreateResponse(create_request(), metadata=metadata)
    elif scenario == "stream":
        async for _ in client.stub.StreamCreateResponse(
            create_request("Count 10 words"), metadata=metadata
        ):
            pass
    elif scenario == "failing":
        with pytest.raises(grpc.aio.AioRpcError):
            await client.stub.CreateResponse(create_request(model=FAIL_MODEL), metadata=metadata)
    else:
        call = client.stub.StreamCreateResponse(
            create_request("Count 2000 words"), metadata=metadata
        )
        async for _ in call:
            call.cancel()
            break


async def exported_spans(
    receiver: OTLPReceiver, observability: setup.Observability, count: int
) -> list[ExportedSpan]:
    """Flush until the receiver holds `count` spans (the cancelled call ends a little later)."""
    for _ in range(100):
        await asyncio.to_thread(observability.force_flush, 5_000)
        spans = receiver.spans()
        if len(spans) >= count:
            return spans
        await asyncio.sleep(0.02)
    raise AssertionError(f"the receiver got {len(receiver.spans())} spans, not {count}")


async def test_trace_tree_reaches_the_collector(
    exporting: setup.Observability,
    receiver: OTLPReceiver,
    upstream: Upstream,
    bridge_at: Callable[..., Any],
) -> None:
    """Unary, streaming, failing and cancelled calls each export one trace from the
    caller through SERVER, GenAI and HTTP spans, correctly parented, with the resource
    from OTEL_* and traceparent sent upstream."""
    client = await bridge_at(upstream.url)
    for scenario in SCENARIOS:
        await run_scenario(client, scenario)
    spans = await exported_spans(receiver, exporting, 3 * len(SCENARIOS))
    sent = {
        r.headers["traceparent"].split("-")[1]: r.headers["traceparent"] for r in upstream.requests
    }
    for scenario in SCENARIOS:
        trace_id, _ = traceparent(scenario)
        tree = [span for span in spans if span.trace_id == trace_id]
        assert len(tree) == 3, (scenario, tree)
        server = next(s for s in tree if s.kind == SERVER)
        genai = next(s for s in tree if s.kind == CLIENT and s.name.startswith("chat "))
        http = next(s for s in tree if s not in (server, genai))
        assert server.parent_span_id == CALLER_SPAN
        assert genai.parent_span_id == server.span_id
        assert http.parent_span_id == genai.span_id and http.kind == CLIENT
        assert sent[trace_id] == f"00-{trace_id}-{http.span_id}-01"
        assert server.resource["service.name"] == "bridge-under-test"
        assert server.resource["deployment.environment.name"] == "test"
        assert server.attributes["rpc.system"] == "grpc"
        assert genai.attributes["gen_ai.operation.name"] == "chat"
        assert genai.scope == "bridge"
    by_scenario = {
        scenario: next(
            s for s in spans if s.trace_id == traceparent(scenario)[0] and s.name.startswith("chat")
        )
        for scenario in SCENARIOS
    }
    assert by_scenario["unary"].attributes["gen_ai.usage.output_tokens"] > 0
    assert by_scenario["stream"].attributes["gen_ai.response.time_to_first_chunk"] > 0
    assert by_scenario["failing"].attributes["error.type"] == "invalid_api_key"
    assert by_scenario["cancelled"].attributes["error.type"] == "cancelled"


async def test_metrics_reach_the_collector(
    exporting: setup.Observability,
    receiver: OTLPReceiver,
    upstream: Upstream,
    bridge_at: Callable[..., Any],
) -> None:
    """After force_flush the receiver holds the GenAI client and gRPC server metrics,
    cancelled call included."""
    client = await bridge_at(upstream.url)
    for scenario in SCENARIOS:
        await run_scenario(client, scenario)
    await exported_spans(receiver, exporting, 3 * len(SCENARIOS))
    await asyncio.to_thread(exporting.force_flush, 5_000)
    points = receiver.metric_points()
    for name in (
        "gen_ai.client.token.usage",
        "gen_ai.client.operation.duration",
        "gen_ai.client.operation.time_to_first_chunk",
        "gen_ai.client.operation.time_per_output_chunk",
        "rpc.server.duration",
        "rpc.server.requests_per_rpc",
        "rpc.server.responses_per_rpc",
    ):
        assert name in points, f"{name} not exported: {sorted(points)}"
    errors = {labels.get("error.type") for labels, _ in points["gen_ai.client.operation.duration"]}
    assert {"cancelled", "invalid_api_key", None} <= errors
    codes = {labels["rpc.grpc.status_code"] for labels, _ in points["rpc.server.duration"]}
    assert codes == {0, 1, grpc.StatusCode.UNAUTHENTICATED.value[0]}


async def test_bridge_serve_flushes_on_exit(receiver: OTLPReceiver, upstream: Upstream) -> None:
    """`bridge serve` configured only by environment variables exports its spans and
    metrics when SIGTERM stops it, and logs the access line as JSON without the key."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {key: value for key, value in os.environ.items() if not key.startswith("OTEL_")}
    env.update(
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
            # Nothing is exported before the exit flush.
            "OTEL_BSP_SCHEDULE_DELAY": "600000",
            "OTEL_METRIC_EXPORT_INTERVAL": "600000",
            "BRIDGE_UPSTREAM_API_KEY": SECRET,
            "BRIDGE_LOG_FORMAT": "json",
            "BRIDGE_MAX_RETRIES": "0",
        }
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bridge.cli",
        "serve",
        "--listen",
        f"127.0.0.1:{port}",
        "--upstream-url",
        upstream.url,
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            await asyncio.wait_for(channel.channel_ready(), 30)
            stub = responses_service_pb2_grpc.ResponsesServiceStub(channel)
            _, parent = traceparent("unary")
            await stub.CreateResponse(create_request(), metadata=(("traceparent", parent),))
        assert receiver.spans() == []
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0
    spans = receiver.spans()
    assert {span.trace_id for span in spans} == {traceparent("unary")[0]}
    assert len(spans) == 3
    assert "rpc.server.duration" in receiver.metric_points()
    lines = [orjson.loads(line) for line in stderr.splitlines() if line.startswith(b"{")]
    (access,) = [line for line in lines if line.get("logger") == "bridge.access"]
    assert access["trace_id"] == traceparent("unary")[0]
    assert SECRET.encode() not in stderr


async def test_an_unreachable_collector_does_not_hold_the_exit(upstream: Upstream) -> None:
    """With the OTLP collector unreachable, SIGTERM still ends `bridge serve` within its
    grace period plus the 2 s the final export may take, and the exit says what was lost."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = probe.getsockname()[1]
    env = {key: value for key, value in os.environ.items() if not key.startswith("OTEL_")}
    env.update(
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{closed}",
            "OTEL_BSP_SCHEDULE_DELAY": "600000",
            "OTEL_METRIC_EXPORT_INTERVAL": "600000",
            "BRIDGE_UPSTREAM_API_KEY": SECRET,
            "BRIDGE_LOG_FORMAT": "json",
            "BRIDGE_GRACE_SECONDS": "0.5",
        }
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bridge.cli",
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--upstream-url",
        upstream.url,
        env=env,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    try:
        serving = orjson.loads(await asyncio.wait_for(process.stderr.readline(), 30))
        assert serving["event"] == "serving"
        async with grpc.aio.insecure_channel(f"127.0.0.1:{serving['port']}") as channel:
            stub = responses_service_pb2_grpc.ResponsesServiceStub(channel)
            await stub.CreateResponse(create_request())
        started = asyncio.get_running_loop().time()
        process.send_signal(signal.SIGTERM)
        rest = await asyncio.wait_for(process.stderr.read(), 30)
        await process.wait()
        elapsed = asyncio.get_running_loop().time() - started
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.returncode == 0
    assert elapsed < 0.5 + 2.0 + 1.0, f"exit took {elapsed:.1f}s"
    events = [orjson.loads(line)["event"] for line in rest.splitlines() if line.startswith(b"{")]
    assert "telemetry_not_flushed" in events
