"""load: 500 concurrent paced streams, more than one bridge process carries.

500 streams at 20 events/s each (10,000 events/s), their starts spread over 2 s, over 8
channels, read by clients in two subprocesses (one Python process cannot read that
many events/s on a small machine); bridge, relay and bare in turn. The bridge is new to
this workload (but in the smoke configuration), so its memory figures are this load's.
Figures: streams completed and failed (target: no errors), time to first event and
gaps between deltas (p50/p99), the most streams in flight at once, each process's CPU
(average and busiest second, in cores) and per event, and the bridge's RSS idle, at
its peak (VmHWM) and at the end.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from tools.bench.context import Context, Server
from tools.bench.phases import FleetSize, alternate, combine, warm_up
from tools.bench.report import Report, figure_table
from tools.bench.stats import Deadline
from tools.harness.events import Shape

__all__ = ["NAME", "SERVERS", "SIZES", "Size", "run"]

NAME = "load"
# The shared servers it uses (`Context.servers`).
SERVERS = ("upstream", "relay", "bare", "bridge")
# A process busier than this in its busiest second was CPU-bound then.
BOUND_CORES = 0.9

Size = FleetSize
SIZES = {
    "full": Size(
        streams=500, deltas=200, pace=0.05, ramp=2.0, channels=8, rounds=1, budget=200, clients=2
    ),
    "quick": Size(streams=100, deltas=10, pace=0.05, ramp=0.5, channels=4, rounds=1, budget=40),
    "smoke": Size(streams=8, deltas=3, pace=0.01, ramp=0.0, channels=2, rounds=1, budget=30),
}

ROWS = (
    ("streams completed", "completed"),
    ("errors", "errors"),
    ("first event p50 (ms)", "first_event_p50_ms"),
    ("first event p99 (ms)", "first_event_p99_ms"),
    ("gap between deltas p50 (ms)", "gap_p50_ms"),
    ("gap between deltas p99 (ms)", "gap_p99_ms"),
    ("most streams in flight", "peak_in_flight"),
    ("server CPU per event (us)", "server_cpu_us_per_event"),
    ("server CPU (cores)", "server_cores"),
    ("server busiest second (cores)", "server_peak_cores"),
    ("upstream CPU (cores)", "upstream_cores"),
    ("clients CPU per event (us)", "client_cpu_us_per_event"),
    ("wall (s)", "wall_s"),
)


async def run(ctx: Context, size: Size) -> Report:
    """Measure the load workload; its report."""
    report = Report(
        NAME,
        f"{size.streams} concurrent streams x {1 / size.pace:g} events/s "
        f"({size.streams / size.pace:,.0f} events/s)",
    )
    deadline = Deadline(size.budget, NAME)
    upstream, relay, bare, bridge = await ctx.servers("upstream", "relay", "bare", "bridge")
    sides: dict[str, Server] = {"bridge": bridge, "relay": relay, "bare": bare}
    shape = Shape(size.deltas, size.pace)
    await ctx.prepare(shape, relay, bare)
    await warm_up(sides, size.channels, Shape(4, size.pace))
    rss_idle = bridge.memory().get("VmRSS")
    phases = await alternate(ctx, sides, shape, size, deadline, upstream=upstream)
    memory = bridge.memory()
    figures: dict[str, Any] = {name: combine(rounds) for name, rounds in phases.items()}
    rss = {
        "idle_mib": None if rss_idle is None else rss_idle / 1024,
        "peak_mib": memory["VmHWM"] / 1024 if "VmHWM" in memory else None,
        "end_mib": memory["VmRSS"] / 1024 if "VmRSS" in memory else None,
    }
    report.figures = {"size": asdict(size), **figures, "bridge_rss": rss}
    clients = "this process" if size.clients <= 1 else f"{size.clients} subprocesses"
    report.add(
        f"({shape.events} events per stream, starts spread over {size.ramp:g} s, "
        f"{size.channels} channels, clients in {clients})",
        *figure_table(figures, ROWS),
        f"bridge RSS: {_mib(rss['idle_mib'])} idle after warm-up, peak (VmHWM) "
        f"{_mib(rss['peak_mib'])}, {_mib(rss['end_mib'])} at the end",
    )
    through = figures["bridge"]
    peak, per_event = through["server_peak_cores"], through["server_cpu_us_per_event"]
    if peak is not None and per_event and peak >= BOUND_CORES:
        report.add(
            f"the bridge was CPU-bound (busiest second {peak:.2f} cores; its event loop runs "
            f"on one): it carries about {1e6 / per_event:,.0f} events/s at this CPU per event"
        )
    errors = through["streams"] - through["completed"]
    report.add(
        f"target: every bridge stream completes, none fails: {'met' if not errors else 'MISSED'}"
    )
    return report


def _mib(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0f} MiB"
