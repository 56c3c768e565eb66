"""The simulator's state: stored responses, their input items and event logs.

`ResponseStore` keeps the most recent responses in memory, oldest first, up
to ``max_responses`` entries and ``max_bytes`` bytes (inputs, final responses
and event logs counted as their JSON size); adding past either limit evicts
the oldest entries, cancelling their generation if it still runs. An `Entry`
is one response: its input items, its state while it runs (an `Accumulator`
fed with every event), its final JSON once finished, and for background
responses the `EventLog` of every SSE frame, so a client can re-stream it
from any sequence number and follow it live.

Nothing here does HTTP; the asyncio tasks generating background responses
belong to their entries, so the store can cancel them on eviction, deletion
and shutdown.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncGenerator
from dataclasses import dataclass, field
from typing import Any, Final

import orjson

from bridge.simulator.conversations import Conversation
from bridge.simulator.snapshot import Accumulator

__all__ = ["Entry", "EventLog", "ResponseStore"]

# A follower sends at most this many frames per write.
_FRAMES_PER_WRITE: Final = 512


class EventLog:
    """The SSE frames of one response in sequence order (frame i has sequence_number i).

    `follow` yields the frames after a sequence number and then waits for new
    ones until the log is closed.
    """

    def __init__(self) -> None:
        """Start empty and open."""
        self.frames: list[bytes] = []
        self.closed = False
        self._wakeup: asyncio.Event | None = None

    def append(self, frame: bytes) -> None:
        """Add the next frame and wake the followers."""
        self.frames.append(frame)
        self._wake()

    def close(self) -> None:
        """Mark the log complete (or abandoned): followers end after the last frame."""
        self.closed = True
        self._wake()

    def _wake(self) -> None:
        """Release every follower waiting for news."""
        if self._wakeup is not None:
            self._wakeup.set()
            self._wakeup = None

    async def follow(self, after: int) -> AsyncGenerator[bytes, None]:
        """Yield the frames with sequence numbers above ``after``, joined in batches, live."""
        index = max(after + 1, 0)
        while True:
            if index < len(self.frames):
                batch = self.frames[index : index + _FRAMES_PER_WRITE]
                index += len(batch)
                yield b"".join(batch)
                continue
            if self.closed:
                return
            if self._wakeup is None:
                self._wakeup = asyncio.Event()
            await self._wakeup.wait()


@dataclass(eq=False)
class Entry:
    """One stored response (see the module doc).

    While it runs, ``state`` follows its events; `finish` replaces the state
    with the final JSON (``final``) and closes the log. A response of a
    conversation has the conversation's items first among its input items
    (``history_items`` of them) and ``conversation``, until its own items are
    added to it.
    """

    response_id: str
    background: bool
    input_items: list[dict[str, Any]]
    state: Accumulator | None = field(default_factory=Accumulator)
    log: EventLog | None = None
    task: asyncio.Task[None] | None = None
    final: bytes | None = None
    final_status: str | None = None
    size: int = 0
    conversation: Conversation | None = None
    history_items: int = 0

    @property
    def status(self) -> str | None:
        """The response's status now."""
        if self.final_status is not None:
            return self.final_status
        return self.state.status if self.state is not None else None

    @property
    def running(self) -> bool:
        """Whether the response is still being generated."""
        return self.final is None

    def response_json(self) -> bytes:
        """Return the Response as ``GET`` shows it now, encoded."""
        if self.final is not None:
            return self.final
        assert self.state is not None
        return orjson.dumps(self.state.response())

    def response(self) -> dict[str, Any]:
        """Return the Response as ``GET`` shows it now."""
        if self.final is not None:
            decoded: dict[str, Any] = orjson.loads(self.final)
            return decoded
        assert self.state is not None
        return self.state.response()

    def finish(self, status: str | None = None, final: bytes | None = None) -> None:
        """End the response: keep its final JSON (``final``, or the state with ``status``)."""
        if self.final is not None:
            return
        if final is None:
            assert self.state is not None
            final = orjson.dumps(self.state.response(status))
        self.final = final
        self.final_status = status or (self.state.status if self.state is not None else None)
        self.state = None
        if self.log is not None:
            self.log.close()

    def stop(self) -> None:
        """Cancel the generation task, if any, and close the log."""
        if self.task is not None and not self.task.done():
            self.task.cancel()
        if self.log is not None:
            self.log.close()


class ResponseStore:
    """Stored responses by id, oldest first, bounded (see the module doc)."""

    def __init__(self, *, max_responses: int = 10_000, max_bytes: int = 512 * 1024 * 1024) -> None:
        """Keep at most ``max_responses`` entries and about ``max_bytes`` bytes."""
        if max_responses < 1 or max_bytes < 1:
            raise ValueError("max_responses and max_bytes must be at least 1")
        self._entries: OrderedDict[str, Entry] = OrderedDict()
        self._max_responses = max_responses
        self._max_bytes = max_bytes
        self._bytes = 0

    def __len__(self) -> int:
        """The number of stored responses."""
        return len(self._entries)

    @property
    def size(self) -> int:
        """The bytes counted against ``max_bytes``."""
        return self._bytes

    def add(self, entry: Entry) -> None:
        """Store ``entry`` as the newest response, evicting the oldest beyond the limits."""
        entry.size = len(orjson.dumps(entry.input_items))
        self._entries[entry.response_id] = entry
        self._bytes += entry.size
        self._evict(keep=entry)

    def get(self, response_id: str) -> Entry | None:
        """Return the stored response, or None."""
        return self._entries.get(response_id)

    def pop(self, response_id: str) -> Entry | None:
        """Remove and return the stored response (None if unknown); its generation stops."""
        entry = self._entries.pop(response_id, None)
        if entry is not None:
            self._bytes -= entry.size
            entry.stop()
        return entry

    def record(self, entry: Entry, frame: bytes) -> None:
        """Append ``frame`` to ``entry``'s log and count its bytes."""
        assert entry.log is not None
        entry.log.append(frame)
        self._grow(entry, len(frame))

    def finish(self, entry: Entry, status: str | None = None, final: bytes | None = None) -> None:
        """Finish ``entry`` (see `Entry.finish`) and count its final JSON."""
        if entry.final is not None:
            return
        entry.finish(status, final)
        assert entry.final is not None
        self._grow(entry, len(entry.final))

    def _grow(self, entry: Entry, size: int) -> None:
        """Count ``size`` more bytes for ``entry`` (if it is still stored)."""
        if self._entries.get(entry.response_id) is not entry:
            return
        entry.size += size
        self._bytes += size
        self._evict(keep=entry)

    def _evict(self, keep: Entry) -> None:
        """Drop the oldest entries (but ``keep``) while over a limit."""
        while len(self._entries) > self._max_responses or (
            self._bytes > self._max_bytes and len(self._entries) > 1
        ):
            oldest = next(iter(self._entries))
            if self._entries[oldest] is keep:
                self._entries.move_to_end(oldest)
                if len(self._entries) == 1:
                    return
                continue
            self.pop(oldest)

    async def close(self) -> None:
        """Stop every running generation and wait for it; close every log."""
        tasks = []
        for entry in self._entries.values():
            if entry.task is not None and not entry.task.done():
                tasks.append(entry.task)
            entry.stop()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
