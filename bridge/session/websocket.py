"""A session over an upstream that speaks the WebSocket mode: one WebSocket for the session.

The socket is opened at the first client event that needs it and kept for the session.
Each `response.create` goes out as its frame (the create request's keys, `type` and the
`stream_id` of its lane); one reader routes the upstream's frames back by their `stream_id`
to the response in flight on that lane (the default lane for frames without one). A
response ends at the event that ends a stream, or at an `error` event. A frame of a lane
with nothing in flight (the answer to a client event the contract does not know, say) is
passed to the session as it came.

Reconnection: when the upstream answers a create with its connection limit
(`websocket_connection_limit_reached`: its connection age or count limit), the bridge stops
sending on that socket, lets its responses in flight finish, closes it, opens a new one and
sends the create again; the client sees nothing of it. A socket the upstream closed while
idle is reopened at the next create; one closed under responses in flight ends each of them
with an `error` event. The upstream keeps `store: false` responses per connection only: a
create continuing one made on an earlier socket is sent with its context expanded
(`Continuations`), as over HTTP.

An upstream that answers the handshake with 404, 405, 426 or 501 does not speak the mode
after all: the session (and, through `on_refused`, every later one) falls back to the HTTP
emulation.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from typing import Any, Final

import orjson
import structlog

from bridge import codec, errors
from bridge.events import loads
from bridge.routes import ROUTES
from bridge.session.continuation import Continuations
from bridge.session.emulation import HttpEmulation
from bridge.session.events import Create, as_sse, failure_event
from bridge.session.lanes import DEFAULT_LANE
from bridge.sse import SSEEvent
from bridge.upstream import UpstreamClient, UpstreamFailure, UpstreamSocket, WebSocketRefused

__all__ = ["FALLBACK_STATUSES", "LIMIT_CODES", "WebSocketSession"]

log = structlog.get_logger("bridge.session")

#: Error codes by which an upstream says a socket has served its time (age or count).
LIMIT_CODES: Final = frozenset({"websocket_connection_limit_reached"})
#: Handshake answers that mean "no WebSocket mode here": the session falls back to HTTP.
FALLBACK_STATUSES: Final = frozenset({404, 405, 426, 501})
_PATH: Final = ROUTES["Session"].path
_LANE_KEY: Final = "stream_id"

# What a response's queue receives, from the socket of a generation: a frame (its JSON and
# text), or why that socket ended.
_Arrival = tuple[int, tuple[dict[str, Any], str] | str]
Stray = Callable[[SSEEvent, str | None], Awaitable[None]]


class WebSocketSession:
    """Serves one session's client events over one WebSocket to the upstream.

    `on_stray` receives the frames of lanes with nothing in flight; `on_refused` is called
    once if the upstream turns out not to speak the WebSocket mode.
    """

    def __init__(
        self,
        upstream: UpstreamClient,
        headers: Mapping[str, str],
        api_key: str | None,
        *,
        on_stray: Stray,
        on_refused: Callable[[], None] = lambda: None,
    ) -> None:
        self._upstream = upstream
        self._headers = dict(headers)
        self._api_key = api_key
        self._on_stray = on_stray
        self._on_refused = on_refused
        profile = upstream.profile
        self._ends = profile.success_events | profile.failure_events
        self._memory = Continuations()
        self._fallback: HttpEmulation | None = None
        self._socket: UpstreamSocket | None = None
        self._generation = 0
        self._connect_lock = asyncio.Lock()
        self._readers: set[asyncio.Task[None]] = set()
        # The response in flight on each lane: its queue, and the socket it went out on.
        self._routes: dict[str, asyncio.Queue[_Arrival]] = {}
        self._lane_generation: dict[str, int] = {}
        # What each lane's create was sent as, and the response it continues (expanded).
        self._sent: dict[str, tuple[dict[str, Any], str | None, int]] = {}
        # Responses in flight on the current socket; while retiring, no create goes out.
        self._flight = 0
        self._retiring = False
        self._settled = asyncio.Event()
        self._settled.set()

    @property
    def passes_unknown_events(self) -> bool:
        """Whether client events the contract does not know reach the upstream."""
        return self._fallback is None

    def continuing(self, lane: str) -> str | None:
        """The response whose context the create in flight on `lane` was expanded from."""
        if self._fallback is not None:
            return self._fallback.continuing(lane)
        sent = self._sent.get(lane)
        return sent[1] if sent is not None else None

    async def respond(self, create: Create) -> AsyncGenerator[SSEEvent, None]:
        """The events of the response to `create`: the upstream's, or the error event that
        says why there are no more."""
        if self._fallback is None:
            try:
                await self._connected()
            except UpstreamFailure as exc:
                if self._fallback is None:
                    yield as_sse(failure_event(exc.error, create.stream_id))
                    return
        if self._fallback is not None:
            async with contextlib.aclosing(self._fallback.respond(create)) as events:
                async for event in events:
                    yield event
            return
        lane = create.lane
        queue: asyncio.Queue[_Arrival] = asyncio.Queue()
        self._routes[lane] = queue
        counted: int | None = None
        options = self._upstream.options
        resent = False
        try:
            while True:
                try:
                    counted = await self._send(create)
                except UpstreamFailure as exc:
                    yield as_sse(failure_event(exc.error, create.stream_id))
                    return
                first = True
                while True:
                    timeout = options.first_event_timeout if first else options.read_timeout
                    try:
                        async with asyncio.timeout(timeout):
                            generation, arrival = await queue.get()
                    except TimeoutError:
                        what = "first event" if first else "read between events"
                        error = errors.timed_out(what, timeout)
                        yield as_sse(failure_event(error, create.stream_id))
                        return
                    if generation != counted:
                        continue  # of a socket this create no longer waits on
                    if isinstance(arrival, str):
                        error = errors.connection_failed(arrival)
                        yield as_sse(failure_event(error, create.stream_id))
                        return
                    payload, text = arrival
                    kind = payload.get("type")
                    if first and not resent and _limit(payload):
                        # Not started: sent again on a new socket, once.
                        resent = True
                        self._retire(counted)
                        self._release(counted)
                        counted = None
                        break
                    first = False
                    yield SSEEvent("message", text, None, None)
                    if kind in self._ends or kind == "error":
                        return
        finally:
            if self._routes.get(lane) is queue:
                del self._routes[lane]
                self._lane_generation.pop(lane, None)
            if counted is not None:
                self._release(counted)

    def ended(self, create: Create, response: dict[str, Any] | None) -> None:
        """The response to `create` ended: keep its context for the lane if it can be
        continued."""
        if self._fallback is not None:
            self._fallback.ended(create, response)
            return
        sent = self._sent.pop(create.lane, None)
        if sent is not None:
            body, _, generation = sent
            self._memory.remember(create.lane, body, response, generation)

    async def passthrough(self, event: dict[str, Any]) -> bool:
        """Send a client event the contract does not know as it came; False when the
        upstream turned out not to speak the WebSocket mode.

        Raises:
            UpstreamFailure: the socket could not be opened, or the frame not sent.
        """
        if self._fallback is None:
            try:
                socket = await self._connected()
            except UpstreamFailure:
                if self._fallback is None:
                    raise
        if self._fallback is not None:
            return False
        await socket.send(orjson.dumps(event).decode())
        return True

    async def aclose(self) -> None:
        """Close the socket; every reader stops."""
        socket, self._socket = self._socket, None
        if socket is not None:
            await socket.close()
        for reader in list(self._readers):
            reader.cancel()
        if self._readers:
            await asyncio.gather(*self._readers, return_exceptions=True)

    # -- the socket ---------------------------------------------------------------------

    async def _connected(self) -> UpstreamSocket:
        """The open socket, opened now if there is none (or it closed); not while retiring.

        Raises:
            UpstreamFailure: it could not be opened (after a refused handshake, the
                session has fallen back to HTTP).
        """
        while self._retiring:
            await self._settled.wait()
        async with self._connect_lock:
            socket = self._socket
            if socket is not None and not socket.closed:
                return socket
            if self._fallback is not None:
                # Refused while this one waited for the lock.
                raise UpstreamFailure(errors.connection_failed("WebSocket mode refused"))
            try:
                socket = await self._upstream.websocket(_PATH, self._headers, self._api_key)
            except WebSocketRefused as exc:
                if exc.status in FALLBACK_STATUSES:
                    log.warning(
                        "websocket_refused",
                        status=exc.status,
                        fallback="each create as an HTTP call",
                        profile=self._upstream.profile.name,
                    )
                    self._fallback = HttpEmulation(self._upstream, self._headers, self._api_key)
                    self._on_refused()
                raise
            self._socket = socket
            self._generation += 1
            self._flight = 0
            reader = asyncio.get_running_loop().create_task(self._read(socket, self._generation))
            self._readers.add(reader)
            reader.add_done_callback(self._readers.discard)
            return socket

    async def _send(self, create: Create) -> int:
        """Send `create` on the open socket (after at most one reopening); the socket's
        generation, on which the response now counts.

        Raises:
            UpstreamFailure: no socket could take it.
        """
        for attempt in range(2):
            socket = await self._connected()
            generation = self._generation
            body, continued = self._memory.expand(create.body, before=generation)
            frame: dict[str, Any] = {"type": "response.create"}
            frame.update(self._upstream.profile.request(body))
            if create.stream_id is not None:
                frame[_LANE_KEY] = create.stream_id
            self._sent[create.lane] = (body, continued, generation)
            self._lane_generation[create.lane] = generation
            try:
                await socket.send(orjson.dumps(frame).decode())
            except UpstreamFailure:
                if attempt:
                    raise
                if self._socket is socket:
                    self._socket = None
                continue
            self._flight += 1
            return generation
        raise AssertionError("unreachable")  # pragma: no cover

    def _retire(self, generation: int) -> None:
        """The socket of `generation` has served its time: no create goes out on it."""
        if generation == self._generation and not self._retiring:
            self._retiring = True
            self._settled.clear()

    def _release(self, generation: int) -> None:
        """A response sent on `generation`'s socket ended; a retiring socket with none left
        is closed, and creates go out again (on a new one)."""
        if generation != self._generation:
            return
        self._flight -= 1
        if self._retiring and self._flight <= 0:
            socket, self._socket = self._socket, None
            self._retiring = False
            self._settled.set()
            if socket is not None:
                closing = asyncio.get_running_loop().create_task(socket.close())
                self._readers.add(closing)
                closing.add_done_callback(self._readers.discard)

    async def _read(self, socket: UpstreamSocket, generation: int) -> None:
        """Route the socket's frames to the responses in flight until it closes; then tell
        the responses still waiting on it why there is no more."""
        problem = ""
        try:
            while (text := await socket.receive()) is not None:
                try:
                    payload = loads(text)
                except (orjson.JSONDecodeError, codec.CodecError) as exc:
                    problem = f"upstream sent a frame that is not JSON ({exc})"
                    break
                if type(payload) is not dict:
                    problem = "upstream sent a frame that is not a JSON object"
                    break
                stream_id = payload.get(_LANE_KEY)
                if not isinstance(stream_id, str):
                    stream_id = None
                lane = DEFAULT_LANE if stream_id is None else stream_id
                queue = self._routes.get(lane)
                if queue is not None and self._lane_generation.get(lane) == generation:
                    queue.put_nowait((generation, (payload, text)))
                else:
                    await self._on_stray(SSEEvent("message", text, None, None), stream_id)
        finally:
            if self._socket is socket:
                self._socket = None
            if not socket.closed:
                with contextlib.suppress(Exception):
                    await socket.close()
            reason = problem or socket.problem or _closed(socket.close_code)
            for lane, queue in self._routes.items():
                if self._lane_generation.get(lane) == generation:
                    queue.put_nowait((generation, f"{reason}, with the response in flight"))


def _limit(payload: dict[str, Any]) -> bool:
    """Whether an event is the upstream's report that the socket has served its time."""
    if payload.get("type") != "error":
        return False
    error = payload.get("error")
    code = error.get("code") if isinstance(error, dict) else payload.get("code")
    return code in LIMIT_CODES


def _closed(code: int | None) -> str:
    return "the upstream closed the WebSocket" + (f" (code {code})" if code is not None else "")
