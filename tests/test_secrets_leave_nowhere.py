"""Every registered secret is redacted wherever data leaves the bridge, whatever is switched on.

An upstream that echoes credentials (in an error body, in x-request-id, in
an `error` event and a `response.failed` error) is called with each source of
secret, with the access log on and off and with telemetry on and off; the
secret must appear in nothing the client receives (status message, details,
initial and trailing metadata, forwarded events typed and raw), in no log
line, no span and no metric attribute. Model output stays untouched.
"""

from __future__ import annotations

import io
import json
import logging
import os
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
import grpc.aio
import pytest
import structlog
from aiohttp import web
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from bridge.config import Settings
from bridge.logs import configure
from bridge.redact import REDACTED
from bridge.server import start
from bridge.telemetry import setup
from rbridge.responses.v1 import responses_service_pb2, responses_service_pb2_grpc

SOURCES = ("env", "file", "rotated-file", "caller", "bearer-token", "proxy-password")
SAMPLE_KEY = "sk-proj-AbCdEf0123456789SampleInGeneratedCode"


@dataclass
class Echo:
    """The secret the upstream will quote back, and what it received."""

    secret: str = ""
    seen: list[str] | None = None


def _sse(event: dict[str, Any]) -> bytes:
    return f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()


@pytest.fixture
async def echoing() -> AsyncIterator[tuple[str, Echo]]:
    """An upstream quoting `echo.secret` everywhere it can; also usable as an HTTP proxy."""
    echo = Echo(seen=[])

    async def handle(request: web.Request) -> web.StreamResponse:
        body = json.loads(await request.read() or b"{}")
        assert echo.seen is not None
        echo.seen.append(request.headers.get("Authorization", ""))
        quoted = f"Incorrect API key provided: {echo.secret}"
        headers = {"x-request-id": f"req-{echo.secret}", "x-ratelimit-note": echo.secret}
        if body.get("model") == "unary-error":
            error = {"message": quoted, "type": "invalid_request_error", "param": echo.secret}
            return web.json_response({"error": error}, status=401, headers=headers)
        response = web.StreamResponse(headers={**headers, "content-type": "text/event-stream"})
        await response.prepare(request)
        base = {"id": "resp_1", "object": "response", "model": "m", "output": []}
        await response.write(
            _sse({"type": "response.created", "sequence_number": 0, "response": base})
        )
        delta = {
            "type": "response.output_text.delta",
            "sequence_number": 1,
            "item_id": "msg_1",
            "output_index": 0,
            "content_index": 0,
            # Model output: printed secrets and sample keys stay as they are.
            "delta": f"export OPENAI_API_KEY={SAMPLE_KEY}",
        }
        await response.write(_sse(delta))
        error_event = {
            "type": "error",
            "sequence_number": 2,
            "code": "invalid_api_key",
            "message": quoted,
            "param": None,
        }
        await response.write(_sse(error_event))
        failed = {
            **base,
            "status": "failed",
            "error": {"code": "invalid_api_key", "message": quoted},
        }
        await response.write(
            _sse({"type": "response.failed", "sequence_number": 3, "response": failed})
        )
        await response.write_eof()
        return response

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/v1", echo
    finally:
        await runner.cleanup()


@pytest.fixture
def captured_logs() -> Iterator[io.StringIO]:
    """Every log line, JSON, at debug level."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    buffer = io.StringIO()
    configure("debug", "json", stream=buffer)
    try:
        yield buffer
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        structlog.reset_defaults()


@dataclass
class Telemetry:
    spans: InMemorySpanExporter
    metrics: InMemoryMetricReader

    def dump(self) -> str:
        spans = "\n".join(span.to_json() for span in self.spans.get_finished_spans())
        data = self.metrics.get_metrics_data()
        return spans + (data.to_json() if data is not None else "")


@pytest.fixture(params=[True, False], ids=["telemetry", "no-telemetry"])
def telemetry(request: pytest.FixtureRequest) -> Iterator[Telemetry | None]:
    """In-memory spans and metrics for the bridge, or none at all."""
    if not request.param:
        previous = setup.install(setup.build())
        try:
            yield None
        finally:
            setup.install(previous)
        return
    spans, metrics = InMemorySpanExporter(), InMemoryMetricReader()
    observability = setup.build(
        span_processors=[SimpleSpanProcessor(spans)],
        metric_readers=[metrics],
        shutdown_on_exit=False,
    )
    previous = setup.install(observability)
    try:
        yield Telemetry(spans, metrics)
    finally:
        setup.install(previous)
        observability.shutdown()


def _secret(source: str) -> str:
    # A secret of its own per run: nothing registered by another test can hide a leak.
    return f"sk-{source}-{os.urandom(6).hex()}"


def _settings(
    source: str, secret: str, url: str, tmp_path: Path, access_log: str
) -> tuple[Settings, tuple[tuple[str, str], ...]]:
    options: dict[str, Any] = {
        "listen": "127.0.0.1:0",
        "upstream_url": url,
        "max_retries": 0,
        "api_key": "sk-some-other-configured-key",
        "access_log_level": access_log,
    }
    metadata: tuple[tuple[str, str], ...] = ()
    if source == "env":
        options["api_key"] = secret
    elif source in ("file", "rotated-file"):
        key = tmp_path / "key"
        key.write_text((secret if source == "file" else "sk-before-rotation-0001") + "\n")
        options["api_key"] = None
        options["api_key_file"] = str(key)
    elif source == "caller":
        options["caller_api_key"] = True
        metadata = (("x-upstream-api-key", secret),)
    elif source == "bearer-token":
        tokens = tmp_path / "tokens"
        tokens.write_text(f"app:{secret}\n")
        options["auth_tokens_file"] = str(tokens)
        metadata = (("authorization", f"Bearer {secret}"),)
    elif source == "proxy-password":
        # The echoing upstream is the proxy too: an absolute-form request reaches it.
        host = url.split("//", 1)[1].split("/", 1)[0]
        options["proxy"] = f"http://proxy-user:{secret}@{host}"
    return Settings(**options), metadata


def _rotate(path: Path, text: str) -> None:
    aside = path.with_suffix(".new")
    aside.write_text(text)
    os.replace(aside, path)
    stamp = time.time() + 5
    os.utime(path, (stamp, stamp))


@pytest.mark.parametrize("access_log", ["info", "off"], ids=["access-log", "no-access-log"])
@pytest.mark.parametrize("source", SOURCES)
async def test_secrets_leave_nowhere(
    echoing: tuple[str, Echo],
    telemetry: Telemetry | None,
    captured_logs: io.StringIO,
    tmp_path: Path,
    no_reload_delay: None,
    source: str,
    access_log: str,
) -> None:
    """A secret the upstream quotes back never reaches the client, the logs, the spans or
    the metrics; the error events arrive redacted and the model's output untouched."""
    url, echo = echoing
    secret = _secret(source)
    echo.secret = secret
    settings, metadata = _settings(source, secret, url, tmp_path, access_log)
    bridge = await start(settings)
    if source == "rotated-file":
        assert settings.api_key_file
        _rotate(Path(settings.api_key_file), secret + "\n")
    visible: list[bytes] = []
    events = []
    try:
        async with grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}") as channel:
            stub = responses_service_pb2_grpc.ResponsesServiceStub(channel)
            request = responses_service_pb2.CreateResponseRequest(
                model="unary-error", input={"text": "hi"}
            )
            with pytest.raises(grpc.aio.AioRpcError) as unary:
                await stub.CreateResponse(request, metadata=metadata)
            request.model = "stream-error"
            call = stub.StreamCreateResponse(
                request, metadata=(*metadata, ("x-bridge-raw-json", "1"))
            )
            with pytest.raises(grpc.aio.AioRpcError) as stream:
                async for event in call:
                    events.append(event)
            for error in (unary.value, stream.value):
                visible.append(_client_visible(error))
    finally:
        await bridge.stop(0)
    assert echo.seen is not None and len(echo.seen) == 2
    if source in ("env", "file", "rotated-file", "caller"):
        # The test can see the secret where it is: the upstream got it, and echoed it.
        assert echo.seen == [f"Bearer {secret}"] * 2
    assert unary.value.code() == grpc.StatusCode.UNAUTHENTICATED
    assert REDACTED in (unary.value.details() or "")
    assert stream.value.code() == grpc.StatusCode.INTERNAL
    kinds = [event.WhichOneof("event") for event in events]
    assert kinds == ["created", "output_text_delta", "error", "failed"]
    assert events[1].output_text_delta.delta == f"export OPENAI_API_KEY={SAMPLE_KEY}"
    assert SAMPLE_KEY in events[1].raw_json
    assert events[2].error.message == f"Incorrect API key provided: {REDACTED}"
    assert REDACTED in events[2].raw_json
    assert events[3].failed.response.error.message == f"Incorrect API key provided: {REDACTED}"
    assert REDACTED in events[3].raw_json
    needle = secret.encode()
    for blob in visible:
        assert needle not in blob
    for event in events:
        assert needle not in event.SerializeToString()
    assert secret not in captured_logs.getvalue()
    if telemetry is not None:
        dump = telemetry.dump()
        assert dump and secret not in dump
    if access_log == "info":
        assert '"logger": "bridge.access"' in captured_logs.getvalue()


def _client_visible(error: grpc.aio.AioRpcError) -> bytes:
    """Everything a failed call shows its client: status, details, metadata."""
    parts: list[str | bytes] = [error.code().name, error.details() or ""]
    for key, value in (*(error.initial_metadata() or ()), *(error.trailing_metadata() or ())):
        parts += [key, value]
    return b"\n".join(part if isinstance(part, bytes) else part.encode() for part in parts)
