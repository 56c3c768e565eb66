"""Each lane's last response, so that `previous_response_id` works with `store: false`.

Pure. Over the WebSocket, the server keeps the last response of each lane in memory: a
create may continue it with `previous_response_id` even though, with `store: false`, it was
never stored. An HTTP upstream keeps nothing between calls, so the emulation keeps it: the
context of each lane's last response (its input items, the context it continued included,
then its output items), and a create that continues such a response is sent with that
context expanded before its own input, without `previous_response_id`.

Only responses created with `store: false` are expanded: a stored response is the
upstream's to continue, and a create naming any other response goes as it came (the
upstream answers for it). A lane's context is replaced by its next response's, and
forgotten when a response on it fails, as the WebSocket forgets on an error, and at most
`MAX_LANES_KEPT` lanes' are kept (the least recently used go first). Any lane's
last response can be continued from any lane: `stream_id` schedules, `previous_response_id`
says the lineage.

Usage::

    memory = Continuations()
    body, continued = memory.expand(create.body)      # what to send
    ...
    memory.remember(lane, body, final_response)       # once it completed
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

__all__ = ["MAX_LANES_KEPT", "Continuations", "input_items"]

_PREVIOUS = "previous_response_id"
#: The lanes whose last response a session keeps; past it, the least recently used lane's
#: is forgotten (a client opening lane after lane cannot grow the process without end).
MAX_LANES_KEPT: Final = 256


@dataclass(frozen=True, slots=True)
class _Context:
    response_id: str
    items: list[Any]
    # Which upstream connection made it (a WebSocket's; 0 over HTTP).
    generation: int


def input_items(value: Any) -> list[Any]:
    """A create's `input` as a list of items: a string is one user message."""
    if value is None:
        return []
    if isinstance(value, str):
        return [{"type": "message", "role": "user", "content": value}]
    if isinstance(value, list):
        return list(value)
    return [value]


class Continuations:
    """The last `store: false` response of each lane of one session, with its context."""

    __slots__ = ("_lanes", "max_lanes")

    def __init__(self, max_lanes: int = MAX_LANES_KEPT) -> None:
        self.max_lanes = max_lanes
        # Least recently remembered first.
        self._lanes: dict[str, _Context] = {}

    def expand(
        self, body: dict[str, Any], before: int | None = None
    ) -> tuple[dict[str, Any], str | None]:
        """The body to send for a create, and the response it continues when its context
        was expanded (None: `body` itself, sent as it came).

        `before`: expand only contexts made by an earlier connection than this one (a
        WebSocket upstream keeps its own connection's; a new connection has none of them).
        """
        previous = body.get(_PREVIOUS)
        if not isinstance(previous, str):
            return body, None
        context = next((c for c in self._lanes.values() if c.response_id == previous), None)
        if context is None or (before is not None and context.generation >= before):
            return body, None
        expanded = {key: value for key, value in body.items() if key != _PREVIOUS}
        expanded["input"] = [*context.items, *input_items(body.get("input"))]
        return expanded, previous

    def remember(
        self,
        lane: str,
        sent: dict[str, Any],
        response: dict[str, Any] | None,
        generation: int = 0,
    ) -> None:
        """A response on `lane` ended: keep its context when it can be continued (it
        completed or ended incomplete, and was not stored), else forget the lane's.
        `generation` names the connection that made it."""
        usable = (
            isinstance(response, dict)
            and response.get("status") in ("completed", "incomplete")
            and isinstance(response.get("id"), str)
        )
        if not usable or sent.get("store") is not False:
            self._lanes.pop(lane, None)
            return
        assert response is not None
        output = response.get("output")
        items = [*input_items(sent.get("input")), *(output if isinstance(output, list) else [])]
        self._lanes.pop(lane, None)
        self._lanes[lane] = _Context(response["id"], items, generation)
        if len(self._lanes) > self.max_lanes:
            del self._lanes[next(iter(self._lanes))]

    def forget(self, lane: str) -> None:
        """Drop what `lane` keeps (its response failed)."""
        self._lanes.pop(lane, None)

    def __len__(self) -> int:
        return len(self._lanes)
