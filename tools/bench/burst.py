"""burst: one long stream as fast as it goes, the upstream in 64 KiB writes.

One stream of 60,000 events (a model that has its whole answer ready, or a replayed
response), the upstream sending it in 64 KiB writes, read by one client; bridge, relay
and bare in turn (every other round in reverse), the median of 7 runs each. Figures:
events per second (wall clock, call start to last event), each server's own CPU time and
context switches per event, each run's too, and how busy server and client were (near
100%: that process set the pace).
Target: the bridge's events/s at least 0.95x the relay's (floor 0.9x).
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import asdict, dataclass
from typing import Any

import grpc.aio

from tools.bench.context import Context, Server
from tools.bench.fleet import consume, open_channels, stream_request
from tools.bench.report import Bound, Check, Report, figure_table
from tools.bench.stats import Deadline, median, ratio
from tools.harness.events import Shape

__all__ = ["NAME", "SERVERS", "SIZES", "Size", "measure_stream", "run"]

NAME = "burst"
# The shared servers it uses (`Context.servers`).
SERVERS = ("upstream", "bridge", "relay", "bare")
TARGET = Bound(">=", 0.95)
FLOOR = Bound(">=", 0.9)


@dataclass(frozen=True)
class Size:
    """How much the workload does."""

    events: int
    runs: int
    budget: float


SIZES = {
    "full": Size(events=60_000, runs=7, budget=240),
    "quick": Size(events=5_000, runs=1, budget=40),
    "smoke": Size(events=200, runs=1, budget=20),
}

ROWS = (
    ("events/s", "events_per_s"),
    ("server CPU per event (us)", "server_cpu_us_per_event"),
    ("server waits per event", "server_waits_per_event"),
    ("server preemptions per event", "server_preemptions_per_event"),
    ("server busy (CPU / wall)", "server_busy"),
    ("client busy (CPU / wall)", "client_busy"),
    ("upstream CPU per event (us)", "upstream_cpu_us_per_event"),
)


async def measure_stream(
    channel: grpc.aio.Channel,
    server: Server,
    upstream: Server,
    request: bytes,
    expected: int,
    deadline: Deadline,
) -> dict[str, Any]:
    """One stream read to its end: events/s, the CPU of server, upstream and client, and
    the server's context switches."""
    switches_before = server.context_switches() or (0, 0)
    server_before = server.cpu_seconds() or 0.0
    upstream_before = upstream.cpu_seconds() or 0.0
    client_before = time.process_time()
    elapsed = await consume(channel, request, expected, deadline.left())
    client = time.process_time() - client_before
    spent = (server.cpu_seconds() or 0.0) - server_before
    switches = server.context_switches() or switches_before
    return {
        "events_per_s": expected / elapsed,
        "server_cpu_us_per_event": spent / expected * 1e6,
        "server_waits_per_event": (switches[0] - switches_before[0]) / expected,
        "server_preemptions_per_event": (switches[1] - switches_before[1]) / expected,
        "server_busy": spent / elapsed,
        "client_busy": client / elapsed,
        "upstream_cpu_us_per_event": ((upstream.cpu_seconds() or 0.0) - upstream_before)
        / expected
        * 1e6,
    }


async def run(ctx: Context, size: Size) -> Report:
    """Measure the burst workload; its report."""
    shape = Shape(size.events - Shape(0).events)
    report = Report(NAME, f"one stream of {shape.events:,} events, upstream in 64 KiB writes")
    deadline = Deadline(size.budget, NAME)
    upstream, bridge, relay, bare = await ctx.servers("upstream", "bridge", "relay", "bare")
    sides = {"bridge": bridge, "relay": relay, "bare": bare}
    await ctx.prepare(shape, relay, bare)
    request = stream_request(shape)
    runs: dict[str, list[dict[str, Any]]] = {name: [] for name in sides}
    async with contextlib.AsyncExitStack() as stack:
        channels = await open_channels(stack, sides)
        # Warm-up: one whole stream each, not measured. The relay and bare server have
        # served the workloads before this one; the bridge is new, and its first stream
        # of this size grows its heap (several times the page faults of the next ones).
        for name in sides:
            await consume(channels[name], request, shape.events, deadline.left())
        for round_ in range(size.runs):
            # Every other round in reverse: no server always follows the same one (whose
            # last stream leaves the client's heap and the kernel's buffers in its state).
            order = list(sides.items()) if round_ % 2 == 0 else list(reversed(sides.items()))
            for name, server in order:
                async with ctx.profiled(server, name):
                    runs[name].append(
                        await measure_stream(
                            channels[name], server, upstream, request, shape.events, deadline
                        )
                    )
    figures: dict[str, dict[str, Any]] = {
        name: {key: median(run[key] for run in found) for key in found[0]}
        | {"runs_events_per_s": [run["events_per_s"] for run in found]}
        | {"runs_cpu_us_per_event": [run["server_cpu_us_per_event"] for run in found]}
        for name, found in runs.items()
    }
    report.figures = {"size": asdict(size), **figures}
    report.add(
        f"(median of {size.runs} alternating runs; events/s of each run: "
        + "; ".join(
            f"{name} " + ", ".join(f"{rate:,.0f}" for rate in side["runs_events_per_s"])
            for name, side in figures.items()
        )
        + "; server CPU per event (us) of each run: "
        + "; ".join(
            f"{name} " + ", ".join(f"{cpu:.1f}" for cpu in side["runs_cpu_us_per_event"])
            for name, side in figures.items()
        )
        + ")",
        *figure_table(figures, ROWS),
    )
    # The events/s ratio each would reach with a core to itself: steadier on a busy machine.
    by_cpu = ratio(
        figures["relay"]["server_cpu_us_per_event"], figures["bridge"]["server_cpu_us_per_event"]
    )
    report.figures["cpu_ratio"] = by_cpu
    report.add(
        "by server CPU per event (the events/s each reaches with a core to itself): "
        f"bridge / relay {'n/a' if by_cpu is None else f'{by_cpu:.2f}x'}"
    )
    client_bound = [name for name, side in figures.items() if side["client_busy"] >= 0.9]
    if client_bound:
        report.add(
            f"(the client was busy >= 90% reading {', '.join(client_bound)}: their events/s "
            "is the client's ceiling)"
        )
    report.checks.append(
        Check(
            "burst.events_per_s",
            "burst events/s, bridge / relay",
            subject=figures["bridge"]["events_per_s"],
            baseline=figures["relay"]["events_per_s"],
            baseline_name="relay",
            unit=" /s",
            target=TARGET,
            floor=FLOOR,
        )
    )
    return report
