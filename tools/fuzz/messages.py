"""Random protobuf messages of any type, generated from its descriptor alone.

Nothing here names a field of the contract: a new message, field or oneof arm is
generated as soon as it is in the descriptors. `Shapes` finds, from a root message type,
every oneof arm and every free-form (`google.protobuf.Value`/`Struct`/`ListValue`) field
reachable from it, with the path of fields that reaches it, so generators can cover each
of them in turn.
"""

from __future__ import annotations

import math
import random
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from google.protobuf import struct_pb2
from google.protobuf.descriptor import Descriptor, FieldDescriptor, OneofDescriptor
from google.protobuf.message import Message
from google.protobuf.message_factory import GetMessageClass

__all__ = [
    "FREE_FORM",
    "Generator",
    "Path",
    "Shapes",
    "deep_value",
    "is_map",
    "message_class",
    "set_path",
]

FREE_FORM = frozenset(
    {"google.protobuf.Value", "google.protobuf.Struct", "google.protobuf.ListValue"}
)
# A path of fields from a root message to a nested message: each step is a field of the
# message the previous step reached (maps and repeated fields step into one new element).
Path = tuple[FieldDescriptor, ...]

_INT_RANGES = {
    FieldDescriptor.TYPE_INT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_SINT32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_SFIXED32: (-(2**31), 2**31 - 1),
    FieldDescriptor.TYPE_INT64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_SINT64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_SFIXED64: (-(2**63), 2**63 - 1),
    FieldDescriptor.TYPE_UINT32: (0, 2**32 - 1),
    FieldDescriptor.TYPE_FIXED32: (0, 2**32 - 1),
    FieldDescriptor.TYPE_UINT64: (0, 2**64 - 1),
    FieldDescriptor.TYPE_FIXED64: (0, 2**64 - 1),
}
_DOUBLES = (0.0, -0.0, 1.0, -1.5, 1e308, -1e308, 5e-324, 2.5, math.nan, math.inf, -math.inf)
# Text that breaks naive handling: controls, line separators, bidi, astral, combining.
_ODD_TEXT = (
    "",
    " ",
    "\x00",
    "\r\n",
    "\n\ndata: [DONE]\n\n",
    "\u2028\u2029",
    "\u202e\u200f",
    "\U0001f600\U0001f9d1\u200d\U0001f4bb",
    "e\u0301\u0301\u0301",
    "\ufeff",
    "\\u0000",
    '"}]}',
    "null",
    "%00%2F..",
    "\ufffd",
    "日本語のテキスト",
)


def message_class(descriptor: Descriptor) -> type[Message]:
    """The Python class of a message type."""
    return GetMessageClass(descriptor)


def is_map(field: FieldDescriptor) -> bool:
    """Whether `field` is a map field."""
    entry = field.message_type
    return entry is not None and entry.GetOptions().map_entry


def _real_oneofs(descriptor: Descriptor) -> list[OneofDescriptor]:
    """Oneofs that are real unions (not the synthetic ones of proto3 `optional`)."""
    return [
        oneof
        for oneof in descriptor.oneofs
        if not (len(oneof.fields) == 1 and oneof.name == "_" + oneof.fields[0].name)
    ]


def _children(field: FieldDescriptor) -> Descriptor | None:
    """The message type one step through `field` reaches (a map's value type)."""
    if field.message_type is None:
        return None
    if is_map(field):
        return field.message_type.fields_by_name["value"].message_type
    return field.message_type


class Shapes:
    """Every oneof arm and free-form field reachable from `root`, each with a path."""

    def __init__(self, root: Descriptor) -> None:
        self.root = root
        self.paths: dict[str, Path] = {root.full_name: ()}
        queue: deque[Descriptor] = deque([root])
        while queue:
            descriptor = queue.popleft()
            for field in descriptor.fields:
                child = _children(field)
                if child is None or child.full_name in self.paths:
                    continue
                self.paths[child.full_name] = (*self.paths[descriptor.full_name], field)
                if child.full_name not in FREE_FORM:
                    queue.append(child)
        self.types: dict[str, Descriptor] = {}
        for name in self.paths:
            self.types[name] = root.file.pool.FindMessageTypeByName(name)
        # (path to the message holding the oneof, the arm)
        self.arms: list[tuple[Path, FieldDescriptor]] = [
            (self.paths[name], arm)
            for name, descriptor in self.types.items()
            if name not in FREE_FORM
            for oneof in _real_oneofs(descriptor)
            for arm in oneof.fields
        ]
        # (path to the holder, a field whose values are free-form JSON)
        self.free_form: list[tuple[Path, FieldDescriptor]] = [
            (self.paths[name], field)
            for name, descriptor in self.types.items()
            if name not in FREE_FORM
            for field in descriptor.fields
            if (child := _children(field)) is not None and child.full_name in FREE_FORM
        ]
        # (path to the holder, a string field)
        self.strings: list[tuple[Path, FieldDescriptor]] = [
            (self.paths[name], field)
            for name, descriptor in self.types.items()
            if name not in FREE_FORM
            for field in descriptor.fields
            if field.type == FieldDescriptor.TYPE_STRING
        ]
        # Messages that can carry extra_fields (the contract's map of unknown keys).
        self.extras: list[Path] = [
            self.paths[name]
            for name, descriptor in self.types.items()
            if "extra_fields" in descriptor.fields_by_name
            and is_map(descriptor.fields_by_name["extra_fields"])
        ]


def set_path(root: Message, path: Path) -> Message:
    """The message `path` reaches from `root`, created on the way (new elements for
    repeated fields and maps, with a oneof's other arms replaced as the path says)."""
    message = root
    for field in path:
        holder = getattr(message, field.name)
        if is_map(field):
            message = holder[f"k{len(holder)}"]
        elif field.is_repeated:
            message = holder.add()
        else:
            message = holder
            # Mark presence even when the nested message stays empty.
            message.SetInParent()
    return message


def deep_value(depth: int, rng: random.Random, kind: str = "mixed") -> struct_pb2.Value:
    """A Value nested `depth` containers deep: "struct", "list" or "mixed" containers."""
    value = struct_pb2.Value(string_value="bottom")
    for _ in range(depth):
        outer = struct_pb2.Value()
        use_struct = kind == "struct" or (kind == "mixed" and rng.random() < 0.5)
        if use_struct:
            outer.struct_value.fields["k"].CopyFrom(value)
        else:
            outer.list_value.values.add().CopyFrom(value)
        value = outer
    return value


@dataclass
class Generator:
    """Fills messages with random values. `depth` bounds nested messages; `fill` is the
    chance that each optional field is set; `odd` the chance a string is hostile text."""

    rng: random.Random
    depth: int = 4
    fill: float = 0.35
    odd: float = 0.2
    repeat: int = 3

    def message(self, descriptor: Descriptor, level: int = 0) -> Message:
        """A random message of `descriptor`'s type."""
        message = message_class(descriptor)()
        self.fill_message(message, level)
        return message

    def fill_message(self, message: Message, level: int = 0) -> None:
        """Set random fields of `message` (one arm per real oneof at most)."""
        descriptor = message.DESCRIPTOR
        if descriptor.full_name in FREE_FORM:
            message.CopyFrom(self.free_form(descriptor, 3))
            return
        for oneof in _real_oneofs(descriptor):
            if self.rng.random() < 0.7:
                self.set_field(message, self.rng.choice(oneof.fields), level)
        for field in descriptor.fields:
            if field.containing_oneof is not None and field.containing_oneof in _real_oneofs(
                descriptor
            ):
                continue
            if self.rng.random() < self.fill:
                self.set_field(message, field, level)

    def set_field(self, message: Message, field: FieldDescriptor, level: int) -> None:
        """Give `field` of `message` a random value (elements for repeated and maps)."""
        if field.message_type is not None and level >= self.depth and not _scalar_map(field):
            return
        if is_map(field):
            entry = field.message_type
            holder = getattr(message, field.name)
            for _ in range(self.rng.randint(1, self.repeat)):
                key = self.scalar(entry.fields_by_name["key"])
                value_field = entry.fields_by_name["value"]
                if value_field.message_type is None:
                    holder[key] = self.scalar(value_field)
                else:
                    holder[key].CopyFrom(self._message_value(value_field, level + 1))
        elif field.is_repeated:
            holder = getattr(message, field.name)
            for _ in range(self.rng.randint(1, self.repeat)):
                if field.message_type is None:
                    holder.append(self.scalar(field))
                else:
                    holder.add().CopyFrom(self._message_value(field, level + 1))
        elif field.message_type is not None:
            getattr(message, field.name).CopyFrom(self._message_value(field, level + 1))
        else:
            setattr(message, field.name, self.scalar(field))

    def _message_value(self, field: FieldDescriptor, level: int) -> Message:
        descriptor = field.message_type
        if descriptor.full_name in FREE_FORM:
            return self.free_form(descriptor, 3)
        return self.message(descriptor, level)

    def scalar(self, field: FieldDescriptor) -> Any:
        """A random value of a scalar field's type (open enums get unknown numbers too)."""
        rng = self.rng
        kind = field.type
        if kind in _INT_RANGES:
            low, high = _INT_RANGES[kind]
            return rng.choice((0, 1, -1 if low < 0 else 2, low, high, rng.randint(low, high)))
        if kind in (FieldDescriptor.TYPE_DOUBLE, FieldDescriptor.TYPE_FLOAT):
            value = rng.choice((*_DOUBLES, rng.uniform(-10, 10)))
            if kind == FieldDescriptor.TYPE_FLOAT and math.isfinite(value) and abs(value) > 3e38:
                value = math.copysign(3e38, value)
            return value
        if kind == FieldDescriptor.TYPE_BOOL:
            return rng.random() < 0.5
        if kind == FieldDescriptor.TYPE_STRING:
            return self.text()
        if kind == FieldDescriptor.TYPE_BYTES:
            return rng.randbytes(rng.randint(0, 64))
        if kind == FieldDescriptor.TYPE_ENUM:
            numbers = [value.number for value in field.enum_type.values]
            if field.enum_type.is_closed or rng.random() < 0.8:
                return rng.choice(numbers)
            return rng.choice((max(numbers) + 1, 1000, -1, 2**31 - 1))
        raise ValueError(f"unhandled field type {kind} of {field.full_name}")

    def text(self, size: int | None = None) -> str:
        """Random text: hostile pieces, words, or `size` characters."""
        rng = self.rng
        if size is not None:
            unit = rng.choice(("a", "é", "日", "\U0001f600", "ab\n", "\x00"))
            return (unit * (size // len(unit.encode()) + 1))[: max(0, size // len(unit.encode()))]
        if rng.random() < self.odd:
            return rng.choice(_ODD_TEXT)
        words = ("hello", "x", "gpt-4.1", "resp_123", "Ünïcødé", "日本", "🙂", "a" * 40)
        return " ".join(rng.choice(words) for _ in range(rng.randint(1, 4)))

    def json_value(self, depth: int) -> Any:
        """A random JSON value at most `depth` containers deep."""
        rng = self.rng
        roll = rng.random()
        if depth > 0 and roll < 0.25:
            return {self.text(): self.json_value(depth - 1) for _ in range(rng.randint(0, 3))}
        if depth > 0 and roll < 0.45:
            return [self.json_value(depth - 1) for _ in range(rng.randint(0, 3))]
        if roll < 0.6:
            return self.text()
        if roll < 0.75:
            return rng.choice((0, -1, 2**53, 1.5, 1e300, -0.0))
        if roll < 0.88:
            return rng.random() < 0.5
        return None

    def free_form(self, descriptor: Descriptor, depth: int) -> Message:
        """A random Value, Struct or ListValue."""
        value = struct_pb2.Value()
        data = self.json_value(depth)
        if descriptor.full_name == "google.protobuf.Struct":
            struct = struct_pb2.Struct()
            struct.update(data if isinstance(data, dict) else {"v": data})
            return struct
        if descriptor.full_name == "google.protobuf.ListValue":
            values = struct_pb2.ListValue()
            values.extend(data if isinstance(data, list) else [data])
            return values
        if self.rng.random() < 0.05:
            value.number_value = self.rng.choice((math.nan, math.inf, -math.inf))
            return value
        _assign(value, data)
        return value


def _scalar_map(field: FieldDescriptor) -> bool:
    return is_map(field) and field.message_type.fields_by_name["value"].message_type is None


def _assign(value: struct_pb2.Value, data: Any) -> None:
    if data is None:
        value.null_value = struct_pb2.NULL_VALUE
    elif isinstance(data, bool):
        value.bool_value = data
    elif isinstance(data, int | float):
        value.number_value = float(data)
    elif isinstance(data, str):
        value.string_value = data
    elif isinstance(data, dict):
        value.struct_value.update(data)
    else:
        value.list_value.extend(data)


def cycle(items: list[Any], index: int) -> Any:
    """The `index`-th item, wrapping around."""
    return items[index % len(items)]


def walk(message: Message) -> Iterator[Message]:
    """`message` and every message nested in it."""
    yield message
    for field, value in message.ListFields():
        if field.message_type is None:
            continue
        if is_map(field):
            if field.message_type.fields_by_name["value"].message_type is not None:
                for item in value.values():
                    yield from walk(item)
        elif field.is_repeated:
            for item in value:
                yield from walk(item)
        else:
            yield from walk(value)
