"""Who may call the bridge: TLS on the gRPC port and client bearer tokens, reloaded on rotation.

- `server_credentials`: TLS (mutual TLS when a client CA is given); the
  certificate and key are re-read on the next connection after their files
  change.
- `TokenAuthenticator`: bearer tokens from a file (one `name:token` or bare
  `token` per line), compared in constant time, re-read when the file changes.
  It fails closed: a line with an empty secret is an error at start and at
  reload, and a reload that yields no valid token (the file emptied, deleted,
  unreadable or invalid) refuses every call until a good file is back, with an
  error logged.

Every token loaded is registered for redaction (`bridge.redact.SECRETS`).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

import grpc

from bridge.config import ConfigError
from bridge.files import ReloadingFile
from bridge.redact import SECRETS

__all__ = ["TokenAuthenticator", "server_credentials"]


def _certificate_config(files: list[bytes]) -> grpc.ServerCertificateConfiguration:
    key, chain, *rest = files
    return grpc.ssl_server_certificate_configuration(
        [(key, chain)], root_certificates=rest[0] if rest else None
    )


def server_credentials(
    cert_file: str, key_file: str, client_ca_file: str = ""
) -> grpc.ServerCredentials | None:
    """TLS credentials for the gRPC port (mutual TLS with `client_ca_file`), or None
    when `cert_file` is empty (TLS off).

    Raises:
        ConfigError: the files cannot be read or are not a key and certificate.
    """
    if not cert_file:
        return None
    paths = [key_file, cert_file]
    if client_ca_file:
        paths.append(client_ca_file)
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
        require_client_authentication=bool(client_ca_file),
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
