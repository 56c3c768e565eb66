"""Upstream profiles: providers' deviations are settings, and every seed example passes."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import grpc
import grpc.aio
import pytest

from bridge import codec
from bridge.config import ConfigError, Settings
from bridge.upstream.profiles import BUILTIN, OPENAI, ending_with, load_profile
from rbridge.responses.v1 import responses_service_pb2
from tests.conftest import Script, fixture_files, load_json, normalized

Request = responses_service_pb2.CreateResponseRequest
MODELVERSE = BUILTIN["modelverse"]


@pytest.mark.parametrize("name", list(BUILTIN))
def test_a_profile_written_as_json_loads_back_the_same(name: str, tmp_path: Path) -> None:
    """Profile.to_json is what load_profile reads: a written profile file is the profile."""
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(BUILTIN[name].to_json()))
    assert load_profile(str(path)) == BUILTIN[name]


def test_ending_with_names_the_built_in_profiles_that_accept_an_event() -> None:
    """response.done ends streams under modelverse and lenient; a delta under none."""
    assert ending_with("response.done") == ["modelverse", "lenient"]
    assert ending_with("response.completed") == list(BUILTIN)
    assert ending_with("response.output_text.delta") == []


def test_openai_profile_changes_nothing() -> None:
    """The default profile passes requests and replies through untouched."""
    body = {"model": "m", "max_output_tokens": 5}
    assert OPENAI.request(body) is body
    assert OPENAI.response({"created": 1}) == {"created": 1}


def test_renames_and_aliases_keep_the_original() -> None:
    """A renamed request key is sent under the provider's name; an alias fills the typed key."""
    assert MODELVERSE.request({"model": "m", "max_output_tokens": 5}) == {
        "model": "m",
        "max_tokens": 5,
    }
    assert MODELVERSE.response({"created": 7}) == {"created": 7, "created_at": 7}
    assert MODELVERSE.response({"created": 7, "created_at": 9}) == {"created": 7, "created_at": 9}


def test_profile_from_a_json_file(tmp_path: Path) -> None:
    """A custom profile is a JSON file of the same fields; mistakes are reported."""
    path = tmp_path / "acme.json"
    path.write_text(json.dumps({"success_events": ["response.finished"], "request_renames": {}}))
    profile = load_profile(str(path))
    assert profile.name == "acme" and profile.success_events == {"response.finished"}
    path.write_text(json.dumps({"succes_events": []}))
    with pytest.raises(ValueError, match="unknown fields"):
        load_profile(str(path))
    with pytest.raises(ConfigError):
        Settings.load(env={"BRIDGE_UPSTREAM_PROFILE": "nonexistent"})
    assert Settings.load(env={"BRIDGE_UPSTREAM_PROFILE": "modelverse"}).profile is MODELVERSE


async def test_modelverse_reply_gets_created_at_and_keeps_created(
    scripted: tuple[str, Script], bridge_for: Callable[..., Any]
) -> None:
    """The documented modelverse reply reaches the client whole, with created_at typed too."""
    url, script = scripted
    reply = load_json(fixture_files("seeds", "modelverse-response-nonstream-simplified.json")[0])
    script.headers = {"content-type": "application/json"}
    script.chunks = [json.dumps(reply).encode()]
    stub = await bridge_for(url, profile=MODELVERSE)
    response = await stub.CreateResponse(
        Request(model="m", input={"text": "x"}, max_output_tokens=64)
    )
    assert response.created_at == reply["created"]
    assert response.extra_fields["created"].number_value == reply["created"]
    assert response.output[0].WhichOneof("item") == "unknown"
    assert script.requests[0]["max_tokens"] == 64 and "max_output_tokens" not in script.requests[0]
    body = codec.to_json(response)
    assert normalized({k: v for k, v in body.items() if k != "created_at"}) == normalized(reply)


@pytest.mark.parametrize(
    ("profile", "ok"), [(OPENAI, False), (MODELVERSE, True)], ids=["openai", "modelverse"]
)
async def test_response_done_ends_a_stream_only_where_the_profile_says(
    scripted: tuple[str, Script], bridge_for: Callable[..., Any], profile: Any, ok: bool
) -> None:
    """A provider's own final event ends the stream OK under its profile, not under OpenAI's."""
    url, script = scripted
    events = [
        {"type": "response.created", "response": {"id": "r", "created": 5}},
        {"type": "response.output_text.delta", "delta": "Hi"},
        {"type": "response.done", "response": {"id": "r", "status": "completed"}},
    ]
    script.chunks = [b"".join(f"data: {json.dumps(e)}\n\n".encode() for e in events)]
    stub = await bridge_for(url, profile=profile)
    received = []
    try:
        async for event in stub.StreamCreateResponse(Request(model="m", input={"text": "x"})):
            received.append(event)
        ended_ok = True
    except grpc.aio.AioRpcError as error:
        assert error.code() == grpc.StatusCode.UNAVAILABLE
        ended_ok = False
    assert ended_ok is ok
    assert len(received) == 3
    assert received[0].created.response.created_at == (5 if ok else 0)


SEED_REQUESTS = [p for p in fixture_files("seeds", "*.json") if "-request-" in p.name]


@pytest.mark.parametrize("path", SEED_REQUESTS, ids=lambda p: p.name)
@pytest.mark.parametrize("streaming", [False, True], ids=["unary", "stream"])
async def test_every_seed_request_runs_through_the_bridge(
    path: Path, streaming: bool, simulator: str, bridge_for: Callable[..., Any]
) -> None:
    """Each documented provider request goes through both RPCs to the simulator and back."""
    body = load_json(path)
    body.pop("stream", None)
    if "model" not in body:
        body["model"] = "gpt-test"  # the doc marks model optional; the simulator needs one
    request = codec.from_json(body, Request)
    stub = await bridge_for(simulator)
    if streaming:
        events = [e async for e in stub.StreamCreateResponse(request)]
        assert codec.event_type(events[-1]) in ("response.completed", "response.incomplete")
    else:
        response = await stub.CreateResponse(request)
        # A placeholder example asks for max_output_tokens 0: incomplete, but not failed.
        assert response.status in ("completed", "incomplete")


SEED_REPLIES = [
    p for p in fixture_files("seeds", "*.json") if "-response-" in p.name and "error" not in p.name
]


@pytest.mark.parametrize("path", SEED_REPLIES, ids=lambda p: p.name)
@pytest.mark.parametrize("streaming", [False, True], ids=["unary", "stream"])
async def test_every_seed_reply_reaches_the_client_whole(
    path: Path,
    streaming: bool,
    scripted: tuple[str, Script],
    bridge_for: Callable[..., Any],
) -> None:
    """Each documented provider reply, as JSON or inside a completed event, arrives lossless."""
    url, script = scripted
    reply = load_json(path)
    stub = await bridge_for(url, profile=BUILTIN["lenient"])
    request = Request(model="m", input={"text": "x"})
    if streaming:
        event = {"type": "response.completed", "response": reply}
        script.chunks = [f"data: {json.dumps(event)}\n\n".encode()]
        (received,) = [e async for e in stub.StreamCreateResponse(request)]
        got = codec.to_json(received.completed.response)
    else:
        script.headers = {"content-type": "application/json"}
        script.chunks = [json.dumps(reply).encode()]
        got = codec.to_json(await stub.CreateResponse(request))
    if "created" in reply and "created_at" not in reply:
        assert got.pop("created_at") == reply["created"]
    assert normalized(got) == normalized(reply)
