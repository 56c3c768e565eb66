"""Every RPC beyond create, end to end against the simulator: retrieve, resume, delete,
cancel, input items, input tokens, compact, background mode, and the raw-JSON option."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

import grpc
import grpc.aio
import pytest

from bridge import codec
from bridge.client import output_text
from rbridge.responses.v1 import responses_service_pb2 as service
from tests.conftest import Script

Create = service.CreateResponseRequest
RAW = (("x-bridge-raw-json", "true"),)


async def _created(stub: Any, text: str = "hello there", **fields: Any) -> Any:
    return await stub.CreateResponse(Create(model="m", input={"text": text}, **fields))


async def test_retrieve_returns_the_stored_response(stub: Any) -> None:
    """GetResponse returns what CreateResponse stored, typed."""
    created = await _created(stub)
    fetched = await stub.GetResponse(service.GetResponseRequest(response_id=created.id))
    assert fetched.id == created.id
    assert output_text(fetched) == output_text(created) == "You said: hello there"


async def test_unknown_ids_are_not_found(stub: Any) -> None:
    """An unknown id is NOT_FOUND, with the upstream's message."""
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await stub.GetResponse(service.GetResponseRequest(response_id="resp_missing"))
    assert failure.value.code() == grpc.StatusCode.NOT_FOUND
    assert "resp_missing" in (failure.value.details() or "")


@pytest.mark.parametrize(
    "rpc",
    ["GetResponse", "DeleteResponse", "CancelResponse", "ListInputItems"],
)
async def test_a_missing_response_id_is_invalid(stub: Any, rpc: str) -> None:
    """Every RPC on a stored response names response_id when it is missing."""
    request_type = {
        "GetResponse": service.GetResponseRequest,
        "DeleteResponse": service.DeleteResponseRequest,
        "CancelResponse": service.CancelResponseRequest,
        "ListInputItems": service.ListInputItemsRequest,
    }[rpc]
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await getattr(stub, rpc)(request_type())
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "response_id" in (failure.value.details() or "")


@pytest.mark.parametrize(
    "response_id",
    ["..", ".", "../../files/x", "a/b", "%2F", "a?b", "a#b", "a\\b", "a b", "a\r\nb", "résumé"],
)
async def test_ids_that_are_not_one_path_segment_are_refused(
    scripted: tuple[str, Script], bridge_for: Callable[..., Any], response_id: str
) -> None:
    """An id that is not one plain path segment is INVALID_ARGUMENT; nothing goes upstream."""
    url, script = scripted
    stub = await bridge_for(url)
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await stub.DeleteResponse(service.DeleteResponseRequest(response_id=response_id))
    assert failure.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "response_id" in (failure.value.details() or "")
    assert script.paths == []


async def test_plain_ids_reach_their_own_path(
    scripted: tuple[str, Script], bridge_for: Callable[..., Any]
) -> None:
    """An id of letters, digits and punctuation other than path syntax goes as one segment."""
    url, script = scripted
    script.status = 404
    script.headers = {"content-type": "application/json"}
    script.chunks = [b'{"error": {"message": "no"}}']
    stub = await bridge_for(url)
    with pytest.raises(grpc.aio.AioRpcError):
        await stub.DeleteResponse(service.DeleteResponseRequest(response_id="resp_1:a-b.c~d"))
    assert [unquote(path) for path in script.paths] == ["/v1/responses/resp_1:a-b.c~d"]


async def test_delete_then_retrieve_is_not_found(stub: Any) -> None:
    """DeleteResponse deletes; the response is gone afterwards."""
    created = await _created(stub)
    deleted = await stub.DeleteResponse(service.DeleteResponseRequest(response_id=created.id))
    assert (deleted.id, deleted.object, deleted.deleted) == (created.id, "response.deleted", True)
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        await stub.GetResponse(service.GetResponseRequest(response_id=created.id))
    assert failure.value.code() == grpc.StatusCode.NOT_FOUND


async def test_input_items_page_with_after(stub: Any) -> None:
    """ListInputItems pages through the input with after = last_id while has_more."""
    items = [{"role": "user", "content": f"message {n}"} for n in range(5)]
    request = codec.from_json({"model": "m", "input": items}, Create)
    created = await stub.CreateResponse(request)
    seen: list[str] = []
    after = None
    for _ in range(10):
        page = await stub.ListInputItems(
            service.ListInputItemsRequest(response_id=created.id, limit=2, order="asc", after=after)
        )
        seen += [item.message.content.parts.parts[0].input_text.text for item in page.data]
        if not page.has_more:
            break
        after = page.last_id
    assert seen == [f"message {n}" for n in range(5)]


async def test_input_tokens_are_counted(stub: Any) -> None:
    """CountInputTokens returns the upstream's count for a create-like body."""
    count = await stub.CountInputTokens(
        service.CountInputTokensRequest(model="m", input={"text": "one two three"})
    )
    assert count.object == "response.input_tokens"
    assert count.input_tokens == 3


async def test_compact_returns_the_compacted_items(stub: Any) -> None:
    """CompactResponse returns the compaction object with its output items."""
    compacted = await stub.CompactResponse(
        service.CompactResponseRequest(model="m", input={"text": "a long conversation"})
    )
    assert compacted.object == "response.compaction"
    assert compacted.id.startswith("resp")
    assert len(compacted.output) >= 1


async def test_background_run_can_be_polled_resumed_and_cancelled(
    simulator_slow: str, bridge_for: Callable[..., Any]
) -> None:
    """A background response is queued, resumable from a sequence number, and cancellable."""
    stub = await bridge_for(simulator_slow)
    created = await _created(stub, "count 200 words", background=True)
    assert created.status in ("queued", "in_progress")
    resumed = stub.StreamGetResponse(
        service.GetResponseRequest(response_id=created.id, starting_after=2)
    )
    numbers = []
    async for event in resumed:
        numbers.append(codec.to_json(event)["sequence_number"])
        if len(numbers) == 5:
            break
    resumed.cancel()
    assert numbers == [3, 4, 5, 6, 7]
    cancelled = await stub.CancelResponse(service.CancelResponseRequest(response_id=created.id))
    assert cancelled.status == "cancelled"
    fetched = await stub.GetResponse(service.GetResponseRequest(response_id=created.id))
    assert fetched.status == "cancelled"


async def test_finished_stream_resumes_to_its_end(stub: Any) -> None:
    """Resuming a finished background stream replays the rest and ends OK."""
    created = await _created(stub, "count 3 words", background=True)
    for _ in range(100):
        fetched = await stub.GetResponse(service.GetResponseRequest(response_id=created.id))
        if fetched.status == "completed":
            break
        await asyncio.sleep(0.05)
    events = [
        event
        async for event in stub.StreamGetResponse(
            service.GetResponseRequest(response_id=created.id, starting_after=0)
        )
    ]
    sequence = [codec.to_json(event)["sequence_number"] for event in events]
    assert sequence == list(range(1, len(events) + 1))
    assert codec.event_type(events[-1]) == "response.completed"


async def test_raw_json_is_attached_only_when_asked(stub: Any) -> None:
    """With x-bridge-raw-json, each event and response carries the upstream's exact JSON."""
    request = Create(model="m", input={"text": "raw please"})
    plain = await stub.CreateResponse(request)
    assert not plain.HasField("raw_json")
    response = await stub.CreateResponse(request, metadata=RAW)
    assert json.loads(response.raw_json)["id"] == response.id
    events = [event async for event in stub.StreamCreateResponse(request, metadata=RAW)]
    for event in events:
        raw = json.loads(event.raw_json)
        assert raw["type"] == codec.event_type(event)
        assert "raw_json" not in codec.to_json(event)


async def test_forwarded_metadata_becomes_headers(
    scripted: tuple[str, Script], bridge_for: Callable[..., Any]
) -> None:
    """Allowlisted metadata reaches the upstream as headers; the rest does not."""
    url, script = scripted
    script.headers = {"content-type": "application/json", "x-request-id": "req_42"}
    script.chunks = [b'{"id": "resp_1", "object": "response", "output": []}']
    stub = await bridge_for(url)
    call = stub.CreateResponse(
        Create(model="m", input={"text": "x"}),
        metadata=(
            ("openai-organization", "org-1"),
            ("x-secret-thing", "no"),
            ("idempotency-key", "k1"),
        ),
    )
    await call
    headers = script.headers_seen[0]
    assert headers["openai-organization"] == "org-1"
    assert headers["idempotency-key"] == "k1"
    assert "x-secret-thing" not in headers
    assert dict(await call.initial_metadata())["x-request-id"] == "req_42"


SCENARIOS = [
    "think about it",
    "reasoning text please",
    "search the web",
    "files please",
    "code this",
    "draw a cat",
    "mcp now",
    "shell out",
    "patch it",
    "computer use",
    "cite your sources",
    "refuse this",
    "incomplete answer",
]


@pytest.mark.parametrize("text", SCENARIOS)
async def test_every_item_kind_through_the_bridge_validates_with_openai(
    stub: Any, text: str
) -> None:
    """What the bridge produces from each simulator scenario is valid for openai's models."""
    import pydantic
    from openai.types.responses import Response as OpenAIResponse
    from openai.types.responses import ResponseStreamEvent

    events = pydantic.TypeAdapter(ResponseStreamEvent)
    request = Create(model="m", input={"text": text})
    streamed = [event async for event in stub.StreamCreateResponse(request)]
    assert codec.event_type(streamed[-1]) in ("response.completed", "response.incomplete")
    for event in streamed:
        events.validate_python(codec.to_json(event))
    OpenAIResponse.model_validate(codec.to_json(await stub.CreateResponse(request)))


async def test_cancelling_a_background_stream_cancels_upstream_when_enabled(
    simulator_slow: str, bridge_for: Callable[..., Any]
) -> None:
    """With cancel_background, a client leaving a background stream cancels the response."""
    stub = await bridge_for(simulator_slow, cancel_background=True)
    call = stub.StreamCreateResponse(
        Create(model="m", input={"text": "count 300 words"}, background=True)
    )
    response_id = ""
    async for event in call:
        if event.WhichOneof("event") == "created":
            response_id = event.created.response.id
        if codec.event_type(event) == "response.output_text.delta":
            break
    call.cancel()
    assert response_id
    for _ in range(100):
        fetched = await stub.GetResponse(service.GetResponseRequest(response_id=response_id))
        if fetched.status == "cancelled":
            break
        await asyncio.sleep(0.05)
    assert fetched.status == "cancelled"


async def test_background_keeps_running_when_cancel_is_off(
    simulator_slow: str, bridge_for: Callable[..., Any]
) -> None:
    """By default a client leaving a background stream leaves the response running."""
    stub = await bridge_for(simulator_slow)
    call = stub.StreamCreateResponse(
        Create(model="m", input={"text": "count 30 words"}, background=True)
    )
    response_id = ""
    async for event in call:
        if event.WhichOneof("event") == "created":
            response_id = event.created.response.id
            break
    call.cancel()
    await asyncio.sleep(0.2)
    fetched = await stub.GetResponse(service.GetResponseRequest(response_id=response_id))
    assert fetched.status in ("queued", "in_progress", "completed")
