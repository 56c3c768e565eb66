"""Outlier ejection as Envoy's consecutive-5xx detection: what counts, how long an ejection
lasts, probing, and the upstreams that are never ejected."""

from __future__ import annotations

import grpc
import pytest

from bridge import errors
from bridge.routing.outlier import Change, Outliers, counts_as_failure
from bridge.routing.routes_file import EjectionSpec
from tests.routing.helpers import Clock

SPEC = EjectionSpec(consecutive_failures=3, base_seconds=10, max_seconds=25, interval_seconds=5)


def fail(outliers: Outliers, name: str, times: int) -> list[Change]:
    changes = [outliers.record(name, failed=True) for _ in range(times)]
    return [change for change in changes if change is not None]


@pytest.mark.parametrize(
    ("error", "counts"),
    [
        (None, False),
        (errors.from_http(500, b""), True),
        (errors.from_http(503, b""), True),
        (errors.from_http(429, b""), False),
        (errors.from_http(400, b""), False),
        (errors.from_http(404, b""), False),
        (errors.connection_failed("ConnectError: refused"), True),
        (errors.timed_out("first event", 1), True),
        (errors.unreadable("bad gzip"), False),
        (errors.UpstreamError(grpc.StatusCode.CANCELLED, "cancelled"), False),
    ],
    ids=["ok", "500", "503", "429", "400", "404", "connect", "timeout", "unreadable", "cancel"],
)
def test_connect_errors_timeouts_and_5xx_count_other_outcomes_do_not(
    error: errors.UpstreamError | None, counts: bool
) -> None:
    """Only an upstream's own failure counts: a 5xx, a connect error, a timeout."""
    assert counts_as_failure(error) is counts


def test_consecutive_failures_eject_and_a_success_resets_the_count() -> None:
    """N failures in a row eject; a success in between starts the count again."""
    clock = Clock(1000.0)
    outliers = Outliers(SPEC, [["a", "b"]], clock=clock)
    assert fail(outliers, "a", 2) == []
    assert outliers.record("a", failed=False) is None
    assert fail(outliers, "a", 2) == []
    (change,) = fail(outliers, "a", 1)
    assert change == Change("ejected", "a", 10.0, 1, 3)
    assert not outliers.admit("a")
    assert outliers.ejected() == {"a": 10.0}
    assert outliers.admit("b")


def test_an_ejection_ends_with_a_probe_that_returns_or_ejects_for_longer() -> None:
    """After its time the upstream is tried again: a failure ejects it at once for base
    times the number of ejections (at most max), a success returns it."""
    clock = Clock(1000.0)
    outliers = Outliers(SPEC, [["a", "b"]], clock=clock)
    fail(outliers, "a", 3)
    clock.now += 9.9
    assert not outliers.admit("a")
    clock.now += 0.1
    assert outliers.admit("a")
    (change,) = fail(outliers, "a", 1)
    assert (change.kind, change.seconds, change.ejections) == ("ejected", 20.0, 2)
    clock.now += 20
    assert outliers.admit("a")
    (change,) = fail(outliers, "a", 1)
    assert (change.kind, change.seconds, change.ejections) == ("ejected", 25.0, 3)
    clock.now += 25
    assert outliers.admit("a")
    assert outliers.record("a", failed=False) == Change("returned", "a", ejections=3)
    assert outliers.ejected() == {}
    assert fail(outliers, "a", 2) == []


def test_a_healthy_upstream_earns_its_short_ejections_back() -> None:
    """The ejection count drops by one per interval of health, so a later ejection is
    short again."""
    clock = Clock(1000.0)
    outliers = Outliers(SPEC, [["a", "b"]], clock=clock)
    fail(outliers, "a", 3)
    clock.now += 10
    outliers.admit("a")
    outliers.record("a", failed=True)  # ejected for 20 s, twice so far
    clock.now += 20
    outliers.admit("a")
    outliers.record("a", failed=False)
    clock.now += 2 * SPEC.interval_seconds
    (change,) = fail(outliers, "a", 3)
    assert (change.seconds, change.ejections) == (10.0, 1)


def test_the_last_upstream_of_a_route_is_never_ejected() -> None:
    """An upstream whose route has no other upstream in service stays, and says why once."""
    clock = Clock(1000.0)
    outliers = Outliers(SPEC, [["a", "b"], ["c"]], clock=clock)
    fail(outliers, "a", 3)
    changes = fail(outliers, "b", 6)
    assert [change.kind for change in changes] == ["kept"]
    assert "a" in changes[0].why
    assert outliers.admit("b")
    (kept,) = fail(outliers, "c", 3)
    assert kept.kind == "kept" and kept.why == "the only upstream of a route"
    clock.now += 10
    assert outliers.admit("a")
    outliers.record("a", failed=False)
    (change,) = fail(outliers, "b", 1)
    assert change.kind == "ejected"


def test_no_more_than_max_percent_are_ejected_but_always_one() -> None:
    """max_percent bounds the upstreams out at once; the first ejection always happens."""
    outliers = Outliers(
        EjectionSpec(consecutive_failures=1, max_percent=10),
        [["a", "b", "c", "d"]],
        clock=Clock(1000.0),
    )
    assert [c.kind for c in fail(outliers, "a", 1)] == ["ejected"]
    (kept,) = fail(outliers, "b", 1)
    assert kept.kind == "kept" and "max_percent" in kept.why


def test_outcomes_during_an_ejection_and_of_unknown_upstreams_change_nothing() -> None:
    """A call that started before the ejection reports into nothing; so do upstreams no
    route names, and everything when ejection is off."""
    clock = Clock(1000.0)
    outliers = Outliers(SPEC, [["a", "b"]], clock=clock)
    fail(outliers, "a", 3)
    assert fail(outliers, "a", 5) == []
    assert outliers.record("a", failed=False) is None
    assert fail(outliers, "zzz", 5) == []
    off = Outliers(EjectionSpec(enabled=False, consecutive_failures=1), [["a", "b"]])
    assert fail(off, "a", 3) == []


def test_a_reload_keeps_the_state_of_the_upstreams_it_keeps() -> None:
    """New routes keep an ejected upstream ejected, and drop those no longer named."""
    clock = Clock(1000.0)
    outliers = Outliers(SPEC, [["a", "b"]], clock=clock)
    fail(outliers, "a", 3)
    outliers.set_routes([["a", "c"]])
    assert not outliers.admit("a")
    assert outliers.ejected() == {"a": 10.0}
    outliers.set_routes([["c"]])
    assert outliers.ejected() == {}
