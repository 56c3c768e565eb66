"""paced: many streams at a model's pace, one upstream write per event.

200 streams, each 20 events/s (a delta every 50 ms, as a model generates text), their
starts spread over one second, over 8 channels; the upstream writes each event on its
own, so every event costs its reader one socket read. Each of bridge, relay and bare
serves the same fleet in turn. The figure is each server's own CPU time per event it
delivered: what a paced event costs, whatever else the machine runs. Target: the
bridge at most 1.2x the relay's (floor 1.5x).
"""

from __future__ import annotations

from dataclasses import asdict

from tools.bench.context import Context
from tools.bench.phases import FleetSize, alternate, combine, warm_up
from tools.bench.report import Bound, Check, Report, figure_table
from tools.bench.stats import Deadline
from tools.harness.events import Shape

__all__ = ["NAME", "SERVERS", "SIZES", "Size", "run"]

NAME = "paced"
# The shared servers it uses (`Context.servers`).
SERVERS = ("upstream", "bridge", "relay", "bare")
TARGET = Bound("<=", 1.2)
FLOOR = Bound("<=", 1.5)

Size = FleetSize
SIZES = {
    "full": Size(streams=200, deltas=150, pace=0.05, ramp=1.0, channels=8, rounds=2, budget=240),
    "quick": Size(streams=200, deltas=10, pace=0.05, ramp=0.5, channels=8, rounds=1, budget=40),
    "smoke": Size(streams=8, deltas=3, pace=0.01, ramp=0.0, channels=2, rounds=1, budget=30),
}

ROWS = (
    ("server CPU per event (us)", "server_cpu_us_per_event"),
    ("server busiest second (cores)", "server_peak_cores"),
    ("events delivered", "events"),
    ("streams completed", "completed"),
    ("errors", "errors"),
    ("first event p50 (ms)", "first_event_p50_ms"),
    ("first event p99 (ms)", "first_event_p99_ms"),
    ("gap between deltas p99 (ms)", "gap_p99_ms"),
    ("upstream CPU per event (us)", "upstream_cpu_us_per_event"),
    ("client CPU per event (us)", "client_cpu_us_per_event"),
)


async def run(ctx: Context, size: Size) -> Report:
    """Measure the paced workload; its report."""
    report = Report(
        NAME,
        f"{size.streams} streams x {1 / size.pace:g} events/s, one upstream write per event",
    )
    deadline = Deadline(size.budget, NAME)
    upstream, bridge, relay, bare = await ctx.servers("upstream", "bridge", "relay", "bare")
    sides = {"bridge": bridge, "relay": relay, "bare": bare}
    shape = Shape(size.deltas, size.pace)
    await ctx.prepare(shape, relay, bare)
    await warm_up(sides, size.channels, Shape(4, size.pace))
    phases = await alternate(ctx, sides, shape, size, deadline, upstream=upstream)
    figures = {name: combine(rounds) for name, rounds in phases.items()}
    report.figures = {"size": asdict(size), **figures}
    report.add(
        f"({shape.events} events per stream, starts spread over {size.ramp:g} s, "
        f"{size.channels} channels; median of {size.rounds} alternating rounds)",
        *figure_table(figures, ROWS),
    )
    report.checks.append(
        Check(
            "paced.cpu_per_event",
            "CPU per paced event, bridge / relay",
            subject=figures["bridge"]["server_cpu_us_per_event"],
            baseline=figures["relay"]["server_cpu_us_per_event"],
            baseline_name="relay",
            unit=" us",
            target=TARGET,
            floor=FLOOR,
        )
    )
    return report
