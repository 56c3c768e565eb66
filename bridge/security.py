"""TLS, client tokens and the upstream API key, all reloaded when rotated on disk.

- `server_credentials`: TLS on the gRPC port (mutual TLS when a client CA is
  configured); the certificate and key are re-read on the next connection
  after their files change.
- `TokenAuthenticator`: bearer tokens from a file (one `name:token` or bare
  `token` per line), compared in constant time, re-read when the file changes.
- `ApiKeySource`: the upstream API key, fixed or read from a file that is
  re-read when it changes; or, when explicitly enabled, the caller's own.
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

from bridge.config import Settings

__all__ = ["ApiKeySource", "ReloadingFile", "TokenAuthenticator", "server_credentials"]

T = TypeVar("T")

# How often a file's metadata is checked at most; rotation is seen within this.
_CHECK_INTERVAL = 1.0


class ReloadingFile(Generic[T]):
    """The parsed content of files, re-parsed when any of them changes on disk.

    Kubernetes rotates Secret volumes by swapping a symlink, so a change is
    seen through (mtime, size, inode) of the resolved file.
    """

    def __init__(self, paths: list[str], parse: Callable[[list[bytes]], T]) -> None:
        self._paths = paths
        self._parse = parse
        self._lock = threading.Lock()
        self._stamp = self._read_stamp()
        self._value = parse([Path(p).read_bytes() for p in paths])
        self._checked = time.monotonic()

    def _read_stamp(self) -> tuple[tuple[float, int, int], ...]:
        stamps = []
        for path in self._paths:
            info = os.stat(path)
            stamps.append((info.st_mtime, info.st_size, info.st_ino))
        return tuple(stamps)

    def get(self) -> tuple[T, bool]:
        """The current value, and whether it changed since the previous call."""
        now = time.monotonic()
        if now - self._checked < _CHECK_INTERVAL:
            return self._value, False
        with self._lock:
            self._checked = now
            try:
                stamp = self._read_stamp()
                if stamp == self._stamp:
                    return self._value, False
                value = self._parse([Path(p).read_bytes() for p in self._paths])
            except (OSError, ValueError):
                # Half-written during rotation: keep serving with the old value.
                return self._value, False
            self._stamp, self._value = stamp, value
            return value, True


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
    source = ReloadingFile(paths, _certificate_config)

    def fetch() -> grpc.ServerCertificateConfiguration | None:
        value, changed = source.get()
        return value if changed else None

    return grpc.dynamic_ssl_server_credentials(
        source.get()[0],
        fetch,  # type: ignore[arg-type]  # grpc documents None as "no change"
        require_client_authentication=bool(settings.tls_client_ca_file),
    )


@dataclass(frozen=True)
class _Token:
    name: str
    secret: bytes


def _parse_tokens(files: list[bytes]) -> tuple[_Token, ...]:
    tokens = []
    for number, raw in enumerate(files[0].decode("utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, secret = line.partition(":")
        if not sep:
            name, secret = f"token-{number}", line
        tokens.append(_Token(name.strip(), secret.strip().encode()))
    if not tokens:
        raise ValueError("no tokens in the tokens file")
    return tuple(tokens)


class TokenAuthenticator:
    """Checks `authorization: Bearer <token>` metadata against a tokens file."""

    def __init__(self, path: str) -> None:
        self._tokens = ReloadingFile([path], _parse_tokens)

    def authenticate(self, authorization: str | None) -> str | None:
        """The client's name for a valid header, else None.

        Every token is compared, in constant time, whatever matches first, so
        timing does not tell which token or how much of it was right.
        """
        if not authorization or not authorization.lower().startswith("bearer "):
            return None
        offered = authorization[7:].strip().encode()
        tokens, _ = self._tokens.get()
        found = None
        for token in tokens:
            if hmac.compare_digest(offered, token.secret) and found is None:
                found = token.name
        return found


def _parse_key(files: list[bytes]) -> str:
    key = files[0].decode("utf-8").strip()
    if not key:
        raise ValueError("empty API key file")
    return key


class ApiKeySource:
    """The upstream API key: fixed, from a rotating file, or the caller's own."""

    def __init__(self, settings: Settings) -> None:
        self._fixed = settings.api_key
        self._file = (
            ReloadingFile([settings.api_key_file], _parse_key) if settings.api_key_file else None
        )
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
