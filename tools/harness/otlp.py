"""A real OTLP/gRPC receiver on loopback, for tests and the benchmark: what an OpenTelemetry
Collector sees.

Built on the collector service definitions of the `opentelemetry-proto`
package (TraceService and MetricsService) on a plain `grpc.server` bound to
127.0.0.1:0, so the bridge's own OTLP exporters send to it unchanged.
"""

from __future__ import annotations

import threading
from concurrent import futures
from dataclasses import dataclass
from typing import Any

import grpc
from opentelemetry.proto.collector.metrics.v1 import (
    metrics_service_pb2,
    metrics_service_pb2_grpc,
)
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc
from opentelemetry.proto.common.v1 import common_pb2
from opentelemetry.proto.trace.v1 import trace_pb2

__all__ = ["ExportedSpan", "OTLPReceiver", "attribute_value"]


def attribute_value(value: common_pb2.AnyValue) -> Any:
    """The Python value of an OTLP AnyValue."""
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [attribute_value(item) for item in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: attribute_value(kv.value) for kv in value.kvlist_value.values}
    return getattr(value, kind) if kind else None


@dataclass
class ExportedSpan:
    """One span as exported: ids in hex, attributes as a dict."""

    name: str
    kind: int
    trace_id: str
    span_id: str
    parent_span_id: str
    attributes: dict[str, Any]
    status_code: int
    status_message: str
    events: list[tuple[str, dict[str, Any]]]
    start_ns: int
    end_ns: int
    scope: str
    resource: dict[str, Any]


class _Traces(trace_service_pb2_grpc.TraceServiceServicer):
    def __init__(self, receiver: OTLPReceiver) -> None:
        self._receiver = receiver

    def Export(
        self, request: trace_service_pb2.ExportTraceServiceRequest, context: Any
    ) -> trace_service_pb2.ExportTraceServiceResponse:
        with self._receiver.lock:
            self._receiver.trace_requests.append(request)
        return trace_service_pb2.ExportTraceServiceResponse()


class _Metrics(metrics_service_pb2_grpc.MetricsServiceServicer):
    def __init__(self, receiver: OTLPReceiver) -> None:
        self._receiver = receiver

    def Export(
        self, request: metrics_service_pb2.ExportMetricsServiceRequest, context: Any
    ) -> metrics_service_pb2.ExportMetricsServiceResponse:
        with self._receiver.lock:
            self._receiver.metric_requests.append(request)
        return metrics_service_pb2.ExportMetricsServiceResponse()


class OTLPReceiver:
    """Collects every OTLP trace and metric export request it receives.

    Usage::

        receiver = OTLPReceiver().start()
        os.environ["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.endpoint
        ...
        spans = receiver.spans()
        receiver.stop()
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.trace_requests: list[trace_service_pb2.ExportTraceServiceRequest] = []
        self.metric_requests: list[metrics_service_pb2.ExportMetricsServiceRequest] = []
        self._server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
        trace_service_pb2_grpc.add_TraceServiceServicer_to_server(_Traces(self), self._server)
        metrics_service_pb2_grpc.add_MetricsServiceServicer_to_server(_Metrics(self), self._server)
        self.port = self._server.add_insecure_port("127.0.0.1:0")

    @property
    def endpoint(self) -> str:
        """The URL to give OTEL_EXPORTER_OTLP_ENDPOINT."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> OTLPReceiver:
        """Start serving; returns self."""
        self._server.start()
        return self

    def stop(self) -> None:
        """Stop serving at once."""
        self._server.stop(None).wait()

    def spans(self) -> list[ExportedSpan]:
        """Every span received so far."""
        with self.lock:
            requests = list(self.trace_requests)
        found: list[ExportedSpan] = []
        for request in requests:
            for resource_spans in request.resource_spans:
                resource = {
                    kv.key: attribute_value(kv.value) for kv in resource_spans.resource.attributes
                }
                for scope_spans in resource_spans.scope_spans:
                    for span in scope_spans.spans:
                        found.append(_exported(span, scope_spans.scope.name, resource))
        return found

    def metric_points(self) -> dict[str, list[tuple[dict[str, Any], Any]]]:
        """Every metric data point received so far: name -> [(attributes, point)]."""
        with self.lock:
            requests = list(self.metric_requests)
        points: dict[str, list[tuple[dict[str, Any], Any]]] = {}
        for request in requests:
            for resource_metrics in request.resource_metrics:
                for scope_metrics in resource_metrics.scope_metrics:
                    for metric in scope_metrics.metrics:
                        data = getattr(metric, metric.WhichOneof("data") or "gauge")
                        for point in data.data_points:
                            labels = {kv.key: attribute_value(kv.value) for kv in point.attributes}
                            points.setdefault(metric.name, []).append((labels, point))
        return points

    def raw(self) -> bytes:
        """Every received request, serialized: for searching what left the bridge."""
        with self.lock:
            blobs = [r.SerializeToString() for r in self.trace_requests]
            blobs += [r.SerializeToString() for r in self.metric_requests]
        return b"".join(blobs)


def _exported(span: trace_pb2.Span, scope: str, resource: dict[str, Any]) -> ExportedSpan:
    return ExportedSpan(
        name=span.name,
        kind=span.kind,
        trace_id=span.trace_id.hex(),
        span_id=span.span_id.hex(),
        parent_span_id=span.parent_span_id.hex(),
        attributes={kv.key: attribute_value(kv.value) for kv in span.attributes},
        status_code=span.status.code,
        status_message=span.status.message,
        events=[
            (event.name, {kv.key: attribute_value(kv.value) for kv in event.attributes})
            for event in span.events
        ],
        start_ns=span.start_time_unix_nano,
        end_ns=span.end_time_unix_nano,
        scope=scope,
        resource=resource,
    )
