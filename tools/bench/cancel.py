"""cancel: from a client's cancel to the upstream seeing its connection closed.

Three places a call can be cancelled: a unary call whose upstream holds its headers, a
stream before its first event, a stream after a few events. One call at a time,
round-robin over the cases, after a warm-up. The upstream (`CancelUpstream`) runs in
this process, so the client's cancel and the upstream's close are read on one clock by
one event loop that runs nothing else meanwhile. The relay, cancelled the same way,
is the floor of the two stream cases (it has no unary call). Target: p99 under 100 ms.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import asdict, dataclass
from types import TracebackType
from typing import Any

import grpc
import grpc.aio
import orjson

from rbridge.responses.v1 import items_pb2, responses_service_pb2
from tools.bench.context import Context
from tools.bench.fleet import STREAM_METHOD, UNARY_METHOD, open_channels
from tools.bench.report import Report, table
from tools.bench.stats import Deadline, percentile
from tools.harness.events import MODEL, sse_frame, stream_events

__all__ = ["NAME", "SERVERS", "SIZES", "CancelUpstream", "Size", "run"]

NAME = "cancel"
# The shared servers it uses (`Context.servers`).
SERVERS = ()
TARGET_MS = 100.0
HOST = "127.0.0.1"
# The upstream holds a reply back this long at most; a sample waits this long after the
# cancel for the close, and counts as missed when none comes.
HOLD = 5.0
CLOSE_WAIT = 2.0
# The mid-stream case: one delta every PACE seconds (bounded count), and the messages
# the client reads before it cancels.
PACE = 0.02
PACED_DELTAS = 250
EVENTS_FIRST = 5
# Between the moment the server is known to wait on the upstream and the cancel: it is
# parked in its read, as it is for most of a real call's life.
SETTLE = 0.02
# Waits for the upstream to see a request, or for the client to see a message.
STEP_TIMEOUT = 5.0

_SSE_HEAD = (
    b"HTTP/1.1 200 OK\r\n"
    b"content-type: text/event-stream; charset=utf-8\r\n"
    b"transfer-encoding: chunked\r\n"
    b"connection: close\r\n"
    b"x-request-id: req_bench_cancel\r\n"
    b"\r\n"
)
_BAD_REQUEST = (
    b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\n"
    b"content-length: 2\r\nconnection: close\r\n\r\n{}"
)


@dataclass(frozen=True)
class Size:
    """How much the workload does."""

    warmup: int
    samples: int
    budget: float


SIZES = {
    "full": Size(warmup=2, samples=30, budget=120),
    "quick": Size(warmup=1, samples=5, budget=40),
    "smoke": Size(warmup=0, samples=1, budget=30),
}


@dataclass(frozen=True)
class Case:
    """One place a call can be cancelled: the RPC, the upstream's reply, messages read."""

    key: str
    label: str
    rpc: str
    upstream_case: str
    events_first: int


CASES = (
    Case("unary_before_first_byte", "unary, upstream holds headers", "unary", "hold_headers", 0),
    Case("stream_before_first_event", "stream, before first event", "stream", "hold_body", 0),
    Case(
        "stream_mid_stream", f"stream, after {EVENTS_FIRST} events", "stream", "paced", EVENTS_FIRST
    ),
)


class _Connection:
    """One connection to the cancel upstream: its case and when it closed, by whom."""

    def __init__(self, case: str) -> None:
        self.case = case
        self.replying = asyncio.Event()  # response headers sent
        self.closed = asyncio.Event()
        self.closed_at: float | None = None
        self.closed_by: str | None = None

    def mark_closed(self, by: str) -> None:
        if self.closed_at is None:
            self.closed_at = time.monotonic()
            self.closed_by = by
            self.closed.set()

    async def wait_closed(self, seconds: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.closed.wait(), seconds)
        return self.closed.is_set()


class CancelUpstream:
    """A raw HTTP/1.1 upstream in this process that records when connections close.

    The request's ``metadata["bench_case"]`` picks the reply: ``hold_headers`` (no byte
    for HOLD seconds), ``hold_body`` (SSE headers, then no event), ``paced`` (events, one
    delta every PACE seconds). Every reply says ``connection: close``, so one connection
    is one call. After the request, a watcher reads the socket to EOF: the moment the
    peer closes (or resets) the connection is recorded with ``time.monotonic()``.
    """

    def __init__(self) -> None:
        self.arrivals: asyncio.Queue[_Connection] = asyncio.Queue()
        self._server: asyncio.Server | None = None
        self.port = 0
        frames = [sse_frame(event) for event in stream_events(PACED_DELTAS)]
        self._paced = [b"%x\r\n%s\r\n" % (len(frame), frame) for frame in frames]

    @property
    def url(self) -> str:
        """Its base URL (ends in /v1)."""
        return f"http://{HOST}:{self.port}/v1"

    async def __aenter__(self) -> CancelUpstream:
        self._server = await asyncio.start_server(self._handle, HOST, 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.close()
            # Every handler ends within HOLD (or at a close).
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), HOLD + 1.0)

    def drain(self) -> None:
        """Forget connections no sample waited for (none, unless a sample failed)."""
        while not self.arrivals.empty():
            self.arrivals.get_nowait()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn: _Connection | None = None
        watcher: asyncio.Task[None] | None = None
        try:
            try:
                case = await asyncio.wait_for(_read_case(reader), STEP_TIMEOUT)
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                return
            if case not in ("hold_headers", "hold_body", "paced"):
                writer.write(_BAD_REQUEST)
                await writer.drain()
                return
            conn = _Connection(case)
            watcher = asyncio.get_running_loop().create_task(_watch_eof(reader, conn))
            self.arrivals.put_nowait(conn)
            await self._answer(conn, writer)
        except (ConnectionError, TimeoutError):
            pass
        finally:
            if conn is not None:
                conn.mark_closed("upstream")
            writer.close()
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher

    async def _answer(self, conn: _Connection, writer: asyncio.StreamWriter) -> None:
        if conn.case == "hold_headers":
            await conn.wait_closed(HOLD)
            return
        writer.write(_SSE_HEAD)
        await writer.drain()
        conn.replying.set()
        if conn.case == "hold_body":
            await conn.wait_closed(HOLD)
            return
        # paced: the four opening events at once, then one delta per PACE.
        for index, chunk in enumerate(self._paced):
            if index > 4 and await conn.wait_closed(PACE):
                return
            writer.write(chunk)
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await writer.drain()


async def _read_case(reader: asyncio.StreamReader) -> str:
    """Read one request; the ``bench_case`` its JSON body's metadata names ("" if none)."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length) if length else b""
    try:
        payload = orjson.loads(body) if body else {}
    except orjson.JSONDecodeError:
        return ""
    metadata = payload.get("metadata") if isinstance(payload, dict) else None
    case = metadata.get("bench_case") if isinstance(metadata, dict) else None
    return case if isinstance(case, str) else ""


async def _watch_eof(reader: asyncio.StreamReader, conn: _Connection) -> None:
    """Read until EOF or reset: when the peer closes is when it is recorded."""
    with contextlib.suppress(ConnectionError):
        while await reader.read(65536):
            pass
    conn.mark_closed("peer")


async def _cancel_once(
    channel: grpc.aio.Channel, upstream: CancelUpstream, case: Case
) -> float | None:
    """One call cancelled where `case` says; seconds from the cancel to the upstream
    seeing its connection closed by the server, or None when that did not happen within
    CLOSE_WAIT."""
    upstream.drain()
    request = responses_service_pb2.CreateResponseRequest(
        model=MODEL,
        input=items_pb2.Input(text="Please cancel me."),
        metadata={"bench_case": case.upstream_case},
    ).SerializeToString()
    timeout = HOLD + CLOSE_WAIT + 5.0
    call: grpc.aio.Call
    stream: grpc.aio.UnaryStreamCall[bytes, bytes] | None = None
    if case.rpc == "unary":
        call = channel.unary_unary(UNARY_METHOD)(request, timeout=timeout)
    else:
        call = stream = channel.unary_stream(STREAM_METHOD)(request, timeout=timeout)
    try:
        conn = await asyncio.wait_for(upstream.arrivals.get(), STEP_TIMEOUT)
        if case.upstream_case != "hold_headers":
            await asyncio.wait_for(conn.replying.wait(), STEP_TIMEOUT)
        for _ in range(case.events_first):
            assert stream is not None
            message = await asyncio.wait_for(stream.read(), STEP_TIMEOUT)
            if message is grpc.aio.EOF:
                raise RuntimeError(f"{case.key}: the stream ended before the cancel")
        await asyncio.sleep(SETTLE)
        cancelled_at = time.monotonic()
        call.cancel()
        closed = await conn.wait_closed(CLOSE_WAIT)
    finally:
        call.cancel()
        with contextlib.suppress(asyncio.CancelledError, grpc.aio.AioRpcError, TimeoutError):
            await asyncio.wait_for(call.code(), STEP_TIMEOUT)
    # Not closed by the server in time (or, oddly, before the cancel): missed.
    if not closed or conn.closed_by != "peer" or conn.closed_at is None:
        return None
    return conn.closed_at - cancelled_at if conn.closed_at >= cancelled_at else None


async def run(ctx: Context, size: Size) -> Report:
    """Measure cancel-to-close; its report."""
    report = Report(NAME, "client cancel -> the upstream sees its connection closed")
    deadline = Deadline(size.budget, NAME)
    sides = ("bridge", "relay")
    samples: dict[str, dict[str, list[float]]] = {
        side: {case.key: [] for case in CASES} for side in sides
    }
    missed = {side: dict.fromkeys(samples[side], 0) for side in sides}
    async with CancelUpstream() as upstream:
        bridge, relay = await asyncio.gather(
            ctx.own_bridge(ctx.bridge_env(upstream.url)),
            ctx.own_server("relay", "tools.harness.floor", "relay", "--upstream-url", upstream.url),
        )
        async with contextlib.AsyncExitStack() as stack:
            channels = await open_channels(stack, {"bridge": bridge, "relay": relay})
            # Round-robin over the cases and servers, so a noisy spell hits each alike.
            for round_ in range(size.warmup + size.samples):
                for case in CASES:
                    for side in sides:
                        if side == "relay" and case.rpc == "unary":
                            continue
                        seconds = await _cancel_once(channels[side], upstream, case)
                        deadline.check()
                        if round_ < size.warmup:
                            continue
                        if seconds is None:
                            missed[side][case.key] += 1
                        else:
                            samples[side][case.key].append(seconds * 1e3)
    figures: dict[str, Any] = {"size": asdict(size), "target_ms": TARGET_MS}
    rows = []
    met = True
    for case in CASES:
        for side in sides:
            if side == "relay" and case.rpc == "unary":
                continue
            values = samples[side][case.key]
            entry = {
                "closed": len(values),
                "missed": missed[side][case.key],
                "p50_ms": percentile(values, 0.50),
                "p99_ms": percentile(values, 0.99),
                "max_ms": max(values, default=None),
            }
            figures.setdefault(side, {})[case.key] = entry
            if side == "bridge":
                p99 = entry["p99_ms"]
                met = met and not entry["missed"] and p99 is not None and p99 < TARGET_MS
            rows.append(
                (
                    f"{side}: {case.label}",
                    [
                        _ms(entry["p50_ms"]),
                        _ms(entry["p99_ms"]),
                        _ms(entry["max_ms"]),
                        str(entry["missed"]),
                    ],
                )
            )
    figures["met"] = met
    report.figures = figures
    report.add(
        f"({size.samples} calls per case and server, round-robin after warm-up; a close "
        f"later than {CLOSE_WAIT * 1e3:.0f} ms counts as missed)",
        *table(["p50 ms", "p99 ms", "max ms", "missed"], rows),
        f"target: the bridge's p99 under {TARGET_MS:g} ms, none missed: "
        + ("met" if met else "MISSED"),
    )
    return report


def _ms(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}"
