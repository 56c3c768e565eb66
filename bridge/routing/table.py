"""Which route serves a model, and in what order its upstreams are tried.

Pure. A model's route is the one whose name it is; else the first pattern,
in file order, that matches it (`*` matches any run of characters); else the
catch-all `*`, which is last. A route's upstreams are tried in the file's
order, unless they carry weights: then each call's first upstream is chosen by
smooth weighted round-robin (nginx's: over any run of calls as long as the
weights' sum, each upstream is first exactly its weight's share of them, in a
sequence that depends on nothing but the calls so far: deterministic, in tests
as in production), and the others follow in file order as fallbacks.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bridge.routing.routes_file import RouteSpec, Target

__all__ = ["RouteTable", "SmoothWeights"]

# Distinct model names whose route is remembered (callers send few).
_CACHE_SIZE = 1024


class SmoothWeights:
    """Smooth weighted round-robin over indexes 0..n-1.

    Usage::

        pick = SmoothWeights([9, 1])
        [pick.next() for _ in range(10)]   # nine 0s and one 1, interleaved
    """

    __slots__ = ("_current", "_total", "_weights")

    def __init__(self, weights: Sequence[int]) -> None:
        self._weights = tuple(weights)
        self._total = sum(self._weights)
        self._current = [0] * len(self._weights)

    def next(self) -> int:
        """The index chosen for the next call."""
        current = self._current
        best = 0
        for index, weight in enumerate(self._weights):
            current[index] += weight
            if current[index] > current[best]:
                best = index
        current[best] -= self._total
        return best


class RouteTable:
    """The routes of a routes file, matched against models.

    Usage::

        table = RouteTable(routes_file.routes)
        route = table.match("deepseek-chat")     # None: no route serves it
        for target in table.order(route): ...
    """

    def __init__(self, routes: Sequence[RouteSpec]) -> None:
        self.routes = tuple(routes)
        self._exact = {route.model: route for route in routes if not route.pattern}
        self._patterns = [(_compile(route.model), route) for route in routes if route.pattern]
        self._weights = {
            id(route): SmoothWeights([target.weight or 0 for target in route.targets])
            for route in routes
            if route.weighted
        }
        self._cache: dict[str, RouteSpec | None] = {}

    def match(self, model: str) -> RouteSpec | None:
        """The route of `model`: its exact name, else the first matching pattern."""
        try:
            return self._cache[model]
        except KeyError:
            pass
        found = self._exact.get(model)
        if found is None:
            for pattern, route in self._patterns:
                if pattern.fullmatch(model):
                    found = route
                    break
        if len(self._cache) < _CACHE_SIZE:
            self._cache[model] = found
        return found

    def order(self, route: RouteSpec) -> list[Target]:
        """The route's upstreams in the order this call tries them."""
        targets = list(route.targets)
        picker = self._weights.get(id(route))
        if picker is not None:
            targets.insert(0, targets.pop(picker.next()))
        return targets

    def names(self) -> list[str]:
        """Every routable model name and pattern, in file order."""
        return [route.model for route in self.routes]


def _compile(pattern: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in pattern.split("*")), re.DOTALL)
