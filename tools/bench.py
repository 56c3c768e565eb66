"""Benchmarks of the bridge, each figure next to a baseline measured in the same run.

Usage::

    .venv/bin/python tools/bench.py               # full run (1.5 to 3 minutes)
    .venv/bin/python tools/bench.py --quick       # smoke run (about 30 s)
    .venv/bin/python tools/bench.py --json out.json --profile

Three sections:

(a) Unary latency: sequential ``CreateResponse`` calls through the bridge to the
    simulator, against the same number of direct HTTP POSTs (same JSON body) to
    the same simulator. Reported: p50/p99 of both, the latency the bridge adds
    (bridge minus direct), and for reference the same gRPC call to a bare
    server that answers a prebuilt Response (the cost of the gRPC hop alone).
(b) Stream throughput: events per second of one long stream through the bridge
    from a pre-rendered SSE upstream, against a bare ``grpc.aio`` server that
    streams the same events, prebuilt, under the same method name (the ceiling
    of the Python gRPC stack). Reported: both rates (median of 3 alternating
    runs) and their ratio; also each server process's CPU time per event and
    how busy server and client were, which tell load on a shared machine from
    real differences and show when the client, not the server, set the pace.
(c) Codec cost per event: ``codec.from_json``, ``orjson.loads``, the SSE decoder
    and ``SerializeToString``, as the minimum of ``timeit.repeat``.

``--profile`` adds one more stream through a bridge running under cProfile and
prints its 25 functions with the most own time.

Process layout, the same for every server under test and its baseline: each
server (simulator, bridge, bare gRPC server, pre-rendered upstream) runs in its
own subprocess of this script (``--role ...``, uvloop when installed), and every
client runs in this process. In one process, client and server would share one
GIL and one event loop, so the client's work would be billed to the server and
vice versa, and not in the same proportion for the bridge as for the bare
server. The upstream gets its own process too: in the bridge's process it would
steal the bridge's CPU, which the bare server does not pay for. The machine may
have only 2 cores; during a stream run the busy processes are the server under
test and this client (the upstream only copies 64 KiB writes), so each has a
core.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import io
import json
import math
import os
import pstats
import random
import statistics
import string
import sys
import tempfile
import time
import timeit
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, TypeVar

# This process forks its server children while gRPC's poller thread runs; the
# children exec at once, so gRPC's fork handlers have nothing to do, and with
# them on gRPC logs "skipping fork() handlers". Read when grpc is imported.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")

import grpc
import grpc.aio
import httpx
import orjson

from bridge import codec
from bridge.config import Settings
from bridge.sse import SSEDecoder
from rbridge.responses.v1 import (
    items_pb2,
    response_pb2,
    responses_service_pb2,
    responses_service_pb2_grpc,
    stream_events_pb2,
)

SERVICE = responses_service_pb2.DESCRIPTOR.services_by_name["ResponsesService"].full_name
STREAM_METHOD = f"/{SERVICE}/StreamCreateResponse"
HOST = "127.0.0.1"
MODEL = "gpt-4.1-2025-04-14"

ADDED_P50_TARGET_MS = 1.0
STREAM_RATIO_TARGET = 0.80
# A client busier than this (CPU time over wall time) was the bottleneck of its run.
CLIENT_BOUND = 0.90

# Large writes of the pre-rendered upstream, as a fast real server would send.
WRITE_BYTES = 64 * 1024
# Seconds a child server may take to start (the bare server builds its messages).
CHILD_START_TIMEOUT = 60.0
CHILD_STOP_TIMEOUT = 30.0
_CHANNEL_OPTIONS = [("grpc.max_receive_message_length", -1)]

Event = dict[str, Any]
T = TypeVar("T")


@dataclass(frozen=True)
class Plan:
    """How much work each section does (bounded counts; time limits below)."""

    unary_warmup: int
    unary_calls: int
    unary_blocks: int
    stream_deltas: int
    stream_repeats: int
    codec_number: int
    codec_repeat: int
    unary_timeout: float
    stream_timeout: float

    @classmethod
    def for_mode(cls, quick: bool) -> Plan:
        if quick:
            return cls(
                unary_warmup=50,
                unary_calls=300,
                unary_blocks=3,
                stream_deltas=30_000,
                stream_repeats=3,
                codec_number=2_000,
                codec_repeat=3,
                unary_timeout=60.0,
                stream_timeout=90.0,
            )
        return cls(
            unary_warmup=200,
            unary_calls=2_000,
            unary_blocks=4,
            stream_deltas=100_000,
            stream_repeats=3,
            codec_number=20_000,
            codec_repeat=5,
            unary_timeout=90.0,
            stream_timeout=180.0,
        )


# --------------------------------------------------------------------------
# Realistic OpenAI stream events (shapes as recorded from api.openai.com)
# --------------------------------------------------------------------------

_RESPONSE_ID = "resp_68c42d25f1c8819d9a3a0a8b2f4e5c6d0e1f2a3b4c5d6e7f"
_ITEM_ID = "msg_68c42d26866c819da8d5c606621c911608fbf9b1584184"  # 50 chars
_WORDS = (
    " The",
    " bridge",
    " streams",
    " every",
    " token",
    " as",
    " soon",
    " as",
    " it",
    " arrives",
    ",",
    " so",
    " clients",
    " see",
    " text",
    " early",
    ".",
)
assert len(_ITEM_ID) == 50


def _obfuscations(count: int) -> list[str]:
    rng = random.Random(20250914)
    alphabet = string.ascii_letters + string.digits
    return ["".join(rng.choices(alphabet, k=rng.randint(2, 15))) for _ in range(count)]


def _deltas(count: int) -> Iterator[str]:
    yield "Sure"
    for i in range(1, count):
        yield _WORDS[i % len(_WORDS)]


def _response(*, done: bool, text: str, output_tokens: int) -> Event:
    output = []
    if done:
        output = [
            {
                "id": _ITEM_ID,
                "type": "message",
                "status": "completed",
                "content": [
                    {"type": "output_text", "annotations": [], "logprobs": [], "text": text}
                ],
                "role": "assistant",
            }
        ]
    return {
        "id": _RESPONSE_ID,
        "object": "response",
        "created_at": 1757686053,
        "status": "completed" if done else "in_progress",
        "background": False,
        "completed_at": 1757686061 if done else None,
        "error": None,
        "incomplete_details": None,
        "instructions": "Follow the user instructions exactly.",
        "max_output_tokens": None,
        "max_tool_calls": None,
        "model": MODEL,
        "output": output,
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "prompt_cache_key": None,
        "reasoning": {"effort": None, "summary": None},
        "safety_identifier": None,
        "service_tier": "default" if done else "auto",
        "store": True,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": "auto",
        "tools": [],
        "top_logprobs": 0,
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": {
            "input_tokens": 21,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 21 + output_tokens,
        }
        if done
        else None,
        "user": None,
        "metadata": {},
    }


def stream_events(deltas: int) -> Iterator[Event]:
    """One message answer of `deltas` one-word text deltas: deltas + 8 events."""
    seq = iter(range(deltas + 8))
    for kind in ("response.created", "response.in_progress"):
        yield {
            "type": kind,
            "sequence_number": next(seq),
            "response": _response(done=False, text="", output_tokens=0),
        }
    yield {
        "type": "response.output_item.added",
        "sequence_number": next(seq),
        "output_index": 0,
        "item": {
            "id": _ITEM_ID,
            "type": "message",
            "status": "in_progress",
            "content": [],
            "role": "assistant",
        },
    }
    part = {"type": "output_text", "annotations": [], "logprobs": [], "text": ""}
    yield {
        "type": "response.content_part.added",
        "sequence_number": next(seq),
        "item_id": _ITEM_ID,
        "output_index": 0,
        "content_index": 0,
        "part": part,
    }
    pads = _obfuscations(97)
    words: list[str] = []
    for i, delta in enumerate(_deltas(deltas)):
        words.append(delta)
        yield {
            "type": "response.output_text.delta",
            "sequence_number": next(seq),
            "item_id": _ITEM_ID,
            "output_index": 0,
            "content_index": 0,
            "delta": delta,
            "logprobs": [],
            "obfuscation": pads[i % len(pads)],
        }
    text = "".join(words)
    yield {
        "type": "response.output_text.done",
        "sequence_number": next(seq),
        "item_id": _ITEM_ID,
        "output_index": 0,
        "content_index": 0,
        "text": text,
        "logprobs": [],
    }
    yield {
        "type": "response.content_part.done",
        "sequence_number": next(seq),
        "item_id": _ITEM_ID,
        "output_index": 0,
        "content_index": 0,
        "part": {**part, "text": text},
    }
    completed = _response(done=True, text=text, output_tokens=deltas)
    yield {
        "type": "response.output_item.done",
        "sequence_number": next(seq),
        "output_index": 0,
        "item": completed["output"][0],
    }
    yield {"type": "response.completed", "sequence_number": next(seq), "response": completed}


def sse_frame(event: Event) -> bytes:
    """One event as OpenAI sends it: an ``event:`` line, a ``data:`` line, a blank line."""
    return b"event: %s\ndata: %s\n\n" % (event["type"].encode(), orjson.dumps(event))


def render_sse(deltas: int) -> bytes:
    return b"".join(sse_frame(event) for event in stream_events(deltas))


def stream_request(deltas: int) -> responses_service_pb2.CreateResponseRequest:
    return responses_service_pb2.CreateResponseRequest(
        model=MODEL, input=items_pb2.Input(text=f"count {deltas} words")
    )


# --------------------------------------------------------------------------
# Child processes: one server each
# --------------------------------------------------------------------------


def _run_loop(main: Coroutine[Any, Any, T]) -> T:
    """Run `main` on uvloop when installed (as `bridge serve` does), else asyncio."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is absent on Windows
        return asyncio.run(main)
    return uvloop.run(main)


async def _until_stdin_closes() -> None:
    """The parent ends a child by closing its stdin (it also ends if the parent dies)."""
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.read)


def _announce(port: int) -> None:
    """Tell the parent the port, then send any later stdout to the log (stderr).

    Nobody reads the stdout pipe after this line; output there could fill it
    and block the server.
    """
    print(f"PORT {port}", flush=True)
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())


async def _serve_simulator() -> None:
    from bridge.simulator import SimulatorOptions
    from bridge.simulator import start as start_simulator

    runner, port = await start_simulator(HOST, 0, SimulatorOptions(token_delay=0.0))
    _announce(port)
    await _until_stdin_closes()
    await runner.cleanup()


async def _serve_bridge(upstream_url: str, profile_out: str | None) -> None:
    from bridge.server import start as start_bridge

    settings = Settings(listen=f"{HOST}:0", upstream_url=upstream_url)
    try:
        from bridge.logs import configure
    except ImportError:  # pragma: no cover - older trees have no logging setup
        pass
    else:
        # As `bridge serve` does, so whatever the bridge logs costs what it costs
        # in production (the child's stderr goes to a file).
        configure(settings.log_level, "json")
    bridge = await start_bridge(settings)
    _announce(bridge.port)
    profiler = cProfile.Profile() if profile_out else None
    if profiler is not None:
        profiler.enable()
    await _until_stdin_closes()
    if profiler is not None and profile_out:
        profiler.disable()
        profiler.dump_stats(profile_out)
    await bridge.stop(0)


async def _serve_bare(deltas: int) -> None:
    """A gRPC server with no bridge logic: it answers with prebuilt messages.

    StreamCreateResponse streams the events of `stream_events(deltas)`;
    CreateResponse returns their final Response (the floor of a unary call).
    """
    event_type = stream_events_pb2.ResponseStreamEvent
    events = list(stream_events(deltas))
    messages = [codec.from_json(event, event_type) for event in events]
    reply = codec.from_json(events[-1]["response"], response_pb2.Response)
    del events

    async def create(
        request: responses_service_pb2.CreateResponseRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> response_pb2.Response:
        return reply

    async def stream(
        request: responses_service_pb2.CreateResponseRequest,
        context: grpc.aio.ServicerContext[Any, Any],
    ) -> AsyncIterator[stream_events_pb2.ResponseStreamEvent]:
        for message in messages:
            yield message

    max_bytes = Settings().max_message_bytes
    server = grpc.aio.server(
        options=[
            ("grpc.max_receive_message_length", max_bytes),
            ("grpc.max_send_message_length", max_bytes),
        ]
    )
    handler = grpc.method_handlers_generic_handler(
        SERVICE,
        {
            "StreamCreateResponse": grpc.unary_stream_rpc_method_handler(
                stream,
                request_deserializer=responses_service_pb2.CreateResponseRequest.FromString,
                response_serializer=event_type.SerializeToString,
            ),
            "CreateResponse": grpc.unary_unary_rpc_method_handler(
                create,
                request_deserializer=responses_service_pb2.CreateResponseRequest.FromString,
                response_serializer=response_pb2.Response.SerializeToString,
            ),
        },
    )
    server.add_generic_rpc_handlers((handler,))
    port = server.add_insecure_port(f"{HOST}:0")
    await server.start()
    _announce(port)
    await _until_stdin_closes()
    await server.stop(0)


async def _serve_upstream(deltas: int) -> None:
    """Minimal HTTP/1.1 keep-alive server answering any request with the same SSE body.

    The body is rendered once and sent chunked (as api.openai.com does) in
    64 KiB writes, so the upstream costs next to nothing per event.
    """
    body = render_sse(deltas)
    chunks = [
        b"%x\r\n%s\r\n" % (len(piece), piece)
        for piece in (body[i : i + WRITE_BYTES] for i in range(0, len(body), WRITE_BYTES))
    ]
    chunks.append(b"0\r\n\r\n")
    head = (
        b"HTTP/1.1 200 OK\r\n"
        b"content-type: text/event-stream; charset=utf-8\r\n"
        b"transfer-encoding: chunked\r\n"
        b"cache-control: no-cache\r\n"
        b"x-request-id: req_bench\r\n"
        b"\r\n"
    )

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request_head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in request_head.split(b"\r\n"):
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                if length:
                    await reader.readexactly(length)
                writer.write(head)
                for chunk in chunks:
                    writer.write(chunk)
                    await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, HOST, 0, limit=1 << 20)
    _announce(server.sockets[0].getsockname()[1])
    await _until_stdin_closes()
    server.close()


def child_main(args: argparse.Namespace) -> None:
    role: str = args.role
    if role == "simulator":
        _run_loop(_serve_simulator())
    elif role == "bridge":
        _run_loop(_serve_bridge(args.upstream_url, args.profile_out))
    elif role == "bare":
        _run_loop(_serve_bare(args.deltas))
    elif role == "upstream":
        _run_loop(_serve_upstream(args.deltas))
    else:  # pragma: no cover - argparse restricts the choices
        raise SystemExit(f"unknown role {role}")


class Child:
    """A server subprocess of this script; ``port`` is known once entered.

    Its stderr (logs, tracebacks) goes to a temporary file, shown only when the
    child fails to start or exits abnormally.
    """

    def __init__(self, role: str, *extra: str) -> None:
        self._argv = [sys.executable, os.path.abspath(__file__), "--role", role, *extra]
        self._role = role
        self._proc: asyncio.subprocess.Process | None = None
        self._log: Any = None
        self.port = 0

    async def __aenter__(self) -> Child:
        self._log = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _stop
        self._proc = await asyncio.create_subprocess_exec(
            *self._argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=self._log,
        )
        assert self._proc.stdout is not None
        try:
            line = await asyncio.wait_for(self._proc.stdout.readline(), CHILD_START_TIMEOUT)
        except TimeoutError:
            await self._stop()
            raise
        if not line.startswith(b"PORT "):
            log = self._log_tail()
            await self._stop(quiet=True)
            raise RuntimeError(f"{self._role} server did not start:\n{log}")
        self.port = int(line.split()[1])
        return self

    def _log_tail(self, lines: int = 25) -> str:
        if self._log is None or self._log.closed:
            return ""
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace")
        return "\n".join(text.splitlines()[-lines:])

    def cpu_seconds(self) -> float | None:
        """CPU time (user + system, all threads) the child has used; None off Linux."""
        if self._proc is None:
            return None
        try:
            stat = Path(f"/proc/{self._proc.pid}/stat").read_text()
        except OSError:
            return None
        # Fields after the ")" closing the command name start at field 3 (state);
        # utime and stime are fields 14 and 15.
        fields = stat.rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._stop()

    async def _stop(self, quiet: bool = False) -> None:
        proc = self._proc
        if proc is not None and proc.returncode is None:
            assert proc.stdin is not None
            proc.stdin.close()
            try:
                await asyncio.wait_for(proc.wait(), CHILD_STOP_TIMEOUT)
            except TimeoutError:
                proc.kill()
                await proc.wait()
        if proc is not None and proc.returncode != 0 and not quiet:
            _print(
                f"warning: the {self._role} server exited with {proc.returncode}:\n"
                f"{self._log_tail()}"
            )
        if self._log is not None:
            self._log.close()


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of already sorted values (q in 0..1)."""
    rank = max(0, min(len(sorted_values) - 1, math.ceil(q * len(sorted_values)) - 1))
    return sorted_values[rank]


class Deadline:
    """A wall-clock budget shared by the loops of one section."""

    def __init__(self, seconds: float, what: str) -> None:
        self._end = time.monotonic() + seconds
        self._what = what

    def left(self) -> float:
        return max(0.1, self._end - time.monotonic())

    def check(self) -> None:
        if time.monotonic() > self._end:
            raise TimeoutError(f"{self._what}: time budget exceeded")


def _load() -> str:
    """The 1/5/15-minute load averages: how much else the machine was running."""
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:  # pragma: no cover - not available on this platform
        return "n/a"


def _print(text: str = "") -> None:
    print(text, flush=True)


# --------------------------------------------------------------------------
# (a) Unary latency
# --------------------------------------------------------------------------


async def _timed_calls(
    call: Callable[[], Awaitable[None]], count: int, deadline: Deadline
) -> list[float]:
    """Milliseconds of `count` sequential calls."""
    samples: list[float] = []
    clock = time.perf_counter_ns
    for _ in range(count):
        start = clock()
        await call()
        samples.append((clock() - start) / 1e6)
        deadline.check()
    return samples


async def bench_unary(plan: Plan) -> dict[str, Any]:
    deadline = Deadline(plan.unary_timeout, "unary latency")
    request = responses_service_pb2.CreateResponseRequest(
        model=MODEL, input=items_pb2.Input(text="Please count 20 words for me.")
    )
    # The exact body the bridge sends upstream for this request.
    body = orjson.dumps({**codec.to_json(request), "stream": False})
    samples: dict[str, list[float]] = {"direct": [], "bridge": [], "bare": []}
    async with Child("simulator") as simulator:
        upstream_url = f"http://{HOST}:{simulator.port}/v1"
        async with (
            Child("bridge", "--upstream-url", upstream_url) as bridge,
            Child("bare", "--deltas", "20") as bare,
            httpx.AsyncClient(
                headers={"content-type": "application/json", "user-agent": "bench"},
                timeout=10.0,
            ) as http,
            grpc.aio.insecure_channel(f"{HOST}:{bridge.port}", options=_CHANNEL_OPTIONS) as br_ch,
            grpc.aio.insecure_channel(f"{HOST}:{bare.port}", options=_CHANNEL_OPTIONS) as bare_ch,
        ):
            for channel in (br_ch, bare_ch):
                await asyncio.wait_for(channel.channel_ready(), CHILD_START_TIMEOUT)
            bridge_stub = responses_service_pb2_grpc.ResponsesServiceStub(br_ch)  # type: ignore[no-untyped-call]
            bare_stub = responses_service_pb2_grpc.ResponsesServiceStub(bare_ch)  # type: ignore[no-untyped-call]
            url = f"{upstream_url}/responses"

            async def direct() -> None:
                reply = await http.post(url, content=body)
                if reply.status_code != 200:
                    raise RuntimeError(f"simulator answered HTTP {reply.status_code}")
                orjson.loads(reply.content)

            async def through_bridge() -> None:
                await bridge_stub.CreateResponse(request, timeout=10.0)

            async def bare_grpc() -> None:
                await bare_stub.CreateResponse(request, timeout=10.0)

            calls = {"direct": direct, "bridge": through_bridge, "bare": bare_grpc}
            # The server process whose CPU time each side's calls are charged with.
            servers = {"direct": simulator, "bridge": bridge, "bare": bare}
            cpu: dict[str, float | None] = dict.fromkeys(calls, 0.0)
            for call in calls.values():
                await _timed_calls(call, plan.unary_warmup, deadline)
            # Alternating blocks, so that a noisy spell hits every side alike.
            per_block = plan.unary_calls // plan.unary_blocks
            for _ in range(plan.unary_blocks):
                for name, call in calls.items():
                    before = servers[name].cpu_seconds()
                    samples[name] += await _timed_calls(call, per_block, deadline)
                    after = servers[name].cpu_seconds()
                    spent = cpu[name]
                    cpu[name] = (
                        None
                        if spent is None or before is None or after is None
                        else spent + after - before
                    )
    figures: dict[str, Any] = {"calls": len(samples["bridge"])}
    for name, spent in cpu.items():
        figures[f"{name}_server_cpu_ms_per_call"] = (
            None if spent is None else spent / len(samples[name]) * 1e3
        )
    for name, values in samples.items():
        values.sort()
        figures[f"{name}_p50_ms"] = percentile(values, 0.50)
        figures[f"{name}_p99_ms"] = percentile(values, 0.99)
    figures["added_p50_ms"] = figures["bridge_p50_ms"] - figures["direct_p50_ms"]
    figures["added_p99_ms"] = figures["bridge_p99_ms"] - figures["direct_p99_ms"]
    figures["target_added_p50_ms"] = ADDED_P50_TARGET_MS
    figures["met"] = figures["added_p50_ms"] < ADDED_P50_TARGET_MS
    return figures


def print_unary(f: dict[str, Any]) -> None:
    _print(f"(a) Unary latency: {f['calls']} sequential calls each, after warm-up (ms)")
    _print(f"    {'':<36}{'p50':>10}{'p99':>10}")
    for label, key in (
        ("direct httpx -> simulator", "direct"),
        ("gRPC -> bridge -> simulator", "bridge"),
        ("added by the bridge", "added"),
        ("reference: gRPC -> bare server", "bare"),
    ):
        _print(f"    {label:<36}{f[f'{key}_p50_ms']:>10.3f}{f[f'{key}_p99_ms']:>10.3f}")
    _print(
        "    (the bare server answers a prebuilt Response with no upstream: the cost of\n"
        "     the gRPC hop alone, which the added latency includes)"
    )
    _print(
        "    server CPU per call (ms): "
        f"bridge {_fmt(f['bridge_server_cpu_ms_per_call'], '.3f')}, "
        f"bare gRPC server {_fmt(f['bare_server_cpu_ms_per_call'], '.3f')}, "
        f"simulator {_fmt(f['direct_server_cpu_ms_per_call'], '.3f')}"
    )
    _print()


# --------------------------------------------------------------------------
# (b) Stream throughput
# --------------------------------------------------------------------------


async def consume_stream(
    channel: grpc.aio.Channel, request: bytes, expected: int, deadline: Deadline
) -> float:
    """Read one stream to its end, counting raw messages; return the seconds it took.

    The client is the same for both servers. Messages stay raw bytes (no
    deserializer), so the client costs as little as grpc.aio allows.
    """
    method: grpc.aio.UnaryStreamMultiCallable[bytes, bytes] = channel.unary_stream(STREAM_METHOD)
    count = 0
    start = time.perf_counter()
    call = method(request, timeout=deadline.left())
    async for _ in call:
        count += 1
    elapsed = time.perf_counter() - start
    if count != expected:
        raise RuntimeError(f"stream ended after {count} of {expected} events")
    return elapsed


@dataclass(frozen=True)
class StreamRun:
    """One stream: wall-clock rate, and CPU per event of the server and of the client."""

    events_per_s: float
    server_cpu_us: float | None
    client_cpu_us: float
    server_busy: float | None
    client_busy: float


async def measured_stream(
    server: Child, channel: grpc.aio.Channel, request: bytes, expected: int, deadline: Deadline
) -> StreamRun:
    """`consume_stream` plus the CPU time the server process and this process spent.

    CPU time per event barely depends on what else the machine runs, unlike
    the wall-clock rate, so it tells noise from real differences; busy is CPU
    time over wall time (near 1.0: that process was the bottleneck).
    """
    server_before = server.cpu_seconds()
    client_before = time.process_time()
    elapsed = await consume_stream(channel, request, expected, deadline)
    client_cpu = time.process_time() - client_before
    server_after = server.cpu_seconds()
    server_cpu = (
        server_after - server_before
        if server_after is not None and server_before is not None
        else None
    )
    return StreamRun(
        events_per_s=expected / elapsed,
        server_cpu_us=None if server_cpu is None else server_cpu / expected * 1e6,
        client_cpu_us=client_cpu / expected * 1e6,
        server_busy=None if server_cpu is None else server_cpu / elapsed,
        client_busy=client_cpu / elapsed,
    )


def _median(values: list[float | None]) -> float | None:
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def _summarize(runs: list[StreamRun]) -> dict[str, Any]:
    return {
        "events_per_s": statistics.median(run.events_per_s for run in runs),
        "runs_events_per_s": [run.events_per_s for run in runs],
        "server_cpu_us_per_event": _median([run.server_cpu_us for run in runs]),
        "client_cpu_us_per_event": statistics.median(run.client_cpu_us for run in runs),
        "server_busy": _median([run.server_busy for run in runs]),
        "client_busy": statistics.median(run.client_busy for run in runs),
    }


async def bench_stream(plan: Plan, profile: bool) -> tuple[dict[str, Any], str | None]:
    deadline = Deadline(plan.stream_timeout, "stream throughput")
    deltas = str(plan.stream_deltas)
    expected = plan.stream_deltas + 8
    request = stream_request(plan.stream_deltas).SerializeToString()
    bare_runs: list[StreamRun] = []
    bridge_runs: list[StreamRun] = []
    profile_text: str | None = None
    async with (
        Child("upstream", "--deltas", deltas) as upstream,
        Child("bare", "--deltas", deltas) as bare,
    ):
        upstream_url = f"http://{HOST}:{upstream.port}/v1"
        async with (
            Child("bridge", "--upstream-url", upstream_url) as bridge,
            grpc.aio.insecure_channel(f"{HOST}:{bare.port}", options=_CHANNEL_OPTIONS) as bare_ch,
            grpc.aio.insecure_channel(f"{HOST}:{bridge.port}", options=_CHANNEL_OPTIONS) as br_ch,
        ):
            for channel in (bare_ch, br_ch):
                await asyncio.wait_for(channel.channel_ready(), CHILD_START_TIMEOUT)
            # Alternating, so that a noisy spell hits both sides alike.
            for _ in range(plan.stream_repeats):
                bare_runs.append(await measured_stream(bare, bare_ch, request, expected, deadline))
                bridge_runs.append(
                    await measured_stream(bridge, br_ch, request, expected, deadline)
                )
        if profile:
            profile_text = await _profile_bridge(upstream_url, request, expected, deadline)
    figures: dict[str, Any] = {
        "events": expected,
        "repeats": plan.stream_repeats,
        "bare": _summarize(bare_runs),
        "bridge": _summarize(bridge_runs),
        "target_ratio": STREAM_RATIO_TARGET,
    }
    bare_rate = figures["bare"]["events_per_s"]
    bridge_rate = figures["bridge"]["events_per_s"]
    figures["ratio"] = bridge_rate / bare_rate
    figures["added_wall_us_per_event"] = 1e6 / bridge_rate - 1e6 / bare_rate
    bare_cpu = figures["bare"]["server_cpu_us_per_event"]
    bridge_cpu = figures["bridge"]["server_cpu_us_per_event"]
    if bare_cpu and bridge_cpu:
        # The rate ratio if each server had a core of its own and were the bottleneck.
        figures["cpu_ratio"] = bare_cpu / bridge_cpu
        figures["added_server_cpu_us_per_event"] = bridge_cpu - bare_cpu
    figures["met"] = figures["ratio"] >= STREAM_RATIO_TARGET
    return figures, profile_text


async def _profile_bridge(
    upstream_url: str, request: bytes, expected: int, deadline: Deadline
) -> str:
    """One stream through a bridge running under cProfile; its top functions by tottime."""
    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "bridge.prof")
        async with (
            Child("bridge", "--upstream-url", upstream_url, "--profile-out", out) as bridge,
            grpc.aio.insecure_channel(f"{HOST}:{bridge.port}", options=_CHANNEL_OPTIONS) as channel,
        ):
            await asyncio.wait_for(channel.channel_ready(), CHILD_START_TIMEOUT)
            await consume_stream(channel, request, expected, deadline)
        buffer = io.StringIO()
        stats = pstats.Stats(out, stream=buffer)
        stats.strip_dirs().sort_stats("tottime").print_stats(25)
    return buffer.getvalue()


def _fmt(value: float | None, spec: str) -> str:
    return "n/a" if value is None else format(value, spec)


def print_stream(f: dict[str, Any]) -> None:
    runs = f"median of {f['repeats']}, alternating"
    _print(f"(b) Stream throughput: one stream of {f['events']} events ({runs})")
    _print(
        f"    {'':<34}{'events/s':>10}{'wall us':>9}{'srv CPU us':>11}"
        f"{'srv busy':>9}{'cli busy':>9}   runs (events/s)"
    )
    for label, key in (
        ("bare grpc.aio, prebuilt messages", "bare"),
        ("bridge <- pre-rendered SSE", "bridge"),
    ):
        side = f[key]
        runs_text = " ".join(f"{rate:,.0f}" for rate in side["runs_events_per_s"])
        _print(
            f"    {label:<34}{side['events_per_s']:>10,.0f}{1e6 / side['events_per_s']:>9.1f}"
            f"{_fmt(side['server_cpu_us_per_event'], '.1f'):>11}"
            f"{_fmt(side['server_busy'], '.0%'):>9}{side['client_busy']:>9.0%}   {runs_text}"
        )
    _print(f"    {'ratio bridge/bare (events/s)':<34}{f['ratio']:>10.3f}")
    if "cpu_ratio" in f:
        _print(f"    {'ratio bare/bridge (server CPU)':<34}{f['cpu_ratio']:>10.3f}")
        _print(
            f"    {'added by the bridge, us/event':<34}{'':>10}"
            f"{f['added_wall_us_per_event']:>9.1f}{f['added_server_cpu_us_per_event']:>11.1f}"
        )
    _print()


# --------------------------------------------------------------------------
# (c) Codec cost per event
# --------------------------------------------------------------------------


def bench_codec(plan: Plan) -> tuple[dict[str, float], list[str]]:
    event_type = stream_events_pb2.ResponseStreamEvent
    short = list(stream_events(20))
    delta = short[4]
    completed = short[-1]
    assert delta["type"] == "response.output_text.delta"
    assert completed["type"] == "response.completed"
    delta_bytes = orjson.dumps(delta)
    delta_message = codec.from_json(delta, event_type)
    completed_message = codec.from_json(completed, event_type)
    sse_events = 10_000
    sse_blob = b"".join(
        sse_frame(event)
        for event in stream_events(sse_events)
        if event["type"] == "response.output_text.delta"
    )
    sse_pieces = [sse_blob[i : i + WRITE_BYTES] for i in range(0, len(sse_blob), WRITE_BYTES)]

    def feed_whole() -> None:
        SSEDecoder().feed(sse_blob)

    def feed_pieces() -> None:
        decoder = SSEDecoder()
        for piece in sse_pieces:
            decoder.feed(piece)

    # (name, callable, events per call, calls per timing)
    number = plan.codec_number
    cases: list[tuple[str, Callable[[], object], int, int]] = [
        ("codec.from_json(delta)", lambda: codec.from_json(delta, event_type), 1, number),
        (
            "codec.from_json(completed)",
            lambda: codec.from_json(completed, event_type),
            1,
            max(1, number // 10),
        ),
        ("orjson.loads(delta bytes)", lambda: orjson.loads(delta_bytes), 1, number),
        ("SSEDecoder.feed, one big chunk", feed_whole, sse_events, 3),
        ("SSEDecoder.feed, 64 KiB chunks", feed_pieces, sse_events, 3),
        ("SerializeToString(delta)", delta_message.SerializeToString, 1, number),
        ("SerializeToString(completed)", completed_message.SerializeToString, 1, number),
        ("codec.to_json(delta message)", lambda: codec.to_json(delta_message), 1, number),
    ]
    notes: list[str] = []
    # The servicer's whole per-event step (JSON parse, stream state, decode): a
    # private helper, so the row is left out when it has moved or changed.
    try:
        from bridge.servicer import _event
        from bridge.sse import SSEEvent
        from bridge.stream_state import StreamState

        sse = SSEEvent(delta["type"], delta_bytes.decode(), None, None)
        state = StreamState()
        _event(sse, state, None)
    except Exception as exc:
        notes.append(f"servicer _event row skipped: {_failure(exc)}")
    else:
        cases.append(("servicer _event(sse) (delta)", lambda: _event(sse, state, None), 1, number))
    # thread_time: CPU time of this thread only, so other processes on a busy
    # machine (and gRPC's idle threads in this one) do not inflate the figures.
    results: dict[str, float] = {}
    for name, fn, events, calls in cases:
        best = min(
            timeit.repeat(fn, timer=time.thread_time, number=calls, repeat=plan.codec_repeat)
        )
        results[name] = best / calls / events * 1e6
    return results, notes


def print_codec(results: dict[str, float], notes: list[str]) -> None:
    _print("(c) Codec cost per event (min of timeit.repeat, thread CPU time)")
    for name, micros in results.items():
        _print(f"    {name:<40}{micros:>10.2f} us")
    for note in notes:
        _print(f"    ({note})")
    _print()


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


async def bench_all(plan: Plan, profile: bool) -> tuple[dict[str, Any], str | None]:
    """Sections (a) and (b); a failed section is reported and the next one still runs."""
    figures: dict[str, Any] = {}
    profile_text: str | None = None
    try:
        figures["unary"] = await bench_unary(plan)
        print_unary(figures["unary"])
    except Exception as exc:
        figures["unary"] = {"error": _failure(exc)}
        _print(f"(a) Unary latency FAILED: {figures['unary']['error']}\n")
    try:
        figures["stream"], profile_text = await bench_stream(plan, profile)
        print_stream(figures["stream"])
    except Exception as exc:
        figures["stream"] = {"error": _failure(exc)}
        _print(f"(b) Stream throughput FAILED: {figures['stream']['error']}\n")
    return figures, profile_text


def _failure(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip()


def print_summary(figures: dict[str, Any], profiled: bool) -> None:
    unary, stream = figures["unary"], figures["stream"]
    _print("Summary")
    if "error" in unary:
        _print(f"    unary added p50 < {ADDED_P50_TARGET_MS:g} ms: FAILED to measure")
    else:
        _print(
            f"    unary added p50 < {ADDED_P50_TARGET_MS:g} ms: "
            f"{'met' if unary['met'] else 'NOT met'} ({unary['added_p50_ms']:.3f} ms)"
        )
    if "error" in stream:
        _print(f"    stream ratio bridge/bare >= {STREAM_RATIO_TARGET:.2f}: FAILED to measure")
    else:
        hint = "" if stream["met"] or profiled else "; --profile shows where time goes"
        _print(
            f"    stream ratio bridge/bare >= {STREAM_RATIO_TARGET:.2f}: "
            f"{'met' if stream['met'] else 'NOT met'} ({stream['ratio']:.3f}{hint})"
        )
        if "cpu_ratio" in stream:
            verdict = "met" if stream["cpu_ratio"] >= STREAM_RATIO_TARGET else "NOT met"
            _print(
                f"      by server CPU per event (steadier on a busy machine): "
                f"{verdict} ({stream['cpu_ratio']:.3f})"
            )
        busy = stream["bare"]["client_busy"]
        if busy >= CLIENT_BOUND:
            _print(
                f"      the bare runs were client-bound (client busy {busy:.0%}): their\n"
                "      events/s is the client's ceiling, so the events/s ratio flatters the bridge"
            )
    _print(f"    total time {figures['seconds']:.0f} s; load average at the end: {_load()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a ~30 s smoke run")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also stream once through a bridge under cProfile and print its top functions",
    )
    parser.add_argument(
        "--role",
        choices=("simulator", "bridge", "bare", "upstream"),
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--deltas", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--upstream-url", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role:
        child_main(args)
        return 0

    plan = Plan.for_mode(args.quick)
    started = time.monotonic()
    try:
        import uvloop  # noqa: F401

        loop_name = "uvloop"
    except ImportError:  # pragma: no cover
        loop_name = "asyncio"
    _print(
        f"bridge benchmarks ({'quick' if args.quick else 'full'} mode; Python "
        f"{sys.version.split()[0]}, grpcio {grpc.__version__}, {loop_name}, "
        f"{os.cpu_count()} CPUs; servers in subprocesses, clients in this process)"
    )
    _print(f"load average at start: {_load()}")
    _print()
    figures, profile_text = _run_loop(bench_all(plan, args.profile))
    codec_figures, codec_notes = bench_codec(plan)
    print_codec(codec_figures, codec_notes)
    figures["codec_us_per_event"] = codec_figures
    figures["mode"] = "quick" if args.quick else "full"
    figures["plan"] = asdict(plan)
    figures["seconds"] = time.monotonic() - started

    if profile_text is not None:
        _print("Bridge under cProfile (one stream), top 25 functions by tottime:")
        _print(profile_text.rstrip())
        _print()

    print_summary(figures, args.profile)
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    failed = any("error" in figures[name] for name in ("unary", "stream"))
    return 1 if failed else 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
