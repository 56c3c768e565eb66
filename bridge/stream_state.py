"""What a stream of events has said so far, and how the call must end.

Pure: fed the JSON of each event as it passes, `StreamState` decides whether
the upstream finished the response (OK), reported a failure (the mapped
non-OK status), or stopped without saying either (UNAVAILABLE). A stream never
ends OK unless the upstream finished it.

Which events end a stream, and how, is the contract's (`stream_end` on the
arms of ResponseStreamEvent); a profile may add a provider's own.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import grpc

from bridge.codec.mapping import STREAM_ENDS
from bridge.errors import UpstreamError, code_for_error_code
from rbridge.responses.v1 import options_pb2

__all__ = ["ERROR_EVENTS", "FAILURE_EVENTS", "SUCCESS_EVENTS", "Advice", "StreamState"]

#: The events after which a stream ends OK.
SUCCESS_EVENTS = frozenset(
    name for name, end in STREAM_ENDS.items() if end == options_pb2.STREAM_END_COMPLETED
)
#: The events that fail a stream: its last event, or (ERROR_EVENTS) one a final
#: event carrying usage may follow.
FAILURE_EVENTS = frozenset(
    name
    for name, end in STREAM_ENDS.items()
    if end in (options_pb2.STREAM_END_FAILED, options_pb2.STREAM_END_ERROR)
)
ERROR_EVENTS = frozenset(
    name for name, end in STREAM_ENDS.items() if end == options_pb2.STREAM_END_ERROR
)
# Given the type of the last event of a stream that did not finish: the
# names of the profiles under which it would have ended the stream.
Advice = Callable[[str], list[str]]

_CARRY_RESPONSE = frozenset({"response.created", "response.in_progress", "response.queued"})


class StreamState:
    """Follows one stream's events to decide its final status.

    Usage::

        state = StreamState()
        for event in events:
            state.observe(event)
        failure = state.finish()   # None: end OK
    """

    __slots__ = (
        "_advice",
        "_ended",
        "_error",
        "_failure",
        "_finished",
        "_last_type",
        "_success",
        "_watched",
        "events",
        "first_event_at",
        "last_response",
        "response_id",
    )

    def __init__(
        self,
        success_events: frozenset[str] = SUCCESS_EVENTS,
        failure_events: frozenset[str] = FAILURE_EVENTS,
        advice: Advice | None = None,
    ) -> None:
        self._advice = advice
        self._success = success_events
        self._failure = failure_events
        self._watched = success_events | failure_events
        self.events = 0
        self.response_id: str | None = None
        # time.monotonic() of the first event, for time to first chunk.
        self.first_event_at: float | None = None
        # The newest whole Response an event carried (usage, model, finish).
        self.last_response: dict[str, Any] | None = None
        self._finished = False
        self._ended = False
        self._error: UpstreamError | None = None
        # Only read when the stream ends unfinished, to say what it ended with.
        self._last_type: object = None

    def observe(self, event: dict[str, Any]) -> None:
        """Take note of one event's JSON."""
        if not self.events:
            self.first_event_at = time.monotonic()
        self.events += 1
        self._last_type = type_name = event.get("type")
        if type_name not in self._watched:
            if type_name in _CARRY_RESPONSE:
                response = event.get("response")
                if isinstance(response, dict):
                    self.last_response = response
                    if self.response_id is None:
                        self.response_id = _response_id(event)
            return
        response = event.get("response")
        if isinstance(response, dict):
            # completed, incomplete and failed all carry usage.
            self.last_response = response
        # Those are a stream's last event; an error event may be followed by a
        # response.failed.
        if type_name not in ERROR_EVENTS:
            self._ended = True
        if type_name in self._success:
            self._finished = True
        elif self._error is None:
            # The first failure is the cause; a response.failed after an error
            # event carries usage, not a new cause.
            self._error = _failure(str(type_name), event)

    def observe_type(self, type_name: str) -> bool:
        """Take note of one event known by its type alone (a flat event, with no object
        inside), or return False, noting nothing, for a type whose JSON `observe` reads:
        an event that ends the stream or carries a response."""
        if type_name in self._watched or type_name in _CARRY_RESPONSE:
            return False
        if not self.events:
            self.first_event_at = time.monotonic()
        self.events += 1
        self._last_type = type_name
        return True

    @property
    def ended(self) -> bool:
        """Whether the upstream sent the stream's last event."""
        return self._ended

    @property
    def failed(self) -> bool:
        """Whether the upstream reported a failure."""
        return self._error is not None

    def finish(self) -> UpstreamError | None:
        """The failure to end the call with, or None to end it OK."""
        if self._error is not None:
            return self._error
        if self._finished:
            return None
        return UpstreamError(code=grpc.StatusCode.UNAVAILABLE, message=self._unfinished())

    def _unfinished(self) -> str:
        """Why a stream that stopped without a terminal event failed, and what may fix it.

        A provider's own final event (``response.done``) looks like a stream
        cut short under a profile that does not know it; the message names
        the built-in profiles under which that last event ends a stream.
        """
        ends = [*sorted(self._success), *sorted(self._failure - ERROR_EVENTS)]
        listed = ", ".join(ends[:-1]) + f" or {ends[-1]}" if len(ends) > 1 else ends[0]
        message = f"upstream stream ended after {self.events} events without {listed}"
        last = self._last_type
        if not isinstance(last, str):
            return message
        message += f"; the last event was {last}"
        profiles = self._advice(last) if self._advice is not None else []
        if profiles:
            names = " or ".join(profiles)
            message += (
                f", which ends a stream under the built-in profile {names}"
                f" (BRIDGE_UPSTREAM_PROFILE={profiles[0]})"
            )
        return message


def _response_id(event: dict[str, Any]) -> str | None:
    response = event.get("response")
    if isinstance(response, dict):
        value = response.get("id")
        return value if isinstance(value, str) else None
    return None


def _failure(type_name: str, event: dict[str, Any]) -> UpstreamError:
    if type_name == "error":
        nested = event.get("error")
        source = nested if isinstance(nested, dict) else event
    else:
        response = event.get("response")
        error = response.get("error") if isinstance(response, dict) else None
        source = error if isinstance(error, dict) else {}
    code = source.get("code")
    code = code if isinstance(code, str) else None
    error_type = source.get("type")
    message = source.get("message")
    text = message if isinstance(message, str) and message else "no message"
    param = source.get("param")
    return UpstreamError(
        code=code_for_error_code(code or (error_type if isinstance(error_type, str) else None)),
        message=f"upstream {type_name}: {text}" + (f" (code {code})" if code else ""),
        error_type=error_type if isinstance(error_type, str) else None,
        error_code=code,
        param=param if isinstance(param, str) else None,
    )
