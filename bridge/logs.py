"""structlog setup: JSON lines in production, readable output on a terminal.

Standard-library loggers (grpc, httpx, asyncio, opentelemetry) go through the
same pipeline. Every line carries the current trace and span ids when a span
is recording, and every rendered line, tracebacks included, is scrubbed of
credentials on its way out: every secret registered in `bridge.redact.SECRETS`
(keys, tokens, passwords, callers' keys), `Bearer ...` and `sk-...`.

`emit` writes a line that every call writes (the access log): in JSON it
renders the same object the pipeline would, straight to the stream, at a
fifth of the pipeline's cost; on a console it goes through the pipeline.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any, TextIO

import orjson
import structlog
from opentelemetry import trace

from bridge.redact import SECRETS

__all__ = ["add_secrets", "configure", "emit"]

# grpc's server object (still in grpcio 1.85.3) logs itself, at debug level,
# from its deallocator when it is freed without having been stopped: one whose start
# failed, or one never started. A handler that keeps its records (a buffer, a test's log
# capture) then holds a pointer to freed memory, and the cyclic collector's next pass over
# that record crashes the process. Records of grpc's Cython layer have their message
# rendered as they are logged, before any handler sees them, so none refers to an object
# being freed.
_GRPC_CORE_LOGGER = "grpc._cython.cygrpc"

# The handler `emit` writes through, when lines are JSON.
_json_handler: logging.StreamHandler[TextIO] | None = None
# The fields `configure` puts on every line, for `emit`.
_line_fields: dict[str, object] = {}


def add_secrets(secrets: Iterable[str | None]) -> None:
    """Never print these strings (API keys) in any log line."""
    SECRETS.add(*secrets)


def configure(
    level: str = "info",
    fmt: str = "auto",
    *,
    stream: TextIO | None = None,
    secrets: Iterable[str | None] = (),
    fields: Mapping[str, object] | None = None,
) -> None:
    """Route structlog and standard logging to `stream` (stderr) at `level`.

    `fmt` is "json", "console", or "auto" (console on a terminal, else JSON).
    `fields` go on every line: a worker of `bridge serve --workers` names itself.
    """
    add_secrets(secrets)
    output = stream or sys.stderr
    console = fmt == "console" or (fmt == "auto" and output.isatty())
    shared: list[structlog.types.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_trace_ids,
    ]
    if fields:
        shared.append(_Fields(fields))
    renderer: structlog.types.Processor = (
        structlog.dev.ConsoleRenderer() if console else structlog.processors.JSONRenderer()
    )
    # JSON needs tracebacks as strings; the console renderer draws its own.
    tail: list[structlog.types.Processor] = (
        [] if console else [structlog.processors.format_exc_info]
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(output)
    handler.addFilter(_hide_undecodable_metadata)
    handler.setFormatter(
        _RedactingFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                *tail,
                renderer,
            ],
        )
    )
    global _json_handler, _line_fields
    _json_handler = None if console else handler
    _line_fields = dict(fields or {})
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # httpx logs every request at INFO; that is the access log's job.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))


def emit(name: str, level: int, event: str, fields: dict[str, Any]) -> None:
    """Log `event` with `fields` from the logger `name`, as `structlog.get_logger(name)`
    would, faster in JSON."""
    handler = _json_handler
    handlers = _ROOT.handlers
    if handler is None or len(handlers) != 1 or handlers[0] is not handler:
        structlog.get_logger(name).log(level, event, **fields)
        return
    logger = _loggers.get(name)
    if logger is None:
        logger = _loggers[name] = logging.getLogger(name)
    if not logger.isEnabledFor(level):
        return
    line: dict[str, Any] = structlog.contextvars.get_contextvars()
    line.update(fields)
    line["event"] = event
    line["level"] = _level_names.get(level) or logging.getLevelName(level).lower()
    line["logger"] = name
    line["timestamp"] = _timestamp()
    _add_trace_ids(None, "", line)
    for key, value in _line_fields.items():
        line.setdefault(key, value)
    text = SECRETS.redactor().text(orjson.dumps(line, default=repr).decode())
    handler.acquire()
    try:
        handler.stream.write(text + handler.terminator)
        handler.flush()
    finally:
        handler.release()


_ROOT = logging.getLogger()
# `emit`'s loggers by name: logging.getLogger takes the module's lock every time.
_loggers: dict[str, logging.Logger] = {}
_level_names = {
    level: logging.getLevelName(level).lower()
    for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR, logging.CRITICAL)
}
# The last second `_timestamp` formatted, and its text up to the fraction (one tuple,
# replaced whole, so that a thread never reads one second's number with another's text).
_second: tuple[int, str] = (-1, "")


def _timestamp() -> str:
    """Now in UTC, as structlog's `TimeStamper(fmt="iso", utc=True)` writes it
    (`datetime.isoformat` with "Z"), formatting the date and time once a second."""
    global _second
    seconds, nanoseconds = divmod(time.time_ns(), 1_000_000_000)
    second = _second
    if second[0] != seconds:
        second = _second = (seconds, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)))
    micro = nanoseconds // 1000
    # isoformat leaves the fraction out when it is zero.
    return f"{second[1]}.{micro:06d}Z" if micro else f"{second[1]}Z"


class _Fields:
    """A processor adding fixed fields to every line (a line's own value wins)."""

    def __init__(self, fields: Mapping[str, object]) -> None:
        self.fields = dict(fields)

    def __call__(
        self, logger: Any, method: str, event_dict: MutableMapping[str, Any]
    ) -> MutableMapping[str, Any]:
        for key, value in self.fields.items():
            event_dict.setdefault(key, value)
        return event_dict


def _hide_undecodable_metadata(record: logging.LogRecord) -> bool:
    """grpc logs a metadata value that is not UTF-8 whole (`Invalid encoding on b'...'`):
    it can be a credential the bridge never saw as text, so never registered. Keep the
    line, not the value."""
    if record.msg == "Invalid encoding on %s":
        record.msg = "invalid UTF-8 in a metadata value (value not shown)"
        record.args = ()
        record.exc_info = None
        record.exc_text = None
    return True


def _render_arguments(record: logging.LogRecord) -> bool:
    """Render the record's message now and drop its arguments (see `_GRPC_CORE_LOGGER`),
    after hiding an undecodable metadata value. A message its arguments do not fit is left
    for the handler to report."""
    _hide_undecodable_metadata(record)
    if record.args:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        record.msg = message
        record.args = ()
    return True


logging.getLogger(_GRPC_CORE_LOGGER).addFilter(_render_arguments)


class _RedactingFormatter(structlog.stdlib.ProcessorFormatter):
    """Renders as structlog does, then removes credentials from the whole line."""

    def format(self, record: logging.LogRecord) -> str:
        return SECRETS.redactor().text(super().format(record))


def _add_trace_ids(
    logger: Any, method: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event_dict.setdefault("trace_id", trace.format_trace_id(context.trace_id))
        event_dict.setdefault("span_id", trace.format_span_id(context.span_id))
    return event_dict
