"""Calls the routing tests make, and what they read back: the upstream that served a call
(`x-bridge-upstream`), a failure's status details."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import grpc
import grpc.aio
from google.protobuf.message import Message

from rbridge.responses.v1 import (
    response_pb2,
    responses_service_pb2,
    responses_service_pb2_grpc,
    stream_events_pb2,
)
from tests.faults.harness import unpack_details

__all__ = ["Clock", "Served", "create", "details", "served", "stream"]

Stub = responses_service_pb2_grpc.ResponsesServiceStub


class Clock:
    """A clock the test moves by hand (`now`, in seconds)."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@dataclass
class Served:
    """A call's reply (or events), the upstream that served it and its metadata."""

    upstream: str | None
    reply: Any = None
    events: list[stream_events_pb2.ResponseStreamEvent] = field(default_factory=list)
    error: grpc.aio.AioRpcError | None = None
    initial: dict[str, Any] = field(default_factory=dict)

    @property
    def code(self) -> grpc.StatusCode:
        return grpc.StatusCode.OK if self.error is None else self.error.code()

    @property
    def response(self) -> response_pb2.Response:
        """The unary Response, or the last one the stream's events carried."""
        if self.reply is not None:
            assert isinstance(self.reply, response_pb2.Response)
            return self.reply
        for event in reversed(self.events):
            arm = event.WhichOneof("event")
            if arm is not None and "response" in getattr(event, arm).DESCRIPTOR.fields_by_name:
                response: response_pb2.Response = getattr(event, arm).response
                return response
        raise AssertionError("no event carried a Response")

    @property
    def last_type(self) -> str:
        """The type of the stream's last event, as the upstream named it."""
        from bridge import codec

        data = codec.to_json(self.events[-1])
        kind = next(iter(data.values()))
        return str(kind.get("type"))


def failed_at(error: grpc.aio.AioRpcError) -> str | None:
    """The upstream a failed call names in its trailers: grpc.aio may report a quick failure
    with no initial metadata even though the bridge sent it first."""
    upstream = dict(error.trailing_metadata() or ()).get("x-bridge-upstream")
    return None if upstream is None else str(upstream)


async def served(call: Any) -> Served:
    """Await a unary call; what it returned or failed with, and who served it."""
    try:
        reply = await call
    except grpc.aio.AioRpcError as error:
        initial = dict(error.initial_metadata() or ())
        return Served(failed_at(error), error=error, initial=initial)
    initial = dict(await call.initial_metadata() or ())
    return Served(initial.get("x-bridge-upstream"), reply=reply, initial=initial)


async def stream(call: Any) -> Served:
    """Read a streaming call to its end; its events or failure, and who served it."""
    events = []
    try:
        async for event in call:
            events.append(event)
    except grpc.aio.AioRpcError as error:
        initial = dict(error.initial_metadata() or ())
        return Served(failed_at(error), events=events, error=error, initial=initial)
    initial = dict(await call.initial_metadata() or ())
    return Served(initial.get("x-bridge-upstream"), events=events, initial=initial)


def create(
    model: str, text: str = "Hello", **fields: Any
) -> responses_service_pb2.CreateResponseRequest:
    """A create request for `model`."""
    return responses_service_pb2.CreateResponseRequest(model=model, input={"text": text}, **fields)


def details(error: grpc.aio.AioRpcError | None) -> dict[type[Message], Message]:
    """The google.rpc.Status details of a failed call, one per type."""
    assert error is not None, "the call succeeded"
    return unpack_details(error)
