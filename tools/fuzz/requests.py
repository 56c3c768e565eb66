"""The client-request family: hostile requests for every RPC, from the descriptors.

Every category applies to every method of the service (each case's method is picked by
a hash of its number); request types, oneof arms, free-form fields and string fields are
found by walking the descriptors (`tools.fuzz.messages.Shapes`), and calls are made with
`channel.unary_unary`/`unary_stream`/`stream_unary`/`stream_stream` by the method's kind,
so a new RPC or field is fuzzed without new code. Cases go
through grpc's Python client, or over raw HTTP/2 when their metadata is something grpc
refuses to send (CR, LF, NUL, non-ASCII).
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field

from google.protobuf.descriptor import Descriptor, FieldDescriptor, MethodDescriptor
from google.protobuf.message import Message

from tools.fuzz.cases import Case, Category, Family
from tools.fuzz.corpus import Corpus, methods
from tools.fuzz.messages import Generator, Shapes, deep_value, is_map, set_path

__all__ = ["RequestContext", "family", "legal_metadata"]

NAME = "requests"
ARMS_PER_CASE = 4

# Ids that are not one plain path segment, or not a plain string at all.
ODD_IDS = (
    "..",
    ".",
    "a/b",
    "../../v1/responses",
    "%2F",
    "%2e%2e",
    "a?b=c",
    "a#b",
    "a b",
    "a\r\nb",
    "a\nHost: evil",
    "a\x00b",
    "é",
    "日本",
    "\U0001f600",
    "\ufeff",
    "",
    " ",
    "/",
    "//",
    "resp_" + "x" * 10_000,
    "\\",
    "a;b",
    "~",
)

# Header names a caller must not control upstream, or that gRPC/HTTP treat specially.
HOSTILE_KEYS = (
    "authorization",
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "te",
    "upgrade",
    "proxy-authorization",
    "cookie",
    "x-forwarded-for",
    "x-forwarded-host",
    "forwarded",
    "user-agent",
    "x-bridge-raw-json",
    "x-request-id",
    "accept-encoding",
)

HOSTILE_VALUES: tuple[bytes, ...] = (
    b"",
    b" ",
    b"a\rb",
    b"a\nb",
    b"a\r\nx-injected: 1",
    b"a\x00b",
    "é".encode(),
    "日本語".encode(),
    "\U0001f600".encode(),
    b"\xff\xfe",
    b"\x80",
    b"Bearer ",
    b"Bearer sk-" + b"A" * 48,
    b"chunked",
    b"0",
    b"-1",
    b"true",
    b"1, 2",
)


def legal_metadata(key: str, value: str | bytes) -> bool:
    """Whether grpc's own clients would send this pair (printable ASCII, lower-case key)."""
    if key.endswith("-bin"):
        return isinstance(value, bytes)
    raw = value.encode("latin-1", "replace") if isinstance(value, str) else value
    key_ok = bool(key) and all(c in "abcdefghijklmnopqrstuvwxyz0123456789-_." for c in key)
    return key_ok and all(0x20 <= b <= 0x7E for b in raw) and not key.startswith("grpc-")


@dataclass
class RequestContext:
    """What the generators need to know about the bridge under test."""

    corpus: Corpus
    max_message_bytes: int
    forward_headers: tuple[str, ...]
    caller_key_header: str
    caller_key: str
    _shapes: dict[str, Shapes] = field(default_factory=dict)

    def shapes(self, descriptor: Descriptor) -> Shapes:
        """The oneof arms, free-form and string fields reachable from a request type."""
        found = self._shapes.get(descriptor.full_name)
        if found is None:
            found = self._shapes[descriptor.full_name] = Shapes(descriptor)
        return found

    def base(self, rng: random.Random, descriptor: Descriptor) -> Message:
        """A copy of a random seed request of this type."""
        _, message = rng.choice(self.corpus.bases(descriptor))
        return copy.deepcopy(message)


def _case(label: str, method: MethodDescriptor, messages: list[Message], **kw: object) -> Case:
    return Case("", "", 0, label, method, messages, **kw)  # type: ignore[arg-type]


def _more(rng: random.Random, method: MethodDescriptor, first: Message) -> list[Message]:
    """Client-streaming methods get one to three messages; the others exactly one."""
    if not method.client_streaming:
        return [first]
    return [first] + [copy.deepcopy(first) for _ in range(rng.randint(0, 2))]


class _Generators:
    def __init__(self, ctx: RequestContext) -> None:
        self.ctx = ctx

    def random_fields(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """Random values in random fields (out-of-range numbers, NaN, unknown enums),
        merged into a seed request or alone."""
        generator = Generator(rng, depth=rng.randint(1, 5), fill=rng.uniform(0.1, 0.6))
        message = generator.message(method.input_type)
        if rng.random() < 0.6:
            base = self.ctx.base(rng, method.input_type)
            base.MergeFrom(message)
            message = base
        return _case("random", method, _more(rng, method, message))

    def oneof_arms(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """Each oneof arm reachable from the request type in turn, with a random value."""
        shapes = self.ctx.shapes(method.input_type)
        message = self.ctx.base(rng, method.input_type)
        if not shapes.arms:
            return _case("no-oneof", method, [message])
        # Several arms per case, each on its own path, so every arm is reached soon.
        first = turn * ARMS_PER_CASE
        chosen = [shapes.arms[(first + n) % len(shapes.arms)] for n in range(ARMS_PER_CASE)]
        for path, arm in chosen:
            holder = set_path(message, path)
            Generator(rng, depth=len(path) + 3).set_field(holder, arm, len(path))
        _, arm = chosen[0]
        label = f"{arm.containing_type.name}.{arm.name}"
        case = _case(label, method, _more(rng, method, message))
        case.notes["arms"] = [f"{a.containing_type.full_name}.{a.name}" for _, a in chosen]
        return case

    def deep_nesting(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """A free-form (Struct/Value/ListValue) field nested 10..200 levels deep."""
        shapes = self.ctx.shapes(method.input_type)
        message = self.ctx.base(rng, method.input_type)
        path, field = shapes.free_form[turn % len(shapes.free_form)]
        depth = rng.choice((10, 20, 31, 32, 33, 34, 40, 48, 49, 50, 64, 100, 150, 200))
        depth = min(200, max(10, depth + rng.randint(-1, 1)))
        kind = rng.choice(("struct", "list", "mixed"))
        _put_value(set_path(message, path), field, deep_value(depth, rng, kind))
        return _case(f"depth-{_bucket(depth)}-{kind}", method, [message])

    def strings(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """Huge, empty and hostile strings in each string field in turn."""
        shapes = self.ctx.shapes(method.input_type)
        message = self.ctx.base(rng, method.input_type)
        path, field = shapes.strings[turn % len(shapes.strings)]
        generator = Generator(rng, odd=1.0)
        style = rng.choice(("huge", "empty", "odd", "huge"))
        if style == "huge":
            value = generator.text(rng.randint(64 * 1024, self.ctx.max_message_bytes // 2))
        elif style == "empty":
            value = ""
        else:
            value = generator.text()
        holder = set_path(message, path)
        if is_map(field) or field.is_repeated:
            Generator(rng).set_field(holder, field, 99)
            if field.is_repeated and not is_map(field):
                getattr(holder, field.name).append(value)
        else:
            setattr(holder, field.name, value)
        return _case(f"{style}", method, [message])

    def extra_fields(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """Unknown keys (some equal to known field names) with random values, at random
        depths of the request."""
        shapes = self.ctx.shapes(method.input_type)
        message = self.ctx.base(rng, method.input_type)
        generator = Generator(rng, odd=0.5)
        # A request that is a union (a session's client event) has its keys in its arms.
        at_root = "extra_fields" in method.input_type.fields_by_name
        for _ in range(rng.randint(1, 5)):
            deeper = shapes.extras and (rng.random() < 0.5 or not at_root)
            path = rng.choice(shapes.extras) if deeper else ()
            holder = set_path(message, path)
            known = list(holder.DESCRIPTOR.fields_by_name)
            key = rng.choice(
                (
                    rng.choice(known),
                    "",
                    "type",
                    "stream",
                    "__proto__",
                    "a" * 1000,
                    "ÿ",
                    "a.b",
                    generator.text(),
                )
            )
            holder.extra_fields[key].CopyFrom(
                generator.free_form(_value_descriptor(), rng.randint(0, 5))
            )
        return _case("extra", method, _more(rng, method, message))

    def odd_ids(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """Ids that are not one plain path segment: dots, slashes, escapes, CR/LF, NUL."""
        message = self.ctx.base(rng, method.input_type)
        fields = [
            f
            for f in method.input_type.fields
            if f.type == FieldDescriptor.TYPE_STRING
            and not f.is_repeated
            and (f.name.endswith("id") or f.name == "after")
        ]
        odd = ODD_IDS[turn % len(ODD_IDS)]
        if not fields:
            return _case("no-id-field", method, [message])
        chosen = fields[0] if rng.random() < 0.7 else rng.choice(fields)
        setattr(message, chosen.name, odd)
        return _case(f"{chosen.name}={odd[:12]!r}", method, [message])

    def metadata(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """Hostile metadata: CR, LF, NUL, non-ASCII and UTF-8 values, huge values,
        credentials and forwarding headers, many entries."""
        message = self.ctx.base(rng, method.input_type)
        keys = [*self.ctx.forward_headers, self.ctx.caller_key_header, *HOSTILE_KEYS]
        pairs: list[tuple[str, str | bytes]] = []
        style = rng.choice(("hostile", "hostile", "huge", "many", "utf8"))
        for _ in range(rng.randint(1, 4)):
            key = rng.choice(keys)
            if style == "huge":
                value: bytes = b"v" * rng.choice((4096, 8192, 8193, 16384, 16385, 65536))
            elif style == "utf8":
                value = rng.choice(("é", "日本語", "\U0001f600", "naïve café")).encode()
            else:
                value = rng.choice(HOSTILE_VALUES)
            if key == self.ctx.caller_key_header and rng.random() < 0.5:
                value = self.ctx.caller_key.encode() + value
            pairs.append((key, value))
        if style == "many":
            pairs += [
                (f"x-fuzz-{n}", "v" * rng.randint(0, 64)) for n in range(rng.randint(50, 300))
            ]
        decoded: list[tuple[str, str | bytes]] = []
        for key, value in pairs:
            text = (
                value.decode("ascii", "strict")
                if isinstance(value, bytes) and value.isascii()
                else None
            )
            decoded.append((key, text if text is not None else value))
        raw = not all(legal_metadata(k, v) for k, v in decoded)
        label = f"{style}-{'raw' if raw else 'grpc'}"
        return _case(label, method, [message], metadata=decoded, raw=raw)

    def large(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """Requests of exactly the receive limit, just under and just over it."""
        limit = self.ctx.max_message_bytes
        offset = rng.choice((-4096, -64, -1, 0, 1, 64, 4096, limit))
        message = self.ctx.base(rng, method.input_type)
        _pad_to(message, limit + offset)
        return _case(f"limit{offset:+d}", method, [message])


def _value_descriptor() -> Descriptor:
    from google.protobuf import struct_pb2

    return struct_pb2.Value.DESCRIPTOR


def _bucket(depth: int) -> str:
    for bound in (32, 34, 50, 100, 200):
        if depth <= bound:
            return f"le{bound}"
    return "gt200"


def _put_value(holder: Message, field: FieldDescriptor, value: Message) -> None:
    """Place a deep Value in a Value, Struct or ListValue field (maps and repeated too)."""
    target = field.message_type
    if is_map(field):
        target = target.fields_by_name["value"].message_type
        slot = getattr(holder, field.name)["deep"]
    elif field.is_repeated:
        slot = getattr(holder, field.name).add()
    else:
        slot = getattr(holder, field.name)
    if target.full_name == "google.protobuf.Value":
        slot.CopyFrom(value)
    elif target.full_name == "google.protobuf.Struct":
        slot.fields["deep"].CopyFrom(value)
    else:
        slot.values.add().CopyFrom(value)


def _pad_to(message: Message, size: int) -> None:
    """Grow `message` to exactly `size` serialized bytes with one string, when it can."""
    fields = message.DESCRIPTOR.fields_by_name
    if "extra_fields" in fields and is_map(fields["extra_fields"]):
        slot = message.extra_fields["padding"]  # type: ignore[attr-defined]

        def fill(n: int) -> None:
            slot.string_value = "p" * n

    else:
        text = next(
            (
                f
                for f in message.DESCRIPTOR.fields
                if f.type == FieldDescriptor.TYPE_STRING and not f.is_repeated
            ),
            None,
        )
        if text is None:
            return

        def fill(n: int) -> None:
            setattr(message, text.name, "p" * n)

    fill(0)
    base = message.ByteSize()
    n = max(0, size - base)
    for _ in range(4):
        fill(n)
        n = max(0, n + size - message.ByteSize())
    fill(n)


def family(ctx: RequestContext) -> Family:
    """The request family: every category over every method of the service."""
    generators = _Generators(ctx)
    every = methods()
    categories = [
        Category("random_fields", generators.random_fields, every),
        Category("oneof_arms", generators.oneof_arms, every),
        Category("deep_nesting", generators.deep_nesting, every),
        Category("strings", generators.strings, every),
        Category("extra_fields", generators.extra_fields, every),
        Category("odd_ids", generators.odd_ids, every),
        Category("metadata", generators.metadata, every),
        Category("large", generators.large, every),
    ]
    return Family(NAME, categories)
