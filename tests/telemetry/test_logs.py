"""The log pipeline: JSON or console, stdlib routed through it, trace ids, no credentials."""

from __future__ import annotations

import datetime
import io
import logging
import time
from collections.abc import Iterator

import orjson
import pytest
import structlog
from opentelemetry.sdk.trace import TracerProvider

from bridge.logs import configure, emit
from tests.support import run_keeping_log_records

KEY = "gw-key-0f9e8d7c6b5a"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    """Puts the root logger and structlog back as they were."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    try:
        yield
    finally:
        root.handlers[:], level = saved
        root.setLevel(level)
        structlog.reset_defaults()


@pytest.mark.parametrize("source", ["structlog", "stdlib"])
def test_json_lines_with_trace_ids(restore_logging: None, source: str) -> None:
    """Lines from structlog and from standard logging are JSON with the current span's ids."""
    output = io.StringIO()
    configure("info", "json", stream=output)
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("work") as span:
        if source == "structlog":
            structlog.get_logger("bridge.test").info("hello", n=1)
        else:
            logging.getLogger("grpc.test").warning("hello %s", 1)
    (line,) = [orjson.loads(text) for text in output.getvalue().splitlines()]
    assert line["event"] in ("hello", "hello 1")
    assert line["trace_id"] == format(span.get_span_context().trace_id, "032x")
    assert line["span_id"] == format(span.get_span_context().span_id, "016x")


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_credentials_never_printed(restore_logging: None, fmt: str) -> None:
    """Registered keys and bearer tokens are removed from messages, fields and tracebacks."""
    output = io.StringIO()
    configure("debug", fmt, stream=output, secrets=[KEY])
    log = structlog.get_logger("bridge.test")
    log.info("calling", header=f"Bearer {KEY}")
    logging.getLogger("hpack.test").debug("encoding %s", [("authorization", f"Bearer {KEY}")])
    try:
        raise RuntimeError(f"echo {KEY}")
    except RuntimeError:
        log.exception("failed")
    text = output.getvalue()
    assert KEY not in text
    assert "[REDACTED]" in text and "RuntimeError" in text


def test_console_format_on_request(restore_logging: None) -> None:
    """The console format renders readable lines, not JSON."""
    output = io.StringIO()
    configure("info", "console", stream=output)
    structlog.get_logger("bridge.test").info("hello")
    assert "hello" in output.getvalue() and not output.getvalue().startswith("{")


def test_level_filters(restore_logging: None) -> None:
    """Lines below the configured level are dropped, from structlog and stdlib alike."""
    output = io.StringIO()
    configure("warning", "json", stream=output)
    structlog.get_logger("bridge.test").info("quiet")
    logging.getLogger("grpc.test").info("quiet")
    logging.getLogger("grpc.test").error("loud")
    assert [orjson.loads(t)["event"] for t in output.getvalue().splitlines()] == ["loud"]


def test_undecodable_metadata_is_logged_without_its_value() -> None:
    """grpc's 'Invalid encoding' line about a metadata value keeps its place in the log,
    not the value, which may be a credential never seen as text."""
    output = io.StringIO()
    configure("info", "json", stream=output)
    try:
        raise UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte")
    except UnicodeDecodeError:
        logging.getLogger("grpc._cython.cygrpc").exception(
            "Invalid encoding on %s", b"sk-caller-secret-key\xff\xfe"
        )
    text = output.getvalue()
    assert "invalid UTF-8 in a metadata value (value not shown)" in text
    assert "sk-caller-secret-key" not in text


@pytest.mark.parametrize("fmt", ["json", "console"])
def test_emit_writes_what_the_pipeline_writes(restore_logging: None, fmt: str) -> None:
    """`emit` gives the line structlog would (JSON: the same object, bar the time), redacted
    and filtered by level."""
    output = io.StringIO()
    configure("info", fmt, stream=output, secrets=[KEY], fields={"worker": 2})
    fields = {"status": "OK", "duration_ms": 1.5, "peer": f"Bearer {KEY}", "events": [1, "é"]}
    tracer = TracerProvider().get_tracer("test")
    with tracer.start_as_current_span("work"):
        emit("bridge.access", logging.INFO, "rpc", fields)
        structlog.get_logger("bridge.access").info("rpc", **fields)
    emit("bridge.access", logging.DEBUG, "rpc", fields)
    text = output.getvalue()
    assert KEY not in text
    lines = text.splitlines()
    assert len(lines) == 2
    if fmt == "console":
        # Each line starts with its time.
        assert lines[0].split(" ", 1)[1] == lines[1].split(" ", 1)[1]
        return
    fast, slow = (orjson.loads(line) for line in lines)
    assert fast.pop("timestamp").endswith("Z") and slow.pop("timestamp").endswith("Z")
    assert fast == slow
    assert fast["peer"] == "Bearer [REDACTED]" and fast["worker"] == 2


@pytest.mark.parametrize(
    "now_ns",
    [
        1_764_676_800_000_000_000,  # a whole second: isoformat writes no fraction
        1_764_676_800_000_999_999,  # under a microsecond past it: still none
        1_764_676_801_000_001_000,
        1_764_676_859_123_456_789,
        1_764_676_859_999_999_999,
    ],
)
def test_emit_writes_the_time_as_structlog_does(
    restore_logging: None, monkeypatch: pytest.MonkeyPatch, now_ns: int
) -> None:
    """`emit`'s timestamp is the UTC time in structlog's ISO form ("Z", microseconds, none
    when zero), the date formatted once a second and right across seconds."""
    output = io.StringIO()
    configure("info", "json", stream=output)
    for offset in (0, 1_000, 60_000_000_000):
        monkeypatch.setattr(time, "time_ns", lambda value=now_ns + offset: value)
        emit("bridge.access", logging.INFO, "rpc", {})
    stamps = [orjson.loads(line)["timestamp"] for line in output.getvalue().splitlines()]
    expected = []
    for offset in (0, 1_000, 60_000_000_000):
        seconds, nanoseconds = divmod(now_ns + offset, 1_000_000_000)
        moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC).replace(
            microsecond=nanoseconds // 1000
        )
        expected.append(moment.isoformat().replace("+00:00", "Z"))
    assert stamps == expected


@pytest.mark.parametrize("source", ["structlog", "stdlib"])
def test_fields_go_on_every_line(restore_logging: None, source: str) -> None:
    """Fields given to `configure` (a worker's number) are on every line, from structlog and
    standard logging alike; a structlog line's own value wins."""
    output = io.StringIO()
    configure("info", "json", stream=output, fields={"worker": 3})
    if source == "structlog":
        structlog.get_logger("bridge.test").info("hello")
        structlog.get_logger("bridge.test").info("mine", worker="parent")
        expected: list[object] = [3, "parent"]
    else:
        logging.getLogger("grpc.test").warning("hello")
        expected = [3]
    lines = [orjson.loads(text) for text in output.getvalue().splitlines()]
    assert [line["worker"] for line in lines] == expected


def test_a_kept_record_of_a_freed_grpc_server_survives_the_collector() -> None:
    """A grpc server freed without being stopped logs itself from its deallocator; with
    debug logging and a handler that keeps every record (as a test's log capture does), the
    record holds its rendered message, not the freed server, and the collector's next pass
    ends normally (in a process of its own: the crash took the whole process)."""
    done = run_keeping_log_records(
        """
        import asyncio, gc
        import grpc.aio
        import bridge.logs

        async def main():
            server = grpc.aio.server()
            server.add_insecure_port("127.0.0.1:0")

        asyncio.run(main())
        gc.collect()
        print([r.getMessage() for r in kept if "__dealloc__" in r.msg])
        """
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "__dealloc__ called on running server <grpc._cython.cygrpc.AioServer" in done.stdout
