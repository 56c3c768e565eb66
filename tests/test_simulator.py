"""Tests for bridge.simulator: a real server on 127.0.0.1, driven by the openai SDK and raw HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import openai
import pydantic
import pytest
from aiohttp import web
from openai.types.responses import (
    FunctionToolParam,
    Response,
    ResponseFormatTextConfigParam,
    ResponseStreamEvent,
)

from bridge.simulator import SimulatorOptions, start
from bridge.simulator.script import answer_text, split_chunks

StartSimulator = Callable[..., Awaitable[int]]
Frame = tuple[float, str, dict[str, Any]]  # (arrival time, SSE event name, data)

MODEL = "gpt-sim"
WEATHER_TOOL: FunctionToolParam = {
    "type": "function",
    "name": "get_weather",
    "description": "Current weather",
    "parameters": {
        "type": "object",
        "properties": {"input": {"type": "string"}},
        "required": ["input"],
        "additionalProperties": False,
    },
    "strict": True,
}
OTHER_TOOL: FunctionToolParam = {
    "type": "function",
    "name": "other",
    "parameters": {},
    "strict": False,
}


def text_events(deltas: int) -> list[str]:
    """Return the event types of a streamed message answer with ``deltas`` deltas."""
    return [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        *["response.output_text.delta"] * deltas,
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]


def call_events(deltas: int) -> list[str]:
    """Return the event types of a streamed function-call answer with ``deltas`` deltas."""
    return [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        *["response.function_call_arguments.delta"] * deltas,
        "response.function_call_arguments.done",
        "response.output_item.done",
        "response.completed",
    ]


# ---------------------------------------------------------------- fixtures


@pytest.fixture
async def start_simulator() -> AsyncIterator[StartSimulator]:
    """Yield a function that starts a simulator on a free port; all are stopped after the test."""
    runners: list[web.AppRunner] = []

    async def _start(options: SimulatorOptions | None = None) -> int:
        runner, port = await start("127.0.0.1", 0, options or SimulatorOptions())
        runners.append(runner)
        return port

    yield _start
    for runner in runners:
        await runner.cleanup()


@pytest.fixture
async def port(start_simulator: StartSimulator) -> int:
    """Return the port of a simulator with default options."""
    return await start_simulator()


@pytest.fixture
async def client(port: int) -> AsyncIterator[openai.AsyncOpenAI]:
    """Yield an official openai client pointed at the simulator."""
    async with openai.AsyncOpenAI(
        base_url=f"http://127.0.0.1:{port}/v1", api_key="test", max_retries=0
    ) as sdk:
        yield sdk


@pytest.fixture
async def http(port: int) -> AsyncIterator[httpx.AsyncClient]:
    """Yield a plain HTTP client pointed at the simulator."""
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=30) as raw:
        yield raw


# ---------------------------------------------------------------- helpers


async def read_sse(
    http: httpx.AsyncClient,
    body: dict[str, Any] | None,
    path: str = "/v1/responses",
    *,
    method: str = "POST",
) -> list[Frame]:
    """Send ``body`` to ``path`` and return every SSE frame with the time it arrived."""
    frames: list[Frame] = []
    buffer = b""
    async with http.stream(method, path, json=body) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        async for chunk in response.aiter_raw():
            now = time.monotonic()
            buffer += chunk
            *complete, buffer = buffer.split(b"\n\n")
            for raw in complete:
                fields = dict(line.split(": ", 1) for line in raw.decode().split("\n"))
                assert list(fields) == ["event", "data"]
                frames.append((now, fields["event"], json.loads(fields["data"])))
    assert buffer == b""
    return frames


async def sse_events(
    http: httpx.AsyncClient,
    body: dict[str, Any] | None,
    path: str = "/v1/responses",
    *,
    method: str = "POST",
) -> list[dict[str, Any]]:
    """Like `read_sse`, but only the events' data (each checked to be named like its type)."""
    frames = await read_sse(http, body, path, method=method)
    for _, name, data in frames:
        assert name == data["type"]
    return [data for _, _, data in frames]


@dataclass
class Sim:
    """A running simulator with an official openai client and a plain HTTP client on it."""

    port: int
    client: openai.AsyncOpenAI
    http: httpx.AsyncClient


@contextlib.asynccontextmanager
async def running(options: SimulatorOptions | None = None) -> AsyncIterator[Sim]:
    """Run a simulator on a free loopback port for the duration of the block."""
    runner, port = await start("127.0.0.1", 0, options or SimulatorOptions())
    base = f"http://127.0.0.1:{port}"
    try:
        async with (
            openai.AsyncOpenAI(base_url=f"{base}/v1", api_key="test", max_retries=0) as sdk,
            httpx.AsyncClient(base_url=base, timeout=30) as raw,
        ):
            yield Sim(port, sdk, raw)
    finally:
        await runner.cleanup()


# Fields the real API sends that the installed SDK's models do not declare:
# "name" is in OpenAI's spec of this event, "store" in every recorded Response.
ALLOWED_EXTRA = {("ResponseFunctionCallArgumentsDoneEvent", "name"), ("Response", "store")}


def assert_keys_kept(original: Any, dumped: Any, path: str = "$") -> None:
    """Fail if any key of ``original`` is missing at the same place in ``dumped``."""
    if isinstance(original, dict):
        assert isinstance(dumped, dict), path
        for key, value in original.items():
            assert key in dumped, f"{path}.{key} lost by validation"
            assert_keys_kept(value, dumped[key], f"{path}.{key}")
    elif isinstance(original, list):
        assert isinstance(dumped, list) and len(dumped) == len(original), path
        for index, (value, kept) in enumerate(zip(original, dumped, strict=True)):
            assert_keys_kept(value, kept, f"{path}[{index}]")


def assert_no_extra(value: Any, path: str = "$") -> None:
    """Fail if a validated model holds a field its class does not declare."""
    if isinstance(value, pydantic.BaseModel):
        name = type(value).__name__
        extra = {key for key in value.model_extra or {} if (name, key) not in ALLOWED_EXTRA}
        assert not extra, f"{path} ({name}) has undeclared fields {sorted(extra)}"
        for field in type(value).model_fields:
            assert_no_extra(getattr(value, field), f"{path}.{field}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            assert_no_extra(item, f"{path}[{index}]")
    elif isinstance(value, dict):
        for key, item in value.items():
            assert_no_extra(item, f"{path}.{key}")


def validate_strictly(adapter: pydantic.TypeAdapter[Any], data: dict[str, Any]) -> Any:
    """Validate ``data`` with the SDK's types; nothing may be lost or undeclared."""
    model = adapter.validate_python(data)
    assert_keys_kept(data, model.model_dump(exclude_unset=True, by_alias=True))
    assert_no_extra(model)
    return model


EVENT_ADAPTER: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(ResponseStreamEvent)
RESPONSE_ADAPTER: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(Response)


def assert_contiguous(events: list[dict[str, Any]], first: int = 0) -> None:
    """Fail unless the events are numbered ``first``, ``first + 1``, ... without gaps."""
    numbers = [event["sequence_number"] for event in events]
    assert numbers == list(range(first, first + len(events))), numbers


# ---------------------------------------------------------------- pure rules


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello", "You said: hello"),
        ("", "You said: "),
        ("count 3 words", "You said: count 3 words w1 w2 w3"),
        ("Give me 2 WORDS then 5 words", "You said: Give me 2 WORDS then 5 words w1 w2"),
        ("1 word", "You said: 1 word w1"),
        ("words 3", "You said: words 3"),
        ("0 words", "You said: 0 words"),
    ],
)
def test_answer_text_rule(text: str, expected: str) -> None:
    """The answer echoes the text and adds N filler words for the first "N words"."""
    assert answer_text(text) == expected


@pytest.mark.parametrize("digits", ["100001", "9" * 5000])
def test_answer_text_caps_extra_words(digits: str) -> None:
    """A "N words" request adds at most 100000 words, however long N is."""
    answer = answer_text(f"{digits} words")
    assert answer.endswith(" w100000")
    assert len(answer.split()) == 4 + 100_000


@pytest.mark.parametrize(
    "text", ["You said: a  b\n", "one", "  lead and trail  ", "\n", "", "x " * 10]
)
@pytest.mark.parametrize("words", [1, 2, 3])
def test_split_chunks_rejoins_exactly(text: str, words: int) -> None:
    """Deltas join back to the exact text and each holds at most ``words`` words."""
    chunks = split_chunks(text, words)
    assert "".join(chunks) == text
    assert all(1 <= len(chunk.split()) <= words or not chunk.strip() for chunk in chunks)
    assert len(chunks) == (-(-len(text.split()) // words) if text.split() else int(bool(text)))


@pytest.mark.parametrize(
    "bad", [{"token_delay": -1.0}, {"token_delay": float("nan")}, {"chunk_words": 0}, {"model": ""}]
)
def test_options_reject_nonsense(bad: dict[str, Any]) -> None:
    """SimulatorOptions refuses values that could not pace or split a stream."""
    with pytest.raises(ValueError):
        SimulatorOptions(**bad)


# ---------------------------------------------------------------- unary answers

INPUT_CASES = [
    pytest.param("hello there", "You said: hello there", id="string"),
    pytest.param([{"role": "user", "content": "hi"}], "You said: hi", id="message-string"),
    pytest.param(
        [
            {
                "type": "message",
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "a"},
                    {"type": "input_image", "image_url": "https://example.com/x.png"},
                    {"type": "input_text", "text": "b"},
                ],
            }
        ],
        "You said: a b",
        id="message-parts",
    ),
    pytest.param(
        [
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": "second"},
            {"role": "developer", "content": "be terse"},
        ],
        "You said: second",
        id="last-user-message",
    ),
    pytest.param("  count 3 words  ", "You said: count 3 words w1 w2 w3", id="n-words"),
]


@pytest.mark.parametrize(("input_", "expected"), INPUT_CASES)
async def test_unary_text_answer(client: openai.AsyncOpenAI, input_: Any, expected: str) -> None:
    """The SDK parses a unary answer whose text follows the deterministic rule."""
    response = await client.responses.create(model=MODEL, input=input_)
    assert response.output_text == expected
    assert response.status == "completed"
    assert response.model == MODEL
    assert response.id.startswith("resp_") and len(response.id) == 5 + 48
    assert (response.output[0].id or "").startswith("msg_")
    assert response.usage is not None
    assert response.usage.output_tokens == len(expected.split())
    assert response.usage.total_tokens == response.usage.input_tokens + len(expected.split())


async def test_usage_counts_words(client: openai.AsyncOpenAI) -> None:
    """Input tokens are the words of the instructions and of every input text."""
    response = await client.responses.create(
        model=MODEL,
        instructions="be brief",
        input=[
            {"role": "user", "content": "one two three"},
            {"role": "assistant", "content": "four"},
            {"role": "user", "content": [{"type": "input_text", "text": "five six"}]},
        ],
    )
    assert response.usage is not None
    assert response.usage.input_tokens == 2 + 3 + 1 + 2
    assert response.usage.output_tokens == 4  # "You said: five six"


async def test_request_fields_are_echoed(client: openai.AsyncOpenAI) -> None:
    """Instructions, sampling, limits, metadata and text config come back as sent."""
    response = await client.responses.create(
        model=MODEL,
        input="hi",
        instructions="Follow the user instructions exactly.",
        temperature=0,
        top_p=0.5,
        max_output_tokens=64,
        metadata={"k": "v"},
        text={"verbosity": "low"},
        store=False,
        previous_response_id="resp_previous",
    )
    assert response.instructions == "Follow the user instructions exactly."
    assert (response.temperature, response.top_p) == (0.0, 0.5)
    assert response.max_output_tokens == 64
    assert response.metadata == {"k": "v"}
    assert response.text is not None and response.text.verbosity == "low"
    assert response.text.format is not None and response.text.format.type == "text"
    assert (response.model_extra or {}).get("store") is False  # not modelled by the SDK
    assert response.previous_response_id == "resp_previous"
    assert response.tool_choice == "auto" and response.tools == []


async def test_model_option_overrides_model(start_simulator: StartSimulator) -> None:
    """SimulatorOptions.model replaces the request's model in the response."""
    port = await start_simulator(SimulatorOptions(model="sim-override"))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        reply = await http.post("/v1/responses", json={"model": MODEL, "input": "x"})
    assert reply.json()["model"] == "sim-override"


@pytest.mark.parametrize("path", ["/v1/responses", "/responses"])
async def test_both_paths_answer(http: httpx.AsyncClient, path: str) -> None:
    """The endpoint answers with and without the /v1 prefix, ignoring credentials."""
    reply = await http.post(
        path, json={"model": MODEL, "input": "hi"}, headers={"Authorization": "Bearer sk-secret"}
    )
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("application/json")
    assert reply.headers["x-request-id"].startswith("req_")
    assert "sk-secret" not in reply.text
    assert reply.json()["output"][0]["content"][0]["text"] == "You said: hi"


async def test_healthz(http: httpx.AsyncClient) -> None:
    """GET /healthz answers 200 "ok"."""
    reply = await http.get("/healthz")
    assert (reply.status_code, reply.text) == (200, "ok")


# ---------------------------------------------------------------- streamed answers


async def test_stream_helper_text(client: openai.AsyncOpenAI) -> None:
    """The SDK's stream helper sees the full event sequence and the same final text."""
    async with client.responses.stream(model=MODEL, input="hello there world") as stream:
        seen = [event.type async for event in stream]
        final = await stream.get_final_response()
    assert seen == text_events(5)
    assert final.output_text == "You said: hello there world"
    assert final.usage is not None and final.usage.output_tokens == 5


@pytest.mark.parametrize(("chunk_words", "deltas"), [(1, 8), (2, 4), (100, 1)])
async def test_create_stream_iteration(
    start_simulator: StartSimulator, chunk_words: int, deltas: int
) -> None:
    """Iterating create(stream=True) yields chunk_words-word deltas that join to the text."""
    port = await start_simulator(SimulatorOptions(chunk_words=chunk_words))
    expected = "You said: count 3 words w1 w2 w3"
    async with openai.AsyncOpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="t") as sdk:
        stream = await sdk.responses.create(model=MODEL, input="count 3 words", stream=True)
        async with stream:
            events = [event async for event in stream]
    assert [event.type for event in events] == text_events(deltas)
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == expected
    assert events[-1].type == "response.completed"
    assert events[-1].response.output_text == expected


# ---------------------------------------------------------------- tools and formats


async def test_function_tool_unary(client: openai.AsyncOpenAI) -> None:
    """A function tool turns the answer into one function_call with JSON arguments."""
    response = await client.responses.create(
        model=MODEL, input="weather in Paris", tools=[WEATHER_TOOL, OTHER_TOOL]
    )
    [item] = response.output
    assert item.type == "function_call"
    assert item.name == "get_weather"
    assert item.call_id.startswith("call_")
    assert json.loads(item.arguments) == {"input": "weather in Paris"}
    assert response.output_text == ""


async def test_tool_choice_names_the_function(client: openai.AsyncOpenAI) -> None:
    """A tool_choice naming a function makes that function the one called."""
    response = await client.responses.create(
        model=MODEL,
        input="go",
        tools=[WEATHER_TOOL, OTHER_TOOL],
        tool_choice={"type": "function", "name": "other"},
    )
    assert [(item.type, getattr(item, "name", None)) for item in response.output] == [
        ("function_call", "other")
    ]


async def test_stream_helper_function_call(client: openai.AsyncOpenAI) -> None:
    """The stream helper reports argument deltas and done for a function call."""
    async with client.responses.stream(
        model=MODEL, input="weather in Paris today", tools=[WEATHER_TOOL]
    ) as stream:
        events = [event async for event in stream]
        final = await stream.get_final_response()
    assert [event.type for event in events] == call_events(4)
    done = next(e for e in events if e.type == "response.function_call_arguments.done")
    assert json.loads(done.arguments) == {"input": "weather in Paris today"}
    [item] = final.output
    assert item.type == "function_call" and item.arguments == done.arguments


@pytest.mark.parametrize(
    ("input_", "extra"),
    [
        pytest.param("no tools: hi", {}, id="user-says-no-tools"),
        pytest.param("hi", {"tool_choice": "none"}, id="tool-choice-none"),
        pytest.param(
            [
                {"role": "user", "content": "hi"},
                {
                    "type": "function_call",
                    "call_id": "call_1",
                    "name": "get_weather",
                    "arguments": "{}",
                },
                {"type": "function_call_output", "call_id": "call_1", "output": "sunny"},
            ],
            {},
            id="after-tool-output",
        ),
    ],
)
async def test_tools_not_called(
    client: openai.AsyncOpenAI, input_: Any, extra: dict[str, Any]
) -> None:
    """With "no tools", tool_choice "none" or a tool result last, the answer is text."""
    response = await client.responses.create(
        model=MODEL, input=input_, tools=[WEATHER_TOOL], **extra
    )
    assert [item.type for item in response.output] == ["message"]
    assert response.output_text.startswith("You said: ")


class Answer(pydantic.BaseModel):
    """The shape of the simulator's JSON-mode answers."""

    answer: str


@pytest.mark.parametrize(
    "fmt",
    [
        {"type": "json_object"},
        {"type": "json_schema", "name": "answer", "schema": Answer.model_json_schema()},
    ],
)
async def test_json_formats(client: openai.AsyncOpenAI, fmt: ResponseFormatTextConfigParam) -> None:
    """JSON text formats make the answer a JSON object {"answer": ...}."""
    response = await client.responses.create(model=MODEL, input="hi", text={"format": fmt})
    assert json.loads(response.output_text) == {"answer": "You said: hi"}
    assert response.text is not None and response.text.format is not None
    assert response.text.format.type == fmt["type"]


async def test_parse_with_text_format(client: openai.AsyncOpenAI) -> None:
    """The SDK's responses.parse gets a parsed pydantic object back."""
    response = await client.responses.parse(model=MODEL, input="hi", text_format=Answer)
    assert response.output_parsed == Answer(answer="You said: hi")


# ---------------------------------------------------------------- wire shape

SHAPE_CASES = [
    pytest.param({"input": "hello there"}, id="text"),
    pytest.param({"input": "hi", "tools": [WEATHER_TOOL]}, id="function-call"),
    pytest.param(
        {"input": "hi", "text": {"format": {"type": "json_object"}}, "instructions": "json"},
        id="json",
    ),
]


@pytest.mark.parametrize("body", SHAPE_CASES)
async def test_stream_events_validate_strictly(
    http: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    """Every event validates against the SDK's types, numbered 0..n-1, named like its type."""
    frames = await read_sse(http, {"model": MODEL, "stream": True, **body})
    assert [data["sequence_number"] for _, _, data in frames] == list(range(len(frames)))
    for _, name, data in frames:
        assert name == data["type"]
        validate_strictly(EVENT_ADAPTER, data)
    created, completed = frames[0][2]["response"], frames[-1][2]["response"]
    assert created["status"] == "in_progress" and created["output"] == []
    assert created["usage"] is None and created["completed_at"] is None
    assert completed["status"] == "completed" and completed["usage"] is not None
    assert completed["id"] == created["id"]
    validate_strictly(RESPONSE_ADAPTER, completed)
    done = frames[-2][2]
    assert done["type"] == "response.output_item.done"
    assert completed["output"] == [done["item"]]


@pytest.mark.parametrize("body", SHAPE_CASES)
async def test_unary_response_validates_strictly(
    http: httpx.AsyncClient, body: dict[str, Any]
) -> None:
    """The unary Response validates against the SDK's type with no key lost."""
    reply = await http.post("/v1/responses", json={"model": MODEL, **body})
    data = reply.json()
    validate_strictly(RESPONSE_ADAPTER, data)
    assert data["completed_at"] >= data["created_at"]
    assert data["error"] is None and data["incomplete_details"] is None


# Field order of the events in a stream recorded from api.openai.com (gpt-4.1),
# minus the "obfuscation" padding and the "conversation" the request had.
RECORDED_KEY_ORDER = {
    "response.created": "type response sequence_number",
    "response.in_progress": "type response sequence_number",
    "response.output_item.added": "type item output_index sequence_number",
    "response.content_part.added": "type content_index item_id output_index part sequence_number",
    "response.output_text.delta": (
        "type content_index delta item_id logprobs output_index sequence_number"
    ),
    "response.output_text.done": (
        "type content_index item_id logprobs output_index sequence_number text"
    ),
    "response.content_part.done": "type content_index item_id output_index part sequence_number",
    "response.output_item.done": "type item output_index sequence_number",
    "response.completed": "type response sequence_number",
}
RECORDED_RESPONSE_KEYS = (
    "id object created_at status background completed_at error incomplete_details"
    " instructions max_output_tokens max_tool_calls model output parallel_tool_calls"
    " previous_response_id prompt_cache_key reasoning safety_identifier service_tier store"
    " temperature text tool_choice tools top_logprobs top_p truncation usage user metadata"
)


async def test_field_order_matches_recording(http: httpx.AsyncClient) -> None:
    """Events and the Response list their fields in the order OpenAI sends them."""
    frames = await read_sse(http, {"model": MODEL, "input": "hi", "stream": True})
    for _, name, data in frames:
        assert " ".join(data) == RECORDED_KEY_ORDER[name]
    for index in (0, 1, -1):
        assert " ".join(frames[index][2]["response"]) == RECORDED_RESPONSE_KEYS
    assert " ".join(frames[-2][2]["item"]) == "id type status content role"
    assert " ".join(frames[3][2]["part"]) == "type annotations logprobs text"


# ---------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("content", "param"),
    [
        pytest.param(b'{"input": "hi"}', "model", id="no-model"),
        pytest.param(b'{"model": "m"}', "input", id="no-input"),
        pytest.param(b'{"model": 5, "input": "hi"}', "model", id="model-not-string"),
        pytest.param(b'{"model": "m", "input": 5}', "input", id="input-not-string-or-list"),
        pytest.param(b'{"model": "m", "input": "hi", "stream": "yes"}', "stream", id="bad-stream"),
        pytest.param(b"[1, 2]", None, id="array-body"),
        pytest.param(b"not json", None, id="invalid-json"),
        pytest.param(b"", None, id="empty-body"),
    ],
)
async def test_bad_request_shape(
    http: httpx.AsyncClient, content: bytes, param: str | None
) -> None:
    """Unusable bodies get 400 with OpenAI's error object naming the field."""
    reply = await http.post("/v1/responses", content=content)
    assert reply.status_code == 400
    error = reply.json()["error"]
    assert isinstance(error.pop("message"), str)
    assert error == {"type": "invalid_request_error", "param": param, "code": None}


async def test_sdk_raises_bad_request_for_missing_model(client: openai.AsyncOpenAI) -> None:
    """The SDK raises BadRequestError carrying the error's param for a missing model."""
    with pytest.raises(openai.BadRequestError) as caught:
        await client.responses.create(input="hi")
    assert caught.value.status_code == 400
    assert (caught.value.param, caught.value.type) == ("model", "invalid_request_error")


# ---------------------------------------------------------------- pacing and disconnects


async def test_token_delay_paces_deltas(start_simulator: StartSimulator) -> None:
    """With token_delay the first delta arrives well before the stream ends."""
    port = await start_simulator(SimulatorOptions(token_delay=0.05))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
        frames = await read_sse(http, {"model": MODEL, "input": "one two three", "stream": True})
    arrivals = {name: at for at, name, _ in reversed(frames)}  # first arrival of each type
    deltas = [at for at, name, _ in frames if name == "response.output_text.delta"]
    assert len(deltas) == 5  # "You said: one two three": four sleeps of 0.05 s between them
    assert arrivals["response.completed"] - deltas[0] > 0.02
    assert arrivals["response.created"] <= deltas[0]


async def _disconnect_mid_stream(port: int, body: dict[str, Any]) -> None:
    """Send a streaming request, read until the first delta, then drop the connection."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    payload = json.dumps(body).encode()
    writer.write(
        b"POST /v1/responses HTTP/1.1\r\nHost: sim\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\n\r\n%s" % (len(payload), payload)
    )
    received = b""
    while b"response.output_text.delta" not in received:
        chunk = await reader.read(4096)
        assert chunk, "stream ended before any delta"
        received += chunk
    writer.close()
    await writer.wait_closed()


@pytest.mark.parametrize(
    ("token_delay", "words"),
    [pytest.param(0.05, 200, id="paced"), pytest.param(0.0, 100_000, id="batched")],
)
async def test_client_disconnect_mid_stream(
    start_simulator: StartSimulator,
    caplog: pytest.LogCaptureFixture,
    token_delay: float,
    words: int,
) -> None:
    """A client leaving mid-stream stops that stream quietly; the next request succeeds."""
    caplog.set_level(logging.DEBUG, logger="bridge.simulator")
    port = await start_simulator(SimulatorOptions(token_delay=token_delay))
    body = {"model": MODEL, "input": f"count {words} words", "stream": True}
    await _disconnect_mid_stream(port, body)
    # The full stream would take 10 s (paced) or many MB (batched); the handler
    # must notice the closed connection and stop long before that.
    deadline = time.monotonic() + 5
    while not any("mid-stream" in record.getMessage() for record in caplog.records):
        assert time.monotonic() < deadline, "the stream kept going after the disconnect"
        await asyncio.sleep(0.01)
    async with openai.AsyncOpenAI(base_url=f"http://127.0.0.1:{port}/v1", api_key="t") as sdk:
        response = await sdk.responses.create(model=MODEL, input="still there?")
    assert response.output_text == "You said: still there?"
    problems = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert not problems, [r.getMessage() for r in problems]


async def test_cleanup_ends_running_streams_promptly() -> None:
    """Stopping the runner ends an in-flight paced stream at once, without completing it."""
    runner, port = await start("127.0.0.1", 0, SimulatorOptions(token_delay=0.05))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
            reader = asyncio.create_task(
                read_sse(http, {"model": MODEL, "input": "count 1000 words", "stream": True})
            )
            await asyncio.sleep(0.2)  # well into a 50-second stream
            began = time.monotonic()
            await runner.cleanup()
            stopped_in = time.monotonic() - began
            frames = await reader
    finally:
        await runner.cleanup()
    assert stopped_in < 1.0  # aiohttp alone would wait out its shutdown timeout twice
    assert frames and frames[-1][1] == "response.output_text.delta"
