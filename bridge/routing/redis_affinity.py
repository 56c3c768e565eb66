"""Response affinity shared by replicas, in Redis.

Each record is one key, `<prefix><kind>:<id>` -> upstream name, written with
the TTL of the routes file (`SET ... EX`). Redis is an optimisation here, not
a dependency of serving: a command that fails or takes longer than
`timeout_seconds` answers "not recorded", and the call goes on to the lookup
(every upstream asked for the id) as it would on a replica without Redis. The
first failure after a success is logged, and the first success after a failure.

The `redis` package is optional (`pip install 'responses-bridge[redis]'`);
`RedisAffinity` raises `ValueError` at construction when it is missing.
"""

from __future__ import annotations

import asyncio
from typing import Any

import structlog

from bridge.routing.affinity import Key
from bridge.routing.routes_file import RedisSpec

__all__ = ["RedisAffinity"]

log = structlog.get_logger("bridge.routing")


class RedisAffinity:
    """Records in a Redis server.

    Usage::

        store = RedisAffinity(RedisSpec(url="redis://127.0.0.1:6379/0"), ttl=86400)
        await store.put(Key("response", "resp_1"), "openai")
        await store.aclose()

    Raises (at construction):
        ValueError: the redis package is not installed.
    """

    def __init__(self, spec: RedisSpec, ttl: float) -> None:
        try:
            import redis.asyncio
        except ImportError:
            raise ValueError(
                "affinity.redis needs the redis package: pip install 'responses-bridge[redis]'"
            ) from None
        self._spec = spec
        self._ttl = max(1, round(ttl))
        self._client: Any = redis.asyncio.Redis.from_url(
            spec.url,
            socket_timeout=spec.timeout_seconds,
            socket_connect_timeout=spec.timeout_seconds,
            decode_responses=True,
        )
        self._healthy = True

    def _key(self, key: Key) -> str:
        return f"{self._spec.key_prefix}{key.kind}:{key.id}"

    async def _run(self, what: str, command: Any) -> Any:
        try:
            async with asyncio.timeout(self._spec.timeout_seconds):
                result = await command
        except (TimeoutError, OSError, ValueError) as exc:
            self._failed(what, exc)
            return None
        except Exception as exc:  # redis.exceptions.RedisError and its kin
            self._failed(what, exc)
            return None
        if not self._healthy:
            self._healthy = True
            log.info("affinity_redis_back")
        return result

    def _failed(self, what: str, exc: BaseException) -> None:
        if self._healthy:
            self._healthy = False
            log.warning(
                "affinity_redis_failed",
                command=what,
                error=f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__,
                effect="ids not recorded in memory are looked up on the upstreams",
            )

    async def get(self, key: Key) -> str | None:
        found = await self._run("GET", self._client.get(self._key(key)))
        return found if isinstance(found, str) and found else None

    async def put(self, key: Key, upstream: str) -> None:
        await self._run("SET", self._client.set(self._key(key), upstream, ex=self._ttl))

    async def forget(self, key: Key) -> None:
        await self._run("DEL", self._client.delete(self._key(key)))

    async def aclose(self) -> None:
        await self._client.aclose()
