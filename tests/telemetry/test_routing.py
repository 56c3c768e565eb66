"""Telemetry of a bridge with a routes file: the upstream actually used on spans (its
server.address) and on every metric (bridge.upstream), a child span per attempt, the
routing metrics (attempts, ejections, the ejected gauge), and the upstream in the access log."""

from __future__ import annotations

import io
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import grpc
import pytest
from opentelemetry.trace import SpanKind

from tests.conftest import access_lines
from tests.support import Bridges, Running
from tests.telemetry.conftest import Captured, create_request

UPSTREAM = "bridge.upstream"


@pytest.fixture
async def fallback_bridge(simulator: str, tmp_path: Path) -> AsyncIterator[Running]:
    """A bridge whose only route tries a port that refuses connections ("down": bound, never
    listening, held) first, then the simulator ("sim"); one failure ejects "down" for a
    minute."""
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    port = held.getsockname()[1]
    path = tmp_path / "routes.yaml"
    path.write_text(
        f"""
upstreams:
  down: {{base_url: "http://127.0.0.1:{port}/v1", genai_provider_name: acme}}
  sim: {{base_url: "{simulator}"}}
routes: [{{model: "*", upstreams: [down, sim]}}]
default_upstream: sim
ejection: {{consecutive_failures: 1, base_seconds: 60}}
""",
        encoding="utf-8",
    )
    bridges = Bridges(max_retries=0)
    try:
        yield await bridges.start("http://127.0.0.1:9/v1", routes_file=str(path))
    finally:
        await bridges.close()
        held.close()


async def test_attempts_are_child_spans_and_the_genai_span_names_the_upstream_used(
    otel: Captured, fallback_bridge: Running, simulator: str
) -> None:
    """The GenAI span carries the server.address and name of the upstream that served; under
    it, one span per attempt, the failed one in error, each holding its HTTP span."""
    await fallback_bridge.stub.CreateResponse(create_request())
    spans = await otel.wait_spans(6)
    genai = next(s for s in spans if s.name.startswith("chat"))
    port = int(simulator.rsplit(":", 1)[1].split("/")[0])
    assert genai.attributes is not None
    assert genai.attributes["server.address"] == "127.0.0.1"
    assert genai.attributes["server.port"] == port
    assert genai.attributes[UPSTREAM] == "sim"
    attempts = [s for s in spans if s.name.startswith("upstream ")]
    assert [s.name for s in attempts] == ["upstream down", "upstream sim"]
    for attempt in attempts:
        assert attempt.parent is not None and attempt.parent.span_id == genai.context.span_id
        assert attempt.kind is SpanKind.INTERNAL
    down, sim = attempts
    assert down.attributes is not None and down.attributes["error.type"] == "UNAVAILABLE"
    assert down.attributes["bridge.upstream.attempt"] == 1
    assert sim.attributes is not None and sim.attributes["server.port"] == port
    http = [s for s in spans if s.kind is SpanKind.CLIENT and s.name == "POST"]
    assert {s.parent.span_id for s in http if s.parent} == {
        down.context.span_id,
        sim.context.span_id,
    }


async def test_every_metric_carries_the_upstream_and_routing_has_its_own(
    otel: Captured, fallback_bridge: Running
) -> None:
    """GenAI, RPC and HTTP metrics are labelled with the upstream; attempts are counted by
    upstream and outcome, the ejection counted and the ejected state observed."""
    await fallback_bridge.stub.CreateResponse(create_request())
    await fallback_bridge.stub.CreateResponse(create_request())
    (duration,) = otel.points("gen_ai.client.operation.duration")
    assert duration[0][UPSTREAM] == "sim"
    assert duration[0]["gen_ai.provider.name"] == "openai"
    rpc = otel.points("rpc.server.duration")
    assert {attributes[UPSTREAM] for attributes, _ in rpc} == {"sim"}
    http = otel.points("http.client.request.duration")
    assert {attributes[UPSTREAM] for attributes, _ in http} == {"down", "sim"}
    attempts = {
        (a[UPSTREAM], a["bridge.upstream.outcome"]): p.value
        for a, p in otel.points("bridge.upstream.attempts")
    }
    assert attempts == {("down", "unavailable"): 1, ("sim", "ok"): 2}
    ((ejections, point),) = otel.points("bridge.upstream.ejections")
    assert (ejections[UPSTREAM], point.value) == ("down", 1)
    ejected = {a[UPSTREAM]: p.value for a, p in otel.points("bridge.upstream.ejected")}
    assert ejected == {"down": 1, "sim": 0}


async def test_the_access_log_names_the_upstream_and_each_attempt(
    fallback_bridge: Running, log_output: io.StringIO
) -> None:
    """One access line per call, with the upstream that served and every attempt's outcome."""
    reply = fallback_bridge.stub.CreateResponse(create_request())
    assert (await reply).status == "completed"
    assert await reply.code() == grpc.StatusCode.OK
    (line,) = access_lines(log_output)
    assert line["upstream"] == "sim"
    assert line["upstream_attempts"] == ["down: UNAVAILABLE", "sim: ok"]
