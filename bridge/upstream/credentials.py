"""The upstream API key of each call: fixed, from a rotating file, or the caller's own.

One place decides which key a call carries (`ApiKeySource.caller_key` for the
caller's offer, `ApiKeySource.key` for the call): the caller's own key when
this upstream accepts callers' keys and the caller sent one, else the key
file's current content, else the fixed key. A rotation that cannot be read
keeps the previous key and logs an error. Every key, the callers' included, is
registered for redaction (`bridge.redact.SECRETS`).
"""

from __future__ import annotations

from collections.abc import Mapping

from bridge.files import ReloadingFile
from bridge.redact import SECRETS
from bridge.validation import MIN_CALLER_KEY_LENGTH

__all__ = ["ApiKeySource", "InvalidCallerKey"]


class InvalidCallerKey(ValueError):
    """A caller's key that cannot be one: `field` names where it came from."""

    def __init__(self, field: str, why: str) -> None:
        super().__init__(f"{field}: {why}")
        self.field = field
        self.why = why


def _parse_key(files: list[bytes]) -> str:
    key = files[0].decode("utf-8").strip()
    if not key:
        raise ValueError("empty API key file")
    SECRETS.add(key)
    return key


class ApiKeySource:
    """The upstream API key of each call.

    Usage::

        keys = ApiKeySource(key_file="/var/run/secrets/key", caller_header="x-upstream-api-key")
        offered = keys.caller_key(metadata)     # None, or the caller's checked key
        authorization = keys.key(offered)

    Raises (at construction):
        ValueError: the key file cannot be read or is empty.
    """

    def __init__(
        self,
        *,
        key: str | None = None,
        key_file: str = "",
        caller_header: str | None = None,
        what: str = "the API key file",
    ) -> None:
        self._fixed = key or None
        SECRETS.add(key)
        self._file = ReloadingFile([key_file], _parse_key, what=what) if key_file else None
        self.caller_header = caller_header

    def caller_key(self, metadata: Mapping[str, str]) -> str | None:
        """The caller's own key, when this upstream accepts callers' keys and one was sent.

        Raises:
            InvalidCallerKey: the value cannot be a key (not printable ASCII, or
                shorter than a key can be); it is never quoted back.
        """
        header = self.caller_header
        offered = metadata.get(header) if header else None
        if not offered or header is None:
            return None
        if not (offered.isascii() and offered.isprintable()):
            raise InvalidCallerKey(header, "an API key is printable ASCII")
        offered = offered.strip()
        if len(offered) < MIN_CALLER_KEY_LENGTH:
            raise InvalidCallerKey(
                header, f"an API key has at least {MIN_CALLER_KEY_LENGTH} characters"
            )
        SECRETS.add_caller(offered)
        return offered

    def key(self, caller_key: str | None = None) -> str | None:
        """The key a call carries: the caller's (from `caller_key`), else the file's, else
        the fixed one."""
        if caller_key:
            return caller_key
        if self._file is not None:
            return self._file.get()[0]
        return self._fixed
