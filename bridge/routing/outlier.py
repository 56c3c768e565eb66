"""Outlier ejection: upstreams that keep failing are left out for a while, as Envoy does.

Pure (the clock is given). Envoy's consecutive-5xx detection, per upstream:

- Connect errors, timeouts and 5xx replies count as failures; any other reply
  (2xx, 3xx, 4xx: the upstream answered) resets the count; a cancelled call
  counts as nothing (`counts_as_failure`).
- `consecutive_failures` in a row eject the upstream for `base_seconds`
  multiplied by the number of times it has been ejected, at most
  `max_seconds`. While it stays healthy, that number drops by one every
  `interval_seconds`, so an upstream that failed long ago starts short again.
- When its ejection ends the upstream is probed: calls reach it again, and
  its first outcome decides. A success returns it to service; a failure ejects
  it again at once, for longer.
- At most `max_percent` of the upstreams are ejected at once (one always may
  be), and never the last upstream of a route that is not ejected: a route
  always has somewhere to go.

Each change of state is returned as a `Change` for the caller to log and count.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import grpc

from bridge.errors import UpstreamError
from bridge.routing.routes_file import EjectionSpec

__all__ = ["Change", "Outliers", "counts_as_failure"]

# What an attempt that produced no HTTP reply failed with: connect errors and timeouts.
_TRANSPORT_CODES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED})


def counts_as_failure(error: UpstreamError | None) -> bool:
    """Whether an attempt's outcome counts against its upstream: a 5xx reply, or no reply
    for a connect error or a timeout; a 4xx or a success does not."""
    if error is None:
        return False
    if error.http_status is not None:
        return error.http_status >= 500
    return error.code in _TRANSPORT_CODES


@dataclass(frozen=True)
class Change:
    """A change of an upstream's state.

    Attributes:
        kind: "ejected", "returned" (a probe succeeded) or "kept" (it would have been
            ejected, but a route or `max_percent` needs it).
        upstream: its name.
        seconds: how long it is ejected for ("ejected").
        ejections: how many times it has been ejected, this one included.
        failures: the consecutive failures that led here.
        why: what kept it ("kept").
    """

    kind: str
    upstream: str
    seconds: float = 0.0
    ejections: int = 0
    failures: int = 0
    why: str = ""


class _Health:
    __slots__ = ("decayed_at", "ejections", "failures", "probing", "until")

    def __init__(self, now: float) -> None:
        self.failures = 0
        self.ejections = 0
        self.until: float | None = None
        self.probing = False
        self.decayed_at = now


class Outliers:
    """The ejection state of every upstream, and the routes that need them.

    Usage::

        outliers = Outliers(EjectionSpec(), routes=[["openai", "uniapi"]])
        if outliers.admit("openai"): ...           # may a call go there now
        change = outliers.record("openai", failed=True)
    """

    def __init__(
        self,
        spec: EjectionSpec,
        routes: Iterable[Iterable[str]] = (),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.spec = spec
        self._clock = clock
        self._health: dict[str, _Health] = {}
        self._routes: list[frozenset[str]] = []
        self.set_routes(routes)

    def set_routes(self, routes: Iterable[Iterable[str]], spec: EjectionSpec | None = None) -> None:
        """The routes (sets of upstream names) a reload made; the state of every upstream
        still named is kept, the others' dropped."""
        if spec is not None:
            self.spec = spec
        self._routes = [frozenset(route) for route in routes]
        names = set().union(*self._routes) if self._routes else set()
        now = self._clock()
        self._health = {name: self._health.get(name) or _Health(now) for name in names}

    def admit(self, name: str) -> bool:
        """Whether a call may go to `name` now; one whose ejection has ended is probed."""
        health = self._health.get(name)
        if health is None or health.until is None:
            return True
        if self._clock() < health.until:
            return False
        health.until = None
        health.probing = True
        health.decayed_at = self._clock()
        return True

    def ejected(self) -> dict[str, float]:
        """The upstreams ejected now, with the seconds each has left."""
        now = self._clock()
        return {
            name: health.until - now
            for name, health in self._health.items()
            if health.until is not None and health.until > now
        }

    def record(self, name: str, *, failed: bool) -> Change | None:
        """Count one attempt's outcome at `name`; the change of state it made, if any."""
        health = self._health.get(name)
        if health is None or not self.spec.enabled:
            return None
        now = self._clock()
        if health.until is not None and now < health.until:
            # An attempt that started before the ejection: already counted.
            return None
        self._decay(health, now)
        if not failed:
            health.failures = 0
            if health.probing:
                health.probing = False
                return Change("returned", name, ejections=health.ejections)
            return None
        health.failures += 1
        if not health.probing and health.failures < self.spec.consecutive_failures:
            return None
        why = self._needed(name)
        if why:
            health.probing = False
            # Said once per run of failures; later failures try again silently.
            if health.failures == self.spec.consecutive_failures:
                return Change("kept", name, failures=health.failures, why=why)
            return None
        health.ejections += 1
        seconds = min(self.spec.base_seconds * health.ejections, self.spec.max_seconds)
        failures = health.failures
        health.until = now + seconds
        health.failures = 0
        health.probing = False
        health.decayed_at = now
        return Change("ejected", name, seconds, health.ejections, failures)

    def _decay(self, health: _Health, now: float) -> None:
        if health.ejections and health.until is None and not health.probing:
            steps = math.floor((now - health.decayed_at) / self.spec.interval_seconds)
            if steps > 0:
                health.ejections = max(0, health.ejections - steps)
                health.decayed_at += steps * self.spec.interval_seconds

    def _needed(self, name: str) -> str:
        """Why `name` may not be ejected now ("" when it may)."""
        ejected = self.ejected()
        for route in self._routes:
            if name in route and all(other in ejected for other in route - {name}):
                others = sorted(route - {name})
                return (
                    f"the last upstream of the route of {', '.join(others)} not ejected"
                    if others
                    else "the only upstream of a route"
                )
        total = len(self._health)
        if ejected and 100.0 * (len(ejected) + 1) / total > self.spec.max_percent:
            return f"{len(ejected)} of {total} upstreams are ejected (max_percent)"
        return ""
