"""The Session RPC over a routes file: each create goes where StreamCreateResponse would.

Real simulators on loopback behind a bridge started on a routes file; over both paths (their
profile says they speak the WebSocket mode, or a profile file says they do not).
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
import pytest

from tests.conftest import access_lines
from tests.routing.conftest import StartRouted, StartSimulator, routed, simulators
from tests.session.conftest import PATHS, as_json, collect, create, lane_of, text_of

__all__ = ["routed", "simulators"]

pytestmark = pytest.mark.parametrize("path", PATHS)


@pytest.fixture
def profile(tmp_path: Path, path: str) -> str:
    """The routes file's profile of every upstream: OpenAI's (the WebSocket mode), or a
    profile file of an upstream without it (each create over HTTP)."""
    if path == "websocket":
        return "openai"
    file = tmp_path / "http-only.json"
    file.write_text(json.dumps({"name": "openai-http", "websocket": False}))
    return str(file)


def responses(log_output: io.StringIO) -> dict[str | None, list[dict[str, Any]]]:
    """The access lines of the session's responses, by lane."""
    lines: dict[str | None, list[dict[str, Any]]] = {}
    for line in access_lines(log_output):
        if line["event"] == "response":
            lines.setdefault(line["stream_id"], []).append(line)
    return lines


def routes_file(
    profile: str, upstreams: dict[str, str], *routes: str, default: str, extra: str = ""
) -> str:
    """A routes file: each upstream at its URL (its options may follow after a comma) with
    the path's profile, the routes, the default upstream, then `extra` lines."""
    lines = ["upstreams:"]
    for name, url_and_options in upstreams.items():
        url, _, options = url_and_options.partition(",")
        more = f", {options.strip()}" if options else ""
        lines.append(f'  {name}: {{base_url: "{url}", profile: "{profile}"{more}}}')
    lines += ["routes:", *(f"  - {route}" for route in routes), f"default_upstream: {default}"]
    return "\n".join(lines) + "\n" + extra


async def requests(*events: Any) -> Any:
    for event in events:
        yield event


async def test_each_create_goes_to_the_upstream_its_model_routes_to(
    path: str,
    profile: str,
    simulators: StartSimulator,
    routed: StartRouted,
    log_output: io.StringIO,
) -> None:
    """Creates of two models on two lanes of one session: each served by its route's
    upstream, asked for the model id the route gives there; the session's line names both."""
    one, two = await simulators(), await simulators()
    bridge = await routed(
        routes_file(
            profile,
            {"one": one.url, "two": two.url},
            "{model: alpha, upstreams: [one]}",
            "{model: beta, upstreams: [{upstream: two, model: beta-2}]}",
            default="one",
        )
    )
    events, code, _ = await collect(
        bridge.stub.Session(requests(create("hi", "a", model="alpha"), create("yo", "b", "beta")))
    )
    assert code is grpc.StatusCode.OK
    done = {lane_of(e): e["response"] for e in events if e["type"] == "response.completed"}
    assert {lane: response["model"] for lane, response in done.items()} == {
        "a": "alpha",
        "b": "beta-2",
    }
    lines = responses(log_output)
    assert {lane: [line["upstream"] for line in lines[lane]] for lane in lines} == {
        "a": ["one"],
        "b": ["two"],
    }
    session = next(line for line in access_lines(log_output) if line["event"] == "rpc")
    # The session's line names every upstream and model; attempts are each response's.
    assert (session["upstream"], session["model"]) == ("one,two", "alpha,beta")
    assert "upstream_attempts" not in session


async def test_a_continuation_goes_to_the_upstream_holding_its_response(
    path: str,
    profile: str,
    simulators: StartSimulator,
    routed: StartRouted,
    log_output: io.StringIO,
) -> None:
    """A `store: false` turn, then one continuing it under a model routed elsewhere: the
    second goes where the first was made (affinity), which still has its context."""
    one, two = await simulators(), await simulators()
    bridge = await routed(
        routes_file(
            profile,
            {"one": one.url, "two": two.url},
            "{model: alpha, upstreams: [one]}",
            "{model: beta, upstreams: [two]}",
            default="two",
        )
    )
    call = bridge.stub.Session()
    await call.write(create("count 3 words", "a", model="alpha", store=False))
    first = None
    async for event in call:
        data = as_json(event)
        if data["type"] == "response.completed":
            first = data["response"]
            break
    assert first is not None
    await call.write(
        create("and on", "a", model="beta", store=False, previous_response_id=first["id"])
    )
    await call.done_writing()
    events = [as_json(event) async for event in call]
    assert await call.code() is grpc.StatusCode.OK
    second = events[-1]
    assert second["type"] == "response.completed", events[-1]
    assert second["response"]["previous_response_id"] == first["id"]
    # The earlier turn's input and output reached the model.
    assert second["response"]["usage"]["input_tokens"] > first["usage"]["input_tokens"]
    assert [line["upstream"] for line in responses(log_output)["a"]] == ["one", "one"]


async def test_a_create_falls_back_while_nothing_reached_the_client(
    path: str,
    profile: str,
    simulators: StartSimulator,
    routed: StartRouted,
    refusing: Callable[[], int],
    log_output: io.StringIO,
) -> None:
    """The route's first upstream refuses connections: the create is served by the next,
    the client sees only that response, and the response's line lists both attempts."""
    up = await simulators()
    bridge = await routed(
        routes_file(
            profile,
            {"down": f"http://127.0.0.1:{refusing()}/v1", "up": up.url},
            '{model: "*", upstreams: [down, up]}',
            default="up",
        )
    )
    events, code, _ = await collect(bridge.stub.Session(requests(create("hello", "a"))))
    assert code is grpc.StatusCode.OK
    assert events[0]["type"] == "response.created"  # no error event of the first upstream
    assert text_of(events[-1]) == "You said: hello"
    line = responses(log_output)["a"][0]
    assert line["upstream"] == "up"
    assert [attempt.split(":")[0] for attempt in line["upstream_attempts"]] == ["down", "up"]


async def test_a_create_no_route_serves_is_an_error_event_and_the_session_goes_on(
    path: str, profile: str, simulators: StartSimulator, routed: StartRouted
) -> None:
    """A model no route serves: a 404 `model_not_found` error event on its lane, naming
    `model`; the next create is served."""
    one = await simulators()
    bridge = await routed(
        routes_file(profile, {"one": one.url}, "{model: alpha, upstreams: [one]}", default="one")
    )
    events, code, _ = await collect(
        bridge.stub.Session(
            requests(create("hi", "a", model="nowhere"), create("hi", "a", model="alpha"))
        )
    )
    assert code is grpc.StatusCode.OK
    error = events[0]
    assert (error["type"], error["stream_id"], error["status"]) == ("error", "a", 404)
    assert (error["error"]["code"], error["error"]["param"]) == ("model_not_found", "model")
    assert events[-1]["type"] == "response.completed"


async def test_the_callers_limits_hold_per_response(
    path: str, profile: str, simulators: StartSimulator, routed: StartRouted
) -> None:
    """A caller allowed one call at once: the second lane's create, while the first's
    response is in flight, is a 429 error event with the limit's code; the first completes."""
    one = await simulators(token_delay=0.02)
    bridge = await routed(
        routes_file(
            profile,
            {"one": one.url},
            '{model: "*", upstreams: [one]}',
            default="one",
            extra="limits: {default: {concurrent: 1}}\n",
        )
    )
    events, code, _ = await collect(
        bridge.stub.Session(requests(create("count 10 words", "a"), create("hi", "b")))
    )
    assert code is grpc.StatusCode.OK
    refused = [e for e in events if lane_of(e) == "b"]
    assert [(e["type"], e["status"], e["error"]["code"]) for e in refused] == [
        ("error", 429, "caller_concurrent_limit")
    ]
    assert [e["type"] for e in events if lane_of(e) == "a"][-1] == "response.completed"


async def test_a_picked_upstream_serves_every_create(
    path: str,
    profile: str,
    simulators: StartSimulator,
    routed: StartRouted,
    log_output: io.StringIO,
) -> None:
    """`x-bridge-upstream` on the session picks the upstream of each of its creates; one
    callers may not pick is each create's 400 error event naming the key."""
    one, two = await simulators(), await simulators()
    bridge = await routed(
        routes_file(
            profile,
            {"one": one.url, "two": f"{two.url}, pickable: true"},
            '{model: "*", upstreams: [one]}',
            default="one",
        )
    )
    picked = (("x-bridge-upstream", "two"),)
    events, code, _ = await collect(
        bridge.stub.Session(requests(create("hi", "a")), metadata=picked)
    )
    assert code is grpc.StatusCode.OK and events[-1]["type"] == "response.completed"
    assert [line["upstream"] for line in responses(log_output)["a"]] == ["two"]
    refused = (("x-bridge-upstream", "one"),)
    events, code, _ = await collect(
        bridge.stub.Session(requests(create("hi", "a")), metadata=refused)
    )
    assert code is grpc.StatusCode.OK
    assert [(e["type"], e["status"], e["error"]["param"]) for e in events] == [
        ("error", 400, "x-bridge-upstream")
    ]


async def test_metadata_an_upstream_cannot_take_refuses_the_session(
    path: str, profile: str, simulators: StartSimulator, routed: StartRouted
) -> None:
    """A caller's key sent without naming its upstream, where upstreams take callers'
    keys: INVALID_ARGUMENT as the session starts, naming the metadata key."""
    one = await simulators()
    bridge = await routed(
        routes_file(
            profile,
            {"one": f"{one.url}, caller_keys: true"},
            '{model: "*", upstreams: [one]}',
            default="one",
        )
    )
    metadata = (("x-upstream-api-key", "sk-caller"),)
    events, code, details = await collect(
        bridge.stub.Session(requests(create("hi", "a")), metadata=metadata)
    )
    assert (events, code) == ([], grpc.StatusCode.INVALID_ARGUMENT)
    assert "x-upstream-api-key" in details
