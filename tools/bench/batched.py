"""batched: the burst through a streaming RPC whose messages carry several events each.

Runs when the contract's service has one: a server-streaming method whose reply message
has a repeated field of ResponseStreamEvent (the one whose name says "Batch" first),
taking the create request (or a message holding one). The burst workload's stream (the
upstream in 64 KiB writes) goes through the bridge's batched RPC, the client counting
the events of every message; in alternating runs, the bare server streams the same
events one per message. Figure: events/s. Target: the batched bridge at least 3x the
bare server's single-event events/s. Without such a method it says so and is skipped.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import asdict, dataclass
from typing import Any

from google.protobuf import message_factory
from google.protobuf.descriptor import FieldDescriptor, MethodDescriptor

from bridge.server import SERVICE_NAME
from rbridge.responses.v1 import responses_service_pb2, stream_events_pb2
from tools.bench.burst import Size, measure_stream
from tools.bench.context import Context
from tools.bench.fleet import consume, open_channels, stream_request
from tools.bench.report import Bound, Check, Report, figure_table
from tools.bench.stats import Deadline, median
from tools.harness.events import Shape

__all__ = ["NAME", "SERVERS", "SIZES", "Batched", "Size", "find_batched", "run"]

NAME = "batched"
# The shared servers it uses (`Context.servers`).
SERVERS = ("upstream", "bridge", "bare")
TARGET = Bound(">=", 3.0)
NO_RPC = "no batched RPC in the contract"


# The burst workload's sizes.
SIZES = {
    "full": Size(events=60_000, runs=3, budget=150),
    "quick": Size(events=5_000, runs=1, budget=30),
    "smoke": Size(events=200, runs=1, budget=20),
}

ROWS = (
    ("events/s", "events_per_s"),
    ("events per message", "events_per_message"),
    ("server CPU per event (us)", "server_cpu_us_per_event"),
    ("client busy (CPU / wall)", "client_busy"),
)


@dataclass(frozen=True)
class Batched:
    """A batched streaming method: its descriptor, the repeated events field of its reply,
    and the field of its request that holds the create request ("" when the request is
    the create request itself)."""

    method: MethodDescriptor
    events: FieldDescriptor
    wraps: str

    @property
    def path(self) -> str:
        """The method's path: /package.Service/Method."""
        return f"/{SERVICE_NAME}/{self.method.name}"

    def request(self, create: bytes) -> bytes:
        """The method's request carrying the serialized create request `create`."""
        if not self.wraps:
            return create
        message = message_factory.GetMessageClass(self.method.input_type)()
        getattr(message, self.wraps).MergeFromString(create)
        return message.SerializeToString()

    def count(self, reply: bytes) -> int:
        """How many events one reply message carries."""
        kind = message_factory.GetMessageClass(self.method.output_type)
        return len(getattr(kind.FromString(reply), self.events.name))


def find_batched() -> Batched | None:
    """The contract's batched streaming method, if it has one."""
    service = responses_service_pb2.DESCRIPTOR.services_by_name["ResponsesService"]
    event = stream_events_pb2.ResponseStreamEvent.DESCRIPTOR.full_name
    create = responses_service_pb2.CreateResponseRequest.DESCRIPTOR.full_name
    found: list[Batched] = []
    for method in service.methods:
        if not method.server_streaming or method.client_streaming:
            continue
        events = [
            field
            for field in method.output_type.fields
            if field.is_repeated
            and field.message_type is not None
            and field.message_type.full_name == event
        ]
        if not events:
            continue
        if method.input_type.full_name == create:
            found.append(Batched(method, events[0], ""))
            continue
        holders = [
            field.name
            for field in method.input_type.fields
            if field.message_type is not None and field.message_type.full_name == create
        ]
        if holders:
            found.append(Batched(method, events[0], holders[0]))
    found.sort(key=lambda batched: "batch" not in batched.method.name.lower())
    return found[0] if found else None


async def _batched_stream(
    channel: Any, batched: Batched, server: Any, request: bytes, expected: int, limit: float
) -> dict[str, Any]:
    """Read one batched stream to its end, counting events: events/s and CPU per event."""
    method = channel.unary_stream(batched.path)
    server_before = server.cpu_seconds() or 0.0
    client_before = time.process_time()
    start = time.perf_counter()
    events = messages = 0
    async for reply in method(request, timeout=limit):
        events += batched.count(reply)
        messages += 1
    elapsed = time.perf_counter() - start
    if events != expected:
        raise RuntimeError(f"the batched stream delivered {events} of {expected} events")
    return {
        "events_per_s": events / elapsed,
        "events_per_message": events / messages if messages else None,
        "server_cpu_us_per_event": ((server.cpu_seconds() or 0.0) - server_before) / events * 1e6,
        "client_busy": (time.process_time() - client_before) / elapsed,
    }


async def run(ctx: Context, size: Size) -> Report:
    """Measure the batched RPC, or say it is not in the contract; its report."""
    shape = Shape(size.events - Shape(0).events)
    report = Report(NAME, f"the burst ({shape.events:,} events) through a batched RPC")
    batched = find_batched()
    if batched is None:
        report.skipped = NO_RPC
        report.checks.append(_check(None, None, NO_RPC))
        return report
    deadline = Deadline(size.budget, NAME)
    upstream, bridge, bare = await ctx.servers("upstream", "bridge", "bare")
    await ctx.prepare(shape, bare)
    create = stream_request(shape)
    request = batched.request(create)
    runs: dict[str, list[dict[str, Any]]] = {"bridge batched": [], "bare": []}
    async with contextlib.AsyncExitStack() as stack:
        channels = await open_channels(stack, {"batched": bridge, "bare": bare})
        bridge_channel, bare_channel = channels["batched"], channels["bare"]
        warm = Shape(100)
        await _batched_stream(
            bridge_channel,
            batched,
            bridge,
            batched.request(stream_request(warm)),
            warm.events,
            deadline.left(),
        )
        await consume(bare_channel, stream_request(warm), warm.events, deadline.left())
        for _ in range(size.runs):
            async with ctx.profiled(bridge):
                runs["bridge batched"].append(
                    await _batched_stream(
                        bridge_channel, batched, bridge, request, shape.events, deadline.left()
                    )
                )
            runs["bare"].append(
                await measure_stream(bare_channel, bare, upstream, create, shape.events, deadline)
            )
            deadline.check()
    figures = {
        name: {key: median(run.get(key) for run in found) for _, key in ROWS}
        for name, found in runs.items()
    }
    figures["bare"]["events_per_message"] = 1.0
    report.figures = {"size": asdict(size), "method": batched.method.name, **figures}
    report.add(
        f"(the bridge's {batched.method.name}; median of {size.runs} alternating runs)",
        *figure_table(figures, ROWS),
    )
    report.checks.append(
        _check(figures["bridge batched"]["events_per_s"], figures["bare"]["events_per_s"], None)
    )
    return report


def _check(subject: float | None, baseline: float | None, skipped: str | None) -> Check:
    return Check(
        "batched.events_per_s",
        "batched events/s, bridge batched / bare single-event",
        subject=subject,
        baseline=baseline,
        baseline_name="bare",
        unit=" /s",
        target=TARGET,
        skipped=skipped,
    )
