"""The upstream API key never leaves the bridge: not in logs, spans, metrics or errors."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from typing import Any

import grpc
import grpc.aio
import pytest

from bridge.redact import SECRETS
from bridge.telemetry import setup
from tests.telemetry.conftest import SECRET, Upstream, create_request, edge_for
from tests.telemetry.test_otlp_export import SCENARIOS, exported_spans, run_scenario
from tools.harness.otlp import OTLPReceiver


def client_visible(error: grpc.aio.AioRpcError) -> bytes:
    """Everything a failed call shows its client: status, details, metadata."""
    parts: list[str | bytes] = [
        error.code().name,
        error.details() or "",
        error.debug_error_string(),
    ]
    for key, value in (*(error.initial_metadata() or ()), *(error.trailing_metadata() or ())):
        parts += [key, value]
    return b"\n".join(part if isinstance(part, bytes) else part.encode() for part in parts)


@pytest.mark.parametrize("stream", [False, True], ids=["unary", "stream"])
async def test_key_is_not_in_anything_captured(
    receiver: OTLPReceiver,
    upstream: Upstream,
    bridge_at: Callable[..., Any],
    log_output: io.StringIO,
    monkeypatch: pytest.MonkeyPatch,
    stream: bool,
) -> None:
    """Every RPC, a 401 whose body echoes the Authorization header and a cancelled stream,
    with debug logs, content capture and OTLP export on: the key appears in no log line,
    exported span or metric, nor in any status, detail or metadata the client gets."""
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.endpoint)
    monkeypatch.setenv("OTEL_METRIC_EXPORT_INTERVAL", "3600000")
    observability = setup.from_env()
    previous = setup.install(observability)
    seen: list[bytes] = []
    try:
        client = await bridge_at(upstream.url, capture_content=True)
        for scenario in SCENARIOS:
            await run_scenario(client, scenario)
        request = create_request(model="fail-401")
        with pytest.raises(grpc.aio.AioRpcError) as caught:
            if stream:
                async for _ in client.stub.StreamCreateResponse(request):
                    pass
            else:
                await client.stub.CreateResponse(request)
        assert caught.value.code() is grpc.StatusCode.UNAUTHENTICATED
        assert "[REDACTED]" in (caught.value.details() or "")
        seen.append(client_visible(caught.value))
        await exported_spans(receiver, observability, 3 * (len(SCENARIOS) + 1))
        await asyncio.to_thread(observability.force_flush, 5_000)
    finally:
        setup.install(previous)
        await asyncio.to_thread(observability.shutdown)
    # The test can see the key when it is there: the upstream got it, and echoed it.
    assert all(r.headers["Authorization"] == f"Bearer {SECRET}" for r in upstream.requests)
    assert receiver.metric_points() and receiver.spans()
    needle = SECRET.encode()
    assert needle not in log_output.getvalue().encode()
    assert needle not in receiver.raw()
    for blob in seen:
        assert needle not in blob
    assert b"sk-test" not in receiver.raw()


async def test_unexpected_exceptions_are_redacted(log_output: io.StringIO) -> None:
    """A handler that raises with the key in its message gives the client INTERNAL with
    the key redacted, and logs the traceback redacted."""
    SECRETS.add(SECRET)

    async def leaky(request: bytes, context: Any) -> bytes:
        raise RuntimeError(f"upstream said: Authorization: Bearer {SECRET}")

    server = grpc.aio.server(interceptors=[edge_for("t.Leak")])
    server.add_generic_rpc_handlers(
        [
            grpc.method_handlers_generic_handler(
                "t.Leak", {"Call": grpc.unary_unary_rpc_method_handler(leaky)}
            )
        ]
    )
    port = server.add_insecure_port("127.0.0.1:0")
    await server.start()
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
            with pytest.raises(grpc.aio.AioRpcError) as caught:
                await channel.unary_unary("/t.Leak/Call")(b"")
    finally:
        await server.stop(0)
    assert caught.value.code() is grpc.StatusCode.INTERNAL
    assert "RuntimeError" in (caught.value.details() or "")
    assert SECRET.encode() not in client_visible(caught.value)
    output = log_output.getvalue()
    assert "handler_failed" in output and "RuntimeError" in output
    assert SECRET not in output
