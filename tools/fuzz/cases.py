"""What a fuzz case is, and the registry of generator categories per family."""

from __future__ import annotations

import random
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from google.protobuf.descriptor import MethodDescriptor
from google.protobuf.message import Message

from tools.harness.hostile import Responder

__all__ = ["Case", "Category", "Expect", "Family", "case_rng"]

Metadata = list[tuple[str, str | bytes]]


@dataclass(frozen=True)
class Expect:
    """What a case must end with beyond a documented status.

    `same_as_seed`: the outcome (code and message count) of the unmutated seed, since the
    mutation kept the reply valid. `path_prefix`/`path_suffix`: the upstream must have
    received exactly one path segment between them, equal to `segment` once unquoted
    (or the call was refused before reaching the upstream).
    """

    same_as_seed: str | None = None
    segment: str | None = None
    path_prefix: str = "/v1/responses/"
    path_suffix: str = ""


@dataclass
class Case:
    """One generated call: the RPC, its request messages and metadata, and for the upstream
    family the scripted reply. `raw` sends it over raw HTTP/2 (metadata gRPC refuses)."""

    family: str
    category: str
    index: int
    label: str
    method: MethodDescriptor
    messages: list[Message]
    metadata: Metadata = field(default_factory=list)
    raw: bool = False
    responder: Responder | None = None
    expect: Expect = Expect()
    secrets: tuple[str, ...] = ()
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        """family:index, enough to regenerate the case from the seed."""
        return f"{self.family}:{self.index}"

    def size(self) -> int:
        """Bytes the case sends or has sent: request messages, metadata and scripted reply."""
        total = sum(m.ByteSize() for m in self.messages)
        total += sum(len(k) + len(v) for k, v in self.metadata)
        script = getattr(self.responder, "size", None)
        return total + (script if isinstance(script, int) else 0)


Generate = Callable[[random.Random, MethodDescriptor, int], Case]


@dataclass(frozen=True)
class Category:
    """A generator: its name, the methods it applies to, and the function."""

    name: str
    generate: Callable[..., Case]
    methods: Sequence[MethodDescriptor]


@dataclass(frozen=True)
class Family:
    """A family of generator categories, run against the bridge variants of a `Run`."""

    name: str
    categories: Sequence[Category]

    def case(self, seed: int, index: int) -> Case:
        """Case `index`: categories take turns; a category's generator gets its own turn
        count (to cycle through its variants) and a method picked by a hash of the
        index, so no cycle lines up with the methods; everything else is drawn from a
        generator seeded by (seed, family, index)."""
        category = self.categories[index % len(self.categories)]
        turn = index // len(self.categories)
        pick = zlib.crc32(f"{self.name}:method:{index}".encode())
        method = category.methods[pick % len(category.methods)]
        rng = case_rng(seed, self.name, index)
        case: Case = category.generate(rng, method, turn)
        case.family, case.category, case.index = self.name, category.name, index
        return case


def case_rng(seed: int, family: str, index: int) -> random.Random:
    """The random generator of one case, independent of every other case."""
    return random.Random(f"{seed}:{family}:{index}")
