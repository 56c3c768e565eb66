"""storm: 200 streams opened at once, each on a new upstream connection, plain and TLS.

All calls start in the same instant over 8 channels; the upstream ends each reply with
``connection: close``, so every stream opens its own upstream connection, as after a
deploy or a reconnect (with TLS, the handshakes dominate). The streams are short and
paced. Figure: the time from a call's start to its first event, p50 and p99 of each
round, the median over rounds; bridge and relay (which opens its connections the same
way) in turn, bare for reference, first with a plain upstream, then with a TLS one
(test certificates from trustme). Target: the bridge's p99 at most 1.5x the relay's
(floor 2x), each way.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from tools.bench.context import Context
from tools.bench.phases import FleetSize, alternate, warm_up
from tools.bench.report import Bound, Check, Report, figure_table
from tools.bench.stats import Deadline, median
from tools.harness.events import Shape

__all__ = ["NAME", "SERVERS", "SIZES", "Size", "run"]

NAME = "storm"
# The shared servers it uses (`Context.servers`).
SERVERS = ("bridge", "relay", "bridge-tls", "relay-tls", "bare")
TARGET = Bound("<=", 1.5)
FLOOR = Bound("<=", 2.0)

# Every stream starts at once: no ramp.
Size = FleetSize
SIZES = {
    "full": Size(streams=200, deltas=10, pace=0.05, ramp=0.0, channels=8, rounds=5, budget=150),
    "quick": Size(streams=200, deltas=2, pace=0.05, ramp=0.0, channels=8, rounds=1, budget=40),
    "smoke": Size(streams=8, deltas=2, pace=0.01, ramp=0.0, channels=2, rounds=1, budget=30),
}

ROWS = (
    ("first event p50 (ms)", "first_event_p50_ms"),
    ("first event p99 (ms)", "first_event_p99_ms"),
    ("first event max (ms)", "first_event_max_ms"),
    ("streams completed", "completed"),
    ("errors", "errors"),
    ("server CPU per stream (ms)", "server_cpu_ms_per_stream"),
)


def _side(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One side's rounds: medians of each round's percentiles, streams and errors summed."""
    errors: dict[str, int] = {}
    for phase in rounds:
        for code, count in phase["errors"].items():
            errors[code] = errors.get(code, 0) + count
    streams = sum(phase["streams"] for phase in rounds)
    return {
        "rounds": len(rounds),
        "streams": streams,
        "completed": sum(phase["completed"] for phase in rounds),
        "errors": errors,
        "first_event_p50_ms": median(phase["first_event_p50_ms"] for phase in rounds),
        "first_event_p99_ms": median(phase["first_event_p99_ms"] for phase in rounds),
        "first_event_max_ms": max(
            (phase["first_event_max_ms"] or 0.0 for phase in rounds), default=None
        ),
        "server_cpu_ms_per_stream": median(
            None
            if phase["server_cpu_us_per_event"] is None or not phase["streams"]
            else phase["server_cpu_us_per_event"] * phase["events"] / phase["streams"] / 1e3
            for phase in rounds
        ),
    }


async def run(ctx: Context, size: Size) -> Report:
    """Measure the storm workload; its report."""
    report = Report(NAME, f"{size.streams} streams opened at once, plain and TLS upstream")
    deadline = Deadline(size.budget, NAME)
    shape = Shape(size.deltas, size.pace, close=True)
    figures: dict[str, Any] = {"size": asdict(size)}
    for variant, suffix in (("plain", ""), ("tls", "-tls")):
        bridge, relay, bare = await ctx.servers(f"bridge{suffix}", f"relay{suffix}", "bare")
        sides = {"bridge": bridge, "relay": relay, "bare": bare}
        await ctx.prepare(shape, relay, bare)
        await warm_up(sides, size.channels, shape)
        phases = await alternate(ctx, sides, shape, size, deadline)
        found = {name: _side(rounds) for name, rounds in phases.items()}
        figures[variant] = found
        report.add(
            f"{'TLS' if variant == 'tls' else 'plain'} upstream ({size.rounds} alternating "
            f"rounds of {size.streams} streams; bare has no upstream, for reference):",
            *figure_table(found, ROWS),
        )
        report.checks.append(
            Check(
                f"storm.{variant}.first_event_p99",
                f"storm first-event p99 ({variant} upstream), bridge / relay",
                subject=found["bridge"]["first_event_p99_ms"],
                baseline=found["relay"]["first_event_p99_ms"],
                baseline_name="relay",
                unit=" ms",
                target=TARGET,
                floor=FLOOR,
            )
        )
    report.figures = figures
    return report
