"""tracing: what telemetry costs per streamed event and per unary call.

Three bridges, each its own process, on the same upstream: ``bare`` (no access log, no
OTEL_* variables: no telemetry at all), ``off`` (the default: the access log, no
spans, no metrics) and ``traced`` (the access log, traces and
metrics exported over OTLP/gRPC to a receiver in this process). In alternating
rounds each streams one burst and answers sequential unary calls. Figures: each
bridge's own CPU time per event and per call, and their ratios to ``bare`` and of
``traced`` to ``off``.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import asdict, dataclass
from typing import Any

from tools.bench.burst import measure_stream
from tools.bench.context import Context
from tools.bench.fleet import UNARY_METHOD, consume, open_channels, stream_request
from tools.bench.report import Report, figure_table
from tools.bench.stats import Deadline, median, ratio
from tools.harness.events import Shape
from tools.harness.otlp import OTLPReceiver

__all__ = ["NAME", "SERVERS", "SIZES", "Size", "run"]

NAME = "tracing"
# The shared servers it uses (`Context.servers`).
SERVERS = ("upstream",)
MODES = ("bare", "off", "traced")


@dataclass(frozen=True)
class Size:
    """How much the workload does."""

    events: int
    calls: int
    rounds: int
    budget: float


SIZES = {
    "full": Size(events=20_000, calls=1000, rounds=3, budget=150),
    "quick": Size(events=2_000, calls=100, rounds=1, budget=40),
    "smoke": Size(events=100, calls=5, rounds=1, budget=30),
}

ROWS = (
    ("CPU per streamed event (us)", "cpu_us_per_event"),
    ("  / bare", "event_vs_bare"),
    ("events/s", "events_per_s"),
    ("CPU per unary call (us)", "cpu_us_per_call"),
    ("  / bare", "call_vs_bare"),
)


async def run(ctx: Context, size: Size) -> Report:
    """Measure what telemetry costs; its report."""
    report = Report(NAME, "telemetry's cost: no telemetry, the default, traced and metered")
    deadline = Deadline(size.budget, NAME)
    (upstream,) = await ctx.servers("upstream")
    shape = Shape(size.events - Shape(0).events)
    await ctx.prepare(shape)
    request = stream_request(shape)
    receiver = OTLPReceiver().start()
    samples: dict[str, list[dict[str, Any]]] = {mode: [] for mode in MODES}
    try:
        url = ctx.upstream_url()
        envs = {
            "bare": ctx.bridge_env(url, BRIDGE_ACCESS_LOG_LEVEL="off"),
            "off": ctx.bridge_env(url),
            # Spans are exported every second (the default is 5 s), so that their export
            # falls inside the rounds that made them.
            "traced": ctx.bridge_env(
                url,
                OTEL_EXPORTER_OTLP_ENDPOINT=receiver.endpoint,
                OTEL_METRIC_EXPORT_INTERVAL="5000",
                OTEL_BSP_SCHEDULE_DELAY="1000",
            ),
        }
        # New processes alike, none of them aged by other workloads.
        started = await asyncio.gather(*(ctx.own_bridge(envs[mode], mode) for mode in MODES))
        bridges = dict(zip(MODES, started, strict=True))
        async with contextlib.AsyncExitStack() as stack:
            channels = await open_channels(stack, bridges)
            warm = Shape(100)
            unary_request = stream_request(Shape(20))
            for mode in MODES:
                await consume(channels[mode], stream_request(warm), warm.events, deadline.left())
                call = channels[mode].unary_unary(UNARY_METHOD)
                for _ in range(min(20, size.calls)):
                    await call(unary_request, timeout=10.0)
            for _ in range(size.rounds):
                for mode, bridge in bridges.items():
                    found = await measure_stream(
                        channels[mode], bridge, upstream, request, shape.events, deadline
                    )
                    call = channels[mode].unary_unary(UNARY_METHOD)
                    before = bridge.cpu_seconds() or 0.0
                    for _ in range(size.calls):
                        await call(unary_request, timeout=10.0)
                    deadline.check()
                    found["cpu_us_per_call"] = (
                        ((bridge.cpu_seconds() or 0.0) - before) / size.calls * 1e6
                    )
                    samples[mode].append(found)
        # Stopped, it exports what it still holds.
        await bridges["traced"].stop()
    finally:
        receiver.stop()
    figures: dict[str, dict[str, Any]] = {
        mode: {
            "cpu_us_per_event": median(run["server_cpu_us_per_event"] for run in runs),
            "events_per_s": median(run["events_per_s"] for run in runs),
            "cpu_us_per_call": median(run["cpu_us_per_call"] for run in runs),
        }
        for mode, runs in samples.items()
    }
    for mode in MODES:
        figures[mode]["event_vs_bare"] = ratio(
            figures[mode]["cpu_us_per_event"], figures["bare"]["cpu_us_per_event"]
        )
        figures[mode]["call_vs_bare"] = ratio(
            figures[mode]["cpu_us_per_call"], figures["bare"]["cpu_us_per_call"]
        )
    traced_vs_off = {
        "per_event": ratio(
            figures["traced"]["cpu_us_per_event"], figures["off"]["cpu_us_per_event"]
        ),
        "per_call": ratio(figures["traced"]["cpu_us_per_call"], figures["off"]["cpu_us_per_call"]),
    }
    spans = len(receiver.spans())
    report.figures = {
        "size": asdict(size),
        **figures,
        "traced_vs_off": traced_vs_off,
        "spans_exported": spans,
    }
    report.add(
        f"(one stream of {shape.events:,} events and {size.calls} sequential unary calls per "
        f"bridge per round, median of {size.rounds} alternating rounds; bridge CPU from /proc)",
        *figure_table(figures, ROWS),
        f"traced / off: {_x(traced_vs_off['per_event'])} per streamed event, "
        f"{_x(traced_vs_off['per_call'])} per unary call ({spans} spans exported)",
    )
    if not spans:
        report.add("(the traced bridge exported no span: its figures are not of tracing)")
    return report


def _x(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"
