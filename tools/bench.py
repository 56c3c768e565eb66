"""Benchmarks of the bridge, each figure next to a baseline measured in the same run.

Usage::

    .venv/bin/python tools/bench.py               # full run (3 to 4 minutes)
    .venv/bin/python tools/bench.py --quick       # smoke run (about 45 s)
    .venv/bin/python tools/bench.py --json out.json --profile
    .venv/bin/python tools/bench.py --only d,e    # some sections only

Five sections:

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

(d) Cancel-to-close: the time from a client's cancel to the moment the
    upstream sees the bridge close its HTTP connection, for a unary call whose
    upstream holds its headers, a stream before its first event, and a stream
    after a few events; p50/p99/max of each (target: under 100 ms). The
    upstream is a raw asyncio server in this process (see `CancelUpstream`).
(e) Load: many concurrent paced streams (the simulator with a 50 ms token
    delay: 20 events/s each) through the bridge, spread over several channels,
    against the same load made straight to the simulator with httpx SSE
    clients. Reported: completed and failed streams (target: no errors),
    time to first event and gaps between deltas (p50/p99, and bridge minus
    direct), the most streams in flight at once, CPU of each process, and the
    bridge's peak RSS (VmHWM). In full mode (500 streams, 10k events/s) the
    clients run in two subprocesses of this script, since one Python process
    cannot read that many events/s on a small machine; ``--load-clients N``
    sets that (1: in this process, the quick mode's default).

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
core. Section (d) is the exception: its upstream runs in this process (only
one call is in flight, and cancel and close are then read on one clock), and
in (e) the simulator, the bridge and the clients all need CPU at once, so
there the machine itself may be the limit: the CPU figures say so.
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
from dataclasses import asdict, dataclass, replace
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
# A server busier than this in its busiest second (CPU cores) was CPU-bound then.
SERVER_BOUND = 0.90
CANCEL_TARGET_MS = 100.0
# The load section's simulator pace: one delta per 50 ms, 20 events/s per stream.
LOAD_TOKEN_DELAY = 0.05
SECTIONS = ("a", "b", "c", "d", "e", "f")

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
    cancel_warmup: int
    cancel_samples: int
    cancel_timeout: float
    load_streams: int
    load_words: int
    load_channels: int
    load_ramp: float
    load_clients: int
    load_timeout: float

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
                cancel_warmup=1,
                cancel_samples=10,
                cancel_timeout=60.0,
                load_streams=100,
                load_words=56,
                load_channels=4,
                load_ramp=0.5,
                load_clients=1,
                load_timeout=60.0,
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
            cancel_warmup=2,
            cancel_samples=30,
            cancel_timeout=120.0,
            load_streams=500,
            load_words=200,
            load_channels=8,
            load_ramp=2.0,
            # One client process cannot read 10k events/s on a small machine.
            load_clients=2,
            load_timeout=150.0,
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


async def _serve_simulator(token_delay: float) -> None:
    from bridge.simulator import SimulatorOptions
    from bridge.simulator import start as start_simulator

    runner, port = await start_simulator(HOST, 0, SimulatorOptions(token_delay=token_delay))
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
        _run_loop(_serve_simulator(args.token_delay))
    elif role == "bridge":
        _run_loop(_serve_bridge(args.upstream_url, args.profile_out))
    elif role == "bare":
        _run_loop(_serve_bare(args.deltas))
    elif role == "upstream":
        _run_loop(_serve_upstream(args.deltas))
    elif role == "loadclient":
        _run_loop(_load_client_main(args.load_spec))
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

    def status_mib(self, name: str) -> float | None:
        """A memory line of /proc/<pid>/status (VmRSS, VmHWM: peak RSS) in MiB; None off Linux."""
        if self._proc is None:
            return None
        try:
            status = Path(f"/proc/{self._proc.pid}/status").read_text()
        except OSError:
            return None
        for line in status.splitlines():
            key, _, value = line.partition(":")
            if key == name:
                return int(value.split()[0]) / 1024  # kB
        return None

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
    # The servicer's whole per-event step (JSON parse, bounds, stream state, decode).
    try:
        from bridge.events import translate
        from bridge.sse import SSEEvent
        from bridge.stream_state import StreamState

        sse = SSEEvent(delta["type"], delta_bytes.decode(), None, None)
        state = StreamState()
        translate(sse, state, None, False)
    except Exception as exc:
        notes.append(f"events.translate row skipped: {_failure(exc)}")
    else:
        cases.append(
            (
                "events.translate(sse) (delta)",
                lambda: translate(sse, state, None, False),
                1,
                number,
            )
        )
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
# (d) Cancel-to-close
# --------------------------------------------------------------------------

# The cancel upstream holds a reply back this long at most; a sample waits this
# long after the cancel for the close, and counts as missed when none comes.
CANCEL_HOLD = 5.0
CANCEL_CLOSE_WAIT = 2.0
# The mid-stream case: one delta every CANCEL_PACE seconds (bounded count), and
# the messages the client reads before it cancels.
CANCEL_PACE = 0.02
CANCEL_PACED_DELTAS = 250
CANCEL_EVENTS_FIRST = 5
# Between the moment the bridge is known to wait on the upstream and the cancel:
# the bridge is parked in its read, as it is for most of a real call's life.
CANCEL_SETTLE = 0.02
# Waits for the upstream to see a request, or for the client to see a message.
CANCEL_STEP_TIMEOUT = 5.0
UNARY_METHOD = f"/{SERVICE}/CreateResponse"

_SSE_HEAD = (
    b"HTTP/1.1 200 OK\r\n"
    b"content-type: text/event-stream; charset=utf-8\r\n"
    b"transfer-encoding: chunked\r\n"
    b"connection: close\r\n"
    b"x-request-id: req_bench_cancel\r\n"
    b"\r\n"
)
_BAD_REQUEST = (
    b"HTTP/1.1 400 Bad Request\r\n"
    b"content-type: application/json\r\n"
    b"content-length: 2\r\n"
    b"connection: close\r\n"
    b"\r\n{}"
)


class _UpstreamConnection:
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
    """A raw HTTP/1.1 upstream, run in this process, that records when connections close.

    The request's ``metadata["bench_case"]`` picks the reply: ``hold_headers``
    (no byte for CANCEL_HOLD seconds), ``hold_body`` (SSE headers, then no
    event), ``paced`` (events, one delta every CANCEL_PACE seconds). Every
    reply says ``connection: close``, so one connection is one call. After the
    request, a watcher reads the socket to EOF: the moment the bridge closes
    (or resets) the connection is recorded with ``time.monotonic()``.

    Why in this process, unlike the other servers: the client's cancel and the
    upstream's close are then read from one clock, by one event loop that
    runs nothing else during a sample (one call at a time), so the close is
    seen when it happens. (``time.monotonic`` is CLOCK_MONOTONIC, which is
    system-wide on Linux, so a subprocess upstream's times would compare too;
    in-process it need not ship them back.)
    """

    def __init__(self) -> None:
        self.arrivals: asyncio.Queue[_UpstreamConnection] = asyncio.Queue()
        self._server: asyncio.Server | None = None
        self.port = 0
        frames = [sse_frame(event) for event in stream_events(CANCEL_PACED_DELTAS)]
        self._paced = [b"%x\r\n%s\r\n" % (len(frame), frame) for frame in frames]

    @property
    def url(self) -> str:
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
            # Every handler ends within CANCEL_HOLD (or at a close).
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), CANCEL_HOLD + 1.0)

    def drain(self) -> None:
        """Forget connections no sample waited for (none, unless a sample failed)."""
        while not self.arrivals.empty():
            self.arrivals.get_nowait()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn: _UpstreamConnection | None = None
        watcher: asyncio.Task[None] | None = None
        try:
            try:
                case = await asyncio.wait_for(_read_case(reader), CANCEL_STEP_TIMEOUT)
            except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError):
                return
            if case not in ("hold_headers", "hold_body", "paced"):
                writer.write(_BAD_REQUEST)
                await writer.drain()
                return
            conn = _UpstreamConnection(case)
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

    async def _answer(self, conn: _UpstreamConnection, writer: asyncio.StreamWriter) -> None:
        if conn.case == "hold_headers":
            await conn.wait_closed(CANCEL_HOLD)
            return
        writer.write(_SSE_HEAD)
        await writer.drain()
        conn.replying.set()
        if conn.case == "hold_body":
            await conn.wait_closed(CANCEL_HOLD)
            return
        # paced: the four opening events at once, then one delta per CANCEL_PACE.
        for index, chunk in enumerate(self._paced):
            if index > 4 and await conn.wait_closed(CANCEL_PACE):
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


async def _watch_eof(reader: asyncio.StreamReader, conn: _UpstreamConnection) -> None:
    """Read until EOF or reset: when the peer closes is when it is recorded."""
    with contextlib.suppress(ConnectionError):
        while await reader.read(65536):
            pass
    conn.mark_closed("peer")


@dataclass(frozen=True)
class CancelCase:
    """One place a call can be cancelled: the RPC, the upstream's reply, messages read first."""

    key: str
    label: str
    short: str
    rpc: str
    upstream_case: str
    events_first: int


CANCEL_CASES = (
    CancelCase(
        "unary_before_first_byte",
        "unary, upstream holds headers",
        "unary",
        "unary",
        "hold_headers",
        0,
    ),
    CancelCase(
        "stream_before_first_event",
        "stream, before first event",
        "stream before 1st event",
        "stream",
        "hold_body",
        0,
    ),
    CancelCase(
        "stream_mid_stream",
        f"stream, after {CANCEL_EVENTS_FIRST} events",
        "mid-stream",
        "stream",
        "paced",
        CANCEL_EVENTS_FIRST,
    ),
)


async def _cancel_once(
    channel: grpc.aio.Channel, upstream: CancelUpstream, case: CancelCase
) -> float | None:
    """One call cancelled where `case` says; seconds from the cancel to the upstream
    seeing its connection closed by the bridge, or None when that did not happen
    within CANCEL_CLOSE_WAIT."""
    upstream.drain()
    request = responses_service_pb2.CreateResponseRequest(
        model=MODEL,
        input=items_pb2.Input(text="Please cancel me."),
        metadata={"bench_case": case.upstream_case},
    ).SerializeToString()
    timeout = CANCEL_HOLD + CANCEL_CLOSE_WAIT + 5.0
    call: grpc.aio.Call
    stream: grpc.aio.UnaryStreamCall[bytes, bytes] | None = None
    if case.rpc == "unary":
        unary: grpc.aio.UnaryUnaryMultiCallable[bytes, bytes] = channel.unary_unary(UNARY_METHOD)
        call = unary(request, timeout=timeout)
    else:
        method: grpc.aio.UnaryStreamMultiCallable[bytes, bytes] = channel.unary_stream(
            STREAM_METHOD
        )
        call = stream = method(request, timeout=timeout)
    try:
        conn = await asyncio.wait_for(upstream.arrivals.get(), CANCEL_STEP_TIMEOUT)
        if case.upstream_case != "hold_headers":
            await asyncio.wait_for(conn.replying.wait(), CANCEL_STEP_TIMEOUT)
        for _ in range(case.events_first):
            assert stream is not None
            message = await asyncio.wait_for(stream.read(), CANCEL_STEP_TIMEOUT)
            if message is grpc.aio.EOF:
                raise RuntimeError(f"{case.key}: the stream ended before the cancel")
        await asyncio.sleep(CANCEL_SETTLE)
        cancelled_at = time.monotonic()
        call.cancel()
        closed = await conn.wait_closed(CANCEL_CLOSE_WAIT)
    finally:
        call.cancel()
        with contextlib.suppress(asyncio.CancelledError, grpc.aio.AioRpcError, TimeoutError):
            await asyncio.wait_for(call.code(), CANCEL_STEP_TIMEOUT)
    # Not closed by the bridge in time (or, oddly, before the cancel): missed.
    if not closed or conn.closed_by != "peer" or conn.closed_at is None:
        return None
    return conn.closed_at - cancelled_at if conn.closed_at >= cancelled_at else None


async def bench_cancel(plan: Plan) -> dict[str, Any]:
    deadline = Deadline(plan.cancel_timeout, "cancel-to-close")
    samples: dict[str, list[float]] = {case.key: [] for case in CANCEL_CASES}
    missed: dict[str, int] = dict.fromkeys(samples, 0)
    async with (
        CancelUpstream() as upstream,
        Child("bridge", "--upstream-url", upstream.url) as bridge,
        grpc.aio.insecure_channel(f"{HOST}:{bridge.port}", options=_CHANNEL_OPTIONS) as channel,
    ):
        await asyncio.wait_for(channel.channel_ready(), CHILD_START_TIMEOUT)
        # Round-robin over the cases, so a noisy spell hits each alike.
        for round_ in range(plan.cancel_warmup + plan.cancel_samples):
            for case in CANCEL_CASES:
                seconds = await _cancel_once(channel, upstream, case)
                deadline.check()
                if round_ < plan.cancel_warmup:
                    continue
                if seconds is None:
                    missed[case.key] += 1
                else:
                    samples[case.key].append(seconds * 1e3)
    figures: dict[str, Any] = {
        "samples_per_case": plan.cancel_samples,
        "target_ms": CANCEL_TARGET_MS,
        "close_wait_ms": CANCEL_CLOSE_WAIT * 1e3,
        "cases": {},
    }
    met = True
    for case in CANCEL_CASES:
        values = sorted(samples[case.key])
        entry: dict[str, Any] = {"label": case.label, "short": case.short, "closed": len(values)}
        entry["missed"] = missed[case.key]
        if values:
            entry["p50_ms"] = percentile(values, 0.50)
            entry["p99_ms"] = percentile(values, 0.99)
            entry["max_ms"] = values[-1]
        entry["met"] = bool(values) and not entry["missed"] and entry["p99_ms"] < CANCEL_TARGET_MS
        met = met and entry["met"]
        figures["cases"][case.key] = entry
    figures["met"] = met
    return figures


def print_cancel(f: dict[str, Any]) -> None:
    _print(
        f"(d) Cancel-to-close: client cancel -> upstream sees the bridge close its connection\n"
        f"    ({f['samples_per_case']} calls per case, round-robin after warm-up; ms; "
        f"a close later than {f['close_wait_ms']:.0f} ms counts as missed)"
    )
    _print(f"    {'':<36}{'p50':>9}{'p99':>9}{'max':>9}{'missed':>8}")
    for entry in f["cases"].values():
        if "p50_ms" in entry:
            row = f"{entry['p50_ms']:>9.2f}{entry['p99_ms']:>9.2f}{entry['max_ms']:>9.2f}"
        else:
            row = f"{'n/a':>9}{'n/a':>9}{'n/a':>9}"
        _print(f"    {entry['label']:<36}{row}{entry['missed']:>8}")
    _print(
        "    (upstream in this process, same clock as the client; with few samples p99 is\n"
        "     close to the max)"
    )
    _print()


# --------------------------------------------------------------------------
# (e) Load: many concurrent paced streams
# --------------------------------------------------------------------------

# The wire tag of ResponseStreamEvent.output_text_delta: the first byte of a
# serialized delta event, so the client tells deltas apart without parsing.
_DELTA_FIELD = stream_events_pb2.ResponseStreamEvent.DESCRIPTOR.fields_by_name[
    "output_text_delta"
].number
assert _DELTA_FIELD < 16, "a one-byte tag is assumed"
_DELTA_TAG = bytes([(_DELTA_FIELD << 3) | 2])
_DELTA_EVENT = "response.output_text.delta"


@dataclass(frozen=True)
class LoadSpec:
    """What one load client (this process or a subprocess) runs.

    Stream ``i`` of ``streams`` starts ``i * ramp / streams`` seconds after the
    phase's start, a ``time.monotonic`` value given once every client is
    connected (CLOCK_MONOTONIC is system-wide on Linux, so one value schedules
    the streams of every client process alike); client ``worker``
    of ``workers`` runs the streams with ``i % workers == worker`` over its
    share of the ``channels``.
    """

    kind: str  # "bridge" (gRPC target host:port) or "direct" (simulator base URL)
    target: str
    streams: int
    channels: int
    ramp: float
    words: int
    timeout: float
    worker: int = 0
    workers: int = 1


@dataclass
class _StreamOutcome:
    """One stream: its error (None: completed), seconds to its first event, events
    received, and when it started and ended (``time.monotonic``)."""

    error: str | None
    first_s: float | None
    events: int
    started_at: float
    ended_at: float


def _load_request(words: int) -> responses_service_pb2.CreateResponseRequest:
    return responses_service_pb2.CreateResponseRequest(
        model=MODEL, input=items_pb2.Input(text=f"count {words} words")
    )


async def _grpc_load_stream(
    method: grpc.aio.UnaryStreamMultiCallable[bytes, bytes],
    request: bytes,
    limit_s: float,
    gaps: list[float],
) -> _StreamOutcome:
    """One stream through the bridge: time to first message, gaps between deltas."""
    start = time.monotonic()
    first: float | None = None
    previous: float | None = None
    events = 0
    try:
        async for message in method(request, timeout=limit_s):
            now = time.monotonic()
            events += 1
            if first is None:
                first = now - start
            if message[:1] == _DELTA_TAG:
                if previous is not None:
                    gaps.append(now - previous)
                previous = now
    except grpc.aio.AioRpcError as exc:
        return _StreamOutcome(exc.code().name, first, events, start, time.monotonic())
    except Exception as exc:
        return _StreamOutcome(type(exc).__name__, first, events, start, time.monotonic())
    return _StreamOutcome(None, first, events, start, time.monotonic())


async def _sse_load_stream(
    http: httpx.AsyncClient, url: str, body: bytes, limit_s: float, gaps: list[float]
) -> _StreamOutcome:
    """One stream straight from the simulator, read as the bridge reads it (SSEDecoder)."""
    start = time.monotonic()
    first: float | None = None
    previous: float | None = None
    events = 0
    completed = False
    decoder = SSEDecoder()
    try:
        async with asyncio.timeout(limit_s), http.stream("POST", url, content=body) as reply:
            if reply.status_code != 200:
                return _StreamOutcome(f"HTTP {reply.status_code}", None, 0, start, time.monotonic())
            async for chunk in reply.aiter_raw():
                now = time.monotonic()
                for event in decoder.feed(chunk):
                    events += 1
                    if first is None:
                        first = now - start
                    if event.event == _DELTA_EVENT:
                        if previous is not None:
                            gaps.append(now - previous)
                        previous = now
                    elif event.event == "response.completed":
                        completed = True
    except TimeoutError:
        return _StreamOutcome("DEADLINE_EXCEEDED", first, events, start, time.monotonic())
    except httpx.HTTPError as exc:
        return _StreamOutcome(type(exc).__name__, first, events, start, time.monotonic())
    return _StreamOutcome(
        None if completed else "no response.completed", first, events, start, time.monotonic()
    )


async def run_load_client(spec: LoadSpec, go: Callable[[], Awaitable[float]]) -> dict[str, Any]:
    """Run this client's share of a load phase; JSON-ready results.

    Connects first, then awaits `go` for the phase's start time (monotonic).
    """
    mine = list(range(spec.worker, spec.streams, spec.workers))
    channels = max(1, math.ceil(spec.channels / spec.workers))
    per_channel = math.ceil(len(mine) / channels)
    gaps: list[float] = []
    async with contextlib.AsyncExitStack() as stack:
        start: Callable[[int], Awaitable[_StreamOutcome]]
        if spec.kind == "bridge":
            request = _load_request(spec.words).SerializeToString()
            methods: list[grpc.aio.UnaryStreamMultiCallable[bytes, bytes]] = []
            for index in range(channels):
                # A local subchannel pool: each channel gets its own connection
                # (channels with equal arguments would otherwise share one).
                options = [
                    *_CHANNEL_OPTIONS,
                    ("grpc.use_local_subchannel_pool", 1),
                    ("grpc.primary_user_agent", f"bench-load-{spec.worker}-{index}"),
                ]
                channel = await stack.enter_async_context(
                    grpc.aio.insecure_channel(spec.target, options=options)
                )
                await asyncio.wait_for(channel.channel_ready(), CHILD_START_TIMEOUT)
                methods.append(channel.unary_stream(STREAM_METHOD))

            def start(slot: int) -> Awaitable[_StreamOutcome]:
                return _grpc_load_stream(methods[slot % channels], request, spec.timeout, gaps)

        else:
            body = orjson.dumps({**codec.to_json(_load_request(spec.words)), "stream": True})
            url = f"{spec.target}/responses"
            clients: list[httpx.AsyncClient] = []
            for _ in range(channels):
                limits = httpx.Limits(
                    max_connections=per_channel, max_keepalive_connections=per_channel
                )
                clients.append(
                    await stack.enter_async_context(
                        httpx.AsyncClient(
                            headers={"content-type": "application/json", "user-agent": "bench"},
                            limits=limits,
                            timeout=httpx.Timeout(CHILD_START_TIMEOUT),
                        )
                    )
                )

            def start(slot: int) -> Awaitable[_StreamOutcome]:
                return _sse_load_stream(clients[slot % channels], url, body, spec.timeout, gaps)

        start_at = await go()

        async def one(slot: int, index: int) -> _StreamOutcome:
            at = start_at + index * spec.ramp / spec.streams
            await asyncio.sleep(max(0.0, at - time.monotonic()))
            return await start(slot)

        cpu_before = time.process_time()
        wall_before = time.monotonic()
        # Each stream is bounded by its own timeout; this bounds the whole phase.
        outcomes = await asyncio.wait_for(
            asyncio.gather(*(one(slot, index) for slot, index in enumerate(mine))),
            max(0.0, start_at - wall_before) + spec.ramp + spec.timeout + 10.0,
        )
        cpu = time.process_time() - cpu_before
        wall = time.monotonic() - wall_before
    return {
        "outcomes": [[o.error, o.first_s, o.events, o.started_at, o.ended_at] for o in outcomes],
        "gaps_s": gaps,
        "cpu_s": cpu,
        "wall_s": wall,
    }


async def _load_client_main(spec_json: str) -> None:
    """A load client subprocess: connect, READY, wait for "GO <start>", run, print JSON."""
    spec = LoadSpec(**json.loads(spec_json))

    async def go() -> float:
        print("READY", flush=True)
        line = await asyncio.get_running_loop().run_in_executor(None, sys.stdin.buffer.readline)
        return float(line.split()[1])

    result = await run_load_client(spec, go)
    sys.stdout.write(json.dumps(result))
    sys.stdout.flush()


class LoadClients:
    """`workers` load client subprocesses of this script, started and connected."""

    def __init__(self, spec: LoadSpec, workers: int) -> None:
        self._specs = [
            LoadSpec(**{**asdict(spec), "worker": k, "workers": workers}) for k in range(workers)
        ]
        self._procs: list[asyncio.subprocess.Process] = []
        self._logs: list[Any] = []
        self._script = os.path.abspath(__file__)

    async def __aenter__(self) -> LoadClients:
        for spec in self._specs:
            log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in __aexit__
            self._logs.append(log)
            self._procs.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    self._script,
                    "--role",
                    "loadclient",
                    "--load-spec",
                    json.dumps(asdict(spec)),
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.PIPE,
                    stderr=log,
                )
            )
        for proc in self._procs:
            assert proc.stdout is not None
            line = await asyncio.wait_for(proc.stdout.readline(), CHILD_START_TIMEOUT)
            if line.strip() != b"READY":
                raise RuntimeError(f"a load client did not start:\n{self._log_tail()}")
        return self

    async def run(self, start_at: float, limit_s: float) -> list[dict[str, Any]]:
        for proc in self._procs:
            assert proc.stdin is not None
            proc.stdin.write(b"GO %r\n" % start_at)
            await proc.stdin.drain()
        results = []
        for proc in self._procs:
            assert proc.stdout is not None
            out = await asyncio.wait_for(proc.stdout.read(), limit_s)
            await asyncio.wait_for(proc.wait(), CHILD_STOP_TIMEOUT)
            if proc.returncode != 0 or not out:
                raise RuntimeError(
                    f"a load client exited with {proc.returncode}:\n{self._log_tail()}"
                )
            results.append(json.loads(out))
        return results

    def _log_tail(self, lines: int = 25) -> str:
        text = []
        for log in self._logs:
            log.seek(0)
            text += log.read().decode("utf-8", "replace").splitlines()[-lines:]
        return "\n".join(text)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for proc in self._procs:
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
        for log in self._logs:
            log.close()


def _stream_seconds(words: int) -> float:
    """How long a paced "count N words" stream lasts: the simulator's answer has N + 5
    words ("You said: count N words" and w1 ... wN), one delta each, token_delay apart."""
    return (words + 4) * LOAD_TOKEN_DELAY


class _CpuSampler:
    """Samples the CPU time of server processes twice a second, for their busiest second."""

    PERIOD = 0.5

    def __init__(self, servers: dict[str, Child]) -> None:
        self._servers = servers
        self._samples: dict[str, list[tuple[float, float]]] = {name: [] for name in servers}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._sample()
        self._task = asyncio.get_running_loop().create_task(self._run())

    def _sample(self) -> None:
        now = time.monotonic()
        for name, server in self._servers.items():
            cpu = server.cpu_seconds()
            if cpu is not None:
                self._samples[name].append((now, cpu))

    async def _run(self) -> None:
        while True:  # until stop() cancels it; one sample per PERIOD
            await asyncio.sleep(self.PERIOD)
            self._sample()

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._sample()

    def total(self, name: str) -> float | None:
        samples = self._samples[name]
        return samples[-1][1] - samples[0][1] if len(samples) >= 2 else None

    def peak_cores(self, name: str) -> float | None:
        """The most CPU seconds per second over any two consecutive periods (~1 s)."""
        samples = self._samples[name]
        rates = [
            (later[1] - earlier[1]) / (later[0] - earlier[0])
            for earlier, later in zip(samples, samples[2:], strict=False)
            if later[0] > earlier[0]
        ]
        return max(rates) if rates else None


def _peak_in_flight(spans: list[tuple[float, float]]) -> int:
    """The most streams between their first event and their end at any moment."""
    edges = sorted([(begin, 1) for begin, _ in spans] + [(end, -1) for _, end in spans])
    peak = current = 0
    for _, step in edges:
        current += step
        peak = max(peak, current)
    return peak


async def _load_phase(
    plan: Plan, kind: str, target: str, servers: dict[str, Child], deadline: Deadline
) -> dict[str, Any]:
    """One load phase; the figures of its streams, and the CPU each process spent."""
    spec = LoadSpec(
        kind=kind,
        target=target,
        streams=plan.load_streams,
        channels=plan.load_channels,
        ramp=plan.load_ramp,
        words=plan.load_words,
        timeout=_load_stream_timeout(plan),
    )
    phase_timeout = min(deadline.left(), spec.ramp + spec.timeout + 20.0)
    sampler = _CpuSampler(servers)
    wall_before = 0.0

    async def go() -> float:
        nonlocal wall_before
        sampler.start()
        wall_before = time.monotonic()
        return wall_before + 0.1

    try:
        if plan.load_clients <= 1:
            results = [await asyncio.wait_for(run_load_client(spec, go), phase_timeout)]
        else:
            async with LoadClients(spec, plan.load_clients) as clients:
                results = await clients.run(await go(), phase_timeout)
    finally:
        await sampler.stop()
    wall = time.monotonic() - wall_before
    outcomes = [outcome for result in results for outcome in result["outcomes"]]
    errors: dict[str, int] = {}
    for error, *_ in outcomes:
        if error is not None:
            errors[error] = errors.get(error, 0) + 1
    firsts = sorted(first * 1e3 for _, first, *_ in outcomes if first is not None)
    gaps = sorted(gap * 1e3 for result in results for gap in result["gaps_s"])
    events = sum(outcome[2] for outcome in outcomes)
    figures: dict[str, Any] = {
        "streams": len(outcomes),
        "completed": len(outcomes) - sum(errors.values()),
        "errors": errors,
        "events": events,
        "events_per_stream_median": statistics.median(outcome[2] for outcome in outcomes),
        "peak_in_flight": _peak_in_flight(
            [
                (started + first, ended)
                for _, first, _, started, ended in outcomes
                if first is not None
            ]
        ),
        "wall_s": wall,
        "client_processes": len(results),
        "client_cores": sum(result["cpu_s"] for result in results) / wall,
        "gaps": len(gaps),
    }
    for name in servers:
        total = sampler.total(name)
        figures[f"{name}_cores"] = None if total is None else total / wall
        figures[f"{name}_peak_cores"] = sampler.peak_cores(name)
        figures[f"{name}_cpu_us_per_event"] = (
            None if total is None or not events else total / events * 1e6
        )
    for name, values in (("first_event", firsts), ("gap", gaps)):
        figures[f"{name}_p50_ms"] = percentile(values, 0.50) if values else None
        figures[f"{name}_p99_ms"] = percentile(values, 0.99) if values else None
    return figures


def _load_stream_timeout(plan: Plan) -> float:
    """Each load stream's deadline: generous, so that a stream waiting for the
    bridge to take it still ends by itself rather than by the client's deadline."""
    return 4 * _stream_seconds(plan.load_words) + 10.0


async def bench_load(plan: Plan) -> dict[str, Any]:
    deadline = Deadline(plan.load_timeout, "load")
    figures: dict[str, Any] = {
        "streams": plan.load_streams,
        "channels": plan.load_channels,
        "client_processes": plan.load_clients,
        "ramp_s": plan.load_ramp,
        "words": plan.load_words,
        "token_delay_s": LOAD_TOKEN_DELAY,
        "stream_seconds": _stream_seconds(plan.load_words),
        "stream_deadline_s": _load_stream_timeout(plan),
    }
    async with Child("simulator", "--token-delay", str(LOAD_TOKEN_DELAY)) as simulator:
        upstream_url = f"http://{HOST}:{simulator.port}/v1"
        async with Child("bridge", "--upstream-url", upstream_url) as bridge:
            target = f"{HOST}:{bridge.port}"
            # Warm-up: a few short streams each way (imports, first connections).
            for kind, where in (("direct", upstream_url), ("bridge", target)):
                warm = LoadSpec(kind, where, streams=4, channels=1, ramp=0.0, words=3, timeout=10.0)
                await asyncio.wait_for(run_load_client(warm, _now), deadline.left())
            figures["bridge_rss_idle_mib"] = bridge.status_mib("VmRSS")
            # Direct first, then the bridge; the bridge sits idle during the first.
            figures["direct"] = await _load_phase(
                plan, "direct", upstream_url, {"simulator": simulator}, deadline
            )
            deadline.check()
            figures["bridge"] = await _load_phase(
                plan, "bridge", target, {"simulator": simulator, "bridge": bridge}, deadline
            )
            figures["bridge_rss_peak_mib"] = bridge.status_mib("VmHWM")
            figures["bridge_rss_end_mib"] = bridge.status_mib("VmRSS")
    direct, through = figures["direct"], figures["bridge"]
    for name in ("first_event_p50_ms", "first_event_p99_ms", "gap_p50_ms", "gap_p99_ms"):
        if direct[name] is not None and through[name] is not None:
            figures[f"added_{name}"] = through[name] - direct[name]
    figures["errors"] = through["streams"] - through["completed"]
    figures["met"] = figures["errors"] == 0
    return figures


async def _now() -> float:
    return time.monotonic()


def print_load(f: dict[str, Any]) -> None:
    clients = (
        "clients (grpc.aio, httpx) in this process"
        if f["client_processes"] <= 1
        else f"clients (grpc.aio, httpx) in {f['client_processes']} subprocesses"
    )
    _print(
        f"(e) Load: {f['streams']} concurrent streams of ~{f['stream_seconds']:.0f} s "
        f'("count {f["words"]} words": a delta every {f["token_delay_s"] * 1e3:.0f} ms),\n'
        f"    started over {f['ramp_s']:g} s on {f['channels']} channels / HTTP clients; {clients}"
    )
    _print(
        f"    {'(ms)':<30}{'done':>6}{'errors':>7}{'first p50':>10}{'first p99':>10}"
        f"{'gap p50':>9}{'gap p99':>9}{'in flight':>10}{'wall s':>8}"
    )

    def ms(value: float | None) -> str:
        return _fmt(value, ".1f")

    for label, key in (
        ("direct httpx SSE -> simulator", "direct"),
        ("gRPC -> bridge -> simulator", "bridge"),
    ):
        side = f[key]
        _print(
            f"    {label:<30}{side['completed']:>6}{side['streams'] - side['completed']:>7}"
            f"{ms(side['first_event_p50_ms']):>10}{ms(side['first_event_p99_ms']):>10}"
            f"{ms(side['gap_p50_ms']):>9}{ms(side['gap_p99_ms']):>9}"
            f"{side['peak_in_flight']:>10}{side['wall_s']:>8.1f}"
        )
    _print(
        f"    {'added by the bridge':<30}{'':>13}"
        f"{ms(f.get('added_first_event_p50_ms')):>10}{ms(f.get('added_first_event_p99_ms')):>10}"
        f"{ms(f.get('added_gap_p50_ms')):>9}{ms(f.get('added_gap_p99_ms')):>9}"
    )
    for key in ("direct", "bridge"):
        if f[key]["errors"]:
            codes = ", ".join(f"{code} x{n}" for code, n in sorted(f[key]["errors"].items()))
            _print(f"    {key} errors: {codes}")
    direct, through = f["direct"], f["bridge"]
    _print("    CPU, cores (CPU s / wall s; busiest ~1 s in brackets; per event delivered):")
    for label, side, name in (
        ("bridge (bridge run)", through, "bridge"),
        ("simulator (bridge run)", through, "simulator"),
        ("simulator (direct run)", direct, "simulator"),
    ):
        _print(
            f"      {label:<24}{_fmt(side[f'{name}_cores'], '.2f'):>6} "
            f"[{_fmt(side[f'{name}_peak_cores'], '.2f')}]"
            f"{_fmt(side[f'{name}_cpu_us_per_event'], '.0f'):>6} us/event"
        )
    _print(
        f"      {'clients':<24}{through['client_cores']:>6.2f} bridge run, "
        f"{direct['client_cores']:.2f} direct run"
    )
    peak, per_event = through["bridge_peak_cores"], through["bridge_cpu_us_per_event"]
    if peak is not None and per_event and peak >= SERVER_BOUND:
        _print(
            f"    the bridge was CPU-bound (busiest second {peak:.2f} cores; its event loop\n"
            f"     runs on one): it can carry about {1e6 / per_event:,.0f}"
            " events/s at this CPU per event"
        )
    if through["peak_in_flight"] < through["streams"]:
        _print(
            f"    at most {through['peak_in_flight']} of {through['streams']} bridge streams "
            "were past their first event at once: the\n"
            "     others waited for the bridge (first-event latency), and its gaps are for that\n"
            "     lighter load than the direct run's"
        )
    _print(
        f"    bridge RSS: {_fmt(f['bridge_rss_idle_mib'], '.0f')} MiB idle after warm-up, "
        f"peak (VmHWM) {_fmt(f['bridge_rss_peak_mib'], '.0f')} MiB, "
        f"{_fmt(f['bridge_rss_end_mib'], '.0f')} MiB at the end"
    )
    _print(
        "    (first: call start to first message; gap: between consecutive text deltas,\n"
        f"     {f['token_delay_s'] * 1e3:.0f} ms when nothing lags; in flight: most streams "
        "past their first event at once;\n"
        f"     events/stream median: direct {direct['events_per_stream_median']:g}, "
        f"bridge {through['events_per_stream_median']:g}; stream deadline "
        f"{f['stream_deadline_s']:.0f} s)"
    )
    _print()


# --------------------------------------------------------------------------
# Main
# --------------------------------------------------------------------------


async def bench_all(
    plan: Plan, profile: bool, sections: frozenset[str]
) -> tuple[dict[str, Any], str | None]:
    """The chosen sections in order; a failed section is reported and the next one still runs."""
    figures: dict[str, Any] = {}
    profile_text: str | None = None
    if "a" in sections:
        try:
            figures["unary"] = await bench_unary(plan)
            print_unary(figures["unary"])
        except Exception as exc:
            figures["unary"] = {"error": _failure(exc)}
            _print(f"(a) Unary latency FAILED: {figures['unary']['error']}\n")
    if "b" in sections:
        try:
            figures["stream"], profile_text = await bench_stream(plan, profile)
            print_stream(figures["stream"])
        except Exception as exc:
            figures["stream"] = {"error": _failure(exc)}
            _print(f"(b) Stream throughput FAILED: {figures['stream']['error']}\n")
    if "c" in sections:
        # Synchronous, and nothing else runs on the loop meanwhile.
        codec_figures, codec_notes = bench_codec(plan)
        print_codec(codec_figures, codec_notes)
        figures["codec_us_per_event"] = codec_figures
    if "d" in sections:
        try:
            figures["cancel"] = await bench_cancel(plan)
            print_cancel(figures["cancel"])
        except Exception as exc:
            figures["cancel"] = {"error": _failure(exc)}
            _print(f"(d) Cancel-to-close FAILED: {figures['cancel']['error']}\n")
    if "e" in sections:
        try:
            figures["load"] = await bench_load(plan)
            print_load(figures["load"])
        except Exception as exc:
            figures["load"] = {"error": _failure(exc)}
            _print(f"(e) Load FAILED: {figures['load']['error']}\n")
    if "f" in sections:
        try:
            figures["tracing"] = await bench_tracing(plan)
        except Exception as exc:
            figures["tracing"] = {"error": _failure(exc)}
            _print(f"(f) Tracing cost FAILED: {figures['tracing']['error']}\n")
    return figures, profile_text


_PROJECT = str(Path(__file__).resolve().parent.parent)


async def bench_tracing(plan: Plan) -> dict[str, Any]:
    """(f) What telemetry costs per streamed event and per unary call: tracing on
    against off, each a bridge subprocess, measured by tests/telemetry/measure_overhead.py
    (which owns the OTLP receiver the traced bridge exports to)."""
    words, rounds = (5000, 3) if plan.stream_deltas < 50_000 else (20000, 5)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "tests.telemetry.measure_overhead",
        "--words",
        str(words),
        "--rounds",
        str(rounds),
        cwd=_PROJECT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), 600)
    text = out.decode(errors="replace")
    if process.returncode != 0:
        raise RuntimeError(f"measure_overhead exited {process.returncode}: {text[-500:]}")
    _print(f"(f) Tracing cost: one stream of {words} words and 1000 unary calls per mode,")
    _print(f"    median of {rounds} alternating rounds, bridge CPU from /proc")
    for line in text.strip().splitlines():
        _print(f"    {line}")
    _print("")
    return {"report": text}


def _failure(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip()


def print_summary(figures: dict[str, Any], profiled: bool) -> None:
    _print("Summary")
    if "unary" in figures:
        _summarize_unary(figures["unary"])
    if "stream" in figures:
        _summarize_stream(figures["stream"], profiled)
    if "tracing" in figures and "error" not in figures["tracing"]:
        _print("    tracing cost: see (f); ratios are traced/off per event and per call")
    if "cancel" in figures:
        _summarize_cancel(figures["cancel"])
    if "load" in figures:
        _summarize_load(figures["load"])
    _print(f"    total time {figures['seconds']:.0f} s; load average at the end: {_load()}")


def _summarize_unary(unary: dict[str, Any]) -> None:
    if "error" in unary:
        _print(f"    unary added p50 < {ADDED_P50_TARGET_MS:g} ms: FAILED to measure")
    else:
        _print(
            f"    unary added p50 < {ADDED_P50_TARGET_MS:g} ms: "
            f"{'met' if unary['met'] else 'NOT met'} ({unary['added_p50_ms']:.3f} ms)"
        )


def _summarize_stream(stream: dict[str, Any], profiled: bool) -> None:
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


def _summarize_cancel(cancel: dict[str, Any]) -> None:
    what = f"cancel-to-close p99 < {CANCEL_TARGET_MS:g} ms"
    if "error" in cancel:
        _print(f"    {what}: FAILED to measure")
        return
    parts = []
    for entry in cancel["cases"].values():
        p99 = _fmt(entry.get("p99_ms"), ".1f")
        missed = f", {entry['missed']} missed" if entry["missed"] else ""
        parts.append(f"{entry['short']} {p99}{missed}")
    _print(f"    {what}: {'met' if cancel['met'] else 'NOT met'} (p99 ms: {', '.join(parts)})")


def _summarize_load(load: dict[str, Any]) -> None:
    what = f"load, {load['streams']} concurrent streams with zero errors"
    if "error" in load:
        _print(f"    {what}: FAILED to measure")
        return
    through = load["bridge"]
    codes = ", ".join(f"{code} x{count}" for code, count in sorted(through["errors"].items()))
    _print(
        f"    {what}: {'met' if load['met'] else 'NOT met'} "
        f"({through['completed']} completed, {load['errors']} errors"
        f"{': ' + codes if codes else ''})"
    )
    _print(
        "      added first-event latency p50/p99: "
        f"{_fmt(load.get('added_first_event_p50_ms'), '.1f')}/"
        f"{_fmt(load.get('added_first_event_p99_ms'), '.1f')} ms; most in flight "
        f"{through['peak_in_flight']} of {through['streams']}\n"
        f"      bridge peak RSS {_fmt(load['bridge_rss_peak_mib'], '.0f')} MiB, "
        f"CPU {_fmt(through['bridge_cores'], '.2f')} cores "
        f"(busiest second {_fmt(through['bridge_peak_cores'], '.2f')})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a ~45 s smoke run")
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also stream once through a bridge under cProfile and print its top functions",
    )
    parser.add_argument(
        "--only",
        metavar="SECTIONS",
        type=_sections,
        default=frozenset(SECTIONS),
        help="run only these sections, comma-separated (e.g. d,e); default: all of a-f",
    )
    parser.add_argument(
        "--load-clients",
        metavar="N",
        type=int,
        help="(e): run the load clients in N subprocesses (1: in this process); "
        "default 2 in full mode, 1 with --quick",
    )
    parser.add_argument(
        "--role",
        choices=("simulator", "bridge", "bare", "upstream", "loadclient"),
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--deltas", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--token-delay", type=float, default=0.0, help=argparse.SUPPRESS)
    parser.add_argument("--upstream-url", help=argparse.SUPPRESS)
    parser.add_argument("--profile-out", help=argparse.SUPPRESS)
    parser.add_argument("--load-spec", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.role:
        child_main(args)
        return 0

    plan = Plan.for_mode(args.quick)
    if args.load_clients is not None:
        plan = replace(plan, load_clients=max(1, args.load_clients))
    sections: frozenset[str] = args.only
    started = time.monotonic()
    try:
        import uvloop  # noqa: F401

        loop_name = "uvloop"
    except ImportError:  # pragma: no cover
        loop_name = "asyncio"
    _print(
        f"bridge benchmarks ({'quick' if args.quick else 'full'} mode; Python "
        f"{sys.version.split()[0]}, grpcio {grpc.__version__}, {loop_name}, "
        f"{os.cpu_count()} CPUs; servers in subprocesses, clients in this process"
        f"{'' if plan.load_clients <= 1 or 'e' not in sections else ' except in (e)'})"
    )
    _print(f"load average at start: {_load()}")
    _print()
    figures, profile_text = _run_loop(bench_all(plan, args.profile, sections))
    figures["sections"] = sorted(sections)
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
    failed = any(
        "error" in figures[name]
        for name in ("unary", "stream", "cancel", "load")
        if name in figures
    )
    return 1 if failed else 0


def _sections(text: str) -> frozenset[str]:
    chosen = frozenset(part.strip().lower() for part in text.split(",") if part.strip())
    unknown = chosen - set(SECTIONS)
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"sections are {', '.join(SECTIONS)} (comma-separated); got {text!r}"
        )
    return chosen


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        sys.exit(main())
