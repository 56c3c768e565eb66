"""A fault-injecting Responses API upstream on raw asyncio sockets.

aiohttp always answers with a well-formed HTTP reply; the faults here need control below that:
a TCP reset before the status line (SO_LINGER 0, then close), a status line cut in the middle
of the headers, a chunk cut mid-body, a first byte held for seconds, a trickle of events.
`FaultServer` therefore speaks just enough HTTP/1.1 for httpx (the bridge's client; it only
tries HTTP/2 over TLS, so plaintext is always HTTP/1.1) on an `asyncio.start_server` bound to
127.0.0.1.

Selecting a fault
    The test names a scenario in the request's metadata, which the bridge forwards in the
    JSON body: ``CreateResponseRequest(metadata={"fault": "reset_before_headers"}, ...)``
    (see `request`). The server reads ``body["metadata"]["fault"]`` and runs that entry of
    `SCENARIOS`; a name it does not know gets a 400 naming the known ones. A scenario answers
    a streaming request (``"stream": true``) with Server-Sent Events and a unary one with JSON
    wherever both make sense. Scenarios that behave differently on a retry count earlier
    attempts of the same logical call by its ``idempotency-key`` header, which the bridge
    keeps across retries.

One request per connection
    Every reply says ``Connection: close`` and the server closes after it, so the bridge's
    pool never keeps a connection, one connection is one attempt, and an open connection
    after a test is a connection the bridge forgot to close.

What is recorded
    `Connection` per accepted connection: when it opened, when the request was complete,
    the request line, headers and body, and when and by whom it closed ("peer" when the
    bridge closed or reset it, "server" when the scenario finished, "reset" when the server
    reset it). After the request is read, a watcher task reads the socket until EOF, so a
    peer close is noticed the moment it happens, even while a scenario holds a reply back.
    All times are `time.monotonic()`, the clock of the tests in the same process.

Every wait is bounded: requests must arrive within `REQUEST_TIMEOUT`, holds end after their
stated seconds (or at once when the peer closes), and paced streams have a fixed length.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "HTTP_ERRORS",
    "SCENARIOS",
    "Connection",
    "FaultServer",
    "HttpError",
    "Reply",
    "completed_event",
    "created_event",
    "delta_event",
    "request_metadata",
    "sse",
]

REQUEST_TIMEOUT = 5.0
MAX_HEADER_BYTES = 64 * 1024
MAX_BODY_BYTES = 16 * 1024 * 1024
FIXTURES = Path(__file__).parent.parent / "fixtures"

# Hold lengths, all far longer than the timeouts the tests configure, all bounded.
LONG_HOLD = 3.0
PACED_INTERVAL = 0.1
PACED_EVENTS = 80  # 8 s at most
TRICKLE_INTERVAL = 0.2
TRICKLE_EVENTS = 5
OVERSIZED_DELTA = 5 * 1024 * 1024
RETRY_AFTER_SLOW = "1"


def request_metadata(fault: str) -> dict[str, str]:
    """The CreateResponseRequest.metadata that selects `fault` (checked against `SCENARIOS`)."""
    if fault not in SCENARIOS:
        raise KeyError(f"unknown fault {fault!r}; known: {', '.join(sorted(SCENARIOS))}")
    return {"fault": fault}


# -- records -----------------------------------------------------------------------------------


@dataclass
class Connection:
    """One accepted connection and the one request it carried."""

    index: int
    opened_at: float
    received_at: float | None = None
    request_line: str = ""
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    fault: str | None = None
    stream: bool = False
    request_id: str = ""
    status: int | None = None
    closed_at: float | None = None
    closed_by: str | None = None
    received: asyncio.Event = field(default_factory=asyncio.Event)
    closed: asyncio.Event = field(default_factory=asyncio.Event)
    on_change: Callable[[], None] = field(default=lambda: None, repr=False)

    @property
    def open(self) -> bool:
        """Whether neither side has closed the connection yet."""
        return self.closed_at is None

    @property
    def json(self) -> Any:
        """The request body, parsed."""
        return json.loads(self.body) if self.body else None

    def mark_closed(self, by: str) -> None:
        """Record the first close of the connection, by "peer", "server" or "reset"."""
        if self.closed_at is None:
            self.closed_at = time.monotonic()
            self.closed_by = by
            self.closed.set()
            self.on_change()

    async def wait_closed(self, seconds: float) -> bool:
        """Wait up to `seconds` for the close; whether it happened."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self.closed.wait()
        return not self.open


# -- the reply side of one connection ----------------------------------------------------------


class Reply:
    """What a scenario uses to answer: raw bytes, HTTP framing, holds and resets."""

    def __init__(self, server: FaultServer, conn: Connection, writer: asyncio.StreamWriter):
        self.server = server
        self.conn = conn
        self._writer = writer
        self._chunked = False

    @property
    def stream(self) -> bool:
        """Whether the request asked for Server-Sent Events."""
        return self.conn.stream

    @property
    def attempt(self) -> int:
        """0 for the first attempt of this logical call, 1 for its first retry, ..."""
        key = self.conn.headers.get("idempotency-key")
        earlier = [
            c
            for c in self.server.connections
            if c.index < self.conn.index and key and c.headers.get("idempotency-key") == key
        ]
        return len(earlier)

    async def raw(self, data: bytes) -> None:
        """Send bytes as they are."""
        self._writer.write(data)
        await self._writer.drain()

    async def head(
        self,
        status: int = 200,
        headers: dict[str, str] | None = None,
        *,
        content_length: int | None = None,
    ) -> None:
        """Send the status line and headers; the body is chunked unless a length is given."""
        self.conn.status = status
        lines = [f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}"]
        given = {"x-request-id": self.conn.request_id, **(headers or {})}
        if content_length is None:
            given["transfer-encoding"] = "chunked"
            self._chunked = True
        else:
            given["content-length"] = str(content_length)
        given["connection"] = "close"
        lines += [f"{name}: {value}" for name, value in given.items()]
        await self.raw(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    async def chunk(self, data: bytes) -> None:
        """Send one piece of the body (framed as a chunk when the body is chunked)."""
        if not data:
            return
        if self._chunked:
            data = b"%x\r\n%s\r\n" % (len(data), data)
        await self.raw(data)

    async def end(self) -> None:
        """Finish a chunked body."""
        if self._chunked:
            await self.raw(b"0\r\n\r\n")

    async def whole(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        """Send a complete reply with a Content-Length body."""
        await self.head(
            status, {"content-type": content_type, **(headers or {})}, content_length=len(body)
        )
        await self.raw(body)

    async def events(self, events: list[dict[str, Any]]) -> None:
        """Send events, one chunk each."""
        for event in events:
            await self.chunk(sse(event))

    async def hold(self, seconds: float) -> bool:
        """Send nothing for `seconds`, or until the peer closes; whether the peer closed."""
        return await self.conn.wait_closed(seconds)

    async def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0, then close)."""
        sock = self._writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.conn.mark_closed("reset")
        self._writer.transport.abort()


Scenario = Callable[[Reply], Awaitable[None]]
SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str) -> Callable[[Scenario], Scenario]:
    """Register a scenario under `name`."""

    def register(function: Scenario) -> Scenario:
        assert name not in SCENARIOS, name
        SCENARIOS[name] = function
        return function

    return register


# -- payloads ----------------------------------------------------------------------------------


def sse(event: dict[str, Any]) -> bytes:
    """One event as Server-Sent Events bytes, named in an `event:` line as OpenAI does."""
    return f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()


def _response(status: str, text: str | None = None) -> dict[str, Any]:
    output = []
    if text is not None:
        output.append(
            {
                "type": "message",
                "id": "msg_fault",
                "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        )
    return {
        "id": "resp_fault",
        "object": "response",
        "created_at": 1_700_000_000,
        "status": status,
        "model": "fault-model",
        "output": output,
    }


def created_event() -> dict[str, Any]:
    """The first event of a stream."""
    return {
        "type": "response.created",
        "sequence_number": 0,
        "response": _response("in_progress"),
    }


def delta_event(sequence: int, delta: str) -> dict[str, Any]:
    """One output text delta."""
    return {
        "type": "response.output_text.delta",
        "sequence_number": sequence,
        "item_id": "msg_fault",
        "output_index": 0,
        "content_index": 0,
        "delta": delta,
    }


def completed_event(sequence: int, text: str) -> dict[str, Any]:
    """The successful terminal event."""
    return {
        "type": "response.completed",
        "sequence_number": sequence,
        "response": _response("completed", text),
    }


async def _answer_ok(reply: Reply, words: list[str]) -> None:
    """A complete successful answer: JSON, or created + one delta per word + completed."""
    text = "".join(words)
    if not reply.stream:
        body = json.dumps(_response("completed", text)).encode()
        await reply.whole(200, body, "application/json")
        return
    await reply.head(200, {"content-type": "text/event-stream"})
    deltas = [delta_event(index + 1, word) for index, word in enumerate(words)]
    await reply.events([created_event(), *deltas, completed_event(len(words) + 1, text)])
    await reply.end()


# -- HTTP error statuses -----------------------------------------------------------------------


@dataclass(frozen=True)
class HttpError:
    """An upstream HTTP error status as OpenAI sends it: its JSON error object."""

    status: int
    type: str
    code: str | None
    param: str | None = None

    @property
    def message(self) -> str:
        """The error message in the JSON body."""
        return f"fault server says {self.status}"

    @property
    def retryable(self) -> bool:
        """Whether the bridge is documented to retry it (bridge/upstream/retry.py)."""
        return self.status in (409, 429, 500, 502, 503, 504)

    def json_body(self) -> bytes:
        """The OpenAI error body."""
        error = {"message": self.message, "type": self.type, "param": self.param, "code": self.code}
        return json.dumps({"error": error}).encode()

    def html_body(self) -> bytes:
        """A proxy's error page."""
        return (
            f"<html><head><title>{self.status} {_REASONS[self.status]}</title></head>"
            f"<body><h1>{self.status} {_REASONS[self.status]}</h1></body></html>"
        ).encode()


HTTP_ERRORS: dict[int, HttpError] = {
    error.status: error
    for error in (
        HttpError(400, "invalid_request_error", "invalid_value", "temperature"),
        HttpError(401, "invalid_request_error", "invalid_api_key"),
        HttpError(403, "permission_error", "unsupported_country_region_territory"),
        HttpError(404, "invalid_request_error", "model_not_found", "model"),
        HttpError(409, "conflict_error", None),
        HttpError(422, "invalid_request_error", "unprocessable_entity", "input"),
        HttpError(429, "requests", "rate_limit_exceeded"),
        HttpError(500, "server_error", None),
        HttpError(502, "server_error", "bad_gateway"),
        HttpError(503, "server_error", "service_unavailable"),
        HttpError(504, "server_error", "gateway_timeout"),
    )
}

# Short retry hints keep retried tests fast: JSON errors say retry-after-ms, HTML pages Retry-After.
JSON_RETRY_HEADERS = {"retry-after-ms": "10"}
HTML_RETRY_HEADERS = {"retry-after": "0"}


def _http_error_scenario(error: HttpError, kind: str) -> Scenario:
    async def answer(reply: Reply) -> None:
        """HTTP error with an OpenAI JSON error or an HTML page; retry hints when retryable."""
        if kind == "json":
            body, content_type, hints = error.json_body(), "application/json", JSON_RETRY_HEADERS
        else:
            body, content_type, hints = error.html_body(), "text/html", HTML_RETRY_HEADERS
        await reply.whole(error.status, body, content_type, hints if error.retryable else None)

    return answer


for _error in HTTP_ERRORS.values():
    for _kind in ("json", "html"):
        scenario(f"http_{_error.status}_{_kind}")(_http_error_scenario(_error, _kind))


@scenario("rate_limited_retry_after_1s")
async def _rate_limited_slow(reply: Reply) -> None:
    """429 rate_limit_exceeded asking for a 1 s wait (Retry-After: 1)."""
    error = HTTP_ERRORS[429]
    await reply.whole(429, error.json_body(), "application/json", {"retry-after": RETRY_AFTER_SLOW})


@scenario("rate_limited_retry_after_30s")
async def _rate_limited_long(reply: Reply) -> None:
    """429 rate_limit_exceeded asking for a 30 s wait, longer than any test waits."""
    error = HTTP_ERRORS[429]
    await reply.whole(429, error.json_body(), "application/json", {"retry-after": "30"})


@scenario("rate_limited_retry_after_inf")
async def _rate_limited_inf(reply: Reply) -> None:
    """429 rate_limit_exceeded with a Retry-After that is no number of seconds: "inf"."""
    error = HTTP_ERRORS[429]
    await reply.whole(429, error.json_body(), "application/json", {"retry-after": "inf"})


@scenario("insufficient_quota")
async def _insufficient_quota(reply: Reply) -> None:
    """429 insufficient_quota, with a retry hint that must not lure the bridge into retrying."""
    body = HttpError(429, "insufficient_quota", "insufficient_quota").json_body()
    await reply.whole(429, body, "application/json", JSON_RETRY_HEADERS)


@scenario("flaky_503_then_ok")
async def _flaky(reply: Reply) -> None:
    """503 on the first two attempts of a call, then a normal answer."""
    if reply.attempt < 2:
        error = HTTP_ERRORS[503]
        await reply.whole(503, error.json_body(), "application/json", JSON_RETRY_HEADERS)
    else:
        await _answer_ok(reply, ["recovered"])


# -- successes and connection faults -----------------------------------------------------------


@scenario("ok")
async def _ok(reply: Reply) -> None:
    """A complete answer: "ok" as JSON, or a four-event stream."""
    await _answer_ok(reply, ["o", "k"])


@scenario("reset_before_headers")
async def _reset_before_headers(reply: Reply) -> None:
    """TCP reset right after the request, before any byte of the reply."""
    await reply.reset()


@scenario("reset_once_then_ok")
async def _reset_once(reply: Reply) -> None:
    """TCP reset on the first attempt of a call, then a normal answer."""
    if reply.attempt == 0:
        await reply.reset()
    else:
        await _answer_ok(reply, ["after ", "reset"])


@scenario("partial_headers")
async def _partial_headers(reply: Reply) -> None:
    """A status line and half a header, then a clean close (FIN)."""
    await reply.raw(b"HTTP/1.1 200 OK\r\ncontent-type: text/ev")


@scenario("reset_mid_stream")
async def _reset_mid_stream(reply: Reply) -> None:
    """Headers and two events (half a JSON body when unary), then a TCP reset."""
    if reply.stream:
        await reply.head(200, {"content-type": "text/event-stream"})
        await reply.events([created_event(), delta_event(1, "partial")])
    else:
        body = json.dumps(_response("completed", "x" * 1000)).encode()
        await reply.head(200, {"content-type": "application/json"}, content_length=len(body))
        await reply.raw(body[: len(body) // 2])
    # Give the bridge time to read and forward what was sent before the reset discards it.
    await reply.hold(0.2)
    await reply.reset()


@scenario("cut_mid_chunk")
async def _cut_mid_chunk(reply: Reply) -> None:
    """One event, then a chunk header promising 100 bytes, 10 of them, and a clean close."""
    await reply.head(200, {"content-type": "text/event-stream"})
    await reply.events([created_event()])
    await reply.raw(b'64\r\ndata: {"ty')


@scenario("eof_without_terminal")
async def _eof_without_terminal(reply: Reply) -> None:
    """Two events and a well-framed end of body, but no response.completed."""
    await reply.head(200, {"content-type": "text/event-stream"})
    await reply.events([created_event(), delta_event(1, "cut")])
    await reply.end()


@scenario("completed_then_hold")
async def _completed_then_hold(reply: Reply) -> None:
    """A complete stream whose body then stays open for LONG_HOLD seconds (no EOF)."""
    await reply.head(200, {"content-type": "text/event-stream"})
    await reply.events([created_event(), delta_event(1, "done"), completed_event(2, "done")])
    if not await reply.hold(LONG_HOLD):
        await reply.end()


@scenario("completed_then_reset")
async def _completed_then_reset(reply: Reply) -> None:
    """A complete stream, then a TCP reset instead of the end of the chunked body."""
    await reply.head(200, {"content-type": "text/event-stream"})
    await reply.events([created_event(), delta_event(1, "done"), completed_event(2, "done")])
    await reply.hold(0.2)
    await reply.reset()


@scenario("http_503_stalled_body")
async def _stalled_error_body(reply: Reply) -> None:
    """A 503 whose headers promise a JSON body that never comes (LONG_HOLD seconds)."""
    body = HTTP_ERRORS[503].json_body()
    await reply.head(503, {"content-type": "application/json"}, content_length=len(body))
    await reply.hold(LONG_HOLD)


@scenario("http_503_cut_body")
async def _cut_error_body(reply: Reply) -> None:
    """A 503 whose JSON body is reset half way, on every attempt."""
    body = HTTP_ERRORS[503].json_body()
    await reply.head(503, {"content-type": "application/json"}, content_length=len(body))
    await reply.raw(body[:10])
    await reply.hold(0.05)
    await reply.reset()


# -- malformed streams -------------------------------------------------------------------------


GARBAGE = b"\x00\xff\xfe\x1b[31mnot an event stream\nHTTP/1.1 200 OK\n<html>\n\n\x7f\x80\n\n"


@scenario("garbage_sse")
async def _garbage(reply: Reply) -> None:
    """A 200 event stream of bytes and lines that are not SSE fields (no data: line)."""
    await reply.head(200, {"content-type": "text/event-stream"})
    await reply.chunk(GARBAGE)
    await reply.end()


@scenario("garbage_between_events")
async def _garbage_between(reply: Reply) -> None:
    """A complete stream with garbage lines, comments and unknown fields between events."""
    await reply.head(200, {"content-type": "text/event-stream"})
    await reply.chunk(b": keep-alive\n\n" + GARBAGE)
    await reply.events([created_event()])
    await reply.chunk(b"retry: soon\nfoo: bar\nnonsense\n\n")
    await reply.events([delta_event(1, "ok"), completed_event(2, "ok")])
    await reply.end()


@scenario("invalid_json_event")
async def _invalid_json(reply: Reply) -> None:
    """A stream whose second event is cut JSON (a unary reply: a cut JSON body)."""
    if not reply.stream:
        await reply.whole(200, b'{"id": "resp_fault", "object": ', "application/json")
        return
    await reply.head(200, {"content-type": "text/event-stream"})
    await reply.events([created_event()])
    await reply.chunk(b'event: response.output_text.delta\ndata: {"type": "response.outp\n\n')
    await reply.end()


@scenario("error_then_failed")
async def _error_then_failed(reply: Reply) -> None:
    """The recorded stream error_then_failed_insufficient_quota.sse, as sent by OpenAI."""
    raw = (FIXTURES / "sse" / "error_then_failed_insufficient_quota.sse").read_bytes()
    await reply.head(200, {"content-type": "text/event-stream"})
    await reply.chunk(raw)
    await reply.end()


@scenario("oversized_event")
async def _oversized(reply: Reply) -> None:
    """A 5 MiB text delta (unary: a 5 MiB output text), above gRPC's default 4 MiB limit."""
    await _answer_ok(reply, ["start ", "x" * OVERSIZED_DELTA])


# -- timing ------------------------------------------------------------------------------------


@scenario("slow_first_byte")
async def _slow_first_byte(reply: Reply) -> None:
    """Nothing for LONG_HOLD seconds (ended early by a peer close), then a normal answer."""
    if not await reply.hold(LONG_HOLD):
        await _answer_ok(reply, ["late"])


@scenario("headers_then_hold")
async def _headers_then_hold(reply: Reply) -> None:
    """Headers at once, then no body byte for LONG_HOLD seconds (unary: half the body)."""
    if reply.stream:
        await reply.head(200, {"content-type": "text/event-stream"})
    else:
        body = json.dumps(_response("completed", "held")).encode()
        await reply.head(200, {"content-type": "application/json"}, content_length=len(body))
        await reply.raw(body[:10])
    await reply.hold(LONG_HOLD)


@scenario("mid_stream_hold")
async def _mid_stream_hold(reply: Reply) -> None:
    """Two events, then nothing for LONG_HOLD seconds (ended early by a peer close)."""
    await reply.head(200, {"content-type": "text/event-stream"})
    await reply.events([created_event(), delta_event(1, "held")])
    await reply.hold(LONG_HOLD)


@scenario("trickle")
async def _trickle(reply: Reply) -> None:
    """A complete stream, one event every TRICKLE_INTERVAL seconds."""
    await reply.head(200, {"content-type": "text/event-stream"})
    await reply.events([created_event()])
    words = [f"w{index} " for index in range(TRICKLE_EVENTS)]
    for index, word in enumerate(words):
        if await reply.hold(TRICKLE_INTERVAL):
            return
        await reply.events([delta_event(index + 1, word)])
    await reply.events([completed_event(len(words) + 1, "".join(words))])
    await reply.end()


@scenario("stall")
async def _stall(reply: Reply) -> None:
    """One event, a LONG_HOLD stall (ended early by a peer close), then the rest."""
    await reply.head(200, {"content-type": "text/event-stream"})
    await reply.events([created_event()])
    if not await reply.hold(LONG_HOLD):
        await reply.events([completed_event(1, "")])
        await reply.end()


@scenario("paced")
async def _paced(reply: Reply) -> None:
    """A long stream: one delta every PACED_INTERVAL seconds, PACED_EVENTS of them."""
    await reply.head(200, {"content-type": "text/event-stream"})
    await reply.events([created_event()])
    for index in range(PACED_EVENTS):
        if await reply.hold(PACED_INTERVAL):
            return
        await reply.events([delta_event(index + 1, ".")])
    await reply.events([completed_event(PACED_EVENTS + 1, "." * PACED_EVENTS)])
    await reply.end()


# -- the server --------------------------------------------------------------------------------


class FaultServer:
    """The fault upstream: start it, point a bridge at `url`, read `connections`."""

    def __init__(self) -> None:
        self.connections: list[Connection] = []
        self._server: asyncio.Server | None = None
        self.port = 0
        # Set, then replaced, whenever a request arrives or a connection closes.
        self._change = asyncio.Event()

    @property
    def url(self) -> str:
        """The base URL to give the bridge (ends in /v1)."""
        return f"http://127.0.0.1:{self.port}/v1"

    async def start(self) -> None:
        """Listen on a free loopback port."""
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def close(self) -> None:
        """Stop listening and abort every connection still open."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    def requests(self, fault: str | None = None) -> list[Connection]:
        """Connections whose request was read completely, optionally for one fault."""
        return [
            c
            for c in self.connections
            if c.received.is_set() and (fault is None or c.fault == fault)
        ]

    def open_connections(self) -> list[Connection]:
        """Connections neither side has closed yet."""
        return [c for c in self.connections if c.open]

    async def wait_request(self, fault: str, count: int = 1, seconds: float = 5.0) -> Connection:
        """Wait up to `seconds` until `count` requests for `fault` arrived; the last one."""
        arrived = await self._until(lambda: len(self.requests(fault)) >= count, seconds)
        assert arrived, f"{count} request(s) for {fault!r} did not arrive within {seconds} s"
        return self.requests(fault)[count - 1]

    async def wait_all_closed(self, seconds: float = 1.0) -> list[Connection]:
        """Wait up to `seconds` for every connection to close; those still open."""
        await self._until(lambda: not self.open_connections(), seconds)
        return self.open_connections()

    async def _until(self, predicate: Callable[[], bool], seconds: float) -> bool:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                while not predicate():
                    await self._change.wait()
        return predicate()

    def _changed(self) -> None:
        self._change.set()
        self._change = asyncio.Event()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = Connection(
            index=len(self.connections), opened_at=time.monotonic(), on_change=self._changed
        )
        self.connections.append(conn)
        watcher: asyncio.Task[None] | None = None
        try:
            try:
                async with asyncio.timeout(REQUEST_TIMEOUT):
                    await _read_request(reader, conn)
            except (asyncio.IncompleteReadError, ConnectionError, TimeoutError, ValueError):
                return
            conn.request_id = f"req_{conn.fault or 'none'}_{conn.index}"
            conn.received_at = time.monotonic()
            conn.received.set()
            self._changed()
            watcher = asyncio.get_running_loop().create_task(
                _watch(reader, conn), name=f"fault-watch-{conn.index}"
            )
            answer = SCENARIOS.get(conn.fault or "", _unknown_fault)
            with contextlib.suppress(ConnectionError):
                await answer(Reply(self, conn, writer))
        finally:
            conn.mark_closed("server")
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()
            if watcher is not None:
                watcher.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await watcher


async def _unknown_fault(reply: Reply) -> None:
    known = ", ".join(sorted(SCENARIOS))
    body = json.dumps(
        {"error": {"message": f"unknown fault {reply.conn.fault!r}; known: {known}"}}
    ).encode()
    await reply.whole(400, body, "application/json")


async def _read_request(reader: asyncio.StreamReader, conn: Connection) -> None:
    head = await reader.readuntil(b"\r\n\r\n")
    if len(head) > MAX_HEADER_BYTES:
        raise ValueError("headers too large")
    request_line, *lines = head.decode("latin-1").split("\r\n")
    conn.request_line = request_line
    for line in lines:
        if line:
            name, _, value = line.partition(":")
            conn.headers[name.strip().lower()] = value.strip()
    if conn.headers.get("transfer-encoding", "").lower() == "chunked":
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            parts.append(await reader.readexactly(size))
            await reader.readexactly(2)
        conn.body = b"".join(parts)
    else:
        length = int(conn.headers.get("content-length", "0"))
        if length > MAX_BODY_BYTES:
            raise ValueError("body too large")
        conn.body = await reader.readexactly(length)
    if len(conn.body) > MAX_BODY_BYTES:
        raise ValueError("body too large")
    try:
        payload = json.loads(conn.body) if conn.body else {}
    except json.JSONDecodeError:
        payload = {}
    if isinstance(payload, dict):
        metadata = payload.get("metadata")
        if isinstance(metadata, dict):
            conn.fault = metadata.get("fault")
        conn.stream = payload.get("stream") is True


async def _watch(reader: asyncio.StreamReader, conn: Connection) -> None:
    """Read until EOF or reset: the moment the peer closes is the moment it is recorded."""
    with contextlib.suppress(ConnectionError):
        while await reader.read(65536):
            pass
    conn.mark_closed("peer")


_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    409: "Conflict",
    422: "Unprocessable Entity",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
