"""Rebuild a response from its stream events, as the API shows it mid-generation (no I/O).

`Accumulator` is fed every event of a response, in order, and can at any
moment return the Response object as ``GET /v1/responses/{id}`` shows it:
the latest status, the output items so far with their text as streamed up to
now (the ``added`` item, its parts, the deltas joined), and, once a terminal
event (``response.completed``, ``.incomplete``, ``.failed``) arrived, exactly
that event's response. Deltas are kept as lists and joined on demand, so a
long stream costs linear time however often it is looked at.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Mapping
from typing import Any, Final

__all__ = ["TERMINAL_EVENTS", "Accumulator"]

TERMINAL_EVENTS: Final = frozenset({"response.completed", "response.incomplete", "response.failed"})
"""The events that end a response, each carrying the final Response."""

Path = tuple[str | int, ...]

# Where each kind of delta goes inside its output item.
_DELTA_PATHS: Final[dict[str, Callable[[Mapping[str, Any]], Path]]] = {
    "response.output_text.delta": lambda e: ("content", e["content_index"], "text"),
    "response.refusal.delta": lambda e: ("content", e["content_index"], "refusal"),
    "response.reasoning_text.delta": lambda e: ("content", e["content_index"], "text"),
    "response.reasoning_summary_text.delta": lambda e: ("summary", e["summary_index"], "text"),
    "response.function_call_arguments.delta": lambda e: ("arguments",),
    "response.mcp_call_arguments.delta": lambda e: ("arguments",),
    "response.custom_tool_call_input.delta": lambda e: ("input",),
    "response.code_interpreter_call_code.delta": lambda e: ("code",),
    "response.shell_call_command.delta": lambda e: ("action", "commands", e["command_index"]),
}

# Progress events that change their item's status, by the last part of their type.
_STATUS_STAGES: Final = frozenset({"in_progress", "searching", "interpreting", "generating"})


def _container(item: Any, path: Path) -> Any:
    """Return the object holding the last key of ``path`` inside ``item``."""
    target = item
    for key in path[:-1]:
        target = target[key]
    return target


class Accumulator:
    """The state of one response, rebuilt from its events (see the module doc)."""

    def __init__(self) -> None:
        """Start with no event seen."""
        self._response: dict[str, Any] | None = None
        self._items: list[dict[str, Any]] = []
        # (output index, path in the item) -> deltas not yet joined into the item
        self._pending: dict[tuple[int, Path], list[str]] = {}
        self.final = False

    def apply(self, event: Mapping[str, Any]) -> None:
        """Take one event into account (events must come in stream order)."""
        kind = event["type"]
        response = event.get("response")
        if isinstance(response, dict):
            self._response = response
            self.final = kind in TERMINAL_EVENTS
            return
        index = event.get("output_index")
        if not isinstance(index, int):
            return
        if kind == "response.output_item.added":
            self._items.append(copy.deepcopy(event["item"]))
        elif kind == "response.output_item.done":
            self._drop_pending(index)
            self._items[index] = copy.deepcopy(event["item"])
        elif kind == "response.content_part.added":
            self._items[index].setdefault("content", []).append(dict(event["part"]))
        elif kind == "response.content_part.done":
            part = event["content_index"]
            self._drop_pending(index, "content", part)
            self._items[index]["content"][part] = copy.deepcopy(event["part"])
        elif kind == "response.reasoning_summary_part.added":
            self._items[index].setdefault("summary", []).append(dict(event["part"]))
        elif kind == "response.reasoning_summary_part.done":
            part = event["summary_index"]
            self._drop_pending(index, "summary", part)
            self._items[index]["summary"][part] = dict(event["part"])
        elif kind == "response.output_text.annotation.added":
            content = self._items[index]["content"][event["content_index"]]
            content.setdefault("annotations", []).append(copy.deepcopy(event["annotation"]))
        elif kind == "response.shell_call_command.added":
            self._items[index]["action"]["commands"].append(event["command"])
        elif kind in _DELTA_PATHS:
            path = _DELTA_PATHS[kind](event)
            self._pending.setdefault((index, path), []).append(event["delta"])
        elif kind.rsplit(".", 1)[-1] in _STATUS_STAGES and "status" in self._items[index]:
            self._items[index]["status"] = kind.rsplit(".", 1)[-1]

    def _drop_pending(self, index: int, *prefix: str | int) -> None:
        """Forget the deltas of item ``index`` under ``prefix``: a done event replaced them."""
        for key in [key for key in self._pending if key[0] == index]:
            if key[1][: len(prefix)] == prefix:
                del self._pending[key]

    @property
    def status(self) -> str | None:
        """The status of the latest response snapshot (None before the first)."""
        return None if self._response is None else str(self._response["status"])

    def response(self, status: str | None = None) -> dict[str, Any]:
        """Return the Response as of now, with ``status`` instead of its own when given.

        Raises `LookupError` before the first event carrying a response.
        """
        if self._response is None:
            raise LookupError("no response event seen yet")
        if self.final and status is None:
            return self._response
        snapshot = dict(self._response)
        if not self.final:
            snapshot["output"] = self._output()
        if status is not None:
            snapshot["status"] = status
        return snapshot

    def _output(self) -> list[dict[str, Any]]:
        """Return copies of the items so far, the pending deltas joined in."""
        items = copy.deepcopy(self._items)
        for (index, path), deltas in self._pending.items():
            joined = "".join(deltas)
            deltas[:] = [joined]  # join each delta once, however often this runs
            holder = _container(items[index], path)
            holder[path[-1]] += joined
        return items
