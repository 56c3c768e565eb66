"""`bridge doctor`: how an upstream differs from OpenAI, and the profile that fits it.

Given an upstream's URL and key (the bridge's own settings), `examine` makes
one small unary call and one small streamed call, the way the bridge would
(through `bridge.upstream`), and a third unary call only when the output
limit looked ignored. What they returned is read by pure functions:
`read_reply` and `read_stream` list what was seen (SSE framing, ``[DONE]``,
the event that ended the stream, ``created`` instead of ``created_at``,
keys and types the contract does not know, errors), and `Diagnosis.fit`
names the built-in profile that covers what the upstream needs, or none; the
needed profile itself can be written as a JSON file that
``BRIDGE_UPSTREAM_PROFILE`` loads.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import orjson

from bridge import codec, errors
from bridge.config import Settings
from bridge.sse import SSEDecoder
from bridge.stream_state import StreamState
from bridge.upstream.profiles import BUILTIN, FAILURE_EVENTS, SUCCESS_EVENTS, Profile, ending_with
from rbridge.responses.v1 import response_pb2, stream_events_pb2

__all__ = [
    "OUTPUT_LIMIT",
    "REQUIRED_RESPONSE_KEYS",
    "Diagnosis",
    "Exchange",
    "Finding",
    "examine",
    "limit_honoured",
    "read_reply",
    "read_stream",
    "report",
]

OUTPUT_LIMIT: Final = 16
"""The output limit of the unary probe (OpenAI's smallest), in tokens."""

# Asks for far more than OUTPUT_LIMIT tokens, from a model or the simulator
# (which answers "N words" with N words).
_LONG_PROMPT: Final = "Count 100 words: write the numbers from one to one hundred in words."
_SHORT_PROMPT: Final = "Say hello."
REQUIRED_RESPONSE_KEYS: Final = (
    "id",
    "object",
    "created_at",
    "error",
    "incomplete_details",
    "instructions",
    "model",
    "tools",
    "output",
    "parallel_tool_calls",
    "metadata",
    "tool_choice",
    "temperature",
    "top_p",
)
"""The keys OpenAI's Response always carries (the spec's required list)."""
# Names providers are known to give a typed Response key instead.
_ALIASES: Final = {"created": "created_at"}
# Other names for the output limit that a provider may honour instead.
_LIMIT_KEYS: Final = ("max_tokens",)
_MAX_STREAM_BYTES: Final = 8 * 1024 * 1024
_DONE: Final = "[DONE]"


@dataclass(frozen=True)
class Exchange:
    """What one upstream call returned: status, content type and the body read."""

    status: int
    content_type: str
    body: bytes
    seconds: float = 0.0


@dataclass(frozen=True)
class Finding:
    """One thing seen. ``needs``: something the default profile does not handle."""

    text: str
    needs: bool = False
    failed: bool = False


@dataclass
class Diagnosis:
    """What the calls showed, and the profile the upstream needs."""

    findings: list[tuple[str, list[Finding]]] = field(default_factory=list)
    success_events: set[str] = field(default_factory=set)
    request_renames: dict[str, str] = field(default_factory=dict)
    response_aliases: dict[str, str] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """Whether a call failed, so the diagnosis is incomplete."""
        return any(f.failed for _, found in self.findings for f in found)

    def profile(self, name: str) -> Profile:
        """The profile that handles everything seen, named ``name``."""
        return Profile(
            name=name,
            success_events=SUCCESS_EVENTS | self.success_events,
            failure_events=FAILURE_EVENTS,
            request_renames=dict(self.request_renames),
            response_aliases=dict(self.response_aliases),
        )

    def fit(self) -> str | None:
        """The built-in profile that handles everything seen (the smallest such), or None.

        Request renames must match exactly: a rename the upstream does not
        expect would hide a parameter from it.
        """
        fitting = []
        for order, (name, profile) in enumerate(BUILTIN.items()):
            if (
                dict(profile.request_renames) == self.request_renames
                and self.success_events <= profile.success_events
                and self.response_aliases.items() <= profile.response_aliases.items()
            ):
                unneeded = len(profile.success_events - SUCCESS_EVENTS - self.success_events)
                unneeded += len(profile.response_aliases) - len(self.response_aliases)
                fitting.append((unneeded, order, name))
        return min(fitting)[2] if fitting else None

    def add(self, title: str, found: list[Finding]) -> None:
        """Record the findings of one call under ``title``."""
        self.findings.append((title, found))


def _names(values: Iterable[object]) -> str:
    return ", ".join(sorted(str(v) for v in values))


def _aliases(response: Mapping[str, Any], diagnosis: Diagnosis) -> list[Finding]:
    found = []
    for alias, typed in _ALIASES.items():
        if alias in response and typed not in response:
            diagnosis.response_aliases[alias] = typed
            found.append(Finding(f'key "{alias}" instead of "{typed}"', needs=True))
    return found


def read_reply(exchange: Exchange, diagnosis: Diagnosis) -> list[Finding]:
    """What a unary reply shows: errors, renamed and missing keys, unknown types, the limit."""
    if exchange.status >= 400:
        error = errors.from_http(exchange.status, exchange.body, exchange.content_type)
        code = f" (code {error.error_code})" if error.error_code else ""
        return [Finding(f"{error.message}{code}", failed=True)]
    try:
        payload = orjson.loads(exchange.body)
    except orjson.JSONDecodeError as exc:
        return [Finding(f"the reply is not JSON ({exchange.content_type}): {exc}", failed=True)]
    if not isinstance(payload, dict):
        return [Finding("the reply is not a JSON object", failed=True)]
    found = _aliases(payload, diagnosis)
    aliased = diagnosis.response_aliases.values()
    missing = [key for key in REQUIRED_RESPONSE_KEYS if key not in payload and key not in aliased]
    if missing:
        found.append(
            Finding(
                "keys OpenAI always sends that this reply lacks (clients see them unset): "
                + ", ".join(missing)
            )
        )
    response = codec.from_json(payload, response_pb2.Response)
    extra = set(response.extra_fields) - diagnosis.response_aliases.keys()
    if extra:
        found.append(
            Finding(f"keys the contract does not type (kept in extra_fields): {_names(extra)}")
        )
    items: list[Any] = payload["output"] if isinstance(payload.get("output"), list) else []
    unknown = {
        str(items[index].get("type"))
        for index, item in enumerate(response.output)
        if item.WhichOneof("item") == "unknown" and isinstance(items[index], dict)
    }
    if unknown:
        found.append(
            Finding(
                "output items of types the contract does not know (kept whole in unknown): "
                + _names(unknown)
            )
        )
    status = payload.get("status")
    found.append(Finding(f"status {status}, {_output_tokens(payload)} output tokens"))
    return found


def _output_tokens(payload: Mapping[str, Any]) -> int | None:
    usage = payload.get("usage")
    value = usage.get("output_tokens") if isinstance(usage, dict) else None
    return value if isinstance(value, int) else None


def limit_honoured(exchange: Exchange) -> bool | None:
    """Whether a reply to the long prompt kept to `OUTPUT_LIMIT` (None: cannot tell)."""
    if exchange.status >= 400:
        return None
    try:
        payload = orjson.loads(exchange.body)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(payload, dict):
        return None
    if payload.get("status") == "incomplete":
        return True
    tokens = _output_tokens(payload)
    return None if tokens is None else tokens <= OUTPUT_LIMIT


def read_stream(exchange: Exchange, diagnosis: Diagnosis) -> list[Finding]:
    """What a streamed reply shows: framing, [DONE], its last event, renamed keys."""
    if exchange.status >= 400:
        return read_reply(exchange, diagnosis)
    found = []
    kind = exchange.content_type.split(";")[0].strip()
    if kind != "text/event-stream":
        found.append(Finding(f"content type {kind or 'missing'}, not text/event-stream"))
    decoder = SSEDecoder()
    sse_events = decoder.feed(exchange.body) + decoder.flush()
    done = [e for e in sse_events if e.data == _DONE]
    events = [e for e in sse_events if e.data != _DONE]
    named = sum(1 for e in events if e.event != "message")
    if not events:
        return [*found, Finding("no events in the stream", failed=True)]
    if named == len(events):
        found.append(Finding(f"{len(events)} events, each with an event: line and a data: line"))
    elif named == 0:
        found.append(
            Finding(
                f"{len(events)} events with data: lines only (no event: lines;"
                " the bridge reads each type from its JSON)"
            )
        )
    else:
        found.append(Finding(f"{len(events)} events, {named} of them with an event: line"))
    found.append(
        Finding("a final data: [DONE] (the bridge skips it)" if done else "no data: [DONE]")
    )
    state = StreamState()
    unknown: set[str] = set()
    numbered = 0
    aliases: list[Finding] = []
    for sse in events:
        try:
            payload = orjson.loads(sse.data)
        except orjson.JSONDecodeError:
            found.append(Finding(f"an event is not JSON: {sse.data[:80]!r}", failed=True))
            return found
        if not isinstance(payload, dict):
            found.append(Finding("an event is not a JSON object", failed=True))
            return found
        payload.setdefault("type", sse.event)
        numbered += "sequence_number" in payload
        response = payload.get("response")
        if isinstance(response, dict) and not aliases:
            aliases = _aliases(response, diagnosis)
        event = codec.from_json(payload, stream_events_pb2.ResponseStreamEvent)
        if event.WhichOneof("event") == "unknown":
            unknown.add(str(payload.get("type")))
        state.observe(payload)
    found.extend(aliases)
    if numbered < len(events):
        found.append(Finding(f"sequence_number on {numbered} of {len(events)} events"))
    if unknown:
        found.append(
            Finding(
                "event types the contract does not know (kept whole in unknown): " + _names(unknown)
            )
        )
    found.append(_ending(state, payload, diagnosis))
    return found


def _ending(state: StreamState, last: Mapping[str, Any], diagnosis: Diagnosis) -> Finding:
    last_type = str(last.get("type"))
    failure = state.finish()
    if failure is None:
        return Finding(f"ends with {last_type}")
    if last_type in FAILURE_EVENTS:
        return Finding(f"ends with {last_type}: {failure.message}", failed=True)
    response = last.get("response")
    status = response.get("status") if isinstance(response, dict) else None
    if status in ("completed", "incomplete"):
        diagnosis.success_events.add(last_type)
        builtin = ending_with(last_type)
        under = f" (built-in profiles that accept it: {', '.join(builtin)})" if builtin else ""
        return Finding(
            f"ends with {last_type}, carrying a {status} response: the default profile"
            f" takes the stream as cut short{under}",
            needs=True,
        )
    return Finding(f"ends without a terminal event: {failure.message}", failed=True)


async def _find_limit_key(
    call: Callable[[dict[str, Any]], Awaitable[Exchange]],
    limited: Mapping[str, Any],
    diagnosis: Diagnosis,
) -> Finding:
    """Which other request key limits the output, when max_output_tokens did not."""
    for key in _LIMIT_KEYS:
        renamed = {k: v for k, v in limited.items() if k != "max_output_tokens"}
        renamed[key] = OUTPUT_LIMIT
        if limit_honoured(await call(renamed)):
            diagnosis.request_renames["max_output_tokens"] = key
            return Finding(
                f"max_output_tokens is ignored and {key} is honoured: requests must rename it",
                needs=True,
            )
    return Finding(
        "max_output_tokens looks ignored (the answer is longer than the limit),"
        f" and so does {' and '.join(_LIMIT_KEYS)}"
    )


async def examine(settings: Settings, model: str, seconds_per_call: float = 60.0) -> Diagnosis:
    """Call the upstream of ``settings`` and diagnose it (see the module doc).

    Raises:
        bridge.upstream.UpstreamFailure: the upstream could not be reached.
        TimeoutError: a call took longer than ``seconds_per_call``.
    """
    from bridge.server import upstream_options
    from bridge.upstream import UpstreamCall, UpstreamClient

    client = UpstreamClient(dataclasses.replace(upstream_options(settings), max_retries=0))

    async def call(body: dict[str, Any]) -> Exchange:
        stream = bool(body.get("stream"))
        upstream_call = UpstreamCall("POST", "/responses", body=orjson.dumps(body), stream=stream)
        started = time.monotonic()
        async with asyncio.timeout(seconds_per_call), client.exchange(upstream_call) as reply:
            if stream and reply.status < 400:
                parts, size = [], 0
                while chunk := await reply.next_chunk():
                    parts.append(chunk)
                    size += len(chunk)
                    if size > _MAX_STREAM_BYTES:
                        break
                content = b"".join(parts)
            else:
                content = await reply.read()
        return Exchange(reply.status, reply.content_type, content, time.monotonic() - started)

    diagnosis = Diagnosis()
    try:
        limited = {"model": model, "input": _LONG_PROMPT, "max_output_tokens": OUTPUT_LIMIT}
        reply = await call(limited)
        found = read_reply(reply, diagnosis)
        if limit_honoured(reply) is False:
            found.append(await _find_limit_key(call, limited, diagnosis))
        diagnosis.add(
            f"unary call (max_output_tokens {OUTPUT_LIMIT}): HTTP {reply.status},"
            f" {reply.seconds:.2f} s",
            found,
        )
        streamed = await call({"model": model, "input": _SHORT_PROMPT, "stream": True})
        diagnosis.add(
            f"streamed call: HTTP {streamed.status}, {streamed.seconds:.2f} s",
            read_stream(streamed, diagnosis),
        )
    finally:
        await client.aclose()
    return diagnosis


def report(diagnosis: Diagnosis, upstream_url: str) -> list[str]:
    """The diagnosis as lines of text, ending with the profile to use."""
    lines = [f"upstream {upstream_url}"]
    for title, found in diagnosis.findings:
        lines.append(title)
        for finding in found:
            mark = "FAILED " if finding.failed else "needs a profile: " if finding.needs else ""
            lines.append(f"  - {mark}{finding.text}")
    if diagnosis.failed:
        lines.append("no profile chosen: a call failed (see above)")
        return lines
    builtin = diagnosis.fit()
    if builtin is not None:
        lines.append(f"profile: {builtin} (BRIDGE_UPSTREAM_PROFILE={builtin})")
    else:
        lines.append(
            "profile: no built-in profile fits; write one with --write-profile FILE"
            " and set BRIDGE_UPSTREAM_PROFILE=FILE"
        )
    return lines
