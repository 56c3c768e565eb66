"""The Python client: blocking and asyncio, events plus the accumulated response, and the
helpers `bridge ask` builds on (credentials, tokens, what is wrong with an answer)."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from bridge import codec
from bridge.client import (
    AsyncBridgeClient,
    BridgeClient,
    StreamAccumulator,
    channel_credentials,
    output_text,
    problem,
    protoset,
    read_token,
)
from bridge.config import Settings
from bridge.server import RunningBridge, start
from rbridge.responses.v1 import response_pb2, responses_service_pb2, stream_events_pb2
from tests.conftest import fixture_files, sse_payloads

Request = responses_service_pb2.CreateResponseRequest


@pytest.fixture
async def bridge(simulator: str) -> RunningBridge:
    running = await start(Settings(listen="127.0.0.1:0", upstream_url=simulator))
    yield running  # type: ignore[misc]
    await running.stop(0)


async def test_async_client_creates_and_streams(bridge: RunningBridge) -> None:
    """The async client returns the answer unary, and streams deltas that add up to it."""
    async with AsyncBridgeClient(f"127.0.0.1:{bridge.port}") as client:
        assert await client.ask("hi", model="m") == "You said: hi"
        deltas = [text async for text in client.ask_stream("count 5 words", model="m")]
        assert "".join(deltas) == "You said: count 5 words w1 w2 w3 w4 w5"
        stream = client.stream(Request(model="m", input={"text": "again"}))
        final = await stream.final_response()
        assert output_text(final) == "You said: again"
        assert final.status == "completed"


@pytest.mark.parametrize("batched", [False, True], ids=["single", "batched"])
async def test_blocking_client_in_a_thread(bridge: RunningBridge, batched: bool) -> None:
    """The blocking client works the same, run off the event loop, batched or not."""

    def use() -> tuple[str, str, str]:
        with BridgeClient(f"127.0.0.1:{bridge.port}") as client:
            request = Request(model="m", input={"text": "count 3 words"})
            stream = client.stream(request, batched=batched)
            text = "".join(stream.text_deltas())
            return client.ask("hello", model="m"), text, output_text(stream.final_response())

    unary, streamed, final = await asyncio.to_thread(use)
    assert unary == "You said: hello"
    assert streamed == final == "You said: count 3 words w1 w2 w3"


@pytest.mark.parametrize("path", fixture_files("sse", "*.sse"), ids=lambda p: p.name)
def test_accumulator_rebuilds_output_from_recorded_streams(path: object) -> None:
    """Without a terminal response, output_item.done events rebuild the output."""
    from bridge import codec

    accumulator = StreamAccumulator()
    payloads = sse_payloads(path.read_bytes())  # type: ignore[attr-defined]
    for payload in payloads:
        if payload["type"] in ("response.completed", "response.incomplete", "response.failed"):
            continue
        accumulator.add(codec.from_json(payload, stream_events_pb2.ResponseStreamEvent))
    done = [p["text"] for p in payloads if p["type"] == "response.output_text.done"]
    assert output_text(accumulator.response()) == "".join(done)


def _response(**fields: Any) -> response_pb2.Response:
    return codec.from_json(fields, response_pb2.Response)


def _message(*parts: dict[str, Any]) -> dict[str, Any]:
    return {"type": "message", "role": "assistant", "content": list(parts)}


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            {"status": "completed", "output": [_message({"type": "output_text", "text": "Hi"})]},
            None,
        ),
        (
            {"status": "failed", "error": {"code": "server_error", "message": "boom"}},
            "the response failed (server_error): boom",
        ),
        ({"status": "cancelled"}, "the response was cancelled"),
        (
            {"status": "completed", "output": [_message({"type": "refusal", "refusal": "No."})]},
            "the model refused: No.",
        ),
        (
            {
                "status": "incomplete",
                "incomplete_details": {"reason": "max_output_tokens"},
                "output": [_message({"type": "output_text", "text": "Hal"})],
            },
            "the response is incomplete (max_output_tokens): its text is cut short",
        ),
        (
            {"status": "completed", "output": [{"type": "function_call", "name": "f"}]},
            "the response holds no text (its output: function_call)",
        ),
    ],
    ids=["whole", "failed", "cancelled", "refused", "incomplete", "no-text"],
)
def test_problem_names_what_keeps_an_answer_from_being_whole(
    fields: dict[str, Any], expected: str | None
) -> None:
    """A whole answer has no problem; a failed, cancelled, refused, cut or textless one does."""
    assert problem(_response(**fields)) == expected


def test_credentials_are_tls_only_when_asked_and_need_both_halves(tmp_path: Path) -> None:
    """No TLS option means plaintext; a certificate without its key is refused."""
    assert channel_credentials() is None
    assert channel_credentials(tls=True) is not None
    with pytest.raises(ValueError, match="both"):
        channel_credentials(cert_file=str(tmp_path / "client.pem"))


def test_tokens_are_read_trimmed_and_never_empty(tmp_path: Path) -> None:
    """A token file's surrounding whitespace goes; an empty file is an error."""
    (tmp_path / "token").write_text("  s3cret \n")
    assert read_token(str(tmp_path / "token")) == "s3cret"
    (tmp_path / "empty").write_text("\n")
    with pytest.raises(ValueError, match="no token"):
        read_token(str(tmp_path / "empty"))


def test_protoset_describes_the_contract_and_health_with_their_imports() -> None:
    """The protoset holds every file grpcurl needs, each after the files it imports."""
    from google.protobuf import descriptor_pb2

    files = descriptor_pb2.FileDescriptorSet.FromString(protoset()).file
    names = [f.name for f in files]
    assert "rbridge/responses/v1/responses_service.proto" in names
    assert "google/protobuf/struct.proto" in names
    assert any(f.package == "grpc.health.v1" for f in files)
    for index, file in enumerate(files):
        assert set(file.dependency) <= set(names[:index]), file.name
