"""Sessions over a WebSocket upstream: reconnection, closes, broken frames, strays, fallback.

The simulator covers the behaviour of a well-behaved upstream; a scripted WebSocket server on
loopback plays the ones that close, break or stall.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import grpc
import orjson
import pytest
from aiohttp import WSMsgType, web

from bridge.client import AsyncBridgeClient
from tests.conftest import access_lines
from tests.session.conftest import MODEL, Serve, as_json, collect, create, lane_of
from tests.support import Bridges, log_lines

Behave = Callable[[web.WebSocketResponse, dict[str, Any], "Upstream"], Awaitable[None]]


@dataclass
class Upstream:
    """A scripted WebSocket upstream: how it answers each create, and what it saw."""

    url: str = ""
    connections: int = 0
    handshakes: list[dict[str, str]] = field(default_factory=list)
    frames: list[dict[str, Any]] = field(default_factory=list)
    behave: Behave | None = None
    # An HTTP status to answer the handshake with instead of upgrading.
    refuse: int | None = None


def response(frame: dict[str, Any], status: str, index: int) -> dict[str, Any]:
    return {
        "id": f"resp_{index}",
        "object": "response",
        "status": status,
        "model": frame.get("model"),
        "output": [],
    }


async def answer(ws: web.WebSocketResponse, frame: dict[str, Any], upstream: Upstream) -> None:
    """A whole response to a create: created, then completed, on the create's lane."""
    index = len(upstream.frames)
    lane = {"stream_id": frame["stream_id"]} if "stream_id" in frame else {}
    for number, (kind, status) in enumerate(
        (("response.created", "in_progress"), ("response.completed", "completed"))
    ):
        event = {"type": kind, "sequence_number": number, **lane}
        event["response"] = response(frame, status, index)
        await ws.send_str(orjson.dumps(event).decode())


@pytest.fixture
async def upstream() -> AsyncIterator[Upstream]:
    """The scripted upstream on a free loopback port (answers every create by default)."""
    state = Upstream()

    async def handle(request: web.Request) -> web.StreamResponse:
        state.connections += 1
        state.handshakes.append({k.lower(): v for k, v in request.headers.items()})
        if state.refuse is not None:
            error = {"error": {"message": "Incorrect API key provided.", "code": "invalid_api_key"}}
            return web.json_response(error, status=state.refuse)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        async for message in ws:
            if message.type is WSMsgType.TEXT:
                frame = orjson.loads(message.data)
                state.frames.append(frame)
                await (state.behave or answer)(ws, frame, state)
            if ws.closed:
                break
        return ws

    app = web.Application()
    app.router.add_get("/v1/responses", handle)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=0.5)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    state.url = f"http://127.0.0.1:{runner.addresses[0][1]}/v1"
    try:
        yield state
    finally:
        await runner.cleanup()


@pytest.fixture
async def bridge_to() -> AsyncIterator[Callable[..., Awaitable[Any]]]:
    """Bridges (default profile: WebSocket upstreams) pointed at a given URL."""
    bridges = Bridges(max_retries=0, api_key="sk-test")
    yield bridges.start
    await bridges.close()


async def requests(*events: Any) -> Any:
    for event in events:
        yield event


async def test_the_connection_limit_is_a_silent_reconnection(serve: Serve) -> None:
    """An upstream that serves one response per connection: the bridge lets the response in
    flight finish, reconnects and sends the refused create again; the client sees two
    completed responses, and a store:false continuation across connections still works."""
    served = await serve(simulator={"ws_max_responses": 1, "token_delay": 0.01})
    async with AsyncBridgeClient(served.running.target) as client, client.session() as session:
        await session.send(create("count 5 words", "a", store=False))
        await session.send(create("other lane", "b"))
        first = await session.response("a")
        other = await session.response("b")
        await session.send(create("and then", "a", store=False, previous_response_id=first.id))
        third = await session.response("a")
    assert (first.status, other.status, third.status) == ("completed", "completed", "completed")
    # The earlier turn reached the third response although its connection never saw it.
    assert third.usage.input_tokens == 3 + 2
    assert third.previous_response_id == first.id


async def test_the_limit_error_resends_the_create_on_a_new_socket(
    upstream: Upstream, bridge_to: Callable[..., Awaitable[Any]]
) -> None:
    """The refused create goes out again, unchanged, on a second connection."""

    async def one_per_connection(
        ws: web.WebSocketResponse, frame: dict[str, Any], up: Upstream
    ) -> None:
        mine = sum(1 for f in up.frames if f.get("_connection") == up.connections)
        frame["_connection"] = up.connections
        if mine:
            error = {
                "type": "error",
                "status": 400,
                "error": {"code": "websocket_connection_limit_reached", "message": "limit"},
            }
            if "stream_id" in frame:
                error["stream_id"] = frame["stream_id"]
            await ws.send_str(orjson.dumps(error).decode())
            return
        await answer(ws, frame, up)

    upstream.behave = one_per_connection
    running = await bridge_to(upstream.url)
    events, code, _ = await collect(
        running.stub.Session(requests(create("one", "a"), create("two", "a")))
    )
    assert code is grpc.StatusCode.OK
    assert [e["type"] for e in events] == ["response.created", "response.completed"] * 2
    assert upstream.connections == 2
    sent = [(f["input"], f["_connection"]) for f in upstream.frames]
    assert sent == [("one", 1), ("two", 1), ("two", 2)]


async def test_the_handshake_carries_the_key_and_the_create_its_lane(
    upstream: Upstream, bridge_to: Callable[..., Awaitable[Any]]
) -> None:
    """The bridge's key as a bearer token; each create as the WebSocket's frame: type,
    stream_id, the create body, no `stream`."""
    running = await bridge_to(upstream.url)
    await collect(running.stub.Session(requests(create("hi", "agent_1", temperature=0.5))))
    assert upstream.handshakes[0]["authorization"] == "Bearer sk-test"
    assert upstream.frames == [
        {
            "type": "response.create",
            "model": MODEL,
            "input": "hi",
            "temperature": 0.5,
            "stream_id": "agent_1",
        }
    ]


async def test_an_idle_socket_the_upstream_closed_is_reopened(
    upstream: Upstream, bridge_to: Callable[..., Awaitable[Any]]
) -> None:
    """An upstream that closes after each response: the next create opens a new socket."""

    async def then_close(ws: web.WebSocketResponse, frame: dict[str, Any], up: Upstream) -> None:
        await answer(ws, frame, up)
        await ws.close(code=1001)

    upstream.behave = then_close
    running = await bridge_to(upstream.url)
    async with AsyncBridgeClient(running.target) as client, client.session() as session:
        await session.send(create("one", "a"))
        await session.response("a")
        await asyncio.sleep(0.1)
        await session.send(create("two", "a"))
        second = await session.response("a")
    assert second.status == "completed"
    assert upstream.connections == 2


@pytest.mark.parametrize(
    ("misbehave", "said"),
    [("close", "closed the WebSocket (code 1011)"), ("garbage", "not JSON")],
)
async def test_a_socket_lost_under_a_response_ends_it_with_an_error(
    upstream: Upstream, bridge_to: Callable[..., Awaitable[Any]], misbehave: str, said: str
) -> None:
    """A socket closed (or sending what is not JSON) under a response in flight: that lane
    gets an error event with status 502, and the next create works on a new socket."""

    async def break_first(ws: web.WebSocketResponse, frame: dict[str, Any], up: Upstream) -> None:
        if up.connections > 1:
            await answer(ws, frame, up)
            return
        created = {"type": "response.created", "stream_id": frame["stream_id"]}
        created["response"] = response(frame, "in_progress", 0)
        await ws.send_str(orjson.dumps(created).decode())
        if misbehave == "close":
            await ws.close(code=1011)
        else:
            await ws.send_str("{not json")

    upstream.behave = break_first
    running = await bridge_to(upstream.url)
    async with AsyncBridgeClient(running.target) as client, client.session() as session:
        await session.send(create("one", "a"))
        events = []
        async for event in session:
            events.append(as_json(event))
            if events[-1]["type"] == "error":
                break
        await session.send(create("two", "b"))
        after = await session.response("b")
    error = events[-1]
    assert (error["stream_id"], error["status"]) == ("a", 502)
    assert said in error["error"]["message"]
    assert after.status == "completed"


async def test_a_frame_of_an_idle_lane_is_passed_on(
    upstream: Upstream, bridge_to: Callable[..., Awaitable[Any]]
) -> None:
    """An upstream event for a lane with nothing in flight reaches the client as it came."""

    async def and_a_stray(ws: web.WebSocketResponse, frame: dict[str, Any], up: Upstream) -> None:
        await answer(ws, frame, up)
        stray = {"type": "response.steer.pending", "stream_id": "ghost", "reason": "waiting"}
        await ws.send_str(orjson.dumps(stray).decode())

    upstream.behave = and_a_stray
    running = await bridge_to(upstream.url)
    hold = asyncio.Event()

    async def feed() -> Any:
        yield create("one", "a")
        await hold.wait()

    call = running.stub.Session(feed())
    events = []
    async for event in call:
        events.append(as_json(event))
        seen = {e["type"] for e in events}
        if {"response.steer.pending", "response.completed"} <= seen:
            # The session ends (the client half-closes) only once the stray has come.
            hold.set()
    assert await call.code() is grpc.StatusCode.OK
    strays = [e for e in events if lane_of(e) == "ghost"]
    assert strays == [{"type": "response.steer.pending", "stream_id": "ghost", "reason": "waiting"}]
    assert [e["type"] for e in events if lane_of(e) == "a"] == [
        "response.created",
        "response.completed",
    ]


async def test_a_silent_upstream_is_a_timeout_on_the_lane(
    upstream: Upstream, bridge_to: Callable[..., Awaitable[Any]]
) -> None:
    """No first event within the first-event timeout: an error event (504) on the lane."""

    async def silent(ws: web.WebSocketResponse, frame: dict[str, Any], up: Upstream) -> None:
        return None

    upstream.behave = silent
    running = await bridge_to(upstream.url, first_byte_timeout=0.3)
    events, code, _ = await collect(running.stub.Session(requests(create("hello", "a"))))
    assert code is grpc.StatusCode.OK
    assert [(lane_of(e), e["type"], e.get("status")) for e in events] == [("a", "error", 504)]


async def test_an_upstream_without_the_mode_is_served_over_http(
    serve: Serve, log_output: io.StringIO
) -> None:
    """A handshake answered 405 (a provider without the WebSocket mode): the session falls
    back to HTTP, says so once, and later sessions go straight to HTTP."""
    served = await serve(simulator={"behave_like": "dongzhou"})
    for _ in range(2):
        events, code, _ = await collect(served.stub.Session(requests(create("hi", "a"))))
        assert code is grpc.StatusCode.OK
        assert events[-1]["type"] == "response.completed"
    refused = [line for line in log_lines(log_output) if line["event"] == "websocket_refused"]
    assert len(refused) == 1 and refused[0]["status"] == 405
    assert len([line for line in access_lines(log_output) if line["event"] == "response"]) == 2


async def test_a_refused_handshake_that_is_no_fallback_is_an_error_event(
    upstream: Upstream, bridge_to: Callable[..., Awaitable[Any]]
) -> None:
    """A handshake refused for the key (401) is the create's error event, with that status;
    the next create tries again."""
    upstream.refuse = 401
    running = await bridge_to(upstream.url)
    events, code, _ = await collect(
        running.stub.Session(requests(create("hi", "a"), create("again", "a")))
    )
    assert code is grpc.StatusCode.OK
    assert [(e["type"], e["status"], e["stream_id"]) for e in events] == [("error", 401, "a")] * 2
    assert upstream.connections == 2
