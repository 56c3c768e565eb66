"""The simulator's conversations: the /v1/conversations endpoints, and `conversation` on create."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import openai
import pydantic
import pytest
from openai.types.conversations import (
    Conversation as SdkConversation,
)
from openai.types.conversations import (
    ConversationDeletedResource,
    ConversationItem,
    ConversationItemList,
)

from bridge.simulator.conversations import Conversation, ConversationStore, stored_items
from bridge.simulator.script import answer_text, build_script
from tests.test_simulator import (
    MODEL,
    RESPONSE_ADAPTER,
    Sim,
    running,
    sse_events,
    validate_strictly,
)

CONVERSATION: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(SdkConversation)
DELETED: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(ConversationDeletedResource)
ITEM_LIST: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(ConversationItemList)
ITEM: pydantic.TypeAdapter[Any] = pydantic.TypeAdapter(ConversationItem)


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    """A simulator with default options."""
    async with running() as simulator:
        yield simulator


async def new_conversation(sim: Sim, **body: Any) -> dict[str, Any]:
    """A conversation created over HTTP, checked against the SDK's model."""
    reply = await sim.http.post("/v1/conversations", json=body)
    assert reply.status_code == 200, reply.text
    conversation: dict[str, Any] = reply.json()
    validate_strictly(CONVERSATION, conversation)
    return conversation


async def all_items(sim: Sim, conversation_id: str) -> list[dict[str, Any]]:
    """Every item of a conversation, oldest first, each checked against the SDK's models."""
    reply = await sim.http.get(
        f"/v1/conversations/{conversation_id}/items", params={"order": "asc", "limit": 100}
    )
    page = reply.json()
    if page["data"]:
        # An empty page has null first_id and last_id, as the input items' do.
        validate_strictly(ITEM_LIST, page)
    assert page["has_more"] is False
    items: list[dict[str, Any]] = page["data"]
    return items


def texts(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """(role, text) of each message item."""
    return [
        (item["role"], " ".join(part.get("text", "") for part in item["content"]))
        for item in items
        if item["type"] == "message"
    ]


# ---------------------------------------------------------------- pure rules


def test_the_answer_quotes_the_earlier_turn() -> None:
    """With an earlier user text the answer says it; without, it is the plain answer."""
    assert answer_text("What is my name?", "My name is Ada") == (
        "You said: What is my name? (earlier you said: My name is Ada)"
    )
    assert (
        answer_text("count 2 words", "hi") == "You said: count 2 words (earlier you said: hi) w1 w2"
    )
    assert answer_text("hello", "") == "You said: hello"


def test_a_script_in_a_conversation_counts_its_items_and_names_it() -> None:
    """The conversation's items count as input tokens and the Response names the conversation."""
    history = stored_items(
        [{"role": "user", "content": "one two three"}], lambda prefix, index: f"{prefix}_{index}"
    )
    script = build_script(
        {"model": MODEL, "input": "four five"},
        serial=1,
        created_at=1,
        conversation="conv_1",
        history=history,
    )
    final = script.final(2)
    assert final["usage"]["input_tokens"] == 5
    assert final["conversation"] == {"id": "conv_1"}
    assert list(final)[6:8] == ["conversation", "error"]
    assert final["output"][0]["content"][0]["text"] == (
        "You said: four five (earlier you said: one two three)"
    )
    alone = build_script({"model": MODEL, "input": "four five"}, serial=1, created_at=1).final(2)
    assert "conversation" not in alone and alone["usage"]["input_tokens"] == 2


def test_stored_items_are_named_and_messages_completed() -> None:
    """Request items get ids, string contents become parts, messages a completed status."""
    items = stored_items(
        [
            {"type": "message", "role": "user", "content": "Hello!"},
            {"role": "assistant", "content": "Hi", "status": "incomplete"},
            {"type": "function_call_output", "call_id": "c", "output": "42"},
        ],
        lambda prefix, index: f"{prefix}_{index}",
    )
    assert [(item["id"], item["type"], item["status"]) for item in items] == [
        ("msg_0", "message", "completed"),
        ("msg_1", "message", "incomplete"),
        ("fco_2", "function_call_output", "completed"),
    ]
    assert items[0]["content"] == [{"type": "input_text", "text": "Hello!"}]
    for item in items[:2]:
        ITEM.validate_python(item)


def test_the_store_evicts_the_least_recently_used() -> None:
    """Past its count, the store drops the conversation used least recently."""
    store = ConversationStore(max_conversations=2)
    first, second, third = (Conversation(f"conv_{n}", 0, {}) for n in range(3))
    store.add(first)
    store.add(second)
    store.extend(first, [{"id": "msg_1", "type": "message"}])  # first is used again
    store.add(third)
    assert (store.get("conv_0"), store.get("conv_1"), store.get("conv_2")) == (first, None, third)


def test_the_store_counts_item_bytes() -> None:
    """Items count as their JSON size; removing one frees it, and past the byte budget the
    other conversations go, never the one being added to."""
    store = ConversationStore(max_bytes=300)
    kept, other = Conversation("conv_a", 0, {}), Conversation("conv_b", 0, {})
    store.add(other, [{"id": "msg_o", "text": "x" * 100}])
    store.add(kept, [{"id": "msg_k", "text": "y" * 100}])
    assert store.size == 2 * len('{"id":"msg_o","text":""}') + 200
    assert store.remove_item(kept, "msg_k") is not None and store.remove_item(kept, "no") is None
    assert store.size == other.size and kept.size == 0
    store.extend(kept, [{"id": f"msg_{n}", "text": "z" * 100} for n in range(3)])
    assert store.get("conv_b") is None and store.get("conv_a") is kept
    assert len(kept.items) == 3 and store.size == kept.size
    store.pop("conv_a")
    store.extend(kept, [{"id": "msg_late"}])  # gone: nothing is counted
    assert (len(store), store.size, len(kept.items)) == (0, 0, 3)
    with pytest.raises(ValueError):
        ConversationStore(max_conversations=0)


# ---------------------------------------------------------------- the endpoints


@pytest.mark.parametrize("prefix", ["/v1", ""])
async def test_create_retrieve_update_delete(sim: Sim, prefix: str) -> None:
    """A conversation is created with metadata and items, retrieved, given new metadata and
    deleted, with and without /v1; then it is gone."""
    reply = await sim.http.post(
        f"{prefix}/conversations",
        json={"metadata": {"topic": "demo"}, "items": [{"role": "user", "content": "Hello!"}]},
    )
    created = reply.json()
    assert reply.headers["x-request-id"].startswith("req_")
    assert created["id"].startswith("conv_") and created["object"] == "conversation"
    assert created["metadata"] == {"topic": "demo"} and isinstance(created["created_at"], int)
    path = f"{prefix}/conversations/{created['id']}"
    assert (await sim.http.get(path)).json() == created
    updated = (await sim.http.post(path, json={"metadata": {"topic": "x"}})).json()
    assert updated == {**created, "metadata": {"topic": "x"}}
    assert texts(await all_items(sim, created["id"])) == [("user", "Hello!")]
    deleted = (await sim.http.delete(path)).json()
    validate_strictly(DELETED, deleted)
    assert deleted == {"id": created["id"], "object": "conversation.deleted", "deleted": True}
    assert (await sim.http.get(path)).status_code == 404


async def test_an_empty_body_makes_an_empty_conversation(sim: Sim) -> None:
    """POST /v1/conversations with no body (or nulls) gives no metadata and no items."""
    bare = await sim.http.post("/v1/conversations")
    assert bare.status_code == 200 and bare.json()["metadata"] == {}
    nulls = await new_conversation(sim, metadata=None, items=None)
    assert nulls["id"] != bare.json()["id"]
    assert await all_items(sim, nulls["id"]) == []


async def test_the_sdk_drives_every_endpoint(sim: Sim) -> None:
    """openai's own client creates, pages through (auto-pagination), retrieves, updates and
    deletes conversations and items."""
    client = sim.client
    conversation = await client.conversations.create(metadata={"topic": "sdk"})
    added = await client.conversations.items.create(
        conversation.id,
        items=[{"type": "message", "role": "user", "content": f"message {n}"} for n in range(5)],
    )
    assert len(added.data) == 5 and added.first_id == added.data[0].id
    seen = [item.id async for item in client.conversations.items.list(conversation.id, limit=2)]
    assert seen == [item.id for item in reversed(added.data)]  # newest first, page by page
    ascending = client.conversations.items.list(conversation.id, limit=2, order="asc")
    assert [item.id async for item in ascending] == [item.id for item in added.data]
    one = await client.conversations.items.retrieve(
        added.data[1].id, conversation_id=conversation.id
    )
    assert one.type == "message" and one.content[0].text == "message 1"  # type: ignore[union-attr]
    after = await client.conversations.items.delete(
        added.data[1].id, conversation_id=conversation.id
    )
    assert after.id == conversation.id
    updated = await client.conversations.update(conversation.id, metadata={"topic": "done"})
    assert updated.metadata == {"topic": "done"}
    assert (await client.conversations.retrieve(conversation.id)).metadata == {"topic": "done"}
    assert (await client.conversations.delete(conversation.id)).deleted is True
    with pytest.raises(openai.NotFoundError):
        await client.conversations.retrieve(conversation.id)


async def test_items_page_with_after(sim: Sim) -> None:
    """Listing pages with limit and after = last_id while has_more, in either order."""
    conversation = await new_conversation(
        sim, items=[{"role": "user", "content": f"m{n}"} for n in range(5)]
    )
    path = f"/v1/conversations/{conversation['id']}/items"
    for order, expected in (
        ("asc", ["m0", "m1", "m2", "m3", "m4"]),
        ("desc", ["m4", "m3", "m2", "m1", "m0"]),
    ):
        seen: list[str] = []
        params: dict[str, Any] = {"limit": 2, "order": order}
        while True:
            page = (await sim.http.get(path, params=params)).json()
            validate_strictly(ITEM_LIST, page)
            seen += [item["content"][0]["text"] for item in page["data"]]
            if not page["has_more"]:
                break
            params["after"] = page["last_id"]
        assert seen == expected
    default = (await sim.http.get(path)).json()
    assert default["data"][0]["content"][0]["text"] == "m4"


async def test_added_items_are_listed_and_retrieved(sim: Sim) -> None:
    """Items added later follow the earlier ones; each is retrieved, and deleted, by id."""
    conversation = await new_conversation(sim, items=[{"role": "user", "content": "first"}])
    base = f"/v1/conversations/{conversation['id']}/items"
    reply = await sim.http.post(
        base,
        params={"include[]": "message.output_text.logprobs"},
        json={
            "items": [
                {
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_text", "text": "a"}],
                },
                {"type": "message", "role": "assistant", "content": "b"},
            ]
        },
    )
    added = reply.json()
    validate_strictly(ITEM_LIST, added)
    assert (added["has_more"], added["first_id"], added["last_id"]) == (
        False,
        added["data"][0]["id"],
        added["data"][1]["id"],
    )
    items = await all_items(sim, conversation["id"])
    assert texts(items) == [("user", "first"), ("user", "a"), ("assistant", "b")]
    for item in items:
        fetched = (await sim.http.get(f"{base}/{item['id']}")).json()
        assert fetched == item
        ITEM.validate_python(fetched)
    removed = await sim.http.delete(f"{base}/{items[1]['id']}")
    assert removed.json() == conversation
    assert [item["id"] for item in await all_items(sim, conversation["id"])] == [
        items[0]["id"],
        items[2]["id"],
    ]
    gone = await sim.http.get(f"{base}/{items[1]['id']}")
    assert gone.status_code == 404
    assert gone.json()["error"]["message"] == f"Item with id '{items[1]['id']}' not found."


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("GET", ""),
        ("POST", ""),
        ("DELETE", ""),
        ("GET", "/items"),
        ("POST", "/items"),
        ("GET", "/items/msg_1"),
        ("DELETE", "/items/msg_1"),
    ],
)
async def test_an_unknown_conversation_is_404(sim: Sim, method: str, suffix: str) -> None:
    """Every route on an unknown conversation answers 404 with OpenAI's error object."""
    reply = await sim.http.request(
        method, f"/v1/conversations/conv_nope{suffix}", json={"metadata": {}, "items": []}
    )
    assert reply.status_code == 404
    assert reply.json() == {
        "error": {
            "message": "Conversation with id 'conv_nope' not found.",
            "type": "invalid_request_error",
            "param": None,
            "code": None,
        }
    }


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        ("", {"metadata": "x"}, "metadata"),
        ("", {"metadata": {f"k{n}": "v" for n in range(17)}}, "metadata"),
        ("", {"metadata": {"k" * 65: "v"}}, "metadata"),
        ("", {"metadata": {"k": 1}}, "metadata.k"),
        ("", {"metadata": {"k": "v" * 513}}, "metadata.k"),
        ("", {"items": {"role": "user"}}, "items"),
        ("", {"items": [{"role": "user", "content": "x"}] * 21}, "items"),
        ("", {"items": ["hello"]}, "items[0]"),
        ("", [], None),
        ("/{id}", {}, "metadata"),
        ("/{id}/items", {}, "items"),
        ("/{id}/items", {"items": [{"role": "user", "content": "x"}] * 21}, "items"),
    ],
)
async def test_bad_bodies_are_400(sim: Sim, path: str, body: Any, param: str | None) -> None:
    """Bodies the API refuses get 400 naming the parameter, and change nothing."""
    conversation = await new_conversation(sim, items=[{"role": "user", "content": "kept"}])
    url = "/v1/conversations" + path.format(id=conversation["id"])
    reply = await sim.http.post(url, json=body)
    assert reply.status_code == 400
    assert reply.json()["error"]["param"] == param
    assert (await sim.http.get(f"/v1/conversations/{conversation['id']}")).json() == conversation
    assert texts(await all_items(sim, conversation["id"])) == [("user", "kept")]


@pytest.mark.parametrize(
    ("params", "param"),
    [({"limit": "0"}, "limit"), ({"order": "up"}, "order"), ({"include[]": "bogus"}, "include")],
)
async def test_bad_list_queries_are_400(sim: Sim, params: dict[str, str], param: str) -> None:
    """limit, order and include are checked like the input items'."""
    conversation = await new_conversation(sim)
    reply = await sim.http.get(f"/v1/conversations/{conversation['id']}/items", params=params)
    assert reply.status_code == 400 and reply.json()["error"]["param"] == param


# ---------------------------------------------------------------- conversation on create


async def turn(sim: Sim, mode: str, text: str, conversation: Any) -> dict[str, Any]:
    """One turn of a conversation: the final Response, unary, streamed or in the background."""
    body = {"model": MODEL, "input": text, "conversation": conversation}
    if mode == "unary":
        response: dict[str, Any] = (await sim.http.post("/v1/responses", json=body)).json()
    elif mode == "stream":
        response = (await sse_events(sim.http, {**body, "stream": True}))[-1]["response"]
    else:
        events = await sse_events(sim.http, {**body, "stream": True, "background": True})
        response = events[-1]["response"]
    validate_strictly(RESPONSE_ADAPTER, response)
    return response


@pytest.mark.parametrize("mode", ["unary", "stream", "background"])
async def test_a_second_turn_sees_the_first(sim: Sim, mode: str) -> None:
    """A response created with `conversation` reads its items and adds its own: the second
    turn's answer quotes the first, and the conversation holds both turns in order."""
    conversation = await new_conversation(sim)
    first = await turn(sim, mode, "My name is Ada", conversation["id"])
    assert first["conversation"] == {"id": conversation["id"]}
    assert first["output"][0]["content"][0]["text"] == "You said: My name is Ada"
    second = await turn(sim, mode, "What is my name?", {"id": conversation["id"]})
    assert second["output"][0]["content"][0]["text"] == (
        "You said: What is my name? (earlier you said: My name is Ada)"
    )
    assert second["usage"]["input_tokens"] > first["usage"]["input_tokens"]
    items = await all_items(sim, conversation["id"])
    assert texts(items) == [
        ("user", "My name is Ada"),
        ("assistant", "You said: My name is Ada"),
        ("user", "What is my name?"),
        ("assistant", "You said: What is my name? (earlier you said: My name is Ada)"),
    ]
    assert items[1]["id"] == first["output"][0]["id"]
    inputs = (await sim.http.get(f"/v1/responses/{second['id']}/input_items?order=asc")).json()
    assert [item["id"] for item in inputs["data"]] == [item["id"] for item in items[:3]]


async def test_the_sdk_holds_a_conversation(sim: Sim) -> None:
    """openai's client, with `conversation=`, gets answers that see the earlier turns."""
    conversation = await sim.client.conversations.create(
        items=[{"type": "message", "role": "user", "content": "I like tea."}]
    )
    reply = await sim.client.responses.create(
        model=MODEL, input="What do I like?", conversation=conversation.id
    )
    assert reply.output_text == "You said: What do I like? (earlier you said: I like tea.)"
    assert reply.conversation is not None and reply.conversation.id == conversation.id
    counted = await sim.http.post(
        "/v1/responses/input_tokens", json={"input": "one", "conversation": conversation.id}
    )
    # The input, then the two user messages (input text is what an input's tokens count).
    assert counted.json()["input_tokens"] == 1 + 3 + 4


async def test_a_failed_or_unstored_turn(sim: Sim) -> None:
    """A failed turn adds nothing; a turn with store: false is not kept as a response but
    still adds its items."""
    cid = (await new_conversation(sim))["id"]
    body = {"model": MODEL, "conversation": cid}
    failed = await sim.http.post("/v1/responses", json={**body, "input": "fail"})
    assert failed.status_code == 500
    events = await sse_events(sim.http, {**body, "input": "fail now", "stream": True})
    assert events[-1]["type"] == "response.failed"
    assert await all_items(sim, cid) == []
    for stream in (False, True):
        request = {**body, "input": f"hidden {stream}", "store": False, "stream": stream}
        if stream:
            hidden = (await sse_events(sim.http, request))[-1]["response"]
        else:
            hidden = (await sim.http.post("/v1/responses", json=request)).json()
        assert (await sim.http.get(f"/v1/responses/{hidden['id']}")).status_code == 404
    assert [text for _, text in texts(await all_items(sim, cid))] == [
        "hidden False",
        "You said: hidden False",
        "hidden True",
        "You said: hidden True (earlier you said: hidden False)",
    ]


async def test_a_deleted_conversation_takes_no_more_turns(sim: Sim) -> None:
    """After its deletion, a conversation named on create is a 404."""
    conversation = await new_conversation(sim)
    await sim.http.delete(f"/v1/conversations/{conversation['id']}")
    reply = await sim.http.post(
        "/v1/responses", json={"model": MODEL, "input": "hi", "conversation": conversation["id"]}
    )
    assert reply.status_code == 404
    assert (
        reply.json()["error"]["message"]
        == f"Conversation with id '{conversation['id']}' not found."
    )


@pytest.mark.parametrize(
    ("extra", "param"),
    [
        ({"conversation": 5}, "conversation"),
        ({"conversation": {"name": "x"}}, "conversation.id"),
        ({"conversation": "conv_x", "previous_response_id": "resp_1"}, "conversation"),
    ],
)
async def test_bad_conversation_on_create_is_400(
    sim: Sim, extra: dict[str, Any], param: str
) -> None:
    """A conversation of the wrong type, without an id, or beside previous_response_id is 400."""
    reply = await sim.http.post("/v1/responses", json={"model": MODEL, "input": "hi", **extra})
    assert reply.status_code == 400 and reply.json()["error"]["param"] == param
