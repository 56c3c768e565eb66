"""JSON values nested to an exact depth, built and measured without recursion."""

from __future__ import annotations

from typing import Any

__all__ = ["depth", "nested", "nested_text"]


def _is_object(shape: str, level: int) -> bool:
    return shape == "object" or (shape == "mixed" and level % 2 == 0)


def nested(levels: int, shape: str = "object", leaf: Any = "leaf") -> Any:
    """A JSON value nested exactly `levels` levels (a scalar is 0): objects, arrays, or
    both in turn ("mixed")."""
    value = leaf
    for level in range(levels):
        value = {"k": value} if _is_object(shape, level) else [value]
    return value


def nested_text(levels: int, shape: str = "object") -> str:
    """The JSON text of `nested(levels, shape)`."""
    opens, closes = [], []
    for level in range(levels):
        opens.append('{"k":' if _is_object(shape, level) else "[")
        closes.append("}" if _is_object(shape, level) else "]")
    return "".join(reversed(opens)) + '"leaf"' + "".join(closes)


def depth(value: Any) -> int:
    """How many levels parsed JSON `value` nests (a scalar is 0)."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict | list):
            level += 1
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level) for child in children)
    return deepest
