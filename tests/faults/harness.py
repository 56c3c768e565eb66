"""Helpers of the fault suite: bridges under test, calls, and what a failed call carried."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import grpc
import grpc.aio
from google.protobuf.message import Message
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc

from bridge.client import output_text
from bridge.config import Settings
from bridge.server import SERVICE_NAME, upstream_options
from bridge.upstream import UpstreamClient
from rbridge.responses.v1 import (
    response_pb2,
    responses_service_pb2,
    responses_service_pb2_grpc,
    stream_events_pb2,
)
from tests.faults.fault_server import FaultServer, request_metadata
from tests.support import Bridges as SupportBridges
from tests.support import Running

__all__ = [
    "MODES",
    "BridgeHandle",
    "Bridges",
    "Outcome",
    "closed_port",
    "invoke",
    "request",
    "unpack_details",
]

Request = responses_service_pb2.CreateResponseRequest
Event = stream_events_pb2.ResponseStreamEvent
MODES = ("unary", "stream")
DETAIL_TYPES: tuple[type[Message], ...] = (
    error_details_pb2.ErrorInfo,
    error_details_pb2.BadRequest,
    error_details_pb2.RetryInfo,
    error_details_pb2.QuotaFailure,
)


def request(fault: str) -> responses_service_pb2.CreateResponseRequest:
    """A valid create request that selects `fault` on the fault server."""
    return Request(model="fault-model", input={"text": "hi"}, metadata=request_metadata(fault))


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def unpack_details(error: grpc.aio.AioRpcError) -> dict[type[Message], Message]:
    """The google.rpc.Status details of a failed call, one per type.

    Also checks that the status matches the call's code and message and that every
    detail is of a type the bridge documents.
    """
    raw = dict(error.trailing_metadata() or ()).get("grpc-status-details-bin")
    assert isinstance(raw, bytes), "no grpc-status-details-bin in trailing metadata"
    status = status_pb2.Status.FromString(raw)
    assert status.code == error.code().value[0]
    assert status.message == error.details()
    found: dict[type[Message], Message] = {}
    for any_detail in status.details:
        kind = next((k for k in DETAIL_TYPES if any_detail.Is(k.DESCRIPTOR)), None)
        assert kind is not None, f"unexpected detail {any_detail.type_url}"
        assert kind not in found, f"two {kind.__name__} details"
        message = kind()
        any_detail.Unpack(message)
        found[kind] = message
    return found


@dataclass
class Outcome:
    """What one call produced: events or a response, or the error; metadata; timing."""

    events: list[Any] = field(default_factory=list)
    response: response_pb2.Response | None = None
    error: grpc.aio.AioRpcError | None = None
    initial: dict[str, Any] = field(default_factory=dict)
    trailing: dict[str, Any] = field(default_factory=dict)
    elapsed: float = 0.0

    @property
    def code(self) -> grpc.StatusCode:
        """The call's status code."""
        return grpc.StatusCode.OK if self.error is None else self.error.code()

    @property
    def message(self) -> str:
        """The call's status message."""
        return "" if self.error is None else self.error.details() or ""

    def details(self) -> dict[type[Message], Message]:
        """The rich error details, by type."""
        assert self.error is not None, "the call succeeded"
        return unpack_details(self.error)

    def error_info(self) -> error_details_pb2.ErrorInfo:
        """The ErrorInfo detail every bridge error carries."""
        info = self.details()[error_details_pb2.ErrorInfo]
        assert isinstance(info, error_details_pb2.ErrorInfo)
        assert info.domain == "responses-bridge"
        return info


STREAM_PATH = f"/{SERVICE_NAME}/StreamCreateResponse"


async def invoke(
    channel: grpc.aio.Channel,
    fault: str,
    mode: str,
    *,
    deadline: float | None = 10.0,
) -> Outcome:
    """Call the bridge once in `mode` ("unary" or "stream") with a gRPC deadline of
    `deadline` seconds (None: no deadline) and record what came back.

    A stream is called as a bidirectional one whose request is written once the call
    waits for initial metadata: grpc.aio's server-streaming call starts that wait only
    after its request is sent, and a call whose status arrives first reports empty
    initial metadata (grpc/grpc#25884) whatever the server sent.
    """
    outcome = Outcome()
    started = time.monotonic()
    if mode == "unary":
        unary = responses_service_pb2_grpc.ResponsesServiceStub(channel).CreateResponse(
            request(fault), timeout=deadline
        )
        try:
            outcome.response = await unary
        except grpc.aio.AioRpcError as error:
            outcome.error = error
        call: grpc.aio.Call = unary
    else:
        stream = channel.stream_stream(
            STREAM_PATH,
            request_serializer=Request.SerializeToString,
            response_deserializer=Event.FromString,
        )(timeout=deadline)
        try:
            await stream.wait_for_connection()
            await stream.write(request(fault))
            await stream.done_writing()
            async for event in stream:
                outcome.events.append(event)
        except grpc.aio.AioRpcError as error:
            outcome.error = error
        call = stream
    outcome.elapsed = time.monotonic() - started
    if outcome.error is not None:
        outcome.initial = dict(outcome.error.initial_metadata() or ())
        outcome.trailing = dict(outcome.error.trailing_metadata() or ())
    else:
        outcome.initial = dict(await call.initial_metadata() or ())
        outcome.trailing = dict(await call.trailing_metadata() or ())
    return outcome


@dataclass
class BridgeHandle(Running):
    """One bridge under test and a client of it; whether it talks to the fault server."""

    fault_upstream: bool = True


class Bridges(SupportBridges):
    """Starts real bridges on loopback, pointed at the fault server unless told otherwise."""

    def __init__(self, server: FaultServer, transport: str = "http1") -> None:
        # "http1": the default wire (BRIDGE_UPSTREAM_WIRE=auto, asyncio and llhttp);
        # "aiohttp": aiohttp's client (BRIDGE_UPSTREAM_WIRE=aiohttp); "httpx": httpx's own
        # stack, which BRIDGE_UPSTREAM_HTTP2 selects (HTTP/1.1 here, in clear).
        wire = {"http1": "auto", "aiohttp": "aiohttp", "httpx": "auto"}[transport]
        super().__init__(max_retries=0, api_key="sk-fault", http2=transport == "httpx", wire=wire)
        self.server = server
        self.transport = transport
        self.running: list[BridgeHandle] = []  # type: ignore[assignment]
        self._channels: list[grpc.aio.Channel] = []

    async def start(  # type: ignore[override]
        self,
        *,
        upstream_url: str | None = None,
        backoff: float | None = 0.01,
        channel_options: Sequence[tuple[str, Any]] = (),
        **overrides: Any,
    ) -> BridgeHandle:
        """Start a bridge with `Settings` overrides (max_retries defaults to 0).

        `backoff` replaces the retry policy's initial backoff so retries after connection
        failures (which carry no Retry-After) take milliseconds; None keeps the default.
        The rest of the policy (its cap included) stays the bridge's own.
        """
        url = upstream_url or self.server.url
        settings = Settings(
            listen="127.0.0.1:0", upstream_url=url, **{**self.defaults, **overrides}
        )
        upstream = UpstreamClient(upstream_options(settings))
        if backoff is not None:
            upstream.policy = dataclasses.replace(upstream.policy, initial_backoff=backoff)
        running = await super().start(
            url, upstream=upstream, channel_options=channel_options, **overrides
        )
        self.running.pop()
        handle = BridgeHandle(**vars(running), fault_upstream=upstream_url is None)
        self.running.append(handle)
        return handle

    def client(self, handle: BridgeHandle, options: Sequence[tuple[str, Any]]) -> grpc.aio.Channel:
        """Another channel to `handle` with its own options."""
        channel = grpc.aio.insecure_channel(handle.target, options=list(options))
        self._channels.append(channel)
        return channel

    async def assert_serving(self) -> None:
        """Every bridge still answers: a successful call, or SERVING health without upstream."""
        for handle in self.running:
            if handle.fault_upstream:
                outcome = await invoke(handle.channel, "ok", "unary", deadline=5.0)
                assert outcome.error is None, f"bridge stopped serving: {outcome.error!r}"
                assert outcome.response is not None
                assert output_text(outcome.response) == "ok"
            else:
                health = health_pb2_grpc.HealthStub(handle.channel)
                reply = await health.Check(health_pb2.HealthCheckRequest(), timeout=5.0)
                assert reply.status == health_pb2.HealthCheckResponse.SERVING

    async def close(self) -> None:
        """Close every extra client channel, then every bridge and its own channel."""
        for channel in self._channels:
            await channel.close()
        self._channels.clear()
        await super().close()


async def leftover_tasks(baseline: set[asyncio.Task[Any]], settle: float) -> list[str]:
    """Tasks that appeared since `baseline` and are still pending after up to `settle` s.

    Excluded: the current task, and the standing loops of a running grpc.aio *server*
    (coroutines `AioServer._server_main_loop`, `AioServer._request_call` and
    `AioServer._request_registered_call`, one per registered method): they wait for the
    next incoming call for as long as the server runs and end when it stops, so they are
    the bridge being up, not a leak. Probed with grpcio 1.85: a grpc.aio client channel
    starts no standing task, and every per-call task (the server's `_handle_rpc`, the
    client call's tasks) ends with its call, so none of those is excluded.
    """
    deadline = time.monotonic() + settle
    while True:
        current = asyncio.current_task()
        pending = [
            task
            for task in asyncio.all_tasks()
            if task not in baseline
            and task is not current
            and not task.done()
            and not _coroutine_name(task).startswith("AioServer.")
        ]
        if not pending or time.monotonic() >= deadline:
            return [f"{task.get_name()}: {_coroutine_name(task)}" for task in pending]
        await asyncio.sleep(0.02)


def _coroutine_name(task: asyncio.Task[Any]) -> str:
    coroutine = task.get_coro()
    return str(getattr(coroutine, "__qualname__", None) or coroutine)
