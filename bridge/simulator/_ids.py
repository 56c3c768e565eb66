"""Identifiers for simulated responses.

Every request takes a serial number from a process-wide counter; its ids are
that serial followed by a hash of the request content, so ids never repeat
within one process and the same request sent in the same order gets the same
ids in every run.
"""

from __future__ import annotations

import hashlib
import itertools

__all__ = ["derive_id", "next_serial"]

# The only global state of the simulator. next() on itertools.count is atomic
# under the GIL, so concurrent requests (even from threads) never share a serial.
_serials = itertools.count(1)


def next_serial() -> int:
    """Return the next request serial of this process (1, 2, 3, ...)."""
    return next(_serials)


def derive_id(prefix: str, serial: int, digest: bytes, *, hex_chars: int = 48) -> str:
    """Return ``prefix`` + ``"_"`` + ``hex_chars`` lowercase hex digits.

    The first 16 digits are ``serial`` (modulo 2**64) and the rest a hash of
    ``digest`` keyed by ``prefix``, so a response and its items, which share a
    serial and a digest, still get different ids. ``hex_chars`` must be an even
    number between 18 and 144.
    """
    if hex_chars % 2 or not 18 <= hex_chars <= 144:
        raise ValueError(f"hex_chars must be even and within 18..144, got {hex_chars}")
    head = f"{serial % (1 << 64):016x}"
    tail = hashlib.blake2b(digest, digest_size=(hex_chars - 16) // 2, person=_person(prefix))
    return f"{prefix}_{head}{tail.hexdigest()}"


def _person(prefix: str) -> bytes:
    """Return the BLAKE2b personalisation (at most 16 bytes) for an id prefix."""
    return prefix.encode()[:16]
