"""Shared fixtures: real servers on loopback ports, real SSE bytes, fixture files."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc.aio
import orjson
import pytest
import structlog
from aiohttp import web
from google.protobuf.message import Message

from bridge.logs import configure
from bridge.routes import ROUTES
from bridge.simulator import SimulatorOptions
from bridge.simulator import start as start_simulator
from rbridge.responses.v1 import responses_service_pb2_grpc
from tests.support import Bridges

# gRPC's asyncio module stays initialized for the whole run: otherwise every test that
# closes its last server and channel shuts it down, and the next one starts it again.
grpc.aio.init_grpc_aio()

FIXTURES = Path(__file__).parent / "fixtures"


def fixture_files(folder: str, pattern: str) -> list[Path]:
    """The fixture files matching `pattern` under `tests/fixtures/<folder>`."""
    return sorted((FIXTURES / folder).glob(pattern))


def load_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def conversation_fixtures() -> list[tuple[Path, type[Message]]]:
    """The spec's examples of the conversations operations (`json/conversations/`), each with
    the message its RPC uses for it: the request message for `spec-<operationId>.request.json`,
    the reply message for `.response.json`. The operation's call (method and path, from the
    conversations inventory) names the RPC whose upstream option makes that call."""
    inventory = load_json(FIXTURES / "inventory" / "conversations-api-inventory.json")
    routes = {(route.method, route.path): route for route in ROUTES.values()}
    found: list[tuple[Path, type[Message]]] = []
    for endpoint in inventory["endpoints"]:
        route = routes[(endpoint["method"], endpoint["path"].removeprefix("/v1"))]
        for role, message_type in (
            ("request", route.request_type),
            ("response", route.reply_type),
        ):
            path = (
                FIXTURES / "json" / "conversations" / f"spec-{endpoint['operation_id']}.{role}.json"
            )
            if path.is_file():
                found.append((path, message_type))
    return found


def normalized(data: Any) -> Any:
    """`data` without keys whose value is null, [] or {} (proto3 cannot tell those from absent)."""
    if isinstance(data, dict):
        pairs = ((key, normalized(value)) for key, value in data.items())
        return {key: value for key, value in pairs if value not in (None, [], {})}
    if isinstance(data, list):
        return [normalized(value) for value in data]
    return data


def assert_same_json(actual: Any, expected: Any, path: str = "$") -> None:
    """Deep equality that tells booleans from numbers and strings from numbers.

    JSON has one number type, so 1 and 1.0 are the same number; `true` is not `1`.
    """
    if isinstance(expected, bool) or isinstance(actual, bool):
        assert actual is expected, f"{path}: {actual!r} != {expected!r}"
    elif isinstance(expected, int | float) and isinstance(actual, int | float):
        assert actual == expected, f"{path}: {actual!r} != {expected!r}"
    else:
        assert type(actual) is type(expected), f"{path}: {actual!r} is not like {expected!r}"
        if isinstance(expected, dict):
            assert actual.keys() == expected.keys(), (
                f"{path}: keys differ: {sorted(actual.keys() ^ expected.keys())}"
            )
            for key in expected:
                assert_same_json(actual[key], expected[key], f"{path}.{key}")
        elif isinstance(expected, list):
            assert len(actual) == len(expected), f"{path}: length {len(actual)}"
            for index, (a, e) in enumerate(zip(actual, expected, strict=True)):
                assert_same_json(a, e, f"{path}[{index}]")
        else:
            assert actual == expected, f"{path}: {actual!r} != {expected!r}"


def sse_payloads(raw: bytes) -> list[dict[str, Any]]:
    """The JSON payloads of an SSE fixture, in order, without [DONE]."""
    from bridge.sse import SSEDecoder

    decoder = SSEDecoder()
    events = decoder.feed(raw) + decoder.flush()
    return [json.loads(event.data) for event in events if event.data != "[DONE]"]


@pytest.fixture
async def simulator() -> AsyncIterator[str]:
    """A running simulator; yields its base URL."""
    runner, port = await start_simulator("127.0.0.1", 0, SimulatorOptions())
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        await runner.cleanup()


@pytest.fixture
async def simulator_slow() -> AsyncIterator[str]:
    """A running simulator pacing its deltas (20 ms each); yields its base URL."""
    runner, port = await start_simulator("127.0.0.1", 0, SimulatorOptions(token_delay=0.02))
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        await runner.cleanup()


@dataclass
class Script:
    """What the scripted upstream answers next: status, headers and body chunks."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "text/event-stream"})
    chunks: list[bytes] = field(default_factory=list)
    # Set before a chunk index to pause there until the test releases it.
    hold_before: int | None = None
    release: asyncio.Event = field(default_factory=asyncio.Event)
    requests: list[dict[str, Any]] = field(default_factory=list)
    # The raw (still percent-encoded) path and the headers of each request.
    paths: list[str] = field(default_factory=list)
    headers_seen: list[dict[str, str]] = field(default_factory=list)
    finished: asyncio.Event = field(default_factory=asyncio.Event)


@pytest.fixture
async def scripted() -> AsyncIterator[tuple[str, Script]]:
    """An HTTP upstream on loopback that answers POST /v1/responses with a `Script`."""
    script = Script()

    async def handle(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if body:
            script.requests.append(json.loads(body))
        script.paths.append(request.raw_path.split("?")[0])
        script.headers_seen.append({k.lower(): v for k, v in request.headers.items()})
        response = web.StreamResponse(status=script.status, headers=script.headers)
        await response.prepare(request)
        for index, chunk in enumerate(script.chunks):
            if index == script.hold_before:
                await script.release.wait()
            await response.write(chunk)
        await response.write_eof()
        script.finished.set()
        return response

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield f"http://127.0.0.1:{port}/v1", script
    finally:
        script.release.set()
        await runner.cleanup()


@pytest.fixture
async def bridge_for() -> AsyncIterator[Callable[..., Any]]:
    """Start bridges on free loopback ports, pointed at a given upstream URL; each start
    returns a client stub."""
    # Retries are off unless a test turns them on: most tests assert one attempt.
    bridges = Bridges(max_retries=0, api_key="sk-test")

    async def make(
        upstream_url: str, **overrides: Any
    ) -> responses_service_pb2_grpc.ResponsesServiceStub:
        return (await bridges.start(upstream_url, **overrides)).stub

    yield make
    await bridges.close()


@pytest.fixture
async def stub(
    simulator: str, bridge_for: Callable[[str], Any]
) -> responses_service_pb2_grpc.ResponsesServiceStub:
    """A client stub of a bridge pointed at the simulator."""
    result: responses_service_pb2_grpc.ResponsesServiceStub = await bridge_for(simulator)
    return result


@pytest.fixture
def log_output() -> Iterator[io.StringIO]:
    """Everything logged during the test, as JSON lines at debug level."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level, logging.getLogger("httpx").level)
    buffer = io.StringIO()
    configure("debug", "json", stream=buffer)
    try:
        yield buffer
    finally:
        root.handlers[:], level, httpx_level = saved
        root.setLevel(level)
        logging.getLogger("httpx").setLevel(httpx_level)
        structlog.reset_defaults()


def access_lines(output: io.StringIO) -> list[dict[str, Any]]:
    """The access log lines among the captured JSON log lines."""
    lines = [orjson.loads(line) for line in output.getvalue().splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("logger") == "bridge.access"]


@pytest.fixture
def no_reload_delay(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rotated files are seen at once (normally within a second)."""
    from bridge import files

    monkeypatch.setattr(files, "CHECK_INTERVAL", 0.0)


@pytest.fixture
def refusing() -> Iterator[Callable[[], int]]:
    """Ports that refuse connections: bound, never listening, and held until the test ends
    (or `release`d), so no other server on the machine can take one meanwhile."""
    held: dict[int, socket.socket] = {}

    def take() -> int:
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        held[port] = sock
        return port

    take.release = lambda port: held.pop(port).close()  # type: ignore[attr-defined]
    yield take
    for sock in held.values():
        sock.close()
