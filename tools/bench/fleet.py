"""The benchmark's gRPC clients: one stream read to its end, and fleets of many streams.

A fleet runs `streams` calls of one streaming method over `channels` channels (each its
own connection), started evenly over `ramp` seconds (0: all at once), in this process or
split over subprocesses (``python -m tools.bench.fleet``) when one Python process cannot
read the load. Per stream it records the error (None: the stream completed with every
event), the time from its start to its first message, the events received, and the gaps
between consecutive text deltas. Messages stay serialized (no deserializer): the client
costs as little as grpc.aio allows, and the same for every server.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO, Any

import grpc
import grpc.aio

from bridge.server import SERVICE_NAME
from rbridge.responses.v1 import items_pb2, responses_service_pb2, stream_events_pb2
from tools.bench.stats import CpuMeter, median, percentile
from tools.harness.aio import run
from tools.harness.events import MODEL, PREPARE, Shape

__all__ = [
    "CHANNEL_OPTIONS",
    "STREAM_METHOD",
    "UNARY_METHOD",
    "FleetResult",
    "FleetSpec",
    "consume",
    "fleet",
    "measured_fleet",
    "open_channel",
    "open_channels",
    "phase_figures",
    "prepare",
    "run_fleet",
    "stream_request",
]

ROOT = Path(__file__).resolve().parents[2]
STREAM_METHOD = f"/{SERVICE_NAME}/StreamCreateResponse"
UNARY_METHOD = f"/{SERVICE_NAME}/CreateResponse"
CHANNEL_OPTIONS: list[tuple[str, Any]] = [("grpc.max_receive_message_length", -1)]
READY_TIMEOUT = 30.0
# The wire tag of ResponseStreamEvent.output_text_delta: the first byte of a serialized
# delta event, so deltas are told apart without parsing.
_DELTA_FIELD = stream_events_pb2.ResponseStreamEvent.DESCRIPTOR.fields_by_name[
    "output_text_delta"
].number
assert _DELTA_FIELD < 16, "a one-byte tag is assumed"
_DELTA_TAG = bytes([(_DELTA_FIELD << 3) | 2])


def stream_request(shape: Shape, *, extra: dict[str, str] | None = None) -> bytes:
    """A serialized create request asking every server for a stream of `shape`."""
    return responses_service_pb2.CreateResponseRequest(
        model=MODEL,
        input=items_pb2.Input(text=f"count {shape.deltas} words"),
        metadata={**shape.metadata(), **(extra or {})},
    ).SerializeToString()


async def open_channel(target: str, name: str = "bench") -> grpc.aio.Channel:
    """A connected channel with a connection of its own (channels with equal arguments
    would otherwise share one)."""
    options = [
        *CHANNEL_OPTIONS,
        ("grpc.use_local_subchannel_pool", 1),
        ("grpc.primary_user_agent", name),
    ]
    channel = grpc.aio.insecure_channel(target, options=options)
    try:
        await asyncio.wait_for(channel.channel_ready(), READY_TIMEOUT)
    except BaseException:
        await channel.close()
        raise
    return channel


async def open_channels(
    stack: contextlib.AsyncExitStack, servers: Mapping[str, Any]
) -> dict[str, grpc.aio.Channel]:
    """A connected channel to each server (anything with a ``target``), by the same names;
    closed when `stack` closes."""
    channels = {}
    for name, server in servers.items():
        channels[name] = await open_channel(server.target, f"bench-{name}")
        stack.push_async_callback(channels[name].close)
    return channels


async def prepare(channel: grpc.aio.Channel, shape: Shape) -> None:
    """Have a floor server build the messages of `shape` before it is measured."""
    method = channel.unary_stream(STREAM_METHOD)
    async for _ in method(stream_request(shape, extra={PREPARE: "1"}), timeout=120.0):
        pass


async def consume(channel: grpc.aio.Channel, request: bytes, expected: int, limit: float) -> float:
    """Read one stream to its end (its deadline `limit` seconds away); the seconds it
    took. Raises when events are missing."""
    method = channel.unary_stream(STREAM_METHOD)
    count = 0
    start = time.perf_counter()
    async for _ in method(request, timeout=limit):
        count += 1
    elapsed = time.perf_counter() - start
    if count != expected:
        raise RuntimeError(f"stream ended after {count} of {expected} events")
    return elapsed


@dataclass(frozen=True)
class FleetSpec:
    """What one fleet (or its `part` of `parts` subprocesses) runs.

    Stream ``i`` starts ``i * ramp / streams`` seconds after the phase's start (a
    ``time.monotonic`` value given once every part is connected; CLOCK_MONOTONIC is
    system-wide on Linux); part ``k`` runs the streams with ``i % parts == k``.
    """

    target: str
    request: str  # base64 of the serialized request
    streams: int
    channels: int
    ramp: float
    timeout: float
    expected: int
    method: str = STREAM_METHOD
    part: int = 0
    parts: int = 1

    @classmethod
    def of(cls, target: str, request: bytes, **fields: Any) -> FleetSpec:
        """A spec for `request` (serialized) to `target`."""
        return cls(target=target, request=base64.b64encode(request).decode(), **fields)


@dataclass
class FleetResult:
    """Every stream of a fleet: ``[error, first_s, events, started, ended]`` each, the gaps
    between deltas (seconds), and the client processes' CPU and wall seconds."""

    outcomes: list[list[Any]] = field(default_factory=list)
    gaps: list[float] = field(default_factory=list)
    client_cpu_s: float = 0.0
    wall_s: float = 0.0

    def merge(self, other: FleetResult) -> None:
        """Add another part's streams."""
        self.outcomes += other.outcomes
        self.gaps += other.gaps
        self.client_cpu_s += other.client_cpu_s
        self.wall_s = max(self.wall_s, other.wall_s)

    @property
    def events(self) -> int:
        """Events received over all streams."""
        return sum(outcome[2] for outcome in self.outcomes)

    def errors(self) -> dict[str, int]:
        """Failed streams by error."""
        found: dict[str, int] = {}
        for error, *_ in self.outcomes:
            if error is not None:
                found[error] = found.get(error, 0) + 1
        return found

    def firsts_ms(self) -> list[float]:
        """Each stream's time to its first message, in ms."""
        return [first * 1e3 for _, first, *_ in self.outcomes if first is not None]

    def summary(self) -> dict[str, Any]:
        """The figures of the fleet: completed, errors, first-event and gap percentiles."""
        errors = self.errors()
        firsts = self.firsts_ms()
        gaps = [gap * 1e3 for gap in self.gaps]
        return {
            "streams": len(self.outcomes),
            "completed": len(self.outcomes) - sum(errors.values()),
            "errors": errors,
            "events": self.events,
            "events_per_stream_median": median(outcome[2] for outcome in self.outcomes),
            "first_event_p50_ms": percentile(firsts, 0.50),
            "first_event_p99_ms": percentile(firsts, 0.99),
            "first_event_max_ms": max(firsts, default=None),
            "gap_p50_ms": percentile(gaps, 0.50),
            "gap_p99_ms": percentile(gaps, 0.99),
            "peak_in_flight": _peak_in_flight(self.outcomes),
            "client_cpu_s": self.client_cpu_s,
            "wall_s": self.wall_s,
        }


def _peak_in_flight(outcomes: list[list[Any]]) -> int:
    """The most streams between their first event and their end at any moment."""
    edges = sorted(
        [(started + first, 1) for _, first, _, started, _ in outcomes if first is not None]
        + [(ended, -1) for _, first, _, _, ended in outcomes if first is not None]
    )
    peak = current = 0
    for _, step in edges:
        current += step
        peak = max(peak, current)
    return peak


async def _one_stream(
    method: grpc.aio.UnaryStreamMultiCallable[bytes, bytes],
    request: bytes,
    spec: FleetSpec,
    gaps: list[float],
) -> list[Any]:
    start = time.monotonic()
    first: float | None = None
    previous: float | None = None
    events = 0
    error: str | None = None
    try:
        async for message in method(request, timeout=spec.timeout):
            now = time.monotonic()
            events += 1
            if first is None:
                first = now - start
            if message[:1] == _DELTA_TAG:
                if previous is not None:
                    gaps.append(now - previous)
                previous = now
    except grpc.aio.AioRpcError as exc:
        error = exc.code().name
    except Exception as exc:
        error = type(exc).__name__
    if error is None and spec.expected and events != spec.expected:
        error = "SHORT_STREAM"
    return [error, first, events, start, time.monotonic()]


async def run_fleet(spec: FleetSpec, go: Callable[[], Awaitable[float]]) -> FleetResult:
    """Run this part of a fleet: connect every channel, await `go` for the phase's start
    (monotonic), start the streams on schedule, wait for all of them."""
    mine = list(range(spec.part, spec.streams, spec.parts))
    count = max(1, math.ceil(spec.channels / spec.parts))
    request = base64.b64decode(spec.request)
    gaps: list[float] = []
    async with contextlib.AsyncExitStack() as stack:
        methods = []
        for index in range(count):
            channel = await open_channel(spec.target, f"bench-{spec.part}-{index}")
            stack.push_async_callback(channel.close)
            methods.append(channel.unary_stream(spec.method))
        start_at = await go()

        async def one(slot: int, index: int) -> list[Any]:
            delay = start_at + index * spec.ramp / max(1, spec.streams) - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            return await _one_stream(methods[slot % count], request, spec, gaps)

        cpu_before = time.process_time()
        wall_before = time.monotonic()
        # Each stream is bounded by its own deadline; this bounds the whole phase.
        outcomes = await asyncio.wait_for(
            asyncio.gather(*(one(slot, index) for slot, index in enumerate(mine))),
            max(0.0, start_at - wall_before) + spec.ramp + spec.timeout + 10.0,
        )
        return FleetResult(
            outcomes=list(outcomes),
            gaps=gaps,
            client_cpu_s=time.process_time() - cpu_before,
            wall_s=time.monotonic() - wall_before,
        )


async def fleet(
    spec: FleetSpec, processes: int = 1, on_ready: Callable[[], object] | None = None
) -> FleetResult:
    """Run a fleet in this process (`processes` <= 1) or split over that many
    subprocesses; `on_ready` is called once every channel is connected."""

    async def go() -> float:
        if on_ready is not None:
            on_ready()
        return time.monotonic()

    if processes <= 1:
        return await run_fleet(spec, go)
    async with _Parts(spec, processes) as parts:
        return await parts.run(await go() + 0.1, spec.ramp + spec.timeout + 30.0)


async def measured_fleet(
    spec: FleetSpec,
    readers: Mapping[str, Callable[[], float | None]],
    processes: int = 1,
    on_ready: Callable[[], object] | None = None,
) -> tuple[FleetResult, CpuMeter]:
    """`fleet`, with the CPU time of the processes `readers` read (`CpuMeter`)."""
    async with CpuMeter(readers) as meter:
        result = await fleet(spec, processes, on_ready)
    return result, meter


def phase_figures(result: FleetResult, meter: CpuMeter) -> dict[str, Any]:
    """A fleet's figures, with the CPU per event (µs) and cores of every metered process
    (`<name>_cpu_us_per_event`, `<name>_cores`, `<name>_peak_cores`) and of the clients."""
    figures = result.summary()
    events = result.events
    for name in meter.names:
        figures[f"{name}_cpu_us_per_event"] = meter.per(name, events)
        figures[f"{name}_cores"] = meter.cores(name)
        figures[f"{name}_peak_cores"] = meter.peak_cores(name)
    figures["client_cpu_us_per_event"] = result.client_cpu_s / events * 1e6 if events else None
    return figures


class _Parts:
    """`count` subprocesses, each running its part of `spec`, started and connected."""

    def __init__(self, spec: FleetSpec, count: int) -> None:
        self._specs = [
            FleetSpec(**{**asdict(spec), "part": part, "parts": count}) for part in range(count)
        ]
        self._procs: list[asyncio.subprocess.Process] = []
        self._logs: list[IO[bytes]] = []

    async def __aenter__(self) -> _Parts:
        for spec in self._specs:
            log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __aexit__
            self._logs.append(log)
            self._procs.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "tools.bench.fleet",
                    json.dumps(asdict(spec)),
                    cwd=ROOT,
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=log,
                )
            )
        for proc in self._procs:
            assert proc.stdout is not None
            line = await asyncio.wait_for(proc.stdout.readline(), READY_TIMEOUT + 10.0)
            if line.strip() != b"READY":
                raise RuntimeError(f"a fleet process did not start:\n{self._log_tail()}")
        return self

    async def run(self, start_at: float, limit: float) -> FleetResult:
        for proc in self._procs:
            assert proc.stdin is not None
            proc.stdin.write(b"GO %r\n" % start_at)
            await proc.stdin.drain()
        result = FleetResult()
        for proc in self._procs:
            assert proc.stdout is not None
            out = await asyncio.wait_for(proc.stdout.read(), limit)
            await asyncio.wait_for(proc.wait(), 30.0)
            if proc.returncode != 0 or not out:
                raise RuntimeError(f"a fleet process exited {proc.returncode}:\n{self._log_tail()}")
            result.merge(FleetResult(**json.loads(out)))
        return result

    def _log_tail(self, lines: int = 20) -> str:
        text: list[str] = []
        for log in self._logs:
            log.seek(0)
            text += log.read().decode("utf-8", "replace").splitlines()[-lines:]
        return "\n".join(text)

    async def __aexit__(self, *exc: object) -> None:
        for proc in self._procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        for log in self._logs:
            log.close()


async def _part_main(spec_json: str) -> None:
    spec = FleetSpec(**json.loads(spec_json))

    async def go() -> float:
        print("READY", flush=True)
        line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.readline)
        return float(line.split()[1])

    result = await run_fleet(spec, go)
    sys.stdout.write(json.dumps(asdict(result)))
    sys.stdout.flush()


def main() -> int:
    """One part of a fleet: connect, print READY, wait for ``GO <start>``, run, print JSON."""
    # Started while the parent's gRPC threads run; this process execs at once.
    os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")
    run(_part_main(sys.argv[1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
