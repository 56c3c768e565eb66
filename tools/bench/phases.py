"""Fleet phases against several servers in turn: the bridge and its baselines, alike.

`alternate` runs the same fleet against each server, round after round in turn (so that
a noisy spell of a shared machine hits every server alike), metering each server's own
CPU time and the upstream's during its phase; `combine` merges the rounds of a server.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tools.bench.context import Context, Server
from tools.bench.fleet import FleetSpec, fleet, measured_fleet, phase_figures, stream_request
from tools.bench.stats import Deadline, median
from tools.harness.events import Shape

__all__ = ["SUMMED", "FleetSize", "alternate", "combine", "fleet_spec", "warm_up"]

# Figures of a phase that add up over rounds; the others are medians over rounds.
SUMMED = ("streams", "completed", "events")


@dataclass(frozen=True)
class FleetSize:
    """How much a fleet workload does: `streams` streams of `deltas` deltas `pace` seconds
    apart, started over `ramp` seconds on `channels` channels, `rounds` alternating rounds,
    clients in `clients` processes, all within `budget` seconds."""

    streams: int
    deltas: int
    pace: float
    ramp: float
    channels: int
    rounds: int
    budget: float
    clients: int = 1


def fleet_spec(server: Server, request: bytes, size: FleetSize, shape: Shape) -> FleetSpec:
    """The fleet of `size` asking `server` for streams of `shape` with `request`. Each
    stream's deadline is generous: one waiting for a CPU-bound server still ends by itself."""
    return FleetSpec.of(
        server.target,
        request,
        streams=size.streams,
        channels=size.channels,
        ramp=size.ramp,
        timeout=4 * shape.deltas * shape.pace + 60.0,
        expected=shape.events,
    )


async def warm_up(servers: Mapping[str, Server], channels: int, shape: Shape) -> None:
    """A few short streams of `shape` through each server: imports, first connections."""
    for server in servers.values():
        spec = FleetSpec.of(
            server.target,
            stream_request(shape),
            streams=max(4, channels),
            channels=channels,
            ramp=0.0,
            timeout=30.0,
            expected=shape.events,
        )
        result = await fleet(spec)
        if result.errors():
            raise RuntimeError(f"warm-up streams failed: {result.errors()}")


async def alternate(
    ctx: Context,
    sides: Mapping[str, Server],
    shape: Shape,
    size: FleetSize,
    deadline: Deadline,
    *,
    upstream: Server | None = None,
) -> dict[str, list[dict[str, Any]]]:
    """`size.rounds` rounds of the fleet of `size` asking for streams of `shape`, against
    each side in turn; each phase's figures, with the side's CPU (``server_*``) and the
    upstream's (``upstream_*``)."""
    request = stream_request(shape)
    phases: dict[str, list[dict[str, Any]]] = {name: [] for name in sides}
    for _ in range(size.rounds):
        for name, server in sides.items():
            readers = {"server": server.cpu_seconds}
            if upstream is not None:
                readers["upstream"] = upstream.cpu_seconds
            async with ctx.profiled(server, name):
                result, meter = await asyncio.wait_for(
                    measured_fleet(fleet_spec(server, request, size, shape), readers, size.clients),
                    deadline.left(),
                )
            phases[name].append(phase_figures(result, meter))
            deadline.check()
    return phases


def combine(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """One side's rounds as one: counts summed, errors merged, other figures' medians
    (the last round's, for a figure that is not a number)."""
    merged: dict[str, Any] = {"rounds": len(rounds)}
    for key in rounds[0]:
        values = [phase[key] for phase in rounds]
        if key in SUMMED:
            merged[key] = sum(values)
        elif key == "errors":
            errors: dict[str, int] = {}
            for found in values:
                for code, count in found.items():
                    errors[code] = errors.get(code, 0) + count
            merged[key] = errors
        elif all(isinstance(value, int | float) or value is None for value in values):
            merged[key] = median(values)
        else:
            merged[key] = values[-1]
    return merged
