"""Lanes: first-in first-out per lane, lanes at once, the default lane, the lane limit."""

from __future__ import annotations

import pytest

from bridge.session.lanes import DEFAULT_LANE, Admission, Lanes


def test_a_free_lane_starts_and_a_busy_one_queues_in_order() -> None:
    """The first create of a lane starts; later ones wait and come out in the order sent."""
    lanes: Lanes[str] = Lanes(max_lanes=4)
    assert lanes.submit("a", "a1") is Admission.START
    assert lanes.submit("a", "a2") is Admission.QUEUED
    assert lanes.submit("a", "a3") is Admission.QUEUED
    assert lanes.queued == 2
    assert lanes.finish("a") == "a2"
    assert lanes.finish("a") == "a3"
    assert lanes.finish("a") is None
    assert lanes.idle and lanes.queued == 0


def test_different_lanes_run_at_once() -> None:
    """Creates on different lanes (the default lane among them) all start."""
    lanes: Lanes[str] = Lanes(max_lanes=3)
    results = [lanes.submit(lane, lane) for lane in ("a", "b", DEFAULT_LANE)]
    assert results == [Admission.START] * 3
    assert lanes.in_flight == 3
    assert lanes.busy("b") and lanes.busy(DEFAULT_LANE)


def test_a_lane_past_the_limit_is_refused_and_changes_nothing() -> None:
    """A create that would open one lane too many is refused; one on an existing lane
    queues; once a lane ends, a new one may open."""
    lanes: Lanes[str] = Lanes(max_lanes=2)
    lanes.submit("a", "a1")
    lanes.submit("b", "b1")
    assert lanes.submit("c", "c1") is Admission.REFUSED
    assert not lanes.busy("c") and lanes.in_flight == 2
    assert lanes.submit("a", "a2") is Admission.QUEUED
    assert lanes.finish("b") is None
    assert lanes.submit("c", "c1") is Admission.START


def test_withdraw_takes_the_waiting_creates_only() -> None:
    """Withdrawing returns every waiting create, each lane's in order; those in flight stay."""
    lanes: Lanes[str] = Lanes(max_lanes=2)
    for lane, item in (("a", "a1"), ("a", "a2"), ("b", "b1"), ("a", "a3"), ("b", "b2")):
        lanes.submit(lane, item)
    assert lanes.withdraw() == [("a", "a2"), ("a", "a3"), ("b", "b2")]
    assert lanes.queued == 0 and lanes.in_flight == 2
    assert lanes.finish("a") is None and lanes.finish("b") is None
    assert lanes.idle


def test_a_lane_limit_below_one_is_refused() -> None:
    """A session needs at least one lane."""
    with pytest.raises(ValueError, match="at least 1"):
        Lanes(max_lanes=0)
