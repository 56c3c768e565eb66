"""The simulator's keyword scenarios: every kind of output item and its events, SDK-checked."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import openai
import pytest
from openai.types.responses import ToolParam

from bridge.simulator.snapshot import Accumulator
from tests.conftest import FIXTURES, sse_payloads
from tests.test_simulator import (
    EVENT_ADAPTER,
    MODEL,
    RESPONSE_ADAPTER,
    WEATHER_TOOL,
    Sim,
    assert_contiguous,
    running,
    sse_events,
    validate_strictly,
)

IMAGE_TOOL: ToolParam = {"type": "image_generation", "partial_images": 2}
MCP_TOOL: ToolParam = {
    "type": "mcp",
    "server_label": "wiki",
    "server_url": "https://example.com/mcp",
    "require_approval": "never",
}
CUSTOM_TOOL: ToolParam = {"type": "custom", "name": "grep", "description": "Search text."}
SHELL_TOOL: ToolParam = {"type": "shell"}
PATCH_TOOL: ToolParam = {"type": "apply_patch"}
PREVIEW_COMPUTER: ToolParam = {
    "type": "computer_use_preview",
    "display_width": 1024,
    "display_height": 768,
    "environment": "browser",
}
GA_COMPUTER: ToolParam = {"type": "computer"}

MESSAGE = ["content_part.added", "output_text.delta+", "output_text.done", "content_part.done"]


def item(kind: str, *between: str) -> list[str]:
    """The compressed events of one output item: added, ``between``, done."""
    return [f"output_item.added:{kind}", *between, f"output_item.done:{kind}"]


# (user text, extra request fields, compressed events after response.in_progress)
SCENARIOS = [
    pytest.param(
        "think it over",
        {},
        [
            *item(
                "reasoning",
                *["reasoning_summary_part.added", "reasoning_summary_text.delta+"] * 1,
                "reasoning_summary_text.done",
                "reasoning_summary_part.done",
                "reasoning_summary_part.added",
                "reasoning_summary_text.delta+",
                "reasoning_summary_text.done",
                "reasoning_summary_part.done",
            ),
            *item("message", *MESSAGE),
            "completed",
        ],
        id="think",
    ),
    pytest.param(
        "show your reasoning text",
        {},
        [
            *item(
                "reasoning",
                "content_part.added",
                "reasoning_text.delta+",
                "reasoning_text.done",
                "content_part.done",
            ),
            *item("message", *MESSAGE),
            "completed",
        ],
        id="reasoning-text",
    ),
    pytest.param(
        "please refuse",
        {},
        [
            *item(
                "message",
                "content_part.added",
                "refusal.delta+",
                "refusal.done",
                "content_part.done",
            ),
            "completed",
        ],
        id="refuse",
    ),
    pytest.param(
        "cite your sources",
        {},
        [
            *item(
                "message",
                "content_part.added",
                "output_text.delta+",
                "output_text.annotation.added",
                "output_text.done",
                "content_part.done",
            ),
            "completed",
        ],
        id="cite",
    ),
    pytest.param(
        "search the web",
        {"include": ["web_search_call.action.sources"]},
        [
            *item(
                "web_search_call",
                "web_search_call.in_progress",
                "web_search_call.searching",
                "web_search_call.completed",
            ),
            *item("message", *MESSAGE),
            "completed",
        ],
        id="search",
    ),
    pytest.param(
        "look in my files",
        {"include": ["file_search_call.results"]},
        [
            *item(
                "file_search_call",
                "file_search_call.in_progress",
                "file_search_call.searching",
                "file_search_call.completed",
            ),
            *item("message", *MESSAGE),
            "completed",
        ],
        id="files",
    ),
    pytest.param(
        "run some code",
        {"include": ["code_interpreter_call.outputs"]},
        [
            *item(
                "code_interpreter_call",
                "code_interpreter_call.in_progress",
                "code_interpreter_call_code.delta+",
                "code_interpreter_call_code.done",
                "code_interpreter_call.interpreting",
                "code_interpreter_call.completed",
            ),
            *item("message", *MESSAGE),
            "completed",
        ],
        id="code",
    ),
    pytest.param(
        "draw a cat",
        {"tools": [IMAGE_TOOL]},
        [
            *item(
                "image_generation_call",
                "image_generation_call.in_progress",
                "image_generation_call.generating",
                "image_generation_call.partial_image+",
                "image_generation_call.completed",
            ),
            *item("message", *MESSAGE),
            "completed",
        ],
        id="draw",
    ),
    pytest.param(
        "ask the mcp server",
        {"tools": [MCP_TOOL]},
        [
            *item("mcp_list_tools", "mcp_list_tools.in_progress", "mcp_list_tools.completed"),
            *item(
                "mcp_call",
                "mcp_call.in_progress",
                "mcp_call_arguments.delta+",
                "mcp_call_arguments.done",
                "mcp_call.completed",
            ),
            *item("message", *MESSAGE),
            "completed",
        ],
        id="mcp",
    ),
    pytest.param(
        "use the custom tool",
        {"tools": [CUSTOM_TOOL]},
        [
            *item(
                "custom_tool_call",
                "custom_tool_call_input.delta+",
                "custom_tool_call_input.done",
            ),
            "completed",
        ],
        id="custom-tool",
    ),
    pytest.param(
        "open a shell",
        {"tools": [SHELL_TOOL]},
        [
            *item(
                "shell_call",
                "shell_call_command.added",
                "shell_call_command.delta+",
                "shell_call_command.done",
            ),
            "completed",
        ],
        id="shell",
    ),
    pytest.param(
        "apply a patch",
        {"tools": [PATCH_TOOL]},
        [*item("apply_patch_call"), "completed"],
        id="patch",
    ),
    pytest.param(
        "use the computer",
        {"tools": [PREVIEW_COMPUTER]},
        [*item("computer_call"), "completed"],
        id="computer-preview",
    ),
    pytest.param(
        "use the computer",
        {"tools": [GA_COMPUTER]},
        [*item("computer_call"), "completed"],
        id="computer-ga",
    ),
    pytest.param(
        "give an incomplete answer",
        {},
        [*item("message", *MESSAGE), "incomplete"],
        id="incomplete",
    ),
    pytest.param("fail please", {}, ["failed"], id="fail"),
    pytest.param("over quota", {}, ["error", "failed"], id="quota"),
    pytest.param(
        "think, then search and run code for me",
        {"tools": [WEATHER_TOOL]},
        [
            *item(
                "reasoning",
                "reasoning_summary_part.added",
                "reasoning_summary_text.delta+",
                "reasoning_summary_text.done",
                "reasoning_summary_part.done",
                "reasoning_summary_part.added",
                "reasoning_summary_text.delta+",
                "reasoning_summary_text.done",
                "reasoning_summary_part.done",
            ),
            *item(
                "web_search_call",
                "web_search_call.in_progress",
                "web_search_call.searching",
                "web_search_call.completed",
            ),
            *item(
                "code_interpreter_call",
                "code_interpreter_call.in_progress",
                "code_interpreter_call_code.delta+",
                "code_interpreter_call_code.done",
                "code_interpreter_call.interpreting",
                "code_interpreter_call.completed",
            ),
            *item(
                "function_call",
                "function_call_arguments.delta+",
                "function_call_arguments.done",
            ),
            "completed",
        ],
        id="combined-with-function",
    ),
]

# The recorded quota failure (api.openai.com): its error event and failed response.
RECORDED_QUOTA = sse_payloads(
    (FIXTURES / "sse" / "error_then_failed_insufficient_quota.sse").read_bytes()
)


def compress(events: list[dict[str, Any]]) -> list[str]:
    """Name each event (item events with their item type), runs of repeats collapsed to "+"."""
    names: list[str] = []
    for event in events:
        name = event["type"].removeprefix("response.")
        if name.startswith("output_item."):
            name += ":" + event["item"]["type"]
        if names and names[-1] in (name, name + "+"):
            names[-1] = name + "+"
        else:
            names.append(name)
    return names


def assert_same_keys(actual: Any, recorded: Any, path: str = "$") -> None:
    """Fail unless ``actual`` has exactly the keys (recursively) and JSON types of ``recorded``."""
    if isinstance(recorded, dict):
        assert isinstance(actual, dict), path
        assert list(actual) == list(recorded), f"{path}: {list(actual)} != {list(recorded)}"
        for key in recorded:
            assert_same_keys(actual[key], recorded[key], f"{path}.{key}")
    else:
        assert type(actual) is type(recorded), f"{path}: {actual!r} vs {recorded!r}"


# delta event -> (done event, its field, the index field telling parts apart)
DELTA_DONE = {
    "response.output_text.delta": ("response.output_text.done", "text", "content_index"),
    "response.refusal.delta": ("response.refusal.done", "refusal", "content_index"),
    "response.reasoning_text.delta": ("response.reasoning_text.done", "text", "content_index"),
    "response.reasoning_summary_text.delta": (
        "response.reasoning_summary_text.done",
        "text",
        "summary_index",
    ),
    "response.function_call_arguments.delta": (
        "response.function_call_arguments.done",
        "arguments",
        None,
    ),
    "response.mcp_call_arguments.delta": ("response.mcp_call_arguments.done", "arguments", None),
    "response.custom_tool_call_input.delta": (
        "response.custom_tool_call_input.done",
        "input",
        None,
    ),
    "response.code_interpreter_call_code.delta": (
        "response.code_interpreter_call_code.done",
        "code",
        None,
    ),
    "response.shell_call_command.delta": (
        "response.shell_call_command.done",
        "command",
        "command_index",
    ),
}


def assert_deltas_join(events: list[dict[str, Any]]) -> None:
    """Every run of deltas concatenates to the text of its done event."""
    joined: dict[tuple[str, int, int | None], str] = {}
    checked = 0
    for event in events:
        kind = event["type"]
        if kind in DELTA_DONE:
            done, _, part = DELTA_DONE[kind]
            key = (done, event["output_index"], event.get(part) if part else None)
            joined[key] = joined.get(key, "") + event["delta"]
        for done, field, part in DELTA_DONE.values():
            if kind == done:
                key = (done, event["output_index"], event.get(part) if part else None)
                assert joined.pop(key, "") == event[field], key
                checked += 1
    assert not joined, f"deltas without a done event: {sorted(joined)}"


@pytest.fixture
async def sim() -> AsyncIterator[Sim]:
    """A simulator with default options."""
    async with running() as simulator:
        yield simulator


def scenario_body(text: str, extra: dict[str, Any], **more: Any) -> dict[str, Any]:
    """The request of a scenario."""
    return {"model": MODEL, "input": text, **extra, **more}


def is_quota(text: str) -> bool:
    """Whether the scenario is the recorded-quota one (its shapes differ from the SDK's models)."""
    return "quota" in text


# ---------------------------------------------------------------- every scenario, streamed


@pytest.mark.parametrize(("text", "extra", "expected"), SCENARIOS)
async def test_scenario_stream(
    sim: Sim, text: str, extra: dict[str, Any], expected: list[str]
) -> None:
    """Each keyword streams its items' events in the API's order; every event validates."""
    events = await sse_events(sim.http, scenario_body(text, extra, stream=True))
    assert compress(events) == ["created", "in_progress", *expected]
    assert_contiguous(events)
    for event in events:
        if not (is_quota(text) and event["type"] in ("error", "response.failed")):
            validate_strictly(EVENT_ADAPTER, event)
    final = events[-1]["response"]
    if not is_quota(text):
        validate_strictly(RESPONSE_ADAPTER, final)
    done = [event for event in events if event["type"] == "response.output_item.done"]
    added = [event for event in events if event["type"] == "response.output_item.added"]
    assert [event["output_index"] for event in added] == list(range(len(added)))
    assert [event["output_index"] for event in done] == list(range(len(done)))
    assert final["output"] == [event["item"] for event in done]
    for event in added:
        assert event["item"]["id"] == done[event["output_index"]]["item"]["id"]
    assert_deltas_join(events)
    # The simulator's own snapshot of the stream ends as the final response.
    state = Accumulator()
    for event in events:
        state.apply(event)
    assert state.response() == final


@pytest.mark.parametrize(("text", "extra", "expected"), SCENARIOS)
async def test_scenario_unary_matches_stream(
    sim: Sim, text: str, extra: dict[str, Any], expected: list[str]
) -> None:
    """A unary request gets the stream's final response (HTTP errors for fail and quota)."""
    reply = await sim.http.post("/v1/responses", json=scenario_body(text, extra))
    if "fail" in text or is_quota(text):
        assert reply.status_code == (429 if is_quota(text) else 500)
        return
    assert reply.status_code == 200
    unary = reply.json()
    validate_strictly(RESPONSE_ADAPTER, unary)
    events = await sse_events(sim.http, scenario_body(text, extra, stream=True))
    streamed = events[-1]["response"]

    def without_ids(response: dict[str, Any]) -> Any:
        output = [
            {key: "ID" if key in ("id", "call_id", "container_id") else value}
            for item in response["output"]
            for key, value in item.items()
        ]
        return output, response["status"], response["usage"]

    assert without_ids(unary) == without_ids(streamed)


@pytest.mark.parametrize(("text", "extra", "expected"), SCENARIOS)
async def test_scenario_sdk_stream_helper(
    sim: Sim, text: str, extra: dict[str, Any], expected: list[str]
) -> None:
    """The SDK's stream helper takes every scenario; completed ones give a final response."""
    body = scenario_body(text, extra)
    if is_quota(text):
        # The SDK raises on an event whose data has an "error" object, as it
        # does with the recorded stream.
        with pytest.raises(openai.APIError, match="exceeded your current quota"):
            async with sim.client.responses.stream(**body) as stream:
                async for _ in stream:
                    pass
        return
    async with sim.client.responses.stream(**body) as stream:
        seen = [event.type async for event in stream]
        if expected[-1] == "completed":
            final = await stream.get_final_response()
            assert [item.type for item in final.output] == [
                name.split(":")[1] for name in expected if name.startswith("output_item.done")
            ]
    assert seen[-1] == f"response.{expected[-1]}"


async def test_every_snapshot_of_a_stream_is_a_valid_response(sim: Sim) -> None:
    """GET mid-stream sees valid Responses: every prefix of every item kind validates."""
    body = scenario_body(
        "think with reasoning text, search files, run code, draw, mcp, cite",
        {"tools": [IMAGE_TOOL, MCP_TOOL]},
        stream=True,
    )
    events = await sse_events(sim.http, body)
    state = Accumulator()
    for event in events:
        state.apply(event)
        validate_strictly(RESPONSE_ADAPTER, state.response())
    cancelled = state.response("cancelled")
    assert cancelled["status"] == "cancelled" and cancelled["output"] == state.response()["output"]


# ---------------------------------------------------------------- what each item holds


async def final_of(sim: Sim, text: str, **extra: Any) -> dict[str, Any]:
    """Stream ``text`` and return the final response's JSON."""
    events = await sse_events(sim.http, scenario_body(text, extra, stream=True))
    final: dict[str, Any] = events[-1]["response"]
    return final


async def test_think_counts_reasoning_tokens(sim: Sim) -> None:
    """Reasoning words count as output tokens and as reasoning tokens."""
    response = await sim.client.responses.create(model=MODEL, input="think hard")
    reasoning, message = response.output
    assert reasoning.type == "reasoning" and message.type == "message"
    summary_words = sum(len(part.text.split()) for part in reasoning.summary)
    assert len(reasoning.summary) == 2 and summary_words > 0
    assert reasoning.encrypted_content is None and reasoning.content is None
    assert response.usage is not None
    assert response.usage.output_tokens_details.reasoning_tokens == summary_words
    assert response.usage.output_tokens == summary_words + len(response.output_text.split())
    assert response.output_text == "You said: think hard"


async def test_reasoning_encrypted_content_when_included(sim: Sim) -> None:
    """include=["reasoning.encrypted_content"] adds an opaque blob to the reasoning item."""
    final = await final_of(sim, "think", include=["reasoning.encrypted_content"])
    reasoning = final["output"][0]
    assert list(reasoning) == ["id", "type", "encrypted_content", "summary"]
    assert reasoning["encrypted_content"].startswith("gAAAAA")


async def test_reasoning_text_content(sim: Sim) -> None:
    """ "reasoning text" gives the reasoning item one reasoning_text content part."""
    response = await sim.client.responses.create(model=MODEL, input="reasoning text")
    reasoning = response.output[0]
    assert reasoning.type == "reasoning" and reasoning.summary == []
    assert reasoning.content is not None
    [part] = reasoning.content
    assert part.type == "reasoning_text" and "You said: reasoning text" in part.text


async def test_refusal(sim: Sim) -> None:
    """ "refuse" answers with a refusal part and no output text."""
    response = await sim.client.responses.create(model=MODEL, input="I want you to refuse")
    [message] = response.output
    assert message.type == "message"
    [part] = message.content
    assert part.type == "refusal" and part.refusal == "I'm sorry, but I can't help with that."
    assert response.output_text == ""


async def test_url_citation(sim: Sim) -> None:
    """ "cite" annotates the whole text with a url_citation, announced once by its event."""
    events = await sse_events(sim.http, scenario_body("cite it", {}, stream=True))
    [added] = [e for e in events if e["type"] == "response.output_text.annotation.added"]
    part = events[-1]["response"]["output"][0]["content"][0]
    assert part["annotations"] == [added["annotation"]]
    assert added["annotation"] == {
        "type": "url_citation",
        "start_index": 0,
        "end_index": len("You said: cite it"),
        "url": "https://example.com/simulator",
        "title": "Simulated source",
    }
    assert added["annotation_index"] == 0


@pytest.mark.parametrize("included", [False, True])
async def test_hosted_tool_details(sim: Sim, included: bool) -> None:
    """Search, file search and code carry sources, results and logs only when included."""
    include = (
        [
            "web_search_call.action.sources",
            "file_search_call.results",
            "code_interpreter_call.outputs",
        ]
        if included
        else []
    )
    final = await final_of(sim, "search my files and run code", include=include)
    search, files, code, message = final["output"]
    answer = "You said: search my files and run code"
    assert search["action"]["query"] == "search my files and run code"
    assert ("sources" in search["action"]) is included
    assert files["queries"] == ["search my files and run code"]
    assert (files["results"] is not None) is included
    assert code["code"] == f"print({answer!r})"
    assert code["container_id"].startswith("cntr_")
    assert code["outputs"] == ([{"type": "logs", "logs": answer + "\n"}] if included else None)
    assert message["content"][0]["text"] == answer


async def test_image_generation(sim: Sim) -> None:
    """ "draw" streams the tool's partial images and ends with a PNG."""
    events = await sse_events(sim.http, scenario_body("draw", {"tools": [IMAGE_TOOL]}, stream=True))
    partial = [e for e in events if e["type"] == "response.image_generation_call.partial_image"]
    assert [e["partial_image_index"] for e in partial] == [0, 1]
    image = events[-1]["response"]["output"][0]
    assert base64.b64decode(image["result"]).startswith(b"\x89PNG")
    assert image["revised_prompt"] == "draw"
    default = await final_of(sim, "draw")
    assert default["output"][0]["status"] == "completed"


async def test_mcp_call(sim: Sim) -> None:
    """ "mcp" lists the server's echo tool, then calls it with the user text."""
    response = await sim.client.responses.create(model=MODEL, input="mcp echo", tools=[MCP_TOOL])
    listing, call, message = response.output
    assert listing.type == "mcp_list_tools" and call.type == "mcp_call"
    assert listing.server_label == call.server_label == "wiki"
    assert [tool.name for tool in listing.tools] == ["echo"]
    assert json.loads(call.arguments) == {"input": "mcp echo"}
    assert call.output == "You said: mcp echo" and call.error is None
    assert message.type == "message"
    fallback = await final_of(sim, "mcp")
    assert fallback["output"][0]["server_label"] == "simulator"


async def test_custom_tool_call(sim: Sim) -> None:
    """ "custom tool" calls the request's custom tool with the user text; without one, no call."""
    response = await sim.client.responses.create(
        model=MODEL, input="custom tool: find TODO", tools=[CUSTOM_TOOL]
    )
    [call] = response.output
    assert call.type == "custom_tool_call"
    assert (call.name, call.input) == ("grep", "custom tool: find TODO")
    assert call.call_id.startswith("call_")
    plain = await sim.client.responses.create(model=MODEL, input="custom tool please")
    assert [item.type for item in plain.output] == ["message"]


async def test_client_side_calls(sim: Sim) -> None:
    """Shell, patch and computer calls end the turn, together, without a message."""
    response = await sim.client.responses.create(
        model=MODEL, input="shell patch computer", tools=[SHELL_TOOL, PATCH_TOOL, PREVIEW_COMPUTER]
    )
    shell, patch, computer = response.output
    assert shell.type == "shell_call"
    assert shell.action.commands == ["echo 'You said: shell patch computer'"]
    assert patch.type == "apply_patch_call"
    assert patch.operation.type == "create_file" and patch.operation.path == "simulated.txt"
    assert computer.type == "computer_call"
    assert computer.action is not None and computer.action.type == "type"
    assert len({shell.call_id, patch.call_id, computer.call_id}) == 3
    ga = await final_of(sim, "computer", tools=[GA_COMPUTER])
    assert ga["output"][0]["actions"] == [{"type": "type", "text": "computer"}]
    assert "action" not in ga["output"][0]


@pytest.mark.parametrize(
    ("text", "limit", "expected_text"),
    [
        pytest.param("incomplete one two three", None, "You said: incomplete", id="keyword"),
        pytest.param("one two three four", 4, "You said: one two", id="max-output-tokens"),
        pytest.param("think and stop", 24, "You said:", id="reasoning-uses-the-budget"),
    ],
)
async def test_incomplete(
    sim: Sim, text: str, limit: int | None, expected_text: str | None
) -> None:
    """ "incomplete" or a small max_output_tokens cut the message short, status incomplete."""
    extra: dict[str, Any] = {} if limit is None else {"max_output_tokens": limit}
    response = await sim.client.responses.create(model=MODEL, input=text, **extra)
    assert response.status == "incomplete"
    assert response.incomplete_details is not None
    assert response.incomplete_details.reason == "max_output_tokens"
    message = response.output[-1]
    assert message.type == "message" and message.status == "incomplete"
    assert response.usage is not None
    if limit is not None:
        assert response.usage.output_tokens <= limit
    if expected_text is not None:
        assert response.output_text == expected_text


async def test_enough_max_output_tokens_completes(sim: Sim) -> None:
    """A max_output_tokens the answer fits in changes nothing."""
    response = await sim.client.responses.create(model=MODEL, input="hi", max_output_tokens=16)
    assert response.status == "completed" and response.output_text == "You said: hi"


async def test_fail_stream_and_unary(sim: Sim) -> None:
    """ "fail" ends a stream with response.failed (server_error); unary gets HTTP 500."""
    events = await sse_events(sim.http, scenario_body("fail", {}, stream=True))
    failed = events[-1]["response"]
    assert failed["status"] == "failed" and failed["output"] == []
    assert failed["error"] == {
        "code": "server_error",
        "message": "The model failed to generate a response.",
    }
    assert failed["usage"] is None and failed["completed_at"] is None
    with pytest.raises(openai.InternalServerError) as caught:
        await sim.client.responses.create(model=MODEL, input="fail")
    assert caught.value.code == "server_error"


async def test_quota_matches_the_recording(sim: Sim) -> None:
    """ "quota" sends the error event and failed response exactly shaped like api.openai.com's."""
    events = await sse_events(sim.http, scenario_body("quota", {}, stream=True))
    recorded_error, recorded_failed = RECORDED_QUOTA[2], RECORDED_QUOTA[3]
    assert_same_keys(events[2], recorded_error)
    assert events[2]["error"] == recorded_error["error"]
    failed = events[3]["response"]
    assert failed["error"] == recorded_failed["response"]["error"]
    assert (failed["status"], failed["output"], failed["usage"]) == ("failed", [], None)
    with pytest.raises(openai.RateLimitError) as caught:
        await sim.client.responses.create(model=MODEL, input="quota")
    assert caught.value.code == "insufficient_quota"


@pytest.mark.parametrize(
    ("text", "types"),
    [
        pytest.param("Think", ["reasoning", "message"], id="any-case"),
        pytest.param("thinking searches", ["message"], id="whole-words-only"),
        pytest.param("reasoning\n text", ["reasoning", "message"], id="phrase-across-whitespace"),
    ],
)
async def test_keywords_are_whole_words(sim: Sim, text: str, types: list[str]) -> None:
    """Keywords match whole words in any case; other words leave the answer alone."""
    response = await sim.client.responses.create(model=MODEL, input=text)
    assert [item.type for item in response.output] == types


async def test_tool_choice_none_turns_tool_keywords_off(sim: Sim) -> None:
    """With tool_choice "none" no tool keyword adds a call (reasoning still does)."""
    response = await sim.client.responses.create(
        model=MODEL,
        input="think, search, draw, shell",
        tools=[SHELL_TOOL, IMAGE_TOOL],
        tool_choice="none",
    )
    assert [item.type for item in response.output] == ["reasoning", "message"]


async def test_unknown_include_is_rejected(sim: Sim) -> None:
    """An include value the API does not know gets 400 naming "include"."""
    with pytest.raises(openai.BadRequestError) as caught:
        await sim.client.responses.create(
            model=MODEL,
            input="hi",
            include=["nonsense"],  # type: ignore[list-item]
        )
    assert caught.value.param == "include"
