"""unary: sequential CreateResponse calls, the bridge against the bare gRPC hop.

One call at a time, in alternating blocks (every other one in reverse order): through the
bridge to the upstream; through the relay, which makes the same upstream call over a raw
socket, sends the same initial metadata in its own batch and answers the Response
prebuilt (the floor of a unary call through a bridge on grpc.aio that forwards the
upstream's headers); straight to the same upstream over HTTP (httpx, the same JSON body
the bridge sends); and to the bare server, which answers the same Response prebuilt (the
gRPC hop alone). Figures: each server's own CPU time per call, and p50/p99 latency.
Targets: the bridge's CPU per call at most 2x the bare server's (floor 3x); the latency
it adds over the direct HTTP call (p50) at most 1.5x the bare gRPC hop's p50. The relay's
CPU over the bare server's is printed beside them: the part of the bridge's ratio no
bridge code can take away.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass
from typing import Any

import httpx
import orjson

from bridge import codec
from rbridge.responses.v1 import items_pb2, responses_service_pb2
from tools.bench.context import Context, Server
from tools.bench.fleet import UNARY_METHOD, open_channels
from tools.bench.report import Bound, Check, Report, figure_table
from tools.bench.stats import Deadline, percentile, ratio
from tools.harness.events import MODEL

__all__ = ["NAME", "SERVERS", "SIZES", "Size", "run"]

NAME = "unary"
# The shared servers it uses (`Context.servers`).
SERVERS = ("upstream", "bridge", "relay", "bare")
CPU_TARGET = Bound("<=", 2.0)
CPU_FLOOR = Bound("<=", 3.0)
LATENCY_TARGET = Bound("<=", 1.5)
CALL_TIMEOUT = 10.0


@dataclass(frozen=True)
class Size:
    """How much the workload does."""

    warmup: int
    calls: int
    blocks: int
    budget: float


SIZES = {
    "full": Size(warmup=200, calls=2000, blocks=4, budget=150),
    "quick": Size(warmup=50, calls=300, blocks=3, budget=40),
    "smoke": Size(warmup=2, calls=6, blocks=2, budget=20),
}

ROWS = (
    ("server CPU per call (ms)", "server_cpu_ms_per_call"),
    ("latency p50 (ms)", "p50_ms"),
    ("latency p99 (ms)", "p99_ms"),
    ("calls", "calls"),
)


async def _timed(
    call: Callable[[], Awaitable[None]], count: int, deadline: Deadline
) -> list[float]:
    """Milliseconds of `count` sequential calls."""
    samples = []
    for _ in range(count):
        start = time.perf_counter_ns()
        await call()
        samples.append((time.perf_counter_ns() - start) / 1e6)
        deadline.check()
    return samples


async def run(ctx: Context, size: Size) -> Report:
    """Measure the unary workload; its report."""
    report = Report(NAME, "sequential CreateResponse: CPU per call and added latency")
    deadline = Deadline(size.budget, NAME)
    upstream, bridge, relay, bare = await ctx.servers("upstream", "bridge", "relay", "bare")
    request = responses_service_pb2.CreateResponseRequest(
        model=MODEL, input=items_pb2.Input(text="Please count 20 words for me.")
    )
    serialized = request.SerializeToString()
    # The body the bridge sends upstream for this request.
    body = orjson.dumps({**codec.to_json(request), "stream": False})
    url = f"{ctx.upstream_url()}/responses"
    # Each side's calls are charged to the server that answers them.
    servers: dict[str, Server] = {
        "bridge": bridge,
        "relay": relay,
        "direct": upstream,
        "bare": bare,
    }
    samples: dict[str, list[float]] = {name: [] for name in servers}
    cpu = dict.fromkeys(servers, 0.0)
    async with contextlib.AsyncExitStack() as stack:
        channels = await open_channels(stack, {"bridge": bridge, "relay": relay, "bare": bare})
        http = await stack.enter_async_context(
            httpx.AsyncClient(
                headers={"content-type": "application/json", "authorization": "Bearer sk-bench"},
                timeout=CALL_TIMEOUT,
            )
        )
        grpc_calls = {name: channel.unary_unary(UNARY_METHOD) for name, channel in channels.items()}

        async def direct() -> None:
            reply = await http.post(url, content=body)
            if reply.status_code != 200:
                raise RuntimeError(f"the upstream answered HTTP {reply.status_code}")
            orjson.loads(reply.content)

        def over_grpc(name: str) -> Callable[[], Awaitable[None]]:
            call = grpc_calls[name]

            async def one() -> None:
                await call(serialized, timeout=CALL_TIMEOUT)

            return one

        calls = {name: direct if name == "direct" else over_grpc(name) for name in servers}
        for call in calls.values():
            await _timed(call, size.warmup, deadline)
        # Alternating blocks, so that a noisy spell hits every side alike, every other one
        # in reverse so that no side always follows the same one.
        for block in range(size.blocks):
            order = list(calls.items())
            for name, call in order if block % 2 == 0 else reversed(order):
                before = servers[name].cpu_seconds() or 0.0
                async with ctx.profiled(servers[name], name):
                    samples[name] += await _timed(call, size.calls // size.blocks, deadline)
                cpu[name] += (servers[name].cpu_seconds() or 0.0) - before
    figures: dict[str, dict[str, Any]] = {}
    for name, values in samples.items():
        figures[name] = {
            "calls": len(values),
            "p50_ms": percentile(values, 0.50),
            "p99_ms": percentile(values, 0.99),
            "server_cpu_ms_per_call": cpu[name] / len(values) * 1e3 if values else None,
        }
    added = {
        "p50_ms": _minus(figures["bridge"]["p50_ms"], figures["direct"]["p50_ms"]),
        "p99_ms": _minus(figures["bridge"]["p99_ms"], figures["direct"]["p99_ms"]),
    }
    cpu_per_call = {name: figures[name]["server_cpu_ms_per_call"] for name in figures}
    hop = ratio(cpu_per_call["relay"], cpu_per_call["bare"])
    over_relay = ratio(cpu_per_call["bridge"], cpu_per_call["relay"])
    report.figures = {
        "size": asdict(size),
        **figures,
        "added_by_bridge": added,
        "relay_over_bare": hop,
        "bridge_over_relay": over_relay,
    }
    report.add(
        f"({size.calls} sequential calls per side, {size.blocks} alternating blocks, after "
        f"{size.warmup} warm-up calls; direct: httpx to the same upstream, its CPU the "
        "upstream's)",
        *figure_table({**figures, "bridge - direct": added}, ROWS),
        "CPU per call: relay / bare (the upstream call and the initial metadata's batch) "
        f"{_times(hop)}; bridge / relay (the bridge's own work) {_times(over_relay)}",
    )
    report.checks += [
        Check(
            "unary.cpu_per_call",
            "CPU per unary call, bridge / bare",
            subject=figures["bridge"]["server_cpu_ms_per_call"],
            baseline=figures["bare"]["server_cpu_ms_per_call"],
            baseline_name="bare",
            unit=" ms",
            target=CPU_TARGET,
            floor=CPU_FLOOR,
        ),
        Check(
            "unary.added_p50",
            "unary p50 added over direct HTTP / bare gRPC hop p50",
            subject=added["p50_ms"],
            baseline=figures["bare"]["p50_ms"],
            baseline_name="bare hop",
            unit=" ms",
            target=LATENCY_TARGET,
        ),
    ]
    return report


def _times(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def _minus(left: float | None, right: float | None) -> float | None:
    return None if left is None or right is None else left - right
