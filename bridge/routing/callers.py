"""Per-caller limits: calls in flight and calls per second, so no caller starves the rest.

Pure (the clock is given). A caller is the name its bearer token has in the
tokens file, else its peer's address (without the port: one service's
connections share a limit). Each caller has the limits of its entry under
`limits.callers` in the routes file, else `limits.default`:

- `concurrent`: calls in flight at once; a call holds its place until it ends.
- `per_second` and `burst`: a token bucket, refilled at `per_second` and
  holding at most `burst` (default: `per_second`, at least 1), one token a call.

A call over either limit is refused (`Refusal`), with how long to wait where
waiting helps. At most `max_callers` idle callers are remembered; the longest
idle are forgotten first (a forgotten caller starts with a full bucket).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import grpc

from bridge.errors import UpstreamError
from bridge.routing.routes_file import CallerLimit, LimitsSpec

__all__ = ["CallerLimits", "Refusal", "Ticket", "caller_of"]


def caller_of(name: str | None, peer: str) -> str:
    """The caller a limit applies to: its authenticated name, else its peer's address
    (gRPC's `ipv4:10.0.0.7:53412` -> `10.0.0.7`, `ipv6:[::1]:5000` -> `::1`)."""
    if name:
        return name
    kind, _, address = peer.partition(":")
    if kind in ("ipv4", "ipv6") and address:
        host, _, port = address.rpartition(":")
        if host and port.isdigit():
            return host.strip("[]")
        return address
    return peer


@dataclass(frozen=True)
class Refusal:
    """Why a call was refused.

    Attributes:
        caller: who was refused.
        limit: "concurrent" or "per_second".
        message: what a client is told.
        retry_after: seconds after which a call would be admitted (None: when one ends).
    """

    caller: str
    limit: str
    message: str
    retry_after: float | None = None

    def error(self) -> UpstreamError:
        """RESOURCE_EXHAUSTED, naming the caller (QuotaFailure) and when a call would be
        admitted (RetryInfo), where waiting helps."""
        return UpstreamError(
            code=grpc.StatusCode.RESOURCE_EXHAUSTED,
            message=self.message,
            error_code=f"caller_{self.limit}_limit",
            retry_after=self.retry_after,
            subject=f"caller:{self.caller}",
            metadata=(("caller", self.caller), ("limit", self.limit)),
        )


class _State:
    __slots__ = ("in_flight", "stamp", "tokens")

    def __init__(self, tokens: float, stamp: float) -> None:
        self.in_flight = 0
        self.tokens = tokens
        self.stamp = stamp


class Ticket:
    """A call's place in its caller's limits; `release` once when the call ends."""

    __slots__ = ("_state",)

    def __init__(self, state: _State | None) -> None:
        self._state = state

    def release(self) -> None:
        state, self._state = self._state, None
        if state is not None:
            state.in_flight -= 1


_FREE = Ticket(None)


class CallerLimits:
    """Admits or refuses each call of each caller.

    Usage::

        limits = CallerLimits(spec)
        admitted = limits.admit("billing")
        if isinstance(admitted, Refusal): ...   # refuse the call
        else: ...; admitted.release()
    """

    def __init__(
        self,
        spec: LimitsSpec,
        clock: Callable[[], float] = time.monotonic,
        max_callers: int = 10_000,
    ) -> None:
        self.spec = spec
        self._clock = clock
        self._max = max_callers
        self._states: OrderedDict[str, _State] = OrderedDict()

    def update(self, spec: LimitsSpec) -> None:
        """New limits (a reload): calls in flight keep their places; buckets shrink to
        their new size."""
        self.spec = spec
        for caller, state in self._states.items():
            state.tokens = min(state.tokens, _burst(spec.of(caller)))

    def admit(self, caller: str) -> Ticket | Refusal:
        """A ticket for one call of `caller`, or why it is refused."""
        limit = self.spec.of(caller)
        if limit.unlimited:
            return _FREE
        now = self._clock()
        state = self._states.get(caller)
        if state is None:
            state = self._states[caller] = _State(_burst(limit), now)
            self._forget_idle()
        else:
            self._states.move_to_end(caller)
        if limit.concurrent is not None and state.in_flight >= limit.concurrent:
            return Refusal(
                caller,
                "concurrent",
                f"caller {caller!r} has {state.in_flight} calls in flight, its limit "
                f"(limits: concurrent {limit.concurrent})",
            )
        if limit.per_second is not None:
            burst = _burst(limit)
            state.tokens = min(burst, state.tokens + (now - state.stamp) * limit.per_second)
            state.stamp = now
            if state.tokens < 1.0:
                wait = (1.0 - state.tokens) / limit.per_second
                return Refusal(
                    caller,
                    "per_second",
                    f"caller {caller!r} is over its rate of {limit.per_second:g} calls per "
                    f"second (limits: per_second {limit.per_second:g}, burst {burst})",
                    retry_after=wait,
                )
            state.tokens -= 1.0
        state.in_flight += 1
        return Ticket(state)

    def _forget_idle(self) -> None:
        if len(self._states) <= self._max:
            return
        for caller in list(self._states):
            if len(self._states) <= self._max:
                break
            if self._states[caller].in_flight == 0:
                del self._states[caller]


def _burst(limit: CallerLimit) -> float:
    if limit.per_second is None:
        return math.inf
    return float(limit.burst if limit.burst is not None else max(1, math.ceil(limit.per_second)))
