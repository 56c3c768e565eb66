"""GenAI client metrics and gRPC server metrics recorded by a running bridge."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
import grpc.aio
import pytest

from bridge.redact import SECRETS
from bridge.telemetry.metrics import DURATION_BUCKETS, TOKEN_BUCKETS
from bridge.telemetry.redaction import MetricLabels
from tests.telemetry.conftest import FAIL_MODEL, Captured, Upstream, create_request


async def run_calls(client: Any) -> None:
    """One unary call, one stream, one failing call."""
    await client.stub.CreateResponse(create_request("Count 3 words"))
    async for _ in client.stub.StreamCreateResponse(create_request("Count 12 words")):
        pass
    with pytest.raises(grpc.aio.AioRpcError):
        await client.stub.CreateResponse(create_request(model=FAIL_MODEL))


async def test_token_usage_histogram(
    otel: Captured, upstream: Upstream, bridge_at: Callable[..., Any]
) -> None:
    """gen_ai.client.token.usage has input and output points with the GenAI attributes
    and the conventions' buckets."""
    await run_calls(await bridge_at(upstream.url))
    points = otel.points("gen_ai.client.token.usage")
    kinds = sorted(labels["gen_ai.token.type"] for labels, _ in points)
    assert kinds == ["input", "output"]
    for labels, point in points:
        assert labels["gen_ai.operation.name"] == "chat"
        assert labels["gen_ai.provider.name"] == "openai"
        assert labels["gen_ai.request.model"] == "gpt-test"
        assert labels["gen_ai.response.model"] == "gpt-test"
        assert labels["server.address"] == "127.0.0.1"
        assert labels["server.port"] == upstream.port
        assert tuple(point.explicit_bounds) == TOKEN_BUCKETS
        assert point.count == 2 and point.sum > 0


async def test_operation_duration_carries_error_type(
    otel: Captured, upstream: Upstream, bridge_at: Callable[..., Any]
) -> None:
    """gen_ai.client.operation.duration counts every call, failures under their error.type."""
    await run_calls(await bridge_at(upstream.url))
    points = otel.points("gen_ai.client.operation.duration")
    counts = {labels.get("error.type"): point.count for labels, point in points}
    assert counts == {None: 2, "invalid_api_key": 1}
    assert all(tuple(point.explicit_bounds) == DURATION_BUCKETS for _, point in points)


@pytest.mark.parametrize(
    "name",
    [
        "gen_ai.client.operation.time_to_first_chunk",
        "gen_ai.client.operation.time_per_output_chunk",
    ],
)
async def test_stream_timings_for_streams_only(
    otel: Captured, upstream: Upstream, bridge_at: Callable[..., Any], name: str
) -> None:
    """Stream timing metrics get one point per stream and none for unary calls."""
    await run_calls(await bridge_at(upstream.url))
    ((labels, point),) = otel.points(name)
    assert point.count == 1 and point.sum > 0
    assert labels["gen_ai.request.model"] == "gpt-test"


async def test_rpc_server_metrics_by_method_and_status(
    otel: Captured, upstream: Upstream, bridge_at: Callable[..., Any]
) -> None:
    """rpc.server.duration and messages per RPC are recorded per method and status code."""
    await run_calls(await bridge_at(upstream.url))
    durations = {
        (labels["rpc.method"], labels["rpc.grpc.status_code"]): point.count
        for labels, point in otel.points("rpc.server.duration")
    }
    assert durations == {
        ("CreateResponse", 0): 1,
        ("StreamCreateResponse", 0): 1,
        ("CreateResponse", grpc.StatusCode.UNAUTHENTICATED.value[0]): 1,
    }
    requests = otel.points("rpc.server.requests_per_rpc")
    assert sum(point.sum for _, point in requests) == 3
    sent = {
        labels["rpc.method"]: point.sum
        for labels, point in otel.points("rpc.server.responses_per_rpc")
        if labels["rpc.grpc.status_code"] == 0
    }
    assert sent["CreateResponse"] == 1 and sent["StreamCreateResponse"] > 10
    assert all(labels["rpc.system"] == "grpc" for labels, _ in requests)


async def test_force_flush_exports_without_waiting(
    otel: Captured, upstream: Upstream, bridge_at: Callable[..., Any]
) -> None:
    """force_flush hands the metrics to the reader at once."""
    await run_calls(await bridge_at(upstream.url))
    assert otel.observability.force_flush(2_000)
    assert otel.points("rpc.server.duration")


async def test_model_attributes_are_bounded(
    otel: Captured, upstream: Upstream, bridge_at: Callable[..., Any]
) -> None:
    """Requested models the upstream never served are recorded as `other`, so random names
    cannot create series; served models and configured ones keep their names."""
    client = await bridge_at(upstream.url, metric_models=("gpt-configured",))
    await client.stub.CreateResponse(create_request(model="gpt-served"))
    for _ in range(3):
        with pytest.raises(grpc.aio.AioRpcError):
            await client.stub.CreateResponse(create_request(model=FAIL_MODEL))
    models = {
        labels.get("gen_ai.request.model")
        for labels, _ in otel.points("gen_ai.client.operation.duration")
    }
    assert models == {"gpt-served", "other"}
    assert MetricLabels(("gpt-configured",), SECRETS).model("GPT-Configured") == "GPT-Configured"
