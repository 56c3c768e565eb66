"""OpenTelemetry SDK setup from the standard `OTEL_*` variables, and the hooks a bridge uses.

Tracing is on when `OTEL_TRACES_EXPORTER` names an exporter (`otlp`,
`console`), or when it is unset and an OTLP endpoint is
(`OTEL_EXPORTER_OTLP_ENDPOINT` or `..._TRACES_ENDPOINT`); metrics likewise with
`OTEL_METRICS_EXPORTER` and `..._METRICS_ENDPOINT`. `OTEL_SDK_DISABLED=true`
turns both off. The OTLP protocol is `OTEL_EXPORTER_OTLP_[TRACES_|METRICS_]PROTOCOL`,
`grpc` (default) or `http/protobuf`; the exporters read their own endpoint,
headers, TLS, compression and timeout variables, the SDK reads the sampler
(`OTEL_TRACES_SAMPLER[_ARG]`), batching (`OTEL_BSP_*`), export interval
(`OTEL_METRIC_EXPORT_INTERVAL`) and resource (`OTEL_SERVICE_NAME`,
`OTEL_RESOURCE_ATTRIBUTES`; service.name defaults to "responses-bridge").

With neither signal on, no provider exists: no spans are started, no
instruments created, the httpx client is left alone, and the edge records
nothing per RPC unless the access log is on.

Every span passes through `RedactingSpanProcessor` on its way to any exporter,
so no registered secret leaves in a span, whoever built the providers.

One `Observability` serves the process (`current()`; `install()` replaces it,
tests install their own); `hooks()` builds what one bridge needs from it and
that bridge's settings.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

from opentelemetry import metrics, trace
from opentelemetry.metrics import Meter
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    MetricExporter,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.sampling import Sampler
from opentelemetry.trace import Tracer

from bridge.config import ConfigError, Settings
from bridge.redact import SECRETS
from bridge.telemetry import NoTelemetry, Telemetry
from bridge.telemetry.genai import GenAITelemetry
from bridge.telemetry.metrics import Instruments
from bridge.telemetry.redaction import RedactingSpanProcessor
from bridge.telemetry.rpc import RpcTelemetry

__all__ = [
    "SERVICE_NAME",
    "BridgeHooks",
    "Observability",
    "TelemetryConfigError",
    "check_env",
    "current",
    "from_env",
    "hooks",
    "install",
]

SERVICE_NAME = "responses-bridge"
_SCOPE = "bridge"


class TelemetryConfigError(ConfigError):
    """An OTEL_* variable names an exporter or protocol the bridge cannot use
    (a `ConfigError`: `bridge serve` reports it and exits 2)."""

    def __init__(self, problem: str) -> None:
        super().__init__([problem])


@dataclass
class Observability:
    """The process's tracer and meter providers (None: that signal is off).

    Usage::

        observability = from_env(os.environ)
        install(observability)
        ...
        observability.shutdown()
    """

    tracer_provider: TracerProvider | None = None
    meter_provider: MeterProvider | None = None
    _instruments: Instruments | None = field(default=None, init=False, repr=False)

    @property
    def enabled(self) -> bool:
        """Whether any signal is exported."""
        return self.tracer_provider is not None or self.meter_provider is not None

    def tracer(self) -> Tracer | None:
        """The bridge's tracer, or None when tracing is off."""
        if self.tracer_provider is None:
            return None
        return self.tracer_provider.get_tracer(_SCOPE, _version())

    def meter(self) -> Meter | None:
        """The bridge's meter, or None when metrics are off."""
        if self.meter_provider is None:
            return None
        return self.meter_provider.get_meter(_SCOPE, _version())

    def instruments(self) -> Instruments | None:
        """The bridge's histograms (created once), or None when metrics are off."""
        if self._instruments is None:
            meter = self.meter()
            if meter is not None:
                self._instruments = Instruments(meter)
        return self._instruments

    def force_flush(self, timeout_millis: int = 10_000) -> bool:
        """Export everything recorded so far; True when every exporter succeeded."""
        done = True
        if self.tracer_provider is not None:
            done = self.tracer_provider.force_flush(timeout_millis) and done
        if self.meter_provider is not None:
            done = self.meter_provider.force_flush(timeout_millis) and done
        return done

    def shutdown(self, timeout: float | None = None) -> bool:
        """Flush and stop every exporter; True when that finished.

        With `timeout`, give up after that many seconds: an exporter that
        cannot reach its collector retries for ten seconds and more, which
        must not hold a stopping pod past its grace period. The work goes on
        in a daemon thread that dies with the process.
        """

        def stop() -> None:
            if self.tracer_provider is not None:
                self.tracer_provider.shutdown()
            if self.meter_provider is not None:
                self.meter_provider.shutdown()

        if timeout is None:
            stop()
            return True
        worker = threading.Thread(target=stop, name="telemetry-shutdown", daemon=True)
        worker.start()
        worker.join(max(0.0, timeout))
        return not worker.is_alive()

    def set_global(self) -> None:
        """Make these providers OpenTelemetry's global ones (once per process)."""
        if self.tracer_provider is not None:
            trace.set_tracer_provider(self.tracer_provider)
        if self.meter_provider is not None:
            metrics.set_meter_provider(self.meter_provider)


def build(
    *,
    span_processors: Sequence[SpanProcessor] = (),
    metric_readers: Sequence[MetricReader] = (),
    resource: Resource | None = None,
    sampler: Sampler | None = None,
    shutdown_on_exit: bool = True,
) -> Observability:
    """Providers around given processors and readers (none given: that signal is off)."""
    resource = resource or default_resource()
    tracer_provider = None
    if span_processors:
        tracer_provider = TracerProvider(
            sampler=sampler, resource=resource, shutdown_on_exit=shutdown_on_exit
        )
        for processor in span_processors:
            tracer_provider.add_span_processor(RedactingSpanProcessor(processor, SECRETS))
    meter_provider = None
    if metric_readers:
        meter_provider = MeterProvider(
            metric_readers=list(metric_readers),
            resource=resource,
            shutdown_on_exit=shutdown_on_exit,
        )
    return Observability(tracer_provider=tracer_provider, meter_provider=meter_provider)


def from_env(
    env: Mapping[str, str] | None = None,
    *,
    instance_id: str | None = None,
    readers: Sequence[MetricReader] = (),
) -> Observability:
    """Providers as the OTEL_* variables in `env` (default: the process's) ask;
    `instance_id`, when given, is the resource's `service.instance.id` (each worker
    of `bridge serve --workers` is an instance of its own). `readers` read the
    metrics too, whatever the variables say (the Prometheus endpoint's).

    Raises:
        TelemetryConfigError: an unknown exporter or protocol is named.
    """
    env = os.environ if env is None else env
    processors: list[SpanProcessor] = [
        BatchSpanProcessor(exporter) for exporter in _span_exporters(env)
    ]
    readers = [
        *readers,
        *(PeriodicExportingMetricReader(exporter) for exporter in _metric_exporters(env)),
    ]
    # The server flushes them itself, bounded by its grace period; an exit
    # hook would wait for an unreachable collector without bound.
    return build(
        span_processors=processors,
        metric_readers=readers,
        resource=default_resource(instance_id),
        shutdown_on_exit=False,
    )


def default_resource(instance_id: str | None = None) -> Resource:
    """The SDK's resource from the environment, named "responses-bridge" unless set,
    with `service.instance.id` set to `instance_id` when given."""
    resource = Resource.create()
    if instance_id is not None:
        resource = resource.merge(Resource({"service.instance.id": instance_id}))
    defaults: dict[str, str] = {}
    name = resource.attributes.get("service.name")
    if not isinstance(name, str) or name.startswith("unknown_service"):
        defaults["service.name"] = SERVICE_NAME
    if "service.version" not in resource.attributes:
        defaults["service.version"] = _version()
    return resource.merge(Resource(defaults)) if defaults else resource


_current: Observability | None = None


def current() -> Observability:
    """The process's observability: the installed one, else built from the environment."""
    global _current
    if _current is None:
        _current = from_env()
    return _current


def install(observability: Observability | None) -> Observability | None:
    """Make `observability` the process's (None: rebuild from the environment on next use);
    returns the one it replaces."""
    global _current
    previous, _current = _current, observability
    return previous


@dataclass
class BridgeHooks:
    """What `server.start` wires in: the servicer's telemetry and the RPC's own."""

    telemetry: Telemetry
    rpc: RpcTelemetry | None

    def bind(self, address: str, port: int) -> None:
        """Record the address the server listens on (server.address/port of its spans)."""
        if self.rpc is not None:
            host, _, _ = address.rpartition(":")
            self.rpc.bind(host.strip("[]") or address, port)


def hooks(settings: Settings, observability: Observability | None = None) -> BridgeHooks:
    """The telemetry of one bridge; nothing at all when every signal and the
    access log are off."""
    observability = observability or current()
    tracer = observability.tracer()
    instruments = observability.instruments()
    if tracer is None and instruments is None and settings.access_log_level == "off":
        return BridgeHooks(telemetry=NoTelemetry(), rpc=None)
    telemetry = GenAITelemetry(
        tracer=tracer,
        instruments=instruments,
        # With a routes file, each call's upstream says where it went.
        upstream_url="" if settings.routes_file else settings.upstream_url,
        provider=settings.genai_provider_name,
        capture_content=settings.capture_content,
        content_max_bytes=settings.capture_content_max_bytes,
        metric_models=settings.metric_models,
    )
    rpc = RpcTelemetry(
        tracer=tracer,
        instruments=instruments,
        access_log_level=settings.access_log_level,
        caller_key=settings.access_log_caller_key,
    )
    return BridgeHooks(telemetry=telemetry, rpc=rpc)


# -- exporters ------------------------------------------------------------------


def _names(env: Mapping[str, str], signal: str) -> list[str]:
    if env.get("OTEL_SDK_DISABLED", "").strip().lower() == "true":
        return []
    raw = env.get(f"OTEL_{signal}_EXPORTER", "").strip()
    if not raw:
        endpoint = env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or env.get(
            f"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"
        )
        return ["otlp"] if endpoint else []
    names = [name.strip().lower() for name in raw.split(",") if name.strip()]
    return [] if "none" in names else names


def _protocol(env: Mapping[str, str], signal: str) -> str:
    protocol = (
        env.get(f"OTEL_EXPORTER_OTLP_{signal}_PROTOCOL")
        or env.get("OTEL_EXPORTER_OTLP_PROTOCOL")
        or "grpc"
    )
    protocol = protocol.strip().lower()
    if protocol not in ("grpc", "http/protobuf"):
        raise TelemetryConfigError(
            f"OTEL_EXPORTER_OTLP_PROTOCOL: {protocol!r} is not supported (grpc, http/protobuf)"
        )
    return protocol


def check_env(env: Mapping[str, str] | None = None) -> None:
    """Check the exporters and protocols the OTEL_* variables in `env` (default: the
    process's) name, building nothing (`bridge serve --workers` checks before it starts
    any worker).

    Raises:
        TelemetryConfigError: one the bridge cannot use.
    """
    env = os.environ if env is None else env
    for signal in ("TRACES", "METRICS"):
        for name in _names(env, signal):
            if name == "otlp":
                _protocol(env, signal)
            elif name != "console":
                raise _unsupported(signal, name)


def _unsupported(signal: str, name: str) -> TelemetryConfigError:
    return TelemetryConfigError(
        f"OTEL_{signal}_EXPORTER: {name!r} is not supported (otlp, console, none)"
    )


def _span_exporters(env: Mapping[str, str]) -> list[SpanExporter]:
    exporters: list[SpanExporter] = []
    for name in _names(env, "TRACES"):
        if name == "otlp":
            if _protocol(env, "TRACES") == "grpc":
                from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
                    OTLPSpanExporter as GrpcSpanExporter,
                )

                exporters.append(GrpcSpanExporter())
            else:
                from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
                    OTLPSpanExporter as HttpSpanExporter,
                )

                exporters.append(HttpSpanExporter())
        elif name == "console":
            from opentelemetry.sdk.trace.export import ConsoleSpanExporter

            exporters.append(ConsoleSpanExporter())
        else:
            raise _unsupported("TRACES", name)
    return exporters


def _metric_exporters(env: Mapping[str, str]) -> list[MetricExporter]:
    exporters: list[MetricExporter] = []
    for name in _names(env, "METRICS"):
        if name == "otlp":
            if _protocol(env, "METRICS") == "grpc":
                from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import (
                    OTLPMetricExporter as GrpcMetricExporter,
                )

                exporters.append(GrpcMetricExporter())
            else:
                from opentelemetry.exporter.otlp.proto.http.metric_exporter import (
                    OTLPMetricExporter as HttpMetricExporter,
                )

                exporters.append(HttpMetricExporter())
        elif name == "console":
            from opentelemetry.sdk.metrics.export import ConsoleMetricExporter

            exporters.append(ConsoleMetricExporter())
        else:
            raise _unsupported("METRICS", name)
    return exporters


def _version() -> str:
    try:
        return version("responses-bridge")
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return "0"
