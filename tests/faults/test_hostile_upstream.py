"""A hostile upstream: oversized or odd heads, deep JSON, endless bodies, gzip bombs,
keep-alive-only streams, echoed secrets; and hostile metadata that must never reach it.

Every case ends with a documented status and a message that says what happened (never
UNKNOWN); the fault suite's checks then prove the bridge closed the upstream connection
and still serves.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import json
import ssl
import zlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
import grpc.aio
import h2.config
import h2.connection
import h2.events
import pytest
import trustme

from bridge import codec
from bridge.client import output_text
from bridge.limits import MAX_FORWARDED_METADATA_BYTES, MAX_JSON_DEPTH
from bridge.redact import REDACTED
from bridge.server import SERVICE_NAME
from rbridge.responses.v1 import responses_service_pb2
from tests.faults.fault_server import (
    Connection,
    FaultServer,
    Reply,
    completed_event,
    created_event,
    delta_event,
    scenario,
)
from tests.faults.harness import MODES, BridgeHandle, Bridges, Outcome, invoke, request
from tests.nesting import nested, nested_text
from tests.process import RssSampler, bridge_process, rss_mib
from tests.rawgrpc import raw_call

MiB = 1 << 20
LIMIT = 1 * MiB  # the bridges' message limit in the size cases
# Large enough that the process's fixed costs do not hide what an event costs.
COSTED_LIMIT = 8 * MiB
ENDLESS = 50 * MiB  # what an endless body would send, were it read to the end
KEY = "sk-fault"  # the upstream key the fault suite's bridges hold (tests.faults.harness)
SAMPLE_KEY = "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t"  # an OpenAI-shaped key in model output
RESPONSE: dict[str, Any] = completed_event(1, "ok")["response"]


# -- scenarios ---------------------------------------------------------------------------------


async def answer_ok(
    reply: Reply, headers: dict[str, str] | None = None, *, extra: dict[str, Any] | None = None
) -> None:
    """A complete "ok" answer, with extra reply headers and extra keys in the reply and in
    the stream's delta."""
    extra = extra or {}
    if not reply.stream:
        body = json.dumps({**RESPONSE, **extra}).encode()
        await reply.whole(200, body, "application/json", headers)
        return
    await reply.head(200, {"content-type": "text/event-stream", **(headers or {})})
    delta = {**delta_event(1, "ok"), **extra}
    await reply.events([created_event(), delta, completed_event(2, "ok")])
    await reply.end()


def headers_scenario(name: str, headers: dict[str, str]) -> None:
    """Register `name`: an "ok" answer with `headers` added to its head."""

    async def run(reply: Reply) -> None:
        await answer_ok(reply, headers)

    scenario(name)(run)


# The fault server's own head carries x-request-id, content-type, framing and connection.
_OWN_HEADERS = 4
headers_scenario("hostile_128_headers", {f"x-filler-{i}": "v" for i in range(128 - _OWN_HEADERS)})
headers_scenario("hostile_129_headers", {f"x-filler-{i}": "v" for i in range(129 - _OWN_HEADERS)})
headers_scenario("hostile_long_header", {"x-filler": "v" * (8 * 1024 + 1)})
headers_scenario("hostile_non_ascii_request_id", {"x-request-id": "req_caf\u00e9"})
headers_scenario(
    "hostile_ratelimit_flood",
    {f"x-ratelimit-remaining-{i:02d}": str(i) * 400 for i in range(60)},
)


def deep_scenario(name: str, unary: bytes, stream: bytes) -> None:
    """Register `name`: a 200 reply whose body (unary) or second event (stream) is given."""

    async def run(reply: Reply) -> None:
        if not reply.stream:
            await reply.whole(200, unary, "application/json")
            return
        await reply.head(200, {"content-type": "text/event-stream"})
        await reply.events([created_event()])
        await reply.chunk(stream)
        await reply.events([completed_event(2, "ok")])
        await reply.end()

    scenario(name)(run)


def _event_bytes(data: str) -> bytes:
    return f"event: response.output_text.delta\ndata: {data}\n\n".encode()


for _levels, _shape in ((1000, "object"), (100_000, "array")):
    _text = nested_text(_levels, _shape)
    deep_scenario(f"hostile_nested_{_levels}", _text.encode(), _event_bytes(_text))
# A valid reply and a valid event, each nested 40 levels by one unknown key.
deep_scenario(
    "hostile_nested_40_in_valid",
    json.dumps({**RESPONSE, "x_deep": nested(39)}).encode(),
    _event_bytes(json.dumps({**delta_event(1, "ok"), "x_deep": nested(39)})),
)


@scenario("hostile_nested_at_limit")
async def _at_limit(reply: Reply) -> None:
    """An "ok" answer whose reply (or delta event) nests exactly MAX_JSON_DEPTH levels."""
    await answer_ok(reply, extra={"x_deep": nested(MAX_JSON_DEPTH - 1)})


@dataclass
class Sent:
    """How much of an endless body a scenario wrote, and whether it wrote it all."""

    conn: Connection
    written: int = 0
    finished: bool = False


SENT: list[Sent] = []


async def send_endless(reply: Reply, first: bytes, piece: bytes, total: int = ENDLESS) -> None:
    """Write `first`, then `piece` until `total` bytes are written or the peer closes."""
    record = Sent(reply.conn)
    SENT.append(record)
    await reply.chunk(first)
    record.written = len(first)
    while record.written < total:
        if not reply.conn.open:
            return
        await reply.chunk(piece)
        record.written += len(piece)
    await reply.end()
    record.finished = True


@scenario("hostile_endless_body")
async def _endless_body(reply: Reply) -> None:
    """A unary reply promising ENDLESS bytes of JSON, written as fast as it is read."""
    await reply.head(200, {"content-type": "application/json"}, content_length=ENDLESS)
    await send_endless(reply, b'{"id": "', b"x" * 65536)


@scenario("hostile_endless_line")
async def _endless_line(reply: Reply) -> None:
    """An event stream whose first line never ends (no newline in ENDLESS bytes)."""
    await reply.head(200, {"content-type": "text/event-stream"})
    await send_endless(reply, b"data: ", b"x" * 65536)


@scenario("hostile_endless_event")
async def _endless_event(reply: Reply) -> None:
    """An event stream whose first event never ends: data lines, no blank line."""
    await reply.head(200, {"content-type": "text/event-stream"})
    line = b"data: " + b"x" * 58 + b"\n"
    await send_endless(reply, b"event: response.output_text.delta\n", line * 1024)


EMPTY_LINES = 2 * MiB
SHORT_LINES = 8 * MiB


@scenario("hostile_short_data_lines")
async def _short_data_lines(reply: Reply) -> None:
    """An event of two-character data lines, up to SHORT_LINES bytes."""
    await reply.head(200, {"content-type": "text/event-stream"})
    await send_endless(
        reply, b"event: response.output_text.delta\n", b"data: xy\n" * 7000, SHORT_LINES
    )


@scenario("hostile_empty_data_lines")
async def _empty_data_lines(reply: Reply) -> None:
    """An event of EMPTY_LINES bytes of empty data lines (joined: a newline for each),
    then the end of the body."""
    await reply.head(200, {"content-type": "text/event-stream"})
    await send_endless(
        reply, b"event: response.output_text.delta\n", b"data:\n" * 8192, EMPTY_LINES
    )


@functools.cache
def gzip_bomb(prefix: bytes) -> bytes:
    """`prefix` and 16 MiB of zeros, gzipped to a few KiB."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [compressor.compress(prefix), *(compressor.compress(bytes(MiB)) for _ in range(16))]
    return b"".join([*parts, compressor.flush()])


@scenario("hostile_gzip_bomb")
async def _gzip_bomb(reply: Reply) -> None:
    """A small gzip body that inflates to 16 MiB (as a stream: one line of zeros)."""
    content_type = "text/event-stream" if reply.stream else "application/json"
    body = gzip_bomb(b"data: " if reply.stream else b"")
    await reply.whole(200, body, content_type, {"content-encoding": "gzip"})


@scenario("hostile_brotli")
async def _brotli(reply: Reply) -> None:
    """A body in content-encoding br, which the bridge never asks for."""
    content_type = "text/event-stream" if reply.stream else "application/json"
    await reply.whole(200, b"\x1b\x03\x00\xf8\xa5", content_type, {"content-encoding": "br"})


PING = b": ping\n\n"
PING_INTERVAL = 0.05


async def pings(reply: Reply, count: int) -> bool:
    """Send `count` keep-alive comments PING_INTERVAL apart; whether the peer closed."""
    for _ in range(count):
        if await reply.hold(PING_INTERVAL):
            return True
        await reply.chunk(PING)
    return False


@scenario("hostile_pings_only")
async def _pings_only(reply: Reply) -> None:
    """A stream of keep-alive comments and no event, for 5 s at most."""
    await reply.head(200, {"content-type": "text/event-stream"})
    if not await pings(reply, 100):
        await reply.end()


PINGS_AFTER_EVENT = 20  # 1 s of comments, longer than the bridges' read timeout


@scenario("hostile_pings_after_event")
async def _pings_after_event(reply: Reply) -> None:
    """One event, 1 s of keep-alive comments only, then the rest of the stream."""
    await reply.head(200, {"content-type": "text/event-stream"})
    await reply.events([created_event()])
    if not await pings(reply, PINGS_AFTER_EVENT):
        await reply.events([delta_event(1, "ok"), completed_event(2, "ok")])
        await reply.end()


def _failed_event(sequence: int, message: str) -> dict[str, Any]:
    response = {
        **completed_event(sequence, "")["response"],
        "status": "failed",
        "error": {"code": "server_error", "message": message},
    }
    return {"type": "response.failed", "sequence_number": sequence, "response": response}


@scenario("hostile_key_in_errors")
async def _key_in_errors(reply: Reply) -> None:
    """An error event and a response.failed, each quoting the bridge's upstream key."""
    error = {
        "type": "error",
        "sequence_number": 1,
        "code": "server_error",
        "message": f"invalid api key {KEY} for this project",
        "param": None,
    }
    await reply.head(200, {"content-type": "text/event-stream"})
    await reply.events([created_event(), error, _failed_event(2, f"rejected key {KEY}")])
    await reply.end()


OUTPUT_WITH_KEYS = [f"export OPENAI_API_KEY={KEY}\n", f"# e.g. {SAMPLE_KEY}\n"]


@scenario("hostile_keys_in_output")
async def _keys_in_output(reply: Reply) -> None:
    """Model output quoting the bridge's key and an OpenAI-shaped sample key."""
    text = "".join(OUTPUT_WITH_KEYS)
    if not reply.stream:
        response = completed_event(1, text)["response"]
        await reply.whole(200, json.dumps(response).encode(), "application/json")
        return
    deltas = [delta_event(i + 1, part) for i, part in enumerate(OUTPUT_WITH_KEYS)]
    await reply.head(200, {"content-type": "text/event-stream"})
    await reply.events([created_event(), *deltas, completed_event(len(deltas) + 1, text)])
    await reply.end()


# -- helpers -----------------------------------------------------------------------------------


@pytest.fixture
def sent() -> list[Sent]:
    """The records of the endless scenarios of this test."""
    SENT.clear()
    return SENT


def assert_says(outcome: Outcome, code: grpc.StatusCode, *phrases: str) -> None:
    """The call ended with `code`, with a message holding every phrase."""
    assert outcome.code == code, (outcome.code, outcome.message)
    for phrase in phrases:
        assert phrase in outcome.message, (phrase, outcome.message)


def assert_too_large(outcome: Outcome, what: str, limit: int) -> None:
    """The call ended RESOURCE_EXHAUSTED because the upstream's `what` passed `limit`."""
    assert_says(
        outcome,
        grpc.StatusCode.RESOURCE_EXHAUSTED,
        f"upstream {what} is larger than the message limit of {limit} bytes",
        "BRIDGE_MAX_MESSAGE_BYTES",
    )


def metadata_bytes(metadata: dict[str, Any]) -> int:
    """The size of metadata, names and values."""
    return sum(len(key) + len(value) for key, value in metadata.items())


async def stream_raw(handle: BridgeHandle, fault: str) -> Outcome:
    """Stream `fault` asking for raw JSON on every event."""
    outcome = Outcome()
    call = handle.stub.StreamCreateResponse(
        request(fault), timeout=10, metadata=(("x-bridge-raw-json", "1"),)
    )
    try:
        async for event in call:
            outcome.events.append(event)
    except grpc.aio.AioRpcError as error:
        outcome.error = error
    return outcome


# -- response heads ----------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("fault", ["hostile_129_headers", "hostile_long_header"])
async def test_an_unreadable_response_head_is_internal_without_the_url(
    fault_server: FaultServer, bridges: Bridges, fault: str, mode: str
) -> None:
    """Over 128 response headers, or one over 8 KiB, end INTERNAL with a message about the
    response head that does not quote the upstream URL."""
    handle = await bridges.start()
    outcome = await invoke(handle.channel, fault, mode)
    assert_says(outcome, grpc.StatusCode.INTERNAL, "upstream reply unreadable", "response head")
    assert f"127.0.0.1:{fault_server.port}" not in outcome.message
    assert outcome.error_info().reason == "INTERNAL"
    assert outcome.events == []


@pytest.mark.parametrize("mode", MODES)
async def test_128_response_headers_are_read(bridges: Bridges, mode: str) -> None:
    """A head of exactly 128 headers is still a good reply."""
    handle = await bridges.start()
    outcome = await invoke(handle.channel, "hostile_128_headers", mode)
    assert outcome.code == grpc.StatusCode.OK, outcome.message


@pytest.mark.parametrize("mode", MODES)
async def test_a_non_ascii_request_id_is_dropped_not_fatal(bridges: Bridges, mode: str) -> None:
    """A non-ASCII byte in x-request-id leaves a good reply OK, without that metadata."""
    handle = await bridges.start()
    outcome = await invoke(handle.channel, "hostile_non_ascii_request_id", mode)
    assert outcome.code == grpc.StatusCode.OK, outcome.message
    assert "x-request-id" not in outcome.initial
    assert "x-request-id" not in outcome.trailing
    if mode == "unary":
        assert outcome.response is not None and output_text(outcome.response) == "ok"
    else:
        assert codec.event_type(outcome.events[-1]) == "response.completed"


@pytest.mark.parametrize("mode", MODES)
async def test_a_flood_of_rate_limit_headers_is_capped(bridges: Bridges, mode: str) -> None:
    """60 large x-ratelimit-* headers (over 40 KiB) leave a good reply OK, the client's
    whole initial metadata within 4 KiB: well inside gRPC's default limit of 8 KiB."""
    handle = await bridges.start()
    outcome = await invoke(handle.channel, "hostile_ratelimit_flood", mode)
    assert outcome.code == grpc.StatusCode.OK, outcome.message
    assert "x-request-id" in outcome.initial
    assert metadata_bytes(outcome.initial) <= MAX_FORWARDED_METADATA_BYTES
    kept = [key for key in outcome.initial if key.startswith("x-ratelimit-remaining-")]
    assert kept, "every rate-limit header was dropped"
    for key in kept:
        assert outcome.initial[key] == str(int(key[-2:])) * 400


# -- JSON depth --------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "fault",
    [
        "hostile_nested_1000",
        "hostile_nested_100000",
        "hostile_nested_40_in_valid",
    ],
)
async def test_json_nested_past_the_limit_is_internal(
    bridges: Bridges, fault: str, mode: str
) -> None:
    """A reply or event nested deeper than the limit (bare, or one key inside a valid
    reply) ends INTERNAL naming the limit, after the events before it."""
    handle = await bridges.start()
    outcome = await invoke(handle.channel, fault, mode)
    assert_says(outcome, grpc.StatusCode.INTERNAL, f"nested deeper than {MAX_JSON_DEPTH} levels")
    if mode == "stream":
        assert [codec.event_type(e) for e in outcome.events] == ["response.created"]
        assert "upstream event 2" in outcome.message


@pytest.mark.parametrize("mode", MODES)
async def test_json_nested_at_the_limit_reaches_the_client(bridges: Bridges, mode: str) -> None:
    """A reply or event nested exactly at the limit is OK, and the Python client parses it
    with its nested value intact."""
    handle = await bridges.start()
    outcome = await invoke(handle.channel, "hostile_nested_at_limit", mode)
    assert outcome.code == grpc.StatusCode.OK, outcome.message
    if mode == "unary":
        assert outcome.response is not None
        received = codec.to_json(outcome.response)
    else:
        received = codec.to_json(outcome.events[1])
    assert received["x_deep"] == nested(MAX_JSON_DEPTH - 1)


# -- sizes -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fault", "mode", "what"),
    [
        ("hostile_endless_body", "unary", "reply body"),
        ("hostile_endless_line", "stream", "stream event"),
        ("hostile_endless_event", "stream", "stream event"),
    ],
)
async def test_an_endless_body_is_cut_at_the_message_limit(
    bridges: Bridges, sent: list[Sent], fault: str, mode: str, what: str
) -> None:
    """A body, line or event growing past the message limit ends RESOURCE_EXHAUSTED naming
    the limit, and the bridge stops reading: the upstream is cut off long before its end."""
    handle = await bridges.start(max_message_bytes=LIMIT)
    outcome = await invoke(handle.channel, fault, mode)
    assert_too_large(outcome, what, LIMIT)
    (record,) = sent
    assert await record.conn.wait_closed(5.0), "the upstream connection is still open"
    assert not record.finished
    # What the bridge read, plus what loopback socket buffers held when it closed.
    assert record.written < ENDLESS // 2, f"{record.written} bytes written"


async def test_an_event_of_empty_data_lines_is_cut_at_the_message_limit(
    bridges: Bridges,
) -> None:
    """An event of empty data lines whose joined data passes the message limit ends
    RESOURCE_EXHAUSTED naming the limit, like any other event that large."""
    limit = EMPTY_LINES // 8  # the lines joined: EMPTY_LINES / 6 newlines
    handle = await bridges.start(max_message_bytes=limit)
    outcome = await invoke(handle.channel, "hostile_empty_data_lines", "stream")
    assert_too_large(outcome, "stream event", limit)


@pytest.mark.parametrize(
    "fault",
    [
        "hostile_endless_event",
        "hostile_short_data_lines",
    ],
    ids=["long-lines", "short-lines"],
)
async def test_an_event_past_the_limit_costs_about_the_limit(
    fault_server: FaultServer, fault: str
) -> None:
    """A bridge process refusing an event of many data lines at the message limit has
    grown its memory by less than 4 times that limit, however short the lines: each
    pending line is counted with what its object costs, not only its text."""
    env = {"BRIDGE_MAX_MESSAGE_BYTES": str(COSTED_LIMIT)}
    async with (
        bridge_process(fault_server.url, env) as bridge,
        grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}") as channel,
    ):
        assert (await invoke(channel, "ok", "stream")).code == grpc.StatusCode.OK
        base = rss_mib(bridge.pid)
        with RssSampler(bridge.pid) as sampler:
            outcome = await invoke(channel, fault, "stream")
    assert_too_large(outcome, "stream event", COSTED_LIMIT)
    growth = (sampler.peak - base) * MiB
    assert growth < 4 * COSTED_LIMIT, f"grew {growth / COSTED_LIMIT:.1f}x the message limit"


@pytest.mark.parametrize("mode", MODES)
async def test_a_gzip_bomb_is_cut_at_the_message_limit(bridges: Bridges, mode: str) -> None:
    """A gzip body that inflates past the message limit ends RESOURCE_EXHAUSTED naming it."""
    handle = await bridges.start(max_message_bytes=LIMIT)
    outcome = await invoke(handle.channel, "hostile_gzip_bomb", mode)
    assert_too_large(outcome, "stream event" if mode == "stream" else "reply body", LIMIT)


@pytest.mark.parametrize("mode", MODES)
async def test_an_encoding_not_asked_for_is_internal(bridges: Bridges, mode: str) -> None:
    """A body in content-encoding br, which the bridge never asks for, ends INTERNAL
    naming the encoding."""
    handle = await bridges.start()
    outcome = await invoke(handle.channel, "hostile_brotli", mode)
    assert_says(outcome, grpc.StatusCode.INTERNAL, "content-encoding 'br'")


# -- timing ------------------------------------------------------------------------------------


async def test_keep_alive_comments_do_not_count_as_a_first_event(bridges: Bridges) -> None:
    """A stream of keep-alive comments and no event ends DEADLINE_EXCEEDED for its first
    event after the first-event timeout, long before the client's deadline."""
    handle = await bridges.start(first_byte_timeout=0.5, read_timeout=0.3)
    outcome = await invoke(handle.channel, "hostile_pings_only", "stream", deadline=10.0)
    assert_says(
        outcome, grpc.StatusCode.DEADLINE_EXCEEDED, "upstream first event timed out after 0.5s"
    )
    assert outcome.events == []
    assert outcome.elapsed < 5.0


async def test_keep_alive_comments_after_the_first_event_keep_a_stream_open(
    bridges: Bridges,
) -> None:
    """After its first event, a stream that sends only comments for longer than the read
    timeout stays open (idle timeouts count any byte) and ends OK with its terminal event."""
    read_timeout = 0.3
    handle = await bridges.start(first_byte_timeout=0.5, read_timeout=read_timeout)
    outcome = await invoke(handle.channel, "hostile_pings_after_event", "stream", deadline=10.0)
    assert outcome.code == grpc.StatusCode.OK, outcome.message
    assert [codec.event_type(e) for e in outcome.events] == [
        "response.created",
        "response.output_text.delta",
        "response.completed",
    ]
    assert outcome.elapsed > PINGS_AFTER_EVENT * PING_INTERVAL > read_timeout


# -- secrets -----------------------------------------------------------------------------------


async def test_an_error_event_quoting_the_key_is_redacted(bridges: Bridges) -> None:
    """An error event and a response.failed quoting the bridge's upstream key reach the
    client with the key replaced by [REDACTED], in the typed fields and in raw_json."""
    handle = await bridges.start()
    outcome = await stream_raw(handle, "hostile_key_in_errors")
    events = outcome.events
    assert [codec.event_type(e) for e in events] == [
        "response.created",
        "error",
        "response.failed",
    ]
    error, failed = events[1], events[2]
    assert error.error.message == f"invalid api key {REDACTED} for this project"
    assert failed.failed.response.error.message == f"rejected key {REDACTED}"
    for event in (error, failed):
        assert KEY not in event.raw_json
        assert REDACTED in event.raw_json
        assert KEY not in str(event)
    assert outcome.code == grpc.StatusCode.INTERNAL
    assert outcome.error is not None
    for value in (outcome.message, *dict(outcome.error.trailing_metadata() or ()).values()):
        assert KEY not in (value.decode("latin-1") if isinstance(value, bytes) else value)


async def test_model_output_quoting_keys_is_lossless_in_a_reply(bridges: Bridges) -> None:
    """A reply whose output quotes the bridge's key and an sk-shaped sample key reaches
    the client unchanged, typed and raw: model output is never scanned for secrets."""
    handle = await bridges.start()
    response = await handle.stub.CreateResponse(
        request("hostile_keys_in_output"), timeout=10, metadata=(("x-bridge-raw-json", "1"),)
    )
    assert output_text(response) == "".join(OUTPUT_WITH_KEYS)
    assert output_text(codec.from_json(json.loads(response.raw_json), type(response))) == (
        "".join(OUTPUT_WITH_KEYS)
    )


async def test_model_output_quoting_keys_is_lossless_in_a_stream(bridges: Bridges) -> None:
    """Text deltas quoting the bridge's key and an sk-shaped sample key reach the client
    unchanged, typed and raw: only error events are scanned for secrets."""
    handle = await bridges.start()
    outcome = await stream_raw(handle, "hostile_keys_in_output")
    events = outcome.events
    assert outcome.code == grpc.StatusCode.OK, outcome.message
    deltas = [e for e in events if codec.event_type(e) == "response.output_text.delta"]
    assert [e.output_text_delta.delta for e in deltas] == OUTPUT_WITH_KEYS
    assert [json.loads(e.raw_json)["delta"] for e in deltas] == OUTPUT_WITH_KEYS
    assert output_text(events[-1].completed.response) == "".join(OUTPUT_WITH_KEYS)


# -- hostile metadata never reaches the upstream ---------------------------------------------


@dataclass
class H2Upstream:
    """A Responses upstream speaking HTTP/2 over TLS (h2 on asyncio), recording requests."""

    ca: trustme.CA
    ca_file: Path
    requests: list[dict[bytes, bytes]] = field(default_factory=list)
    port: int = 0
    _server: asyncio.Server | None = None
    _writers: list[asyncio.StreamWriter] = field(default_factory=list)
    _tasks: list[asyncio.Task[Any]] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}/v1"

    async def start(self) -> None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1").configure_cert(context)
        context.set_alpn_protocols(["h2"])
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=context)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        """Stop listening and drop every connection at once (no TLS close handshake)."""
        assert self._server is not None
        self._server.close()
        for writer in self._writers:
            writer.transport.abort()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.append(task)
        self._writers.append(writer)
        assert writer.get_extra_info("ssl_object").selected_alpn_protocol() == "h2"
        config = h2.config.H2Configuration(client_side=False, header_encoding=None)
        connection = h2.connection.H2Connection(config)
        connection.initiate_connection()
        writer.write(connection.data_to_send())
        heads: dict[int, dict[bytes, bytes]] = {}
        body = json.dumps(RESPONSE).encode()
        with contextlib.suppress(ConnectionError, ssl.SSLError):
            while data := await reader.read(65536):
                for event in connection.receive_data(data):
                    if isinstance(event, h2.events.RequestReceived):
                        heads[event.stream_id] = dict(event.headers)
                    elif isinstance(event, h2.events.DataReceived):
                        connection.acknowledge_received_data(
                            event.flow_controlled_length, event.stream_id
                        )
                    elif isinstance(event, h2.events.StreamEnded):
                        self.requests.append(heads.pop(event.stream_id))
                        reply = [(b":status", b"200"), (b"content-type", b"application/json")]
                        connection.send_headers(event.stream_id, reply)
                        connection.send_data(event.stream_id, body, end_stream=True)
                writer.write(connection.data_to_send())
                await writer.drain()


@pytest.fixture
async def h2_upstream(tmp_path: Path) -> AsyncIterator[H2Upstream]:
    """An HTTP/2 upstream on loopback, with the CA file a bridge needs to trust it."""
    ca = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    upstream = H2Upstream(ca, ca_file)
    await upstream.start()
    try:
        yield upstream
    finally:
        await upstream.close()


HEADER = "x-trace-tag"
# A lone CR, a header injected after a LF, a NUL, UTF-8.
HOSTILE_VALUES = [b"a\rb", b"a\nx-injected: 1", b"a\x00b", "caf\u00e9".encode()]
HOSTILE_IDS = ["cr", "lf-injection", "nul", "non-ascii"]
METHODS = {
    "unary": f"/{SERVICE_NAME}/CreateResponse",
    "stream": f"/{SERVICE_NAME}/StreamCreateResponse",
}
REQUEST = responses_service_pb2.CreateResponseRequest(
    model="fault-model", input={"text": "hi"}, metadata={"fault": "ok"}
).SerializeToString()


async def start_bridge(
    bridges: Bridges, fault_server: FaultServer, h2_upstream: H2Upstream, http: str
) -> BridgeHandle:
    """A bridge forwarding HEADER, to the HTTP/1.1 fault server or the HTTP/2 upstream."""
    if http == "http1":
        return await bridges.start(forward_headers=(HEADER,))
    return await bridges.start(
        upstream_url=h2_upstream.url,
        http2=True,
        wire="httpx",
        ca_bundle=str(h2_upstream.ca_file),
        forward_headers=(HEADER,),
    )


def received(fault_server: FaultServer, h2_upstream: H2Upstream, http: str) -> int:
    """How many requests (HTTP/1.1: connections) the upstream saw."""
    return len(fault_server.connections) if http == "http1" else len(h2_upstream.requests)


@pytest.mark.parametrize("http", ["http1", "http2"])
async def test_forwarded_metadata_reaches_the_upstream(
    bridges: Bridges, fault_server: FaultServer, h2_upstream: H2Upstream, http: str
) -> None:
    """A clean value of a forwarded key reaches the upstream as a header (the control for
    the hostile values below)."""
    handle = await start_bridge(bridges, fault_server, h2_upstream, http)
    reply = await asyncio.to_thread(
        raw_call, handle.bridge.port, METHODS["unary"], REQUEST, [(HEADER.encode(), b"tag-1")]
    )
    assert reply.status == grpc.StatusCode.OK.value[0], reply.message
    assert received(fault_server, h2_upstream, http) == 1
    if http == "http1":
        assert fault_server.connections[0].headers[HEADER] == "tag-1"
    else:
        assert h2_upstream.requests[0][HEADER.encode()] == b"tag-1"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("value", HOSTILE_VALUES, ids=HOSTILE_IDS)
@pytest.mark.parametrize("http", ["http1", "http2"])
async def test_hostile_forwarded_metadata_is_refused_before_the_upstream(
    bridges: Bridges,
    fault_server: FaultServer,
    h2_upstream: H2Upstream,
    http: str,
    value: bytes,
    mode: str,
) -> None:
    """CR, LF, NUL or non-ASCII in a forwarded metadata value is INVALID_ARGUMENT naming
    the key, and the upstream receives no request at all."""
    handle = await start_bridge(bridges, fault_server, h2_upstream, http)
    reply = await asyncio.to_thread(
        raw_call, handle.bridge.port, METHODS[mode], REQUEST, [(HEADER.encode(), value)]
    )
    assert reply.status == grpc.StatusCode.INVALID_ARGUMENT.value[0], reply.message
    assert reply.message.startswith(f"invalid request: {HEADER}: ")
    assert received(fault_server, h2_upstream, http) == 0
