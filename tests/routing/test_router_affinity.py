"""Response affinity through bridges with a routes file: every call on a stored response or
conversation goes to the upstream that holds it, from the bridge's memory, from Redis shared
by two bridge processes, or found by a lookup when no record says; lookups respect opt-outs."""

from __future__ import annotations

import asyncio
import io
from pathlib import Path

import grpc
import grpc.aio

from bridge.routing.router import PICK_KEY
from rbridge.responses.v1 import (
    conversations_pb2,
    responses_service_pb2,
    responses_service_pb2_grpc,
)
from tests.process import bridge_process
from tests.routing.conftest import Simulator, StartRouted, StartSimulator
from tests.routing.helpers import create, served, stream
from tests.support import log_lines

Get = responses_service_pb2.GetResponseRequest


def two_upstreams(first: Simulator, second: Simulator, extra: str = "") -> str:
    """`first` serves model "first", `second` model "second"; both pickable; the default
    upstream is `first`."""
    return f"""
upstreams:
  first: {{base_url: "{first.url}", pickable: true}}
  second: {{base_url: "{second.url}", pickable: true}}
routes:
  - {{model: first, upstreams: [first, second]}}
  - {{model: second, upstreams: [second, first]}}
default_upstream: first
{extra}
"""


async def test_every_call_on_a_response_goes_to_the_upstream_that_created_it(
    simulators: StartSimulator, routed: StartRouted
) -> None:
    """A response created at the second upstream (unary or streamed, in the background or
    not) is retrieved, resumed, listed, compacted, continued, cancelled and deleted there,
    whatever model those calls name; the first upstream would not know it."""
    first, second = await simulators(), await simulators(token_delay=0.02)
    bridge = await routed(two_upstreams(first, second))
    stub = bridge.stub
    unary = await served(stub.CreateResponse(create("second")))
    streamed = await stream(stub.StreamCreateResponse(create("second")))
    background = await served(
        stub.CreateResponse(create("second", "Count 40 words please", background=True))
    )
    running = await served(
        stub.CreateResponse(create("second", "Count 40 words please", background=True))
    )
    for created in (unary, streamed, background, running):
        assert created.upstream == "second"
    response_id = unary.response.id
    cancelled = await served(
        stub.CancelResponse(
            responses_service_pb2.CancelResponseRequest(response_id=running.response.id)
        )
    )
    assert (cancelled.code, cancelled.upstream) == (grpc.StatusCode.OK, "second")
    assert cancelled.response.status == "cancelled"
    calls = {
        "GetResponse": served(stub.GetResponse(Get(response_id=streamed.response.id))),
        "StreamGetResponse": stream(
            stub.StreamGetResponse(Get(response_id=background.response.id, starting_after=1))
        ),
        "ListInputItems": served(
            stub.ListInputItems(
                responses_service_pb2.ListInputItemsRequest(response_id=response_id)
            )
        ),
        "CompactResponse": served(
            stub.CompactResponse(
                responses_service_pb2.CompactResponseRequest(
                    model="first", previous_response_id=response_id
                )
            )
        ),
        "CountInputTokens": served(
            stub.CountInputTokens(
                responses_service_pb2.CountInputTokensRequest(
                    model="first", previous_response_id=response_id
                )
            )
        ),
        "CreateResponse": served(
            stub.CreateResponse(create("first", previous_response_id=response_id))
        ),
        "StreamCreateResponse": stream(
            stub.StreamCreateResponse(create("first", previous_response_id=response_id))
        ),
    }
    for rpc, pending in calls.items():
        outcome = await pending
        assert (rpc, outcome.code, outcome.upstream) == (rpc, grpc.StatusCode.OK, "second")
    deleted = await served(
        stub.DeleteResponse(responses_service_pb2.DeleteResponseRequest(response_id=response_id))
    )
    assert (deleted.code, deleted.upstream) == (grpc.StatusCode.OK, "second")
    assert deleted.reply.deleted


async def test_every_call_on_a_conversation_goes_to_the_upstream_that_holds_it(
    simulators: StartSimulator, routed: StartRouted
) -> None:
    """A conversation created at the upstream a caller picked is read, updated, added to,
    listed, continued by a create of another model, and deleted there."""
    first, second = await simulators(), await simulators()
    bridge = await routed(two_upstreams(first, second))
    stub = bridge.stub
    created = await served(
        stub.CreateConversation(
            conversations_pb2.CreateConversationRequest(), metadata=((PICK_KEY, "second"),)
        )
    )
    assert created.upstream == "second"
    conversation_id = created.reply.id
    item = {"type": "message", "role": "user", "content": "Remember the word teal"}
    outcomes = [
        await served(
            stub.GetConversation(
                conversations_pb2.GetConversationRequest(conversation_id=conversation_id)
            )
        ),
        await served(
            stub.UpdateConversation(
                conversations_pb2.UpdateConversationRequest(
                    conversation_id=conversation_id, metadata={"topic": "colours"}
                )
            )
        ),
        await served(
            stub.CreateConversationItems(
                conversations_pb2.CreateConversationItemsRequest(
                    conversation_id=conversation_id, items=[_item(item)]
                )
            )
        ),
        await served(
            stub.ListConversationItems(
                conversations_pb2.ListConversationItemsRequest(conversation_id=conversation_id)
            )
        ),
        await served(
            stub.CreateResponse(create("first", conversation=_conversation(conversation_id)))
        ),
        await stream(
            stub.StreamCreateResponse(create("first", conversation=_conversation(conversation_id)))
        ),
    ]
    for outcome in outcomes:
        assert (outcome.code, outcome.upstream) == (grpc.StatusCode.OK, "second")
    deleted = await served(
        stub.DeleteConversation(
            conversations_pb2.DeleteConversationRequest(conversation_id=conversation_id)
        )
    )
    assert (deleted.code, deleted.upstream) == (grpc.StatusCode.OK, "second")


def _item(data: dict[str, str]) -> object:
    from bridge import codec
    from rbridge.responses.v1 import items_pb2

    return codec.from_json(data, items_pb2.Item)


def _conversation(conversation_id: str) -> object:
    from bridge import codec

    request = codec.from_json(
        {"model": "first", "input": "x", "conversation": conversation_id},
        responses_service_pb2.CreateResponseRequest,
    )
    return request.conversation


async def test_a_missing_record_is_found_by_asking_every_upstream(
    simulators: StartSimulator, routed: StartRouted, log_output: io.StringIO
) -> None:
    """A bridge that never saw a response (another replica without shared records, a
    restart) asks every upstream for it, once: the one that answers 200 serves the call and
    every later one; an upstream that opted out of lookups is never asked."""
    first, second, private = await simulators(), await simulators(), await simulators()
    routes = two_upstreams(first, second).replace(
        "upstreams:\n",
        f'upstreams:\n  private: {{base_url: "{private.url}", lookup: false}}\n',
        1,
    )
    maker = await routed(routes)
    other = await routed(routes)
    created = await served(maker.stub.CreateResponse(create("second")))
    assert created.upstream == "second"
    for _ in range(2):
        found = await served(other.stub.GetResponse(Get(response_id=created.response.id)))
        assert (found.code, found.upstream) == (grpc.StatusCode.OK, "second")
    lookups = [line for line in log_lines(log_output) if line["event"] == "affinity_lookup"]
    assert len(lookups) == 1
    assert lookups[0]["found"] == "second"
    assert set(lookups[0]["asked"]) == {"first", "second"}
    assert lookups[0]["asked"]["first"] == "HTTP 404"
    continued = await served(
        other.stub.CreateResponse(create("first", previous_response_id=created.response.id))
    )
    assert (continued.code, continued.upstream) == (grpc.StatusCode.OK, "second")


async def test_an_id_no_upstream_has_goes_to_the_default_or_the_models_route(
    simulators: StartSimulator, routed: StartRouted, log_output: io.StringIO
) -> None:
    """When no upstream has the id, a call on it goes to the default upstream, which answers
    for itself (NOT_FOUND); a create continuing it follows its model's route, unbound."""
    first, second = await simulators(), await simulators()
    bridge = await routed(two_upstreams(first, second))
    missing = await served(bridge.stub.GetResponse(Get(response_id="resp_nowhere")))
    assert (missing.code, missing.upstream) == (grpc.StatusCode.NOT_FOUND, "first")
    create_call = await served(
        bridge.stub.CreateResponse(create("second", previous_response_id="resp_nowhere"))
    )
    # Whatever the provider makes of an id it does not know is its answer to give.
    assert create_call.upstream == "second"
    (lookup, _) = [line for line in log_lines(log_output) if line["event"] == "affinity_lookup"]
    assert lookup["found"] is None


async def test_records_in_redis_route_calls_across_two_bridge_processes(
    simulators: StartSimulator, redis_url: str, tmp_path: Path
) -> None:
    """Two `bridge serve` processes share records through Redis: a response created
    through one is served by its upstream through the other, with lookups turned off, so
    only the shared record can say where it is."""
    first, second = await simulators(), await simulators(token_delay=0.01)
    path = tmp_path / "routes.yaml"
    path.write_text(
        two_upstreams(first, second, extra=f'affinity: {{redis: {{url: "{redis_url}"}}}}').replace(
            "pickable: true", "pickable: true, lookup: false"
        ),
        encoding="utf-8",
    )
    env = {"BRIDGE_ROUTES_FILE": str(path), "BRIDGE_LOG_LEVEL": "info"}
    async with (
        bridge_process("http://127.0.0.1:9/v1", env) as one,
        bridge_process("http://127.0.0.1:9/v1", env) as two,
    ):
        async with (
            grpc.aio.insecure_channel(f"127.0.0.1:{one.port}") as channel_one,
            grpc.aio.insecure_channel(f"127.0.0.1:{two.port}") as channel_two,
        ):
            stub_one = responses_service_pb2_grpc.ResponsesServiceStub(channel_one)
            stub_two = responses_service_pb2_grpc.ResponsesServiceStub(channel_two)
            unary = await served(stub_one.CreateResponse(create("second")))
            streamed = await stream(stub_one.StreamCreateResponse(create("second")))
            for created in (unary, streamed):
                assert created.upstream == "second"
                found = await served(stub_two.GetResponse(Get(response_id=created.response.id)))
                assert (found.code, found.upstream) == (grpc.StatusCode.OK, "second")
            conversation = await served(
                stub_one.CreateConversation(
                    conversations_pb2.CreateConversationRequest(),
                    metadata=((PICK_KEY, "second"),),
                )
            )
            read = await served(
                stub_two.GetConversation(
                    conversations_pb2.GetConversationRequest(conversation_id=conversation.reply.id)
                )
            )
            assert (read.code, read.upstream) == (grpc.StatusCode.OK, "second")
        await asyncio.sleep(0.05)
        assert not [line for line in two.lines if line.get("event") == "affinity_lookup"]
