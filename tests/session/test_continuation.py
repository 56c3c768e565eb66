"""Each lane's last `store: false` response, expanded into a create that continues it."""

from __future__ import annotations

from typing import Any

from bridge.session.continuation import Continuations, input_items

USER = {"type": "message", "role": "user", "content": "What is 2+2?"}
CALL = {"type": "function_call", "call_id": "call_1", "name": "add", "arguments": "{}"}
OUTPUT = {"type": "function_call_output", "call_id": "call_1", "output": "4"}


def completed(response_id: str, *output: dict[str, Any]) -> dict[str, Any]:
    return {"id": response_id, "status": "completed", "output": list(output)}


def test_a_store_false_response_is_continued_with_its_context() -> None:
    """The continuing create gets the earlier input and output before its own input, and
    no previous_response_id; the rest of its body is kept."""
    memory = Continuations()
    memory.remember(
        "a", {"model": "m", "input": "What is 2+2?", "store": False}, completed("r1", CALL)
    )
    body, continued = memory.expand(
        {"model": "m", "previous_response_id": "r1", "input": [OUTPUT], "store": False}
    )
    assert continued == "r1"
    assert body == {"model": "m", "input": [USER, CALL, OUTPUT], "store": False}


def test_a_chain_keeps_the_whole_context() -> None:
    """Each turn's context holds the turns before it (what the turn was sent with)."""
    memory = Continuations()
    memory.remember("a", {"input": "one", "store": False}, completed("r1", {"type": "message"}))
    second, _ = memory.expand({"input": "two", "previous_response_id": "r1", "store": False})
    memory.remember("a", second, completed("r2", {"type": "message", "id": "m2"}))
    third, continued = memory.expand({"input": "three", "previous_response_id": "r2"})
    assert continued == "r2"
    assert [item.get("content") for item in third["input"]] == ["one", None, "two", None, "three"]


def test_a_stored_or_unknown_response_goes_as_it_came() -> None:
    """A stored response is the upstream's to continue; an id the session never saw too."""
    memory = Continuations()
    memory.remember("a", {"input": "x"}, completed("stored"))
    for previous in ("stored", "elsewhere"):
        body = {"input": "y", "previous_response_id": previous}
        assert memory.expand(body) == (body, None)


def test_only_each_lanes_last_response_is_kept() -> None:
    """A lane's next response replaces its context; a failed one forgets it; another
    lane's last response can be continued from any lane."""
    memory = Continuations()
    memory.remember("a", {"input": "1", "store": False}, completed("r1"))
    memory.remember("b", {"input": "2", "store": False}, completed("r2"))
    memory.remember("a", {"input": "3", "store": False}, completed("r3"))
    assert memory.expand({"previous_response_id": "r1"})[1] is None
    assert memory.expand({"previous_response_id": "r2"})[1] == "r2"
    memory.remember("b", {"input": "4", "store": False}, {"id": "r4", "status": "failed"})
    assert memory.expand({"previous_response_id": "r2"})[1] is None
    assert len(memory) == 1


def test_a_newer_connection_expands_only_older_contexts() -> None:
    """Over a WebSocket, a context made on the current connection is the upstream's own."""
    memory = Continuations()
    memory.remember("a", {"input": "1", "store": False}, completed("r1"), generation=1)
    assert memory.expand({"previous_response_id": "r1"}, before=1)[1] is None
    assert memory.expand({"previous_response_id": "r1"}, before=2)[1] == "r1"


def test_input_items_of_every_form() -> None:
    """A string is one user message; a list is kept; nothing is nothing."""
    assert input_items("hi") == [{"type": "message", "role": "user", "content": "hi"}]
    assert input_items([USER]) == [USER]
    assert input_items(None) == []


def test_past_its_bound_the_least_recently_used_lane_is_forgotten() -> None:
    """A client opening lane after lane keeps at most `max_lanes` contexts: the lane
    remembered longest ago goes first, and one remembered again counts as new."""
    memory = Continuations(max_lanes=2)
    memory.remember("a", {"input": "1", "store": False}, completed("r1"))
    memory.remember("b", {"input": "2", "store": False}, completed("r2"))
    memory.remember("a", {"input": "3", "store": False}, completed("r3"))
    memory.remember("c", {"input": "4", "store": False}, completed("r4"))
    assert len(memory) == 2
    assert memory.expand({"previous_response_id": "r2"})[1] is None
    assert memory.expand({"previous_response_id": "r3"})[1] == "r3"
    assert memory.expand({"previous_response_id": "r4"})[1] == "r4"
