"""The simulator behaving like each seed provider: each deviation as its docs show it.

Where a provider's docs have an example (tests/fixtures/seeds), the simulator's
answer is compared with it: the Response keys OpenAI requires that the example
lacks, the usage keys, and a stream's framing, event order and event keys.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import orjson
import pytest

from bridge.doctor import REQUIRED_RESPONSE_KEYS
from bridge.simulator import PROVIDERS, SimulatorOptions, start
from bridge.sse import SSEDecoder
from tests.conftest import fixture_files, load_json

REQUIRED = set(REQUIRED_RESPONSE_KEYS)
# Each provider's documented example reply (dongzhou's is OpenAI's own example).
EXAMPLE_REPLIES = {
    "dongzhou": "dongzhou-response-nonstream-example1.json",
    "uniapi": "uniapi-response-200-example.json",
    "mandao": "mandao-response-200.json",
    "dieyuyun": "dieyuyun-response-success.json",
}


async def _client(name: str) -> AsyncIterator[httpx.AsyncClient]:
    runner, port = await start("127.0.0.1", 0, SimulatorOptions(behave_like=name))
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}/v1") as client:
            yield client
    finally:
        await runner.cleanup()


@pytest.fixture
async def sim(request: pytest.FixtureRequest) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client of a simulator behaving like the provider the test is parametrized with."""
    async for client in _client(request.param):
        yield client


async def _reply(client: httpx.AsyncClient, **body: Any) -> tuple[int, dict[str, Any]]:
    response = await client.post("/responses", json={"model": "m", "input": "hello", **body})
    return response.status_code, response.json()


async def _stream(client: httpx.AsyncClient, text: str = "hello") -> tuple[bytes, list[Any]]:
    response = await client.post("/responses", json={"model": "m", "input": text, "stream": True})
    assert response.status_code == 200
    decoder = SSEDecoder()
    events = decoder.feed(response.content) + decoder.flush()
    return response.content, events


def test_every_documented_provider_has_a_behaviour() -> None:
    """The five seed providers and openai can be imitated; unknown names are refused."""
    assert set(PROVIDERS) == {"openai", "dongzhou", "modelverse", "uniapi", "mandao", "dieyuyun"}
    assert PROVIDERS["openai"].plain and PROVIDERS["dongzhou"].plain
    with pytest.raises(ValueError, match="one of openai, dongzhou"):
        SimulatorOptions(behave_like="acme")


@pytest.mark.parametrize("sim", list(EXAMPLE_REPLIES), indirect=True)
async def test_replies_lack_what_the_provider_s_example_lacks(
    sim: httpx.AsyncClient, request: pytest.FixtureRequest
) -> None:
    """OpenAI's required keys missing from the docs' example are missing here, usage alike."""
    name = request.node.callspec.params["sim"]
    example = load_json(fixture_files("seeds", EXAMPLE_REPLIES[name])[0])
    status, reply = await _reply(sim)
    assert status == 200
    assert REQUIRED - reply.keys() == REQUIRED - example.keys()
    assert reply["usage"].keys() >= example["usage"].keys()
    assert {k for k in reply["usage"] if k.endswith("_details")} == {
        k for k in example["usage"] if k.endswith("_details")
    }
    assert ("output_text" in reply) is ("output_text" in example)


@pytest.mark.parametrize("sim", ["uniapi"], indirect=True)
async def test_uniapi_replies_carry_output_text(sim: httpx.AsyncClient) -> None:
    """uniapi's replies carry the SDKs' output_text convenience key, with the answer's text."""
    _, reply = await _reply(sim, input="count 2 words")
    assert reply["output_text"] == "You said: count 2 words w1 w2"


@pytest.mark.parametrize("sim", ["modelverse"], indirect=True)
async def test_modelverse_names_created_and_max_tokens_and_ends_with_response_done(
    sim: httpx.AsyncClient,
) -> None:
    """modelverse: "created", max_tokens honoured (max_output_tokens ignored), response.done."""
    _, reply = await _reply(sim, input="count 50 words", max_output_tokens=5)
    assert "created_at" not in reply and isinstance(reply["created"], int)
    assert reply["status"] == "completed"
    _, limited = await _reply(sim, input="count 50 words", max_tokens=5)
    assert limited["status"] == "incomplete"
    assert limited["usage"]["output_tokens"] == 5
    _, events = await _stream(sim)
    payloads = [orjson.loads(e.data) for e in events]
    assert [e.event for e in events] == [p["type"] for p in payloads]
    assert payloads[-1]["type"] == "response.done"
    assert payloads[-1]["response"]["status"] == "completed"
    assert all("created_at" not in p["response"] for p in payloads if "response" in p)
    assert "response.completed" not in {p["type"] for p in payloads}


@pytest.mark.parametrize("sim", ["dieyuyun"], indirect=True)
async def test_dieyuyun_streams_like_its_documented_example(sim: httpx.AsyncClient) -> None:
    """dieyuyun: data-only frames, the example's event order and each event's keys."""
    raw, events = await _stream(sim, "count 2 words")
    example = fixture_files("seeds", "dieyuyun-stream-data-only.sse")[0].read_bytes()
    decoder = SSEDecoder()
    documented = decoder.feed(example) + decoder.flush()
    assert b"event:" not in raw and b"[DONE]" not in raw
    assert {e.event for e in events} == {e.event for e in documented} == {"message"}

    def shape(sse_events: list[Any]) -> list[tuple[str, frozenset[str]]]:
        shapes = []
        for sse in sse_events:
            payload = orjson.loads(sse.data)
            item = (payload["type"], frozenset(payload))
            if not shapes or shapes[-1] != item:  # any number of deltas
                shapes.append(item)
        return shapes

    assert shape(events) == shape(documented)


@pytest.mark.parametrize("sim", ["mandao"], indirect=True)
async def test_mandao_errors_have_no_param(sim: httpx.AsyncClient) -> None:
    """mandao's error objects carry message, type and code, but no param."""
    response = await sim.post("/responses", json={"input": "hi"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert set(error) == {"message", "type", "code"}
    assert error["message"] == "Missing required parameter: 'model'."


async def _resumed(client: httpx.AsyncClient, after: int) -> tuple[list[str], dict[str, Any]]:
    """A background response's event types streamed again after sequence ``after``, and
    the response as retrieved afterwards."""
    body = {"model": "m", "input": "count 3 words", "background": True}
    response_id = (await client.post("/responses", json=body)).json()["id"]
    resumed = await client.get(
        f"/responses/{response_id}", params={"stream": "true", "starting_after": str(after)}
    )
    decoder = SSEDecoder()
    events = decoder.feed(resumed.content) + decoder.flush()
    retrieved = (await client.get(f"/responses/{response_id}")).json()
    return [orjson.loads(e.data)["type"] for e in events], retrieved


async def test_background_streams_resume_where_events_are_not_sent() -> None:
    """Events a provider does not send still count in starting_after: resuming stays aligned."""
    async for openai_like in _client("openai"):
        expected, _ = await _resumed(openai_like, 5)
    async for dieyuyun in _client("dieyuyun"):
        resumed, retrieved = await _resumed(dieyuyun, 5)
    dropped = PROVIDERS["dieyuyun"].dropped_events
    assert resumed == [kind for kind in expected if kind not in dropped]
    assert resumed[-1] == "response.completed"
    assert retrieved["status"] == "completed" and "temperature" not in retrieved


@pytest.mark.parametrize("name", ["openai", "dongzhou"])
async def test_openai_shaped_providers_frame_every_event_with_its_type(name: str) -> None:
    """openai and dongzhou send each event with an event: line naming its type."""
    async for client in _client(name):
        _, events = await _stream(client)
        assert [e.event for e in events] == [orjson.loads(e.data)["type"] for e in events]
        assert events[-1].event == "response.completed"
