"""`python -m tools.bench`: the benchmark's command (`make bench`, `make bench QUICK=1`).

Runs the workloads in order (or those `--only` names), prints each one's table and its
targets as it finishes, then every target together; `--json PATH` also writes every
figure. A workload that fails is reported and the next one still runs; the exit status
is 1 when one failed (a missed target is a finding, not a failure).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

# Servers and fleet parts are started while this process's gRPC threads run; they exec
# at once, so gRPC's fork handlers have nothing to do (read when grpc is imported).
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")
# gRPC's informational lines (a GOAWAY as a server stops) are not the benchmark's output.
os.environ.setdefault("GRPC_VERBOSITY", "ERROR")

import grpc

from bridge import compiled
from tools.bench import (
    batched,
    burst,
    cancel,
    codec,
    load,
    paced,
    storm,
    tracing,
    unary,
    workers,
)
from tools.bench.context import Context
from tools.bench.profile import Profiler
from tools.bench.report import Check, Report
from tools.bench.stats import cores, load_average
from tools.harness.aio import loop_name, run

__all__ = ["MODES", "WORKLOADS", "argument_parser", "main"]

WORKLOADS: dict[str, ModuleType] = {
    module.NAME: module
    for module in (paced, unary, burst, storm, batched, workers, cancel, load, codec, tracing)
}
# full: the figures; quick: the same workloads, smaller (under a minute); smoke: the
# smallest configuration of each, whose figures mean nothing (the tests run it).
MODES = ("full", "quick", "smoke")
# Beyond its own budget, the time a workload may take to start and stop its servers.
_SLACK = 90.0


def _names(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [name for name in names if name not in WORKLOADS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"workloads are {', '.join(WORKLOADS)} (comma-separated); got {text!r}"
        )
    return names


def _setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name.startswith("BRIDGE_"):
        raise argparse.ArgumentTypeError(f"expected BRIDGE_NAME=VALUE; got {text!r}")
    return name, value


def argument_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tools.bench",
        description="Benchmarks of the bridge, each figure beside a baseline from the same run.",
        epilog="Workloads: " + "; ".join(f"{name}: {_title(m)}" for name, m in WORKLOADS.items()),
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="smaller workloads, under a minute")
    size.add_argument(
        "--smoke",
        action="store_true",
        help="the smallest configuration of each workload: checks that everything runs "
        "(its figures mean nothing)",
    )
    parser.add_argument(
        "--only", type=_names, metavar="NAMES", help="run only these workloads (comma-separated)"
    )
    parser.add_argument(
        "--bridge-env",
        type=_setting,
        action="append",
        default=[],
        metavar="BRIDGE_NAME=VALUE",
        help="a setting every bridge of the run gets (repeatable), e.g. "
        "BRIDGE_UPSTREAM_WIRE=aiohttp",
    )
    parser.add_argument("--json", metavar="PATH", help="also write every figure as JSON")
    parser.add_argument(
        "--profile",
        metavar="DIR",
        help="profile the bridge of each workload (py-spy, else cProfile) and write its top "
        "functions into DIR",
    )
    parser.add_argument(
        "--profile-server",
        choices=("bridge", "relay", "bare"),
        default="bridge",
        help="with --profile: the server to profile instead of the bridge (py-spy only), "
        "written as DIR/<workload>.<server>.txt",
    )
    return parser


def _title(module: ModuleType) -> str:
    return (module.__doc__ or module.NAME).strip().splitlines()[0].split(": ", 1)[-1]


async def _run_one(ctx: Context, module: ModuleType, mode: str) -> Report:
    size = module.SIZES[mode]
    ctx.workload = module.NAME
    started = time.monotonic()
    try:
        report: Report = await asyncio.wait_for(module.run(ctx, size), size.budget + _SLACK)
    except Exception as exc:
        report = Report(module.NAME, _title(module), error=f"{type(exc).__name__}: {exc}".strip())
        # Whatever state the failure left the shared servers in, the next workload
        # starts with new ones.
        await ctx.close()
    finally:
        await ctx.end_workload()
    report.seconds = time.monotonic() - started
    return report


async def _run(args: argparse.Namespace, mode: str, names: list[str]) -> list[Report]:
    profiler = Profiler(Path(args.profile), args.profile_server) if args.profile else None
    reports = []
    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        # Figures of each workload from bridges no other workload aged (not worth the
        # starts in the smoke configuration).
        ctx = Context(
            mode,
            Path(folder),
            profiler,
            fresh_bridges=mode != "smoke",
            bridge_settings=dict(args.bridge_env),
        )
        ctx.workload = names[0]
        try:
            # Every shared server at once: they start faster together than one by one.
            wanted = dict.fromkeys(server for name in names for server in WORKLOADS[name].SERVERS)
            with contextlib.suppress(Exception):  # a workload that needs it will say why
                await ctx.servers(*wanted)
            for name in names:
                report = await _run_one(ctx, WORKLOADS[name], mode)
                reports.append(report)
                print(report.text(), end="\n\n", flush=True)
        finally:
            await ctx.close()
    if profiler is not None:
        written = profiler.write_summaries()
        print(f"Profiles ({profiler.tool}): " + (", ".join(map(str, written)) or "none"))
        print()
    return reports


def _summary(reports: list[Report]) -> list[str]:
    checks: list[Check] = [check for report in reports for check in report.checks]
    lines = ["Targets (each a ratio to a baseline measured in this run):"]
    width = max([len(check.label) for check in checks] + [0])
    for check in checks:
        lines.append(f"  {check.label:<{width}}  {check.verdict()}")
    failed = [report.name for report in reports if report.error is not None]
    if failed:
        lines.append(f"  FAILED workloads: {', '.join(failed)}")
    return lines


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; 1 when a workload failed."""
    args = argument_parser().parse_args(argv)
    mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    names = args.only or list(WORKLOADS)
    started = time.monotonic()
    # What the bridge processes will load: the build, unless their environment says off.
    build = compiled.examine(environ=dict(args.bridge_env))
    modules = "compiled per-event modules" if build.compiled else f"pure Python ({build.reason})"
    print(
        f"bridge benchmarks, {mode} mode: Python {platform.python_version()}, grpcio "
        f"{grpc.__version__}, {loop_name()}, {cores()} CPUs; load average at start "
        f"{load_average()}; servers each in their own process, clients in this one; "
        f"bridges with {modules}"
        + "".join(f"; bridges with {name}={value}" for name, value in args.bridge_env),
        end="\n\n",
        flush=True,
    )
    reports = run(_run(args, mode, names))
    seconds = time.monotonic() - started
    for line in _summary(reports):
        print(line)
    print(f"  total {seconds:.0f} s; load average at the end {load_average()}")
    if args.json:
        document: dict[str, Any] = {
            "mode": mode,
            "cpus": cores(),
            "python": platform.python_version(),
            "grpcio": grpc.__version__,
            "compiled": build.compiled,
            "seconds": seconds,
            "load_average_end": load_average(),
            "workloads": {report.name: report.as_json() for report in reports},
        }
        Path(args.json).write_text(json.dumps(document, indent=2) + "\n")
    return 1 if any(report.error is not None for report in reports) else 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
