"""Bounds on what the bridge accepts from an upstream, as data and pure checks.

JSON depth: protobuf runtimes (Python, Java, C++, C#) refuse to parse a
message nested more than 100 levels deep, and a JSON level costs up to three
protobuf levels (a free-form object is a Value, a Struct and a map entry). A
reply or event nested deeper than `MAX_JSON_DEPTH` would reach the client as
bytes it cannot parse, so the bridge refuses it: the call ends INTERNAL with a
message naming the limit. Objects and arrays both count as a level; the
top-level value is level 1.

Upstream headers forwarded as gRPC metadata are sanitized here too: only
printable ASCII survives, values are capped, and the total is bounded so a
reply's metadata always fits the client's default header limit (8 KiB).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = [
    "MAX_FORWARDED_METADATA_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_METADATA_VALUE_BYTES",
    "deeper_than",
    "json_too_deep",
    "safe_metadata",
]

MAX_JSON_DEPTH = 32
MAX_METADATA_VALUE_BYTES = 512
MAX_FORWARDED_METADATA_BYTES = 4096


def deeper_than(value: Any, limit: int) -> bool:
    """Whether parsed JSON `value` nests more than `limit` levels."""
    if limit <= 0:
        return isinstance(value, dict | list)
    if isinstance(value, dict):
        return any(isinstance(v, dict | list) and deeper_than(v, limit - 1) for v in value.values())
    if isinstance(value, list):
        return any(isinstance(v, dict | list) and deeper_than(v, limit - 1) for v in value)
    return False


def json_too_deep(text: str | bytes, value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON `text` (parsed: `value`) nests more than `limit` levels.

    Counting brackets answers almost every event without walking it: a text
    with at most `limit` of them cannot nest deeper.
    """
    if isinstance(text, str):
        brackets = text.count("{") + text.count("[")
    else:
        brackets = text.count(b"{") + text.count(b"[")
    if brackets <= limit:
        return False
    return deeper_than(value, limit)


def safe_metadata(
    pairs: Iterable[tuple[str, str]],
    value_limit: int = MAX_METADATA_VALUE_BYTES,
    total_limit: int = MAX_FORWARDED_METADATA_BYTES,
) -> tuple[tuple[str, str], ...]:
    """Header pairs fit to be gRPC metadata: printable ASCII values no longer than
    `value_limit`, the first ones up to `total_limit` bytes in all."""
    kept: list[tuple[str, str]] = []
    total = 0
    for name, value in pairs:
        if len(value) > value_limit or not (value.isascii() and value.isprintable()):
            continue
        size = len(name) + len(value)
        if total + size > total_limit:
            break
        total += size
        kept.append((name, value))
    return tuple(kept)
