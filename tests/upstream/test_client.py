"""The upstream client on its own, over httpx's mock transport: the request it builds, when it
retries and how long it waits, that it closes a reply before waiting, never retries once a
reply is handed over, and times out reads that stall."""

from __future__ import annotations

import asyncio
import gzip
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import grpc
import httpx
import pytest

from bridge.upstream import UpstreamCall, UpstreamClient, UpstreamFailure, UpstreamOptions
from bridge.upstream import client as client_module

BASE = "https://upstream.test/v1"
Handler = Callable[[httpx.Request], Any]


class Body(httpx.AsyncByteStream):
    """A response body from pieces and pauses, noting when it was closed."""

    def __init__(self, *pieces: bytes | float) -> None:
        self.pieces = pieces
        self.closed_at: float | None = None

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for piece in self.pieces:
            if isinstance(piece, float):
                await asyncio.sleep(piece)
            else:
                yield piece

    async def aclose(self) -> None:
        self.closed_at = time.monotonic()


def streamed(status: int, body: Any = None, headers: Any = None, raw: bytes | None = None) -> Any:
    """A response whose body streams, as a real transport's does (a mock's `json=` body
    would arrive already read)."""
    import json

    content = raw if raw is not None else json.dumps(body if body is not None else {}).encode()
    return httpx.Response(status, headers=headers, stream=Body(content))


def upstream(handler: Handler, **options: Any) -> UpstreamClient:
    settings = {"base_url": BASE, "api_key": "sk-upstream-test", "max_retries": 2, **options}
    return UpstreamClient(UpstreamOptions(**settings), transport=httpx.MockTransport(handler))


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[tuple[float, float]]:
    """The retry waits the client asked for, (when, seconds); they return at once."""
    asked: list[tuple[float, float]] = []

    async def sleep(seconds: float) -> None:
        asked.append((time.monotonic(), seconds))

    monkeypatch.setattr(client_module.asyncio, "sleep", sleep)
    return asked


async def test_a_call_carries_the_key_the_body_and_what_a_stream_accepts() -> None:
    """The request has the bearer key, the JSON body and content type, the query, the
    forwarded headers, and for a stream `accept: text/event-stream`."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"ok": True})

    client = upstream(handler)
    call = UpstreamCall(
        "POST",
        "/responses",
        body=b'{"model": "m"}',
        params={"include[]": ["a", "b"]},
        headers={"openai-beta": "x", "idempotency-key": "k1"},
        stream=True,
    )
    async with client.exchange(call) as reply:
        assert reply.status == 200
    await client.aclose()
    (request,) = seen
    assert str(request.url) == f"{BASE}/responses?include%5B%5D=a&include%5B%5D=b"
    assert request.headers["authorization"] == "Bearer sk-upstream-test"
    assert request.headers["content-type"] == "application/json"
    assert request.headers["accept"] == "text/event-stream"
    assert request.headers["openai-beta"] == "x"
    assert request.headers["accept-encoding"] == "gzip, deflate"
    assert request.content == b'{"model": "m"}'


async def test_a_callers_key_replaces_the_upstreams() -> None:
    """A call carrying the caller's own key sends that key, not the configured one."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(200, json={})

    client = upstream(handler, caller_key_header="x-upstream-api-key")
    async with client.exchange(UpstreamCall("GET", "/responses/r", api_key="sk-callers-own")):
        pass
    await client.aclose()
    assert seen == ["Bearer sk-callers-own"]


async def test_retryable_statuses_are_retried_with_retry_after(
    sleeps: list[tuple[float, float]],
) -> None:
    """A 429 with Retry-After, then a 503, then success: two retries, waiting what the
    upstream asked and then the backoff."""
    replies = iter(
        [
            streamed(429, {"error": {}}, {"retry-after": "1.5"}),
            streamed(503, {"error": {"message": "busy"}}),
            streamed(200, {"id": "resp_1"}),
        ]
    )
    client = upstream(lambda request: next(replies))
    async with client.exchange(UpstreamCall("GET", "/responses/r")) as reply:
        assert reply.status == 200
    await client.aclose()
    waits = [seconds for _, seconds in sleeps]
    assert waits[0] == 1.5
    assert 0.5 * 0.75 <= waits[1] <= 1.0 * 1.25


async def test_quota_exhaustion_and_long_waits_are_not_retried(
    sleeps: list[tuple[float, float]],
) -> None:
    """insufficient_quota, and a Retry-After longer than the longest backoff, are the
    client's to decide: handed over at once."""
    for response in (
        (429, {"error": {"code": "insufficient_quota"}}, None),
        (429, {"error": {}}, {"retry-after": "60"}),
    ):
        client = upstream(lambda request, r=response: streamed(*r))
        async with client.exchange(UpstreamCall("GET", "/responses/r")) as reply:
            assert reply.status == 429
        await client.aclose()
    assert sleeps == []


async def test_a_reply_is_closed_before_the_wait_for_its_retry(
    sleeps: list[tuple[float, float]],
) -> None:
    """The connection of a reply that will be retried is given back before the wait, not
    held through it."""
    bodies: list[Body] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = Body(b'{"error": {"message": "busy"}}')
        bodies.append(body)
        return httpx.Response(503 if len(bodies) == 1 else 200, stream=body)

    client = upstream(handler)
    async with client.exchange(UpstreamCall("GET", "/responses/r")) as reply:
        assert reply.status == 200
    await client.aclose()
    (wait_started, _), *_ = sleeps
    assert bodies[0].closed_at is not None and bodies[0].closed_at <= wait_started


async def test_connection_failures_are_retried_then_reported(
    sleeps: list[tuple[float, float]],
) -> None:
    """A connection that cannot be made is retried max_retries times, then UNAVAILABLE."""
    attempts = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        raise httpx.ConnectError("connection refused", request=request)

    client = upstream(handler, max_retries=2)
    with pytest.raises(UpstreamFailure) as failure:
        async with client.exchange(UpstreamCall("GET", "/responses/r")):
            pass
    await client.aclose()
    assert attempts == 3 and len(sleeps) == 2
    assert failure.value.error.code == grpc.StatusCode.UNAVAILABLE


async def test_nothing_is_retried_once_the_reply_is_handed_over(
    sleeps: list[tuple[float, float]],
) -> None:
    """A body that breaks after the reply was handed over fails the read, and the call is
    not sent again."""
    attempts = 0

    class Broken(Body):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield b"data: {}\n\n"
            raise httpx.ReadError("connection reset")

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        return httpx.Response(200, stream=Broken())

    client = upstream(handler)
    with pytest.raises(UpstreamFailure) as failure:
        async with client.exchange(UpstreamCall("POST", "/responses", stream=True)) as reply:
            while await reply.next_chunk():
                pass
    await client.aclose()
    assert attempts == 1 and sleeps == []
    assert failure.value.error.code == grpc.StatusCode.UNAVAILABLE


async def test_the_retry_budget_stops_retries_for_everyone() -> None:
    """With the budget spent, a failing call is handed over without retrying."""
    attempts = 0

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal attempts
        attempts += 1
        return streamed(503, {"error": {}}, {"retry-after-ms": "1"})

    client = upstream(handler, max_retries=5, retry_budget_percent=0.0)
    for _ in range(3):
        async with client.exchange(UpstreamCall("GET", "/responses/r")) as reply:
            assert reply.status == 503
    await client.aclose()
    # Three retries in all (the budget's minimum), whatever max_retries says.
    assert attempts == 3 + 3


@pytest.mark.parametrize(
    ("pieces", "evented", "what"),
    [
        ((b": ping\n\n", 0.05, b": ping\n\n", 0.05, b": ping\n\n", 0.05), False, "first event"),
        ((b"data: {}\n\n", 0.3), True, "read between events"),
    ],
    ids=["comments-before-the-first-event", "stall-after-it"],
)
async def test_a_stalled_stream_times_out(
    pieces: tuple[bytes | float, ...], evented: bool, what: str
) -> None:
    """Before its first event a stream must produce one in time, comments or not; after it,
    each read must come within the read timeout."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=Body(*pieces, 5.0, b"never"))

    client = upstream(handler, first_event_timeout=0.12, read_timeout=0.1)
    started = time.monotonic()
    with pytest.raises(UpstreamFailure) as failure:
        async with client.exchange(UpstreamCall("POST", "/responses", stream=True)) as reply:
            while chunk := await reply.next_chunk():
                if evented and chunk.startswith(b"data:"):
                    reply.saw_event()
    await client.aclose()
    assert failure.value.error.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert what in failure.value.error.message
    assert time.monotonic() - started < 2.0


async def test_a_body_over_the_limit_and_a_gzip_body_inflating_past_it_are_refused() -> None:
    """read() stops at max_body_bytes, counting what a compressed body inflates to."""
    plain = b"x" * 5000
    for headers, content in (({}, plain), ({"content-encoding": "gzip"}, gzip.compress(plain))):

        def handler(request: httpx.Request, h: Any = headers, c: bytes = content) -> Any:
            return streamed(200, headers=h, raw=c)

        client = upstream(handler, max_body_bytes=4096)
        with pytest.raises(UpstreamFailure) as failure:
            async with client.exchange(UpstreamCall("GET", "/responses/r")) as reply:
                await reply.read()
        await client.aclose()
        assert failure.value.error.code == grpc.StatusCode.RESOURCE_EXHAUSTED


async def test_reply_headers_become_clean_metadata() -> None:
    """Only the headers a client needs are forwarded, as printable ASCII; an x-request-id
    that is not is dropped, and not quoted as the request id either."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            headers=[
                (b"x-request-id", b"req-\xe9"),
                (b"x-ratelimit-remaining-requests", b"99"),
                (b"openai-processing-ms", b"12"),
                (b"set-cookie", b"a=b"),
            ],
            json={},
        )

    client = upstream(handler)
    async with client.exchange(UpstreamCall("GET", "/responses/r")) as reply:
        assert reply.request_id is None
        assert reply.metadata == (
            ("x-ratelimit-remaining-requests", "99"),
            ("openai-processing-ms", "12"),
        )
    await client.aclose()


async def test_extra_headers_are_sent_and_file_headers_follow_their_file(
    tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upstream's own headers go with every request; one kept in a file is re-read when
    the file is rotated."""
    from bridge import files
    from tests.support import rotate

    monkeypatch.setattr(files, "CHECK_INTERVAL", 0.0)
    secret = tmp_path / "tenant"
    secret.write_text("tenant-key-0001\n")
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={})

    client = upstream(
        handler, headers=(("x-team", "search"),), header_files=(("x-tenant", str(secret)),)
    )
    async with client.exchange(UpstreamCall("GET", "/responses/r")):
        pass
    rotate(secret, "tenant-key-0002\n")
    async with client.exchange(UpstreamCall("GET", "/responses/r")):
        pass
    await client.aclose()
    assert [r.headers["x-team"] for r in seen] == ["search", "search"]
    assert [r.headers["x-tenant"] for r in seen] == ["tenant-key-0001", "tenant-key-0002"]


async def test_retries_take_from_the_calls_attempt_budget(
    sleeps: list[tuple[float, float]],
) -> None:
    """With an attempt budget, each retry takes one attempt from it: an empty budget stops
    retries the policy would allow, and the reply of the last attempt is handed over."""
    from bridge.upstream import AttemptBudget

    statuses: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        statuses.append(503)
        return streamed(503, {"error": {"message": "busy"}})

    client = upstream(handler, max_retries=5)
    attempts = AttemptBudget(3)
    assert attempts.take()  # the caller's first attempt
    async with client.exchange(UpstreamCall("GET", "/responses/r"), attempts) as reply:
        assert reply.status == 503
    await client.aclose()
    assert len(statuses) == 3
    assert attempts.left == 0 and not attempts.take()
