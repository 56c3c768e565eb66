"""The Python client: blocking and asyncio, events plus the accumulated response."""

from __future__ import annotations

import asyncio

import pytest

from bridge.client import AsyncBridgeClient, BridgeClient, StreamAccumulator, output_text
from bridge.config import Settings
from bridge.server import RunningBridge, start
from rbridge.responses.v1 import responses_service_pb2, stream_events_pb2
from tests.conftest import fixture_files, sse_payloads

Request = responses_service_pb2.CreateResponseRequest


@pytest.fixture
async def bridge(simulator: str) -> RunningBridge:
    running = await start(Settings(listen="127.0.0.1:0", upstream_url=simulator))
    yield running  # type: ignore[misc]
    await running.stop(0)


async def test_async_client_creates_and_streams(bridge: RunningBridge) -> None:
    """The async client returns the answer unary, and streams deltas that add up to it."""
    async with AsyncBridgeClient(f"127.0.0.1:{bridge.port}") as client:
        assert await client.ask("hi", model="m") == "You said: hi"
        deltas = [text async for text in client.ask_stream("count 5 words", model="m")]
        assert "".join(deltas) == "You said: count 5 words w1 w2 w3 w4 w5"
        stream = client.stream(Request(model="m", input={"text": "again"}))
        final = await stream.final_response()
        assert output_text(final) == "You said: again"
        assert final.status == "completed"


async def test_blocking_client_in_a_thread(bridge: RunningBridge) -> None:
    """The blocking client works the same, run off the event loop."""

    def use() -> tuple[str, str, str]:
        with BridgeClient(f"127.0.0.1:{bridge.port}") as client:
            stream = client.stream(Request(model="m", input={"text": "count 3 words"}))
            text = "".join(stream.text_deltas())
            return client.ask("hello", model="m"), text, output_text(stream.final_response())

    unary, streamed, final = await asyncio.to_thread(use)
    assert unary == "You said: hello"
    assert streamed == final == "You said: count 3 words w1 w2 w3"


@pytest.mark.parametrize("path", fixture_files("sse", "*.sse"), ids=lambda p: p.name)
def test_accumulator_rebuilds_output_from_recorded_streams(path: object) -> None:
    """Without a terminal response, output_item.done events rebuild the output."""
    from bridge import codec

    accumulator = StreamAccumulator()
    payloads = sse_payloads(path.read_bytes())  # type: ignore[attr-defined]
    for payload in payloads:
        if payload["type"] in ("response.completed", "response.incomplete", "response.failed"):
            continue
        accumulator.add(codec.from_json(payload, stream_events_pb2.ResponseStreamEvent))
    done = [p["text"] for p in payloads if p["type"] == "response.output_text.done"]
    assert output_text(accumulator.response()) == "".join(done)
