"""The simulator's stored responses: retrieve, delete, input items, token counts, compaction."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import openai
import pydantic
import pytest
from openai.types.responses import (
    CompactedResponse,
    InputTokenCountResponse,
    ResponseCompactionItem,
    ResponseUsage,
)
from openai.types.responses.response_item_list import ResponseItemList

from bridge.simulator import SimulatorOptions
from bridge.simulator.store import Entry, ResponseStore
from tests.test_simulator import (
    MODEL,
    RESPONSE_ADAPTER,
    Sim,
    running,
    sse_events,
    validate_strictly,
)

SPEC = Path("/work/shared/reference/recorded")
ITEM_LIST_ADAPTER: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(ResponseItemList)


def spec_example(name: str) -> dict[str, Any]:
    """The request and response of one of the spec's examples (skipped when absent)."""
    path = SPEC / f"spec-{name}.json"
    if not path.exists():
        pytest.skip(f"{path} is not available")
    example: dict[str, Any] = json.loads(path.read_text())
    return example


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    """A simulator with default options."""
    async with running() as simulator:
        yield simulator


def not_found(response_id: str) -> dict[str, Any]:
    """OpenAI's 404 body for an unknown response."""
    return {
        "error": {
            "message": f"Response with id '{response_id}' not found.",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
    }


# ---------------------------------------------------------------- retrieve and delete


@pytest.mark.parametrize("prefix", ["/v1", ""])
async def test_retrieve_returns_the_stored_response(sim: Sim, prefix: str) -> None:
    """GET /responses/{id} returns exactly what create returned, with and without /v1."""
    created = (
        await sim.http.post(f"{prefix}/responses", json={"model": MODEL, "input": "hi"})
    ).json()
    reply = await sim.http.get(f"{prefix}/responses/{created['id']}")
    assert reply.status_code == 200 and reply.headers["x-request-id"].startswith("req_")
    assert reply.json() == created
    validate_strictly(RESPONSE_ADAPTER, reply.json())
    retrieved = await sim.client.responses.retrieve(created["id"])
    assert retrieved.output_text == "You said: hi"


async def test_retrieve_streamed_foreground_response(sim: Sim) -> None:
    """A streamed response is stored as its response.completed event says."""
    events = await sse_events(sim.http, {"model": MODEL, "input": "think", "stream": True})
    final = events[-1]["response"]
    assert (await sim.http.get(f"/v1/responses/{final['id']}")).json() == final


async def test_retrieve_accepts_include(sim: Sim) -> None:
    """include[] is accepted (known values) and rejected with 400 otherwise."""
    created = await sim.client.responses.create(model=MODEL, input="hi")
    again = await sim.client.responses.retrieve(
        created.id, include=["reasoning.encrypted_content", "message.output_text.logprobs"]
    )
    assert again.id == created.id
    reply = await sim.http.get(f"/v1/responses/{created.id}", params={"include[]": "bogus"})
    assert reply.status_code == 400 and reply.json()["error"]["param"] == "include"


async def test_every_route_answers_without_v1(sim: Sim) -> None:
    """Base URLs without /v1 reach every route."""
    created = (await sim.http.post("/responses", json={"model": MODEL, "input": "hi"})).json()
    path = f"/responses/{created['id']}"
    items = await sim.http.get(f"{path}/input_items")
    assert items.json()["data"][0]["content"][0]["text"] == "hi"
    counted = await sim.http.post("/responses/input_tokens", json={"input": "a b c"})
    assert counted.json()["input_tokens"] == 3
    compacted = await sim.http.post("/responses/compact", json={"model": MODEL, "input": "x"})
    assert compacted.json()["object"] == "response.compaction"
    cancel = await sim.http.post(f"{path}/cancel")
    assert cancel.status_code == 400  # not a background response
    assert (await sim.http.delete(path)).json()["deleted"] is True


@pytest.mark.parametrize("method", ["GET", "DELETE"])
async def test_unknown_response_is_404(sim: Sim, method: str) -> None:
    """Unknown ids get 404 with OpenAI's error object; the SDK raises NotFoundError."""
    reply = await sim.http.request(method, "/v1/responses/resp_nope")
    assert reply.status_code == 404 and reply.json() == not_found("resp_nope")
    for path in ("/v1/responses/resp_nope/input_items", "/v1/responses/resp_nope/cancel"):
        answer = await sim.http.request("GET" if "items" in path else "POST", path)
        assert (answer.status_code, answer.json()) == (404, not_found("resp_nope"))
    with pytest.raises(openai.NotFoundError):
        await sim.client.responses.retrieve("resp_nope")


async def test_store_false_is_not_kept(sim: Sim) -> None:
    """store: false responses cannot be retrieved, unary or streamed."""
    unary = await sim.client.responses.create(model=MODEL, input="hi", store=False)
    events = await sse_events(
        sim.http, {"model": MODEL, "input": "hi", "store": False, "stream": True}
    )
    for response_id in (unary.id, events[-1]["response"]["id"]):
        reply = await sim.http.get(f"/v1/responses/{response_id}")
        assert reply.status_code == 404


async def test_delete(sim: Sim) -> None:
    """DELETE answers response.deleted, then the response is gone (404 on GET and DELETE)."""
    created = await sim.client.responses.create(model=MODEL, input="hi")
    reply = await sim.http.delete(f"/v1/responses/{created.id}")
    assert reply.json() == {"id": created.id, "object": "response.deleted", "deleted": True}
    assert (await sim.http.get(f"/v1/responses/{created.id}")).status_code == 404
    assert (await sim.http.delete(f"/v1/responses/{created.id}")).status_code == 404
    other = await sim.client.responses.create(model=MODEL, input="bye")
    await sim.client.responses.delete(other.id)  # the SDK returns None
    with pytest.raises(openai.NotFoundError):
        await sim.client.responses.retrieve(other.id)


async def test_oldest_responses_are_evicted() -> None:
    """Past max_stored_responses, the oldest responses are forgotten first."""
    async with running(SimulatorOptions(max_stored_responses=3)) as sim:
        ids = [(await sim.client.responses.create(model=MODEL, input=str(n))).id for n in range(5)]
        codes = [(await sim.http.get(f"/v1/responses/{i}")).status_code for i in ids]
    assert codes == [404, 404, 200, 200, 200]


def test_store_byte_budget_evicts_oldest() -> None:
    """The store also stays under its byte budget, never evicting the entry being added."""
    store = ResponseStore(max_responses=100, max_bytes=300)
    entries = [
        Entry(response_id=f"resp_{n}", background=False, input_items=[{"text": "x" * 100}])
        for n in range(4)
    ]
    for entry in entries:
        store.add(entry)
    assert [store.get(e.response_id) is not None for e in entries] == [False, False, True, True]
    assert store.size <= 300 and len(store) == 2
    huge = Entry(response_id="resp_huge", background=False, input_items=[{"t": "y" * 1000}])
    store.add(huge)
    assert len(store) == 1 and store.get("resp_huge") is huge
    with pytest.raises(ValueError):
        ResponseStore(max_responses=0)


# ---------------------------------------------------------------- input items

CONVERSATION: list[Any] = [
    {"role": "developer", "content": "Be brief."},
    {"role": "user", "content": "first"},
    {"role": "assistant", "content": "ok"},
    {
        "type": "message",
        "role": "user",
        "content": [
            {"type": "input_text", "text": "look"},
            {"type": "input_image", "image_url": "https://example.com/x.png"},
        ],
    },
    {
        "type": "function_call",
        "id": "fc_given",
        "call_id": "call_1",
        "name": "get_weather",
        "arguments": "{}",
    },
    {"type": "function_call_output", "call_id": "call_1", "output": "sunny"},
    *[{"role": "user", "content": f"message {n}"} for n in range(39)],
]


async def test_input_items_string_input(sim: Sim) -> None:
    """A string input is listed as one user message, shaped like the spec's example."""
    example = spec_example("listInputItems")["response"]
    created = await sim.client.responses.create(model=MODEL, input="Tell me a story.")
    listed = (await sim.http.get(f"/v1/responses/{created.id}/input_items")).json()
    assert list(listed) == list(example)
    [item] = listed["data"]
    assert list(item) == list(example["data"][0])
    assert item["id"].startswith("msg_") and item["id"] != created.output[0].id
    assert item["content"] == [{"type": "input_text", "text": "Tell me a story."}]
    assert (listed["first_id"], listed["last_id"], listed["has_more"]) == (
        item["id"],
        item["id"],
        False,
    )
    validate_strictly(ITEM_LIST_ADAPTER, listed)


async def test_input_items_pages_with_the_sdk(sim: Sim) -> None:
    """The SDK pages through every input item, newest first, 20 at a time, until has_more ends."""
    created = await sim.client.responses.create(model=MODEL, input=CONVERSATION)
    items = [item async for item in sim.client.responses.input_items.list(created.id)]
    assert len(items) == len(CONVERSATION) == 45
    types = [item.type for item in items]
    assert types[39:41] == ["function_call_output", "function_call"]
    assert [getattr(item, "role", None) for item in items[-4:]] == [
        "user",
        "assistant",
        "user",
        "developer",
    ]
    assert items[40].id == "fc_given"
    assert len({item.id for item in items}) == 45
    assert all(item.id.startswith("msg_") for item in items if item.type == "message")
    ascending = [
        item async for item in sim.client.responses.input_items.list(created.id, order="asc")
    ]
    assert [item.id for item in ascending] == [item.id for item in reversed(items)]


async def test_input_items_pages_over_http(sim: Sim) -> None:
    """Pages are strict list objects; after= continues after an id; has_more tells when to stop."""
    created = await sim.client.responses.create(model=MODEL, input=CONVERSATION)
    path = f"/v1/responses/{created.id}/input_items"
    pages: list[dict[str, Any]] = []
    after: str | None = None
    for _ in range(10):  # 45 items at 20 per page need 3
        params: dict[str, str | int] = {"limit": 20}
        if after is not None:
            params["after"] = after
        page = (await sim.http.get(path, params=params)).json()
        validate_strictly(ITEM_LIST_ADAPTER, page)
        pages.append(page)
        assert page["first_id"] == page["data"][0]["id"]
        assert page["last_id"] == page["data"][-1]["id"]
        if not page["has_more"]:
            break
        after = page["last_id"]
    assert [len(page["data"]) for page in pages] == [20, 20, 5]
    assert [page["has_more"] for page in pages] == [True, True, False]
    first = (await sim.http.get(path)).json()
    assert first == pages[0]  # default limit 20, newest first
    tail = (await sim.http.get(path, params={"order": "asc", "limit": 2})).json()
    assert [item["content"][0]["text"] for item in tail["data"]] == ["Be brief.", "first"]
    function_output = next(
        i for p in pages for i in p["data"] if i["type"] == "function_call_output"
    )
    assert function_output["status"] == "completed"
    image = next(
        i for p in pages for i in p["data"] if i["type"] == "message" and len(i["content"]) == 2
    )
    assert image["content"][1]["detail"] == "auto"


@pytest.mark.parametrize(
    ("params", "param"),
    [
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"limit": "x"}, "limit"),
        ({"order": "up"}, "order"),
    ],
)
async def test_input_items_bad_query(sim: Sim, params: dict[str, Any], param: str) -> None:
    """Out-of-range limits and unknown orders get 400 naming the parameter."""
    created = await sim.client.responses.create(model=MODEL, input="hi")
    reply = await sim.http.get(f"/v1/responses/{created.id}/input_items", params=params)
    assert reply.status_code == 400 and reply.json()["error"]["param"] == param


# ---------------------------------------------------------------- input token counts


async def test_input_tokens_match_usage(sim: Sim) -> None:
    """input_tokens.count counts like usage.input_tokens: words of instructions and input."""
    request: dict[str, Any] = {
        "model": MODEL,
        "instructions": "be brief",
        "input": CONVERSATION[:6],
    }
    counted = await sim.client.responses.input_tokens.count(**request)
    created = await sim.client.responses.create(**request)
    assert created.usage is not None
    assert counted.input_tokens == created.usage.input_tokens == 2 + 2 + 1 + 1 + 2 + 1
    raw = await sim.http.post("/v1/responses/input_tokens", json=request)
    assert list(raw.json()) == ["object", "input_tokens"]
    validate_strictly(pydantic.TypeAdapter(InputTokenCountResponse), raw.json())


async def test_input_tokens_spec_example_and_edges(sim: Sim) -> None:
    """The spec's request is answered in its shape; an empty body counts 0; bad types get 400."""
    example = spec_example("Getinputtokencounts")
    reply = await sim.http.post("/v1/responses/input_tokens", json=example["request_body"])
    assert list(reply.json()) == list(example["response"])
    assert reply.json()["input_tokens"] == 4  # "Tell me a joke."
    empty = await sim.http.post("/v1/responses/input_tokens")
    assert empty.json() == {"object": "response.input_tokens", "input_tokens": 0}
    bad = await sim.http.post("/v1/responses/input_tokens", json={"input": 5})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "input"


# ---------------------------------------------------------------- compaction


async def test_compact_follows_the_spec_example(sim: Sim) -> None:
    """compact keeps the user messages and replaces the rest by one compaction item."""
    example = spec_example("Compactconversation")
    reply = await sim.http.post("/v1/responses/compact", json=example["request_body"])
    assert reply.status_code == 200
    compacted, expected = reply.json(), example["response"]
    assert list(compacted) == list(expected)
    assert compacted["object"] == "response.compaction"
    assert [list(item) for item in compacted["output"]] == [
        list(item) for item in expected["output"]
    ]
    message, compaction = compacted["output"]
    assert message["id"].startswith("msg_") and compaction["id"].startswith("cmp_")
    assert message["content"] == [
        {"type": "input_text", "text": "Create a simple landing page for a dog petting café."}
    ]
    assert compaction["encrypted_content"].startswith("gAAAAA")
    assert list(compacted["usage"]) == list(expected["usage"])
    # The SDK types the compaction item and usage strictly; its output union has
    # no user message, so those are compared with the spec's example above.
    validate_strictly(pydantic.TypeAdapter(ResponseCompactionItem), compaction)
    validate_strictly(pydantic.TypeAdapter(ResponseUsage), compacted["usage"])
    usage = compacted["usage"]
    assert usage["input_tokens"] == 10 + 13  # the words of the user's and the assistant's text
    assert usage["output_tokens"] == 13 and usage["total_tokens"] == usage["input_tokens"] + 13


async def test_compact_with_the_sdk_and_previous_response(sim: Sim) -> None:
    """client.responses.compact works, over the stored conversation of previous_response_id."""
    first = await sim.client.responses.create(model=MODEL, input="remember the number 7")
    compacted = await sim.client.responses.compact(
        model=MODEL, previous_response_id=first.id, input="and what was it?"
    )
    assert isinstance(compacted, CompactedResponse)
    assert [item.type for item in compacted.output] == ["message", "message", "compaction"]
    assert compacted.usage.output_tokens == len(first.output_text.split())


@pytest.mark.parametrize(
    ("body", "status", "param"),
    [
        pytest.param({"input": "x"}, 400, "model", id="no-model"),
        pytest.param({"model": MODEL, "input": 3}, 400, "input", id="bad-input"),
        pytest.param(
            {"model": MODEL, "previous_response_id": "resp_gone"},
            400,
            "previous_response_id",
            id="unknown-previous",
        ),
    ],
)
async def test_compact_rejects(sim: Sim, body: dict[str, Any], status: int, param: str) -> None:
    """compact needs a model, a usable input and a known previous response."""
    reply = await sim.http.post("/v1/responses/compact", json=body)
    assert reply.status_code == status and reply.json()["error"]["param"] == param


# ---------------------------------------------------------------- foreground streams


async def test_running_foreground_stream_is_visible_then_cancelled_on_disconnect() -> None:
    """GET shows a foreground stream in progress; one its client leaves stays, cancelled."""
    async with running(SimulatorOptions(token_delay=0.02)) as sim:
        body = {"model": MODEL, "input": "count 300 words", "stream": True}
        async with sim.http.stream("POST", "/v1/responses", json=body) as reply:
            lines = reply.aiter_lines()
            assert await anext(lines) == "event: response.created"
            response_id = json.loads((await anext(lines)).removeprefix("data: "))["response"]["id"]
            for _ in range(200):  # until some text was streamed
                if "output_text.delta" in await anext(lines):
                    break
            running_now = (await sim.http.get(f"/v1/responses/{response_id}")).json()
        validate_strictly(RESPONSE_ADAPTER, running_now)
        assert running_now["status"] == "in_progress"
        assert running_now["output"][0]["content"][0]["text"].startswith("You")
        left = running_now
        for _ in range(500):  # the handler notices the disconnect at its next write
            left = (await sim.http.get(f"/v1/responses/{response_id}")).json()
            if left["status"] != "in_progress":
                break
            await asyncio.sleep(0.01)
    assert left["status"] == "cancelled" and left["usage"] is None
    validate_strictly(RESPONSE_ADAPTER, left)
