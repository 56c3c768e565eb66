"""The simulator's background mode: queued responses, polling, cancel, and stream resumption."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import httpx
import openai
import pytest

from bridge.simulator import SimulatorOptions, start
from tests.conftest import FIXTURES, sse_payloads
from tests.test_simulator import (
    EVENT_ADAPTER,
    MODEL,
    RESPONSE_ADAPTER,
    Sim,
    assert_contiguous,
    running,
    sse_events,
    validate_strictly,
)
from tests.test_simulator_items import compress

# Recorded from api.openai.com: GET ?stream=true&starting_after=0 of a background response.
RECORDED_RESUME = sse_payloads((FIXTURES / "sse" / "resume_get_starting_after_0.sse").read_bytes())
PACED = SimulatorOptions(token_delay=0.02)


async def poll(
    sim: Sim,
    response_id: str,
    until: set[str],
    *,
    with_text: bool = False,
    patience: float = 10,
) -> list[dict[str, Any]]:
    """GET the response until its status is in ``until`` (and it has text, if told).

    Returns every snapshot seen.
    """
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + patience
    while (
        not seen or seen[-1]["status"] not in until or (with_text and not text_of(seen[-1]).strip())
    ):
        assert time.monotonic() < deadline, f"still {seen[-1]['status']} after {patience} s"
        reply = await sim.http.get(f"/v1/responses/{response_id}")
        assert reply.status_code == 200
        seen.append(reply.json())
        await asyncio.sleep(0.01)
    return seen


def text_of(response: dict[str, Any]) -> str:
    """The output text of a (possibly partial) response JSON."""
    return "".join(
        part.get("text", "")
        for item in response["output"]
        if item["type"] == "message"
        for part in item["content"]
    )


async def test_background_create_returns_queued_then_completes() -> None:
    """background: true answers at once with status queued; polling sees progress, then the end."""
    async with running(PACED) as sim:
        created = await sim.client.responses.create(
            model=MODEL, input="count 20 words", background=True
        )
        assert (created.status, created.background, created.output) == ("queued", True, [])
        assert created.usage is None and created.completed_at is None
        snapshots = await poll(sim, created.id, {"completed"})
    for snapshot in snapshots:
        validate_strictly(RESPONSE_ADAPTER, snapshot)
        assert snapshot["background"] is True
    final = snapshots[-1]
    expected = "You said: count 20 words" + "".join(f" w{n}" for n in range(1, 21))
    assert text_of(final) == expected
    statuses = [snapshot["status"] for snapshot in snapshots]
    assert "in_progress" in statuses
    partial = [text_of(s) for s in snapshots if s["status"] == "in_progress" and s["output"]]
    assert partial and all(expected.startswith(text) for text in partial)
    assert any(text != expected for text in partial)
    assert final["usage"]["output_tokens"] == len(expected.split())


async def test_background_stream_order_matches_the_recording() -> None:
    """stream + background: created (queued), queued, in_progress, ... like api.openai.com."""
    async with running() as sim:
        events = await sse_events(
            sim.http, {"model": MODEL, "input": "2 + 2", "stream": True, "background": True}
        )
    assert_contiguous(events)
    for event in events:
        validate_strictly(EVENT_ADAPTER, event)
    assert events[0]["type"] == "response.created"
    assert events[0]["response"]["status"] == "queued"
    assert events[1]["response"]["status"] == "queued"
    assert all(event["response"]["background"] for event in events if "response" in event)
    # The recording starts after sequence number 0; the rest has the same shape.
    assert compress(events[1:]) == compress(RECORDED_RESUME)
    assert [e["sequence_number"] for e in RECORDED_RESUME][:2] == [1, 2]


@pytest.mark.parametrize("after", [0, 3, -2, -1], ids=["0", "3", "second-last", "last"])
async def test_resume_after_a_sequence_number(after: int) -> None:
    """GET ?stream=true&starting_after=N replays exactly the events after N."""
    async with running() as sim:
        events = await sse_events(
            sim.http, {"model": MODEL, "input": "think twice", "stream": True, "background": True}
        )
        number = after if after >= 0 else len(events) + after - 1
        response_id = events[0]["response"]["id"]
        stream = await sim.client.responses.retrieve(
            response_id, stream=True, starting_after=number
        )
        async with stream:
            resumed = [event async for event in stream]
    replayed = [event.model_dump(mode="json", exclude_unset=True) for event in resumed]
    assert replayed == events[number + 1 :]
    if replayed:
        assert_contiguous(replayed, number + 1)


async def test_resume_without_starting_after_replays_everything() -> None:
    """GET ?stream=true alone replays the whole stream from sequence number 0."""
    async with running() as sim:
        created = await sim.client.responses.create(model=MODEL, input="hi", background=True)
        await poll(sim, created.id, {"completed"})
        events = await sse_events(
            sim.http, None, f"/v1/responses/{created.id}?stream=true", method="GET"
        )
    assert_contiguous(events)
    assert events[-1]["type"] == "response.completed"
    assert events[-1]["response"]["output"][0]["content"][0]["text"] == "You said: hi"


async def test_resume_follows_a_running_response_live() -> None:
    """A resumed stream of a running response continues live to its last event."""
    async with running(PACED) as sim:
        created = await sim.client.responses.create(
            model=MODEL, input="count 15 words", background=True
        )
        stream = await sim.client.responses.retrieve(created.id, stream=True, starting_after=1)
        async with stream:
            events = [event async for event in stream]
    assert events[0].sequence_number == 2
    assert_contiguous([{"sequence_number": e.sequence_number} for e in events], 2)
    assert events[-1].type == "response.completed"
    assert events[-1].response.output_text.endswith(" w15")


async def test_resume_needs_a_background_response() -> None:
    """Only background responses can be streamed again."""
    async with running() as sim:
        created = await sim.client.responses.create(model=MODEL, input="hi")
        reply = await sim.http.get(f"/v1/responses/{created.id}", params={"stream": "true"})
    assert reply.status_code == 400 and reply.json()["error"]["param"] == "stream"


async def test_client_leaving_a_background_stream_does_not_stop_it() -> None:
    """Disconnecting from a background stream leaves the response running to completion."""
    async with running(PACED) as sim:
        body = {"model": MODEL, "input": "count 10 words", "stream": True, "background": True}
        async with sim.http.stream("POST", "/v1/responses", json=body) as reply:
            lines = reply.aiter_lines()
            assert await anext(lines) == "event: response.created"
            created = json.loads((await anext(lines)).removeprefix("data: "))
        final = await poll(sim, created["response"]["id"], {"completed"})
    assert text_of(final[-1]).endswith(" w10")


# ---------------------------------------------------------------- cancel


async def test_cancel_a_running_background_response() -> None:
    """cancel stops generation: status cancelled, the partial output kept, no usage."""
    async with running(PACED) as sim:
        created = await sim.client.responses.create(
            model=MODEL, input="count 500 words", background=True
        )
        follower = asyncio.create_task(
            sse_events(sim.http, None, f"/v1/responses/{created.id}?stream=true", method="GET")
        )
        await poll(sim, created.id, {"in_progress"}, with_text=True)
        cancelled = await sim.client.responses.cancel(created.id)
        assert cancelled.status == "cancelled" and cancelled.usage is None
        [message] = cancelled.output
        assert message.type == "message" and message.status == "in_progress"
        partial = cancelled.output_text
        full = "You said: count 500 words" + "".join(f" w{n}" for n in range(1, 501))
        assert partial and full.startswith(partial) and partial != full
        raw = (await sim.http.get(f"/v1/responses/{created.id}")).json()
        validate_strictly(RESPONSE_ADAPTER, raw)
        await asyncio.sleep(0.1)
        later = (await sim.http.get(f"/v1/responses/{created.id}")).json()
        again = await sim.client.responses.cancel(created.id)
        events = await asyncio.wait_for(follower, 5)
    assert later == raw and text_of(later) == partial
    assert again.status == "cancelled" and again.output_text == partial
    assert events[-1]["type"] != "response.completed"
    assert_contiguous(events)


async def test_cancel_a_queued_response() -> None:
    """A response cancelled while queued ends cancelled with no output."""
    async with running(SimulatorOptions(token_delay=5.0)) as sim:
        created = await sim.client.responses.create(model=MODEL, input="hi", background=True)
        cancelled = await sim.client.responses.cancel(created.id)
    assert (cancelled.status, cancelled.output) == ("cancelled", [])


async def test_cancel_finished_or_synchronous_responses_is_refused() -> None:
    """Cancelling a completed background response or a synchronous one gets 400."""
    async with running() as sim:
        done = await sim.client.responses.create(model=MODEL, input="hi", background=True)
        await poll(sim, done.id, {"completed"})
        with pytest.raises(openai.BadRequestError) as finished:
            await sim.client.responses.cancel(done.id)
        sync = await sim.client.responses.create(model=MODEL, input="hi")
        with pytest.raises(openai.BadRequestError) as synchronous:
            await sim.client.responses.cancel(sync.id)
        failed = await sim.client.responses.create(model=MODEL, input="fail", background=True)
        await poll(sim, failed.id, {"failed"})
        with pytest.raises(openai.BadRequestError) as failure:
            await sim.client.responses.cancel(failed.id)
    assert finished.value.message.endswith("Cannot cancel a completed response.")
    assert synchronous.value.message.endswith("Cannot cancel a synchronous response.")
    assert failure.value.message.endswith("Cannot cancel a failed response.")


# ---------------------------------------------------------------- failures, deletion, shutdown


@pytest.mark.parametrize(
    ("text", "code"), [("fail", "server_error"), ("quota", "insufficient_quota")]
)
async def test_background_failure_is_stored(text: str, code: str) -> None:
    """A background response that fails is stored failed, with its error."""
    async with running() as sim:
        created = await sim.client.responses.create(model=MODEL, input=text, background=True)
        final = (await poll(sim, created.id, {"failed"}))[-1]
        events = await sse_events(
            sim.http, None, f"/v1/responses/{created.id}?stream=true", method="GET"
        )
    assert final["error"]["code"] == code and final["output"] == []
    assert events[-1]["type"] == "response.failed" and events[-1]["response"] == final
    assert [e["type"] for e in events][:3] == [
        "response.created",
        "response.queued",
        "response.in_progress",
    ]


async def test_delete_stops_a_running_background_response() -> None:
    """Deleting a running background response stops it and forgets it."""
    async with running(PACED) as sim:
        created = await sim.client.responses.create(
            model=MODEL, input="count 500 words", background=True
        )
        await poll(sim, created.id, {"in_progress"})
        await sim.client.responses.delete(created.id)
        reply = await sim.http.get(f"/v1/responses/{created.id}")
    assert reply.status_code == 404


async def test_shutdown_cancels_background_work_promptly() -> None:
    """runner.cleanup() stops background tasks and ends their followers at once."""
    runner, port = await start("127.0.0.1", 0, SimulatorOptions(token_delay=0.05))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:
            body = {"model": MODEL, "input": "count 1000 words", "background": True}
            created = (await http.post("/v1/responses", json=body)).json()
            follower = asyncio.create_task(
                sse_events(http, None, f"/v1/responses/{created['id']}?stream=true", method="GET")
            )
            await asyncio.sleep(0.3)
            began = time.monotonic()
            await runner.cleanup()
            stopped_in = time.monotonic() - began
            events = await asyncio.wait_for(follower, 5)
    finally:
        await runner.cleanup()
    assert stopped_in < 1.0
    assert events and events[-1]["type"] == "response.output_text.delta"
    assert json.dumps(events)  # every frame was whole JSON
