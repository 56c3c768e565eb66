"""Response affinity in a real Redis server (Debian's redis-server): records shared by
replicas, with a TTL, and a Redis that fails making records missing, never calls fail."""

from __future__ import annotations

import io
import time

import pytest
import redis.asyncio

from bridge.routing.affinity import Key
from bridge.routing.redis_affinity import RedisAffinity
from bridge.routing.routes_file import RedisSpec
from tests.routing.conftest import free_port
from tests.support import log_lines


async def test_records_are_shared_with_a_ttl_under_the_prefix(redis_url: str) -> None:
    """What one store writes another reads; keys carry the prefix and expire."""
    spec = RedisSpec(url=redis_url, key_prefix="test-shared:")
    first, second = RedisAffinity(spec, ttl=120), RedisAffinity(spec, ttl=120)
    try:
        await first.put(Key("response", "resp_shared"), "modelverse")
        assert await second.get(Key("response", "resp_shared")) == "modelverse"
        assert await second.get(Key("conversation", "resp_shared")) is None
        raw = redis.asyncio.Redis.from_url(redis_url, decode_responses=True)
        try:
            assert await raw.get("test-shared:response:resp_shared") == "modelverse"
            assert 0 < await raw.ttl("test-shared:response:resp_shared") <= 120
        finally:
            await raw.aclose()
        await second.forget(Key("response", "resp_shared"))
        assert await first.get(Key("response", "resp_shared")) is None
    finally:
        await first.aclose()
        await second.aclose()


async def test_a_redis_that_cannot_be_reached_answers_not_recorded_and_says_so_once(
    log_output: io.StringIO,
) -> None:
    """Commands to a Redis nobody serves return within the timeout as if nothing were
    recorded; the first failure is logged, not every one."""
    store = RedisAffinity(
        RedisSpec(url=f"redis://127.0.0.1:{free_port()}/0", timeout_seconds=0.2), ttl=60
    )
    try:
        started = time.monotonic()
        assert await store.get(Key("response", "resp_1")) is None
        await store.put(Key("response", "resp_1"), "openai")
        await store.forget(Key("response", "resp_1"))
        assert time.monotonic() - started < 3
    finally:
        await store.aclose()
    failures = [line for line in log_lines(log_output) if line["event"] == "affinity_redis_failed"]
    assert len(failures) == 1
    assert failures[0]["command"] == "GET"


def test_without_the_redis_package_the_store_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A missing optional dependency is a configuration error naming the extra."""
    import sys

    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    with pytest.raises(ValueError, match=r"responses-bridge\[redis\]"):
        RedisAffinity(RedisSpec(url="redis://127.0.0.1:1/0"), ttl=60)
