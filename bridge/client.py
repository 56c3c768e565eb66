"""A small typed Python client of the bridge, blocking and asyncio.

Usage::

    with BridgeClient("127.0.0.1:50051") as client:
        print(client.ask("Hello", model="gpt-4.1"))
        stream = client.stream(request)
        for event in stream:
            ...
        final = stream.final_response()

    async with AsyncBridgeClient("127.0.0.1:50051") as client:
        async for text in client.ask_stream("Hello", model="gpt-4.1"):
            print(text, end="")
        async with client.session() as session:        # the Session RPC
            await session.create(request, stream_id="agent_1")
            final = await session.response("agent_1")

Both hide channel setup (no receive limit, optional TLS and bearer token) and
give iteration over stream events plus the accumulated final Response.
`channel_credentials` and `read_token` build the TLS and token arguments
from files; `problem` says what keeps a Response from being a whole answer
(refused, incomplete, failed, no text), as `bridge ask` reports it.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import grpc
import grpc.aio

from rbridge.responses.v1 import (
    items_pb2,
    response_pb2,
    responses_service_pb2,
    responses_service_pb2_grpc,
    stream_events_pb2,
)

__all__ = [
    "DEFAULT_MODEL",
    "DEFAULT_TARGET",
    "AsyncBridgeClient",
    "AsyncResponseStream",
    "AsyncSession",
    "BridgeClient",
    "ResponseStream",
    "Session",
    "SessionError",
    "StreamAccumulator",
    "channel_credentials",
    "output_text",
    "problem",
    "protoset",
    "read_token",
]

# What `bridge ask` and `bridge doctor` use unless told otherwise.
DEFAULT_TARGET = "127.0.0.1:50051"
DEFAULT_MODEL = "gpt-4.1-mini"

Request = responses_service_pb2.CreateResponseRequest
Event = stream_events_pb2.ResponseStreamEvent
Batch = stream_events_pb2.ResponseStreamEventBatch
ClientEvent = responses_service_pb2.ResponsesClientEvent
ServerEvent = responses_service_pb2.ResponsesServerEvent

# response.completed can exceed gRPC's default 4 MiB with inline images.
_OPTIONS: list[tuple[str, Any]] = [("grpc.max_receive_message_length", -1)]
_TERMINAL = ("completed", "incomplete", "failed")


def output_text(response: response_pb2.Response) -> str:
    """The concatenated output_text parts of a response, as the SDKs' `output_text`."""
    texts = []
    for item in response.output:
        if item.WhichOneof("item") != "message":
            continue
        content = item.message.content
        if content.WhichOneof("content") == "text":
            texts.append(content.text)
            continue
        for part in content.parts.parts:
            if part.WhichOneof("part") == "output_text":
                texts.append(part.output_text.text)
    return "".join(texts)


def _refusal(response: response_pb2.Response) -> str:
    refusals = [
        part.refusal.refusal
        for item in response.output
        if item.WhichOneof("item") == "message"
        for part in item.message.content.parts.parts
        if part.WhichOneof("part") == "refusal"
    ]
    return " ".join(refusals)


def problem(response: response_pb2.Response) -> str | None:
    """What keeps `response` from being a whole answer, in one line; None when nothing does.

    A failed or cancelled response, a refusal, an incomplete response (its
    text is cut short) and a response without any output text (only tool
    calls, say) each have a problem.
    """
    status = response.status
    if status == "failed":
        error = response.error
        code = f" ({error.code})" if error.code else ""
        return f"the response failed{code}: {error.message or 'no message'}"
    if status == "cancelled":
        return "the response was cancelled"
    refusal = _refusal(response)
    if refusal:
        return f"the model refused: {refusal}"
    if status == "incomplete":
        reason = response.incomplete_details.reason or "no reason given"
        return f"the response is incomplete ({reason}): its text is cut short"
    if not output_text(response):
        kinds = ", ".join(str(item.WhichOneof("item")) for item in response.output) or "nothing"
        return f"the response holds no text (its output: {kinds})"
    return None


def channel_credentials(
    *,
    tls: bool = False,
    ca_file: str | None = None,
    cert_file: str | None = None,
    key_file: str | None = None,
) -> grpc.ChannelCredentials | None:
    """TLS credentials from PEM files, or None for a plaintext channel.

    TLS is on when `tls` is set or any file is given. Without `ca_file` the
    system's trusted roots verify the server. A client certificate (mutual
    TLS) needs both `cert_file` and `key_file`.

    Raises:
        ValueError: only one of `cert_file` and `key_file` is given.
        OSError: a file cannot be read.
    """
    if (cert_file is None) != (key_file is None):
        raise ValueError("a client certificate needs both its certificate and its key file")
    if not (tls or ca_file or cert_file):
        return None
    return grpc.ssl_channel_credentials(
        root_certificates=Path(ca_file).read_bytes() if ca_file else None,
        private_key=Path(key_file).read_bytes() if key_file else None,
        certificate_chain=Path(cert_file).read_bytes() if cert_file else None,
    )


def protoset() -> bytes:
    """The contract and the health service as a FileDescriptorSet (`bridge protoset`).

    grpcurl reads it with ``-protoset`` where reflection is off or needs a
    token: health checks then need no token at all.
    """
    from google.protobuf import descriptor_pb2
    from grpc_health.v1 import health_pb2

    files = descriptor_pb2.FileDescriptorSet()
    seen: set[str] = set()

    def add(descriptor: Any) -> None:
        if descriptor.name in seen:
            return
        seen.add(descriptor.name)
        for dependency in descriptor.dependencies:
            add(dependency)
        descriptor.CopyToProto(files.file.add())

    add(responses_service_pb2.DESCRIPTOR)
    add(health_pb2.DESCRIPTOR)
    return files.SerializeToString()


def read_token(path: str) -> str:
    """The bearer token in a file (surrounding whitespace removed).

    Raises:
        ValueError: the file holds no token.
        OSError: the file cannot be read.
    """
    token = Path(path).read_text(encoding="utf-8").strip()
    if not token:
        raise ValueError(f"no token in {path}")
    return token


class StreamAccumulator:
    """Builds the final Response from a stream's events.

    The terminal event (completed, incomplete, failed) carries the whole
    response; when it is missing or carries no output, the items from
    response.output_item.done events fill `output`.
    """

    def __init__(self) -> None:
        self._response = response_pb2.Response()
        self._items: dict[int, items_pb2.Item] = {}
        self._text: list[str] = []

    def add(self, event: Event) -> None:
        """Take one event into account."""
        arm = event.WhichOneof("event")
        if arm == "output_text_delta":
            self._text.append(event.output_text_delta.delta)
        elif arm == "output_item_done":
            done = event.output_item_done
            self._items[done.output_index] = done.item
        elif arm in ("created", "in_progress", "queued", *_TERMINAL):
            self._response = getattr(event, arm).response

    @property
    def text(self) -> str:
        """The output text streamed so far."""
        return "".join(self._text)

    def response(self) -> response_pb2.Response:
        """The response as the events have built it."""
        response = response_pb2.Response()
        response.CopyFrom(self._response)
        if not response.output and self._items:
            response.output.extend(self._items[index] for index in sorted(self._items))
        return response


class ResponseStream:
    """The events of one streamed call, with the accumulated final response."""

    def __init__(self, events: Iterator[Event]) -> None:
        self._events = events
        self.accumulator = StreamAccumulator()

    def __iter__(self) -> Iterator[Event]:
        for event in self._events:
            self.accumulator.add(event)
            yield event

    def text_deltas(self) -> Iterator[str]:
        """Iterate, yielding only the output text deltas."""
        for event in self:
            if event.WhichOneof("event") == "output_text_delta":
                yield event.output_text_delta.delta

    def final_response(self) -> response_pb2.Response:
        """Read what remains of the stream and return the final response."""
        for _ in self:
            pass
        return self.accumulator.response()


class AsyncResponseStream:
    """The asyncio twin of `ResponseStream`."""

    def __init__(self, events: AsyncIterator[Event]) -> None:
        self._events = events
        self.accumulator = StreamAccumulator()

    async def __aiter__(self) -> AsyncIterator[Event]:
        async for event in self._events:
            self.accumulator.add(event)
            yield event

    async def text_deltas(self) -> AsyncIterator[str]:
        """Iterate, yielding only the output text deltas."""
        async for event in self:
            if event.WhichOneof("event") == "output_text_delta":
                yield event.output_text_delta.delta

    async def final_response(self) -> response_pb2.Response:
        """Read what remains of the stream and return the final response."""
        async for _ in self:
            pass
        return self.accumulator.response()


class SessionError(Exception):
    """An `error` event of a session's lane: the HTTP status it stands for and the API's
    error object."""

    def __init__(self, event: ServerEvent) -> None:
        error = event.event.error
        nested = error.error
        self.stream_id: str | None = event.stream_id if event.HasField("stream_id") else None
        self.status: int | None = error.status if error.HasField("status") else None
        self.code = nested.code or error.code or None
        self.param = nested.param or error.param or None
        self.message = nested.message or error.message or "no message"
        lane = f" on lane {self.stream_id!r}" if self.stream_id is not None else ""
        super().__init__(
            f"{self.status or 'error'}{lane}: {self.message}"
            + (f" ({self.code})" if self.code else "")
        )


def _create_event(request: Request, stream_id: str | None) -> ClientEvent:
    create = responses_service_pb2.ResponseCreateEvent(response=request)
    if stream_id is not None:
        create.stream_id = stream_id
    return ClientEvent(response_create=create)


def _client_event(event: ClientEvent | dict[str, Any]) -> ClientEvent:
    if isinstance(event, ClientEvent):
        return event
    from bridge import codec

    built: ClientEvent = codec.from_json(event, ClientEvent)
    return built


class _Lanes:
    """Each lane's events since its last response ended, and the responses that ended."""

    def __init__(self) -> None:
        self.building: dict[str | None, StreamAccumulator] = {}
        self.ended: dict[str | None, list[response_pb2.Response | SessionError]] = {}

    def add(self, event: ServerEvent) -> None:
        lane = event.stream_id if event.HasField("stream_id") else None
        arm = event.event.WhichOneof("event")
        if arm == "error":
            self.building.pop(lane, None)
            self.ended.setdefault(lane, []).append(SessionError(event))
            return
        accumulator = self.building.setdefault(lane, StreamAccumulator())
        accumulator.add(event.event)
        if arm in _TERMINAL:
            del self.building[lane]
            self.ended.setdefault(lane, []).append(accumulator.response())

    def take(self, stream_id: str | None) -> response_pb2.Response | None:
        ended = self.ended.get(stream_id)
        if not ended:
            return None
        outcome = ended.pop(0)
        if isinstance(outcome, SessionError):
            raise outcome
        return outcome


class AsyncSession:
    """One Session RPC (asyncio): creates on lanes out, their events in, as they come.

    Iterate over it for every server event, or await `response(stream_id)` for the next
    response of a lane to end (the events of other lanes are kept for their own calls).
    `close` half-closes: the session then ends once every response has.
    """

    def __init__(self, call: Any) -> None:
        self._call = call
        self._lanes = _Lanes()
        self._reader: AsyncIterator[ServerEvent] = call.__aiter__()

    async def create(self, request: Request, *, stream_id: str | None = None) -> None:
        """Send `response.create` for `request` on lane `stream_id` (None: the default)."""
        await self._call.write(_create_event(request, stream_id))

    async def send(self, event: ClientEvent | dict[str, Any]) -> None:
        """Send any client event: a ResponsesClientEvent, or its JSON (for example
        ``{"type": "response.steer", ...}``, which reaches a WebSocket upstream as is)."""
        await self._call.write(_client_event(event))

    async def close(self) -> None:
        """Half-close: no more client events; the session ends when its responses have."""
        await self._call.done_writing()

    def cancel(self) -> None:
        """Cancel the session: every response stops."""
        self._call.cancel()

    def __aiter__(self) -> AsyncIterator[ServerEvent]:
        return self._events()

    async def _events(self) -> AsyncIterator[ServerEvent]:
        async for event in self._reader:
            self._lanes.add(event)
            yield event

    async def response(self, stream_id: str | None = None) -> response_pb2.Response:
        """The next response of lane `stream_id` to end, read from the session as needed.

        Raises:
            SessionError: the lane's next outcome is an `error` event.
            grpc.aio.AioRpcError: the session ended with a non-OK status.
            EOFError: the session ended before the lane's response did.
        """
        while True:
            done = self._lanes.take(stream_id)
            if done is not None:
                return done
            try:
                event = await self._reader.__anext__()
            except StopAsyncIteration:
                raise EOFError(
                    f"the session ended before a response of lane {stream_id!r}"
                ) from None
            self._lanes.add(event)

    async def status(self) -> grpc.StatusCode:
        """How the session ended (waits for its end)."""
        code: grpc.StatusCode = await self._call.code()
        return code

    async def __aenter__(self) -> AsyncSession:
        return self

    async def __aexit__(self, *exc: object) -> None:
        if exc[0] is not None:
            self.cancel()
            return
        await self.close()
        async for _ in self._events():
            pass


class Session:
    """One Session RPC, blocking: `AsyncSession`'s methods, without await."""

    _END = object()

    def __init__(self, stub: Any, timeout: float | None, metadata: Any) -> None:
        import queue

        self._outgoing: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._call = stub.Session(
            iter(self._outgoing.get, self._END), timeout=timeout, metadata=metadata
        )
        self._lanes = _Lanes()

    def create(self, request: Request, *, stream_id: str | None = None) -> None:
        """Send `response.create` for `request` on lane `stream_id` (None: the default)."""
        self._outgoing.put(_create_event(request, stream_id))

    def send(self, event: ClientEvent | dict[str, Any]) -> None:
        """Send any client event (see `AsyncSession.send`)."""
        self._outgoing.put(_client_event(event))

    def close(self) -> None:
        """Half-close (see `AsyncSession.close`)."""
        self._outgoing.put(self._END)

    def cancel(self) -> None:
        """Cancel the session."""
        self._call.cancel()

    def __iter__(self) -> Iterator[ServerEvent]:
        for event in self._call:
            self._lanes.add(event)
            yield event

    def response(self, stream_id: str | None = None) -> response_pb2.Response:
        """The next response of lane `stream_id` to end (see `AsyncSession.response`)."""
        while True:
            done = self._lanes.take(stream_id)
            if done is not None:
                return done
            try:
                event = next(self._call)
            except StopIteration:
                raise EOFError(
                    f"the session ended before a response of lane {stream_id!r}"
                ) from None
            self._lanes.add(event)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:
            self.cancel()
            return
        self.close()
        for _ in self:
            pass


async def _flatten(batches: AsyncIterator[Batch]) -> AsyncIterator[Event]:
    async for batch in batches:
        for event in batch.events:
            yield event


def _text_request(text: str, model: str) -> Request:
    return Request(model=model, input=items_pb2.Input(text=text))


def _metadata(token: str | None) -> Sequence[tuple[str, str]] | None:
    return (("authorization", f"Bearer {token}"),) if token else None


class BridgeClient:
    """A blocking client of ResponsesService over one channel."""

    def __init__(
        self,
        target: str,
        *,
        timeout: float | None = 600.0,
        credentials: grpc.ChannelCredentials | None = None,
        token: str | None = None,
    ) -> None:
        if credentials is None:
            self._channel = grpc.insecure_channel(target, options=_OPTIONS)
        else:
            self._channel = grpc.secure_channel(target, credentials, options=_OPTIONS)
        # The generated stub module has no type annotations.
        self._stub = responses_service_pb2_grpc.ResponsesServiceStub(self._channel)  # type: ignore[no-untyped-call]
        self._timeout = timeout
        self._metadata = _metadata(token)

    def create(self, request: Request) -> response_pb2.Response:
        """Create a response and wait for it."""
        response: response_pb2.Response = self._stub.CreateResponse(
            request, timeout=self._timeout, metadata=self._metadata
        )
        return response

    def stream(self, request: Request, *, batched: bool = False) -> ResponseStream:
        """Create a response and iterate over its events as they arrive.

        `batched` receives them through StreamCreateResponseBatched: the same
        events, fewer messages (see docs/contract.md#batched-streams).
        """
        if batched:
            batches = self._stub.StreamCreateResponseBatched(
                request, timeout=self._timeout, metadata=self._metadata
            )
            return ResponseStream(event for batch in batches for event in batch.events)
        events = self._stub.StreamCreateResponse(
            request, timeout=self._timeout, metadata=self._metadata
        )
        return ResponseStream(events)

    def ask(self, text: str, *, model: str) -> str:
        """Send one user message and return the answer's text."""
        return output_text(self.create(_text_request(text, model)))

    def session(self) -> Session:
        """Open a session (the Session RPC): creates on lanes, their events back."""
        return Session(self._stub, self._timeout, self._metadata)

    def ask_stream(self, text: str, *, model: str) -> Iterator[str]:
        """Send one user message and yield the answer's text deltas as they arrive."""
        return self.stream(_text_request(text, model)).text_deltas()

    def close(self) -> None:
        """Close the channel."""
        self._channel.close()

    def __enter__(self) -> BridgeClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncBridgeClient:
    """An asyncio client of ResponsesService over one channel."""

    def __init__(
        self,
        target: str,
        *,
        timeout: float | None = 600.0,
        credentials: grpc.ChannelCredentials | None = None,
        token: str | None = None,
    ) -> None:
        if credentials is None:
            self._channel = grpc.aio.insecure_channel(target, options=_OPTIONS)
        else:
            self._channel = grpc.aio.secure_channel(target, credentials, options=_OPTIONS)
        self._stub = responses_service_pb2_grpc.ResponsesServiceStub(self._channel)  # type: ignore[no-untyped-call]
        self._timeout = timeout
        self._metadata = _metadata(token)

    async def create(self, request: Request) -> response_pb2.Response:
        """Create a response and wait for it."""
        response: response_pb2.Response = await self._stub.CreateResponse(
            request, timeout=self._timeout, metadata=self._metadata
        )
        return response

    def stream(self, request: Request, *, batched: bool = False) -> AsyncResponseStream:
        """Create a response and iterate over its events as they arrive
        (`batched`: as `BridgeClient.stream`)."""
        if batched:
            call = self._stub.StreamCreateResponseBatched(
                request, timeout=self._timeout, metadata=self._metadata
            )
            return AsyncResponseStream(_flatten(call))
        call = self._stub.StreamCreateResponse(
            request, timeout=self._timeout, metadata=self._metadata
        )
        return AsyncResponseStream(call.__aiter__())

    async def ask(self, text: str, *, model: str) -> str:
        """Send one user message and return the answer's text."""
        return output_text(await self.create(_text_request(text, model)))

    def session(self) -> AsyncSession:
        """Open a session (the Session RPC): creates on lanes, their events back."""
        call = self._stub.Session(timeout=self._timeout, metadata=self._metadata)
        return AsyncSession(call)

    def ask_stream(self, text: str, *, model: str) -> AsyncIterator[str]:
        """Send one user message and yield the answer's text deltas as they arrive."""
        return self.stream(_text_request(text, model)).text_deltas()

    async def close(self) -> None:
        """Close the channel."""
        await self._channel.close()

    async def __aenter__(self) -> AsyncBridgeClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
