"""The routes file: several upstreams, and which of them serve each model.

Pure but for what a file names: `parse_routes` reads the YAML text of a routes
file (`BRIDGE_ROUTES_FILE`) with the process's environment and the settings'
upstream defaults, validates every part of it, and returns one immutable
`RoutesFile`, or raises `RoutesFileError` listing every problem at once, each
prefixed with where it is (``upstreams.openai.base_url: ...``). Files it names
(key files, CA bundles, header files) must exist.

Layout (docs/several-providers.md is the guide)::

    upstreams:                      # name -> everything one upstream needs
      openai:
        base_url: https://api.openai.com/v1
        profile: openai             # a built-in profile or a JSON file
        api_key: {env: OPENAI_API_KEY}    # or {file: /var/run/secrets/openai/key}
        caller_keys: true           # callers may send x-upstream-api-key-openai
        pickable: true              # callers may pick it with x-bridge-upstream
        lookup: true                # probed for ids whose upstream is unknown
        forward_headers: [openai-organization, openai-project]
        headers: {x-team: search, x-tenant-key: {env: TENANT_KEY}}
        timeouts: {connect: 10, first_event: 300, read: 300}
        retries: 1
        retry_budget_percent: 20
        max_connections: 1000
        http2: false
        ca_bundle: /etc/provider-ca.pem
        proxy: http://proxy.internal:3128
        wire: auto                  # or http1, aiohttp, httpx (BRIDGE_UPSTREAM_WIRE)
        genai_provider_name: openai
    routes:                         # model -> ordered upstreams
      - model: gpt-4.1              # exact names beat patterns
        upstreams: [openai, {upstream: uniapi, model: openai/gpt-4.1}]
      - model: deepseek-*           # patterns match in file order
        upstreams: [{upstream: modelverse, weight: 9}, {upstream: dieyuyun, weight: 1}]
      - model: "*"                  # the catch-all, only last
        upstreams: [openai]
    default_upstream: openai        # calls without a model nor a known upstream
    attempts: 4                     # HTTP attempts per call: retries and fallbacks
    ejection: {consecutive_failures: 5, base_seconds: 30, max_seconds: 300, max_percent: 50}
    affinity: {ttl_seconds: 2592000, max_entries: 100000, lookup_timeout_seconds: 5,
               redis: {url: {env: REDIS_URL}}}
    limits:
      default: {concurrent: 64, per_second: 20, burst: 40}
      callers: {batch-jobs: {concurrent: 4, per_second: 1}}

A secret never sits in the file itself, which usually lives in a ConfigMap:
keys and credential headers come from an environment variable
(``{env: NAME}``) or a file re-read when rotated (``{file: PATH}``), and
every value read is registered for redaction, like a password in a proxy or
Redis URL.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar
from urllib.parse import urlsplit

import yaml

from bridge.config import HOP_BY_HOP_HEADERS, forward_header_names, http_url
from bridge.redact import SECRETS
from bridge.upstream.options import UpstreamOptions, wire_problem
from bridge.upstream.profiles import OPENAI, load_profile

__all__ = [
    "NAME_PATTERN",
    "AffinitySpec",
    "CallerLimit",
    "EjectionSpec",
    "LimitsSpec",
    "RedisSpec",
    "RouteSpec",
    "RoutesFile",
    "RoutesFileError",
    "Target",
    "UpstreamSpec",
    "parse_routes",
]

# An upstream's name: it ends metadata keys (x-upstream-api-key-<name>) and
# metric attributes, so it is what both accept.
NAME_PATTERN = re.compile(r"[a-z][a-z0-9_-]{0,62}")
# A model pattern: any characters, `*` matching any run of them.
_WILDCARD = "*"

# Headers an upstream's `headers` may not set, and why.
_RESERVED_HEADERS: Mapping[str, str] = {
    **dict.fromkeys(HOP_BY_HOP_HEADERS, "a hop-by-hop header"),
    "content-length": "the body's framing is the bridge's",
    "content-encoding": "the body's framing is the bridge's",
    "content-type": "the body's format is the bridge's",
    "accept-encoding": "the body's framing is the bridge's",
    "host": "the upstream's address is its base_url",
    "authorization": "the upstream's key is api_key",
}
# Headers that carry credentials: only from {env: ...} or {file: ...}.
_CREDENTIAL_HEADERS = frozenset(
    {"api-key", "x-api-key", "proxy-authorization", "cookie", "x-goog-api-key"}
)


class RoutesFileError(ValueError):
    """A routes file that cannot be used; `problems` lists every reason."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class UpstreamSpec:
    """One upstream of the file.

    Attributes:
        name: its name in the file, metadata, logs and metrics.
        options: how the upstream side reaches it.
        caller_keys: whether a caller's own key (`x-upstream-api-key-<name>`) is used.
        pickable: whether a caller may pick it by name (`x-bridge-upstream`).
        lookup: whether it is asked for ids whose upstream is not recorded.
        provider_name: gen_ai.provider.name of its spans and metrics (None: the setting's).
    """

    name: str
    options: UpstreamOptions
    caller_keys: bool = False
    pickable: bool = False
    lookup: bool = True
    provider_name: str | None = None


@dataclass(frozen=True)
class Target:
    """One upstream of a route: its name, the model id it is asked for, its weight.

    Attributes:
        upstream: the upstream's name.
        model: the model id sent to it instead of the caller's (None: the caller's).
        weight: its share of the route's first attempts (None: the route is ordered).
    """

    upstream: str
    model: str | None = None
    weight: int | None = None


@dataclass(frozen=True)
class RouteSpec:
    """A model name or pattern and the upstreams that serve it, in order."""

    model: str
    targets: tuple[Target, ...]

    @property
    def pattern(self) -> bool:
        """Whether `model` is a pattern (holds `*`) rather than one name."""
        return _WILDCARD in self.model

    @property
    def weighted(self) -> bool:
        """Whether the first attempt is shared by weight."""
        return any(target.weight is not None for target in self.targets)


@dataclass(frozen=True)
class EjectionSpec:
    """Outlier ejection, as Envoy's consecutive-5xx detection (see `bridge.routing.outlier`).

    Attributes:
        enabled: whether failing upstreams are ejected at all.
        consecutive_failures: connect errors, timeouts and 5xx in a row that eject.
        base_seconds: the first ejection's length; the n-th lasts n times as long.
        max_seconds: the longest ejection.
        max_percent: the most upstreams ejected at once, as a share of all (one always may).
        interval_seconds: a healthy upstream's ejection count drops by one per interval.
    """

    enabled: bool = True
    consecutive_failures: int = 5
    base_seconds: float = 30.0
    max_seconds: float = 300.0
    max_percent: float = 50.0
    interval_seconds: float = 10.0


@dataclass(frozen=True)
class RedisSpec:
    """A Redis server shared by replicas for response affinity.

    Attributes:
        url: redis://, rediss:// or unix:// URL (its password registered as a secret).
        key_prefix: prepended to every key.
        timeout_seconds: the longest one Redis command may take before it counts as missing.
    """

    url: str = field(repr=False)
    key_prefix: str = "rbridge:affinity:"
    timeout_seconds: float = 0.5


@dataclass(frozen=True)
class AffinitySpec:
    """Where the upstream of each response and conversation is recorded.

    Attributes:
        ttl_seconds: how long a record is kept.
        max_entries: the most records held in memory (the least recently used go first).
        lookup_timeout_seconds: the longest a lookup of an unrecorded id may take.
        redis: the Redis server shared by replicas, if any.
    """

    ttl_seconds: float = 30 * 86400.0
    max_entries: int = 100_000
    lookup_timeout_seconds: float = 5.0
    redis: RedisSpec | None = None


@dataclass(frozen=True)
class CallerLimit:
    """One caller's limits (None: unlimited).

    Attributes:
        concurrent: calls in flight at once.
        per_second: calls started per second, on average.
        burst: calls that may start at once after a quiet period.
    """

    concurrent: int | None = None
    per_second: float | None = None
    burst: int | None = None

    @property
    def unlimited(self) -> bool:
        """Whether neither limit applies."""
        return self.concurrent is None and self.per_second is None


@dataclass(frozen=True)
class LimitsSpec:
    """Per-caller limits: every caller's default, and named callers' own."""

    default: CallerLimit = field(default_factory=CallerLimit)
    callers: Mapping[str, CallerLimit] = field(default_factory=dict)

    def of(self, caller: str) -> CallerLimit:
        """The limits of `caller`."""
        return self.callers.get(caller, self.default)

    @property
    def unlimited(self) -> bool:
        """Whether no caller has any limit."""
        return self.default.unlimited and all(c.unlimited for c in self.callers.values())


@dataclass(frozen=True)
class RoutesFile:
    """A validated routes file."""

    upstreams: Mapping[str, UpstreamSpec]
    routes: tuple[RouteSpec, ...]
    default_upstream: str
    attempts: int = 4
    ejection: EjectionSpec = field(default_factory=EjectionSpec)
    affinity: AffinitySpec = field(default_factory=AffinitySpec)
    limits: LimitsSpec = field(default_factory=LimitsSpec)

    def describe(self) -> list[str]:
        """What the file says, in lines a person reads (no secret in them)."""
        lines = ["upstreams:"]
        width = max(len(name) for name in self.upstreams)
        for name, spec in self.upstreams.items():
            options = spec.options
            if options.api_key_file:
                key = f"key from {options.api_key_file}"
            else:
                key = "key from the environment" if options.api_key else "no key"
            traits = [
                trait
                for trait, on in (
                    (f"callers' keys ({options.caller_key_header})", spec.caller_keys),
                    ("pickable", spec.pickable),
                    ("no lookups", not spec.lookup),
                )
                if on
            ]
            lines.append(
                f"  {name:<{width}}  {options.base_url}  profile {options.profile.name}, "
                + ", ".join([key, *traits])
            )
        lines.append("routes (a model's exact name first, else the first pattern that matches):")
        width = max(len(route.model) for route in self.routes)
        for route in self.routes:
            targets = []
            for target in route.targets:
                text = target.upstream
                if target.model:
                    text += f" as {target.model}"
                if target.weight is not None:
                    text += f" {target.weight}"
                targets.append(text)
            listed = (
                "first by weight: " + ", ".join(targets)
                if route.weighted
                else ", then ".join(targets)
            )
            lines.append(f"  {route.model:<{width}}  {listed}")
        ejection = self.ejection
        lines.append(f"default upstream: {self.default_upstream}")
        lines.append(f"attempts per call: {self.attempts}")
        lines.append(
            f"ejection: after {ejection.consecutive_failures} failures in a row, "
            f"{ejection.base_seconds:g} s growing to {ejection.max_seconds:g} s"
            if ejection.enabled
            else "ejection: off"
        )
        affinity = self.affinity
        where = "memory and Redis" if affinity.redis is not None else "memory"
        ttl = affinity.ttl_seconds
        kept = f"{ttl / 86400:g} days" if ttl >= 86400 else f"{ttl:g} s"
        lines.append(
            f"affinity: in {where}, {affinity.max_entries} records kept {kept}; "
            f"lookups within {affinity.lookup_timeout_seconds:g} s"
        )
        if self.limits.unlimited:
            lines.append("caller limits: none")
        else:
            lines.append(f"caller limits: {_limit_text(self.limits.default)} by default")
            lines += [
                f"  {caller}: {_limit_text(limit)}" for caller, limit in self.limits.callers.items()
            ]
        return lines


def _limit_text(limit: CallerLimit) -> str:
    parts = []
    if limit.concurrent is not None:
        parts.append(f"{limit.concurrent} in flight")
    if limit.per_second is not None:
        burst = f", bursts of {limit.burst}" if limit.burst is not None else ""
        parts.append(f"{limit.per_second:g} per second{burst}")
    return ", ".join(parts) or "unlimited"


# -- reading ------------------------------------------------------------------------------


T = TypeVar("T")


class _Reader:
    """Collects problems while reading nested YAML values, each with its path."""

    def __init__(self, env: Mapping[str, str]) -> None:
        self.env = env
        self.problems: list[str] = []
        self.secrets: list[str] = []

    def fail(self, where: str, why: str) -> None:
        self.problems.append(f"{where}: {why}")

    def mapping(self, value: Any, where: str, known: tuple[str, ...]) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(where, f"expected a mapping, got {_kind(value)}")
            return {}
        for key in value:
            if not isinstance(key, str) or key not in known:
                self.fail(where, f"unknown key {key!r} (known: {', '.join(known)})")
        return {k: v for k, v in value.items() if isinstance(k, str) and k in known}

    def typed(
        self,
        data: Mapping[str, Any],
        key: str,
        where: str,
        parse: Callable[[Any], T],
        default: T,
    ) -> T:
        if key not in data or data[key] is None:
            return default
        try:
            return parse(data[key])
        except (TypeError, ValueError) as exc:
            self.fail(f"{where}.{key}", str(exc))
            return default

    def secret(self, value: Any, where: str) -> tuple[str | None, str]:
        """A secret as (value, "") from {env: NAME}, or (None, path) from {file: PATH}."""
        if isinstance(value, str):
            self.fail(
                where,
                "a secret never sits in the routes file: use {env: NAME} or {file: PATH}",
            )
            return None, ""
        before = len(self.problems)
        source = self.mapping(value, where, ("env", "file"))
        if len(source) != 1:
            if len(self.problems) == before:
                self.fail(where, "one of {env: NAME} or {file: PATH}")
            return None, ""
        kind, name = next(iter(source.items()))
        if not isinstance(name, str) or not name:
            self.fail(f"{where}.{kind}", "expected a non-empty string")
            return None, ""
        if kind == "file":
            if not os.path.isfile(name):
                self.fail(f"{where}.file", f"no such file: {name}")
            return None, name
        found = self.env.get(name, "")
        if not found:
            self.fail(f"{where}.env", f"the environment variable {name} is not set or empty")
            return None, ""
        self.secrets.append(found)
        return found, ""


_KINDS: Mapping[type, str] = {dict: "a mapping", list: "a list", str: "a string"}


def _kind(value: Any) -> str:
    return _KINDS.get(type(value), type(value).__name__)


def _positive(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {_kind(value)}")
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"must be > 0, got {value!r}")
    return float(value)


def _percent(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"expected a number, got {_kind(value)}")
    if not 0 <= value <= 100:
        raise ValueError(f"must be between 0 and 100, got {value!r}")
    return float(value)


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, got {_kind(value)}")
    if value < 0:
        raise ValueError(f"must be >= 0, got {value!r}")
    return value


def _at_least_one(value: Any) -> int:
    count = _count(value)
    if count < 1:
        raise ValueError(f"must be >= 1, got {value!r}")
    return count


def _boolean(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(f"expected true or false, got {_kind(value)}")
    return value


def _string(value: Any) -> str:
    if not isinstance(value, str) or not value:
        raise ValueError(f"expected a non-empty string, got {_kind(value)}")
    return value


_UPSTREAM_KEYS = (
    "base_url",
    "profile",
    "api_key",
    "caller_keys",
    "pickable",
    "lookup",
    "forward_headers",
    "headers",
    "timeouts",
    "retries",
    "retry_budget_percent",
    "max_connections",
    "http2",
    "ca_bundle",
    "proxy",
    "wire",
    "genai_provider_name",
)


def _upstream(
    reader: _Reader, name: str, data: Any, defaults: UpstreamOptions, caller_key_header: str
) -> UpstreamSpec | None:
    where = f"upstreams.{name}"
    if not NAME_PATTERN.fullmatch(name):
        reader.fail(
            where,
            "an upstream's name is lower-case letters, digits, '-' and '_', starting with a "
            "letter (it ends metadata keys such as x-upstream-api-key-<name>)",
        )
    before = len(reader.problems)
    values = reader.mapping(data, where, _UPSTREAM_KEYS)
    base_url = ""
    if "base_url" not in values:
        reader.fail(f"{where}.base_url", "required: the Responses API base URL")
    else:
        base_url = reader.typed(values, "base_url", where, _base_url, "")
    profile = reader.typed(values, "profile", where, load_profile, defaults.profile)
    api_key: str | None = None
    api_key_file = ""
    if "api_key" in values:
        api_key, api_key_file = reader.secret(values["api_key"], f"{where}.api_key")
    timeouts = reader.mapping(
        values.get("timeouts"), f"{where}.timeouts", ("connect", "first_event", "read")
    )
    forward = reader.typed(
        values, "forward_headers", where, _forward_headers, defaults.forward_headers
    )
    headers, header_files = _headers(reader, values.get("headers"), f"{where}.headers")
    ca_bundle = reader.typed(values, "ca_bundle", where, _string, defaults.ca_bundle)
    if ca_bundle and ca_bundle != defaults.ca_bundle and not os.path.isfile(ca_bundle):
        reader.fail(f"{where}.ca_bundle", f"no such file: {ca_bundle}")
    proxy = defaults.proxy
    if "proxy" in values:
        proxy = _proxy(reader, values["proxy"], f"{where}.proxy")
    caller_keys = reader.typed(values, "caller_keys", where, _boolean, False)
    here = f"{where}.timeouts"
    connect = reader.typed(timeouts, "connect", here, _positive, defaults.connect_timeout)
    first_event = reader.typed(
        timeouts, "first_event", here, _positive, defaults.first_event_timeout
    )
    read = reader.typed(timeouts, "read", here, _positive, defaults.read_timeout)
    retries = reader.typed(values, "retries", where, _count, defaults.max_retries)
    budget = reader.typed(
        values, "retry_budget_percent", where, _percent, defaults.retry_budget_percent
    )
    connections = reader.typed(values, "max_connections", where, _count, defaults.max_connections)
    http2 = reader.typed(values, "http2", where, _boolean, defaults.http2)
    given = len(reader.problems)
    wire = reader.typed(values, "wire", where, _wire, defaults.wire)
    problem = wire_problem(wire, http2=http2, proxy=proxy is not None)
    if problem is not None and len(reader.problems) == given:
        reader.fail(f"{where}.wire", problem)
    pickable = reader.typed(values, "pickable", where, _boolean, False)
    lookup = reader.typed(values, "lookup", where, _boolean, True)
    provider = reader.typed(values, "genai_provider_name", where, _string, None)
    if len(reader.problems) > before:
        return None
    options = dataclasses.replace(
        defaults,
        base_url=base_url,
        name=name,
        profile=profile,
        api_key=api_key,
        api_key_file=api_key_file,
        api_key_file_setting=f"{where}.api_key.file",
        caller_key_header=f"{caller_key_header}-{name}" if caller_keys else None,
        forward_headers=forward,
        headers=headers,
        header_files=header_files,
        connect_timeout=connect,
        first_event_timeout=first_event,
        read_timeout=read,
        max_retries=retries,
        retry_budget_percent=budget,
        max_connections=connections,
        http2=http2,
        ca_bundle=ca_bundle,
        proxy=proxy,
        wire=wire,
    )
    return UpstreamSpec(
        name=name,
        options=options,
        caller_keys=caller_keys,
        pickable=pickable,
        lookup=lookup,
        provider_name=provider,
    )


def _wire(value: Any) -> str:
    wire = _string(value)
    problem = wire_problem(wire, http2=False, proxy=False)
    if problem is not None:
        raise ValueError(problem)
    return wire


def _base_url(value: Any) -> str:
    url = http_url(_string(value))
    parts = urlsplit(url)
    if parts.username is not None or parts.password is not None:
        raise ValueError("credentials in the URL are not allowed: use api_key")
    return url


def _forward_headers(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("expected a list of metadata keys")
    return forward_header_names(",".join(value))


def _headers(
    reader: _Reader, value: Any, where: str
) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
    if value is None:
        return (), ()
    if not isinstance(value, dict):
        reader.fail(where, f"expected a mapping of header names to values, got {_kind(value)}")
        return (), ()
    headers: list[tuple[str, str]] = []
    files: list[tuple[str, str]] = []
    for raw_name, raw_value in value.items():
        name = str(raw_name).lower()
        here = f"{where}.{raw_name}"
        if not name.isascii() or not all(c.isalnum() or c in "-_." for c in name) or not name:
            reader.fail(here, "not a valid header name")
            continue
        if name in _RESERVED_HEADERS:
            reader.fail(here, f"cannot be set: {_RESERVED_HEADERS[name]}")
            continue
        if isinstance(raw_value, str | int | float) and not isinstance(raw_value, bool):
            if name in _CREDENTIAL_HEADERS:
                reader.secret(str(raw_value), here)
                continue
            text = str(raw_value)
            if not (text.isascii() and text.isprintable()):
                reader.fail(here, "a header value is printable ASCII")
                continue
            headers.append((name, text))
            continue
        secret, path = reader.secret(raw_value, here)
        if secret is not None:
            headers.append((name, secret))
        elif path:
            files.append((name, path))
    return tuple(headers), tuple(files)


def _proxy(reader: _Reader, value: Any, where: str) -> str | None:
    if isinstance(value, dict):
        url, _ = reader.secret(value, where)
        if url is None:
            if "file" in value:
                reader.fail(where, "a proxy URL comes from {env: NAME}")
            return None
    elif isinstance(value, str):
        url = value
    else:
        reader.fail(where, f"expected a URL or {{env: NAME}}, got {_kind(value)}")
        return None
    try:
        url = http_url(url)
    except ValueError as exc:
        reader.fail(where, str(exc))
        return None
    password = urlsplit(url).password
    if password:
        reader.secrets.append(password)
    return url


def _target(reader: _Reader, value: Any, where: str, names: Mapping[str, Any]) -> Target | None:
    if isinstance(value, str):
        value = {"upstream": value}
    data = reader.mapping(value, where, ("upstream", "model", "weight"))
    if not data:
        if isinstance(value, dict) and not value:
            reader.fail(where, "names no upstream")
        return None
    upstream = data.get("upstream")
    if not isinstance(upstream, str) or not upstream:
        reader.fail(f"{where}.upstream", "required: an upstream's name")
        return None
    if upstream not in names:
        reader.fail(
            f"{where}.upstream", f"no upstream named {upstream!r} (known: {', '.join(names)})"
        )
        return None
    model = reader.typed(data, "model", where, _string, None)
    weight = reader.typed(data, "weight", where, _count, None)
    return Target(upstream=upstream, model=model, weight=weight)


def _route(reader: _Reader, value: Any, where: str, names: Mapping[str, Any]) -> RouteSpec | None:
    data = reader.mapping(value, where, ("model", "upstreams"))
    model = data.get("model")
    if not isinstance(model, str) or not model:
        reader.fail(f"{where}.model", "required: a model name, a pattern with *, or *")
        return None
    listed = data.get("upstreams")
    if isinstance(listed, str):
        listed = [listed]
    if not isinstance(listed, list) or not listed:
        reader.fail(f"{where}.upstreams", "required: a list of one or more upstreams")
        return None
    targets = [
        target
        for index, item in enumerate(listed)
        if (target := _target(reader, item, f"{where}.upstreams[{index}]", names)) is not None
    ]
    if len(targets) != len(listed):
        return None
    seen = [target.upstream for target in targets]
    for name in sorted({n for n in seen if seen.count(n) > 1}):
        reader.fail(f"{where}.upstreams", f"{name!r} is listed twice")
    weights = [target.weight for target in targets]
    if any(w is not None for w in weights):
        if any(w is None for w in weights):
            reader.fail(f"{where}.upstreams", "give every upstream a weight, or none")
        elif not any(weights):
            reader.fail(f"{where}.upstreams", "at least one weight must be above 0")
    return RouteSpec(model=model, targets=tuple(targets))


def _routes(reader: _Reader, value: Any, names: Mapping[str, Any]) -> tuple[RouteSpec, ...]:
    if not isinstance(value, list) or not value:
        reader.fail("routes", "required: a list of routes ({model: ..., upstreams: [...]})")
        return ()
    routes: list[RouteSpec] = []
    seen: set[str] = set()
    for index, item in enumerate(value):
        where = f"routes[{index}]"
        route = _route(reader, item, where, names)
        model = item.get("model") if isinstance(item, dict) else None
        if isinstance(model, str) and model:
            if model in seen:
                reader.fail(f"{where}.model", f"{model!r} has a route already")
            seen.add(model)
            if model == _WILDCARD and index != len(value) - 1:
                reader.fail(f"{where}.model", "the catch-all '*' must be the last route")
        if route is not None:
            routes.append(route)
    return tuple(routes)


def _ejection(reader: _Reader, value: Any) -> EjectionSpec:
    where = "ejection"
    data = reader.mapping(
        value,
        where,
        (
            "enabled",
            "consecutive_failures",
            "base_seconds",
            "max_seconds",
            "max_percent",
            "interval_seconds",
        ),
    )
    spec = EjectionSpec()
    result = EjectionSpec(
        enabled=reader.typed(data, "enabled", where, _boolean, spec.enabled),
        consecutive_failures=reader.typed(
            data, "consecutive_failures", where, _at_least_one, spec.consecutive_failures
        ),
        base_seconds=reader.typed(data, "base_seconds", where, _positive, spec.base_seconds),
        max_seconds=reader.typed(data, "max_seconds", where, _positive, spec.max_seconds),
        max_percent=reader.typed(data, "max_percent", where, _percent, spec.max_percent),
        interval_seconds=reader.typed(
            data, "interval_seconds", where, _positive, spec.interval_seconds
        ),
    )
    if result.max_seconds < result.base_seconds:
        reader.fail(f"{where}.max_seconds", "must be at least base_seconds")
    return result


def _affinity(reader: _Reader, value: Any) -> AffinitySpec:
    where = "affinity"
    data = reader.mapping(
        value, where, ("ttl_seconds", "max_entries", "lookup_timeout_seconds", "redis")
    )
    spec = AffinitySpec()
    redis = None
    if data.get("redis") is not None:
        redis = _redis(reader, data["redis"], f"{where}.redis")
    return AffinitySpec(
        ttl_seconds=reader.typed(data, "ttl_seconds", where, _positive, spec.ttl_seconds),
        max_entries=reader.typed(data, "max_entries", where, _at_least_one, spec.max_entries),
        lookup_timeout_seconds=reader.typed(
            data, "lookup_timeout_seconds", where, _positive, spec.lookup_timeout_seconds
        ),
        redis=redis,
    )


def _redis(reader: _Reader, value: Any, where: str) -> RedisSpec | None:
    data = reader.mapping(value, where, ("url", "key_prefix", "timeout_seconds"))
    raw = data.get("url")
    if isinstance(raw, dict):
        url, _ = reader.secret(raw, f"{where}.url")
        if url is None and "file" in raw:
            reader.fail(f"{where}.url", "a Redis URL comes from {env: NAME}")
    elif isinstance(raw, str) and raw:
        url = raw
    else:
        reader.fail(f"{where}.url", "required: redis://host:port/db, or {env: NAME}")
        url = None
    if url is None:
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on an invalid port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("redis", "rediss", "unix"):
        reader.fail(f"{where}.url", "not a redis://, rediss:// or unix:// URL")
        return None
    if parts.password:
        reader.secrets.append(parts.password)
    spec = RedisSpec(url=url)
    return RedisSpec(
        url=url,
        key_prefix=reader.typed(data, "key_prefix", where, _string, spec.key_prefix),
        timeout_seconds=reader.typed(
            data, "timeout_seconds", where, _positive, spec.timeout_seconds
        ),
    )


def _limit(reader: _Reader, value: Any, where: str) -> CallerLimit:
    data = reader.mapping(value, where, ("concurrent", "per_second", "burst"))
    per_second = reader.typed(data, "per_second", where, _positive, None)
    burst = reader.typed(data, "burst", where, _at_least_one, None)
    if burst is not None and per_second is None:
        reader.fail(f"{where}.burst", "needs per_second")
    return CallerLimit(
        concurrent=reader.typed(data, "concurrent", where, _at_least_one, None),
        per_second=per_second,
        burst=burst,
    )


def _limits(reader: _Reader, value: Any) -> LimitsSpec:
    data = reader.mapping(value, "limits", ("default", "callers"))
    callers = data.get("callers") or {}
    if not isinstance(callers, dict):
        reader.fail("limits.callers", f"expected a mapping of caller names, got {_kind(callers)}")
        callers = {}
    return LimitsSpec(
        default=_limit(reader, data.get("default"), "limits.default"),
        callers={
            str(name): _limit(reader, limit, f"limits.callers.{name}")
            for name, limit in callers.items()
        },
    )


def parse_routes(
    text: bytes | str,
    *,
    defaults: UpstreamOptions,
    env: Mapping[str, str],
    caller_key_header: str = "x-upstream-api-key",
) -> RoutesFile:
    """The routes file whose YAML is `text`.

    Args:
        defaults: what an upstream has unless it says otherwise (the process's
            upstream settings); its base URL, key and profile are never inherited.
        env: the environment `{env: NAME}` values are read from.
        caller_key_header: the metadata key of callers' own keys, which
            `-<name>` ends for each upstream.

    Raises:
        RoutesFileError: listing every problem of the file.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RoutesFileError([f"not valid YAML: {exc}"]) from None
    reader = _Reader(env)
    top = reader.mapping(
        data,
        "routes file",
        ("upstreams", "routes", "default_upstream", "attempts", "ejection", "affinity", "limits"),
    )
    if data is not None and not isinstance(data, dict):
        raise RoutesFileError(reader.problems)
    # Nothing is inherited that names where to go or what to send there.
    defaults = dataclasses.replace(
        defaults,
        profile=OPENAI,
        api_key=None,
        api_key_file="",
        caller_key_header=None,
        headers=(),
        header_files=(),
    )
    raw_upstreams = top.get("upstreams")
    specs: dict[str, UpstreamSpec] = {}
    if not isinstance(raw_upstreams, dict) or not raw_upstreams:
        reader.fail("upstreams", "required: a mapping of upstream names to their settings")
        raw_upstreams = {}
    for name, value in raw_upstreams.items():
        spec = _upstream(reader, str(name), value, defaults, caller_key_header)
        if spec is not None:
            specs[spec.name] = spec
    routes = _routes(reader, top.get("routes"), raw_upstreams)
    default = top.get("default_upstream")
    if default is None:
        if len(raw_upstreams) > 1:
            reader.fail(
                "default_upstream",
                "required with several upstreams: where calls without a model go",
            )
        default = next(iter(raw_upstreams), "")
    elif not isinstance(default, str) or default not in raw_upstreams:
        reader.fail("default_upstream", f"no upstream named {default!r}")
    attempts = reader.typed(top, "attempts", "routes file", _at_least_one, 4)
    ejection = _ejection(reader, top.get("ejection"))
    affinity = _affinity(reader, top.get("affinity"))
    limits = _limits(reader, top.get("limits"))
    if reader.problems:
        raise RoutesFileError(reader.problems)
    SECRETS.add(*reader.secrets)
    return RoutesFile(
        upstreams=specs,
        routes=routes,
        default_upstream=str(default),
        attempts=attempts,
        ejection=ejection,
        affinity=affinity,
        limits=limits,
    )
