"""The per-process budget of request bytes: reservations, reads on trust, and release."""

from __future__ import annotations

import asyncio

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
)

from bridge.budget import BudgetExceeded, RequestBudget, Ticket

TOTAL = 100
LARGEST = 40


def budget_with(used: int) -> RequestBudget:
    """A budget of TOTAL bytes for messages of up to LARGEST bytes, `used` of it taken."""
    budget = RequestBudget(TOTAL, LARGEST, trust_seconds=0.5)
    budget.used = used
    return budget


async def test_a_read_reserves_the_largest_message_while_there_is_room() -> None:
    """With room for the largest message, a read reserves that much and has no deadline."""
    budget = budget_with(TOTAL - LARGEST)
    ticket = await budget.admit()
    assert ticket.deadline is None
    assert budget.used == TOTAL


@pytest.mark.parametrize("size", [0, 1, LARGEST // 2, LARGEST])
async def test_an_arrived_message_gives_back_the_rest_of_its_reservation(size: int) -> None:
    """Once a reserved message arrives, only its own size stays counted."""
    budget = budget_with(10)
    ticket = await budget.admit()
    ticket.arrived(size)
    assert budget.used == 10 + size


async def test_the_reservation_never_exceeds_the_budget() -> None:
    """A budget smaller than the largest message reserves the whole budget, not more."""
    budget = RequestBudget(TOTAL, 5 * TOTAL)
    assert budget.reservation == TOTAL
    await budget.admit()
    assert budget.used == TOTAL


@pytest.mark.parametrize("used", [TOTAL - LARGEST + 1, TOTAL - 1, TOTAL])
async def test_without_room_a_read_is_trusted_with_a_deadline(used: int) -> None:
    """Without room for a reservation, a read reserves nothing and must arrive within
    the trust period."""
    budget = budget_with(used)
    ticket = await budget.admit()
    assert ticket.deadline == budget.trust_seconds == 0.5
    assert budget.used == used


@pytest.mark.parametrize("size", [0, 1, 10])
async def test_a_trusted_message_that_fits_is_counted(size: int) -> None:
    """A message read on trust that fits what is left is counted at its size."""
    budget = budget_with(TOTAL - 10)
    ticket = await budget.admit()
    ticket.arrived(size)
    assert budget.used == TOTAL - 10 + size
    ticket.release()
    assert budget.used == TOTAL - 10


@pytest.mark.parametrize("size", [11, LARGEST])
async def test_a_trusted_message_that_does_not_fit_is_refused_and_counts_nothing(size: int) -> None:
    """A message read on trust that passes the budget raises BudgetExceeded, which names
    the setting and the sizes, and leaves the count as it was, release included."""
    budget = budget_with(TOTAL - 10)
    ticket = await budget.admit()
    with pytest.raises(BudgetExceeded) as refused:
        ticket.arrived(size)
    message = str(refused.value)
    assert "BRIDGE_MAX_INFLIGHT_REQUEST_BYTES" in message
    assert f"{size} bytes" in message
    assert f"{TOTAL} bytes" in message
    assert budget.used == TOTAL - 10
    ticket.release()
    assert budget.used == TOTAL - 10


async def test_late_names_the_budget_and_the_deadline() -> None:
    """The refusal of a trusted read that did not arrive names the budget, its setting
    and how long the read was given, and changes no count."""
    budget = budget_with(TOTAL - 1)
    ticket = await budget.admit()
    refusal = ticket.late()
    assert isinstance(refusal, BudgetExceeded)
    message = str(refusal)
    assert f"budget of {TOTAL} bytes" in message
    assert "BRIDGE_MAX_INFLIGHT_REQUEST_BYTES" in message
    assert "within 0.5s" in message
    assert budget.used == TOTAL - 1


async def test_late_after_queueing_behind_reads_says_so() -> None:
    """A trusted read that did not arrive after its turn never came, while what had arrived
    left room, is refused for the reads that held the room, naming both settings."""
    budget = RequestBudget(TOTAL, LARGEST, trust_seconds=0.5, queue_seconds=0.01)
    readers = [await budget.admit() for _ in range(TOTAL // LARGEST)]
    ticket = await budget.admit()
    assert ticket.deadline == 0.5
    message = str(ticket.late())
    assert message.startswith("the bridge was reading other requests")
    assert f"reserving {LARGEST} bytes (BRIDGE_MAX_MESSAGE_BYTES)" in message
    assert f"budget of {TOTAL} bytes (BRIDGE_MAX_INFLIGHT_REQUEST_BYTES)" in message
    assert "0.01s this request may wait" in message
    for reader in readers:
        reader.release()


@pytest.mark.parametrize("arrives", [None, 0, 25, LARGEST], ids=lambda s: f"arrived={s}")
async def test_release_gives_everything_back_once(arrives: int | None) -> None:
    """Releasing a ticket, whether its message arrived or not, gives back all it held;
    releasing it again gives back nothing more."""
    budget = budget_with(7)
    ticket = await budget.admit()
    if arrives is not None:
        ticket.arrived(arrives)
    ticket.release()
    assert budget.used == 7
    ticket.release()
    assert budget.used == 7


class BudgetMachine(RuleBasedStateMachine):
    """Any interleaving of admits, arrivals (fitting or refused) and releases, however
    often each ticket is released, keeps `used` equal to what live tickets hold, within
    0..total, and back at 0 once every ticket is released.

    A ticket follows the edge's protocol: its message arrives at most once, and never
    after the ticket was released (the edge releases in its `finally`).
    """

    waiting = Bundle("waiting")
    tickets = Bundle("tickets")

    def __init__(self) -> None:
        super().__init__()
        # No queueing: a read without room is trusted at once.
        self.budget = RequestBudget(TOTAL, LARGEST, trust_seconds=0.01, queue_seconds=0.0)
        # What each ticket should hold, by identity.
        self.held: dict[int, int] = {}
        self.all: list[Ticket] = []

    @initialize()
    def start(self) -> None:
        assert self.budget.used == 0

    @rule(target=waiting)
    def admit(self) -> Ticket:
        reserved = self.budget.used + LARGEST <= TOTAL
        ticket = asyncio.run(self.budget.admit())
        assert (ticket.deadline is None) is reserved
        self.held[id(ticket)] = LARGEST if reserved else 0
        self.all.append(ticket)
        return ticket

    @rule(target=tickets, ticket=consumes(waiting), size=st.integers(0, LARGEST))
    def arrive(self, ticket: Ticket, size: int) -> Ticket:
        trusted = ticket.deadline is not None
        fits = self.budget.used - self.held[id(ticket)] + size <= TOTAL
        if trusted and not fits:
            with pytest.raises(BudgetExceeded):
                ticket.arrived(size)
        else:
            ticket.arrived(size)
            self.held[id(ticket)] = size
        return ticket

    @rule(ticket=tickets)
    def release(self, ticket: Ticket) -> None:
        """The call ends (any number of times: only the first gives anything back)."""
        ticket.release()
        self.held[id(ticket)] = 0

    @rule(ticket=consumes(waiting))
    def give_up(self, ticket: Ticket) -> None:
        """A read that never arrives (late, or the call cancelled): released unread."""
        ticket.release()
        self.held[id(ticket)] = 0

    @invariant()
    def counts_what_tickets_hold(self) -> None:
        assert self.budget.used == sum(self.held.values())
        assert 0 <= self.budget.used <= TOTAL

    def teardown(self) -> None:
        for ticket in self.all:
            ticket.release()
        assert self.budget.used == 0


BudgetMachine.TestCase.settings = settings(max_examples=100, stateful_step_count=30, deadline=None)
test_any_order_of_arrivals_and_releases_keeps_the_count_exact = BudgetMachine.TestCase


async def test_a_read_waits_for_the_reads_under_way_rather_than_trust() -> None:
    """Without room only because another read is under way, a read waits for it and then
    reserves, instead of going ahead on trust."""
    budget = RequestBudget(TOTAL, LARGEST * 2, queue_seconds=5.0)
    first = await budget.admit()
    waiting = asyncio.ensure_future(budget.admit())
    await asyncio.sleep(0)
    assert not waiting.done()
    first.arrived(1)
    second = await asyncio.wait_for(waiting, 1.0)
    assert second.deadline is None
    assert budget.used == 1 + LARGEST * 2


async def test_a_read_waits_no_longer_than_the_queue_allows() -> None:
    """A read kept waiting by reads that do not finish goes ahead on trust after the
    queue time."""
    budget = RequestBudget(TOTAL, LARGEST * 2, trust_seconds=0.5, queue_seconds=0.05)
    await budget.admit()
    ticket = await asyncio.wait_for(budget.admit(), 1.0)
    assert ticket.deadline == 0.5
