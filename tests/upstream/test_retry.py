"""RetryPolicy, RetryBudget and parse_retry_after: which calls are retried, how often,
and how long to wait first."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from email.utils import formatdate
from typing import Any

import grpc
import grpc.aio
import pytest

from bridge.upstream.retry import RETRYABLE_STATUSES, RetryBudget, RetryPolicy, parse_retry_after
from rbridge.responses.v1 import responses_service_pb2
from tests.conftest import Script

# google.protobuf.Duration (RetryInfo.retry_delay) holds at most 10,000 years.
DURATION_MAX_SECONDS = 315_576_000_000
NOW = 1_700_000_000.0  # a fixed clock for HTTP dates


@pytest.mark.parametrize(
    ("max_retries", "allowed"),
    [(0, []), (1, [0]), (2, [0, 1]), (5, [0, 1, 2, 3, 4])],
)
def test_allows_exactly_max_retries(max_retries: int, allowed: list[int]) -> None:
    """Retry number n (from 0) is allowed while n < max_retries."""
    policy = RetryPolicy(max_retries=max_retries)
    assert [attempt for attempt in range(10) if policy.allows(attempt)] == allowed


@pytest.mark.parametrize(
    ("status", "error_code", "retryable"),
    [
        (408, None, True),
        (409, None, True),
        (429, None, True),
        (429, "rate_limit_exceeded", True),
        (429, "insufficient_quota", False),
        (500, None, True),
        (500, "server_error", True),
        (502, None, True),
        (503, None, True),
        (504, None, True),
        (503, "insufficient_quota", False),
        (200, None, False),
        (400, None, False),
        (401, None, False),
        (403, None, False),
        (404, None, False),
        (422, None, False),
        (501, None, False),
        (505, None, False),
    ],
)
def test_retryable_status(status: int, error_code: str | None, retryable: bool) -> None:
    """Only 408, 409, 429 and 5xx gateway/server statuses are retried, never insufficient_quota."""
    assert RetryPolicy.retryable_status(status, error_code) is retryable


def test_retryable_statuses_are_the_documented_ones() -> None:
    """The retryable set is the one bridge/upstream/retry.py documents."""
    assert frozenset({408, 409, 429, 500, 502, 503, 504}) == RETRYABLE_STATUSES


@pytest.mark.parametrize("seed", [0, 1, 7, 42])
@pytest.mark.parametrize("attempt", [0, 1, 2, 3, 4, 10])
def test_delay_is_seeded_exponential_backoff_with_jitter(seed: int, attempt: int) -> None:
    """Without Retry-After the wait is min(max, initial * 2^n) times a seeded jitter factor."""
    policy = RetryPolicy(initial_backoff=0.5, max_backoff=8.0, multiplier=2.0, jitter=0.25)
    base = min(8.0, 0.5 * 2.0**attempt)
    factor = 1.0 + random.Random(seed).uniform(-0.25, 0.25)
    delay = policy.delay(attempt, rng=random.Random(seed))
    assert delay == pytest.approx(base * factor)
    assert base * 0.75 <= delay <= base * 1.25


def test_delay_is_reproducible_from_a_seed() -> None:
    """The same seed gives the same sequence of waits; another seed another sequence."""
    policy = RetryPolicy()

    def waits(seed: int) -> list[float]:
        rng = random.Random(seed)
        return [policy.delay(attempt, rng=rng) for attempt in range(6)]

    assert waits(3) == waits(3)
    assert waits(3) != waits(4)


@pytest.mark.parametrize(
    ("attempt", "expected"),
    [(0, 0.5), (1, 1.0), (2, 2.0), (3, 4.0), (4, 8.0), (5, 8.0), (30, 8.0)],
)
def test_delay_without_jitter_doubles_up_to_the_cap(attempt: int, expected: float) -> None:
    """With no jitter the waits are 0.5, 1, 2, 4, 8 s, then stay at max_backoff."""
    assert RetryPolicy(jitter=0.0).delay(attempt, rng=random.Random(0)) == expected


def test_delay_is_never_negative() -> None:
    """A jitter wider than the wait itself still gives no negative wait."""
    policy = RetryPolicy(jitter=3.0)
    rng = random.Random(11)
    assert min(policy.delay(attempt % 4, rng=rng) for attempt in range(200)) >= 0.0


@pytest.mark.parametrize(
    ("retry_after", "expected"), [(0.0, 0.0), (0.01, 0.01), (1.0, 1.0), (30.0, 30.0), (-2.0, 0.0)]
)
def test_retry_after_wins_over_backoff(retry_after: float, expected: float) -> None:
    """A Retry-After replaces the backoff and its jitter (a negative one waits nothing)."""
    policy = RetryPolicy()
    for attempt in range(4):
        assert policy.delay(attempt, retry_after, rng=random.Random(attempt)) == expected


@pytest.mark.parametrize(
    ("retry_after", "retry_after_ms", "expected"),
    [
        (None, None, None),
        ("", None, None),
        ("   ", None, None),
        ("0", None, 0.0),
        ("1", None, 1.0),
        ("120", None, 120.0),
        (" 2 ", None, 2.0),
        ("1.5", None, 1.5),
        ("-3", None, 0.0),
        ("garbage", None, None),
        ("1 second", None, None),
        (None, "10", 0.01),
        (None, "1500", 1.5),
        (None, "2.5", 0.0025),
        (None, "-10", 0.0),
        ("7", "250", 0.25),
        ("7", "garbage", 7.0),
        ("7", "", 7.0),
        (None, "garbage", None),
    ],
)
def test_parse_retry_after(
    retry_after: str | None, retry_after_ms: str | None, expected: float | None
) -> None:
    """Delta seconds, retry-after-ms (which wins), negatives as 0, garbage as None."""
    result = parse_retry_after(retry_after, retry_after_ms, now=NOW)
    if expected is None:
        assert result is None
    else:
        assert result == pytest.approx(expected)


@pytest.mark.parametrize(("offset", "expected"), [(30, 30.0), (1, 1.0), (0, 0.0), (-60, 0.0)])
def test_parse_retry_after_http_date(offset: int, expected: float) -> None:
    """An HTTP date gives the seconds until it, and a date in the past gives 0."""
    date = formatdate(NOW + offset, usegmt=True)
    assert parse_retry_after(date, now=NOW) == pytest.approx(expected)


def test_parse_retry_after_http_date_uses_the_clock() -> None:
    """Without `now`, an HTTP date is measured from the real clock."""
    result = parse_retry_after(formatdate(time.time() + 600, usegmt=True))
    assert result is not None
    assert 590 <= result <= 600


def test_parse_retry_after_rejects_an_invalid_date() -> None:
    """A date-like string that is not a valid HTTP date is garbage."""
    assert parse_retry_after("Mon, 99 Foo 2024 99:99:99 GMT", now=NOW) is None


@pytest.mark.parametrize(
    ("retry_after", "retry_after_ms", "expected"),
    [
        ("inf", None, None),
        ("-inf", None, None),
        ("1e309", None, None),
        ("nan", None, None),
        (None, "inf", None),
        (None, "nan", None),
        ("5", "nan", 5.0),
        ("5", "inf", 5.0),
    ],
)
def test_parse_retry_after_rejects_non_finite_values(
    retry_after: str | None, retry_after_ms: str | None, expected: float | None
) -> None:
    """Infinities and NaN are garbage: ignored, falling back to the other header."""
    assert parse_retry_after(retry_after, retry_after_ms, now=NOW) == expected


@pytest.mark.parametrize(("retry_after", "retry_after_ms"), [("1e20", None), (None, "1e25")])
def test_parse_retry_after_fits_a_duration(
    retry_after: str | None, retry_after_ms: str | None
) -> None:
    """Whatever the header says, the wait fits a google.protobuf.Duration."""
    result = parse_retry_after(retry_after, retry_after_ms, now=NOW)
    assert result is None or (math.isfinite(result) and 0 <= result <= DURATION_MAX_SECONDS)


class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_retry_budget_allows_a_share_of_the_calls() -> None:
    """Over a window, retries are at most the budget's share of the calls."""
    clock = _Clock()
    budget = RetryBudget(ratio=0.2, window=10, min_retries=0, clock=clock)
    for _ in range(50):
        budget.call()
    allowed = sum(budget.try_retry() for _ in range(50))
    assert allowed == 10


def test_retry_budget_always_allows_a_few() -> None:
    """A quiet bridge may still retry its first failures."""
    budget = RetryBudget(ratio=0.2, min_retries=3, clock=_Clock())
    budget.call()
    assert [budget.try_retry() for _ in range(4)] == [True, True, True, False]


def test_retry_budget_forgets_what_left_the_window() -> None:
    """Calls and retries older than the window no longer count."""
    clock = _Clock()
    budget = RetryBudget(ratio=0.2, window=10, min_retries=0, clock=clock)
    for _ in range(10):
        budget.call()
    assert budget.try_retry() and budget.try_retry() and not budget.try_retry()
    clock.now += 11
    assert not budget.try_retry()  # no calls in the window any more
    for _ in range(5):
        budget.call()
    assert budget.try_retry() and not budget.try_retry()


async def test_an_outage_is_not_multiplied_by_retries(
    scripted: tuple[str, Script], bridge_for: Callable[..., Any]
) -> None:
    """Against an upstream failing every call, retries stay within the budget: 20 calls with
    two retries each send 1.2 times as many requests, not three times."""
    url, script = scripted
    script.status = 503
    # A millisecond's Retry-After: the test waits on nothing but the budget.
    script.headers = {"content-type": "application/json", "retry-after-ms": "1"}
    script.chunks = [b'{"error": {"message": "overloaded"}}']
    stub = await bridge_for(url, max_retries=2, retry_budget_percent=20.0)
    request = responses_service_pb2.CreateResponseRequest(model="m", input={"text": "x"})
    for _ in range(20):
        with pytest.raises(grpc.aio.AioRpcError) as failure:
            await stub.CreateResponse(request, timeout=30)
        assert failure.value.code() == grpc.StatusCode.UNAVAILABLE
    assert 20 < len(script.requests) <= 20 + 4
