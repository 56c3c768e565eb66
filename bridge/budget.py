"""The per-process budget of request bytes held in memory at once.

gRPC reads a request message whole before the handler sees it, and a server
that asks for every message as soon as a call starts lets N concurrent large
requests occupy N times the message limit. The bridge asks for a call's
message only once this budget admits it:

- A read whose message could be as large as the limit reserves the limit,
  and gives back the difference as soon as the message has arrived.
- When the budget cannot hold a whole reservation, one read at a time may go
  ahead on trust: its message is counted when it arrives and refused if it does
  not fit. Small requests thus keep flowing while large ones fill the budget,
  and at most one unreserved message is in memory beyond it.
- Otherwise the call waits, first come first served, for at most
  `max_wait` seconds (or its deadline), then is refused.

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
    """One call's claim on the budget: a reservation, then the message's size."""

    __slots__ = ("_budget", "_held", "_trusted")

    def __init__(self, budget: RequestBudget, held: int, trusted: bool) -> None:
        self._budget = budget
        self._held = held
        self._trusted = trusted

    def arrived(self, size: int) -> None:
        """Count the message that arrived in place of the reservation.

        Raises:
            BudgetExceeded: a message read on trust does not fit.
        """
        budget = self._budget
        if self._trusted:
            self._trusted = False
            budget._trusted_busy = False
            if budget.used + size > budget.total:
                budget._wake()
                raise BudgetExceeded(
                    f"the bridge holds {budget.used} bytes of requests in memory; this "
                    f"request of {size} bytes would pass its budget of {budget.total} bytes"
                )
            budget.used += size
        else:
            budget.used += size - self._held
        self._held = size
        budget._wake()

    def release(self) -> None:
        """Give everything back (once; later calls do nothing)."""
        budget = self._budget
        if self._trusted:
            self._trusted = False
            budget._trusted_busy = False
        budget.used -= self._held
        self._held = 0
        budget._wake()


class RequestBudget:
    """Admits calls to read their request while the bytes in memory stay within `total`.

    Usage::

        ticket = await budget.admit(wait=5.0)
        try:
            message = await context.read()
            ticket.arrived(len(message))
            ...
        finally:
            ticket.release()
    """

    def __init__(self, total: int, reservation: int, max_wait: float = 5.0) -> None:
        self.total = total
        self.reservation = min(reservation, total)
        self.max_wait = max_wait
        self.used = 0
        self._trusted_busy = False
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()

    def _try(self) -> Ticket | None:
        if self.used + self.reservation <= self.total:
            self.used += self.reservation
            return Ticket(self, self.reservation, trusted=False)
        if not self._trusted_busy:
            self._trusted_busy = True
            return Ticket(self, 0, trusted=True)
        return None

    async def admit(self, wait: float | None = None) -> Ticket:
        """A ticket to read one request message, waiting for room if need be.

        Raises:
            BudgetExceeded: no room came within `wait` seconds (at most `max_wait`).
        """
        if not self._waiters:
            ticket = self._try()
            if ticket is not None:
                return ticket
        wait = self.max_wait if wait is None else max(0.0, min(wait, self.max_wait))
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait
        first = True
        while True:
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
                raise BudgetExceeded(
                    f"the bridge holds {self.used} bytes of requests in memory, its budget "
                    f"is {self.total} bytes, and no room came within {wait:g}s"
                ) from None
            finally:
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
            ticket = self._try()
            if ticket is not None:
                self._wake()
                return ticket

    def _wake(self) -> None:
        """Let the first waiter try again."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
