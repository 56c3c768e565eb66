"""Settings: one immutable object built from flags and the environment.

Pure: `Settings.load` reads only the mappings it is given, validates every
value, and reports all problems at once in one `ConfigError`.

Precedence, highest first: command-line flag, `BRIDGE_*` variable, the
OpenAI SDK's own variable (`OPENAI_BASE_URL`, `OPENAI_API_KEY`), default.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

__all__ = ["DEFAULT_UPSTREAM_URL", "ConfigError", "Settings", "parse_hostport"]

DEFAULT_UPSTREAM_URL = "https://api.openai.com/v1"
_LOG_LEVELS = ("debug", "info", "warning", "error", "critical")
_LOG_FORMATS = ("auto", "json", "console")


class ConfigError(ValueError):
    """Invalid configuration; `problems` lists every one of them."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("invalid configuration:\n" + "\n".join(f"  - {p}" for p in problems))
        self.problems = problems


@dataclass(frozen=True)
class Settings:
    """Everything the bridge needs to run.

    Usage::

        settings = Settings.load(flags={"listen": "0.0.0.0:50051"}, env=os.environ)
    """

    listen: str = "127.0.0.1:50051"
    upstream_url: str = DEFAULT_UPSTREAM_URL
    api_key: str | None = field(default=None, repr=False)
    connect_timeout: float = 10.0
    read_timeout: float = 600.0
    max_message_bytes: int = 64 * 1024 * 1024
    max_connections: int = 1000
    reflection: bool = True
    grace_seconds: float = 20.0
    log_level: str = "info"
    log_format: str = "auto"

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
        flags = {k: v for k, v in (flags or {}).items() if v is not None}
        env = env or {}
        problems: list[str] = []

        def pick(name: str, *variables: str) -> str | None:
            if name in flags:
                return str(flags[name])
            for variable in variables:
                value = env.get(variable)
                if value:
                    return value
            return None

        def number(name: str, variable: str, default: float, *, minimum: float = 0.0) -> float:
            raw = pick(name, variable)
            if raw is None:
                return default
            try:
                value = float(raw)
            except ValueError:
                problems.append(f"{variable} (--{name.replace('_', '-')}): not a number: {raw!r}")
                return default
            if value <= minimum:
                problems.append(f"{variable} (--{name.replace('_', '-')}): must be > {minimum}")
            return value

        def choice(name: str, variable: str, default: str, allowed: tuple[str, ...]) -> str:
            value = (pick(name, variable) or default).lower()
            if value not in allowed:
                problems.append(f"{variable} (--{name.replace('_', '-')}): one of {allowed}")
            return value

        def boolean(name: str, variable: str, default: bool) -> bool:
            raw = pick(name, variable)
            if raw is None:
                return default
            if raw.lower() in ("1", "true", "yes", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "off"):
                return False
            problems.append(f"{variable}: not a boolean: {raw!r}")
            return default

        listen = pick("listen", "BRIDGE_LISTEN") or cls.listen
        try:
            parse_hostport(listen)
        except ValueError as exc:
            problems.append(f"BRIDGE_LISTEN (--listen): {exc}")

        upstream_url = (
            pick("upstream_url", "BRIDGE_UPSTREAM_URL", "OPENAI_BASE_URL") or DEFAULT_UPSTREAM_URL
        ).rstrip("/")
        parts = urlsplit(upstream_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            problems.append(
                f"BRIDGE_UPSTREAM_URL (--upstream-url): not an http(s) URL: {upstream_url!r}"
            )

        settings = cls(
            listen=listen,
            upstream_url=upstream_url,
            api_key=pick("api_key", "BRIDGE_UPSTREAM_API_KEY", "OPENAI_API_KEY"),
            connect_timeout=number(
                "connect_timeout", "BRIDGE_CONNECT_TIMEOUT", cls.connect_timeout
            ),
            read_timeout=number("read_timeout", "BRIDGE_READ_TIMEOUT", cls.read_timeout),
            max_message_bytes=int(
                number("max_message_bytes", "BRIDGE_MAX_MESSAGE_BYTES", cls.max_message_bytes)
            ),
            max_connections=int(
                number("max_connections", "BRIDGE_MAX_CONNECTIONS", cls.max_connections)
            ),
            reflection=boolean("reflection", "BRIDGE_REFLECTION", cls.reflection),
            grace_seconds=number(
                "grace_seconds", "BRIDGE_GRACE_SECONDS", cls.grace_seconds, minimum=-1
            ),
            log_level=choice("log_level", "BRIDGE_LOG_LEVEL", cls.log_level, _LOG_LEVELS),
            log_format=choice("log_format", "BRIDGE_LOG_FORMAT", cls.log_format, _LOG_FORMATS),
        )
        if problems:
            raise ConfigError(problems)
        return settings


def parse_hostport(value: str) -> tuple[str, int]:
    """Split "host:port" (or "[v6]:port") into its parts, validating the port."""
    host, sep, port_text = value.rpartition(":")
    if not sep or not host:
        raise ValueError(f"expected host:port, got {value!r}")
    if not port_text.isdigit() or not 0 <= int(port_text) <= 65535:
        raise ValueError(f"invalid port in {value!r}")
    return host.strip("[]"), int(port_text)
