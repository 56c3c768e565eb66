"""Batched streams: each message carries the events decoded together, in order, never waiting
for more, within the send limit; the wire bytes are those of ResponseStreamEventBatch."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import grpc
import grpc.aio
import pytest

from bridge import codec
from bridge.batching import batches
from bridge.client import AsyncBridgeClient
from rbridge.responses.v1 import responses_service_pb2, stream_events_pb2
from tests.conftest import Script, fixture_files, sse_payloads
from tests.support import Bridges

Request = responses_service_pb2.CreateResponseRequest
Batch = stream_events_pb2.ResponseStreamEventBatch
Event = stream_events_pb2.ResponseStreamEvent

TEXT = fixture_files("sse", "text_answer_gpt41.sse")[0].read_bytes()


def _event(delta: str) -> Event:
    return codec.event_from_json(
        {"type": "response.output_text.delta", "delta": delta, "sequence_number": 1}
    )


@pytest.mark.parametrize("sizes", [[0], [1, 2, 3], [127, 128], [16_383, 16_384, 2_100_000]])
def test_batches_parse_as_the_batch_message_of_the_same_events(sizes: list[int]) -> None:
    """Joined bytes parse as a ResponseStreamEventBatch holding each event, in order."""
    events = [_event("x" * size) for size in sizes]
    [data] = batches([event.SerializeToString() for event in events], limit=1 << 30)
    assert data == Batch(events=events).SerializeToString()
    assert list(Batch.FromString(data).events) == events


def test_a_batch_ends_before_it_would_pass_the_limit() -> None:
    """Events fill batches up to the limit, in order; one larger than the limit goes alone."""
    serialized = [_event(str(n) * 40).SerializeToString() for n in range(10)]
    serialized.insert(4, _event("y" * 500).SerializeToString())
    limit = 3 * (len(serialized[0]) + 2)
    sent = list(batches(serialized, limit))
    assert [e.SerializeToString() for b in sent for e in Batch.FromString(b).events] == serialized
    alone = [data for data in sent if len(data) > limit]
    assert [len(Batch.FromString(data).events) for data in alone] == [1]
    assert all(len(Batch.FromString(data).events) <= 3 for data in sent)
    assert list(batches([], limit)) == []


@pytest.fixture
async def bridges() -> AsyncIterator[Bridges]:
    bridges = Bridges(max_retries=0, api_key="sk-test")
    yield bridges
    await bridges.close()


async def _batches(stub: Any, request: Request) -> list[list[dict[str, Any]]]:
    """The events of each message of a batched call, as JSON."""
    return [
        [codec.to_json(event) for event in batch.events]
        async for batch in stub.StreamCreateResponseBatched(request)
    ]


async def test_the_events_of_one_piece_of_body_travel_in_one_message(
    scripted: tuple[str, Script], bridges: Bridges
) -> None:
    """A whole stream read in one piece arrives as one message holding every event."""
    url, script = scripted
    raw = TEXT
    script.chunks = [raw]
    running = await bridges.start(url)
    received = await _batches(running.stub, Request(model="m", input={"text": "x"}))
    assert len(received) == 1
    assert [event["type"] for event in received[0]] == [
        event["type"] for event in sse_payloads(raw)
    ]


async def test_no_event_waits_for_the_next_piece(
    scripted: tuple[str, Script], bridges: Bridges
) -> None:
    """The events decoded so far are sent while the upstream still holds the rest."""
    url, script = scripted
    raw = TEXT
    pieces = raw.split(b"\n\n")
    script.chunks = [b"\n\n".join(pieces[:3]) + b"\n\n", b"\n\n".join(pieces[3:])]
    script.hold_before = 1
    running = await bridges.start(url)
    call = running.stub.StreamCreateResponseBatched(Request(model="m", input={"text": "x"}))
    iterator = call.__aiter__()
    first = await asyncio.wait_for(iterator.__anext__(), timeout=10)
    assert [codec.event_type(event) for event in first.events] == [
        event["type"] for event in sse_payloads(raw)[:3]
    ]
    assert not script.finished.is_set()
    script.release.set()
    rest = [event async for batch in iterator for event in batch.events]
    assert len(first.events) + len(rest) == len(sse_payloads(raw))


async def test_batches_stay_within_the_message_limit(
    scripted: tuple[str, Script], bridges: Bridges
) -> None:
    """Many events in one piece split into messages no larger than BRIDGE_MAX_MESSAGE_BYTES."""
    url, script = scripted
    limit = 64 * 1024
    events = [
        {"type": "response.created", "response": {"id": "r"}, "sequence_number": 0},
        *(
            {"type": "response.output_text.delta", "delta": f"{n:04d}" * 250, "sequence_number": n}
            for n in range(1, 200)
        ),
        {"type": "response.completed", "response": {"id": "r"}, "sequence_number": 200},
    ]
    script.chunks = [b"".join(f"data: {json.dumps(e)}\n\n".encode() for e in events)]
    running = await bridges.start(url, max_message_bytes=limit)
    sizes = []
    received = []
    async for batch in running.stub.StreamCreateResponseBatched(
        Request(model="m", input={"text": "x"})
    ):
        sizes.append(batch.ByteSize())
        received.extend(event.WhichOneof("event") for event in batch.events)
    assert len(sizes) > 1
    assert max(sizes) <= limit
    assert received == ["created", *["output_text_delta"] * 199, "completed"]


async def test_events_before_a_broken_one_are_sent_then_the_call_fails(
    scripted: tuple[str, Script], bridges: Bridges
) -> None:
    """Events decoded with an invalid one reach the client before the INTERNAL status."""
    url, script = scripted
    script.chunks = [
        b'data: {"type":"response.created","response":{"id":"r"}}\n\n'
        b'data: {"type":"response.in_progress","response":{"id":"r"}}\n\n'
        b"data: {not json\n\n"
    ]
    running = await bridges.start(url)
    received = []
    with pytest.raises(grpc.aio.AioRpcError) as failure:
        async for batch in running.stub.StreamCreateResponseBatched(
            Request(model="m", input={"text": "x"})
        ):
            received.extend(codec.event_type(event) for event in batch.events)
    assert received == ["response.created", "response.in_progress"]
    assert failure.value.code() == grpc.StatusCode.INTERNAL
    assert "invalid JSON" in (failure.value.details() or "")


async def test_a_resumed_stream_can_be_batched(simulator: str, bridges: Bridges) -> None:
    """StreamGetResponseBatched replays a stored stream's events after `starting_after`."""
    running = await bridges.start(simulator)
    request = Request(model="m", input={"text": "count 4 words"}, background=True, store=True)
    events = [event async for event in running.stub.StreamCreateResponse(request)]
    response_id = events[0].created.response.id
    get = responses_service_pb2.GetResponseRequest(response_id=response_id, starting_after=1)
    batched = [
        event
        async for batch in running.stub.StreamGetResponseBatched(get)
        for event in batch.events
    ]
    single = [event async for event in running.stub.StreamGetResponse(get)]
    assert [codec.to_json(e) for e in batched] == [codec.to_json(e) for e in single]
    assert codec.event_type(batched[-1]) == "response.completed"


@pytest.mark.parametrize(
    "raw",
    [path.read_bytes() for path in fixture_files("sse", "*gpt*.sse")],
    ids=[path.stem for path in fixture_files("sse", "*gpt*.sse")],
)
async def test_the_client_gives_the_same_events_and_response_either_way(
    raw: bytes, scripted: tuple[str, Script], bridges: Bridges
) -> None:
    """`stream(batched=True)` yields the same events and final Response as one per message."""
    url, script = scripted
    script.chunks = [raw[i : i + 4096] for i in range(0, len(raw), 4096)]
    running = await bridges.start(url)
    results: list[tuple[list[Any], Any]] = []
    async with AsyncBridgeClient(running.target) as client:
        for batched in (False, True):
            stream = client.stream(Request(model="m", input={"text": "x"}), batched=batched)
            events = [codec.to_json(event) async for event in stream]
            results.append((events, await stream.final_response()))
    assert results[0] == results[1]
    assert len(results[0][0]) == len(sse_payloads(raw))
