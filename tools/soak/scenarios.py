"""The soak's traffic: what each call does and the one status it must end with.

Two bridges take traffic. One points at the simulator: unary and streamed answers, the
simulator's own failures (``fail``, ``quota``), retrieval of an id that does not exist,
token counts, and streams the client cancels mid-way. The other points at a
`HostileUpstream` answering by scenario name (sent in the forwarded ``x-soak-scenario``
header): complete replies (plain, gzip, paced), HTTP errors, resets before the head and
mid-stream, a stream without its terminal event, invalid JSON, in-stream errors, stalls
past the read timeout and client deadlines. Each scenario names its expected status; any
other status is unexpected.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from google.protobuf.message import Message

from rbridge.responses.v1 import responses_service_pb2 as service
from tools.fuzz.corpus import FIXTURES
from tools.harness.hostile import Request, Script
from tools.harness.http import gzipped, head, reply

__all__ = ["FAULTS", "SELECT_HEADER", "SIMULATED", "STALL_TIMEOUT", "Scenario", "answer"]

SELECT_HEADER = "x-soak-scenario"
# The fault bridge's first-byte and read timeouts; a stall holds twice as long.
STALL_TIMEOUT = 3.0
SSE = "text/event-stream"
JSON = "application/json"


@dataclass(frozen=True)
class Scenario:
    """One kind of call: its RPC, request, expected status, weight, and what the client
    does (`cancel_after` events then cancel; `deadline` seconds)."""

    name: str
    rpc: str
    request: Callable[[random.Random], Message]
    expect: str
    weight: int = 1
    cancel_after: int | None = None
    deadline: float = 20.0


def _create(text: str) -> Callable[[random.Random], Message]:
    return lambda rng: service.CreateResponseRequest(model="soak-model", input={"text": text})


def _get_missing(rng: random.Random) -> Message:
    return service.GetResponseRequest(response_id=f"resp_missing_{rng.randrange(1 << 30)}")


def _count(rng: random.Random) -> Message:
    return service.CountInputTokensRequest(model="soak-model", input={"text": "count these"})


SIMULATED = (
    Scenario("unary", "CreateResponse", _create("hello there"), "OK", 4),
    Scenario("stream", "StreamCreateResponse", _create("count 30 words"), "OK", 4),
    Scenario("stream-tools", "StreamCreateResponse", _create("think search cite"), "OK", 1),
    Scenario("stream-batched", "StreamCreateResponseBatched", _create("count 30 words"), "OK", 1),
    Scenario(
        "cancel", "StreamCreateResponse", _create("count 400 words"), "CANCELLED", 2, cancel_after=5
    ),
    Scenario("fail", "StreamCreateResponse", _create("fail"), "INTERNAL", 1),
    Scenario("quota", "StreamCreateResponse", _create("quota"), "RESOURCE_EXHAUSTED", 1),
    Scenario("missing", "GetResponse", _get_missing, "NOT_FOUND", 1),
    Scenario("tokens", "CountInputTokens", _count, "OK", 1),
    Scenario(
        "deadline",
        "StreamCreateResponse",
        _create("count 5000 words"),
        "DEADLINE_EXCEEDED",
        1,
        deadline=0.3,
    ),
)

_STREAM = (FIXTURES / "sse" / "text_answer_gpt41.sse").read_bytes()
_QUOTA = (FIXTURES / "sse" / "error_then_failed_insufficient_quota.sse").read_bytes()
_JSON = (
    FIXTURES / "json" / "responses" / "spec-createResponse-text-input.response.json"
).read_bytes()


def _events(body: bytes) -> list[bytes]:
    return [part + b"\n\n" for part in body.split(b"\n\n") if part.strip()]


def _error(status: int) -> bytes:
    body = json.dumps({"error": {"message": f"soak {status}", "type": "soak", "code": None}})
    return reply(status, body.encode(), JSON, [("retry-after-ms", "1")])


def _paced(request: Request) -> Script:
    parts: list[bytes | float] = [head(200, [("content-type", SSE), ("connection", "close")])]
    for event in _events(_STREAM):
        parts += [event, 0.02]
    return Script(tuple(parts))


def _reply_for(name: str, request: Request) -> Script:
    stream = request.stream
    body = _STREAM if stream else _JSON
    kind = SSE if stream else JSON
    if name == "ok":
        return Script((reply(200, body, kind, framing="chunked", sizes=(512,)),))
    if name == "ok-gzip":
        return Script((reply(200, gzipped(body), kind, encoding="gzip"),))
    if name == "paced":
        return _paced(request)
    if name.startswith("http-"):
        return Script((_error(int(name.split("-")[1])),))
    if name == "reset-first":
        return Script((), end="reset")
    if name == "reset-mid":
        whole = reply(200, body, kind, framing="chunked", sizes=(256,))
        return Script((whole[: len(whole) // 2], 0.05), end="reset")
    if name == "no-terminal":
        cut = b"".join(_events(_STREAM)[:-1])
        return Script((reply(200, cut, SSE),))
    if name == "bad-json":
        broken = _events(_STREAM)[0] + b'data: {"type": "response.outp\n\n'
        return Script((reply(200, broken if stream else b'{"id": ', kind),))
    if name == "quota-event":
        return Script((reply(200, _QUOTA, SSE),))
    if name == "stall":
        return Script(
            (head(200, [("content-type", kind), ("connection", "close")]), 2 * STALL_TIMEOUT)
        )
    raise KeyError(name)


def answer(request: Request) -> Script:
    """The hostile upstream's reply for the scenario the request names."""
    return _reply_for(request.headers.get(SELECT_HEADER, "ok"), request)


def _fault(name: str, rpc: str, expect: str, weight: int = 1, **kw: Any) -> Scenario:
    return Scenario(f"{name}/{rpc}", rpc, _create("soak"), expect, weight, **kw)


FAULTS = (
    _fault("ok", "CreateResponse", "OK", 3),
    _fault("ok", "StreamCreateResponse", "OK", 3),
    _fault("ok-gzip", "CreateResponse", "OK"),
    _fault("ok-gzip", "StreamCreateResponse", "OK"),
    _fault("paced", "StreamCreateResponse", "OK", 2),
    _fault("paced", "StreamCreateResponse", "CANCELLED", 2, cancel_after=2),
    _fault("ok", "StreamCreateResponseBatched", "OK"),
    _fault("paced", "StreamCreateResponseBatched", "CANCELLED", cancel_after=2),
    _fault("bad-json", "StreamCreateResponseBatched", "INTERNAL"),
    _fault("http-400", "CreateResponse", "INVALID_ARGUMENT"),
    _fault("http-401", "StreamCreateResponse", "UNAUTHENTICATED"),
    _fault("http-404", "CreateResponse", "NOT_FOUND"),
    _fault("http-429", "StreamCreateResponse", "RESOURCE_EXHAUSTED"),
    _fault("http-500", "CreateResponse", "INTERNAL"),
    _fault("http-503", "StreamCreateResponse", "UNAVAILABLE"),
    _fault("reset-first", "CreateResponse", "UNAVAILABLE"),
    _fault("reset-mid", "StreamCreateResponse", "UNAVAILABLE"),
    _fault("reset-mid", "CreateResponse", "UNAVAILABLE"),
    _fault("no-terminal", "StreamCreateResponse", "UNAVAILABLE"),
    _fault("bad-json", "StreamCreateResponse", "INTERNAL"),
    _fault("bad-json", "CreateResponse", "INTERNAL"),
    _fault("quota-event", "StreamCreateResponse", "RESOURCE_EXHAUSTED"),
    _fault("stall", "StreamCreateResponse", "DEADLINE_EXCEEDED"),
    _fault("stall", "CreateResponse", "DEADLINE_EXCEEDED"),
    _fault("paced", "StreamCreateResponse", "DEADLINE_EXCEEDED", deadline=0.1),
)


def scenario_name(scenario: Scenario) -> str:
    """The upstream scenario a fault names (its name before the RPC)."""
    return scenario.name.split("/", 1)[0]
