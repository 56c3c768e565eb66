"""Where each call goes: the upstreams of its model's route, or the one holding its state.

A `Router` holds the upstreams and routes of a routes file (reloaded when the
file changes), or the one upstream of a bridge without one (`Router.single`:
one catch-all route, nothing recorded, nothing ejected: the bridge behaves as
it always did). For each call, `plan` returns a `Plan`: the upstreams to try,
in order, with the model id each is asked for, and the call's attempt budget.

- A call naming a stored response or conversation goes to the upstream that
  holds it (`bridge.routing.affinity`): from the store, else found by a
  lookup (`GET /responses/{id}` or `/conversations/{id}` on every upstream
  with `lookup: true`, in parallel, with the upstreams' own keys: the first
  200 wins, 404 means not there). Such a call is bound: no fallback.
- A caller may pick an upstream by name (`x-bridge-upstream`) where the file
  allows it (`pickable`); a picked call is bound too.
- A call with a model goes to its route's upstreams; one without, unbound and
  unrecorded, to the default upstream.

While the servicer tries a plan's upstreams it reports each outcome
(`Plan.outcome`), which feeds outlier ejection (`bridge.routing.outlier`) and
says whether to fall back: only on a connect error, a timeout, a 429 (quota
included) or a 5xx, only while nothing reached the caller, only when the
call is not bound, and only within the attempt budget. The final failure
names every upstream tried and why it failed (`Plan.failure`).

On reload, calls in flight keep the plan they started with; the upstreams
a new file no longer names, or names differently, are closed once the last
call using them ends. A new file that cannot be used is logged and the
previous one kept.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

import grpc
import structlog

from bridge.errors import UpstreamError
from bridge.events import Normalize
from bridge.files import ReloadingFile
from bridge.routes import ROUTES, FieldError
from bridge.routing.affinity import AffinityStore, Key, Layered, MemoryAffinity
from bridge.routing.callers import CallerLimits, Refusal, Ticket
from bridge.routing.outlier import Outliers, counts_as_failure
from bridge.routing.routes_file import RoutesFile, RoutesFileError, UpstreamSpec
from bridge.routing.table import RouteTable
from bridge.telemetry import UpstreamTag
from bridge.upstream import AttemptBudget, Profile, UpstreamCall, UpstreamClient, UpstreamFailure

__all__ = [
    "PICK_KEY",
    "Candidate",
    "Plan",
    "Router",
    "RouterEvents",
    "RoutingError",
    "Upstream",
    "falls_back",
]

log = structlog.get_logger("bridge.routing")

#: The metadata key that picks an upstream by name, and that names the one that served.
PICK_KEY = "x-bridge-upstream"
# The longest list of routable models quoted in a model_not_found error.
_MAX_LISTED_BYTES = 1024
# The RPCs whose lookup finds each kind of stored object.
_LOOKUP_RPCS = {"response": "GetResponse", "conversation": "GetConversation"}
# The codes of attempts that produced no HTTP reply: connect errors and timeouts.
_TRANSPORT_CODES = frozenset({grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED})

MakeClient = Callable[[UpstreamSpec], UpstreamClient]


def falls_back(error: UpstreamError) -> bool:
    """Whether a failure is one another upstream may not have: a connect error, a
    timeout, a 429 (rate limit or quota) or a 5xx."""
    if error.http_status is not None:
        return error.http_status == 429 or error.http_status >= 500
    return error.code in _TRANSPORT_CODES


class RoutingError(Exception):
    """A call that cannot be routed: `error` is its status, `field` the request field
    or metadata key at fault (INVALID_ARGUMENT)."""

    def __init__(self, error: UpstreamError, field: str | None = None) -> None:
        super().__init__(error.message)
        self.error = error
        self.field = field


class RouterEvents(Protocol):
    """What the router reports to metrics."""

    def attempted(self, upstream: str, outcome: str) -> None:
        """An attempt at `upstream` ended: "ok", or what it failed with."""
        ...

    def changed(self, kind: str, upstream: str) -> None:
        """An upstream was "ejected", "returned" to service, or "kept" (see `Change`)."""
        ...

    def refused(self, limit: str) -> None:
        """A call was refused by its caller's `limit` ("concurrent", "per_second")."""
        ...


@dataclass(eq=False)
class Upstream:
    """One upstream as the router runs it: its client, profile and telemetry tag."""

    name: str
    client: UpstreamClient
    tag: UpstreamTag
    spec: UpstreamSpec | None = None
    leases: int = 0
    retired: bool = False
    # The profile's event normalization; None when it has nothing to do (most profiles),
    # so that their streams pay nothing per event.
    normalize: Normalize | None = field(init=False)

    def __post_init__(self) -> None:
        profile = self.client.profile
        self.normalize = profile.event if profile.response_aliases else None

    @property
    def profile(self) -> Profile:
        """How it differs from OpenAI's API."""
        return self.client.profile

    @property
    def lookup(self) -> bool:
        """Whether it is asked for ids whose upstream is unknown."""
        return self.spec is not None and self.spec.lookup


@dataclass(frozen=True, slots=True)
class Candidate:
    """One upstream a call may try, and the model id it is asked for there."""

    upstream: Upstream
    model: str | None = None

    def body(self, body: dict[str, Any]) -> dict[str, Any]:
        """`body` as this upstream is sent it: the model renamed where the route says."""
        if self.model is None or body.get("model") in (None, self.model):
            return body
        return {**body, "model": self.model}


class _Generation:
    """The upstreams and routes of one version of the routes file."""

    def __init__(
        self, file: RoutesFile | None, upstreams: dict[str, Upstream], default: Upstream
    ) -> None:
        self.file = file
        self.upstreams = upstreams
        self.default = default
        self.table = RouteTable(file.routes) if file is not None else None
        self.lookups = [u for u in upstreams.values() if u.lookup]


@dataclass
class Plan:
    """The upstreams one call tries, in order, and what happened at each.

    Iterating yields the candidates in turn, as the servicer reaches them:
    ejected upstreams are skipped (unless every one is ejected), and each
    yielded candidate takes one attempt from the budget first.
    """

    candidates: list[Candidate]
    # The HTTP attempts left to the call (None: its upstream's retry policy alone).
    attempts: AttemptBudget | None
    # Why the call may not fall back ("affinity", "pick"), or None.
    bound: str | None = None
    key: Key | None = None
    # Whether the reply creates an object whose upstream is recorded, and whether the
    # call deletes the object it names (whose record then goes).
    records: bool = False
    deletes: bool = False
    tried: list[tuple[str, str]] = field(default_factory=list)
    _router: Router | None = field(default=None, repr=False)
    _ticket: Ticket | None = field(default=None, repr=False)
    _next: int = 0

    def __iter__(self) -> Iterator[Candidate]:
        router = self._router
        outliers = router.outliers if router is not None and self.bound is None else None
        skipped: list[Candidate] = []
        yielded = False
        for index, candidate in enumerate(self.candidates):
            if outliers is not None and not outliers.admit(candidate.upstream.name):
                skipped.append(candidate)
                self.tried.append((candidate.upstream.name, "ejected: not tried"))
                continue
            if self.attempts is not None and not self.attempts.take():
                self.tried.append((candidate.upstream.name, "not tried: no attempt left"))
                return
            self._next = index + 1
            yielded = True
            yield candidate
        if not yielded:
            # Every upstream of the route is ejected (only a reload can do that): try them.
            for candidate in skipped:
                if self.attempts is not None and not self.attempts.take():
                    return
                yield candidate

    @property
    def fallback_left(self) -> bool:
        """Whether a failure of the current candidate may still be followed by another."""
        return (
            self.bound is None
            and self._next < len(self.candidates)
            and (self.attempts is None or self.attempts.left > 0)
        )

    def outcome(self, candidate: Candidate, error: UpstreamError | None, *, sent: bool) -> bool:
        """Note how an attempt at `candidate` ended (None: it served the call); whether the
        call should go on to the next candidate."""
        name = candidate.upstream.name
        router = self._router
        if router is not None:
            router.noted(name, error)
        if error is None:
            return False
        self.tried.append((name, _why(error)))
        return not sent and self.bound is None and falls_back(error)

    def failure(self, error: UpstreamError) -> UpstreamError:
        """The call's final failure: `error`, naming every upstream tried when it tried more
        than one (ErrorInfo metadata `upstreams_tried`, and `upstream_<name>` each)."""
        if len(self.tried) < 2:
            return error
        listed = "; ".join(f"{name}: {why}" for name, why in self.tried)
        metadata = {"upstreams_tried": ",".join(name for name, _ in self.tried)}
        metadata.update({f"upstream_{name}": why for name, why in self.tried})
        return dataclasses.replace(
            error,
            message=f"{error.message} (upstreams tried: {listed})",
            metadata=(*error.metadata, *metadata.items()),
        )

    async def settled(self, candidate: Candidate, reply: Mapping[str, Any]) -> None:
        """`candidate` served the call with `reply`: record where the object it created
        lives, or forget the one it deleted."""
        router = self._router
        store = router.store if router is not None else None
        if store is None:
            return
        if self.records:
            kind = reply.get("object")
            object_id = reply.get("id")
            if kind in _RECORDED and isinstance(object_id, str) and object_id:
                await store.put(Key(str(kind), object_id), candidate.upstream.name)
        elif self.deletes and self.key is not None:
            await store.forget(self.key)

    def created_soon(self, candidate: Candidate, response_id: str) -> None:
        """A stream through `candidate` created the response `response_id`: record it
        in the background (the stream goes on meanwhile)."""
        router = self._router
        store = router.store if router is not None else None
        if router is not None and store is not None and response_id:
            router.spawn(store.put(Key("response", response_id), candidate.upstream.name))

    def close(self) -> None:
        """The call ended: release its upstreams and its place in its caller's limits."""
        ticket, self._ticket = self._ticket, None
        if ticket is not None:
            ticket.release()
        router, self._router = self._router, None
        if router is not None:
            for candidate in self.candidates:
                router.release(candidate.upstream)


def _why(error: UpstreamError) -> str:
    """A short reason for an attempt's failure."""
    if error.http_status is not None:
        code = f" {error.error_code}" if error.error_code else ""
        return f"HTTP {error.http_status}{code}"
    return error.message.removeprefix("upstream ")


@dataclass(frozen=True, slots=True)
class Request:
    """What the router needs to know of a call.

    Attributes:
        rpc: the RPC's name.
        model: the request's model, if it names one.
        key: the stored object the call acts on, if any.
        picked: the upstream the caller picked (`x-bridge-upstream`), if any.
        deadline: the seconds the call has left.
    """

    rpc: str
    model: str | None = None
    key: Key | None = None
    picked: str | None = None
    deadline: float = 60.0


# The collections of stored objects, and the RPCs that create and delete them
# (whose records are then written, and dropped).
_COLLECTIONS = ("/responses", "/conversations")
_CREATES = frozenset(
    rpc for rpc, route in ROUTES.items() if route.method == "POST" and route.path in _COLLECTIONS
)
_DELETES = frozenset(
    rpc
    for rpc, route in ROUTES.items()
    if route.method == "DELETE"
    and len(route.path_fields) == 1
    and route.path.rpartition("/")[0] in _COLLECTIONS
)
# The `object` of a reply that is a stored object, which is its kind.
_RECORDED = frozenset({"response", "conversation"})


class Router:
    """The upstreams of a bridge and where each call goes.

    Usage::

        router = Router.from_file(path, defaults=options, env=os.environ,
                                  make_client=lambda spec: UpstreamClient(spec.options))
        plan = await router.plan(Request(rpc="CreateResponse", model="gpt-4.1"))
        try:
            for candidate in plan: ...
        finally:
            plan.close()
        await router.aclose()
    """

    def __init__(
        self,
        generation: _Generation,
        *,
        source: ReloadingFile[RoutesFile] | None = None,
        make_client: MakeClient | None = None,
        events: RouterEvents | None = None,
    ) -> None:
        self._generation = generation
        self._source = source
        self._make_client = make_client
        self.events = events
        file = generation.file
        self.store: AffinityStore | None = None
        self.outliers: Outliers | None = None
        self.limits: CallerLimits | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._retired: set[Upstream] = set()
        if file is not None:
            self.outliers = Outliers(file.ejection, _memberships(file))
            self.limits = None if file.limits.unlimited else CallerLimits(file.limits)
            memory = MemoryAffinity(file.affinity.max_entries, file.affinity.ttl_seconds)
            self.store = memory
            if file.affinity.redis is not None:
                from bridge.routing.redis_affinity import RedisAffinity

                self.store = Layered(
                    memory, RedisAffinity(file.affinity.redis, file.affinity.ttl_seconds)
                )

    @classmethod
    def single(cls, client: UpstreamClient) -> Router:
        """The router of a bridge without a routes file: every call to `client`."""
        upstream = Upstream(
            client.options.name, client, UpstreamTag.of(None, client.options.base_url)
        )
        return cls(_Generation(None, {upstream.name: upstream}, upstream))

    @classmethod
    def from_file(
        cls,
        path: str,
        *,
        parse: Callable[[bytes], RoutesFile],
        make_client: MakeClient,
        events: RouterEvents | None = None,
    ) -> Router:
        """The router of the routes file at `path`, parsed by `parse` (now and at each change).

        Raises:
            RoutesFileError: the file cannot be read or used; every problem listed.
        """
        try:
            with open(path, "rb") as handle:
                parse(handle.read())  # every problem at once, before a reload could hide them
            source = ReloadingFile([path], lambda files: parse(files[0]), what="BRIDGE_ROUTES_FILE")
            file, _ = source.get()
            assert file is not None  # kept-last-good sources always hold a value
            generation = _build(file, {}, make_client)
        except OSError as exc:
            raise RoutesFileError([f"cannot read {path}: {exc.strerror}"]) from None
        except RoutesFileError:
            raise
        except ValueError as exc:
            raise RoutesFileError([str(exc)]) from None
        try:
            return cls(generation, source=source, make_client=make_client, events=events)
        except ValueError as exc:
            for upstream in generation.upstreams.values():
                asyncio.get_running_loop().create_task(upstream.client.aclose())
            raise RoutesFileError([str(exc)]) from None

    @property
    def routed(self) -> bool:
        """Whether a routes file names the upstreams."""
        return self._generation.file is not None

    @property
    def caller_keys(self) -> bool:
        """Whether any upstream of the routes file takes callers' own keys."""
        return any(
            u.spec is not None and u.spec.caller_keys for u in self._generation.upstreams.values()
        )

    @property
    def default(self) -> Upstream:
        """The upstream of calls without a model, nor a recorded one."""
        return self._current().default

    def upstreams(self) -> Mapping[str, Upstream]:
        """The upstreams of the current routes file, by name."""
        return self._current().upstreams

    def _current(self) -> _Generation:
        source = self._source
        if source is not None:
            file, changed = source.get()
            if changed and file is not None:
                self._reload(file)
        return self._generation

    def _reload(self, file: RoutesFile) -> None:
        old = self._generation
        assert self._make_client is not None
        try:
            generation = _build(file, old.upstreams, self._make_client)
        except ValueError as exc:
            log.error("routes_reload_failed", error=str(exc), kept="the previous routes")
            return
        self._generation = generation
        kept = set(generation.upstreams.values())
        for upstream in old.upstreams.values():
            if upstream not in kept:
                upstream.retired = True
                self._retired.add(upstream)
                self.release(upstream, lease=False)
        if self.outliers is not None:
            self.outliers.set_routes(_memberships(file), file.ejection)
        if file.limits.unlimited:
            self.limits = None
        elif self.limits is None:
            self.limits = CallerLimits(file.limits)
        else:
            self.limits.update(file.limits)
        if isinstance(self.store, MemoryAffinity | Layered):
            memory = self.store if isinstance(self.store, MemoryAffinity) else self.store.memory
            memory.max_entries = file.affinity.max_entries
            memory.ttl = file.affinity.ttl_seconds
        log.info(
            "routes_reloaded",
            upstreams=sorted(generation.upstreams),
            routes=len(file.routes),
            closing=sorted(u.name for u in old.upstreams.values() if u not in kept),
        )

    def admit(self, caller: str) -> Ticket | Refusal | None:
        """A place for one call of `caller` in its limits, why it is refused, or None
        when no limit applies."""
        self._current()
        limits = self.limits
        if limits is None:
            return None
        admitted = limits.admit(caller)
        if isinstance(admitted, Refusal):
            log.info("caller_refused", caller=admitted.caller, limit=admitted.limit)
            if self.events is not None:
                self.events.refused(admitted.limit)
        return admitted

    async def plan(self, request: Request, ticket: Ticket | None = None) -> Plan:
        """The upstreams `request` goes to, in order; `ticket` (the call's place in its
        caller's limits) is the plan's to release, or released here when there is none.

        Raises:
            RoutingError: the caller picked an upstream it may not pick, or no route
                serves its model.
        """
        try:
            return await self._plan(request, ticket)
        except BaseException:
            if ticket is not None:
                ticket.release()
            raise

    async def _plan(self, request: Request, ticket: Ticket | None) -> Plan:
        generation = self._current()
        file = generation.file
        if file is None:
            return self._lease(Plan([Candidate(generation.default)], None), ticket)
        table = generation.table
        assert table is not None
        route = table.match(request.model) if request.model else None

        def plan(candidates: list[Candidate], bound: str | None = None) -> Plan:
            made = Plan(
                candidates,
                AttemptBudget(file.attempts),
                bound=bound,
                key=request.key,
                records=request.rpc in _CREATES and self.store is not None,
                deletes=request.rpc in _DELETES,
            )
            return self._lease(made, ticket)

        if request.picked:
            upstream = generation.upstreams.get(request.picked)
            if upstream is None or not _pickable(upstream):
                pickable = sorted(u.name for u in generation.upstreams.values() if _pickable(u))
                raise RoutingError(
                    UpstreamError(
                        grpc.StatusCode.INVALID_ARGUMENT,
                        f"{request.picked!r} is not an upstream callers may pick "
                        f"(pickable: {', '.join(pickable) or 'none'})",
                    ),
                    field=PICK_KEY,
                )
            return plan([_candidate(upstream, route)], bound="pick")
        if request.key is not None:
            holder = await self._holder(generation, request.key, request.deadline)
            if holder is not None:
                return plan([_candidate(holder, route)], bound="affinity")
        if not request.model:
            return plan([Candidate(generation.default)])
        if route is None:
            raise RoutingError(_no_route(request.model, table.names()))
        return plan(
            [
                Candidate(generation.upstreams[target.upstream], target.model)
                for target in table.order(route)
            ]
        )

    def _lease(self, plan: Plan, ticket: Ticket | None) -> Plan:
        plan._router = self
        plan._ticket = ticket
        for candidate in plan.candidates:
            candidate.upstream.leases += 1
        return plan

    def release(self, upstream: Upstream, *, lease: bool = True) -> None:
        """A call no longer uses `upstream`; a retired one is closed after its last call."""
        if lease:
            upstream.leases -= 1
        if upstream.retired and upstream.leases <= 0:
            upstream.retired = False
            self._retired.discard(upstream)
            log.info("upstream_closing", upstream=upstream.name)
            self.spawn(upstream.client.aclose())

    def spawn(self, work: Any) -> None:
        """Run `work` in the background, held until done."""
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def noted(self, name: str, error: UpstreamError | None) -> None:
        """An attempt at `name` ended (None: OK): feed ejection and metrics."""
        if self.events is not None:
            self.events.attempted(name, "ok" if error is None else _outcome(error))
        outliers = self.outliers
        if outliers is None:
            return
        change = outliers.record(name, failed=counts_as_failure(error))
        if change is None:
            return
        if change.kind == "ejected":
            log.warning(
                "upstream_ejected",
                upstream=change.upstream,
                seconds=change.seconds,
                ejections=change.ejections,
                consecutive_failures=change.failures,
            )
        elif change.kind == "returned":
            log.info("upstream_returned", upstream=change.upstream)
        else:
            log.warning(
                "upstream_not_ejected",
                upstream=change.upstream,
                consecutive_failures=change.failures,
                why=change.why,
            )
        if self.events is not None:
            self.events.changed(change.kind, change.upstream)

    def ejected(self) -> dict[str, float]:
        """The upstreams ejected now, with the seconds each has left."""
        return self.outliers.ejected() if self.outliers is not None else {}

    async def _holder(self, generation: _Generation, key: Key, deadline: float) -> Upstream | None:
        """The upstream holding `key`: recorded, else found by a lookup (then recorded)."""
        store = self.store
        if store is None:
            return None
        name = await store.get(key)
        if name is not None:
            found = generation.upstreams.get(name)
            if found is not None:
                return found
            log.info("affinity_upstream_gone", key=str(key), upstream=name)
        upstream = await self._lookup(generation, key, deadline)
        if upstream is not None:
            await store.put(key, upstream.name)
        return upstream

    async def _lookup(self, generation: _Generation, key: Key, deadline: float) -> Upstream | None:
        """Ask every upstream that stores objects for `key`, at once; the first to have it."""
        file = generation.file
        candidates = generation.lookups
        if file is None or not candidates:
            return None
        route = ROUTES[_LOOKUP_RPCS[key.kind]]
        field_name = route.path_fields[0]
        try:
            path = route.target(route.request(**{field_name: key.id})).path
        except FieldError:
            return None
        seconds = max(0.0, min(file.affinity.lookup_timeout_seconds, deadline))
        outcomes: dict[str, str] = {}

        async def ask(upstream: Upstream) -> Upstream | None:
            call = UpstreamCall("GET", path)
            try:
                async with upstream.client.exchange(call, AttemptBudget(0)) as reply:
                    status = reply.status
            except UpstreamFailure as failure:
                outcomes[upstream.name] = _why(failure.error)
                return None
            outcomes[upstream.name] = f"HTTP {status}"
            return upstream if status == 200 else None

        for upstream in candidates:
            upstream.leases += 1
        tasks = [asyncio.ensure_future(ask(upstream)) for upstream in candidates]
        found: Upstream | None = None
        try:
            pending = set(tasks)
            async with asyncio.timeout(seconds):
                while pending and found is None:
                    done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                    for task in done:
                        if found is None and task.result() is not None:
                            found = task.result()
        except TimeoutError:
            pass
        finally:
            for task in tasks:
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*tasks, return_exceptions=True)
            for upstream in candidates:
                self.release(upstream)
        log.info(
            "affinity_lookup",
            key=str(key),
            found=found.name if found is not None else None,
            asked={u.name: outcomes.get(u.name, "no answer in time") for u in candidates},
        )
        return found

    async def aclose(self) -> None:
        """Close every upstream's pool and the affinity store."""
        generation = self._generation
        for upstream in generation.upstreams.values():
            await upstream.client.aclose()
        if self.store is not None:
            await self.store.aclose()
        for upstream in self._retired:
            if upstream.retired:
                await upstream.client.aclose()
        for task in list(self._tasks):
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await task


def _pickable(upstream: Upstream) -> bool:
    return upstream.spec is not None and upstream.spec.pickable


def _candidate(upstream: Upstream, route: Any) -> Candidate:
    """`upstream` as a candidate, asked for the model id its entry of `route` gives."""
    if route is not None:
        for target in route.targets:
            if target.upstream == upstream.name:
                return Candidate(upstream, target.model)
    return Candidate(upstream)


def _memberships(file: RoutesFile) -> list[list[str]]:
    return [[target.upstream for target in route.targets] for route in file.routes]


def _outcome(error: UpstreamError) -> str:
    if error.http_status is not None:
        return str(error.http_status)
    return error.code.name.lower()


def _no_route(model: str, names: Sequence[str]) -> UpstreamError:
    listed: list[str] = []
    size = 0
    for name in names:
        size += len(name) + 2
        if size > _MAX_LISTED_BYTES:
            listed.append(f"and {len(names) - len(listed)} more")
            break
        listed.append(name)
    routes = ", ".join(listed)
    return UpstreamError(
        grpc.StatusCode.NOT_FOUND,
        f"no route serves the model {model!r}; routable: {routes}",
        error_code="model_not_found",
        param="model",
        metadata=(("model", model), ("routes", routes)),
    )


def _build(
    file: RoutesFile, previous: Mapping[str, Upstream], make_client: MakeClient
) -> _Generation:
    """The upstreams of `file`: those unchanged from `previous` kept as they are (their
    pools and their calls in flight), the others new.

    Raises:
        ValueError: an upstream's client cannot be made (its key file unreadable).
    """
    upstreams: dict[str, Upstream] = {}
    made: list[Upstream] = []
    try:
        for name, spec in file.upstreams.items():
            old = previous.get(name)
            if old is not None and old.spec == spec and not old.retired:
                upstreams[name] = old
                continue
            upstream = Upstream(
                name,
                make_client(spec),
                UpstreamTag.of(name, spec.options.base_url, spec.provider_name),
                spec,
            )
            made.append(upstream)
            upstreams[name] = upstream
    except ValueError:
        for upstream in made:
            asyncio.get_running_loop().create_task(upstream.client.aclose())
        raise
    return _Generation(file, upstreams, upstreams[file.default_upstream])
