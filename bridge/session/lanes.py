"""Which create of a session runs when: first-in first-out per lane, lanes at once.

Pure: no I/O, no clock. A lane is named by the `stream_id` of its creates (`DEFAULT_LANE`
for creates without one). A lane exists while it has a response in flight or creates
waiting; at most `max_lanes` exist at once, and a create that would open one more is
refused (the caller answers it with the spec's `websocket_stream_limit_reached` error), while
a create on a lane that exists always waits its turn.

Usage::

    lanes: Lanes[Create] = Lanes(max_lanes=16)
    if lanes.submit("agent_1", create) is Admission.START:
        start(create)
    ...
    following = lanes.finish("agent_1")   # the lane's next create, now in flight, or None
"""

from __future__ import annotations

import collections
import enum
from typing import Final, Generic, TypeVar

__all__ = ["DEFAULT_LANE", "Admission", "Lanes"]

#: The lane of creates without a `stream_id`.
DEFAULT_LANE: Final = ""

T = TypeVar("T")


class Admission(enum.Enum):
    """What became of a submitted create."""

    #: Its lane was free: it is in flight now.
    START = "start"
    #: Its lane is busy: it waits behind the lane's earlier creates.
    QUEUED = "queued"
    #: It would open a lane past the limit: refused, nothing changed.
    REFUSED = "refused"


class Lanes(Generic[T]):
    """The lanes of one session: what is in flight and what waits, per lane."""

    __slots__ = ("_busy", "_waiting", "max_lanes", "queued")

    def __init__(self, max_lanes: int) -> None:
        if max_lanes < 1:
            raise ValueError(f"max_lanes must be at least 1, got {max_lanes}")
        self.max_lanes = max_lanes
        # Lanes with a response in flight.
        self._busy: set[str] = set()
        # Lanes' creates that wait, oldest first (a lane is here only while busy).
        self._waiting: dict[str, collections.deque[T]] = {}
        #: How many creates wait, over every lane.
        self.queued = 0

    def submit(self, lane: str, item: T) -> Admission:
        """Start `item` on `lane` if the lane is free, queue it behind the lane's
        earlier creates if not, or refuse it if the lane would be one too many."""
        if lane in self._busy:
            self._waiting.setdefault(lane, collections.deque()).append(item)
            self.queued += 1
            return Admission.QUEUED
        if len(self._busy) >= self.max_lanes:
            return Admission.REFUSED
        self._busy.add(lane)
        return Admission.START

    def finish(self, lane: str) -> T | None:
        """The response in flight on `lane` ended: its next create, now in flight, or
        None when none waits (the lane then no longer exists)."""
        waiting = self._waiting.get(lane)
        if waiting:
            item = waiting.popleft()
            self.queued -= 1
            if not waiting:
                del self._waiting[lane]
            return item
        self._busy.discard(lane)
        return None

    def withdraw(self) -> list[tuple[str, T]]:
        """Take every waiting create out, oldest of each lane first (the responses in
        flight go on); the lanes with none in flight cease to exist."""
        taken = [(lane, item) for lane, items in self._waiting.items() for item in items]
        self._waiting.clear()
        self.queued = 0
        return taken

    @property
    def in_flight(self) -> int:
        """How many responses are in flight (one per existing lane)."""
        return len(self._busy)

    @property
    def idle(self) -> bool:
        """Whether nothing is in flight and nothing waits."""
        return not self._busy

    def busy(self, lane: str) -> bool:
        """Whether `lane` has a response in flight."""
        return lane in self._busy
