"""Keeps credentials out of everything the bridge emits.

An upstream may echo the request's credentials back (a 401 body quoting the
Authorization header), and any error message, log line or span attribute
built from it would carry them on. `Redactor` replaces, wherever they occur:
the configured secrets (the upstream API key), `Bearer <token>` and anything
shaped like an OpenAI key (`sk-...`). It works on text, on gRPC trailing
metadata, and inside a serialized `google.rpc.Status` (grpc-status-details-bin),
keeping that Status consistent with the redacted status message.

Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from google.protobuf import any_pb2, descriptor_pool, message_factory
from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import DecodeError, Message
from google.rpc import status_pb2

__all__ = ["REDACTED", "Redactor"]

REDACTED = "[REDACTED]"

_PATTERNS = (
    r"(?i:bearer)\s+[A-Za-z0-9._~+/=-]{6,}",
    r"\bsk-[A-Za-z0-9][A-Za-z0-9_-]{10,}",
)
_STATUS_DETAILS_KEY = "grpc-status-details-bin"
Metadata = Sequence[tuple[str, str | bytes]]


class Redactor:
    """Replaces secrets in text, metadata and rich error details.

    Usage::

        redactor = Redactor(["sk-live-..."])
        safe = redactor.text(message)
    """

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        known = sorted({s for s in secrets if s and len(s) >= 4}, key=len, reverse=True)
        alternatives = [re.escape(secret) for secret in known] + list(_PATTERNS)
        self._text = re.compile("|".join(alternatives))
        self._bytes = re.compile("|".join(alternatives).encode())

    def text(self, value: str) -> str:
        """`value` with every secret replaced."""
        return self._text.sub(_replacement, value)

    def found(self, value: str | bytes) -> bool:
        """Whether `value` holds anything this redactor would replace."""
        if isinstance(value, bytes):
            return self._bytes.search(value) is not None
        return self._text.search(value) is not None

    def metadata(self, metadata: Metadata) -> tuple[tuple[str, str | bytes], ...]:
        """Trailing or initial metadata with secrets replaced, details included."""
        cleaned: list[tuple[str, str | bytes]] = []
        for key, value in metadata:
            if isinstance(value, str):
                cleaned.append((key, self.text(value)))
            elif key == _STATUS_DETAILS_KEY:
                cleaned.append((key, self.status_details(value)))
            elif self.found(value):
                cleaned.append((key, self._bytes.sub(REDACTED.encode(), value)))
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
            return self._bytes.sub(REDACTED.encode(), blob)
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
            packed.value = self._bytes.sub(REDACTED.encode(), packed.value)
            return
        inner = message_factory.GetMessageClass(descriptor)()
        packed.Unpack(inner)
        self._message(inner)
        packed.Pack(inner)


def _replacement(match: re.Match[str]) -> str:
    text = match.group(0)
    return f"Bearer {REDACTED}" if text[:6].lower() == "bearer" else REDACTED
