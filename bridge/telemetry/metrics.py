"""The bridge's metric instruments: GenAI client metrics, gRPC server metrics, and the
process's load (streams in flight, events sent, CPU time).

Names and units follow the semantic conventions; bucket boundaries are the
ones the GenAI conventions advise, given as advisory boundaries so a View can
still override them. Recording is synchronous and needs no context, so a
cancelled call (whose task is being cancelled) still records its points.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Final

from opentelemetry.metrics import (
    CallbackOptions,
    Counter,
    Histogram,
    Meter,
    Observation,
    UpDownCounter,
)
from opentelemetry.semconv._incubating.metrics import gen_ai_metrics, rpc_metrics

__all__ = [
    "DURATION_BUCKETS",
    "TIME_PER_CHUNK_BUCKETS",
    "TIME_TO_FIRST_CHUNK_BUCKETS",
    "TOKEN_BUCKETS",
    "Instruments",
]

TOKEN_BUCKETS: Final = (
    1,
    4,
    16,
    64,
    256,
    1024,
    4096,
    16384,
    65536,
    262144,
    1048576,
    4194304,
    16777216,
    67108864,
)
DURATION_BUCKETS: Final = (
    0.01,
    0.02,
    0.04,
    0.08,
    0.16,
    0.32,
    0.64,
    1.28,
    2.56,
    5.12,
    10.24,
    20.48,
    40.96,
    81.92,
)
TIME_TO_FIRST_CHUNK_BUCKETS: Final = (
    0.001,
    0.005,
    0.01,
    0.02,
    0.04,
    0.06,
    0.08,
    0.1,
    0.25,
    0.5,
    0.75,
    1.0,
    2.5,
    5.0,
    7.5,
    10.0,
)
TIME_PER_CHUNK_BUCKETS: Final = (
    0.01,
    0.025,
    0.05,
    0.075,
    0.1,
    0.15,
    0.2,
    0.3,
    0.4,
    0.5,
    0.75,
    1.0,
    2.5,
)


class Instruments:
    """Every instrument the bridge records per RPC, created once per meter, and the
    process's CPU time (observed at each collection)."""

    def __init__(self, meter: Meter) -> None:
        self.token_usage: Histogram = meter.create_histogram(
            gen_ai_metrics.GEN_AI_CLIENT_TOKEN_USAGE,
            unit="{token}",
            description="Number of input and output tokens used.",
            explicit_bucket_boundaries_advisory=list(TOKEN_BUCKETS),
        )
        self.operation_duration: Histogram = meter.create_histogram(
            gen_ai_metrics.GEN_AI_CLIENT_OPERATION_DURATION,
            unit="s",
            description="GenAI operation duration.",
            explicit_bucket_boundaries_advisory=list(DURATION_BUCKETS),
        )
        self.time_to_first_chunk: Histogram = meter.create_histogram(
            gen_ai_metrics.GEN_AI_CLIENT_OPERATION_TIME_TO_FIRST_CHUNK,
            unit="s",
            description="Time from the upstream request to the first event of its stream.",
            explicit_bucket_boundaries_advisory=list(TIME_TO_FIRST_CHUNK_BUCKETS),
        )
        # One point per stream: the mean time between its events after the
        # first, (end - first event) / (events - 1). Recording per event would
        # put telemetry on the per-event path; see the README.
        self.time_per_output_chunk: Histogram = meter.create_histogram(
            gen_ai_metrics.GEN_AI_CLIENT_OPERATION_TIME_PER_OUTPUT_CHUNK,
            unit="s",
            description="Mean time between a stream's events after the first; one point a stream.",
            explicit_bucket_boundaries_advisory=list(TIME_PER_CHUNK_BUCKETS),
        )
        self.rpc_duration: Histogram = meter.create_histogram(
            rpc_metrics.RPC_SERVER_DURATION,
            unit="ms",
            description="Duration of incoming RPCs, to the end of their last message.",
        )
        self.rpc_requests: Histogram = meter.create_histogram(
            rpc_metrics.RPC_SERVER_REQUESTS_PER_RPC,
            unit="{count}",
            description="Messages received per RPC, by method and status.",
        )
        self.rpc_responses: Histogram = meter.create_histogram(
            rpc_metrics.RPC_SERVER_RESPONSES_PER_RPC,
            unit="{count}",
            description="Messages sent per RPC, by method and status.",
        )
        # Saturation: streams open now, and what they cost. CPU time over events sent
        # is the CPU an event costs, the figure the benchmarks measure.
        self.active_streams: UpDownCounter = meter.create_up_down_counter(
            "bridge.rpc.active_streams",
            unit="{stream}",
            description="Server-streaming RPCs in flight, by method.",
        )
        self.stream_events: Counter = meter.create_counter(
            "bridge.rpc.stream_events",
            unit="{event}",
            description="Stream events sent to clients, by method; counted when a stream ends.",
        )
        meter.create_observable_counter(
            "process.cpu.time",
            callbacks=[_cpu_time],
            unit="s",
            description="CPU time this process has used, by mode (user, system).",
        )


def _cpu_time(options: CallbackOptions) -> Iterable[Observation]:
    times = os.times()
    return [
        Observation(times.user, {"cpu.mode": "user"}),
        Observation(times.system, {"cpu.mode": "system"}),
    ]
