"""TLS, client tokens and the upstream API key, all reloaded when rotated on disk.

- `server_credentials`: TLS on the gRPC port (mutual TLS when a client CA is
  configured); the certificate and key are re-read on the next connection
  after their files change.
- `TokenAuthenticator`: bearer tokens from a file (one `name:token` or bare
  `token` per line), compared in constant time, re-read when the file changes.
  It fails closed: a line with an empty secret is an error at start and at
  reload, and a reload that yields no valid token (the file emptied, deleted,
  unreadable or invalid) refuses every call until a good file is back, with an
  error logged.
- `ApiKeySource`: the upstream API key, fixed or read from a file that is
  re-read when it changes; or, when explicitly enabled, the caller's own. A
  rotation that cannot be read keeps the previous key and logs an error.

Every secret loaded here, at start and at each rotation, is registered for
redaction (`bridge.redact.SECRETS`).
"""

from __future__ import annotations

import hmac
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

import grpc
import structlog

from bridge.config import ConfigError, Settings
from bridge.redact import SECRETS

__all__ = ["ApiKeySource", "ReloadingFile", "TokenAuthenticator", "server_credentials"]

log = structlog.get_logger("bridge.security")

T = TypeVar("T")

# How often a file's metadata is checked at most; rotation is seen within this.
_CHECK_INTERVAL = 1.0
_NEVER = object()


class ReloadingFile(Generic[T]):
    """The parsed content of files, re-parsed when any of them changes on disk.

    Kubernetes rotates Secret volumes by swapping a symlink, so a change is
    seen through (mtime, size, inode) of the resolved file. A change that
    cannot be read or parsed is logged (once per change) and, with
    `keep_last_good`, the previous value stays; without it, `get` returns None
    until the files are good again.

    Raises (at construction):
        ValueError: the files cannot be read or parsed now.
    """

    def __init__(
        self,
        paths: list[str],
        parse: Callable[[list[bytes]], T],
        *,
        what: str,
        keep_last_good: bool = True,
    ) -> None:
        self._paths = paths
        self._parse = parse
        self._what = what
        self._keep = keep_last_good
        self._lock = threading.Lock()
        try:
            self._stamp: tuple[tuple[float, int, int], ...] | None = self._read_stamp()
            self._value: T | None = parse([Path(p).read_bytes() for p in paths])
        except OSError as exc:
            raise ValueError(
                f"{what}: cannot read {exc.filename or paths[0]}: {exc.strerror}"
            ) from None
        except ValueError as exc:
            raise ValueError(f"{what}: {exc}") from None
        self._checked = time.monotonic()
        self._bad: object = _NEVER

    def _read_stamp(self) -> tuple[tuple[float, int, int], ...]:
        stamps = []
        for path in self._paths:
            info = os.stat(path)
            stamps.append((info.st_mtime, info.st_size, info.st_ino))
        return tuple(stamps)

    def get(self) -> tuple[T | None, bool]:
        """The current value, and whether it changed since the previous call."""
        now = time.monotonic()
        if now - self._checked < _CHECK_INTERVAL:
            return self._value, False
        with self._lock:
            self._checked = now
            stamp: tuple[tuple[float, int, int], ...] | None = None
            try:
                stamp = self._read_stamp()
                if stamp == self._stamp:
                    return self._value, False
                value = self._parse([Path(p).read_bytes() for p in self._paths])
            except (OSError, ValueError) as exc:
                return self._failed(stamp, exc)
            self._stamp, self._value, self._bad = stamp, value, _NEVER
            log.info("reloaded", what=self._what)
            return value, True

    def _failed(
        self, stamp: tuple[tuple[float, int, int], ...] | None, exc: Exception
    ) -> tuple[T | None, bool]:
        if stamp != self._bad:
            # Once per broken state; it is retried at every check until fixed.
            self._bad = stamp
            detail = f"{exc.strerror}: {exc.filename}" if isinstance(exc, OSError) else str(exc)
            log.error(
                "reload_failed",
                what=self._what,
                error=detail,
                kept="the previous value" if self._keep else "nothing: refusing until fixed",
            )
        if self._keep:
            return self._value, False
        changed = self._value is not None
        self._value = None
        return None, changed


def _certificate_config(files: list[bytes]) -> grpc.ServerCertificateConfiguration:
    key, chain, *rest = files
    return grpc.ssl_server_certificate_configuration(
        [(key, chain)], root_certificates=rest[0] if rest else None
    )


def server_credentials(settings: Settings) -> grpc.ServerCredentials | None:
    """TLS credentials for the gRPC port, or None when TLS is off."""
    if not settings.tls_cert_file:
        return None
    paths = [settings.tls_key_file, settings.tls_cert_file]
    if settings.tls_client_ca_file:
        paths.append(settings.tls_client_ca_file)
    try:
        source = ReloadingFile(paths, _certificate_config, what="BRIDGE_TLS_CERT_FILE")
    except ValueError as exc:
        raise ConfigError([str(exc)]) from None

    def fetch() -> grpc.ServerCertificateConfiguration | None:
        value, changed = source.get()
        return value if changed else None

    initial, _ = source.get()
    assert initial is not None  # kept-last-good sources always hold a value
    return grpc.dynamic_ssl_server_credentials(
        initial,
        fetch,  # type: ignore[arg-type]  # grpc documents None as "no change"
        require_client_authentication=bool(settings.tls_client_ca_file),
    )


@dataclass(frozen=True)
class _Token:
    name: str
    secret: bytes


def _parse_tokens(files: list[bytes]) -> tuple[_Token, ...]:
    tokens = []
    problems = []
    for number, raw in enumerate(files[0].decode("utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, secret = line.partition(":")
        if not sep:
            name, secret = f"token-{number}", line
        secret = secret.strip()
        if not secret:
            problems.append(f"line {number}: empty secret for {name.strip()!r}")
            continue
        tokens.append(_Token(name.strip(), secret.encode()))
    if problems:
        raise ValueError("; ".join(problems))
    if not tokens:
        raise ValueError("no tokens in the tokens file")
    SECRETS.add(*(token.secret.decode() for token in tokens))
    return tuple(tokens)


class TokenAuthenticator:
    """Checks `authorization: Bearer <token>` metadata against a tokens file.

    Raises (at construction):
        ConfigError: the tokens file cannot be read, is empty or has an empty secret.
    """

    def __init__(self, path: str) -> None:
        try:
            self._tokens = ReloadingFile(
                [path], _parse_tokens, what="BRIDGE_AUTH_TOKENS_FILE", keep_last_good=False
            )
        except ValueError as exc:
            raise ConfigError([str(exc)]) from None

    def authenticate(self, authorization: str | None) -> str | None:
        """The client's name for a valid header, else None.

        Every token is compared, in constant time, whatever matches first, so
        timing does not tell which token or how much of it was right. With no
        valid tokens file loaded, every header is refused.
        """
        tokens, _ = self._tokens.get()
        if not tokens or not authorization or not authorization.lower().startswith("bearer "):
            return None
        offered = authorization[7:].strip().encode()
        if not offered:
            return None
        found = None
        for token in tokens:
            if hmac.compare_digest(offered, token.secret) and found is None:
                found = token.name
        return found


def _parse_key(files: list[bytes]) -> str:
    key = files[0].decode("utf-8").strip()
    if not key:
        raise ValueError("empty API key file")
    SECRETS.add(key)
    return key


class ApiKeySource:
    """The upstream API key: fixed, from a rotating file, or the caller's own."""

    def __init__(self, settings: Settings) -> None:
        self._fixed = settings.api_key
        SECRETS.add(settings.api_key)
        self._file = None
        if settings.api_key_file:
            try:
                self._file = ReloadingFile(
                    [settings.api_key_file], _parse_key, what="BRIDGE_UPSTREAM_API_KEY_FILE"
                )
            except ValueError as exc:
                raise ConfigError([str(exc)]) from None
        self._caller_header = settings.caller_api_key_header if settings.caller_api_key else None

    def key(self, metadata: dict[str, str] | None = None) -> str | None:
        """The key for one call; the caller's, when enabled and sent."""
        if self._caller_header and metadata:
            caller = metadata.get(self._caller_header)
            if caller:
                return caller
        if self._file is not None:
            return self._file.get()[0]
        return self._fixed
