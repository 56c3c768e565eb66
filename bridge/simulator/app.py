"""The simulator's HTTP server: an aiohttp app that answers like ``POST /v1/responses``.

Routes:

* ``POST /v1/responses`` and ``POST /responses`` (for base URLs without
  ``/v1``): the answer planned by `bridge.simulator.script`, as one JSON
  Response, or as Server-Sent Events when the body has ``"stream": true``.
  A body that is not a JSON object, or lacks ``model`` or ``input``, gets 400
  with OpenAI's error object. Credentials are neither checked nor echoed.
* ``GET /healthz``: 200 ``ok``, for readiness checks.

Streams are written as they are produced. With ``token_delay > 0`` every event
is its own write and the simulator sleeps ``token_delay`` between consecutive
delta events. With ``token_delay == 0`` events are batched into writes of about
64 KiB, yielding to the event loop after each, so a long stream costs little
and does not starve other connections. A client that goes away ends its
stream's generation at the next write, without logging a traceback; a server
shutdown ends every stream at its next event (no ``response.completed``).
Unary answers are not delayed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

import orjson
from aiohttp import web

from bridge.simulator._ids import next_serial
from bridge.simulator.script import (
    Event,
    RequestError,
    Script,
    build_script,
    encode_event,
    error_body,
    validate_request,
)

__all__ = ["SimulatorOptions", "build_app", "serve", "start"]

_log = logging.getLogger(__name__)

# Requests may carry long conversations or inline files; aiohttp's 1 MiB
# default would turn those into 413s that the real API does not give.
_MAX_BODY_BYTES: Final = 64 * 1024 * 1024
# With no pacing, events are joined into writes of about this size.
_BATCH_BYTES: Final = 64 * 1024
# How long AppRunner.cleanup waits for in-flight requests before cancelling
# them (streams stop by themselves on shutdown); aiohttp's default is a minute.
_SHUTDOWN_TIMEOUT: Final = 1.0


@dataclass(frozen=True)
class SimulatorOptions:
    """How the simulator paces and shapes its answers.

    ``token_delay``: seconds slept between consecutive text or argument delta
    events of a stream (0: no sleeping). ``chunk_words``: words per delta.
    ``model``: when set, the model name every response reports instead of the
    request's.
    """

    token_delay: float = 0.0
    chunk_words: int = 1
    model: str | None = None

    def __post_init__(self) -> None:
        """Reject options that could not pace or split a stream."""
        if not self.token_delay >= 0:  # also rejects NaN
            raise ValueError(f"token_delay must be >= 0, got {self.token_delay}")
        if self.chunk_words < 1:
            raise ValueError(f"chunk_words must be >= 1, got {self.chunk_words}")
        if self.model is not None and not self.model:
            raise ValueError("model must be None or a non-empty string")


def _json_response(payload: object, *, status: int, request_id: str) -> web.Response:
    """Return a JSON response with the headers OpenAI clients look at."""
    return web.Response(
        body=orjson.dumps(payload),
        status=status,
        content_type="application/json",
        headers={"x-request-id": request_id},
    )


class _ResponsesHandler:
    """Answers ``POST /v1/responses`` for one app.

    Holds the app's options and whether the app is shutting down; everything
    about a request lives in that request's own `Script` and locals.
    """

    def __init__(self, options: SimulatorOptions) -> None:
        """Bind the handler to one app's options."""
        self._options = options
        self._stopping = False

    async def on_shutdown(self, app: web.Application) -> None:
        """Make running streams end at their next write.

        Without this, AppRunner.cleanup would wait out its shutdown timeout
        (twice) for paced streams before cancelling them.
        """
        self._stopping = True

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Validate the body, then answer unary or streamed."""
        serial = next_serial()
        request_id = f"req_{serial:032x}"
        raw = await request.read()
        try:
            body = validate_request(orjson.loads(raw))
        except orjson.JSONDecodeError:
            error = error_body(
                "We could not parse the JSON body of your request. The API expects a JSON payload.",
                None,
            )
            return _json_response(error, status=400, request_id=request_id)
        except RequestError as exc:
            return _json_response(
                error_body(exc.message, exc.param), status=400, request_id=request_id
            )
        script = build_script(
            body,
            serial=serial,
            created_at=int(time.time()),
            chunk_words=self._options.chunk_words,
            model=self._options.model,
        )
        if body.get("stream") is True:
            return await self._stream(request, script, request_id)
        return _json_response(
            script.response(completed_at=int(time.time())), status=200, request_id=request_id
        )

    async def _stream(
        self, request: web.Request, script: Script, request_id: str
    ) -> web.StreamResponse:
        """Send the script's events as Server-Sent Events.

        On server shutdown the stream stops where it is and the body ends
        without ``response.completed``, as a dropped upstream would.
        """
        response = web.StreamResponse(
            headers={
                "Content-Type": "text/event-stream; charset=utf-8",
                "Cache-Control": "no-cache",
                "x-request-id": request_id,
            }
        )
        events = script.events(clock=lambda: int(time.time()))
        try:
            await response.prepare(request)
            if self._options.token_delay > 0:
                await self._write_paced(response, events, self._options.token_delay)
            else:
                await self._write_batched(response, events)
            await response.write_eof()
        except ConnectionResetError:
            # aiohttp raises ClientConnectionResetError (a ConnectionResetError)
            # on writing to a connection the client closed: stop generating.
            _log.debug("client closed the connection of %s mid-stream", request_id)
        except asyncio.CancelledError:
            # Only when aiohttp gives up waiting at shutdown, or handler
            # cancellation is enabled: close the generator (finally) and go on
            # being cancelled.
            _log.debug("stream %s cancelled", request_id)
            raise
        finally:
            events.close()
        return response

    async def _write_paced(
        self, response: web.StreamResponse, events: Iterator[Event], token_delay: float
    ) -> None:
        """Write each event as soon as it is built, sleeping between deltas."""
        seen_delta = False
        for event in events:
            if event["type"].endswith(".delta"):
                if seen_delta:
                    await asyncio.sleep(token_delay)
                seen_delta = True
            if self._stopping:
                return
            await response.write(encode_event(event))

    async def _write_batched(self, response: web.StreamResponse, events: Iterator[Event]) -> None:
        """Write events in batches of about `_BATCH_BYTES`, yielding to the loop between."""
        batch: list[bytes] = []
        size = 0
        for event in events:
            frame = encode_event(event)
            batch.append(frame)
            size += len(frame)
            if size >= _BATCH_BYTES:
                await response.write(b"".join(batch))
                batch.clear()
                size = 0
                # write() only suspends when the transport's buffer is full, so
                # a fast reader would otherwise let one long stream hog the loop.
                await asyncio.sleep(0)
                if self._stopping:
                    return
        if batch:
            await response.write(b"".join(batch))


async def _healthz(request: web.Request) -> web.Response:
    """Answer readiness probes."""
    return web.Response(text="ok")


def build_app(options: SimulatorOptions = SimulatorOptions()) -> web.Application:
    """Return a new aiohttp app serving the simulated Responses API with ``options``."""
    app = web.Application(client_max_size=_MAX_BODY_BYTES)
    # A bound coroutine method: aiohttp deprecates callables that are not
    # coroutine functions (it warns on a class instance with async __call__).
    handler = _ResponsesHandler(options)
    app.router.add_post("/v1/responses", handler.handle)
    app.router.add_post("/responses", handler.handle)
    app.on_shutdown.append(handler.on_shutdown)
    app.router.add_get("/healthz", _healthz)
    return app


async def start(
    host: str,
    port: int,
    options: SimulatorOptions = SimulatorOptions(),
) -> tuple[web.AppRunner, int]:
    """Serve the simulator on ``host``:``port`` in the running event loop.

    ``port`` 0 picks a free port. Returns the runner and the bound port (when
    ``host`` resolves to several addresses, the port of the first one).
    ``await runner.cleanup()`` stops the server promptly: streams still
    running end at their next event, without ``response.completed``.
    """
    runner = web.AppRunner(build_app(options), shutdown_timeout=_SHUTDOWN_TIMEOUT)
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        await site.start()
        bound: int = runner.addresses[0][1]
    except BaseException:
        await runner.cleanup()
        raise
    return runner, bound


async def _serve_until_stopped(host: str, port: int, options: SimulatorOptions) -> None:
    """Run the simulator until SIGTERM or SIGINT (or cancellation)."""
    runner, bound = await start(host, port, options)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        # Windows event loops have no add_signal_handler; Ctrl-C still works there.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stop.set)
    shown_host = f"[{host}]" if ":" in host else host
    print(f"simulator listening on http://{shown_host}:{bound}/v1", flush=True)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def serve(host: str, port: int, options: SimulatorOptions) -> None:
    """Serve the simulator on ``host``:``port`` until SIGTERM or Ctrl-C (blocking).

    Prints the base URL once listening; ``port`` 0 picks a free port.
    """
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve_until_stopped(host, port, options))
