"""A small Python client of the bridge, used by `bridge ask`.

Usage::

    with BridgeClient("127.0.0.1:50051") as client:
        print(client.ask("Hello", model="gpt-4.1"))
        for text in client.ask_stream("Hello", model="gpt-4.1"):
            print(text, end="", flush=True)
"""

from __future__ import annotations

from collections.abc import Iterator
from types import TracebackType

import grpc

from rbridge.responses.v1 import (
    items_pb2,
    response_pb2,
    responses_service_pb2,
    responses_service_pb2_grpc,
    stream_events_pb2,
)

__all__ = ["BridgeClient", "output_text"]

_UNLIMITED = [("grpc.max_receive_message_length", -1)]


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


class BridgeClient:
    """A blocking client of ResponsesService over one channel."""

    def __init__(self, target: str, *, timeout: float | None = 600.0) -> None:
        self._channel = grpc.insecure_channel(target, options=_UNLIMITED)
        # The generated stub module has no type annotations.
        self._stub = responses_service_pb2_grpc.ResponsesServiceStub(self._channel)  # type: ignore[no-untyped-call]
        self._timeout = timeout

    def create(self, request: responses_service_pb2.CreateResponseRequest) -> response_pb2.Response:
        """Create a response and wait for it."""
        response: response_pb2.Response = self._stub.CreateResponse(request, timeout=self._timeout)
        return response

    def stream(
        self, request: responses_service_pb2.CreateResponseRequest
    ) -> Iterator[stream_events_pb2.ResponseStreamEvent]:
        """Create a response and iterate over its events as they arrive."""
        events: Iterator[stream_events_pb2.ResponseStreamEvent] = self._stub.StreamCreateResponse(
            request, timeout=self._timeout
        )
        yield from events

    def ask(self, text: str, *, model: str) -> str:
        """Send one user message and return the answer's text."""
        return output_text(self.create(_text_request(text, model)))

    def ask_stream(self, text: str, *, model: str) -> Iterator[str]:
        """Send one user message and yield the answer's text deltas as they arrive."""
        for event in self.stream(_text_request(text, model)):
            if event.WhichOneof("event") == "output_text_delta":
                yield event.output_text_delta.delta

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


def _text_request(text: str, model: str) -> responses_service_pb2.CreateResponseRequest:
    return responses_service_pb2.CreateResponseRequest(
        model=model, input=items_pb2.Input(text=text)
    )
