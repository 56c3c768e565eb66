"""The benchmark runs every workload end to end in its smallest configuration and reports
every figure beside its baseline, every ratio and every target (their values are the
benchmark's business: speed is never asserted in a test)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest

from tools.bench.__main__ import WORKLOADS, argument_parser
from tools.bench.batched import NO_RPC, find_batched
from tools.bench.context import Context
from tools.bench.profile import Profiler
from tools.bench.workers import NO_WORKERS, has_workers

ROOT = Path(__file__).resolve().parents[1]
# Each target the benchmark checks, by workload.
CHECKS = {
    "paced": ["paced.cpu_per_event"],
    "unary": ["unary.cpu_per_call", "unary.added_p50"],
    "burst": ["burst.events_per_s"],
    "storm": ["storm.plain.first_event_p99", "storm.tls.first_event_p99"],
    "batched": ["batched.events_per_s"],
    "workers": [
        "workers.cpu_per_event",
        "workers.connections_split",
        "workers.cpu_split",
        "workers.capacity",
    ],
    "cancel": [],
    "load": [],
    "codec": [],
    "tracing": [],
}
# The columns (servers) of each workload's figures, and figures each column must have.
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "paced": (
        ("bridge", "relay", "bare"),
        ("server_cpu_us_per_event", "events", "first_event_p99_ms", "gap_p99_ms"),
    ),
    "unary": (
        ("bridge", "relay", "direct", "bare"),
        ("server_cpu_ms_per_call", "p50_ms", "p99_ms"),
    ),
    "burst": (("bridge", "relay", "bare"), ("events_per_s", "server_cpu_us_per_event")),
    "load": (
        ("bridge", "relay", "bare"),
        ("completed", "first_event_p99_ms", "gap_p99_ms", "server_cpu_us_per_event"),
    ),
    "tracing": (("bare", "off", "traced"), ("cpu_us_per_event", "cpu_us_per_call")),
}


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """One smoke run of the benchmark: its JSON document and what it printed."""
    out = tmp_path_factory.mktemp("bench") / "bench.json"
    run = subprocess.run(
        [sys.executable, "-m", "tools.bench", "--smoke", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-4000:]
    return json.loads(out.read_text()), run.stdout


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def test_every_workload_runs(smoke: tuple[dict[str, Any], str]) -> None:
    """Every workload ran, none failed, each in the order of the command's list."""
    document, _ = smoke
    assert document["mode"] == "smoke"
    assert list(document["workloads"]) == list(WORKLOADS) == list(CHECKS)
    assert {
        name: report["error"] for name, report in document["workloads"].items()
    } == dict.fromkeys(WORKLOADS)


def test_every_target_has_its_figure_baseline_and_ratio(smoke: tuple[dict[str, Any], str]) -> None:
    """Each target is reported with the bridge's figure, the baseline's, their ratio and the
    target (and floor where there is one), printed as well; a target skipped says why,
    and only batching and workers may be skipped, each for its one reason."""
    document, printed = smoke
    skippable = {"batched": NO_RPC if find_batched() is None else None}
    skippable["workers"] = None if has_workers() else NO_WORKERS
    for name, keys in CHECKS.items():
        checks = document["workloads"][name]["checks"]
        assert [check["key"] for check in checks] == keys
        for check in checks:
            assert check["label"] in printed
            reason = skippable.get(name)
            if reason is not None:
                assert check["skipped"] == reason
                continue
            if check["key"] == "workers.capacity" and check["skipped"]:
                assert "CPUs here" in check["skipped"]
                continue
            assert check["skipped"] is None
            assert _number(check["ratio"]), check
            if check["key"] not in ("workers.connections_split", "workers.cpu_split"):
                assert _number(check["subject"]) and _number(check["baseline"]), check
                assert check["baseline_name"]
            if check["key"] != "workers.capacity":
                assert check["target"] is not None and check["met"] in (True, False)
            if check["floor"] is not None:
                assert check["floor_held"] in (True, False)


def test_every_workload_reports_each_column(smoke: tuple[dict[str, Any], str]) -> None:
    """The stream and unary workloads report each of their servers' figures side by side."""
    document, _ = smoke
    for name, (columns, keys) in COLUMNS.items():
        figures = document["workloads"][name]["figures"]
        for column in columns:
            missing = [key for key in keys if not _number(figures[column].get(key))]
            assert missing == [], f"{name}/{column}"
    storm = document["workloads"]["storm"]["figures"]
    for variant in ("plain", "tls"):
        for column in ("bridge", "relay", "bare"):
            assert _number(storm[variant][column]["first_event_p99_ms"])
    unary = document["workloads"]["unary"]["figures"]
    assert _number(unary["relay_over_bare"]) and _number(unary["bridge_over_relay"])
    cancel = document["workloads"]["cancel"]["figures"]
    assert all(_number(entry["p99_ms"]) for entry in cancel["bridge"].values())
    assert all(
        _number(micros)
        for micros in document["workloads"]["codec"]["figures"]["us_per_event"].values()
    )
    assert _number(document["workloads"]["load"]["figures"]["bridge_rss"]["peak_mib"])
    assert document["workloads"]["tracing"]["figures"]["spans_exported"] > 0


def test_settings_given_to_the_run_reach_every_bridge(tmp_path: Path) -> None:
    """`--bridge-env BRIDGE_NAME=VALUE` is in every bridge's environment; anything but a
    BRIDGE_ setting is refused."""
    args = argument_parser().parse_args(
        ["--bridge-env", "BRIDGE_UPSTREAM_WIRE=aiohttp", "--bridge-env", "BRIDGE_GZIP=true"]
    )
    ctx = Context("smoke", tmp_path, bridge_settings=dict(args.bridge_env))
    env = ctx.bridge_env("http://127.0.0.1:9/v1", BRIDGE_GZIP="false")
    assert env["BRIDGE_UPSTREAM_WIRE"] == "aiohttp"
    assert env["BRIDGE_GZIP"] == "false"  # a workload's own setting wins
    with pytest.raises(SystemExit):
        argument_parser().parse_args(["--bridge-env", "PATH=/tmp"])


@pytest.mark.skipif(Profiler(Path("/tmp")).py_spy is None, reason="py-spy is not installed")
async def test_profile_server_samples_only_the_server_it_names(tmp_path: Path) -> None:
    """`--profile-server relay` samples the relay's process into DIR/<workload>.relay.txt,
    headed with its name, replacing an earlier run's, and leaves the bridge's phases alone."""
    args = argument_parser().parse_args(["--profile", str(tmp_path), "--profile-server", "relay"])
    profiler = Profiler(Path(args.profile), args.profile_server)
    ctx = Context("smoke", tmp_path, profiler=profiler)
    ctx.workload = "paced"
    # An earlier run's stacks in the same folder are replaced, not added to.
    (tmp_path / "paced.relay.pyspy.txt").write_text("stale;frames 999999\n")
    busy = await asyncio.create_subprocess_exec(
        sys.executable, "-c", "import time\nend = time.time() + 30\nwhile time.time() < end: pass"
    )
    try:
        server = types.SimpleNamespace(pid=busy.pid)
        async with ctx.profiled(server, "bridge"):  # type: ignore[arg-type]
            await asyncio.sleep(0.5)
        async with ctx.profiled(server, "relay"):  # type: ignore[arg-type]
            await asyncio.sleep(1.5)
    finally:
        busy.kill()
        await busy.wait()
    written = profiler.write_summaries()
    assert written == [tmp_path / "paced.relay.txt"]
    assert "stale;frames 999999" not in (tmp_path / "paced.relay.pyspy.txt").read_text()
    summary = written[0].read_text()
    assert summary.startswith("py-spy: the relay during the relay phases of the paced workload\n")
    assert "<module>" in summary
