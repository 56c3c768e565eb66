"""The simulator's WebSocket mode: `GET /v1/responses` upgraded, as the SDK's
`client.responses.connect()` uses it.

Each text frame the client sends is one client event; the server's events go back one frame
each, as JSON. What a connection does:

* ``response.create``: the create body of ``POST /v1/responses`` plus ``type`` and an optional
  ``stream_id`` lane (1-256 characters of ``[A-Za-z0-9_.-]``). ``stream`` is implied and
  ignored; ``background: true`` is refused. Creates of one lane run first-in first-out,
  different lanes at once; every event of a response carries the ``stream_id`` of its create
  when that create gave one. The answer is the one HTTP gives (`bridge.simulator.script`),
  stored unless ``store`` is false, paced the same way.
* ``previous_response_id`` continues the connection's last response of any lane, stored or
  not (the connection keeps each lane's last response in memory), else a stored response;
  any other id is the error ``previous_response_not_found``.
* ``response.steer``: a response in flight on this connection acknowledges it with
  ``response.steer.accepted`` (on that response's lane; the answer does not change);
  otherwise ``response.steer.failed`` says why.
* Errors are ``error`` events with the HTTP ``status`` they stand for and the API's error
  object, on the lane of the create they concern, and the connection goes on: invalid JSON,
  an unknown event type, a request HTTP would refuse (400 or 404, as HTTP answers), an
  unknown ``previous_response_id``, a create that would open more than ``ws_max_lanes`` lanes
  (``websocket_stream_limit_reached``), and a create past the connection's limits
  (``websocket_connection_limit_reached``): more than ``ws_max_responses`` creates, or a
  connection older than ``ws_max_age`` seconds. The client is expected to open a new
  connection then; this one goes on refusing creates.

A client that closes the connection stops its responses at their next event.
"""

from __future__ import annotations

import asyncio
import collections
import itertools
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Protocol

import orjson
from aiohttp import WSMsgType, web

from bridge.simulator._ids import derive_id, next_serial
from bridge.simulator.script import RequestError, Script, error_body, validate_request
from bridge.simulator.store import Entry

__all__ = ["CreateRefused", "Responder", "WebSocketOptions", "serve_websocket"]

_STREAM_ID: Final = re.compile(r"[A-Za-z0-9_.-]{1,256}")
# With no pacing, a response yields to the loop after this many events.
_EVENTS_PER_YIELD: Final = 256


class CreateRefused(Exception):
    """A create the API refuses, with the HTTP status it would answer."""

    def __init__(
        self, status: int, message: str, param: str | None = None, code: str | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code


class Responder(Protocol):
    """What a connection asks of the simulator's API (`bridge.simulator.app`)."""

    def start_response(
        self, body: Mapping[str, Any], history: Sequence[Mapping[str, Any]]
    ) -> tuple[Script, Entry | None]:
        """Plan a streamed response to a validated body after `history`, stored unless
        its `store` is false.

        Raises:
            CreateRefused: the request names something that does not exist.
        """
        ...

    def end_response(self, entry: Entry, finished: bool) -> None:
        """A stored response's stream ended (`finished`: with its last event)."""
        ...

    def history_of(self, response_id: str) -> list[dict[str, Any]] | None:
        """The items a stored response leaves to one that continues it, or None."""
        ...


@dataclass(frozen=True)
class WebSocketOptions:
    """How connections behave: pacing, and the limits they report."""

    token_delay: float = 0.0
    max_lanes: int = 16
    max_responses: int | None = None
    max_age: float | None = None


@dataclass
class _Lane:
    """One lane: the creates that wait, and the response in flight."""

    waiting: collections.deque[dict[str, Any]] = field(default_factory=collections.deque)
    task: asyncio.Task[None] | None = None
    response_id: str | None = None


class _Connection:
    """One client's WebSocket: its lanes, its memory of responses, its limits."""

    def __init__(
        self, ws: web.WebSocketResponse, responder: Responder, options: WebSocketOptions
    ) -> None:
        self._ws = ws
        self._responder = responder
        self._options = options
        self._lanes: dict[str, _Lane] = {}
        # Each lane's last response: its id, and the items it leaves to a continuation.
        self._memory: dict[str, tuple[str, list[dict[str, Any]]]] = {}
        self._opened = time.monotonic()
        self._creates = 0
        self._serial = itertools.count()
        self._send_lock = asyncio.Lock()

    async def serve(self) -> None:
        try:
            async for message in self._ws:
                if message.type is WSMsgType.TEXT:
                    await self._event(message.data)
                elif message.type is WSMsgType.BINARY:
                    await self._event(bytes(message.data).decode("utf-8", "replace"))
        finally:
            tasks = [lane.task for lane in self._lanes.values() if lane.task is not None]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self._ws.close()

    async def _send(self, event: Mapping[str, Any]) -> None:
        async with self._send_lock:
            await self._ws.send_str(orjson.dumps(event).decode())

    async def _error(
        self,
        status: int,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        stream_id: str | None = None,
    ) -> None:
        error = error_body(message, param)["error"]
        if code is not None:
            error["code"] = code
        event: dict[str, Any] = {"type": "error", "status": status, "error": error}
        if stream_id is not None:
            event["stream_id"] = stream_id
        await self._send(event)

    async def _event(self, text: str) -> None:
        try:
            event = orjson.loads(text)
        except orjson.JSONDecodeError:
            await self._error(400, "The event is not valid JSON.")
            return
        kind = event.get("type") if isinstance(event, dict) else None
        if kind == "response.create":
            await self._create(event)
        elif kind == "response.steer":
            await self._steer(event)
        else:
            await self._error(
                400, f"Invalid event type {kind!r}.", param="type", code="unknown_event_type"
            )

    async def _create(self, event: dict[str, Any]) -> None:
        stream_id = event.get("stream_id")
        if stream_id is not None and not (
            isinstance(stream_id, str) and _STREAM_ID.fullmatch(stream_id)
        ):
            await self._error(400, "Invalid 'stream_id'.", param="stream_id")
            return
        options = self._options
        self._creates += 1
        age = time.monotonic() - self._opened
        if options.max_age is not None and age > options.max_age:
            await self._error(
                400,
                f"This WebSocket connection has reached its {options.max_age:g} second limit. "
                "Open a new connection to continue.",
                code="websocket_connection_limit_reached",
                stream_id=stream_id,
            )
            return
        if options.max_responses is not None and self._creates > options.max_responses:
            await self._error(
                400,
                f"This WebSocket connection has reached its limit of {options.max_responses} "
                "responses. Open a new connection to continue.",
                code="websocket_connection_limit_reached",
                stream_id=stream_id,
            )
            return
        lane_name = stream_id or ""
        lane = self._lanes.get(lane_name)
        if lane is None:
            busy = sum(1 for other in self._lanes.values() if other.task is not None)
            if busy >= options.max_lanes:
                await self._error(
                    400,
                    "This WebSocket connection has reached its stream limit.",
                    param="stream_id",
                    code="websocket_stream_limit_reached",
                    stream_id=stream_id,
                )
                return
            lane = self._lanes[lane_name] = _Lane()
        lane.waiting.append(event)
        if lane.task is None:
            lane.task = asyncio.get_running_loop().create_task(self._run(lane_name, lane))

    async def _run(self, name: str, lane: _Lane) -> None:
        """Answer the lane's creates one after the other, until none waits."""
        try:
            while lane.waiting:
                await self._respond(name, lane, lane.waiting.popleft())
        finally:
            lane.task = None
            if not lane.waiting:
                self._lanes.pop(name, None)

    async def _respond(self, name: str, lane: _Lane, event: dict[str, Any]) -> None:
        stream_id = event.get("stream_id")
        body = {k: v for k, v in event.items() if k not in ("type", "stream_id", "stream")}
        if body.get("background") is True:
            await self._error(
                400,
                "Background responses are not supported over a WebSocket.",
                param="background",
                stream_id=stream_id,
            )
            return
        try:
            valid = validate_request(body)
            history = self._history(valid)
            script, entry = self._responder.start_response(valid, history)
        except RequestError as exc:
            await self._error(400, exc.message, param=exc.param, stream_id=stream_id)
            return
        except CreateRefused as exc:
            await self._error(
                exc.status, exc.message, param=exc.param, code=exc.code, stream_id=stream_id
            )
            return
        lane.response_id = script.response_id
        finished = False
        final: dict[str, Any] | None = None
        delay = self._options.token_delay
        try:
            seen_delta = False
            for count, produced in enumerate(script.events(clock=lambda: int(time.time())), 1):
                if entry is not None and entry.state is not None:
                    entry.state.apply(produced)
                if produced["type"].endswith(".delta"):
                    if seen_delta and delay > 0:
                        await asyncio.sleep(delay)
                    seen_delta = True
                elif delay == 0 and count % _EVENTS_PER_YIELD == 0:
                    await asyncio.sleep(0)
                outgoing = dict(produced)
                if stream_id is not None:
                    outgoing["stream_id"] = stream_id
                await self._send(outgoing)
                response = produced.get("response")
                if produced["type"] in ("response.completed", "response.incomplete"):
                    final = response if isinstance(response, dict) else None
                if produced["type"] in (
                    "response.completed",
                    "response.incomplete",
                    "response.failed",
                ):
                    finished = True
        finally:
            lane.response_id = None
            if entry is not None:
                self._responder.end_response(entry, finished)
        if final is not None:
            items = [*_as_items(valid.get("input")), *final.get("output", [])]
            self._memory[name] = (script.response_id, [*history, *items])
        else:
            self._memory.pop(name, None)

    def _history(self, body: Mapping[str, Any]) -> list[dict[str, Any]]:
        previous = body.get("previous_response_id")
        if previous is None:
            return []
        for response_id, items in self._memory.values():
            if response_id == previous:
                return items
        stored = self._responder.history_of(str(previous))
        if stored is None:
            raise CreateRefused(
                400,
                f"Previous response with id '{previous}' not found.",
                "previous_response_id",
                "previous_response_not_found",
            )
        return stored

    async def _steer(self, event: dict[str, Any]) -> None:
        target = event.get("previous_response_id")
        steer_id = derive_id(
            "steer", next_serial(), orjson.dumps(event, option=orjson.OPT_SORT_KEYS)
        )
        for name, lane in self._lanes.items():
            if lane.response_id is not None and lane.response_id == target:
                accepted: dict[str, Any] = {
                    "type": "response.steer.accepted",
                    "sequence_number": next(self._serial),
                    "steer": {"id": steer_id, "previous_response_id": target},
                }
                if name:
                    accepted["stream_id"] = name
                await self._send(accepted)
                return
        known = any(response_id == target for response_id, _ in self._memory.values())
        failed: dict[str, Any] = {
            "type": "response.steer.failed",
            "sequence_number": next(self._serial),
            "error": {
                "type": "invalid_request_error",
                "code": "response_already_completed" if known else "response_not_found",
                "message": (
                    f"Response '{target}' has completed and no longer accepts steering input."
                    if known
                    else f"Response '{target}' is not available on this connection."
                ),
            },
            "steer": {"input": event.get("input"), "previous_response_id": target},
        }
        await self._send(failed)


def _as_items(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, str):
        return [{"type": "message", "role": "user", "content": value}]
    if isinstance(value, list):
        return [item for item in value if isinstance(item, dict)]
    return []


async def serve_websocket(
    request: web.Request, responder: Responder, options: WebSocketOptions
) -> web.WebSocketResponse:
    """Upgrade `request` and serve its connection until either side closes it."""
    ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
    await ws.prepare(request)
    await _Connection(ws, responder, options).serve()
    return ws
