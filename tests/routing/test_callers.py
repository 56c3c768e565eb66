"""Per-caller limits: who a caller is, calls in flight, calls per second, and the bound
on callers remembered."""

from __future__ import annotations

import pytest

from bridge.routing.callers import CallerLimits, Refusal, Ticket, caller_of
from bridge.routing.routes_file import CallerLimit, LimitsSpec


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("name", "peer", "caller"),
    [
        ("billing", "ipv4:10.0.0.7:53412", "billing"),
        (None, "ipv4:10.0.0.7:53412", "10.0.0.7"),
        (None, "ipv6:[::1]:5000", "::1"),
        (None, "ipv6:[fe80::1%eth0]:5000", "fe80::1%eth0"),
        (None, "unix:/run/bridge.sock", "unix:/run/bridge.sock"),
        (None, "", ""),
    ],
)
def test_a_caller_is_its_name_else_its_address_without_the_port(
    name: str | None, peer: str, caller: str
) -> None:
    """A token's name identifies a caller; without one, its address does, whatever
    connection (port) the call came on."""
    assert caller_of(name, peer) == caller


def test_calls_in_flight_are_bounded_per_caller() -> None:
    """The call over `concurrent` is refused until one in flight ends; other callers are
    not affected."""
    limits = CallerLimits(LimitsSpec(default=CallerLimit(concurrent=2)))
    first, second = limits.admit("a"), limits.admit("a")
    assert isinstance(first, Ticket) and isinstance(second, Ticket)
    refused = limits.admit("a")
    assert isinstance(refused, Refusal)
    assert refused.limit == "concurrent" and refused.retry_after is None
    assert "'a' has 2 calls in flight" in refused.message
    assert isinstance(limits.admit("b"), Ticket)
    first.release()
    first.release()  # a second release changes nothing
    assert isinstance(limits.admit("a"), Ticket)
    assert isinstance(limits.admit("a"), Refusal)


def test_calls_per_second_are_a_token_bucket() -> None:
    """`burst` calls pass at once, then one every 1/per_second; a refusal says how long
    to wait."""
    clock = Clock()
    limits = CallerLimits(LimitsSpec(default=CallerLimit(per_second=2, burst=3)), clock=clock)
    assert all(isinstance(limits.admit("a"), Ticket) for _ in range(3))
    refused = limits.admit("a")
    assert isinstance(refused, Refusal) and refused.limit == "per_second"
    assert refused.retry_after == pytest.approx(0.5)
    clock.now += 0.5
    assert isinstance(limits.admit("a"), Ticket)
    assert isinstance(limits.admit("a"), Refusal)
    clock.now += 10
    assert sum(isinstance(limits.admit("a"), Ticket) for _ in range(5)) == 3


def test_named_callers_have_their_own_limits_and_unlimited_ones_pass() -> None:
    """A caller listed under limits.callers has its limits; the default applies to the rest."""
    limits = CallerLimits(
        LimitsSpec(
            default=CallerLimit(concurrent=1),
            callers={"batch": CallerLimit(), "tight": CallerLimit(per_second=0.5)},
        )
    )
    tickets = [limits.admit("batch") for _ in range(100)]
    assert all(isinstance(ticket, Ticket) for ticket in tickets)
    assert isinstance(limits.admit("tight"), Ticket)
    assert isinstance(limits.admit("tight"), Refusal)
    assert isinstance(limits.admit("other"), Ticket)
    assert isinstance(limits.admit("other"), Refusal)


def test_idle_callers_are_forgotten_past_the_bound() -> None:
    """At most `max_callers` callers are remembered; idle ones go first, busy ones stay."""
    limits = CallerLimits(LimitsSpec(default=CallerLimit(concurrent=1)), max_callers=2)
    busy = limits.admit("busy")
    assert isinstance(busy, Ticket)
    for index in range(50):
        ticket = limits.admit(f"peer-{index}")
        assert isinstance(ticket, Ticket)
        ticket.release()
    assert isinstance(limits.admit("busy"), Refusal)


def test_new_limits_apply_to_calls_that_start_after_a_reload() -> None:
    """A reload keeps calls in flight counted and shrinks buckets to their new burst."""
    clock = Clock()
    limits = CallerLimits(LimitsSpec(default=CallerLimit(per_second=1, burst=10)), clock=clock)
    assert isinstance(limits.admit("a"), Ticket)
    limits.update(LimitsSpec(default=CallerLimit(per_second=1, burst=1)))
    assert isinstance(limits.admit("a"), Ticket)
    assert isinstance(limits.admit("a"), Refusal)
