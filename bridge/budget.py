"""The per-process budget of request bytes held in memory at once.

gRPC reads a request message whole before the handler sees it, and while it
hands a message over it holds about three times its size. A server that asks
for every message as soon as a call starts lets N concurrent large requests
take N times that. The bridge asks for a call's message only once this budget
admits it:

- While the budget has room for a message of the largest size allowed, a read
  reserves that much, and gives back the difference once the message has
  arrived (in microseconds for the usual small request).
- When it has no room only because other reads are still under way, the read
  waits for them, first come first served.
- When requests that have arrived hold the budget, the read goes ahead on
  trust, for a moment only: a message that is already in flight arrives at
  once (a small request fits in the first HTTP/2 window) and is counted, or
  refused if it does not fit; one that has not arrived by `trust_seconds` is
  large and still coming, and the call is refused before most of it is
  received. Small requests thus keep flowing while large ones fill the
  budget, and what large ones cost beyond it is bounded by what arrives in
  that moment.

A call gives its bytes back when it ends. Refusals are RESOURCE_EXHAUSTED.
Single-threaded: every method runs on the server's event loop.
"""

from __future__ import annotations

import asyncio
import collections

__all__ = ["BudgetExceeded", "RequestBudget", "Ticket"]


class BudgetExceeded(Exception):
    """The budget cannot take this request now."""


class Ticket:
    """One call's claim on the budget: a reservation, then the message's size.

    `deadline` is how long the message may take to arrive (None: no limit).
    """

    __slots__ = ("_budget", "_held", "_reading", "_trusted", "deadline")

    def __init__(self, budget: RequestBudget, held: int, deadline: float | None) -> None:
        self._budget = budget
        self._held = held
        self._trusted = deadline is not None
        self._reading = held > 0
        self.deadline = deadline

    def _read(self) -> None:
        if self._reading:
            self._reading = False
            self._budget.pending -= self._held
            self._budget._wake()

    def arrived(self, size: int) -> None:
        """Count the message that arrived in place of the reservation.

        Raises:
            BudgetExceeded: a message read on trust does not fit.
        """
        budget = self._budget
        self._read()
        if self._trusted:
            self._trusted = False
            if budget.used + size > budget.total:
                raise BudgetExceeded(
                    f"the bridge holds {budget.used} bytes of requests in memory; this "
                    f"request of {size} bytes would pass its budget of {budget.total} bytes "
                    "(BRIDGE_MAX_INFLIGHT_REQUEST_BYTES)"
                )
            budget.used += size
        else:
            budget.used += size - self._held
        self._held = size
        budget._wake()

    def late(self) -> BudgetExceeded:
        """The refusal of a message read on trust that did not arrive in time."""
        budget = self._budget
        if budget.used - budget.pending + budget.reservation <= budget.total:
            # What arrived leaves room: the reads of other requests held it, each
            # reserving a largest message, for as long as this one could queue (a
            # process too busy to finish reads promptly, most often).
            cause = (
                f"the bridge was reading other requests, each read reserving "
                f"{budget.reservation} bytes (BRIDGE_MAX_MESSAGE_BYTES) of its budget of "
                f"{budget.total} bytes (BRIDGE_MAX_INFLIGHT_REQUEST_BYTES), for the "
                f"{budget.queue_seconds:g}s this request may wait for its turn"
            )
        else:
            cause = (
                f"the bridge holds {budget.used} bytes of requests in memory, near its budget "
                f"of {budget.total} bytes (BRIDGE_MAX_INFLIGHT_REQUEST_BYTES)"
            )
        return BudgetExceeded(
            f"{cause}; a request that does not arrive within {self.deadline:g}s is not read now"
        )

    def release(self) -> None:
        """Give everything back (once; later calls do nothing)."""
        self._read()
        self._budget.used -= self._held
        self._held = 0
        self._trusted = False
        self._budget._wake()


class RequestBudget:
    """Admits calls to read their request while the bytes in memory stay within `total`.

    Usage::

        ticket = await budget.admit()
        try:
            async with asyncio.timeout(ticket.deadline):
                message = await context.read()
            ticket.arrived(len(message))
            ...
        finally:
            ticket.release()
    """

    def __init__(
        self,
        total: int,
        reservation: int,
        trust_seconds: float = 0.025,
        queue_seconds: float = 1.0,
    ) -> None:
        self.total = total
        self.reservation = min(reservation, total)
        self.trust_seconds = trust_seconds
        self.queue_seconds = queue_seconds
        self.used = 0
        # Of `used`: what reads still under way have reserved.
        self.pending = 0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    def _reserve(self) -> Ticket | None:
        if self.used + self.reservation <= self.total:
            self.used += self.reservation
            self.pending += self.reservation
            return Ticket(self, self.reservation, None)
        return None

    async def admit(self) -> Ticket:
        """A ticket to read one request message: reserved (perhaps after the reads under
        way), or on trust for a moment."""
        if not self._waiters:
            ticket = self._reserve()
            if ticket is not None:
                return ticket
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.queue_seconds
        first = True
        # Waiting helps only while reads under way are what fills the budget.
        while self.used - self.pending + self.reservation <= self.total:
            waiter: asyncio.Future[None] = loop.create_future()
            # Woken but still without room: keep the place at the front.
            if first:
                self._waiters.append(waiter)
            else:
                self._waiters.appendleft(waiter)
            first = False
            try:
                async with asyncio.timeout_at(deadline):
                    await waiter
            except TimeoutError:
                break
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
            ticket = self._reserve()
            if ticket is not None:
                self._wake()
                return ticket
        return Ticket(self, 0, self.trust_seconds)

    def charge(self, size: int) -> Ticket:
        """A ticket for a message that has arrived already: a stream's next message, read
        as soon as its client sends it (so that a stream waiting for its client holds
        nothing of the budget), and counted now.

        Raises:
            BudgetExceeded: it does not fit.
        """
        if self.used + size > self.total:
            raise BudgetExceeded(
                f"the bridge holds {self.used} bytes of requests in memory; this message of "
                f"{size} bytes would pass its budget of {self.total} bytes "
                "(BRIDGE_MAX_INFLIGHT_REQUEST_BYTES)"
            )
        self.used += size
        ticket = Ticket(self, 0, None)
        ticket._held = size
        return ticket

    def _wake(self) -> None:
        """Let the first waiter try again."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
