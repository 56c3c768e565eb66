"""Settings: one immutable object built from flags and the environment.

Pure: `Settings.load` reads only the mappings it is given, validates every
value, and reports all problems at once in one `ConfigError`. Every setting is
one row of `OPTIONS`; the README's configuration table lists the same rows.

Precedence, highest first: command-line flag, `BRIDGE_*` variable, the
OpenAI SDK's own variable where there is one (`OPENAI_BASE_URL`,
`OPENAI_API_KEY`), default.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any
from urllib.parse import urlsplit

from bridge.compiled import ENVIRONMENT, parse_mode
from bridge.upstream.options import WIRES, wire_problem
from bridge.upstream.profiles import OPENAI, Profile, load_profile

__all__ = [
    "DEFAULT_UPSTREAM_URL",
    "HOP_BY_HOP_HEADERS",
    "OPTIONS",
    "WORKERS_AUTO",
    "ConfigError",
    "Option",
    "Settings",
    "elide_password",
    "forward_header_names",
    "http_url",
    "parse_hostport",
]

DEFAULT_UPSTREAM_URL = "https://api.openai.com/v1"
# `Settings.workers` when BRIDGE_WORKERS is `auto`: as many as the CPUs the
# container may use, counted where the process runs (bridge.workers).
WORKERS_AUTO = 0


class ConfigError(ValueError):
    """Invalid configuration; `problems` lists every one of them."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


def parse_hostport(value: str) -> tuple[str, int]:
    """Split "host:port" (or "[v6]:port") into its parts, validating the port."""
    host, sep, port_text = value.rpartition(":")
    if not sep or not host:
        raise ValueError(f"expected host:port, got {value!r}")
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise ValueError(f"invalid port in {value!r}")
    return host.strip("[]"), int(port_text)


def _address(raw: str) -> str:
    parse_hostport(raw)
    return raw


def _optional_address(raw: str) -> str | None:
    return _address(raw) if raw else None


def http_url(raw: str) -> str:
    """`raw` checked as an http(s) URL, without a trailing slash.

    Raises:
        ValueError: not an http(s) URL with a host (a password in it is elided).
    """
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - raises on an invalid port
    except ValueError:
        raise ValueError(f"not an http(s) URL: {elide_password(raw)!r}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"not an http(s) URL: {elide_password(raw)!r}")
    return raw.rstrip("/")


def _upstream_url(raw: str) -> str:
    url = http_url(raw)
    if urlsplit(url).username is not None or urlsplit(url).password is not None:
        # Credentials in a URL end up in logs and error messages; keys go in
        # BRIDGE_UPSTREAM_API_KEY(_FILE), where they are sent as a bearer token.
        raise ValueError(
            f"credentials in the URL are not allowed ({elide_password(url)}); "
            "set BRIDGE_UPSTREAM_API_KEY or BRIDGE_UPSTREAM_API_KEY_FILE instead"
        )
    return url


def _optional_url(raw: str) -> str | None:
    return http_url(raw) if raw else None


def elide_password(url: str) -> str:
    """`url` with the password of its user info, if any, replaced by `***`."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    authority, slash, path = rest.partition("/")
    userinfo, at, host = authority.rpartition("@")
    if not at:
        return url
    user, colon, _ = userinfo.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}@{host}{slash}{path}"


#: Headers of one HTTP hop, which a request may not carry on.
HOP_BY_HOP_HEADERS = (
    "connection",
    "keep-alive",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
)
# Headers a caller may not set upstream through BRIDGE_FORWARD_HEADERS, and why.
_UNFORWARDABLE: dict[str, str] = {
    **dict.fromkeys(HOP_BY_HOP_HEADERS, "a hop-by-hop header"),
    "content-length": "the body's framing is the bridge's",
    "content-encoding": "the body's framing is the bridge's",
    "content-type": "the body's format is the bridge's",
    "host": "the upstream's address is configured, not chosen by callers",
    "authorization": "the upstream credential is chosen by the bridge",
    "proxy-authorization": "a credential",
    "cookie": "a credential",
    "x-api-key": "a credential",
    "api-key": "a credential",
}


def forward_header_names(raw: str) -> tuple[str, ...]:
    """The metadata keys of a comma-separated list that may be sent upstream as headers.

    Raises:
        ValueError: naming every key that cannot be (hop-by-hop, framing, host,
            credential and gRPC's own keys, invalid names).
    """
    names = _names(raw)
    problems = [
        f"{name!r} cannot be forwarded: {_UNFORWARDABLE[name]}"
        for name in names
        if name in _UNFORWARDABLE
    ]
    problems += [
        f"{name!r} cannot be forwarded: reserved by gRPC"
        for name in names
        if name.startswith(("grpc-", ":"))
    ]
    problems += [
        f"{name!r} is not a valid header name"
        for name in names
        if not name.isascii() or not all(c.isalnum() or c in "-_." for c in name)
    ]
    if problems:
        raise ValueError("; ".join(problems))
    return names


def _text(raw: str) -> str:
    return raw


def _positive(raw: str) -> float:
    value = float(raw)
    if not value > 0:
        raise ValueError(f"must be > 0, got {raw!r}")
    return value


def _non_negative(raw: str) -> float:
    value = float(raw)
    if not value >= 0:
        raise ValueError(f"must be >= 0, got {raw!r}")
    return value


def _count(raw: str) -> int:
    value = int(raw)
    if value < 0:
        raise ValueError(f"must be >= 0, got {raw!r}")
    return value


def _positive_count(raw: str) -> int:
    value = int(raw)
    if value < 1:
        raise ValueError(f"must be >= 1, got {raw!r}")
    return value


def _workers(raw: str) -> int:
    if raw.strip().lower() == "auto":
        return WORKERS_AUTO
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if value < 1:
        raise ValueError(f"a number of processes (1 or more) or auto; got {raw!r}")
    return value


def _boolean(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"not a boolean: {raw!r}")


def _names(raw: str) -> tuple[str, ...]:
    return tuple(sorted({part.strip().lower() for part in raw.split(",") if part.strip()}))


def _one_of(*allowed: str) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip().lower()
        if value not in allowed:
            raise ValueError(f"one of {', '.join(allowed)}; got {raw!r}")
        return value

    return parse


@dataclass(frozen=True)
class Option:
    """One setting: its field, variables (first wins), flag, parser and meaning."""

    name: str
    variables: tuple[str, ...]
    parse: Callable[[str], Any]
    help: str
    flag: bool = False


OPTIONS: tuple[Option, ...] = (
    Option("listen", ("BRIDGE_LISTEN",), _address, "gRPC address, host:port", flag=True),
    Option(
        "health_listen",
        ("BRIDGE_HEALTH_LISTEN",),
        _optional_address,
        "extra address serving only the health service (for probes when listen is loopback); "
        "with workers, served by the parent for all of them",
    ),
    Option(
        "metrics_listen",
        ("BRIDGE_METRICS_LISTEN",),
        _optional_address,
        "address of the Prometheus scrape endpoint (`/metrics`), off when unset; with workers, "
        "served by the parent for all of them (docs/metrics.md)",
    ),
    Option(
        "workers",
        ("BRIDGE_WORKERS",),
        _workers,
        "processes serving the gRPC port (SO_REUSEPORT), or `auto`: one per CPU the container "
        "may use; 1 runs one process and shares the port with nothing (docs/scaling.md)",
        flag=True,
    ),
    Option(
        "compiled",
        (ENVIRONMENT,),
        parse_mode,
        "the per-event modules' mypyc build (make test, the image): auto uses it when it "
        "matches the sources, off never, on refuses to serve without it (read at import, so "
        "the environment variable only; docs/development.md)",
    ),
    Option(
        "upstream_url",
        ("BRIDGE_UPSTREAM_URL", "OPENAI_BASE_URL"),
        _upstream_url,
        "Responses API base URL",
        flag=True,
    ),
    Option("api_key", ("BRIDGE_UPSTREAM_API_KEY", "OPENAI_API_KEY"), _text, "upstream API key"),
    Option(
        "routes_file",
        ("BRIDGE_ROUTES_FILE",),
        _text,
        "YAML file of several upstreams and the routes of models to them, reloaded on change "
        "(see docs/several-providers.md); replaces the single upstream's settings",
    ),
    Option("connect_timeout", ("BRIDGE_CONNECT_TIMEOUT",), _positive, "seconds to connect"),
    Option(
        "first_byte_timeout",
        ("BRIDGE_FIRST_BYTE_TIMEOUT",),
        _positive,
        "seconds from a stream's request to its first event (keep-alive comments do not count)",
    ),
    Option(
        "read_timeout",
        ("BRIDGE_READ_TIMEOUT",),
        _positive,
        "seconds a stream or body may go without a byte (idle: comments count)",
    ),
    Option(
        "max_call_seconds",
        ("BRIDGE_MAX_CALL_SECONDS",),
        _positive,
        "bound on a whole call when the client set no deadline",
    ),
    Option("max_retries", ("BRIDGE_MAX_RETRIES",), _count, "retries before the first event"),
    Option(
        "retry_budget_percent",
        ("BRIDGE_RETRY_BUDGET_PERCENT",),
        _non_negative,
        "retries allowed, as a percentage of the calls of the last 10 s (at least 3)",
    ),
    Option(
        "forward_headers",
        ("BRIDGE_FORWARD_HEADERS",),
        forward_header_names,
        "gRPC metadata keys sent upstream as HTTP headers (comma-separated; "
        "hop-by-hop, framing, host and credential headers are refused)",
    ),
    Option(
        "profile",
        ("BRIDGE_UPSTREAM_PROFILE",),
        load_profile,
        "upstream profile: openai, modelverse, lenient, or a JSON file (see docs/providers.md)",
    ),
    Option(
        "proxy",
        ("BRIDGE_UPSTREAM_PROXY",),
        _optional_url,
        "outbound HTTP(S) proxy URL (over aiohttp's client, or httpx's)",
    ),
    Option("ca_bundle", ("BRIDGE_UPSTREAM_CA_BUNDLE",), _text, "CA bundle file for the upstream"),
    Option(
        "http2",
        ("BRIDGE_UPSTREAM_HTTP2",),
        _boolean,
        "HTTP/2 when the upstream offers it, over httpx's transport (else HTTP/1.1)",
    ),
    Option(
        "wire",
        ("BRIDGE_UPSTREAM_WIRE",),
        _one_of(*WIRES),
        "HTTP client of upstream requests: http1 (asyncio and llhttp), aiohttp, httpx, or "
        "auto: httpx for HTTP/2, aiohttp through a proxy, else http1",
    ),
    Option(
        "max_connections",
        ("BRIDGE_MAX_CONNECTIONS",),
        _count,
        "upstream connection pool size (each worker has its own)",
    ),
    Option(
        "max_message_bytes",
        ("BRIDGE_MAX_MESSAGE_BYTES",),
        _count,
        "largest gRPC message sent or received",
    ),
    Option(
        "max_inflight_request_bytes",
        ("BRIDGE_MAX_INFLIGHT_REQUEST_BYTES",),
        _count,
        "request bytes held in memory at once by all calls of a process (each worker has its "
        "own); the excess is RESOURCE_EXHAUSTED",
    ),
    Option(
        "max_concurrent_streams",
        ("BRIDGE_MAX_CONCURRENT_STREAMS",),
        _count,
        "concurrent calls per client connection",
    ),
    Option(
        "keepalive_seconds",
        ("BRIDGE_KEEPALIVE_SECONDS",),
        _positive,
        "server keepalive ping interval",
    ),
    Option(
        "min_client_ping_seconds",
        ("BRIDGE_MIN_CLIENT_PING_SECONDS",),
        _positive,
        "shortest client ping interval tolerated (enforced)",
    ),
    Option(
        "max_connection_age_seconds",
        ("BRIDGE_MAX_CONNECTION_AGE_SECONDS",),
        _non_negative,
        "close client connections after this long (0: never), so new replicas get traffic",
    ),
    Option(
        "max_sessions",
        ("BRIDGE_MAX_SESSIONS",),
        _positive_count,
        "Session RPCs served at once; one more is refused RESOURCE_EXHAUSTED as it starts",
    ),
    Option(
        "session_max_lanes",
        ("BRIDGE_SESSION_MAX_LANES",),
        _positive_count,
        "lanes (stream_id) with responses in flight at once per session; a create opening "
        "one more gets the websocket_stream_limit_reached error event",
    ),
    Option("gzip", ("BRIDGE_GZIP",), _boolean, "gzip responses to clients"),
    Option(
        "cancel_background",
        ("BRIDGE_CANCEL_BACKGROUND",),
        _boolean,
        "cancel a background response upstream when its client cancels",
    ),
    Option("tls_cert_file", ("BRIDGE_TLS_CERT_FILE",), _text, "TLS certificate chain (PEM)"),
    Option("tls_key_file", ("BRIDGE_TLS_KEY_FILE",), _text, "TLS private key (PEM)"),
    Option(
        "tls_client_ca_file",
        ("BRIDGE_TLS_CLIENT_CA_FILE",),
        _text,
        "CA of client certificates; set to require mutual TLS",
    ),
    Option(
        "auth_tokens_file",
        ("BRIDGE_AUTH_TOKENS_FILE",),
        _text,
        "bearer tokens clients must send (one name:token per line); unset: no auth",
    ),
    Option(
        "api_key_file",
        ("BRIDGE_UPSTREAM_API_KEY_FILE",),
        _text,
        "file holding the upstream API key, re-read when rotated",
    ),
    Option(
        "caller_api_key",
        ("BRIDGE_CALLER_API_KEY",),
        _boolean,
        "use the caller's upstream API key from metadata when it sends one",
    ),
    Option(
        "caller_api_key_header",
        ("BRIDGE_CALLER_API_KEY_HEADER",),
        _text,
        "metadata key of the caller's upstream API key",
    ),
    Option("reflection", ("BRIDGE_REFLECTION",), _boolean, "serve gRPC server reflection"),
    Option(
        "grace_seconds",
        ("BRIDGE_GRACE_SECONDS",),
        _non_negative,
        "how long calls may finish after SIGTERM",
    ),
    Option(
        "log_level",
        ("BRIDGE_LOG_LEVEL",),
        _one_of("debug", "info", "warning", "error", "critical"),
        "log level",
        flag=True,
    ),
    Option(
        "log_format",
        ("BRIDGE_LOG_FORMAT",),
        _one_of("auto", "json", "console"),
        "log format (auto: console on a terminal, else JSON lines)",
        flag=True,
    ),
    Option(
        "access_log_level",
        ("BRIDGE_ACCESS_LOG_LEVEL",),
        _one_of("debug", "info", "warning", "off"),
        "level of the one access log line per RPC (off: none)",
    ),
    Option(
        "access_log_caller_key",
        ("BRIDGE_ACCESS_LOG_CALLER_KEY",),
        _text,
        "gRPC metadata key whose value names the caller in the access log",
    ),
    Option(
        "genai_provider_name",
        ("BRIDGE_GENAI_PROVIDER_NAME",),
        _text,
        "gen_ai.provider.name on spans and metrics",
    ),
    Option(
        "metric_models",
        ("BRIDGE_METRIC_MODELS",),
        _names,
        "model names kept as metric attributes besides those the upstream served "
        "(comma-separated); other requested models are recorded as `other`",
    ),
    Option(
        "capture_content",
        ("BRIDGE_CAPTURE_CONTENT",),
        _boolean,
        "record prompts and outputs on spans (gen_ai.input.messages, ...); off by default",
    ),
    Option(
        "capture_content_max_bytes",
        ("BRIDGE_CAPTURE_CONTENT_MAX_BYTES",),
        _count,
        "size cap of each captured content attribute",
    ),
)


@dataclass(frozen=True)
class Settings:
    """Everything the bridge needs to run.

    Usage::

        settings = Settings.load(flags={"listen": "0.0.0.0:50051"}, env=os.environ)
    """

    listen: str = "127.0.0.1:50051"
    health_listen: str | None = None
    metrics_listen: str | None = None
    workers: int = 1
    compiled: str = "auto"
    upstream_url: str = DEFAULT_UPSTREAM_URL
    api_key: str | None = field(default=None, repr=False)
    routes_file: str = ""
    connect_timeout: float = 10.0
    first_byte_timeout: float = 300.0
    read_timeout: float = 300.0
    max_call_seconds: float = 3600.0
    max_retries: int = 2
    retry_budget_percent: float = 20.0
    forward_headers: tuple[str, ...] = (
        "idempotency-key",
        "openai-beta",
        "openai-organization",
        "openai-project",
    )
    profile: Profile = OPENAI
    proxy: str | None = field(default=None, repr=False)
    ca_bundle: str = ""
    http2: bool = False
    wire: str = "auto"
    max_connections: int = 1000
    max_message_bytes: int = 64 * 1024 * 1024
    max_inflight_request_bytes: int = 96 * 1024 * 1024
    max_concurrent_streams: int = 1000
    keepalive_seconds: float = 60.0
    min_client_ping_seconds: float = 10.0
    max_connection_age_seconds: float = 0.0
    max_sessions: int = 1000
    session_max_lanes: int = 16
    gzip: bool = False
    cancel_background: bool = False
    tls_cert_file: str = ""
    tls_key_file: str = ""
    tls_client_ca_file: str = ""
    auth_tokens_file: str = ""
    api_key_file: str = ""
    caller_api_key: bool = False
    caller_api_key_header: str = "x-upstream-api-key"
    reflection: bool = True
    grace_seconds: float = 20.0
    log_level: str = "info"
    log_format: str = "auto"
    access_log_level: str = "info"
    access_log_caller_key: str = ""
    genai_provider_name: str = "openai"
    metric_models: tuple[str, ...] = ()
    capture_content: bool = False
    capture_content_max_bytes: int = 16384

    @classmethod
    def load(
        cls,
        flags: Mapping[str, object | None] | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Settings:
        """Build settings from flags (highest precedence) and environment variables.

        Raises:
            ConfigError: one or more values are invalid; all are listed.
        """
        given = {k: v for k, v in (flags or {}).items() if v is not None}
        env = env or {}
        unknown = set(given) - {option.name for option in OPTIONS}
        if unknown:
            raise ConfigError([f"unknown setting {name!r}" for name in sorted(unknown)])
        values: dict[str, Any] = {}
        problems: list[str] = []
        for option in OPTIONS:
            source = None
            raw: str | None = None
            if option.name in given:
                raw, source = str(given[option.name]), f"--{option.name.replace('_', '-')}"
            else:
                for variable in option.variables:
                    if env.get(variable):
                        raw, source = env[variable], variable
                        break
            if raw is None:
                continue
            try:
                values[option.name] = option.parse(raw)
            except ValueError as exc:
                problems.append(f"{source}: {exc}")
        if bool(values.get("tls_cert_file")) != bool(values.get("tls_key_file")):
            problems.append("BRIDGE_TLS_CERT_FILE and BRIDGE_TLS_KEY_FILE go together")
        if values.get("tls_client_ca_file") and not values.get("tls_cert_file"):
            problems.append("BRIDGE_TLS_CLIENT_CA_FILE needs BRIDGE_TLS_CERT_FILE (mutual TLS)")
        for name in (
            "tls_cert_file",
            "tls_key_file",
            "tls_client_ca_file",
            "auth_tokens_file",
            "api_key_file",
            "ca_bundle",
            "routes_file",
        ):
            path = values.get(name)
            if path and not os.path.isfile(path):
                problems.append(f"{name}: no such file: {path}")
        proxy = values.get("proxy")
        if proxy and urlsplit(proxy).password is not None and not urlsplit(proxy).password:
            problems.append("BRIDGE_UPSTREAM_PROXY: empty proxy password")
        problem = wire_problem(
            values.get("wire", cls.wire), http2=values.get("http2", False), proxy=bool(proxy)
        )
        if problem is not None:
            problems.append(f"BRIDGE_UPSTREAM_WIRE: {problem}")
        budget = values.get("max_inflight_request_bytes", cls.max_inflight_request_bytes)
        largest = values.get("max_message_bytes", cls.max_message_bytes)
        if budget < largest:
            problems.append(
                f"BRIDGE_MAX_INFLIGHT_REQUEST_BYTES ({budget}) must be at least "
                f"BRIDGE_MAX_MESSAGE_BYTES ({largest}): the budget holds one request of the "
                "largest size"
            )
        if problems:
            raise ConfigError(problems)
        return cls(**values)

    def secrets(self) -> list[str]:
        """The secrets these settings hold, to be redacted wherever they would show."""
        found = [self.api_key] if self.api_key else []
        if self.proxy:
            password = urlsplit(self.proxy).password
            if password:
                found.append(password)
        return found


# Every Settings field has exactly one option row.
assert {option.name for option in OPTIONS} == {f.name for f in fields(Settings)}
