"""Incremental Server-Sent Events decoder (WHATWG ``text/event-stream``).

Bytes go in as they arrive from the network, in chunks of any size and split at
any point; complete events come out. The decoder does no I/O and interprets
nothing beyond the event-stream framing: ``data: [DONE]`` is an ordinary event
whose data is ``"[DONE]"``. An event or line that grows past the decoder's
``max_event_bytes`` before it is complete raises `EventTooLarge`, so a
stream without line breaks cannot take the process's memory.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = ["EventTooLarge", "SSEDecoder", "SSEEvent"]

_DEFAULT_EVENT = "message"
# Bytes a pending data line costs beyond its text (a str object, a list slot).
_LINE_COST = 64


class EventTooLarge(ValueError):
    """An event (or one of its lines) is larger than the decoder accepts."""


class SSEEvent(NamedTuple):
    """One dispatched event (a named tuple: one is made per event, and a tuple is
    made in a third of the time a frozen dataclass takes).

    ``event`` is the value of the last ``event:`` line, or ``"message"`` when the
    event had none (or an empty one). ``data`` is every ``data:`` line's value
    joined with ``"\\n"``, without a trailing newline. ``id`` is the value of the
    last ``id:`` line of this event, or ``None`` if it had none: unlike the
    WHATWG last-event-ID buffer (and openai-python), an id does not carry over
    to later events. ``retry`` is the last ``retry:`` value of this event made
    only of ASCII digits, in milliseconds, else ``None``.
    """

    event: str
    data: str
    id: str | None
    retry: int | None


class SSEDecoder:
    """Turns a byte stream into `SSEEvent` objects, one chunk at a time.

    Lines may end with LF, CRLF or a lone CR, and a CRLF split across two
    chunks counts once. A UTF-8 byte order mark at the very start of the stream
    is skipped. Text is decoded as UTF-8 with invalid bytes replaced by U+FFFD,
    so decoding never raises, and a character split across chunks decodes
    whole. A blank line dispatches the pending event if it has at least one
    ``data:`` line; otherwise the pending fields are discarded. Lines starting
    with ``:`` (keep-alive comments) and unknown fields are ignored; a line
    without a colon is a field with an empty value; one space after the colon
    is not part of the value. ``id:`` values containing U+0000 are ignored.

    The cost is linear in the input however it is chunked. A pending line or
    event larger than ``max_event_bytes`` (checked once per chunk, so it may
    pass the limit by at most one chunk) raises `EventTooLarge`; None means
    no limit. One decoder serves one stream; `flush` resets it for reuse.
    """

    __slots__ = (
        "_at_start",
        "_buf",
        "_data",
        "_event",
        "_id",
        "_pending",
        "_retry",
        "_skip_lf",
        "max_event_bytes",
    )

    _buf: bytearray
    _skip_lf: bool
    _at_start: bool
    _event: str
    _data: list[str]
    _pending: int
    _id: str | None
    _retry: int | None

    def __init__(self, max_event_bytes: int | None = None) -> None:
        """Create a decoder positioned at the start of a stream."""
        self.max_event_bytes = max_event_bytes
        self._reset()

    def _reset(self) -> None:
        """Forget everything, as at the start of a new stream."""
        # Bytes of the current line whose terminator has not arrived yet; they
        # are decoded only once the line is complete, so a character split
        # across chunks is never decoded in halves.
        self._buf = bytearray()
        # The previous chunk ended with CR: a LF opening this chunk belongs to
        # that CRLF and must not end a second (blank) line.
        self._skip_lf = False
        # Nothing has been decoded yet, so a BOM may still come first.
        self._at_start = True
        self._event = ""
        self._data = []
        self._pending = 0
        self._id = None
        self._retry = None

    def feed(self, chunk: bytes) -> list[SSEEvent]:
        """Consume the next piece of the stream.

        Returns the events completed by this chunk, in stream order (often
        none). An incomplete trailing line is kept until a later chunk ends it
        or `flush` is called.
        """
        if not chunk:
            return []
        if self._skip_lf:
            self._skip_lf = False
            if chunk[0] == 0x0A:
                chunk = chunk[1:]
        if b"\r" in chunk:
            # Rewriting every ending as LF keeps the common LF-only path a
            # single split; a final CR may be half of a CRLF, hence the flag.
            # bytes.splitlines breaks on exactly LF, CR and CRLF, and beats
            # replace(b"\r\n", ...), whose two-byte search is slow.
            last = chunk[-1]
            self._skip_lf = last == 0x0D
            chunk = b"\n".join(chunk.splitlines())
            if last == 0x0D or last == 0x0A:
                chunk += b"\n"
        end = chunk.rfind(b"\n")
        buf = self._buf
        if end < 0:
            buf += chunk
            self._check(len(buf))
            return []
        if not buf and end == len(chunk) - 1:
            # Whole lines and nothing pending, the usual shape: no copies.
            lines = chunk.decode("utf-8", "replace").split("\n")
        else:
            view = memoryview(chunk)
            if buf:
                buf += view[: end + 1]
                lines = buf.decode("utf-8", "replace").split("\n")
                buf.clear()
            else:
                lines = str(view[: end + 1], "utf-8", "replace").split("\n")
            buf += view[end + 1 :]
        lines.pop()  # the empty string after the last LF
        events = self._parse(lines)
        if buf or self._data:
            # Something is pending past this chunk: bound what it holds.
            self._check(len(buf) + self._pending)
        return events

    def _check(self, pending: int) -> None:
        limit = self.max_event_bytes
        if limit is not None and pending > limit:
            self._reset()
            raise EventTooLarge(
                f"an event of the stream passed {limit} bytes before it was complete"
            )

    def flush(self) -> list[SSEEvent]:
        """Signal the end of the stream and reset the decoder.

        An unterminated last line is processed as if it had been terminated,
        and a pending event with data is dispatched even without its closing
        blank line, where the WHATWG parser would discard it. Returns that
        event, or nothing. If the stream was cut mid-line, that event's data
        is cut too (a JSON payload may not parse). Afterwards the decoder is
        back at the start of a new stream.
        """
        out: list[SSEEvent] = []
        if self._buf:
            # The extra blank line dispatches what the unterminated line completed.
            out = self._parse([self._buf.decode("utf-8", "replace"), ""])
        elif self._data:
            out = self._parse([""])
        self._reset()
        return out

    def _parse(self, lines: list[str]) -> list[SSEEvent]:
        """Interpret complete lines (without their endings), in stream order.

        Pending field state lives in locals during the loop and is stored back
        at the end; attribute access per line costs measurable throughput.
        """
        if self._at_start:
            self._at_start = False
            if lines[0].startswith("\ufeff"):
                lines[0] = lines[0][1:]
        out: list[SSEEvent] = []
        data = held = self._data
        before = len(held)
        event = self._event
        id_ = self._id
        retry = self._retry
        for line in lines:
            if not line:
                if data:
                    out.append(SSEEvent(event or _DEFAULT_EVENT, "\n".join(data), id_, retry))
                    data = []
                event = ""
                id_ = None
                retry = None
                continue
            # The two line shapes of nearly every real event, spelled the way
            # servers spell them; everything else takes the general path.
            if line[:6] == "data: ":
                data.append(line[6:])
                continue
            if line[:7] == "event: ":
                event = line[7:]
                continue
            colon = line.find(":")
            if colon > 0:
                name = line[:colon]
                colon += 1
                if line.startswith(" ", colon):
                    colon += 1
                value = line[colon:]
            elif colon == 0:
                continue
            else:
                name = line
                value = ""
            if name == "data":
                data.append(value)
            elif name == "event":
                event = value
            elif name == "id":
                if "\0" not in value:
                    id_ = value
            elif name == "retry" and value.isascii() and value.isdigit():
                retry = int(value)
        if data:
            # What the pending event holds: its text, and a string object and a
            # list slot per line (an event of empty lines is not free).
            added = data[before:] if data is held else data
            pending = self._pending if data is held else 0
            self._pending = pending + sum(map(len, added)) + _LINE_COST * len(added)
        else:
            self._pending = 0
        self._data = data
        self._event = event
        self._id = id_
        self._retry = retry
        return out
