"""`bridge doctor` against the simulator behaving like each seed provider, and against
upstreams that need a profile no built-in one covers: the profile it names makes the
bridge work with that upstream."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import grpc
import pytest
from aiohttp import web

from bridge import codec
from bridge.client import AsyncBridgeClient, output_text
from bridge.config import Settings
from bridge.doctor import Diagnosis, Exchange, examine, read_reply, read_stream, report
from bridge.server import start
from bridge.simulator import SimulatorOptions
from bridge.simulator import start as start_simulator
from bridge.upstream.profiles import BUILTIN, OPENAI, load_profile
from rbridge.responses.v1 import responses_service_pb2
from tests.commands import run_bridge
from tests.conftest import Script, fixture_files

Request = responses_service_pb2.CreateResponseRequest
# The profile each seed provider needs, from what its docs show.
EXPECTED = {
    "openai": "openai",
    "dongzhou": "openai",
    "modelverse": "modelverse",
    "uniapi": "openai",
    "mandao": "openai",
    "dieyuyun": "openai",
}


@pytest.fixture
async def behaving_like(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """The base URL of a simulator behaving like the provider the test is parametrized with."""
    runner, port = await start_simulator(
        "127.0.0.1", 0, SimulatorOptions(behave_like=request.param)
    )
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        await runner.cleanup()


async def _ask_both_ways(upstream_url: str, profile: Any) -> tuple[str, str]:
    """The answer through a bridge with `profile`, unary and streamed (final response text)."""
    bridge = await start(Settings(listen="127.0.0.1:0", upstream_url=upstream_url, profile=profile))
    try:
        async with AsyncBridgeClient(f"127.0.0.1:{bridge.port}", timeout=10) as client:
            unary = await client.ask("hello doctor", model="m")
            stream = client.stream(Request(model="m", input={"text": "hello doctor"}))
            streamed = output_text(await stream.final_response())
    finally:
        await bridge.stop(0)
    return unary, streamed


@pytest.mark.parametrize("behaving_like", list(EXPECTED), indirect=True, ids=lambda name: str(name))
async def test_doctor_names_the_profile_that_makes_the_bridge_work(
    behaving_like: str, request: pytest.FixtureRequest
) -> None:
    """For each provider, doctor names the profile its docs call for, and that profile works."""
    name = request.node.callspec.params["behaving_like"]
    diagnosis = await examine(Settings(upstream_url=behaving_like), "m")
    assert not diagnosis.failed, report(diagnosis, behaving_like)
    assert diagnosis.fit() == EXPECTED[name]
    lines = report(diagnosis, behaving_like)
    assert lines[-1] == f"profile: {EXPECTED[name]} (BRIDGE_UPSTREAM_PROFILE={EXPECTED[name]})"
    answers = await _ask_both_ways(behaving_like, BUILTIN[EXPECTED[name]])
    assert answers == ("You said: hello doctor", "You said: hello doctor")


@pytest.mark.parametrize("behaving_like", ["modelverse"], indirect=True)
async def test_doctor_reports_what_modelverse_does_differently(behaving_like: str) -> None:
    """The report names response.done, created and max_tokens, each as needing a profile."""
    diagnosis = await examine(Settings(upstream_url=behaving_like), "m")
    assert diagnosis.success_events == {"response.done"}
    assert diagnosis.request_renames == {"max_output_tokens": "max_tokens"}
    assert diagnosis.response_aliases == {"created": "created_at"}
    needs = [f.text for _, found in diagnosis.findings for f in found if f.needs]
    assert any(text.startswith("ends with response.done") for text in needs)
    assert any("max_tokens is honoured" in text for text in needs)
    assert any('"created" instead of "created_at"' in text for text in needs)


@pytest.mark.parametrize("behaving_like", ["modelverse"], indirect=True)
async def test_the_default_profile_fails_modelverse_streams_naming_the_fix(
    behaving_like: str,
) -> None:
    """Without its profile, a modelverse stream fails naming response.done and the profile."""
    bridge = await start(Settings(listen="127.0.0.1:0", upstream_url=behaving_like))
    try:
        async with AsyncBridgeClient(f"127.0.0.1:{bridge.port}", timeout=10) as client:
            with pytest.raises(grpc.aio.AioRpcError) as failure:
                async for _ in client.ask_stream("hi", model="m"):
                    pass
    finally:
        await bridge.stop(0)
    assert failure.value.code() == grpc.StatusCode.UNAVAILABLE
    details = failure.value.details() or ""
    assert "the last event was response.done" in details
    assert "BRIDGE_UPSTREAM_PROFILE=modelverse" in details


@pytest.fixture
async def acme() -> AsyncIterator[str]:
    """An upstream that answers like OpenAI but ends streams with its own response.finished
    (and a data: [DONE]); yields its base URL."""

    async def responses(request: web.Request) -> web.StreamResponse:
        body = await request.json()
        final = {"id": "r", "object": "response", "status": "completed", "output": []}
        if not body.get("stream"):
            return web.json_response({**final, "created_at": 1, "status": "incomplete"})
        events = [
            {"type": "response.created", "response": {**final, "status": "in_progress"}},
            {"type": "response.output_text.delta", "delta": "You said: hi"},
            {"type": "response.finished", "response": final},
        ]
        frames = b"".join(b"data: %s\n\n" % json.dumps(e).encode() for e in events)
        reply = web.StreamResponse(headers={"content-type": "text/event-stream"})
        await reply.prepare(request)
        await reply.write(frames + b"data: [DONE]\n\n")
        await reply.write_eof()
        return reply

    app = web.Application()
    app.router.add_post("/v1/responses", responses)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/v1"
    finally:
        await runner.cleanup()


async def _run_doctor(*args: str) -> tuple[int, str, str]:
    return await run_bridge("doctor", *args)


async def test_a_profile_no_built_in_covers_is_written_and_works(
    acme: str, bridge_for: Callable[..., Any], tmp_path: Path
) -> None:
    """An upstream ending with its own event gets a profile file that the bridge then loads."""
    written = tmp_path / "acme.json"
    code, out, err = await _run_doctor("--upstream-url", acme, "--write-profile", str(written))
    assert code == 0, err
    assert "no built-in profile fits" in out
    assert "a final data: [DONE] (the bridge skips it)" in out
    assert out.endswith(f"wrote {written}: BRIDGE_UPSTREAM_PROFILE={written}\n")
    profile = load_profile(str(written))
    assert profile.name == "127.0.0.1"
    assert profile.success_events == OPENAI.success_events | {"response.finished"}
    stub = await bridge_for(acme, profile=profile)
    events = [e async for e in stub.StreamCreateResponse(Request(model="m", input={"text": "x"}))]
    assert codec.event_type(events[-1]) == "response.finished"


async def test_a_refused_key_is_reported_and_exits_1(
    scripted: tuple[str, Script], tmp_path: Path
) -> None:
    """An upstream that refuses the key fails the diagnosis, saying so; no profile is written."""
    url, script = scripted
    script.status = 401
    script.headers = {"content-type": "application/json"}
    script.chunks = [b'{"error": {"message": "Incorrect API key", "code": "invalid_api_key"}}']
    unused = str(tmp_path / "unused.json")
    code, out, _ = await _run_doctor("--upstream-url", url, "--write-profile", unused)
    assert code == 1
    assert "FAILED upstream returned HTTP 401: Incorrect API key (code invalid_api_key)" in out
    assert out.endswith("no profile chosen: a call failed (see above)\n")
    assert not await asyncio.to_thread(os.path.exists, unused)


async def test_an_unreachable_upstream_is_one_line() -> None:
    """Nothing listening: one line on stderr naming the upstream, exit 1."""
    code, out, err = await _run_doctor("--upstream-url", "http://127.0.0.1:9/v1")
    assert (code, out) == (1, "")
    (line,) = err.splitlines()
    assert line.startswith("bridge doctor: http://127.0.0.1:9/v1: upstream connection failed")


def test_the_documented_data_only_stream_reads_as_openai_s() -> None:
    """dieyuyun's documented stream: data-only framing seen, nothing a profile must fix."""
    body = fixture_files("seeds", "dieyuyun-stream-data-only.sse")[0].read_bytes()
    diagnosis = Diagnosis()
    found = [f.text for f in read_stream(Exchange(200, "text/event-stream", body), diagnosis)]
    assert "6 events with data: lines only" in found[0]
    assert "no data: [DONE]" in found
    assert found[-1] == "ends with response.completed"
    assert diagnosis.fit() == "openai"


def test_the_documented_modelverse_reply_needs_created_as_created_at() -> None:
    """modelverse's documented reply: created aliased, its bare text output reported."""
    body = fixture_files("seeds", "modelverse-response-nonstream-simplified.json")[0].read_bytes()
    diagnosis = Diagnosis()
    found = [f.text for f in read_reply(Exchange(200, "application/json", body), diagnosis)]
    assert diagnosis.response_aliases == {"created": "created_at"}
    assert "output items of types the contract does not know (kept whole in unknown): text" in (
        found
    )
