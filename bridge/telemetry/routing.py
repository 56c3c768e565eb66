"""Metrics of routing over several upstreams (a routes file): attempts, ejections, refusals.

Instruments (every one labelled `bridge.upstream` but the refusals):

- `bridge.upstream.attempts` (counter): attempts at each upstream, by
  `bridge.upstream.outcome`: "ok", the HTTP status, or the gRPC code of a
  failure without a reply ("unavailable", "deadline_exceeded").
- `bridge.upstream.ejected` (gauge, observed at each export): 1 while an
  upstream is ejected, else 0.
- `bridge.upstream.ejections` (counter): ejections, by upstream.
- `bridge.caller.refusals` (counter): calls refused by a caller's limits, by
  `bridge.caller.limit` ("concurrent", "per_second"); which caller, the log says.

Created only when a routes file is in use: a bridge without one exports
exactly what it always did.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from opentelemetry.metrics import CallbackOptions, Meter, Observation

from bridge.telemetry.attributes import UPSTREAM

__all__ = ["OUTCOME", "RoutingMetrics"]

OUTCOME = "bridge.upstream.outcome"
_LIMIT = "bridge.caller.limit"


class RoutingMetrics:
    """Implements the router's events (`bridge.routing.router.RouterEvents`) as metrics.

    Usage::

        metrics = RoutingMetrics(meter, router.ejected, lambda: router.upstreams())
        router.events = metrics
    """

    def __init__(
        self,
        meter: Meter,
        ejected: Callable[[], Mapping[str, float]],
        upstreams: Callable[[], Iterable[str]],
    ) -> None:
        self._ejected = ejected
        self._upstreams = upstreams
        self._attempts = meter.create_counter(
            "bridge.upstream.attempts",
            unit="{attempt}",
            description="Attempts at each upstream, by outcome.",
        )
        self._ejections = meter.create_counter(
            "bridge.upstream.ejections",
            unit="{ejection}",
            description="Outlier ejections of each upstream.",
        )
        self._refusals = meter.create_counter(
            "bridge.caller.refusals",
            unit="{call}",
            description="Calls refused by their caller's limits, by limit.",
        )
        meter.create_observable_gauge(
            "bridge.upstream.ejected",
            callbacks=[self._observe],
            unit="1",
            description="1 while an upstream is ejected, else 0.",
        )

    def _observe(self, options: CallbackOptions) -> Iterable[Observation]:
        ejected = self._ejected()
        return [
            Observation(1 if name in ejected else 0, {UPSTREAM: name})
            for name in sorted(self._upstreams())
        ]

    def attempted(self, upstream: str, outcome: str) -> None:
        self._attempts.add(1, {UPSTREAM: upstream, OUTCOME: outcome})

    def changed(self, kind: str, upstream: str) -> None:
        if kind == "ejected":
            self._ejections.add(1, {UPSTREAM: upstream})

    def refused(self, limit: str) -> None:
        self._refusals.add(1, {_LIMIT: limit})
