"""One bridge, several upstreams: routes by model, fallback, ejection, affinity, caller limits.

A routes file (`BRIDGE_ROUTES_FILE`, `bridge.routing.routes_file`) names the
upstreams and maps each model to an ordered list of them. The `Router`
(`bridge.routing.router`) plans each call: the route of its model
(`bridge.routing.table`), the upstream that holds the response or
conversation it names (`bridge.routing.affinity`, shared by replicas through
`bridge.routing.redis_affinity`), or the one the caller picked; it falls back
to the next upstream of a route on failures before anything reached the
caller, ejects upstreams that keep failing (`bridge.routing.outlier`), and
holds each caller within its limits (`bridge.routing.callers`). Without a
routes file, `Router.single` keeps one upstream and changes nothing.

The decisions are pure (tables, weights, ejection, limits, keys); I/O is at
the edges: the upstream clients, the lookups, Redis.
"""

from bridge.routing.affinity import AffinityStore, Key, Layered, MemoryAffinity, affinity_key
from bridge.routing.callers import CallerLimits, Refusal, Ticket, caller_of
from bridge.routing.outlier import Change, Outliers, counts_as_failure
from bridge.routing.router import (
    PICK_KEY,
    Candidate,
    Plan,
    Request,
    Router,
    RouterEvents,
    RoutingError,
    Upstream,
    falls_back,
)
from bridge.routing.routes_file import RoutesFile, RoutesFileError, UpstreamSpec, parse_routes
from bridge.routing.table import RouteTable, SmoothWeights

__all__ = [
    "PICK_KEY",
    "AffinityStore",
    "CallerLimits",
    "Candidate",
    "Change",
    "Key",
    "Layered",
    "MemoryAffinity",
    "Outliers",
    "Plan",
    "Refusal",
    "Request",
    "RouteTable",
    "Router",
    "RouterEvents",
    "RoutesFile",
    "RoutesFileError",
    "RoutingError",
    "SmoothWeights",
    "Ticket",
    "Upstream",
    "UpstreamSpec",
    "affinity_key",
    "caller_of",
    "counts_as_failure",
    "falls_back",
    "parse_routes",
]
