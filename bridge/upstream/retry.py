"""When to retry an upstream call, and how long to wait first.

Pure. A call is retried only before anything has been sent to the gRPC
client: on connection failures and on HTTP 408, 409, 429, 500, 502, 503 and
504, but never on quota exhaustion (`insufficient_quota` arrives as a 429 and
waiting does not fix it). Waits grow exponentially with jitter, and honour
Retry-After (seconds or an HTTP date) and retry-after-ms when the upstream
sends them.

Retries are budgeted, as gRPC's retry throttling and Envoy's retry budgets
do: over a sliding window, retries may be at most a share of the calls made
(20% by default, and always a few), so that when an upstream fails for
everyone, the bridges in front of it do not multiply its load.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime

__all__ = [
    "RETRYABLE_STATUSES",
    "AttemptBudget",
    "RetryBudget",
    "RetryPolicy",
    "parse_retry_after",
]

RETRYABLE_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
# Longer waits are no hint a client can act on, and RetryInfo's Duration
# holds at most 10,000 years: a day bounds both.
MAX_RETRY_AFTER = 86_400.0
_NEVER_RETRY_CODES = frozenset({"insufficient_quota"})


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter, bounded by a number of retries.

    Usage::

        policy = RetryPolicy(max_retries=2)
        if policy.retryable_status(429, "rate_limit_exceeded") and policy.allows(attempt):
            await asyncio.sleep(policy.delay(attempt, retry_after))
    """

    max_retries: int = 2
    initial_backoff: float = 0.5
    max_backoff: float = 8.0
    multiplier: float = 2.0
    jitter: float = 0.25

    def allows(self, attempt: int) -> bool:
        """Whether retry number `attempt` (0 for the first retry) is allowed."""
        return attempt < self.max_retries

    @staticmethod
    def retryable_status(status: int, error_code: str | None = None) -> bool:
        """Whether an HTTP status (with the body's error code) is worth retrying."""
        return status in RETRYABLE_STATUSES and error_code not in _NEVER_RETRY_CODES

    def delay(
        self,
        attempt: int,
        retry_after: float | None = None,
        rng: random.Random | None = None,
    ) -> float:
        """Seconds to wait before retry number `attempt`; Retry-After wins when given."""
        if retry_after is not None:
            return max(0.0, retry_after)
        base = min(self.max_backoff, self.initial_backoff * self.multiplier**attempt)
        spread = (rng or random).uniform(-self.jitter, self.jitter)
        return max(0.0, base * (1.0 + spread))


class AttemptBudget:
    """The HTTP attempts one logical call may still make, whatever upstream makes them.

    A call routed over several upstreams shares one budget between every
    upstream's first attempt and retries, so a route of three upstreams with
    two retries each does not become nine requests.

    Usage::

        attempts = AttemptBudget(4)
        if attempts.take():           # before each attempt, the first included
            ...
    """

    __slots__ = ("left", "limit")

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit

    def take(self) -> bool:
        """Whether one more attempt fits; counts it when it does."""
        if self.left <= 0:
            return False
        self.left -= 1
        return True


class RetryBudget:
    """Retries at most `ratio` of the calls over the last `window` seconds.

    `min_retries` retries are always allowed per window, so a quiet bridge can
    still retry its rare failures. Calls and retries are counted in one-second
    buckets.

    Usage::

        budget = RetryBudget(ratio=0.2)
        budget.call()                 # once per logical call
        if budget.try_retry():        # before each retry
            ...
    """

    __slots__ = ("_buckets", "_clock", "_window", "min_retries", "ratio")

    def __init__(
        self,
        ratio: float = 0.2,
        window: float = 10.0,
        min_retries: int = 3,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ratio = ratio
        self.min_retries = min_retries
        self._window = max(1, int(window))
        self._clock = clock
        # second -> [calls, retries]
        self._buckets: dict[int, list[int]] = {}

    def _bucket(self) -> list[int]:
        now = int(self._clock())
        bucket = self._buckets.get(now)
        if bucket is None:
            oldest = now - self._window
            for second in [s for s in self._buckets if s <= oldest]:
                del self._buckets[second]
            bucket = self._buckets[now] = [0, 0]
        return bucket

    def call(self) -> None:
        """Count one logical call."""
        self._bucket()[0] += 1

    def try_retry(self) -> bool:
        """Whether one more retry fits the budget; counts it when it does."""
        bucket = self._bucket()
        calls = sum(b[0] for b in self._buckets.values())
        retries = sum(b[1] for b in self._buckets.values())
        if retries >= max(self.min_retries, self.ratio * calls):
            return False
        bucket[1] += 1
        return True


def parse_retry_after(
    retry_after: str | None, retry_after_ms: str | None = None, now: float | None = None
) -> float | None:
    """Seconds from `Retry-After` (delta seconds or HTTP date) or `retry-after-ms`."""
    if retry_after_ms:
        seconds = _seconds(retry_after_ms, 0.001)
        if seconds is not None:
            return seconds
    if not retry_after:
        return None
    value = retry_after.strip()
    seconds = _seconds(value)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if now is None:
        import time

        now = time.time()
    return min(max(0.0, when.timestamp() - now), MAX_RETRY_AFTER)


def _seconds(text: str, unit: float = 1.0) -> float | None:
    """A finite number of `unit`s in seconds, within 0..MAX_RETRY_AFTER; else None."""
    try:
        value = float(text) * unit
    except ValueError:
        return None
    if not math.isfinite(value):
        return None
    return min(max(0.0, value), MAX_RETRY_AFTER)
