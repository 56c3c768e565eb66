"""Fixtures of the session tests: a simulator and a bridge in front of it, over either path.

`path` "websocket" is the bridge's default profile against the simulator's WebSocket mode;
"http" is the same simulator through a profile that says it does not speak the mode, so
every create is a streamed HTTP call (the emulation).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import grpc
import grpc.aio
import pytest

from bridge import codec
from bridge.simulator import SimulatorOptions
from bridge.simulator import start as start_simulator
from bridge.upstream import OPENAI
from rbridge.responses.v1 import responses_service_pb2 as service
from tests.support import Bridges, Running

PATHS = ["websocket", "http"]
MODEL = "gpt-sim"
#: The profile of an upstream without the WebSocket mode (OpenAI's otherwise).
HTTP_ONLY = dataclasses.replace(OPENAI, name="openai-http", websocket=False)
ENDS = ("response.completed", "response.incomplete", "response.failed")


@dataclass
class Served:
    """A simulator, a bridge in front of it, and a stub of the bridge."""

    simulator: str
    running: Running

    @property
    def stub(self) -> Any:
        return self.running.stub


Serve = Callable[..., Awaitable[Served]]


@pytest.fixture
async def serve() -> AsyncIterator[Serve]:
    """Starts a simulator (with SimulatorOptions) and a bridge (with Settings) per call;
    `path` picks the bridge's profile."""
    stack = contextlib.AsyncExitStack()
    bridges = Bridges(max_retries=0, api_key="sk-test")

    async def make(
        path: str = "websocket", simulator: dict[str, Any] | None = None, **settings: Any
    ) -> Served:
        runner, port = await start_simulator("127.0.0.1", 0, SimulatorOptions(**(simulator or {})))
        stack.push_async_callback(runner.cleanup)
        if path == "http":
            settings.setdefault("profile", HTTP_ONLY)
        url = f"http://127.0.0.1:{port}/v1"
        return Served(url, await bridges.start(url, **settings))

    async with stack:
        try:
            yield make
        finally:
            await bridges.close()


def create(
    text: str, stream_id: str | None = None, model: str = MODEL, **fields: Any
) -> service.ResponsesClientEvent:
    """A `response.create` client event, from the WebSocket mode's JSON."""
    data: dict[str, Any] = {"type": "response.create", "model": model, "input": text, **fields}
    if stream_id is not None:
        data["stream_id"] = stream_id
    event: service.ResponsesClientEvent = codec.from_json(data, service.ResponsesClientEvent)
    return event


def as_json(event: service.ResponsesServerEvent) -> dict[str, Any]:
    """A server event as the WebSocket would send it."""
    data: dict[str, Any] = codec.to_json(event)
    return data


async def collect(call: Any) -> tuple[list[dict[str, Any]], grpc.StatusCode, str]:
    """Every server event of a session call, as JSON, then its status and details."""
    events: list[dict[str, Any]] = []
    with contextlib.suppress(grpc.aio.AioRpcError):
        async for event in call:
            events.append(as_json(event))
    return events, await call.code(), await call.details()


def lane_of(event: dict[str, Any]) -> str | None:
    return event.get("stream_id")


def text_of(event: dict[str, Any]) -> str:
    """The output text of a terminal event's response."""
    texts = [
        part.get("text", "")
        for item in event["response"].get("output", [])
        if item.get("type") == "message"
        for part in item.get("content", [])
    ]
    return "".join(texts)
