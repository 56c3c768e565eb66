"""Which route serves a model (exact names before patterns, patterns in file order, the
catch-all last) and the order of a route's upstreams (file order, or weights first)."""

from __future__ import annotations

from collections import Counter

import pytest

from bridge.routing.routes_file import RouteSpec, Target
from bridge.routing.table import RouteTable, SmoothWeights


def route(model: str, *upstreams: str | tuple[str, int]) -> RouteSpec:
    targets = tuple(
        Target(u) if isinstance(u, str) else Target(u[0], weight=u[1]) for u in upstreams
    )
    return RouteSpec(model, targets)


TABLE = RouteTable(
    [
        route("deepseek-*", "patterns-first"),
        route("deepseek-chat", "exact"),
        route("deep*", "later-pattern"),
        route("*-mini", "suffix"),
        route("gpt-*-turbo", "middle"),
        route("*", "catch-all"),
    ]
)


@pytest.mark.parametrize(
    ("model", "upstream"),
    [
        ("deepseek-chat", "exact"),
        ("deepseek-reasoner", "patterns-first"),
        ("deepmind", "later-pattern"),
        ("gpt-4.1-mini", "suffix"),
        ("gpt-4-turbo", "middle"),
        ("gpt-4", "catch-all"),
        ("deepseek-*", "patterns-first"),
        ("", "catch-all"),
    ],
)
def test_exact_names_beat_patterns_and_patterns_match_in_file_order(
    model: str, upstream: str
) -> None:
    """A model's exact route wins over any pattern; else the first pattern in file order
    that matches all of it; the catch-all takes the rest."""
    found = TABLE.match(model)
    assert found is not None and found.targets[0].upstream == upstream


def test_a_model_no_route_matches_has_none() -> None:
    """Without a catch-all, an unmatched model has no route; patterns match whole names."""
    table = RouteTable([route("gpt-*", "a"), route("o3", "b")])
    assert table.match("claude") is None
    assert table.match("my-gpt-4") is None
    assert table.match("o3-mini") is None
    assert table.names() == ["gpt-*", "o3"]


def test_patterns_hold_no_regular_expression() -> None:
    """Only `*` is special: dots, brackets and the like match themselves."""
    table = RouteTable([route("gpt-4.1[x]", "a"), route("a.b*", "b")])
    assert table.match("gpt-4.1[x]") is not None
    assert table.match("gpt-441x") is None
    assert table.match("aXb") is None
    assert table.match("a.b-c") is not None


def test_an_unweighted_route_is_tried_in_file_order() -> None:
    """Without weights, every call tries the upstreams as the file lists them."""
    table = RouteTable([route("m", "a", "b", "c")])
    spec = table.match("m")
    assert spec is not None
    for _ in range(3):
        assert [t.upstream for t in table.order(spec)] == ["a", "b", "c"]


def test_weights_choose_the_first_upstream_in_exact_proportion() -> None:
    """Over any run of calls as long as the weights' sum, each upstream is first exactly
    its weight's share of them, the same way on every run; the rest follow in file order."""
    table = RouteTable([route("m", ("a", 3), ("b", 1), ("c", 0))])
    spec = table.match("m")
    assert spec is not None
    orders = [[t.upstream for t in table.order(spec)] for _ in range(40)]
    for start in range(0, 40, 4):
        window = Counter(order[0] for order in orders[start : start + 4])
        assert window == {"a": 3, "b": 1}
    assert ["b", "a", "c"] in orders and ["a", "b", "c"] in orders
    again = RouteTable([route("m", ("a", 3), ("b", 1), ("c", 0))])
    spec_again = again.match("m")
    assert spec_again is not None
    assert [[t.upstream for t in again.order(spec_again)] for _ in range(40)] == orders


def test_smooth_weights_interleave() -> None:
    """Smooth weighted round-robin spreads the heavier choice instead of bunching it."""
    picker = SmoothWeights([5, 1, 1])
    assert [picker.next() for _ in range(7)] == [0, 0, 1, 0, 2, 0, 0]
