"""The upstream HTTP span: OpenTelemetry's httpx instrumentation on the bridge's client.

Each upstream request gets an HTTP CLIENT span, a child of the current span
(the GenAI span the servicer makes current around the exchange), and a W3C
`traceparent` (and `baggage`) header injected into the request. The
instrumentation's span ends when the response headers arrive; the GenAI span
above it lasts until the body (the whole stream) is read.

Nothing is wrapped when the process's tracing and metrics are both off.
"""

from __future__ import annotations

import httpx
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.metrics import NoOpMeterProvider
from opentelemetry.trace import NoOpTracerProvider

from bridge.telemetry.setup import Observability, current

__all__ = ["instrument_client"]


def instrument_client(
    client: httpx.AsyncClient, observability: Observability | None = None
) -> None:
    """Trace `client`'s requests with the process's providers, if any signal is on."""
    observability = observability or current()
    if not observability.enabled:
        return
    HTTPXClientInstrumentor.instrument_client(
        client,
        tracer_provider=observability.tracer_provider or NoOpTracerProvider(),
        meter_provider=observability.meter_provider or NoOpMeterProvider(),
    )
