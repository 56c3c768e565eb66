"""Where each response and conversation lives: the upstream that created it.

A response created through upstream X exists only at X, so every later call
naming it (retrieve, resume, delete, cancel, input items, compaction, a create
with `previous_response_id`), and every call naming a conversation, goes to X.
`affinity_key` says which id a call names (pure, from the contract's path
fields and the body's keys); an `AffinityStore` remembers id -> upstream:
`MemoryAffinity` in the process (bounded, least recently used first out, with
a TTL), `bridge.routing.redis_affinity.RedisAffinity` shared by replicas, and
`Layered` the two together (memory first). Ids are never rewritten: they stay
the provider's own, so the bridge stays lossless.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = [
    "AffinityStore",
    "Key",
    "Layered",
    "MemoryAffinity",
    "affinity_key",
]

# The request fields that name a stored object, by kind: path fields of the
# contract's upstream routes, and a create request's keys.
_PATH_FIELDS = {"response_id": "response", "conversation_id": "conversation"}


@dataclass(frozen=True, slots=True)
class Key:
    """A stored object a call names: its kind ("response" or "conversation") and id."""

    kind: str
    id: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.id}"


def affinity_key(path_values: Mapping[str, str], body: Mapping[str, Any] | None) -> Key | None:
    """The stored object a call acts on, if any: the response or conversation its path
    names, else the `previous_response_id` or `conversation` of its body."""
    for name, kind in _PATH_FIELDS.items():
        value = path_values.get(name)
        if value:
            return Key(kind, value)
    if not body:
        return None
    previous = body.get("previous_response_id")
    if isinstance(previous, str) and previous:
        return Key("response", previous)
    conversation = body.get("conversation")
    if isinstance(conversation, dict):
        conversation = conversation.get("id")
    if isinstance(conversation, str) and conversation:
        return Key("conversation", conversation)
    return None


class AffinityStore(Protocol):
    """Remembers which upstream holds each stored object."""

    async def get(self, key: Key) -> str | None:
        """The upstream that holds `key`, if recorded (None also when the store cannot say)."""
        ...

    async def put(self, key: Key, upstream: str) -> None:
        """Record that `upstream` holds `key`."""
        ...

    async def forget(self, key: Key) -> None:
        """`key` was deleted."""
        ...

    async def aclose(self) -> None:
        """Release connections."""
        ...


class MemoryAffinity:
    """Records in this process: at most `max_entries` (the least recently used leave
    first), each for `ttl` seconds.

    Usage::

        store = MemoryAffinity(max_entries=100_000, ttl=30 * 86400)
        await store.put(Key("response", "resp_1"), "openai")
    """

    def __init__(
        self, max_entries: int, ttl: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_entries = max_entries
        self.ttl = ttl
        self._clock = clock
        self._records: OrderedDict[Key, tuple[str, float]] = OrderedDict()

    def __len__(self) -> int:
        return len(self._records)

    def lookup(self, key: Key) -> str | None:
        """`get`, without awaiting."""
        found = self._records.get(key)
        if found is None:
            return None
        upstream, expires = found
        if self._clock() >= expires:
            del self._records[key]
            return None
        self._records.move_to_end(key)
        return upstream

    def record(self, key: Key, upstream: str) -> None:
        """`put`, without awaiting."""
        self._records[key] = (upstream, self._clock() + self.ttl)
        self._records.move_to_end(key)
        while len(self._records) > self.max_entries:
            self._records.popitem(last=False)

    async def get(self, key: Key) -> str | None:
        return self.lookup(key)

    async def put(self, key: Key, upstream: str) -> None:
        self.record(key, upstream)

    async def forget(self, key: Key) -> None:
        self._records.pop(key, None)

    async def aclose(self) -> None:
        self._records.clear()


class Layered:
    """A memory store in front of a shared one: reads try memory first and keep what
    the shared store knew; writes go to both."""

    def __init__(self, memory: MemoryAffinity, shared: AffinityStore) -> None:
        self.memory = memory
        self.shared = shared

    async def get(self, key: Key) -> str | None:
        found = self.memory.lookup(key)
        if found is None:
            found = await self.shared.get(key)
            if found is not None:
                self.memory.record(key, found)
        return found

    async def put(self, key: Key, upstream: str) -> None:
        self.memory.record(key, upstream)
        await self.shared.put(key, upstream)

    async def forget(self, key: Key) -> None:
        await self.memory.forget(key)
        await self.shared.forget(key)

    async def aclose(self) -> None:
        await self.memory.aclose()
        await self.shared.aclose()
