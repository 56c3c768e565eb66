"""The Session RPC end to end, over both upstream paths: a real bridge, a real simulator."""

from __future__ import annotations

import asyncio
import io
from typing import Any

import grpc
import grpc.aio
import httpx
import pytest
from google.rpc import error_details_pb2
from grpc_status import rpc_status
from opentelemetry.trace import SpanKind

from bridge.client import AsyncBridgeClient, SessionError
from rbridge.responses.v1 import responses_service_pb2 as service
from tests.conftest import access_lines
from tests.session.conftest import (
    ENDS,
    MODEL,
    PATHS,
    Serve,
    as_json,
    collect,
    create,
    lane_of,
    text_of,
)
from tests.telemetry.conftest import Captured, otel
from tests.test_simulator import WEATHER_TOOL

__all__ = ["otel"]

pytestmark = pytest.mark.parametrize("path", PATHS)


async def feed(*events: service.ResponsesClientEvent, hold: asyncio.Event | None = None) -> Any:
    """A request iterator sending `events`, then half-closing (after `hold`, if given)."""
    for event in events:
        yield event
    if hold is not None:
        await hold.wait()


async def test_lanes_run_first_in_first_out_and_at_once(path: str, serve: Serve) -> None:
    """Creates of one lane run in order, other lanes meanwhile; events echo their lane, the
    default lane's none; after the half-close the session ends OK."""
    served = await serve(path, simulator={"token_delay": 0.01})
    call = served.stub.Session(
        feed(
            create("first count 5 words", "a"),
            create("second", "a"),
            create("other", "b"),
            create("plain"),
        )
    )
    events, code, _ = await collect(call)
    assert code is grpc.StatusCode.OK
    order = [(lane_of(event), event["type"]) for event in events]
    a_first_done = order.index(("a", "response.completed"))
    a_created = [i for i, key in enumerate(order) if key == ("a", "response.created")]
    assert len(a_created) == 2 and a_created[1] > a_first_done
    assert order.index(("b", "response.created")) < a_first_done
    finals = {lane_of(e): text_of(e) for e in events if e["type"] == "response.completed"}
    assert finals == {"a": "You said: second", "b": "You said: other", None: "You said: plain"}
    assert all("stream_id" not in event for event in events if lane_of(event) is None)


async def test_a_lane_past_the_limit_gets_the_specs_error_and_the_session_goes_on(
    path: str, serve: Serve
) -> None:
    """Over the lane limit, the create is answered on its lane with status 400,
    websocket_stream_limit_reached, param stream_id; the other lane's response completes."""
    served = await serve(path, simulator={"token_delay": 0.02}, session_max_lanes=1)
    call = served.stub.Session(feed(create("count 10 words", "a"), create("too many", "b")))
    events, code, _ = await collect(call)
    assert code is grpc.StatusCode.OK
    error = next(event for event in events if event["type"] == "error")
    assert (error["stream_id"], error["status"]) == ("b", 400)
    assert (error["error"]["code"], error["error"]["param"]) == (
        "websocket_stream_limit_reached",
        "stream_id",
    )
    assert [lane_of(e) for e in events if e["type"] == "response.completed"] == ["a"]


async def test_errors_stay_on_their_lane(path: str, serve: Serve) -> None:
    """A failed response, a refused create and a bad lane name are each their lane's; the
    others complete and the session ends OK."""
    served = await serve(path)
    call = served.stub.Session(
        feed(
            create("please fail", "bad"),
            create("fine", "good"),
            create("hot", "refused", temperature=5),
            create("x", "no spaces"),
        )
    )
    events, code, _ = await collect(call)
    assert code is grpc.StatusCode.OK
    by_lane: dict[str | None, list[str]] = {}
    for event in events:
        by_lane.setdefault(lane_of(event), []).append(event["type"])
    assert by_lane["bad"][-1] == "response.failed"
    assert by_lane["good"][-1] == "response.completed"
    assert by_lane["refused"] == ["error"]
    assert by_lane[None] == ["error"]
    refused = next(e for e in events if lane_of(e) == "refused")
    assert (refused["status"], refused["error"]["param"]) == (400, "temperature")


async def test_half_close_lets_the_responses_in_flight_finish(path: str, serve: Serve) -> None:
    """The client half-closes at once; every event still arrives and the session ends OK."""
    served = await serve(path, simulator={"token_delay": 0.01})
    call = served.stub.Session(feed(create("count 20 words", "a"), create("count 5 words")))
    events, code, _ = await collect(call)
    assert code is grpc.StatusCode.OK
    assert sorted(str(lane_of(e)) for e in events if e["type"] == "response.completed") == [
        "None",
        "a",
    ]
    deltas = [e for e in events if e["type"] == "response.output_text.delta" and lane_of(e) == "a"]
    assert len(deltas) == len(["You", "said:", "count", "20", "words"]) + 20


async def test_cancelling_the_session_stops_its_responses_upstream(path: str, serve: Serve) -> None:
    """Cancelled mid-response, the session leaves the upstream at once: the stored response
    stops generating (status cancelled, far from its end)."""
    served = await serve(path, simulator={"token_delay": 0.05})
    hold = asyncio.Event()
    call = served.stub.Session(feed(create("count 200 words", "a"), hold=hold))
    response_id = None
    async for event in call:
        data = as_json(event)
        if data["type"] == "response.created":
            response_id = data["response"]["id"]
        if data["type"] == "response.output_text.delta":
            break
    call.cancel()
    assert response_id is not None
    async with httpx.AsyncClient() as http:
        for _ in range(100):
            stored = (await http.get(f"{served.simulator}/responses/{response_id}")).json()
            if stored["status"] == "cancelled":
                break
            await asyncio.sleep(0.05)
    assert stored["status"] == "cancelled"
    assert len(stored["output"][0]["content"][0]["text"].split()) < 100
    hold.set()


async def test_the_deadline_bounds_the_session(path: str, serve: Serve) -> None:
    """A session whose deadline passes mid-response ends DEADLINE_EXCEEDED."""
    served = await serve(path, simulator={"token_delay": 0.05})
    hold = asyncio.Event()
    call = served.stub.Session(feed(create("count 200 words", "a"), hold=hold), timeout=0.6)
    events, code, _ = await collect(call)
    hold.set()
    assert code is grpc.StatusCode.DEADLINE_EXCEEDED
    assert any(event["type"] == "response.output_text.delta" for event in events)


async def test_a_shutdown_finishes_responses_in_flight_then_ends_unavailable(
    path: str, serve: Serve
) -> None:
    """On shutdown a create is refused with an error event (503), the response in flight
    completes within the grace period, and the session ends UNAVAILABLE."""
    served = await serve(path, simulator={"token_delay": 0.02})
    started = asyncio.Event()
    late = asyncio.Event()
    hold = asyncio.Event()

    async def requests() -> Any:
        yield create("count 30 words", "a")
        await started.wait()
        await late.wait()
        yield create("too late", "b")
        await hold.wait()

    call = served.stub.Session(requests())
    events: list[dict[str, Any]] = []

    async def read() -> None:
        async for event in call:
            events.append(as_json(event))
            if events[-1]["type"] == "response.created":
                started.set()

    reader = asyncio.create_task(read())
    await started.wait()
    stopping = asyncio.create_task(served.running.bridge.stop(5.0))
    await asyncio.sleep(0.1)
    late.set()
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        await reader
    await stopping
    hold.set()
    assert caught.value.code() is grpc.StatusCode.UNAVAILABLE
    refused = next(e for e in events if e["type"] == "error")
    assert (refused["stream_id"], refused["status"]) == ("b", 503)
    assert refused["error"]["code"] == "server_shutting_down"
    assert [e["type"] for e in events if lane_of(e) == "a"][-1] == "response.completed"


async def test_store_false_responses_are_continued(path: str, serve: Serve) -> None:
    """previous_response_id reaches a lane's last store:false response, from any lane: the
    upstream counts the earlier turn as input (4 words of it, then 4 of the new question),
    and the response reports the id it continued."""
    served = await serve(path)
    async with AsyncBridgeClient(served.running.target) as client, client.session() as session:
        await session.send(create("My name is Ada", "a", store=False))
        first = await session.response("a")
        await session.send(
            create("What is my name?", "b", store=False, previous_response_id=first.id)
        )
        second = await session.response("b")
    assert second.status == "completed"
    assert second.previous_response_id == first.id
    assert (first.usage.input_tokens, second.usage.input_tokens) == (4, 8)


async def test_a_two_turn_tool_loop(path: str, serve: Serve) -> None:
    """A function call, then its output with previous_response_id: the agent loop, through
    the Python client's session API."""
    served = await serve(path)
    async with AsyncBridgeClient(served.running.target) as client, client.session() as session:
        await session.send(
            {
                "type": "response.create",
                "model": MODEL,
                "input": "weather in Paris",
                "tools": [WEATHER_TOOL],
            }
        )
        first = await session.response()
        call = first.output[-1].function_call
        assert call.name == "get_weather"
        await session.send(
            {
                "type": "response.create",
                "model": MODEL,
                "previous_response_id": first.id,
                "tools": [WEATHER_TOOL],
                "input": [
                    {"type": "function_call_output", "call_id": call.call_id, "output": "sunny"}
                ],
            }
        )
        second = await session.response()
    assert second.output[-1].WhichOneof("item") == "message"
    assert second.status == "completed"


async def test_a_client_event_of_an_unknown_type(path: str, serve: Serve) -> None:
    """A WebSocket upstream receives it as sent and its answer comes back (the simulator
    refuses to steer a response it does not hold); over HTTP it is an error event naming
    the type. Either way the session goes on."""
    served = await serve(path)
    async with AsyncBridgeClient(served.running.target) as client, client.session() as session:
        await session.send(
            {"type": "response.steer", "previous_response_id": "resp_x", "input": "go"}
        )
        answer = None
        async for event in session:
            answer = as_json(event)
            break
        await session.send(create("still here", "a"))
        after = await session.response("a")
    assert answer is not None
    if path == "websocket":
        assert answer["type"] == "response.steer.failed"
        assert answer["error"]["code"] == "response_not_found"
    else:
        assert (answer["type"], answer["status"]) == ("error", 400)
        assert "'response.steer'" in answer["error"]["message"]
    assert after.status == "completed"


async def test_an_error_event_is_a_session_error_in_the_client(path: str, serve: Serve) -> None:
    """The Python client raises SessionError, with its status, code and param, for the
    lane that got the error event."""
    served = await serve(path)
    async with AsyncBridgeClient(served.running.target) as client, client.session() as session:
        await session.send(create("x", "a", background=True))
        with pytest.raises(SessionError) as caught:
            await session.response("a")
    assert (caught.value.status, caught.value.param, caught.value.stream_id) == (
        400,
        "background",
        "a",
    )


async def test_an_empty_client_event_is_an_error_event(path: str, serve: Serve) -> None:
    """A client event with no arm set is answered with an error event; the session goes on."""
    served = await serve(path)
    events, code, _ = await collect(
        served.stub.Session(feed(service.ResponsesClientEvent(), create("hello")))
    )
    assert code is grpc.StatusCode.OK
    assert events[0]["type"] == "error" and events[0]["error"]["param"] == "type"
    assert events[-1]["type"] in ENDS


async def test_the_session_limit_refuses_a_session_as_it_starts(path: str, serve: Serve) -> None:
    """Past BRIDGE_MAX_SESSIONS a new session is RESOURCE_EXHAUSTED, with the wait to allow;
    once one ends, the next is served."""
    served = await serve(path, max_sessions=1)
    hold = asyncio.Event()
    first = served.stub.Session(feed(create("hello", "a"), hold=hold))
    async for event in first:
        if as_json(event)["type"] in ENDS:
            break
    events, code, details = await collect(served.stub.Session(feed(create("refused"))))
    assert (events, code) == ([], grpc.StatusCode.RESOURCE_EXHAUSTED)
    assert "BRIDGE_MAX_SESSIONS" in details
    hold.set()
    assert await first.code() is grpc.StatusCode.OK
    again, code, _ = await collect(served.stub.Session(feed(create("served"))))
    assert code is grpc.StatusCode.OK and again[-1]["type"] == "response.completed"


async def test_the_refusal_carries_retry_and_quota_details(path: str, serve: Serve) -> None:
    """The RESOURCE_EXHAUSTED of a full bridge says when to retry and which limit it hit."""
    served = await serve(path, max_sessions=1)
    hold = asyncio.Event()
    first = served.stub.Session(feed(hold=hold))
    await asyncio.sleep(0.2)
    refused = served.stub.Session(feed())
    with pytest.raises(grpc.aio.AioRpcError) as caught:
        async for _ in refused:
            pass
    hold.set()
    await first.code()
    status = rpc_status.from_call(caught.value)
    assert status is not None
    kinds = {detail.type_url.rsplit(".", 1)[-1] for detail in status.details}
    assert kinds == {"RetryInfo", "QuotaFailure"}
    quota = error_details_pb2.QuotaFailure()
    next(d for d in status.details if d.Is(quota.DESCRIPTOR)).Unpack(quota)
    assert quota.violations[0].subject == "BRIDGE_MAX_SESSIONS"


async def test_telemetry_has_a_span_and_a_line_per_session_and_per_response(
    path: str, serve: Serve, otel: Captured, log_output: io.StringIO
) -> None:
    """The session's SERVER span parents one GenAI span per response, each with its model,
    response id and usage; the access log has a line per response and one for the session,
    which counts the responses and sums their tokens."""
    served = await serve(path)
    events, code, _ = await collect(
        served.stub.Session(feed(create("count 3 words", "a"), create("hello there", "b")))
    )
    assert code is grpc.StatusCode.OK
    done = {lane_of(e): e["response"] for e in events if e["type"] == "response.completed"}
    spans = await otel.wait_spans(3)
    server = next(s for s in spans if s.kind is SpanKind.SERVER)
    assert server.name.endswith("ResponsesService/Session")
    genai = sorted(
        (s for s in spans if s.kind is SpanKind.CLIENT and s.name.startswith("chat")),
        key=lambda s: str((s.attributes or {})["gen_ai.response.id"]),
    )
    assert len(genai) == 2
    for span in genai:
        attributes = dict(span.attributes or {})
        assert span.parent is not None and span.parent.span_id == server.context.span_id
        assert attributes["gen_ai.request.model"] == MODEL
        assert attributes["gen_ai.operation.name"] == "chat"
    by_id = {str((s.attributes or {})["gen_ai.response.id"]): s for s in genai}
    for response in done.values():
        attributes = dict(by_id[response["id"]].attributes or {})
        assert attributes["gen_ai.usage.input_tokens"] == response["usage"]["input_tokens"]
        assert attributes["gen_ai.usage.output_tokens"] == response["usage"]["output_tokens"]
    lines = access_lines(log_output)
    per_response = {line["stream_id"]: line for line in lines if line["event"] == "response"}
    assert {lane: line["response_id"] for lane, line in per_response.items()} == {
        lane: response["id"] for lane, response in done.items()
    }
    assert all(line["status"] == "completed" for line in per_response.values())
    (session,) = [line for line in lines if line["event"] == "rpc"]
    assert (session["status"], session["responses"]) == ("OK", 2)
    assert session["input_tokens"] == sum(r["usage"]["input_tokens"] for r in done.values())
    assert session["output_tokens"] == sum(r["usage"]["output_tokens"] for r in done.values())


async def test_a_thousand_lanes_at_once_get_the_limit_error_and_the_rest_is_served(
    path: str, serve: Serve
) -> None:
    """A hostile client opening 1,000 lanes at once: each create past the limit is that
    lane's 400 error event; every other create completes, and the session ends OK."""
    served = await serve(path, simulator={"token_delay": 0.01}, session_max_lanes=4)
    creates = [create("count 5 words", f"lane{n}") for n in range(1000)]
    events, code, _ = await collect(served.stub.Session(feed(*creates)))
    assert code is grpc.StatusCode.OK
    ends = {lane_of(e): e for e in events if e["type"] in ("error", "response.completed")}
    assert len(ends) == 1000
    refused = [e for e in ends.values() if e["type"] == "error"]
    assert {e["error"]["code"] for e in refused} == {"websocket_stream_limit_reached"}
    assert 4 <= 1000 - len(refused) < 1000


async def test_a_client_that_never_reads_is_held_back_by_flow_control(
    path: str, serve: Serve
) -> None:
    """A client sending creates without end and reading nothing: the session stops reading
    once MAX_QUEUED creates wait, so the client's sends stall instead of the bridge's
    memory growing; cancelling the session then ends it."""
    served = await serve(path, simulator={"token_delay": 0.05})
    sent = 0
    body = "count 100 words " + "x" * (64 << 10)

    async def endless() -> Any:
        nonlocal sent
        while sent < 5000:
            sent += 1
            yield create(body, "a")

    call = served.stub.Session(endless())
    await asyncio.sleep(2.0)
    stalled = sent
    await asyncio.sleep(0.5)
    # What the bridge read, plus what flow control's windows hold, and no more.
    assert stalled == sent < 300
    call.cancel()
    assert await call.code() is grpc.StatusCode.CANCELLED
    for _ in range(100):
        if served.running.bridge.sessions is not None and not served.running.bridge.sessions.active:
            break
        await asyncio.sleep(0.02)
    assert served.running.bridge.sessions is not None
    assert served.running.bridge.sessions.active == 0
