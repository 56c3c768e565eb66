"""The upstream-reply family: mutations of recorded replies, served by `HostileUpstream`.

Each case is a valid request for one RPC and a scripted upstream reply: a recorded stream
(server-streaming RPCs) or a recorded JSON payload of the RPC's reply type (unary RPCs),
mutated by its category. Sizes scale with the bridge's message limit. A mutation that
keeps the reply valid expects the outcome of the unmutated seed (`Expect.same_as_seed`);
the `paths` category checks the path that reached the upstream.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from google.protobuf.descriptor import MethodDescriptor

from bridge.upstream.profiles import OPENAI
from tools.fuzz.cases import Case, Category, Expect, Family
from tools.fuzz.corpus import Corpus, methods, minimal, random_payload
from tools.fuzz.messages import Generator
from tools.fuzz.requests import ODD_IDS
from tools.harness.hostile import Request, Script
from tools.harness.http import Header, deflate, gzip_bomb, gzipped, head, reply

__all__ = ["ReplyContext", "family"]

NAME = "upstream"
RAW_JSON = ("x-bridge-raw-json", "true")
DONE = b"data: [DONE]\n\n"
SSE = "text/event-stream"
JSON = "application/json"
TERMINAL = OPENAI.success_events | OPENAI.failure_events
ERROR_STATUSES = (
    400,
    401,
    403,
    404,
    408,
    409,
    413,
    418,
    422,
    429,
    451,
    499,
    500,
    501,
    502,
    503,
    504,
    507,
    520,
    529,
    599,
)
DEPTHS = (40, 41, 45, 48, 49, 50, 64, 99, 100, 101, 128, 255, 256, 500, 999, 1000, 1001, 1500, 2000)


@dataclass
class ReplyContext:
    """What the generators need: the corpus, the limit, the key the bridge sends and the
    metadata key of a caller's own key."""

    corpus: Corpus
    max_message_bytes: int
    key: str
    caller_key_header: str
    caller_key: str


@dataclass
class Seed:
    """An unmutated reply body for one RPC: its name, bytes and content type."""

    name: str
    body: bytes
    stream: bool

    @property
    def content_type(self) -> str:
        return SSE if self.stream else JSON


def _events(body: bytes) -> list[bytes]:
    """A stream split into its events, each with its closing blank line."""
    return [part + b"\n\n" for part in body.split(b"\n\n") if part.strip()]


def _event_type(event: bytes) -> str:
    for line in event.split(b"\n"):
        if line.startswith(b"data:"):
            try:
                data = json.loads(line[5:])
            except ValueError:
                return ""
            return str(data.get("type", "")) if isinstance(data, dict) else ""
    return ""


def _event_json(payload: dict[str, Any]) -> bytes:
    return f"event: {payload.get('type')}\ndata: {json.dumps(payload)}\n\n".encode()


class _Generators:
    def __init__(self, ctx: ReplyContext) -> None:
        self.ctx = ctx

    # -- seeds and requests ------------------------------------------------------------

    def seed(self, rng: random.Random, method: MethodDescriptor) -> Seed:
        """A recorded reply for `method`: a stream, or a JSON payload of its reply type."""
        if method.server_streaming:
            stream = rng.choice(self.ctx.corpus.streams)
            return Seed(stream.name, stream.data, True)
        payloads = self.ctx.corpus.payloads(method.output_type)
        if payloads:
            name, data = rng.choice(payloads)
        else:
            name, data = "random", random_payload(method.output_type, Generator(rng))
        return Seed(name, json.dumps(data, ensure_ascii=False).encode(), False)

    def case(
        self,
        rng: random.Random,
        method: MethodDescriptor,
        label: str,
        responder: Script | Callable[[Request], Script],
        *,
        expect: Expect | None = None,
        seed: Seed | None = None,
        caller_key: bool = False,
    ) -> Case:
        """A valid request for `method` answered by `responder`."""
        expect = expect or Expect()
        metadata: list[tuple[str, str | bytes]] = []
        if rng.random() < 0.3:
            metadata.append(RAW_JSON)
        secrets = [self.ctx.key]
        if caller_key:
            metadata.append((self.ctx.caller_key_header, self.ctx.caller_key))
            secrets.append(self.ctx.caller_key)
        case = Case(
            "",
            "",
            0,
            label,
            method,
            [minimal(method.input_type)],
            metadata=metadata,
            responder=responder,
            expect=expect,
            secrets=tuple(secrets),
        )
        if seed is not None:
            case.notes["seed"] = seed.name
            if expect.same_as_seed is not None:
                case.notes["seed_script"] = Script((reply(200, seed.body, seed.content_type),))
        return case

    def same(self, method: MethodDescriptor, seed: Seed) -> Expect:
        return Expect(same_as_seed=f"{method.name}|{seed.name}")

    # -- categories ----------------------------------------------------------------------

    def truncate(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """The reply cut at every kind of boundary, by a FIN or a reset."""
        seed = self.seed(rng, method)
        kinds = (
            "mid-line",
            "line-boundary",
            "event-boundary",
            "mid-utf8",
            "before-done",
            "after-done",
            "after-terminal",
            "in-head",
            "zero-body",
            "mid-chunk-size",
            "short-body",
        )
        kind = kinds[turn % len(kinds)]
        body = seed.body + (DONE if seed.stream and kind in ("before-done", "after-done") else b"")
        end = rng.choice(("close", "reset"))
        framing = rng.choice(("length", "chunked", "close"))
        cut = _cut_point(rng, seed.body, kind)
        whole = reply(
            200,
            body,
            seed.content_type,
            framing=framing,
            sizes=_sizes(rng) if framing == "chunked" else (),
        )
        head_len = whole.index(b"\r\n\r\n") + 4
        expect = Expect()
        if kind == "in-head":
            data = whole[: rng.randint(1, head_len - 1)]
        elif kind == "zero-body":
            data = whole[:head_len]
        elif kind == "mid-chunk-size":
            framed = reply(200, body, seed.content_type, framing="chunked", sizes=_sizes(rng))
            data = framed[: framed.index(b"\r\n", framed.index(b"\r\n\r\n") + 4) - 1]
        elif kind == "short-body":
            data = reply(200, body, seed.content_type, headers=[], framing="close")
            data = data.replace(
                b"\r\n\r\n",
                b"\r\ncontent-length: %d\r\n\r\n" % (len(body) + rng.randint(1, 4096)),
                1,
            )
        elif kind in ("before-done", "after-done", "after-terminal") and seed.stream:
            keep = len(seed.body) if kind != "after-done" else len(body)
            if kind == "after-terminal":
                keep = _after_terminal(seed.body)
            data = reply(
                200,
                body[:keep],
                seed.content_type,
                framing=framing,
                sizes=_sizes(rng) if framing == "chunked" else (),
            )
            # A reset may discard bytes the bridge had not read yet: only a FIN keeps all.
            if end == "close":
                expect = self.same(method, seed)
        else:
            data = _cut_framed(body, cut, seed.content_type, framing, rng)
        return self.case(rng, method, kind, Script((data,), end=end), expect=expect, seed=seed)

    def flip(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """One to eight bytes of the body (sometimes of the head) flipped."""
        seed = self.seed(rng, method)
        body = bytearray(seed.body)
        for _ in range(rng.randint(1, 8)):
            position = rng.randrange(len(body))
            body[position] ^= rng.randint(1, 255)
        data = reply(
            200,
            bytes(body),
            seed.content_type,
            framing=rng.choice(("length", "chunked")),
            sizes=_sizes(rng),
        )
        where = "body"
        if rng.random() < 0.15:
            mutable = bytearray(data)
            end = data.index(b"\r\n\r\n")
            mutable[rng.randrange(end)] ^= rng.randint(1, 255)
            data, where = bytes(mutable), "head"
        return self.case(rng, method, f"flip-{where}", Script((data,)), seed=seed)

    def split(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """A valid reply re-framed: random chunk sizes, random write splits with pauses,
        CRLF or CR line endings, a BOM, keep-alive comments. Must end as the seed does."""
        seed = self.seed(rng, method)
        body = seed.body
        variant = rng.choice(("chunks", "writes", "crlf", "cr", "bom", "comments", "chunks"))
        if seed.stream and variant == "crlf":
            body = body.replace(b"\n", b"\r\n")
        elif seed.stream and variant == "cr":
            body = body.replace(b"\n", b"\r")
        elif seed.stream and variant == "bom":
            body = b"\xef\xbb\xbf" + body
        elif seed.stream and variant == "comments":
            body = b"".join(b": keep-alive\n\n" + event for event in _events(body))
        framing = "chunked" if variant == "chunks" else rng.choice(("length", "chunked"))
        data = reply(200, body, seed.content_type, framing=framing, sizes=_sizes(rng))
        parts: list[bytes | float] = [data]
        if variant == "writes":
            points = sorted(rng.sample(range(1, len(data)), min(len(data) - 1, rng.randint(1, 12))))
            pieces = [data[a:b] for a, b in zip([0, *points], [*points, len(data)], strict=True)]
            parts = []
            for piece in pieces:
                parts += [piece, rng.choice((0.0, 0.001, 0.002))]
        return self.case(
            rng, method, variant, Script(tuple(parts)), expect=self.same(method, seed), seed=seed
        )

    def terminal(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """Terminal events missing, duplicated, contradicted or malformed (unary: a 200
        reply that says it failed, or is not an object)."""
        seed = self.seed(rng, method)
        if not seed.stream:
            variants = (
                "array",
                "string",
                "null",
                "number",
                "empty",
                "failed-status",
                "error-object",
                "dup-keys",
            )
            variant = variants[turn % len(variants)]
            body = _unary_oddity(seed.body, variant)
            return self.case(rng, method, variant, Script((reply(200, body, JSON),)), seed=seed)
        events = _events(seed.body)
        terminal = [e for e in events if _event_type(e) in TERMINAL]
        rest = [e for e in events if _event_type(e) not in TERMINAL]
        last = terminal[-1] if terminal else _event_json({"type": "response.completed"})
        variants = (
            "missing",
            "duplicated",
            "then-more",
            "completed-then-failed",
            "failed-no-error",
            "error-only",
            "done-only",
            "empty",
            "comments-only",
            "type-in-event-line",
            "response-null",
            "error-code-object",
        )
        variant = variants[turn % len(variants)]
        failed = {"type": "response.failed", "response": {"id": "resp_f", "status": "failed"}}
        body_events: list[bytes]
        if variant == "missing":
            body_events = rest
        elif variant == "duplicated":
            body_events = [*rest, last, last]
        elif variant == "then-more":
            body_events = [*rest, last, *rest[:3]]
        elif variant == "completed-then-failed":
            body_events = [*rest, last, _event_json(failed)]
        elif variant == "failed-no-error":
            body_events = [*rest, _event_json(failed)]
        elif variant == "error-only":
            body_events = [_event_json({"type": "error", "message": "boom"})]
        elif variant == "done-only":
            body_events = [DONE]
        elif variant == "empty":
            body_events = []
        elif variant == "comments-only":
            body_events = [b": ping\n\n"] * rng.randint(1, 50)
        elif variant == "type-in-event-line":
            body_events = [*rest, b'event: response.completed\ndata: {"response": {}}\n\n']
        elif variant == "response-null":
            body_events = [*rest, _event_json({"type": "response.completed", "response": None})]
        else:
            error = {"type": "error", "code": {"nested": [1, 2]}, "message": 42, "param": []}
            body_events = [*rest[:2], _event_json(error)]
        data = reply(200, b"".join(body_events), SSE, framing=rng.choice(("length", "chunked")))
        return self.case(rng, method, variant, Script((data,)), seed=seed)

    def oversized(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """Values, lines and bodies past the message limit."""
        limit = self.ctx.max_message_bytes
        size = limit + rng.choice((1, 1024, limit // 2, limit, 3 * limit))
        seed = self.seed(rng, method)
        filler = rng.choice((b"a", b"\xc3\xa9"))
        text = (filler * (size // len(filler) + 1))[:size].decode("utf-8", "ignore")
        if seed.stream:
            variant = rng.choice(("delta", "no-newline", "data-lines", "event-name"))
            events = _events(seed.body)
            if variant == "delta":
                delta = {
                    "type": "response.output_text.delta",
                    "item_id": "m",
                    "output_index": 0,
                    "content_index": 0,
                    "delta": text,
                }
                body = b"".join(events[:1]) + _event_json(delta) + b"".join(events[1:])
            elif variant == "no-newline":
                body = b"".join(events[:1]) + b"data: " + text.encode()
            elif variant == "data-lines":
                line = b"data: " + b"x" * 1024 + b"\n"
                body = b"".join(events[:1]) + line * (size // len(line) + 1) + b"\n"
            else:
                body = b"".join(events[:1]) + b"event: " + text.encode() + b"\ndata: {}\n\n"
        else:
            variant = rng.choice(("value", "body"))
            payload = json.loads(seed.body)
            if variant == "value" and isinstance(payload, dict):
                payload["fuzz_big"] = text
            else:
                payload = {"pad": [text]}
            body = json.dumps(payload, ensure_ascii=False).encode()
        data = reply(
            200,
            body,
            seed.content_type,
            framing=rng.choice(("length", "chunked")),
            sizes=(rng.choice((65536, 1 << 20)),),
        )
        return self.case(rng, method, variant, Script((data,)), seed=seed)

    def nested(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """JSON nested 40..2000 deep inside a reply or an event: objects, arrays, mixed."""
        seed = self.seed(rng, method)
        # Depths and kinds cycle at coprime periods: every pair comes within 57 turns.
        depth = max(40, min(2000, DEPTHS[turn % len(DEPTHS)] + rng.choice((0, 0, -1, 1))))
        kind = ("object", "array", "mixed")[turn % 3]
        deep = _deep_json(depth, kind, rng)
        if seed.stream:
            events = _events(seed.body)
            index = rng.randrange(len(events))
            events[index] = _inject(events[index], deep, rng, event=True)
            body = b"".join(events)
        else:
            body = _inject(seed.body, deep, rng, event=False)
        data = reply(200, body, seed.content_type, framing=rng.choice(("length", "chunked")))
        return self.case(rng, method, f"{kind}-{_bucket(depth)}", Script((data,)), seed=seed)

    def headers(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """Hostile headers on a valid reply: many, huge, non-ASCII, 60 large rate-limit
        headers, duplicates, folded lines, control bytes."""
        seed = self.seed(rng, method)
        variants = (
            "many",
            "huge-one",
            "nonascii-request-id",
            "utf8-request-id",
            "ratelimit-60",
            "ratelimit-nonascii",
            "odd-names",
            "duplicates",
            "obs-fold",
            "control-bytes",
        )
        variant = variants[turn % len(variants)]
        extra: list[Header] = []
        expect = Expect()
        if variant == "many":
            extra = [(f"x-fuzz-{n}", "v") for n in range(rng.randint(129, 400))]
        elif variant == "huge-one":
            name = rng.choice(("x-fuzz-big", "x-request-id", "x-ratelimit-limit-requests"))
            extra = [(name, "v" * rng.randint(8193, 65536))]
        elif variant == "nonascii-request-id":
            extra = [("x-request-id", b"req_" + bytes([rng.randint(0x80, 0xFF)]) + b"z")]
            expect = self.same(method, seed)
        elif variant == "utf8-request-id":
            extra = [("x-request-id", "req_é日本".encode())]
            expect = self.same(method, seed)
        elif variant == "ratelimit-60":
            extra = [(f"x-ratelimit-fuzz-{n}", "9" * rng.randint(200, 1000)) for n in range(60)]
            expect = self.same(method, seed)
        elif variant == "ratelimit-nonascii":
            extra = [
                ("x-ratelimit-remaining-requests", "é".encode()),
                ("openai-processing-ms", b"\xff"),
            ]
            expect = self.same(method, seed)
        elif variant == "odd-names":
            extra = [("x fuzz", "v"), ("x-é", "v"), ("x-fuzz\x7f", "v")]
        elif variant == "duplicates":
            extra = [
                ("x-request-id", "req_1"),
                ("x-request-id", "req_2"),
                ("openai-version", "a"),
                ("openai-version", "b"),
            ]
            expect = self.same(method, seed)
        elif variant == "obs-fold":
            extra = [("x-request-id", b"req_fold\r\n continued")]
        else:
            extra = [("x-request-id", rng.choice((b"a\x00b", b"a\rb", b"a\x1bb", b"\x7f")))]
        data = reply(
            200, seed.body, seed.content_type, extra, framing=rng.choice(("length", "chunked"))
        )
        return self.case(rng, method, variant, Script((data,)), expect=expect, seed=seed)

    def gzip(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """Content-Encoding: valid gzip and deflate, truncated, corrupted, bombs past the
        limit, declared but absent, doubled, unknown encodings."""
        seed = self.seed(rng, method)
        limit = self.ctx.max_message_bytes
        variants = (
            "gzip",
            "deflate",
            "truncated",
            "corrupted",
            "bomb",
            "bomb-line",
            "declared-plain",
            "double",
            "unknown",
            "gzip-gzip-header",
        )
        variant = variants[turn % len(variants)]
        expect = Expect()
        encoding: str | None = "gzip"
        if variant == "gzip":
            body, expect = gzipped(seed.body), self.same(method, seed)
        elif variant == "deflate":
            body, encoding, expect = deflate(seed.body), "deflate", self.same(method, seed)
        elif variant == "truncated":
            packed = gzipped(seed.body)
            body = packed[: rng.randint(1, len(packed) - 1)]
        elif variant == "corrupted":
            packed = bytearray(gzipped(seed.body))
            for _ in range(rng.randint(1, 4)):
                packed[rng.randrange(10, len(packed))] ^= rng.randint(1, 255)
            body = bytes(packed)
        elif variant == "bomb":
            size = limit * rng.choice((2, 4, 16))
            if seed.stream:
                body = gzip_bomb(
                    b'data: {"type":"response.output_text.delta","delta":"',
                    ord("a"),
                    size,
                    b'"}\n\n',
                )
            else:
                body = gzip_bomb(
                    b'{"id":"resp_bomb","object":"response","x":"', ord("a"), size, b'"}'
                )
        elif variant == "bomb-line":
            body = gzip_bomb(b"data: ", ord("a"), limit * rng.choice((2, 8)))
        elif variant == "declared-plain":
            body = seed.body
        elif variant == "double":
            body = gzipped(gzipped(seed.body))
        elif variant == "unknown":
            body, encoding = seed.body, rng.choice(("br", "zstd", "x-fuzz", "identity, x"))
        else:
            body, encoding = gzipped(gzipped(seed.body)), "gzip, gzip"
        data = reply(
            200,
            body,
            seed.content_type,
            encoding=encoding,
            framing=rng.choice(("length", "chunked")),
            sizes=_sizes(rng),
        )
        return self.case(rng, method, variant, Script((data,)), expect=expect, seed=seed)

    def content_type(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """Bodies of the wrong kind, or labelled with the wrong content type."""
        seed = self.seed(rng, method)
        variants = (
            "json-for-stream",
            "sse-for-unary",
            "html-200",
            "label-html",
            "label-none",
            "label-text",
            "octet-garbage",
            "utf16-json",
            "latin1-json",
        )
        variant = variants[turn % len(variants)]
        content: str | None = seed.content_type
        body = seed.body
        if variant == "json-for-stream":
            body, content = b'{"id":"resp_x","object":"response","status":"completed"}', JSON
        elif variant == "sse-for-unary":
            body, content = self.ctx.corpus.streams[turn % len(self.ctx.corpus.streams)].data, SSE
        elif variant == "html-200":
            body, content = b"<html><body><h1>Welcome to nginx!</h1></body></html>", "text/html"
        elif variant == "label-html":
            content = "text/html"
        elif variant == "label-none":
            content = None
        elif variant == "label-text":
            content = "text/plain; charset=utf-8"
        elif variant == "octet-garbage":
            body, content = rng.randbytes(rng.randint(1, 4096)), "application/octet-stream"
        elif variant == "utf16-json":
            body, content = seed.body.decode("utf-8").encode("utf-16"), "application/json"
        else:
            body = seed.body.decode("utf-8").encode("latin-1", "replace")
            content = "application/json; charset=latin-1"
        data = reply(200, body, content, framing=rng.choice(("length", "chunked", "close")))
        return self.case(rng, method, variant, Script((data,)), seed=seed)

    def http_error(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """HTTP errors and odd statuses, with JSON, HTML, text, empty, huge, nested or
        gzip-bombed bodies; sometimes with short retry hints."""
        limit = self.ctx.max_message_bytes
        odd = (100, 101, 204, 206, 301, 304, 399)
        status = rng.choice(ERROR_STATUSES if rng.random() < 0.85 else odd)
        variants = (
            "openai",
            "error-string",
            "array",
            "html",
            "text",
            "empty",
            "invalid-utf8",
            "huge",
            "nested",
            "message-object",
            "gzip",
            "bomb",
        )
        variant = variants[turn % len(variants)]
        encoding = None
        content = JSON
        error = {
            "message": "upstream says no é",
            "type": "server_error",
            "param": None,
            "code": "fuzz",
        }
        if variant == "openai":
            body = json.dumps({"error": error}).encode()
        elif variant == "error-string":
            body = b'{"error": "just a string"}'
        elif variant == "array":
            body = b'[{"error": {"message": "in an array"}}]'
        elif variant == "html":
            body, content = b"<html><title>502 Bad Gateway</title></html>", "text/html"
        elif variant == "text":
            body, content = b"upstream connect error or disconnect/reset", "text/plain"
        elif variant == "empty":
            body = b""
        elif variant == "invalid-utf8":
            body = b'{"error": {"message": "\xff\xfe\xc3"}}'
        elif variant == "huge":
            body = json.dumps({"error": {**error, "message": "m" * (limit + 1)}}).encode()
        elif variant == "nested":
            deep = _deep_json(rng.choice(DEPTHS), "object", rng)
            body = b'{"error": {"message": "deep", "code": "x", "detail": ' + deep + b"}}"
        elif variant == "message-object":
            body = json.dumps(
                {"error": {"message": {"a": [1]}, "code": 5, "type": None, "param": ["x"]}}
            ).encode()
        elif variant == "gzip":
            body, encoding = gzipped(json.dumps({"error": error}).encode()), "gzip"
        else:
            body = gzip_bomb(b'{"error": {"message": "', ord("m"), limit * 4, b'"}}')
            encoding = "gzip"
        hints: list[Header] = []
        if rng.random() < 0.3:
            hints = [
                rng.choice(
                    (
                        ("retry-after-ms", "1"),
                        ("retry-after", "0"),
                        ("retry-after", "inf"),
                        ("retry-after", "-5"),
                        ("retry-after-ms", "1e400"),
                    )
                )
            ]
        if status in (301,):
            hints.append(("location", "http://127.0.0.1:1/elsewhere"))
        data = reply(
            status,
            body,
            content,
            hints,
            encoding=encoding,
            framing=rng.choice(("length", "chunked")),
        )
        return self.case(rng, method, f"{status}-{variant}", Script((data,)))

    def key_echo(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """The key the upstream received, echoed back: in an error body, a header, an
        in-stream error event or a failed response."""
        variants = (
            "error-message",
            "error-param",
            "error-code",
            "html",
            "text",
            "request-id",
            "ratelimit-header",
            "stream-error",
            "stream-failed",
            "top-message",
        )
        variant = variants[turn % len(variants)]
        status = rng.choice((400, 401, 403, 429, 500, 503))
        stream = method.server_streaming

        def answer(request: Request) -> Script:
            auth = request.headers.get("authorization", "")
            key = auth.removeprefix("Bearer ").strip() or "no-key-received"
            said = f"Incorrect API key provided: {key}. You can find your API key at ..."
            headers: list[Header] = []
            content = JSON
            code = status
            if variant == "error-message":
                body = json.dumps(
                    {
                        "error": {
                            "message": said,
                            "type": "invalid_request_error",
                            "code": "invalid_api_key",
                            "param": None,
                        }
                    }
                ).encode()
            elif variant == "error-param":
                body = json.dumps(
                    {"error": {"message": "bad", "param": key, "code": key, "type": key}}
                ).encode()
            elif variant == "error-code":
                body = json.dumps({"error": {"message": "bad", "code": said}}).encode()
            elif variant == "html":
                body, content = f"<html><p>{said}</p></html>".encode(), "text/html"
            elif variant == "text":
                body, content = said.encode(), "text/plain"
            elif variant == "top-message":
                body = json.dumps({"message": said, "status": code}).encode()
            elif variant in ("request-id", "ratelimit-header"):
                name = "x-request-id" if variant == "request-id" else "x-ratelimit-key"
                headers = [(name, f"req_{key}")]
                body = json.dumps({"error": {"message": "nope"}}).encode()
            else:
                code = 200
                content = SSE
                created = {"type": "response.created", "response": {"id": "resp_k"}}
                if variant == "stream-error":
                    last = {
                        "type": "error",
                        "code": "invalid_api_key",
                        "message": said,
                        "param": key,
                    }
                else:
                    last = {
                        "type": "response.failed",
                        "response": {
                            "id": "resp_k",
                            "status": "failed",
                            "error": {"code": "invalid_api_key", "message": said},
                        },
                    }
                body = _event_json(created) + _event_json(last)
                if not stream:
                    code, content = 401, JSON
                    body = json.dumps({"error": last}).encode()
            return Script((reply(code, body, content, headers),))

        case = self.case(rng, method, variant, answer, caller_key=rng.random() < 0.5)
        case.metadata.append(RAW_JSON)
        return case

    def framing(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """HTTP/1.1 framing an attacker controls: bad chunk sizes, both or conflicting
        lengths, odd status lines, interim replies, resets and junk before the head."""
        seed = self.seed(rng, method)
        body = seed.body
        ctype = seed.content_type.encode()
        variants = (
            "chunk-size-junk",
            "chunk-size-huge",
            "chunk-no-crlf",
            "no-last-chunk",
            "cl-and-te",
            "two-lengths",
            "length-letters",
            "length-long",
            "length-short",
            "http10",
            "http2-line",
            "status-junk",
            "status-600",
            "no-reason",
            "lf-only-head",
            "header-no-colon",
            "space-before-colon",
            "nul-in-head",
            "reset-first",
            "partial-status",
            "continue-then-ok",
            "empty-reply",
            "head-flood",
        )
        variant = variants[turn % len(variants)]
        end = "close"
        chunk = b"%x\r\n%s\r\n" % (len(body), body)
        if variant == "chunk-size-junk":
            data = head(200, [("content-type", ctype), ("transfer-encoding", "chunked")]) + (
                b"zz\r\n" + body + b"\r\n0\r\n\r\n"
            )
        elif variant == "chunk-size-huge":
            data = head(200, [("content-type", ctype), ("transfer-encoding", "chunked")]) + (
                b"ffffffffffffffff\r\n" + body
            )
        elif variant == "chunk-no-crlf":
            data = head(200, [("content-type", ctype), ("transfer-encoding", "chunked")]) + (
                b"%x\r\n%sXX0\r\n\r\n" % (len(body), body)
            )
        elif variant == "no-last-chunk":
            data = head(200, [("content-type", ctype), ("transfer-encoding", "chunked")]) + chunk
        elif variant == "cl-and-te":
            data = (
                head(
                    200,
                    [
                        ("content-type", ctype),
                        ("content-length", str(len(body) // 2)),
                        ("transfer-encoding", "chunked"),
                    ],
                )
                + chunk
                + b"0\r\n\r\n"
            )
        elif variant == "two-lengths":
            data = (
                head(
                    200,
                    [
                        ("content-type", ctype),
                        ("content-length", str(len(body))),
                        ("content-length", str(len(body) + 7)),
                    ],
                )
                + body
            )
        elif variant == "length-letters":
            data = head(200, [("content-type", ctype), ("content-length", "12ab")]) + body
        elif variant == "length-long":
            data = (
                head(200, [("content-type", ctype), ("content-length", str(len(body) + 10_000))])
                + body
            )
        elif variant == "length-short":
            data = (
                head(
                    200, [("content-type", ctype), ("content-length", str(max(0, len(body) - 10)))]
                )
                + body
            )
        elif variant == "http10":
            data = head(200, [("content-type", ctype)], version=b"HTTP/1.0") + body
        elif variant == "http2-line":
            data = head(200, [("content-type", ctype)], version=b"HTTP/2") + body
        elif variant == "status-junk":
            data = head(b"2OO", [("content-type", ctype)]) + body
        elif variant == "status-600":
            data = head(600, [("content-type", ctype), ("content-length", str(len(body)))]) + body
        elif variant == "no-reason":
            data = (
                head(200, [("content-type", ctype), ("content-length", str(len(body)))], reason=b"")
                + body
            )
        elif variant == "lf-only-head":
            data = (
                b"HTTP/1.1 200 OK\ncontent-type: "
                + ctype
                + b"\ncontent-length: %d\n\n" % len(body)
                + body
            )
        elif variant == "header-no-colon":
            data = b"HTTP/1.1 200 OK\r\ncontent-type " + ctype + b"\r\njunk\r\n\r\n" + body
        elif variant == "space-before-colon":
            data = b"HTTP/1.1 200 OK\r\ncontent-length : %d\r\n\r\n" % len(body) + body
        elif variant == "nul-in-head":
            data = b"HTTP/1.1 200 OK\r\ncontent-type: a\x00b\r\n\r\n" + body
        elif variant == "reset-first":
            data, end = b"", "reset"
        elif variant == "partial-status":
            data = b"HTTP/1.1 20"
        elif variant == "continue-then-ok":
            data = b"HTTP/1.1 100 Continue\r\n\r\n" + reply(200, body, seed.content_type)
        elif variant == "empty-reply":
            data = b""
        else:
            data = b"HTTP/1.1 200 OK\r\n" + b"x-flood: " + b"f" * (2 << 20) + b"\r\n\r\n" + body
        return self.case(rng, method, variant, Script((data,), end=end), seed=seed)

    def paths(self, rng: random.Random, method: MethodDescriptor, turn: int) -> Case:
        """Ids that are not one plain path segment: the upstream must receive exactly one
        segment equal to the id, or nothing (the call refused)."""
        odd = ODD_IDS[turn % len(ODD_IDS)]
        seed = self.seed(rng, method)
        request = minimal(method.input_type)
        request.response_id = odd  # type: ignore[attr-defined]
        data = reply(200, seed.body, seed.content_type)
        case = self.case(
            rng, method, f"{odd[:12]!r}", Script((data,)), seed=seed, expect=Expect(segment=odd)
        )
        case.messages = [request]
        return case


def _sizes(rng: random.Random) -> tuple[int, ...]:
    return tuple(rng.choice((1, 2, 7, 64, 1000, 4096, 65536)) for _ in range(rng.randint(1, 4)))


def _bucket(depth: int) -> str:
    for bound in (49, 50, 100, 256, 1000, 2000):
        if depth <= bound:
            return f"le{bound}"
    return "gt2000"


def _cut_point(rng: random.Random, body: bytes, kind: str) -> int:
    """A position in `body` of the kind named."""
    candidates: list[int] = []
    if kind == "line-boundary":
        candidates = [
            i + 1
            for i in range(len(body) - 1)
            if body[i] == 10 and body[i + 1] != 10 and (i == 0 or body[i - 1] != 10)
        ]
    elif kind == "event-boundary":
        candidates = [i + 2 for i in range(len(body) - 2) if body[i : i + 2] == b"\n\n"]
    elif kind == "mid-utf8":
        candidates = [i for i in range(1, len(body)) if 0x80 <= body[i] <= 0xBF]
    if not candidates:
        candidates = [i for i in range(1, len(body)) if body[i - 1] != 10 and body[i] != 10]
    return rng.choice(candidates) if candidates else len(body) // 2


def _after_terminal(body: bytes) -> int:
    """Where the stream's last terminal event ends (an `error` event is followed by a
    `response.failed`); the whole body when there is none."""
    position = 0
    end = len(body)
    for event in _events(body):
        found = body.find(event, position)
        if found < 0:
            break
        position = found + len(event)
        if _event_type(event) in TERMINAL:
            end = position
    return end


def _cut_framed(body: bytes, cut: int, ctype: str, framing: str, rng: random.Random) -> bytes:
    """A reply whose head promises `body` and whose bytes stop at body[:cut]."""
    whole = reply(
        200, body, ctype, framing=framing, sizes=_sizes(rng) if framing == "chunked" else ()
    )
    start = whole.index(b"\r\n\r\n") + 4
    if framing != "chunked":
        return whole[: start + cut]
    # Chunked: keep whole chunks up to the cut, then part of the next chunk's data.
    out = bytearray(whole[:start])
    position = 0
    rest = whole[start:]
    while rest and position < cut:
        line_end = rest.index(b"\r\n")
        size = int(rest[:line_end], 16)
        if size == 0:
            break
        take = min(size, cut - position)
        # A whole chunk keeps its closing CRLF; a cut one ends mid-data.
        out += rest[: line_end + 2 + take + (2 if take == size else 0)]
        position += take
        rest = rest[line_end + 2 + size + 2 :]
    return bytes(out)


def _deep_json(depth: int, kind: str, rng: random.Random) -> bytes:
    """JSON text nested `depth` containers deep, built as text (no recursion)."""
    opens: list[bytes] = []
    closes: list[bytes] = []
    for _ in range(depth):
        obj = kind == "object" or (kind == "mixed" and rng.random() < 0.5)
        opens.append(b'{"k":' if obj else b"[")
        closes.append(b"}" if obj else b"]")
    return b"".join(opens) + b'"bottom"' + b"".join(reversed(closes))


def _inject(data: bytes, deep: bytes, rng: random.Random, *, event: bool) -> bytes:
    """`data` (a JSON body, or one SSE event) with `deep` placed at a random object in it."""
    if event:
        lines = data.split(b"\n")
        for index, line in enumerate(lines):
            if line.startswith(b"data:"):
                lines[index] = b"data: " + _inject(line[5:].strip(), deep, rng, event=False)
                return b"\n".join(lines)
        return data
    try:
        payload = json.loads(data)
    except ValueError:
        return data
    holders = [payload] if isinstance(payload, dict) else []
    stack = list(holders)
    while stack:
        item = stack.pop()
        for value in item.values() if isinstance(item, dict) else item:
            if isinstance(value, dict):
                holders.append(value)
            if isinstance(value, dict | list):
                stack.append(value)
    if not holders:
        return data
    target = rng.choice(holders)
    target["fuzz_deep"] = "@@DEEP@@"
    return json.dumps(payload).encode().replace(b'"@@DEEP@@"', deep, 1)


def _unary_oddity(body: bytes, variant: str) -> bytes:
    payload = json.loads(body)
    if variant == "array":
        return json.dumps([payload]).encode()
    if variant == "string":
        return b'"a string"'
    if variant == "null":
        return b"null"
    if variant == "number":
        return b"42"
    if variant == "empty":
        return b""
    if not isinstance(payload, dict):
        return body
    payload = copy.deepcopy(payload)
    if variant == "failed-status":
        payload["status"] = "failed"
        payload["error"] = {"code": "server_error", "message": "it failed"}
        return json.dumps(payload).encode()
    if variant == "error-object":
        return json.dumps({**payload, "error": {"message": "but 200"}}).encode()
    text = json.dumps(payload).encode()
    return text[:-1] + b', "id": 5, "id": {"x": 1}}'


def family(ctx: ReplyContext) -> Family:
    """The upstream family: every category over every method it applies to."""
    generators = _Generators(ctx)
    every = methods()
    by_id = [m for m in every if "response_id" in m.input_type.fields_by_name]
    categories = [
        Category("truncate", generators.truncate, every),
        Category("flip", generators.flip, every),
        Category("split", generators.split, every),
        Category("terminal", generators.terminal, every),
        Category("oversized", generators.oversized, every),
        Category("nested", generators.nested, every),
        Category("headers", generators.headers, every),
        Category("gzip", generators.gzip, every),
        Category("content_type", generators.content_type, every),
        Category("http_error", generators.http_error, every),
        Category("key_echo", generators.key_echo, every),
        Category("framing", generators.framing, every),
        Category("paths", generators.paths, by_id),
    ]
    return Family(NAME, categories)
