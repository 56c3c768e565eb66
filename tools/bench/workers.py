"""workers: `bridge serve --workers 2` against one worker, at a load one worker carries.

Runs when ``bridge serve --help`` lists ``--workers``. First two short paced phases on one
worker set the load: as many paced streams (20 events/s each) as keep one worker at about
70% of a core (the second phase corrects the first, since CPU per event falls as load
grows). Then that load, over 32 channels (each its own connection: SO_REUSEPORT spreads
connections, not calls, and hashes them, so fewer would split unevenly by chance alone),
goes to a bridge of one worker and to one of two, in alternating rounds. Figures: the total
CPU of all the bridge's processes per event, each worker's share of the connections and of
the CPU, and errors. Targets: two workers' CPU per event at most 1.1x one worker's; each
worker's share of connections and of CPU within 35-65%; no errors. Where at least 4 CPUs
are available, also the capacity ratio: the most paced streams served with a first-event
p99 under 250 ms, two workers against one (on fewer CPUs the clients and the upstream share
the cores, so capacity cannot double there).
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from dataclasses import asdict, dataclass
from functools import partial
from typing import Any

from tools.bench.context import Context
from tools.bench.fleet import FleetSpec, measured_fleet, phase_figures, stream_request
from tools.bench.phases import combine, warm_up
from tools.bench.report import Bound, Check, Report, figure_table
from tools.bench.stats import Deadline, cores
from tools.harness.events import Shape
from tools.harness.procfs import children, cpu_seconds, socket_inodes, tcp_established
from tools.harness.procs import ROOT, BridgeProcess

__all__ = ["NAME", "SERVERS", "SIZES", "Size", "has_workers", "run"]

NAME = "workers"
# The shared servers it uses (`Context.servers`).
SERVERS = ("upstream",)
NO_WORKERS = "no --workers"
CPU_TARGET = Bound("<=", 1.1)
SPLIT = Bound("within", 0.35, 0.65)
CAPACITY_P99_MS = 250.0
CAPACITY_CORES = 4
CAPACITY_STEP = 1.3
LABELS = {
    "workers.cpu_per_event": "workers CPU per event, 2 workers / 1",
    "workers.connections_split": "workers: busiest worker's share of connections",
    "workers.cpu_split": "workers: busiest worker's share of CPU",
    "workers.capacity": f"workers capacity (streams at first-event p99 < "
    f"{CAPACITY_P99_MS:g} ms), 2 workers / 1",
}


@dataclass(frozen=True)
class Size:
    """How much the workload does."""

    calibration_streams: int
    calibration_steps: int
    deltas: int
    pace: float
    ramp: float
    channels: int
    utilization: float
    max_streams: int
    rounds: int
    capacity_steps: int
    budget: float


SIZES = {
    "full": Size(
        calibration_streams=60,
        calibration_steps=2,
        deltas=150,
        pace=0.05,
        ramp=1.0,
        channels=32,
        utilization=0.7,
        max_streams=600,
        rounds=2,
        capacity_steps=6,
        budget=300,
    ),
    "quick": Size(
        calibration_streams=40,
        calibration_steps=2,
        deltas=30,
        pace=0.05,
        ramp=0.5,
        channels=16,
        utilization=0.7,
        max_streams=300,
        rounds=1,
        capacity_steps=3,
        budget=60,
    ),
    "smoke": Size(
        calibration_streams=8,
        calibration_steps=1,
        deltas=3,
        pace=0.01,
        ramp=0.0,
        channels=8,
        utilization=0.7,
        max_streams=16,
        rounds=1,
        capacity_steps=1,
        budget=40,
    ),
}

ROWS = (
    ("bridge CPU per event, all processes (us)", "bridge_cpu_us_per_event"),
    ("bridge CPU (cores)", "bridge_cores"),
    ("busiest worker's share of connections", "connections_top_share"),
    ("busiest worker's share of CPU", "cpu_top_share"),
    ("connections per worker", "connections"),
    ("streams completed", "completed"),
    ("errors", "errors"),
    ("first event p99 (ms)", "first_event_p99_ms"),
)


def has_workers() -> bool:
    """Whether this tree's ``bridge serve`` takes ``--workers``."""
    try:
        shown = subprocess.run(
            [sys.executable, "-m", "bridge", "serve", "--help"],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=ROOT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "--workers" in shown.stdout


def _workers(bridge: BridgeProcess) -> list[int]:
    """The processes serving calls: the supervisor's children, or itself alone."""
    return children(bridge.pid) or [bridge.pid]


def _count_connections(port: int, workers: list[int], best: dict[int, int]) -> None:
    """The established connections on `port` of each worker, kept in `best` when there are
    more than it holds."""
    accepted = tcp_established(port)
    sample = {pid: len(socket_inodes(pid) & accepted) for pid in workers}
    if sum(sample.values()) > sum(best.values()):
        best.clear()
        best.update(sample)


async def _keep_counting(port: int, workers: list[int], best: dict[int, int]) -> None:
    while True:  # until cancelled
        _count_connections(port, workers, best)
        await asyncio.sleep(0.25)


async def _phase(bridge: BridgeProcess, streams: int, size: Size) -> dict[str, Any]:
    """One paced fleet against `bridge`: its figures, with the workers' split."""
    shape = Shape(size.deltas, size.pace)
    spec = FleetSpec.of(
        bridge.target,
        stream_request(shape),
        streams=streams,
        channels=size.channels,
        ramp=size.ramp,
        timeout=4 * size.deltas * size.pace + 30.0,
        expected=shape.events,
    )
    workers = _workers(bridge)
    readers = {"bridge": bridge.tree_cpu_seconds}
    readers |= {f"worker {pid}": partial(cpu_seconds, pid) for pid in workers}
    connections: dict[int, int] = {}
    counter = asyncio.get_running_loop().create_task(
        _keep_counting(bridge.port, workers, connections)
    )
    try:
        result, meter = await measured_fleet(
            spec,
            readers,
            on_ready=partial(_count_connections, bridge.port, workers, connections),
        )
    finally:
        counter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await counter
    figures = phase_figures(result, meter)
    spent = [meter.seconds(f"worker {pid}") or 0.0 for pid in workers]
    figures["cpu_top_share"] = max(spent) / sum(spent) if sum(spent) else None
    total = sum(connections.values())
    figures["connections_top_share"] = max(connections.values()) / total if total else None
    figures["connections"] = "/".join(str(connections.get(pid, 0)) for pid in workers)
    figures["workers"] = len(workers)
    return {key: value for key, value in figures.items() if not key.startswith("worker ")}


async def _capacity(bridge: BridgeProcess, start: int, size: Size, deadline: Deadline) -> int:
    """The most paced streams `bridge` serves with first-event p99 under the limit and no
    error: from `start`, up by CAPACITY_STEP while it holds, else down by half until it
    does; at most `size.capacity_steps` phases."""
    best = 0
    streams = start
    for _ in range(size.capacity_steps):
        figures = await _phase(bridge, streams, size)
        p99 = figures["first_event_p99_ms"]
        held = not figures["errors"] and p99 is not None and p99 < CAPACITY_P99_MS
        deadline.check()
        if held:
            best = max(best, streams)
            if streams >= size.max_streams:
                break
            streams = min(size.max_streams, int(streams * CAPACITY_STEP) + 1)
        elif best or streams <= size.channels:
            break
        else:
            streams = max(size.channels, streams // 2)
    return best


async def run(ctx: Context, size: Size) -> Report:
    """Measure workers against one worker, or say `--workers` is missing; its report."""
    report = Report(NAME, "bridge serve --workers 2 against one worker, same load")
    if not await asyncio.to_thread(has_workers):
        report.skipped = NO_WORKERS
        report.checks += [Check(key, label, skipped=NO_WORKERS) for key, label in LABELS.items()]
        return report
    deadline = Deadline(size.budget, NAME)
    await ctx.servers("upstream")
    env = ctx.bridge_env(ctx.upstream_url())
    one, two = await asyncio.gather(
        ctx.own_bridge(env, "one-worker", serve_args=["--workers", "1"]),
        ctx.own_bridge(env, "two-workers", serve_args=["--workers", "2"]),
    )
    bridges = {"1 worker": one, "2 workers": two}
    await warm_up(bridges, size.channels, Shape(4, size.pace))
    # A worker's CPU per event falls as its load grows (more events per wake-up), so a load
    # scaled from a small phase undershoots: scale again from a phase at the first estimate.
    rate = 1 / size.pace
    streams = size.calibration_streams
    for _ in range(size.calibration_steps):
        measured_at = streams
        calibration = await _phase(one, streams, size)
        busy = calibration["bridge_cores"]
        if not busy:
            break
        streams = round(streams * size.utilization / busy)
        streams = max(size.channels, min(size.max_streams, streams))
        deadline.check()
    per_event = calibration["bridge_cpu_us_per_event"]
    phases: dict[str, list[dict[str, Any]]] = {name: [] for name in bridges}
    for _ in range(size.rounds):
        for name, bridge in bridges.items():
            async with ctx.profiled(bridge):
                phases[name].append(await _phase(bridge, streams, size))
            deadline.check()
    figures: dict[str, Any] = {name: combine(found) for name, found in phases.items()}
    for name, found in phases.items():
        figures[name]["connections"] = found[-1]["connections"]
    report.figures = {
        "size": asdict(size),
        "calibration": {"streams": measured_at, **calibration},
        "streams": streams,
        **figures,
    }
    single, double = figures["1 worker"], figures["2 workers"]
    errors = sum(sum(side["errors"].values()) for side in (single, double))
    report.add(
        f"(one worker at {per_event or 0:.0f} us per event with {measured_at} "
        f"streams -> {streams} streams x {rate:g} events/s for ~{size.utilization:.0%} of a "
        f"core; {size.channels} channels; median of {size.rounds} alternating rounds)",
        *figure_table(figures, ROWS),
        f"target: no errors with either: {'met' if not errors else 'MISSED'}",
    )
    report.checks += [
        Check(
            "workers.cpu_per_event",
            LABELS["workers.cpu_per_event"],
            subject=double["bridge_cpu_us_per_event"],
            baseline=single["bridge_cpu_us_per_event"],
            baseline_name="1 worker",
            unit=" us",
            target=CPU_TARGET,
        ),
        Check(
            "workers.connections_split",
            LABELS["workers.connections_split"],
            ratio=double["connections_top_share"],
            target=SPLIT,
            share=True,
        ),
        Check(
            "workers.cpu_split",
            LABELS["workers.cpu_split"],
            ratio=double["cpu_top_share"],
            target=SPLIT,
            share=True,
        ),
    ]
    available = cores()
    if available < CAPACITY_CORES:
        report.checks.append(
            Check(
                "workers.capacity",
                LABELS["workers.capacity"],
                skipped=f"{available} CPUs here, the capacity ratio needs at least "
                f"{CAPACITY_CORES}",
            )
        )
        return report
    capacity = {
        name: await _capacity(bridge, streams, size, deadline) for name, bridge in bridges.items()
    }
    report.figures["capacity_streams"] = capacity
    report.add(
        f"capacity at first-event p99 < {CAPACITY_P99_MS:g} ms: "
        + ", ".join(f"{name} {count} streams" for name, count in capacity.items())
    )
    report.checks.append(
        Check(
            "workers.capacity",
            LABELS["workers.capacity"],
            subject=float(capacity["2 workers"]),
            baseline=float(capacity["1 worker"]),
            baseline_name="1 worker",
            unit=" streams",
        )
    )
    return report
