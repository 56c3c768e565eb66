"""`python -m tools.soak --duration 10m`: mixed traffic for a while, then check for leaks.

Two bridge subprocesses, one pointed at the simulator and one at a fault-injecting
`HostileUpstream` (in this process), each take bounded-concurrency traffic from a load
subprocess (`tools.soak.load`, `tools.soak.scenarios`): unary calls, streams, streams
cancelled mid-way, upstream HTTP errors, resets, stalls and deadlines. The load runs in
its own process so that, when it exits, every client connection is closed and whatever
stays open on a bridge is the bridge's own.

Measured per bridge:

- RSS after the warm-up (the median of the samples of its last 5 s) and at the end of the
  traffic (the same over the last 5 s): growth in %, target under 5%;
- open fds and asyncio tasks at baseline (idle, before any traffic), during the traffic
  (peak) and after it stops (they must come back to baseline within --settle seconds;
  idle upstream keep-alive connections close after aiohttp's 15 s);
- every status, by scenario; a status other than the scenario's expected one is
  unexpected (target 0); upstream connections still open on the hostile upstream after
  the traffic (target 0).

Exits 1 when a target is missed. Every loop is bounded by the duration; loopback only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bridge.config import Settings
from tools.harness.hostile import HostileUpstream
from tools.harness.procfs import fd_kinds
from tools.harness.procs import BridgeProcess, SimulatorProcess, Stats
from tools.soak.scenarios import SELECT_HEADER, STALL_TIMEOUT, answer

ROOT = Path(__file__).resolve().parents[2]
GROWTH_TARGET = 5.0
WINDOW = 5.0


def duration(text: str) -> float:
    """Seconds from "90", "90s", "10m" or "1h"."""
    units = {"s": 1, "m": 60, "h": 3600}
    text = text.strip()
    if text and text[-1] in units:
        return float(text[:-1]) * units[text[-1]]
    return float(text)


@dataclass
class Target:
    """One bridge under soak and what was seen of it."""

    name: str
    process: BridgeProcess
    baseline: Stats | None = None
    samples: list[tuple[float, Stats]] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    unexpected: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    calls: int = 0
    failures: list[str] = field(default_factory=list)
    after: Stats | None = None
    settled_after: float | None = None
    fd_kinds_before: Counter[str] = field(default_factory=Counter)
    fd_kinds_after: Counter[str] = field(default_factory=Counter)


async def _load(
    target: Target, traffic: str, seconds: float, args: argparse.Namespace, seed: int
) -> None:
    """Run the load subprocess for `target` and take in what it saw."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tools.soak.load",
        "--target",
        target.process.target,
        "--traffic",
        traffic,
        "--seconds",
        str(seconds),
        "--concurrency",
        str(args.concurrency),
        "--seed",
        str(seed),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), seconds + 120)
    except TimeoutError:
        process.kill()
        await process.wait()
        target.failures.append("load process did not finish")
        return
    if process.returncode != 0 or not stdout.strip():
        target.failures.append(f"load process exited {process.returncode}: {stderr[-500:]!r}")
        return
    result = json.loads(stdout.splitlines()[-1])
    target.calls = result["calls"]
    target.statuses.update(result["statuses"])
    target.unexpected.update(result["unexpected"])
    target.examples.update(result["examples"])


async def _sampler(targets: list[Target], stop: asyncio.Event) -> None:
    while not stop.is_set():
        for target in targets:
            with contextlib.suppress(Exception):
                target.samples.append((time.monotonic(), await target.process.stats()))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)


def _median_rss(samples: list[tuple[float, Stats]], end: float) -> float:
    window = [s.rss_kib for t, s in samples if end - WINDOW <= t <= end]
    if not window:
        window = [s.rss_kib for t, s in samples if t <= end][-1:]
    return statistics.median(window) / 1024 if window else 0.0


async def _settle(target: Target, seconds: float) -> None:
    """Wait until tasks and fds are back to baseline (or `seconds` pass)."""
    assert target.baseline is not None
    started = time.monotonic()
    while True:
        stats = await target.process.stats()
        target.after = stats
        target.fd_kinds_after = fd_kinds(target.process.pid)
        if stats.tasks <= target.baseline.tasks and stats.fds <= target.baseline.fds:
            target.settled_after = time.monotonic() - started
            return
        if time.monotonic() - started > seconds:
            return
        await asyncio.sleep(0.5)


async def soak(args: argparse.Namespace) -> dict[str, Any]:
    """Run the soak; its figures."""
    out: Path = args.out
    total = args.duration
    warmup = min(60.0, max(10.0, total * 0.2))
    defaults = Settings()
    async with (
        SimulatorProcess(token_delay=0.002, log_path=out / "simulator.log") as simulator,
        HostileUpstream(select_header=SELECT_HEADER, default=answer) as upstream,
    ):
        common = {
            "BRIDGE_UPSTREAM_API_KEY": "sk-soak",
            "BRIDGE_MAX_RETRIES": "1",
            "BRIDGE_ACCESS_LOG_LEVEL": "off",
        }
        sim_bridge = BridgeProcess(
            {**common, "BRIDGE_UPSTREAM_URL": simulator.url}, log_path=out / "bridge-sim.log"
        )
        fault_bridge = BridgeProcess(
            {
                **common,
                "BRIDGE_UPSTREAM_URL": upstream.url,
                # Short enough for stalls to end soon, long enough for a loaded machine.
                "BRIDGE_FIRST_BYTE_TIMEOUT": str(STALL_TIMEOUT),
                "BRIDGE_READ_TIMEOUT": str(STALL_TIMEOUT),
                "BRIDGE_FORWARD_HEADERS": ",".join((*defaults.forward_headers, SELECT_HEADER)),
            },
            log_path=out / "bridge-faults.log",
        )
        async with sim_bridge, fault_bridge:
            targets = [Target("simulator", sim_bridge), Target("faults", fault_bridge)]
            for target in targets:
                target.baseline = await target.process.quiet_stats()
                target.fd_kinds_before = fd_kinds(target.process.pid)
            stop = asyncio.Event()
            sampler = asyncio.get_running_loop().create_task(_sampler(targets, stop))
            started = time.monotonic()
            stop_at = started + total
            async with asyncio.TaskGroup() as group:
                for number, target in enumerate(targets):
                    group.create_task(
                        _load(target, target.name, total, args, args.seed * 10 + number)
                    )
                if not args.quiet:
                    group.create_task(_progress(targets, started, stop_at))
            ended = time.monotonic()
            stop.set()
            await sampler
            await asyncio.gather(*(_settle(t, args.settle) for t in targets))
            upstream_open = upstream.counters.open
            figures = _figures(targets, started, started + warmup, ended, upstream_open)
            figures["upstream_peer_closed_early"] = upstream.counters.peer_closed_early
    figures.update(duration_s=round(total), warmup_s=round(warmup), concurrency=args.concurrency)
    for target in targets:
        figures["bridges"][target.name]["exit"] = target.process.returncode
        if target.process.returncode not in (0, None):
            figures["failures"].append(f"{target.name}: exited {target.process.returncode}")
    (out / "summary.json").write_text(json.dumps(figures, indent=2))
    return figures


async def _progress(targets: list[Target], started: float, stop_at: float) -> None:
    while time.monotonic() < stop_at:
        await asyncio.sleep(min(60.0, max(0.0, stop_at - time.monotonic())))
        parts = []
        for target in targets:
            last = target.samples[-1][1] if target.samples else None
            rss = f"{last.rss_kib / 1024:.0f} MiB" if last else "?"
            tasks = last.tasks if last else "?"
            fds = last.fds if last else "?"
            parts.append(f"{target.name}: RSS {rss}, {fds} fds, {tasks} tasks")
        print(f"[{time.monotonic() - started:5.0f} s] " + "; ".join(parts), flush=True)


def _figures(
    targets: list[Target], started: float, warm: float, ended: float, upstream_open: int
) -> dict[str, Any]:
    bridges: dict[str, Any] = {}
    failures: list[str] = []
    for target in targets:
        assert target.baseline is not None and target.after is not None
        during = [s for t, s in target.samples if started <= t <= ended]
        rss_warm = _median_rss(target.samples, warm)
        rss_end = _median_rss(target.samples, ended)
        growth = (rss_end / rss_warm - 1) * 100 if rss_warm else 0.0
        unexpected = sum(target.unexpected.values())
        failures += [f"{target.name}: {text}" for text in target.failures]
        bridges[target.name] = {
            "calls": target.calls,
            "rss_mib": {
                "baseline": round(target.baseline.rss_kib / 1024, 1),
                "after_warmup": round(rss_warm, 1),
                "end": round(rss_end, 1),
                "growth_percent": round(growth, 2),
                "peak": round(max((s.hwm_kib for s in during), default=0) / 1024, 1),
                "idle_after": round(target.after.rss_kib / 1024, 1),
            },
            "fds": {
                "baseline": target.baseline.fds,
                "peak_during": max((s.fds for s in during), default=0),
                "after": target.after.fds,
            },
            "tasks": {
                "baseline": target.baseline.tasks,
                "peak_during": max((s.tasks for s in during), default=0),
                "after": target.after.tasks,
            },
            "fds_changed": {
                kind: target.fd_kinds_after[kind] - target.fd_kinds_before[kind]
                for kind in target.fd_kinds_after | target.fd_kinds_before
                if target.fd_kinds_after[kind] != target.fd_kinds_before[kind]
            },
            "settled_after_s": None
            if target.settled_after is None
            else round(target.settled_after, 1),
            "statuses": dict(sorted(target.statuses.items())),
            "unexpected": dict(target.unexpected),
            "unexpected_examples": target.examples,
        }
        if growth >= GROWTH_TARGET:
            failures.append(f"{target.name}: RSS grew {growth:.1f}% after warm-up")
        if target.after.fds > target.baseline.fds:
            failures.append(
                f"{target.name}: fds {target.after.fds} > baseline {target.baseline.fds}"
            )
        if target.after.tasks > target.baseline.tasks:
            failures.append(
                f"{target.name}: tasks {target.after.tasks} > baseline {target.baseline.tasks}"
            )
        if unexpected:
            failures.append(f"{target.name}: {unexpected} unexpected statuses")
    if upstream_open:
        failures.append(f"{upstream_open} upstream connections still open after the traffic")
    return {"bridges": bridges, "upstream_open_after": upstream_open, "failures": failures}


def _print(figures: dict[str, Any]) -> None:
    print(
        f"soak: {figures['duration_s']} s of traffic, warm-up {figures['warmup_s']} s, "
        f"{figures['concurrency']} concurrent calls per bridge"
    )
    for name, bridge in figures["bridges"].items():
        rss, fds, tasks = bridge["rss_mib"], bridge["fds"], bridge["tasks"]
        print(f"  bridge -> {name}: {bridge['calls']} calls")
        print(
            f"    RSS MiB: baseline {rss['baseline']}, after warm-up {rss['after_warmup']}, "
            f"end {rss['end']} (growth {rss['growth_percent']:+.2f}%, target < "
            f"{GROWTH_TARGET:g}%), peak {rss['peak']}, idle after {rss['idle_after']}"
        )
        changed = ", ".join(f"{k} {v:+d}" for k, v in bridge["fds_changed"].items())
        print(
            f"    fds: baseline {fds['baseline']}, peak during {fds['peak_during']}, "
            f"after {fds['after']}" + (f" ({changed})" if changed else "")
        )
        print(
            f"    asyncio tasks: baseline {tasks['baseline']}, peak during "
            f"{tasks['peak_during']}, after {tasks['after']} (back to baseline after "
            f"{bridge['settled_after_s']} s)"
        )
        statuses: Counter[str] = Counter()
        for key, count in bridge["statuses"].items():
            statuses[key.rsplit(":", 1)[1]] += count
        print("    statuses: " + " ".join(f"{k}={v}" for k, v in statuses.most_common()))
        print(f"    unexpected statuses: {sum(bridge['unexpected'].values())}")
        for key, count in bridge["unexpected"].items():
            example = bridge["unexpected_examples"].get(key, "")
            print(f"      {count} x {key}: {example[:200]!r}")
    print(
        f"  upstream connections open after the traffic: {figures['upstream_open_after']}; "
        f"closed by the bridge before the upstream finished: "
        f"{figures['upstream_peer_closed_early']}"
    )
    if figures["failures"]:
        print("  MISSED: " + "; ".join(figures["failures"]))
    else:
        print("  all targets met")


def main(argv: list[str] | None = None) -> int:
    """Run the soak, print the figures, write summary.json; 1 when a target is missed."""
    parser = argparse.ArgumentParser(
        prog="python -m tools.soak", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--duration", type=duration, default=600.0, help="e.g. 90s, 10m (default)")
    parser.add_argument("--concurrency", type=int, default=8, help="calls in flight per bridge")
    parser.add_argument(
        "--settle", type=float, default=40.0, help="seconds fds and tasks get to return to baseline"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "build" / "soak")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is absent on Windows
        figures = asyncio.run(soak(args))
    else:
        figures = uvloop.run(soak(args))
    _print(figures)
    return 1 if figures["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
