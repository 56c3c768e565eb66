"""The simulator's WebSocket mode, driven by the official SDK's `client.responses.connect()`.

Every frame the simulator sends is validated against the SDK's `ResponsesServerEvent` union:
nothing lost, nothing undeclared.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import openai
import orjson
import pydantic
import pytest
from openai.types.responses import ResponsesServerEvent

from bridge.simulator import SimulatorOptions, start
from tests.test_simulator import WEATHER_TOOL, assert_keys_kept

MODEL = "gpt-sim"
SERVER_EVENT: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(ResponsesServerEvent)
# Keys the simulator sends that the SDK's WebSocket models do not declare (as over HTTP).
ALLOWED_EXTRA = {("ResponseFunctionCallArgumentsWsDone", "name"), ("Response", "store")}

Connect = Callable[..., Awaitable[Any]]


def assert_declared(value: Any, path: str = "$") -> None:
    """Fail if a validated model holds a field its class does not declare."""
    if isinstance(value, pydantic.BaseModel):
        name = type(value).__name__
        extra = {key for key in value.model_extra or {} if (name, key) not in ALLOWED_EXTRA}
        assert not extra, f"{path} ({name}) has undeclared fields {sorted(extra)}"
        for field in type(value).model_fields:
            assert_declared(getattr(value, field), f"{path}.{field}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            assert_declared(item, f"{path}[{index}]")


class Connection:
    """An SDK connection whose every frame is validated as it is read."""

    def __init__(self, sdk: Any) -> None:
        self.sdk = sdk

    async def send(self, event: dict[str, Any]) -> None:
        await self.sdk.send(event)

    async def next(self) -> dict[str, Any]:
        """The next frame's JSON, validated strictly by the SDK's models."""
        data: dict[str, Any] = orjson.loads(await asyncio.wait_for(self.sdk.recv_bytes(), 10))
        model = SERVER_EVENT.validate_python(data)
        assert_keys_kept(data, model.model_dump(exclude_unset=True, by_alias=True))
        assert_declared(model)
        return data

    async def until(self, count: int, *types: str) -> list[dict[str, Any]]:
        """Every frame until `count` of them had one of `types`."""
        frames: list[dict[str, Any]] = []
        seen = 0
        while seen < count:
            frames.append(await self.next())
            seen += frames[-1]["type"] in types
        return frames


ENDS = ("response.completed", "response.incomplete", "response.failed", "error")


@pytest.fixture
async def connect() -> AsyncIterator[Connect]:
    """Opens SDK connections to simulators started with the given options."""
    stack = contextlib.AsyncExitStack()

    async def make(**options: Any) -> Connection:
        runner, port = await start("127.0.0.1", 0, SimulatorOptions(**options))
        stack.push_async_callback(runner.cleanup)
        client = openai.AsyncOpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="sk-sim")
        stack.push_async_callback(client.close)
        sdk = await stack.enter_async_context(client.responses.connect())
        return Connection(sdk)

    async with stack:
        yield make


async def test_a_response_streams_with_its_lane(connect: Connect) -> None:
    """A create's events are the HTTP stream's, numbered from 0, each with its stream_id."""
    conn = await connect()
    await conn.send(
        {"type": "response.create", "stream_id": "agent_1", "model": MODEL, "input": "Hi there"}
    )
    frames = await conn.until(1, *ENDS)
    assert [frame["sequence_number"] for frame in frames] == list(range(len(frames)))
    assert {frame["stream_id"] for frame in frames} == {"agent_1"}
    assert frames[-1]["type"] == "response.completed"
    message = frames[-1]["response"]["output"][-1]
    assert message["content"][0]["text"] == "You said: Hi there"


async def test_lanes_run_at_once_and_each_in_order(connect: Connect) -> None:
    """Lane b's response runs while lane a's first does; lane a's second starts only once
    its first has ended; the default lane's events carry no stream_id."""
    conn = await connect(token_delay=0.01)
    for lane, text in (("a", "first 5 words"), ("a", "second"), ("b", "other"), (None, "plain")):
        event = {"type": "response.create", "model": MODEL, "input": text}
        if lane is not None:
            event["stream_id"] = lane
        await conn.send(event)
    frames = await conn.until(4, "response.completed")
    order = [(frame.get("stream_id"), frame["type"]) for frame in frames]
    created = [index for index, key in enumerate(order) if key[1] == "response.created"]
    completed = {key: index for index, key in enumerate(order) if key[1] == "response.completed"}
    a_first_done = order.index(("a", "response.completed"))
    a_second_created = [i for i in created if order[i][0] == "a"][1]
    assert a_second_created > a_first_done
    assert order.index(("b", "response.created")) < a_first_done
    assert (None, "response.completed") in completed
    assert all("stream_id" not in frame for frame in frames if frame.get("stream_id") is None)


async def test_store_false_responses_are_continued_on_the_connection(connect: Connect) -> None:
    """previous_response_id reaches the connection's last response of a lane, stored or
    not, from any lane; an id nobody has is previous_response_not_found."""
    conn = await connect()
    await conn.send(
        {
            "type": "response.create",
            "stream_id": "a",
            "model": MODEL,
            "input": "I am Ada",
            "store": False,
        }
    )
    first = (await conn.until(1, *ENDS))[-1]["response"]["id"]
    await conn.send(
        {
            "type": "response.create",
            "stream_id": "fork",
            "model": MODEL,
            "input": "Who am I?",
            "previous_response_id": first,
            "store": False,
        }
    )
    second = (await conn.until(1, *ENDS))[-1]
    text = second["response"]["output"][-1]["content"][0]["text"]
    assert text == "You said: Who am I? (earlier you said: I am Ada)"
    await conn.send(
        {
            "type": "response.create",
            "model": MODEL,
            "input": "x",
            "previous_response_id": "resp_gone",
        }
    )
    error = await conn.next()
    assert (error["type"], error["status"]) == ("error", 400)
    assert error["error"]["code"] == "previous_response_not_found"
    assert error["error"]["param"] == "previous_response_id"


async def test_a_function_call_then_its_output(connect: Connect) -> None:
    """The agent loop: a function call, then its output with previous_response_id, then text."""
    conn = await connect()
    await conn.send(
        {
            "type": "response.create",
            "model": MODEL,
            "input": "weather in Paris",
            "tools": [WEATHER_TOOL],
        }
    )
    done = (await conn.until(1, *ENDS))[-1]["response"]
    call = done["output"][-1]
    assert call["type"] == "function_call" and call["name"] == "get_weather"
    await conn.send(
        {
            "type": "response.create",
            "model": MODEL,
            "previous_response_id": done["id"],
            "tools": [WEATHER_TOOL],
            "input": [
                {"type": "function_call_output", "call_id": call["call_id"], "output": "sunny"}
            ],
        }
    )
    final = (await conn.until(1, *ENDS))[-1]["response"]
    assert final["output"][-1]["type"] == "message"
    assert "earlier you said: weather in Paris" in final["output"][-1]["content"][0]["text"]


@pytest.mark.parametrize(
    ("options", "events", "code", "param"),
    [
        (
            {"ws_max_lanes": 1, "token_delay": 0.05},
            ["a", "b"],
            "websocket_stream_limit_reached",
            "stream_id",
        ),
        ({"ws_max_responses": 1}, ["a", "a"], "websocket_connection_limit_reached", None),
        ({"ws_max_age": 0.0}, ["a"], "websocket_connection_limit_reached", None),
    ],
    ids=["lanes", "responses", "age"],
)
async def test_limits_are_error_events_on_the_lane(
    connect: Connect, options: dict[str, Any], events: list[str], code: str, param: str | None
) -> None:
    """A create past a limit is an error event on its lane, status 400; the connection goes on."""
    conn = await connect(**options)
    for lane in events:
        await conn.send(
            {"type": "response.create", "stream_id": lane, "model": MODEL, "input": "count 5 words"}
        )
    # Read every frame before closing: a client that leaves frames unread can wait for the
    # close handshake behind them.
    frames = await conn.until(len(events), *ENDS)
    error = next(frame for frame in frames if frame["type"] == "error")
    assert (error["status"], error["stream_id"], error["error"]["code"]) == (400, events[-1], code)
    assert error["error"].get("param") == param


async def test_steering_is_acknowledged_or_refused(connect: Connect) -> None:
    """response.steer for a response in flight is accepted on its lane; for one that ended,
    it fails; an event of an unknown type is an error naming it."""
    conn = await connect(token_delay=0.02)
    await conn.send(
        {"type": "response.create", "stream_id": "a", "model": MODEL, "input": "count 20 words"}
    )
    created = await conn.next()
    target = created["response"]["id"]
    await conn.send({"type": "response.steer", "previous_response_id": target, "input": "faster"})
    frames = await conn.until(1, "response.steer.accepted")
    accepted = frames[-1]
    assert accepted["stream_id"] == "a" and accepted["steer"]["previous_response_id"] == target
    await conn.until(1, *ENDS)
    await conn.send({"type": "response.steer", "previous_response_id": target, "input": "late"})
    failed = await conn.next()
    assert failed["type"] == "response.steer.failed"
    assert failed["error"]["code"] == "response_already_completed"
    await conn.send({"type": "response.teleport"})
    unknown = await conn.next()
    assert unknown["status"] == 400 and "response.teleport" in unknown["error"]["message"]


@pytest.mark.parametrize(
    ("event", "param"),
    [
        ({"model": MODEL, "input": "x", "background": True}, "background"),
        ({"input": "x"}, "model"),
        ({"model": MODEL, "input": "x", "stream_id": "no spaces"}, "stream_id"),
    ],
    ids=["background", "no-model", "bad-lane"],
)
async def test_refused_creates_are_400_error_events(
    connect: Connect, event: dict[str, Any], param: str
) -> None:
    """A create HTTP would refuse, background, or a malformed lane: status 400 naming it."""
    conn = await connect()
    await conn.send({"type": "response.create", **event})
    error = await conn.next()
    assert (error["type"], error["status"], error["error"]["param"]) == ("error", 400, param)


async def test_only_openai_speaks_the_mode() -> None:
    """A simulator behaving like a seed provider refuses the upgrade (405); a plain GET of
    the OpenAI one's endpoint is told to upgrade (426)."""
    runner, port = await start("127.0.0.1", 0, SimulatorOptions(behave_like="dongzhou"))
    other, other_port = await start("127.0.0.1", 0, SimulatorOptions())
    try:
        async with httpx.AsyncClient() as http:
            headers = {
                "connection": "upgrade",
                "upgrade": "websocket",
                "sec-websocket-version": "13",
                "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
            }
            refused = await http.get(f"http://127.0.0.1:{port}/v1/responses", headers=headers)
            plain = await http.get(f"http://127.0.0.1:{other_port}/v1/responses")
        assert refused.status_code == 405
        assert plain.status_code == 426
    finally:
        await runner.cleanup()
        await other.cleanup()
