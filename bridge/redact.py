"""Keeps credentials out of everything the bridge emits.

An upstream may echo the request's credentials back (a 401 body quoting the
Authorization header), and any error message, log line or span attribute
built from it would carry them on. Every secret the bridge holds is
registered in `SECRETS` as it is loaded (each upstream key source and each
rotation of it, callers' own upstream keys, client bearer tokens, proxy
passwords), and every place where data leaves the bridge (status messages and
details, metadata, log lines, spans, metric attributes) passes it through
`SECRETS.redactor()`.

`Redactor` replaces, wherever they occur: the registered secrets as exact
values (found in one pass whatever their number, and the set rebuilt whole
only after many additions, so a shared bridge with a thousand callers' keys
redacts a line in microseconds), and, unless built with `patterns=False`,
`Bearer <token>` and anything shaped like an OpenAI key (`sk-...`). It works
on text, on gRPC metadata, and inside a serialized `google.rpc.Status`
(grpc-status-details-bin), keeping that Status consistent with the redacted
status message. Forwarded model
output is only ever scanned for exact secrets (`SECRETS.exact()`): a sample
key in generated code is legitimate output.

Pure: no I/O.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from typing import Any

import ahocorasick  # type: ignore[import-not-found]
from google.protobuf import any_pb2, descriptor_pool, message_factory
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import DecodeError, Message
from google.rpc import status_pb2

__all__ = [
    "MIN_SECRET_LENGTH",
    "REDACTED",
    "SECRETS",
    "Literals",
    "Redactor",
    "Secrets",
    "redact_json",
]

REDACTED = "[REDACTED]"
# Shorter strings are too common in ordinary text to be replaced wherever they occur.
MIN_SECRET_LENGTH = 4

_PATTERNS = (
    r"(?i:bearer)\s+[A-Za-z0-9._~+/=-]{6,}",
    r"\bsk-[A-Za-z0-9][A-Za-z0-9_-]{10,}",
)
_STATUS_DETAILS_KEY = "grpc-status-details-bin"
# Secrets added since the last full build that a redactor searches apart.
_REBUILD_AFTER = 32
Metadata = Sequence[tuple[str, str | bytes]]


class Literals:
    """A set of exact secrets, all found in one pass over a text (Aho-Corasick):
    the cost of a search does not grow with the number of secrets.

    Bytes are searched as their Latin-1 reading, so each secret is also held in
    the Latin-1 reading of its UTF-8 bytes (the same string when it is ASCII).
    """

    def __init__(self, secrets: Iterable[str]) -> None:
        self.secrets = frozenset(secrets)
        self._automaton = ahocorasick.Automaton()
        for secret in self.secrets:
            for form in {secret, secret.encode().decode("latin-1")}:
                self._automaton.add_word(form, len(form))
        if self.secrets:
            self._automaton.make_automaton()

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where secrets occur in `text`, overlapping occurrences joined, in order."""
        if not self.secrets:
            return []
        found = [(end + 1 - size, end + 1) for end, size in self._automaton.iter(text)]
        return _merged(found) if len(found) > 1 else found


class Redactor:
    """Replaces secrets in text, metadata and rich error details.

    Usage::

        redactor = Redactor(["sk-live-..."])
        safe = redactor.text(message)
    """

    def __init__(
        self,
        secrets: Iterable[str | None] = (),
        *,
        patterns: bool = True,
        literals: Sequence[Literals] = (),
    ) -> None:
        known = {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH}
        self._literals = [part for part in (*literals, Literals(known)) if part.secrets]
        self._patterns = patterns
        self.empty = not (self._literals or patterns)

    def text(self, value: str) -> str:
        """`value` with every secret replaced."""
        spans = self._spans(value)
        if spans:
            value = _replace(value, spans, REDACTED)
        if self._patterns and _maybe_shaped(value):
            value = _SHAPED.sub(_replacement, value)
        return value

    def found(self, value: str | bytes) -> bool:
        """Whether `value` holds anything this redactor would replace."""
        if isinstance(value, bytes):
            if self._spans(value.decode("latin-1")):
                return True
            return (
                self._patterns
                and _maybe_shaped_bytes(value)
                and _SHAPED_BYTES.search(value) is not None
            )
        if self._spans(value):
            return True
        return self._patterns and _maybe_shaped(value) and _SHAPED.search(value) is not None

    def _spans(self, text: str) -> list[tuple[int, int]]:
        literals = self._literals
        if not literals:
            return []
        if len(literals) == 1:
            return literals[0].spans(text)
        spans = [span for part in literals for span in part.spans(text)]
        return _merged(spans) if len(spans) > 1 else spans

    def _bytes(self, value: bytes) -> bytes:
        """`value` with every secret replaced, `Bearer` and `sk-` shapes included."""
        spans = self._spans(value.decode("latin-1"))
        if spans:
            value = _replace(value, spans, REDACTED.encode())
        if self._patterns and _maybe_shaped_bytes(value):
            value = _SHAPED_BYTES.sub(REDACTED.encode(), value)
        return value

    def metadata(self, metadata: Metadata) -> tuple[tuple[str, str | bytes], ...]:
        """Trailing or initial metadata with secrets replaced, details included."""
        cleaned: list[tuple[str, str | bytes]] = []
        for key, value in metadata:
            if isinstance(value, str):
                cleaned.append((key, self.text(value)))
            elif key == _STATUS_DETAILS_KEY:
                cleaned.append((key, self.status_details(value)))
            elif self.found(value):
                cleaned.append((key, self._bytes(value)))
            else:
                cleaned.append((key, value))
        return tuple(cleaned)

    def status_details(self, blob: bytes) -> bytes:
        """A serialized google.rpc.Status with secrets replaced in every string."""
        if not self.found(blob):
            return blob
        status = status_pb2.Status()
        try:
            status.ParseFromString(blob)
        except DecodeError:
            return self._bytes(blob)
        self._message(status)
        cleaned: bytes = status.SerializeToString()
        return cleaned

    def _message(self, message: Message) -> None:
        if isinstance(message, any_pb2.Any):
            self._any(message)
            return
        for field, value in message.ListFields():
            if field.message_type is not None and field.message_type.GetOptions().map_entry:
                value_field = field.message_type.fields_by_name["value"]
                for key in list(value):
                    if value_field.type == FieldDescriptor.TYPE_STRING:
                        value[key] = self.text(value[key])
                    elif value_field.message_type is not None:
                        self._message(value[key])
            elif field.type == FieldDescriptor.TYPE_STRING:
                if field.is_repeated:
                    value[:] = [self.text(item) for item in value]
                else:
                    setattr(message, field.name, self.text(value))
            elif field.type == FieldDescriptor.TYPE_MESSAGE:
                for item in value if field.is_repeated else (value,):
                    self._message(item)

    def _any(self, packed: any_pb2.Any) -> None:
        if not self.found(packed.value):
            return
        name = packed.TypeName()
        try:
            descriptor = descriptor_pool.Default().FindMessageTypeByName(name)
        except KeyError:
            packed.value = self._bytes(packed.value)
            return
        inner = message_factory.GetMessageClass(descriptor)()
        packed.Unpack(inner)
        self._message(inner)
        packed.Pack(inner)


def redact_json(value: Any, redactor: Redactor, keys: Sequence[str] | None = None) -> bool:
    """Redact, in place, every string inside parsed JSON `value` (or only under
    `keys` of an object); whether anything changed."""
    changed = False
    if isinstance(value, dict):
        for key in keys if keys is not None else list(value):
            item = value.get(key)
            if isinstance(item, str):
                if redactor.found(item):
                    value[key] = redactor.text(item)
                    changed = True
            elif isinstance(item, dict | list):
                changed = redact_json(item, redactor) or changed
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if isinstance(item, str):
                if redactor.found(item):
                    value[index] = redactor.text(item)
                    changed = True
            elif isinstance(item, dict | list):
                changed = redact_json(item, redactor) or changed
    return changed


_SHAPED = re.compile("|".join(_PATTERNS))
_SHAPED_BYTES = re.compile("|".join(_PATTERNS).encode())


def _maybe_shaped(text: str) -> bool:
    """Whether `text` may hold a `Bearer` or `sk-` shape: a cheap test that
    spares the patterns' scan of almost every text."""
    return "sk-" in text or "bearer" in text.lower()


def _maybe_shaped_bytes(data: bytes) -> bool:
    return b"sk-" in data or b"bearer" in data.lower()


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in order, overlapping ones joined."""
    spans.sort()
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start <= out[-1][1]:
            if end > out[-1][1]:
                out[-1] = (out[-1][0], end)
        else:
            out.append((start, end))
    return out


def _replace(value: Any, spans: list[tuple[int, int]], mark: Any) -> Any:
    """`value` (str or bytes) with each span replaced by `mark`."""
    parts = []
    last = 0
    for start, end in spans:
        parts.append(value[last:start])
        parts.append(mark)
        last = end
    parts.append(value[last:])
    return value[:0].join(parts)


def _replacement(match: re.Match[str]) -> str:
    text = match.group(0)
    return f"Bearer {REDACTED}" if text[:6].lower() == "bearer" else REDACTED


class Secrets:
    """The secrets of a process, each to be redacted wherever data leaves it.

    Operator secrets (keys, tokens, passwords) stay registered for the life of
    the process; callers' own keys are kept for the most recent
    `caller_capacity` distinct ones, so a stream of random keys cannot grow
    memory. Redactors are rebuilt only when the set changes.

    Usage::

        SECRETS.add(settings.api_key)
        safe = SECRETS.redactor().text(message)
    """

    def __init__(self, caller_capacity: int = 1024) -> None:
        self._lock = threading.Lock()
        self._fixed: set[str] = set()
        self._callers: OrderedDict[str, None] = OrderedDict()
        self._capacity = caller_capacity
        self._version = 0
        self._built: dict[bool, tuple[int, Redactor]] = {}
        # Secrets as of the last full build, and those added since: a new
        # caller's key costs a small build, not one of every secret.
        self._base = Literals(())

    def add(self, *secrets: str | None) -> None:
        """Register operator secrets (None and empty strings are ignored)."""
        new = {s for s in secrets if s and len(s) >= MIN_SECRET_LENGTH} - self._fixed
        if new:
            with self._lock:
                self._fixed |= new
                self._version += 1

    def add_caller(self, secret: str) -> None:
        """Register a caller's own key (the most recent ones are kept)."""
        if len(secret) < MIN_SECRET_LENGTH:
            return
        with self._lock:
            if secret in self._callers:
                self._callers.move_to_end(secret)
                return
            self._callers[secret] = None
            if len(self._callers) > self._capacity:
                self._callers.popitem(last=False)
            self._version += 1

    def redactor(self) -> Redactor:
        """Replaces every registered secret, `Bearer ...` and `sk-...` shapes."""
        return self._get(True)

    def exact(self) -> Redactor:
        """Replaces registered secrets only, as exact values (for forwarded model data)."""
        return self._get(False)

    def _get(self, patterns: bool) -> Redactor:
        built = self._built.get(patterns)
        if built is not None and built[0] == self._version:
            return built[1]
        with self._lock:
            version = self._version
            current = self._fixed.union(self._callers)
            added = current - self._base.secrets
            if len(added) > _REBUILD_AFTER or len(self._base.secrets) > 2 * len(current):
                # Also drops the keys of callers no longer among the recent ones.
                self._base = Literals(current)
                added = set()
            redactor = Redactor(added, patterns=patterns, literals=(self._base,))
        self._built[patterns] = (version, redactor)
        return redactor


# The process's secrets: whatever loads a secret registers it here.
SECRETS = Secrets()
