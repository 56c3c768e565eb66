"""The conversations RPCs through the bridge: each against the simulator, pagination, a
two-turn conversation, the upstream call of each, errors, retries and id validation."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import grpc
import grpc.aio
import orjson
import pytest
from google.protobuf.message import Message
from google.rpc import error_details_pb2
from grpc_status import rpc_status

from bridge import codec
from bridge.client import output_text
from rbridge.responses.v1 import conversations_pb2 as conv
from rbridge.responses.v1 import response_pb2
from rbridge.responses.v1 import responses_service_pb2 as service
from tests.conftest import FIXTURES, Script, assert_same_json, load_json

Create = service.CreateResponseRequest
EXAMPLES = FIXTURES / "json" / "conversations"


def _items(*texts: str) -> list[Any]:
    """Items for a request: one user message per text."""
    request = codec.from_json(
        {"items": [{"type": "message", "role": "user", "content": text} for text in texts]},
        conv.CreateConversationRequest,
    )
    return list(request.items)


def _text(item: Any) -> str:
    """The text of a message item (its first part's)."""
    part = item.message.content.parts.parts[0]
    return str(getattr(part, part.WhichOneof("part")).text)


async def _all_items(stub: Any, conversation_id: str) -> list[Any]:
    """Every item of a conversation, oldest first, page by page."""
    items: list[Any] = []
    after = None
    for _ in range(50):
        page = await stub.ListConversationItems(
            conv.ListConversationItemsRequest(
                conversation_id=conversation_id, order="asc", limit=3, after=after
            )
        )
        items += page.data
        if not page.has_more:
            return items
        after = page.last_id
    raise AssertionError("no last page")


async def test_create_get_update_delete(stub: Any) -> None:
    """A conversation is created with metadata and items, retrieved, updated and deleted;
    then it is NOT_FOUND."""
    created = await stub.CreateConversation(
        conv.CreateConversationRequest(metadata={"topic": "demo"}, items=_items("Hello!"))
    )
    assert created.id.startswith("conv_") and created.object == "conversation"
    assert dict(created.metadata) == {"topic": "demo"} and created.created_at > 0
    fetched = await stub.GetConversation(conv.GetConversationRequest(conversation_id=created.id))
    assert fetched == created
    updated = await stub.UpdateConversation(
        conv.UpdateConversationRequest(conversation_id=created.id, metadata={"topic": "x"})
    )
    assert dict(updated.metadata) == {"topic": "x"} and updated.created_at == created.created_at
    cleared = await stub.UpdateConversation(
        conv.UpdateConversationRequest(conversation_id=created.id)
    )
    assert dict(cleared.metadata) == {} and "metadata" in codec.to_json(cleared)
    deleted = await stub.DeleteConversation(
        conv.DeleteConversationRequest(conversation_id=created.id)
    )
    assert (deleted.id, deleted.object, deleted.deleted) == (
        created.id,
        "conversation.deleted",
        True,
    )
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await stub.GetConversation(conv.GetConversationRequest(conversation_id=created.id))
    assert failure.value.code() == grpc.StatusCode.NOT_FOUND


async def test_items_are_added_listed_retrieved_and_deleted(stub: Any) -> None:
    """Items added (with include) come back as a list; each is retrieved as an Item and
    one is deleted, which returns the conversation."""
    conversation = await stub.CreateConversation(conv.CreateConversationRequest())
    cid = conversation.id
    added = await stub.CreateConversationItems(
        conv.CreateConversationItemsRequest(
            conversation_id=cid,
            items=_items("one", "two", "three"),
            include=["message.output_text.logprobs"],
        )
    )
    assert added.object == "list" and [_text(item) for item in added.data] == [
        "one",
        "two",
        "three",
    ]
    assert (added.first_id, added.last_id, added.has_more) == (
        added.data[0].message.id,
        added.data[2].message.id,
        False,
    )
    item = await stub.GetConversationItem(
        conv.GetConversationItemRequest(
            conversation_id=cid,
            item_id=added.data[1].message.id,
            include=["reasoning.encrypted_content"],
        )
    )
    assert item.WhichOneof("item") == "message" and _text(item) == "two"
    assert item.message.status == "completed"
    after = await stub.DeleteConversationItem(
        conv.DeleteConversationItemRequest(conversation_id=cid, item_id=added.data[1].message.id)
    )
    assert after == conversation
    assert [_text(item) for item in await _all_items(stub, cid)] == ["one", "three"]


@pytest.mark.parametrize("order", ["asc", "desc"])
async def test_items_page_with_after(stub: Any, order: str) -> None:
    """ListConversationItems pages with after = last_id while has_more, in either order."""
    texts = [f"message {n}" for n in range(7)]
    conversation = await stub.CreateConversation(
        conv.CreateConversationRequest(items=_items(*texts))
    )
    seen: list[str] = []
    pages = 0
    after = None
    while True:
        page = await stub.ListConversationItems(
            conv.ListConversationItemsRequest(
                conversation_id=conversation.id, limit=3, order=order, after=after
            )
        )
        pages += 1
        seen += [_text(item) for item in page.data]
        assert page.first_id == page.data[0].message.id
        if not page.has_more:
            break
        after = page.last_id
    assert pages == 3
    assert seen == (texts if order == "asc" else texts[::-1])


async def test_a_two_turn_conversation(stub: Any) -> None:
    """Two turns in one conversation, unary then streamed: the second answer sees the first,
    each response names the conversation, and the conversation holds both turns."""
    conversation = await stub.CreateConversation(conv.CreateConversationRequest())
    cid = conversation.id
    first = await stub.CreateResponse(
        Create(model="m", input={"text": "My name is Ada"}, conversation={"id": cid})
    )
    assert output_text(first) == "You said: My name is Ada"
    assert first.conversation.id == cid
    events = [
        event
        async for event in stub.StreamCreateResponse(
            Create(
                model="m",
                input={"text": "What is my name?"},
                conversation={"object": response_pb2.Conversation(id=cid)},
            )
        )
    ]
    assert codec.event_type(events[-1]) == "response.completed"
    second = events[-1].completed.response
    assert output_text(second) == "You said: What is my name? (earlier you said: My name is Ada)"
    assert second.conversation.id == cid
    items = await _all_items(stub, cid)
    assert [(item.message.role, _text(item)) for item in items] == [
        ("user", "My name is Ada"),
        ("assistant", "You said: My name is Ada"),
        ("user", "What is my name?"),
        ("assistant", output_text(second)),
    ]
    stored = await stub.GetResponse(service.GetResponseRequest(response_id=second.id))
    assert stored.conversation.id == cid


def _missing(rpc: str) -> Message:
    """A request of `rpc` naming the conversation conv_missing (and an item of it)."""
    ids = {"conversation_id": "conv_missing"}
    requests: dict[str, Message] = {
        "GetConversation": conv.GetConversationRequest(**ids),
        "UpdateConversation": conv.UpdateConversationRequest(**ids, metadata={"a": "b"}),
        "DeleteConversation": conv.DeleteConversationRequest(**ids),
        "ListConversationItems": conv.ListConversationItemsRequest(**ids),
        "CreateConversationItems": conv.CreateConversationItemsRequest(**ids, items=_items("x")),
        "GetConversationItem": conv.GetConversationItemRequest(**ids, item_id="msg_1"),
        "DeleteConversationItem": conv.DeleteConversationItemRequest(**ids, item_id="msg_1"),
        "CreateResponse": Create(
            model="m", input={"text": "hi"}, conversation={"id": "conv_missing"}
        ),
    }
    return requests[rpc]


@pytest.mark.parametrize(
    "rpc",
    [
        "GetConversation",
        "UpdateConversation",
        "DeleteConversation",
        "ListConversationItems",
        "CreateConversationItems",
        "GetConversationItem",
        "DeleteConversationItem",
        "CreateResponse",
    ],
)
async def test_a_missing_conversation_is_not_found(stub: Any, rpc: str) -> None:
    """Every call on a conversation the upstream does not know is NOT_FOUND, with the
    upstream's message and an ErrorInfo saying HTTP 404."""
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await getattr(stub, rpc)(_missing(rpc))
    assert failure.value.code() == grpc.StatusCode.NOT_FOUND
    assert failure.value.details() == (
        "upstream returned HTTP 404: Conversation with id 'conv_missing' not found."
    )
    status = rpc_status.from_call(failure.value)
    assert status is not None
    info = error_details_pb2.ErrorInfo()
    assert status.details[0].Unpack(info)
    assert info.metadata["http_status"] == "404"
    assert info.metadata["request_id"].startswith("req_")


async def test_a_missing_item_is_not_found(stub: Any) -> None:
    """An item the conversation does not hold is NOT_FOUND, to retrieve and to delete."""
    conversation = await stub.CreateConversation(conv.CreateConversationRequest())
    ids = {"conversation_id": conversation.id, "item_id": "msg_gone"}
    for call, request in (
        (stub.GetConversationItem, conv.GetConversationItemRequest(**ids)),
        (stub.DeleteConversationItem, conv.DeleteConversationItemRequest(**ids)),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as failure:
            await call(request)
        assert failure.value.code() == grpc.StatusCode.NOT_FOUND
        assert "msg_gone" in (failure.value.details() or "")


async def test_bad_bodies_are_invalid_argument(stub: Any) -> None:
    """Requests the upstream refuses (21 items at once) are INVALID_ARGUMENT naming the field."""
    conversation = await stub.CreateConversation(conv.CreateConversationRequest())
    for call, request in (
        (stub.CreateConversation, conv.CreateConversationRequest(items=_items(*"x" * 21))),
        (
            stub.CreateConversationItems,
            conv.CreateConversationItemsRequest(
                conversation_id=conversation.id, items=_items(*"y" * 21)
            ),
        ),
    ):
        with pytest.raises(grpc.aio.AioRpcError) as failure:
            await call(request)
        assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        status = rpc_status.from_call(failure.value)
        assert status is not None
        violations = error_details_pb2.BadRequest()
        assert status.details[1].Unpack(violations)
        assert violations.field_violations[0].field == "items"


# -- the upstream call of each RPC ----------------------------------------------------------

# RPC -> (request, the upstream path, the JSON body (None: none), the example reply).
CALLS: dict[str, tuple[Message, str, Any, str]] = {
    "CreateConversation": (
        codec.from_json(
            load_json(EXAMPLES / "spec-createConversation.request.json"),
            conv.CreateConversationRequest,
        ),
        "/v1/conversations",
        load_json(EXAMPLES / "spec-createConversation.request.json"),
        "spec-createConversation.response.json",
    ),
    "GetConversation": (
        conv.GetConversationRequest(conversation_id="conv_123"),
        "/v1/conversations/conv_123",
        None,
        "spec-getConversation.response.json",
    ),
    "UpdateConversation": (
        conv.UpdateConversationRequest(conversation_id="conv_123", metadata={"topic": "project-x"}),
        "/v1/conversations/conv_123",
        load_json(EXAMPLES / "spec-updateConversation.request.json"),
        "spec-updateConversation.response.json",
    ),
    "DeleteConversation": (
        conv.DeleteConversationRequest(conversation_id="conv_123"),
        "/v1/conversations/conv_123",
        None,
        "spec-deleteConversation.response.json",
    ),
    "ListConversationItems": (
        conv.ListConversationItemsRequest(conversation_id="conv_123", limit=10),
        "/v1/conversations/conv_123/items",
        None,
        "spec-listConversationItems.response.json",
    ),
    "CreateConversationItems": (
        conv.CreateConversationItemsRequest(
            conversation_id="conv_123",
            items=codec.from_json(
                load_json(EXAMPLES / "spec-createConversationItems.request.json"),
                conv.CreateConversationItemsRequest,
            ).items,
        ),
        "/v1/conversations/conv_123/items",
        load_json(EXAMPLES / "spec-createConversationItems.request.json"),
        "spec-createConversationItems.response.json",
    ),
    "GetConversationItem": (
        conv.GetConversationItemRequest(conversation_id="conv_123", item_id="msg_abc"),
        "/v1/conversations/conv_123/items/msg_abc",
        None,
        "spec-getConversationItem.response.json",
    ),
    "DeleteConversationItem": (
        conv.DeleteConversationItemRequest(conversation_id="conv_123", item_id="msg_abc"),
        "/v1/conversations/conv_123/items/msg_abc",
        None,
        "spec-deleteConversationItem.response.json",
    ),
}


@pytest.mark.parametrize("rpc", list(CALLS))
async def test_each_rpc_makes_its_call_and_types_the_reply(
    scripted: tuple[str, Script], bridge_for: Callable[..., Any], rpc: str
) -> None:
    """Each RPC calls its path with the spec example's body (POSTs with an Idempotency-Key,
    GETs and DELETEs without), and the spec example's reply arrives typed and whole."""
    request, path, body, reply = CALLS[rpc]
    url, script = scripted
    script.headers = {"content-type": "application/json", "x-request-id": "req_7"}
    script.chunks = [(EXAMPLES / reply).read_bytes()]
    stub = await bridge_for(url)
    answer = await getattr(stub, rpc)(request)
    assert script.paths == [path]
    assert script.requests == ([] if body is None else [body])
    has_key = "idempotency-key" in script.headers_seen[0]
    assert has_key == (body is not None)
    assert_same_json(codec.to_json(answer), load_json(EXAMPLES / reply))


async def test_conversation_calls_are_retried(
    scripted: tuple[str, Script], bridge_for: Callable[..., Any]
) -> None:
    """A 503 is retried for the conversations RPCs as for the others, a POST with one
    Idempotency-Key for all its attempts; the last failure is UNAVAILABLE with RetryInfo."""
    url, script = scripted
    script.status = 503
    script.headers = {"content-type": "application/json", "retry-after-ms": "1"}
    script.chunks = [orjson.dumps({"error": {"message": "busy", "type": "server_error"}})]
    for rpc, request in (
        ("GetConversation", conv.GetConversationRequest(conversation_id="conv_1")),
        ("CreateConversation", conv.CreateConversationRequest()),
    ):
        # A bridge each: its retry budget (3 retries at least) is then the call's alone.
        stub = await bridge_for(url, max_retries=2)
        script.paths.clear()
        script.headers_seen.clear()
        with pytest.raises(grpc.aio.AioRpcError) as failure:
            await getattr(stub, rpc)(request)
        assert failure.value.code() == grpc.StatusCode.UNAVAILABLE
        assert len(script.paths) == 3
        keys = {headers.get("idempotency-key") for headers in script.headers_seen}
        assert keys == {None} if rpc == "GetConversation" else len(keys) == 1 and None not in keys
        status = rpc_status.from_call(failure.value)
        assert status is not None
        assert any(detail.Is(error_details_pb2.RetryInfo.DESCRIPTOR) for detail in status.details)


# -- ids ------------------------------------------------------------------------------------

ID_RPCS = [
    ("GetConversation", conv.GetConversationRequest, "conversation_id"),
    ("UpdateConversation", conv.UpdateConversationRequest, "conversation_id"),
    ("DeleteConversation", conv.DeleteConversationRequest, "conversation_id"),
    ("ListConversationItems", conv.ListConversationItemsRequest, "conversation_id"),
    ("CreateConversationItems", conv.CreateConversationItemsRequest, "conversation_id"),
    ("GetConversationItem", conv.GetConversationItemRequest, "conversation_id"),
    ("GetConversationItem", conv.GetConversationItemRequest, "item_id"),
    ("DeleteConversationItem", conv.DeleteConversationItemRequest, "conversation_id"),
    ("DeleteConversationItem", conv.DeleteConversationItemRequest, "item_id"),
]


@pytest.mark.parametrize(("rpc", "request_type", "field"), ID_RPCS)
@pytest.mark.parametrize("value", ["", "..", "a/b", "%2F", "a?b", "a#b", "a b", "a\r\nb", "résumé"])
async def test_ids_must_be_one_plain_path_segment(
    scripted: tuple[str, Script],
    bridge_for: Callable[..., Any],
    rpc: str,
    request_type: type[Message],
    field: str,
    value: str,
) -> None:
    """An empty id, or one that is not one plain path segment, is INVALID_ARGUMENT naming
    the field; nothing goes upstream."""
    url, script = scripted
    stub = await bridge_for(url)
    ids = {"conversation_id": "conv_1", "item_id": "msg_1"}
    ids[field] = value
    request = request_type(
        **{name: ids[name] for name in ids if name in request_type.DESCRIPTOR.fields_by_name}
    )
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await getattr(stub, rpc)(request)
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    status = rpc_status.from_call(failure.value)
    assert status is not None
    violations = error_details_pb2.BadRequest()
    assert status.details[0].Unpack(violations)
    assert [violation.field for violation in violations.field_violations] == [field]
    assert script.paths == []
