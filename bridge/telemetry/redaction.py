"""Spans and metric attributes leave the bridge without registered secrets.

`RedactingSpanProcessor` sits in front of every span processor the bridge
installs: a span whose name, attributes, event attributes or status carry a
secret reaches the exporter as a copy with each secret replaced. Spans with
nothing to hide pass through as they are, at the cost of one scan.

`MetricLabels` keeps metric attributes bounded and clean: a request's model is
recorded by name only when it is known (configured, or a model the upstream
has served), else as `other`, so callers cannot create unbounded series; and
every string value is redacted.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from typing import Any, Final

from opentelemetry.context import Context
from opentelemetry.sdk.trace import Event, ReadableSpan, Span, SpanProcessor
from opentelemetry.trace import Status
from opentelemetry.util.types import Attributes

from bridge.redact import Redactor, Secrets

__all__ = ["OTHER_MODEL", "MetricLabels", "RedactingSpanProcessor"]

OTHER_MODEL: Final = "other"
# Models learned from upstream replies, at most; a hostile upstream cannot
# explode the series either.
MAX_LEARNED_MODELS: Final = 100


class RedactingSpanProcessor(SpanProcessor):
    """Hands `inner` each ended span with registered secrets replaced."""

    def __init__(self, inner: SpanProcessor, secrets: Secrets) -> None:
        self.inner = inner
        self._secrets = secrets

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        self.inner.on_start(span, parent_context)

    def on_end(self, span: ReadableSpan) -> None:
        redactor = self._secrets.redactor()
        self.inner.on_end(_redacted(span, redactor))

    def shutdown(self) -> None:
        self.inner.shutdown()

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        return self.inner.force_flush(timeout_millis)


def _dirty(attributes: Attributes, redactor: Redactor) -> bool:
    for value in (attributes or {}).values():
        if isinstance(value, str):
            if redactor.found(value):
                return True
        elif isinstance(value, tuple | list) and any(
            isinstance(item, str) and redactor.found(item) for item in value
        ):
            return True
    return False


def _clean(attributes: Attributes, redactor: Redactor) -> dict[str, Any]:
    cleaned: dict[str, Any] = {}
    for key, value in (attributes or {}).items():
        if isinstance(value, str):
            cleaned[key] = redactor.text(value)
        elif isinstance(value, tuple | list):
            cleaned[key] = tuple(
                redactor.text(item) if isinstance(item, str) else item for item in value
            )
        else:
            cleaned[key] = value
    return cleaned


def _redacted(span: ReadableSpan, redactor: Redactor) -> ReadableSpan:
    description = span.status.description or ""
    if not (
        redactor.found(span.name)
        or redactor.found(description)
        or _dirty(span.attributes, redactor)
        or any(_dirty(event.attributes, redactor) for event in span.events)
    ):
        return span
    return ReadableSpan(
        name=redactor.text(span.name),
        context=span.context,
        parent=span.parent,
        resource=span.resource,
        attributes=_clean(span.attributes, redactor),
        events=[
            Event(event.name, _clean(event.attributes, redactor), event.timestamp)
            for event in span.events
        ],
        links=span.links,
        kind=span.kind,
        status=Status(span.status.status_code, redactor.text(description) or None),
        start_time=span.start_time,
        end_time=span.end_time,
        instrumentation_scope=span.instrumentation_scope,
    )


class MetricLabels:
    """Bounded, redacted metric attributes.

    Usage::

        labels = MetricLabels(known_models=("gpt-4.1",), secrets=SECRETS)
        labels.learn("gpt-4.1-mini")          # the upstream served it
        attributes = labels.clean({"gen_ai.request.model": labels.model("x")})
    """

    def __init__(self, known_models: Iterable[str], secrets: Secrets) -> None:
        self._known = {model.lower() for model in known_models}
        self._learned: set[str] = set()
        self._lock = threading.Lock()
        self._secrets = secrets

    def model(self, name: str | None) -> str | None:
        """`name` when it is a known model, else `other` (None stays None)."""
        if not name:
            return None
        if name.lower() in self._known or name in self._learned:
            return name
        return OTHER_MODEL

    def learn(self, name: str | None) -> None:
        """Admit a model the upstream served (up to a bound)."""
        if name and name not in self._learned and len(self._learned) < MAX_LEARNED_MODELS:
            with self._lock:
                self._learned.add(name)

    def clean(self, attributes: Mapping[str, Any]) -> dict[str, Any]:
        """`attributes` with secrets replaced in every string value."""
        redactor = self._secrets.redactor()
        return {
            key: redactor.text(value) if isinstance(value, str) else value
            for key, value in attributes.items()
        }
