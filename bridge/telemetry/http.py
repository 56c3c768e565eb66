"""The upstream HTTP span, and the trace context the upstream receives.

`HttpSpans` implements the upstream side's `RequestHooks`: each attempt of an
upstream request gets an HTTP CLIENT span (`{method}`), a child of the current
span (the GenAI span the servicer makes current around the exchange), and the
W3C `traceparent` (with the caller's `baggage`) is added to the request. The
span ends when the response head arrives, or with the attempt's failure; the
GenAI span above it lasts until the body (the whole stream) is read. The
`http.client.request.duration` histogram records the same; the counters
`bridge.upstream.retries` and `bridge.upstream.retry_budget.exhausted` count the
retries made, and those the retry budget refused.

With a routes file each upstream has its own hooks, whose spans and points
also carry the upstream's name (`bridge.upstream`).

Nothing is hooked when the process's tracing and metrics are both off.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, MutableSequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from opentelemetry import propagate, trace
from opentelemetry.metrics import Counter, Histogram, Meter
from opentelemetry.semconv.attributes import (
    error_attributes,
    http_attributes,
    server_attributes,
    url_attributes,
)
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer

from bridge.telemetry.setup import Observability, current

__all__ = ["HttpSpans", "RetryCounters", "request_hooks"]

_DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10)


@dataclass(frozen=True, slots=True)
class RetryCounters:
    """Retries made, and retries the retry budget refused."""

    made: Counter
    refused: Counter

    @classmethod
    def create(cls, meter: Meter) -> RetryCounters:
        """The two counters, on `meter`."""
        return cls(
            made=meter.create_counter(
                "bridge.upstream.retries",
                unit="{retry}",
                description="Upstream attempts retried.",
            ),
            refused=meter.create_counter(
                "bridge.upstream.retry_budget.exhausted",
                unit="{retry}",
                description="Retries not made because the retry budget was spent.",
            ),
        )


@dataclass(slots=True)
class _Attempt:
    span: Span | None
    attributes: dict[str, str | int]
    started: float


class HttpSpans:
    """Spans, trace headers and a duration histogram around each upstream request.

    Usage::

        upstream = UpstreamClient(options, hooks=HttpSpans(tracer, histogram))
    """

    def __init__(
        self,
        tracer: Tracer | None,
        duration: Histogram | None,
        labels: Mapping[str, str] | None = None,
        retries: RetryCounters | None = None,
    ) -> None:
        self._tracer = tracer
        self._duration = duration
        self._labels = dict(labels or {})
        self._retries = retries
        self._servers: dict[str, dict[str, str | int]] = {}

    def _server(self, url: str) -> dict[str, str | int]:
        base = url.split("?", 1)[0]
        known = self._servers.get(base)
        if known is None:
            parts = urlsplit(base)
            port = parts.port or (443 if parts.scheme == "https" else 80)
            known = {
                server_attributes.SERVER_ADDRESS: parts.hostname or "",
                server_attributes.SERVER_PORT: port,
                **self._labels,
            }
            if len(self._servers) < 64:  # fixed paths only; ids vary
                self._servers[base] = known
        return known

    def labelled(self, labels: Mapping[str, str]) -> HttpSpans:
        """These hooks, adding `labels` to every span and point (an upstream's name)."""
        return HttpSpans(self._tracer, self._duration, {**self._labels, **labels}, self._retries)

    def retried(self) -> None:
        if self._retries is not None:
            self._retries.made.add(1, self._labels)

    def budget_exhausted(self) -> None:
        if self._retries is not None:
            self._retries.refused.add(1, self._labels)

    def started(self, method: str, url: str, headers: MutableSequence[tuple[str, str]]) -> object:
        attributes: dict[str, str | int] = {
            http_attributes.HTTP_REQUEST_METHOD: method,
            **self._server(url),
        }
        span = None
        if self._tracer is not None:
            span = self._tracer.start_span(
                method,
                kind=SpanKind.CLIENT,
                attributes={**attributes, url_attributes.URL_FULL: url},
            )
        carrier: dict[str, str] = {}
        propagate.inject(
            carrier, context=trace.set_span_in_context(span) if span is not None else None
        )
        headers.extend(carrier.items())
        return _Attempt(span, attributes, time.monotonic())

    def ended(self, token: object, status: int | None, error: BaseException | None) -> None:
        assert isinstance(token, _Attempt)
        span, attributes, started = token.span, token.attributes, token.started
        if status is not None:
            attributes = {**attributes, http_attributes.HTTP_RESPONSE_STATUS_CODE: status}
        failure = type(error).__name__ if error is not None else None
        if failure is None and status is not None and status >= 400:
            failure = str(status)
        if failure is not None:
            attributes = {**attributes, error_attributes.ERROR_TYPE: failure}
        if span is not None:
            span.set_attributes(attributes)
            if error is not None or (status is not None and status >= 500):
                span.set_status(Status(StatusCode.ERROR, failure))
            span.end()
        if self._duration is not None:
            self._duration.record(time.monotonic() - started, attributes)


def request_hooks(observability: Observability | None = None) -> HttpSpans | None:
    """The hooks of the process's providers, or None when tracing and metrics are off."""
    observability = observability or current()
    if not observability.enabled:
        return None
    meter = observability.meter()
    if meter is None:
        return HttpSpans(observability.tracer(), None)
    duration = meter.create_histogram(
        "http.client.request.duration",
        unit="s",
        description="Duration of upstream HTTP requests, to the response head.",
        explicit_bucket_boundaries_advisory=list(_DURATION_BUCKETS),
    )
    return HttpSpans(observability.tracer(), duration, retries=RetryCounters.create(meter))
