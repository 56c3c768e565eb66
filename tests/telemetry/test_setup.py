"""SDK setup from OTEL_* variables, and what a bridge gets when everything is off."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import (
    OTLPMetricExporter as GrpcMetricExporter,
)
from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
    OTLPSpanExporter as GrpcSpanExporter,
)
from opentelemetry.exporter.otlp.proto.http.trace_exporter import (
    OTLPSpanExporter as HttpSpanExporter,
)
from opentelemetry.sdk.trace.export import ConsoleSpanExporter

from bridge.config import Settings
from bridge.telemetry import NoTelemetry, setup
from bridge.telemetry.http import request_hooks
from tests.telemetry.conftest import Upstream, create_request

ENDPOINT = "http://127.0.0.1:4317"


@pytest.mark.parametrize(
    ("env", "traces", "metrics"),
    [
        ({}, [], []),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": ENDPOINT}, [GrpcSpanExporter], [GrpcMetricExporter]),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": ENDPOINT}, [GrpcSpanExporter], []),
        (
            {
                "OTEL_EXPORTER_OTLP_ENDPOINT": ENDPOINT,
                "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            },
            [HttpSpanExporter],
            ["OTLPMetricExporter"],
        ),
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": ENDPOINT, "OTEL_METRICS_EXPORTER": "none"},
            [GrpcSpanExporter],
            [],
        ),
        ({"OTEL_TRACES_EXPORTER": "console"}, [ConsoleSpanExporter], []),
        ({"OTEL_TRACES_EXPORTER": "otlp,console"}, [GrpcSpanExporter, ConsoleSpanExporter], []),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": ENDPOINT, "OTEL_SDK_DISABLED": "true"}, [], []),
    ],
    ids=[
        "nothing",
        "endpoint",
        "traces-endpoint",
        "http",
        "metrics-none",
        "console",
        "two-exporters",
        "sdk-disabled",
    ],
)
def test_exporters_follow_the_environment(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], traces: list[Any], metrics: list[Any]
) -> None:
    """Which span and metric exporters exist follows OTEL_* variables; none unless asked."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spans = setup._span_exporters(env)
    readers = setup._metric_exporters(env)
    assert [type(exporter) for exporter in spans] == traces
    assert [type(exporter).__name__ for exporter in readers] == [
        kind if isinstance(kind, str) else kind.__name__ for kind in metrics
    ]
    for exporter in [*spans, *readers]:
        exporter.shutdown()


@pytest.mark.parametrize(
    "env",
    [
        {"OTEL_TRACES_EXPORTER": "zipkin"},
        {"OTEL_EXPORTER_OTLP_ENDPOINT": ENDPOINT, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"},
    ],
    ids=["exporter", "protocol"],
)
def test_unknown_exporters_are_refused(env: dict[str, str]) -> None:
    """An exporter or protocol the bridge cannot use is a clear configuration error."""
    with pytest.raises(setup.TelemetryConfigError):
        setup.from_env(env)


def test_nothing_set_means_no_providers() -> None:
    """With no OTEL_* variable there is no tracer or meter provider at all."""
    observability = setup.from_env({})
    assert not observability.enabled
    assert observability.tracer() is None and observability.instruments() is None


@pytest.mark.parametrize(
    ("env", "name"),
    [
        ({}, "responses-bridge"),
        ({"OTEL_SERVICE_NAME": "bridge-eu"}, "bridge-eu"),
        ({"OTEL_RESOURCE_ATTRIBUTES": "service.name=from-attrs,team=ai"}, "from-attrs"),
    ],
    ids=["default", "service-name", "resource-attributes"],
)
def test_resource_names_the_service(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], name: str
) -> None:
    """service.name is "responses-bridge" unless OTEL_SERVICE_NAME or the resource
    attributes name it."""
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    monkeypatch.delenv("OTEL_RESOURCE_ATTRIBUTES", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    resource = setup.default_resource()
    assert resource.attributes["service.name"] == name
    assert "service.version" in resource.attributes


@pytest.mark.parametrize(
    ("sampler", "sampled"), [("always_off", False), ("parentbased_always_on", True)]
)
def test_sampler_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, sampler: str, sampled: bool
) -> None:
    """OTEL_TRACES_SAMPLER decides which spans are recorded."""
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", sampler)
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")
    observability = setup.from_env()
    try:
        tracer = observability.tracer()
        assert tracer is not None
        span = tracer.start_span("probe")
        assert span.is_recording() is sampled
    finally:
        observability.shutdown()


def test_everything_off_installs_nothing() -> None:
    """Tracing, metrics and the access log off: NoTelemetry and no RPC telemetry."""
    settings = Settings(access_log_level="off")
    hooks = setup.hooks(settings, setup.build())
    assert isinstance(hooks.telemetry, NoTelemetry)
    assert hooks.rpc is None


async def test_tracing_off_leaves_the_http_client_alone(
    upstream: Upstream, bridge_at: Callable[..., Any]
) -> None:
    """With no OTEL_* setup, upstream requests carry no traceparent and no request is
    hooked."""
    previous = setup.install(setup.build())
    try:
        client = await bridge_at(upstream.url)
        await client.stub.CreateResponse(create_request())
        assert request_hooks() is None
    finally:
        setup.install(previous)
    assert "traceparent" not in upstream.requests[-1].headers


def test_an_instance_id_given_names_the_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    """`from_env(instance_id=...)` sets service.instance.id (a worker's), over what the
    environment says; without one the resource is the environment's."""
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "service.instance.id=pod-1,team=ai")
    assert setup.default_resource("pod-1-2").attributes["service.instance.id"] == "pod-1-2"
    assert setup.default_resource().attributes["service.instance.id"] == "pod-1"
    observability = setup.from_env({"OTEL_TRACES_EXPORTER": "console"}, instance_id="pool-3")
    assert observability.tracer_provider is not None
    assert observability.tracer_provider.resource.attributes["service.instance.id"] == "pool-3"
    assert observability.tracer_provider.resource.attributes["team"] == "ai"
    observability.shutdown()


@pytest.mark.parametrize(
    ("env", "problem"),
    [
        ({"OTEL_TRACES_EXPORTER": "console", "OTEL_METRICS_EXPORTER": "prometheus"}, "METRICS"),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": ENDPOINT, "OTEL_EXPORTER_OTLP_PROTOCOL": "http/json"},
         "PROTOCOL"),
        ({"OTEL_TRACES_EXPORTER": "otlp,console", "OTEL_METRICS_EXPORTER": "none"}, None),
    ],
    ids=["exporter", "protocol", "valid"],
)  # fmt: skip
def test_check_env_refuses_what_from_env_would(env: dict[str, str], problem: str | None) -> None:
    """`check_env` raises where `from_env` would, building nothing."""
    if problem is None:
        setup.check_env(env)
        return
    with pytest.raises(setup.TelemetryConfigError, match=problem):
        setup.check_env(env)
    with pytest.raises(setup.TelemetryConfigError, match=problem):
        setup.from_env(env)
