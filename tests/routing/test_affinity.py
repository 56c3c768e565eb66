"""Which stored object a call names, and the in-process record of where each one lives."""

from __future__ import annotations

from typing import Any

import pytest

from bridge.routes import ROUTES
from bridge.routing.affinity import Key, Layered, MemoryAffinity, affinity_key
from tests.routing.helpers import Clock


@pytest.mark.parametrize(
    ("rpc", "fields", "body", "key"),
    [
        ("GetResponse", {"response_id": "resp_1"}, None, Key("response", "resp_1")),
        ("StreamGetResponse", {"response_id": "resp_1"}, None, Key("response", "resp_1")),
        ("DeleteResponse", {"response_id": "resp_1"}, None, Key("response", "resp_1")),
        ("CancelResponse", {"response_id": "resp_1"}, None, Key("response", "resp_1")),
        ("ListInputItems", {"response_id": "resp_1"}, None, Key("response", "resp_1")),
        (
            "CompactResponse",
            {},
            {"model": "m", "previous_response_id": "resp_1"},
            Key("response", "resp_1"),
        ),
        (
            "CreateResponse",
            {},
            {"model": "m", "previous_response_id": "resp_1"},
            Key("response", "resp_1"),
        ),
        (
            "CreateResponse",
            {},
            {"model": "m", "conversation": "conv_1"},
            Key("conversation", "conv_1"),
        ),
        (
            "CreateResponse",
            {},
            {"model": "m", "conversation": {"id": "conv_1"}},
            Key("conversation", "conv_1"),
        ),
        ("GetConversation", {"conversation_id": "conv_1"}, None, Key("conversation", "conv_1")),
        (
            "DeleteConversationItem",
            {"conversation_id": "conv_1", "item_id": "msg_1"},
            None,
            Key("conversation", "conv_1"),
        ),
        ("CreateResponse", {}, {"model": "m", "input": "hi"}, None),
        ("CreateConversation", {}, {"metadata": {}}, None),
    ],
)
def test_a_call_names_the_object_its_path_or_body_names(
    rpc: str, fields: dict[str, str], body: dict[str, Any] | None, key: Key | None
) -> None:
    """The key is the response or conversation of the path, else the body's
    previous_response_id or conversation (an id or an object with one)."""
    route = ROUTES[rpc]
    assert set(fields) == set(route.path_fields)
    assert affinity_key(fields, body) == key


def test_every_rpc_on_a_stored_response_or_conversation_names_it() -> None:
    """Each RPC whose path holds a response or conversation id has a key: none is missed
    when the contract grows."""
    for rpc, route in ROUTES.items():
        ids = {name: "x_1" for name in route.path_fields}
        if {"response_id", "conversation_id"} & set(route.path_fields):
            assert affinity_key(ids, None) is not None, rpc


async def test_records_expire_and_the_least_recently_used_leave_first() -> None:
    """A record lives `ttl` seconds; past `max_entries`, the one used longest ago goes."""
    clock = Clock()
    store = MemoryAffinity(max_entries=2, ttl=10, clock=clock)
    await store.put(Key("response", "a"), "x")
    await store.put(Key("response", "b"), "y")
    assert await store.get(Key("response", "a")) == "x"
    await store.put(Key("response", "c"), "z")
    assert await store.get(Key("response", "b")) is None
    assert len(store) == 2
    clock.now += 10
    assert await store.get(Key("response", "a")) is None
    await store.put(Key("conversation", "a"), "w")
    await store.forget(Key("conversation", "a"))
    assert await store.get(Key("conversation", "a")) is None


async def test_a_layered_store_reads_memory_first_and_keeps_what_the_shared_one_knew() -> None:
    """Writes reach both stores; a read missing in memory asks the shared store and keeps
    its answer in memory."""
    memory = MemoryAffinity(10, 60)
    shared = MemoryAffinity(10, 60)
    layered = Layered(memory, shared)
    await layered.put(Key("response", "a"), "x")
    assert memory.lookup(Key("response", "a")) == shared.lookup(Key("response", "a")) == "x"
    shared.record(Key("response", "b"), "y")
    assert await layered.get(Key("response", "b")) == "y"
    assert memory.lookup(Key("response", "b")) == "y"
    await layered.forget(Key("response", "b"))
    assert await layered.get(Key("response", "b")) is None
    await layered.aclose()
    assert len(memory) == len(shared) == 0
