"""Runs a family of cases against a bridge subprocess and classifies every outcome.

Workers (each with its own gRPC channel and connection) take case numbers in order until
the case count or the time budget is spent. A case is generated from (seed, family,
number) alone, so `replay` regenerates any case exactly. After each case the bridge
process is checked: if it died, the calls in flight count as crashes and a new bridge
takes its place.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import shutil
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import grpc
import grpc.aio
from google.protobuf import text_format
from google.protobuf.message import DecodeError, Message
from google.rpc import status_pb2

from bridge import codec
from bridge.upstream.profiles import OPENAI
from rbridge.responses.v1 import responses_service_pb2, stream_events_pb2
from tools.fuzz.cases import Case, Expect, Family
from tools.fuzz.messages import message_class
from tools.fuzz.report import FamilyReport, Outcome, Reproduction
from tools.harness import rawgrpc
from tools.harness.hostile import HostileUpstream, Request, Script
from tools.harness.procs import BridgeProcess

__all__ = ["Run", "Variant", "run_family"]

SLOW_SECONDS = 5.0
# The client library refused the call locally; the bridge saw nothing (not a defect).
CLIENT_ERROR = "CLIENT_ERROR"
_NOTED = frozenset({"key_leak", "changed", "path_escape"})
MAX_REPRODUCTIONS = 300
CHANNEL_OPTIONS = [
    ("grpc.max_receive_message_length", -1),
    ("grpc.max_send_message_length", -1),
    # One connection per worker: a call that breaks its connection breaks no other.
    ("grpc.use_local_subchannel_pool", 1),
]
_CODE_NAMES = {code.value[0]: code.name for code in grpc.StatusCode}
# RFC 3986 pchar: unreserved, percent-encoded, sub-delims, ":" and "@".
_PCHAR = re.compile(r"^[A-Za-z0-9\-._~%!$&'()*+,;=:@]*$")


@dataclass(frozen=True)
class Variant:
    """One bridge configuration under test: its settings, metadata every call carries
    (unless the case sets that key itself) and the secrets that configuration adds."""

    name: str
    env: dict[str, str]
    metadata: tuple[tuple[str, str], ...] = ()
    secrets: tuple[str, ...] = ()


@dataclass
class Run:
    """How to run one family: cases alternate between the variants' bridges."""

    family: Family
    seed: int
    variants: list[Variant]
    allowed: frozenset[str]
    secrets: tuple[str, ...]
    cases: int
    seconds: float
    concurrency: int
    deadline: float
    out: Path
    upstream: HostileUpstream | None = None
    select_header: str = "x-fuzz-case"
    categories: frozenset[str] | None = None
    only: int | None = None
    progress: Callable[[str], None] | None = None


@dataclass
class _Slot:
    """The bridge of one variant; replaced when it dies."""

    run: Run
    variant: Variant
    process: BridgeProcess | None = None
    generation: int = 0
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    peak_kib: int = 0
    crashes: list[str] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    async def start(self) -> None:
        name = f"bridge-{self.run.family.name}-{self.variant.name}-{self.generation}.log"
        log = self.run.out / name
        log.unlink(missing_ok=True)
        self.process = BridgeProcess(self.variant.env, log_path=log)
        self.logs.append(log)
        await self.process.start()

    @property
    def target(self) -> str:
        assert self.process is not None
        return self.process.target

    def sample(self) -> None:
        if self.process is not None:
            self.peak_kib = max(self.peak_kib, self.process.memory().get("VmHWM", 0))

    async def check(self, generation: int) -> bool:
        """Whether the bridge of `generation` died; restart it once if so."""
        assert self.process is not None
        if self.process.alive and generation == self.generation:
            return False
        async with self.lock:
            if self.generation == generation and not self.process.alive:
                self.sample()
                code = self.process.returncode
                tail = self.process.log_tail(5)
                self.crashes.append(f"{self.variant.name}: exit {code}: {tail[-500:]}")
                await self.process.stop()
                self.generation += 1
                await self.start()
        return True

    async def stop(self) -> None:
        if self.process is not None:
            self.sample()
            await self.process.stop()


def method_path(case: Case) -> str:
    return f"/{case.method.containing_service.full_name}/{case.method.name}"


async def _call_grpc(
    channel: grpc.aio.Channel, case: Case, deadline: float
) -> tuple[Outcome, list[bytes], list[tuple[str, Any]]]:
    """One call through grpc's client, requests and replies as bytes."""
    method = case.method
    path = method_path(case)
    payloads = [message.SerializeToString() for message in case.messages]
    metadata = tuple(case.metadata)
    replies: list[bytes] = []
    call: Any
    try:
        if not method.client_streaming and not method.server_streaming:
            call = channel.unary_unary(path)(payloads[0], metadata=metadata, timeout=deadline)
            replies.append(await call)
        elif not method.client_streaming:
            call = channel.unary_stream(path)(payloads[0], metadata=metadata, timeout=deadline)
            async for reply in call:
                replies.append(reply)
        elif not method.server_streaming:
            call = channel.stream_unary(path)(iter(payloads), metadata=metadata, timeout=deadline)
            replies.append(await call)
        else:
            call = channel.stream_stream(path)(iter(payloads), metadata=metadata, timeout=deadline)
            async for reply in call:
                replies.append(reply)
        code = await call.code()
        message = await call.details()
        initial = await call.initial_metadata()
        trailing = await call.trailing_metadata()
    except grpc.aio.AioRpcError as error:
        code, message = error.code(), error.details()
        initial, trailing = error.initial_metadata(), error.trailing_metadata()
    except Exception as exc:  # grpc refused to send it: nothing reached the bridge
        outcome = Outcome(code=CLIENT_ERROR, message=f"{type(exc).__name__}: {exc}")
        return outcome, replies, []
    outcome = Outcome(code=code.name, message=message or "", messages=len(replies))
    pairs = [*(initial or ()), *(trailing or ())]
    return outcome, replies, [(str(k), v) for k, v in pairs]


async def _call_raw(
    target: str, case: Case, deadline: float
) -> tuple[Outcome, list[bytes], list[tuple[str, Any]]]:
    """One call over raw HTTP/2, for metadata grpc's client will not send."""
    host, port = target.rsplit(":", 1)
    metadata = [
        (k.encode(), v if isinstance(v, bytes) else v.encode("utf-8")) for k, v in case.metadata
    ]
    payloads = [message.SerializeToString() for message in case.messages]
    reply = await rawgrpc.call(
        host, int(port), method_path(case), payloads, metadata, deadline=deadline
    )
    if reply.status is None:
        code = "DEADLINE_EXCEEDED" if reply.error.startswith("no complete reply") else "NO_STATUS"
    else:
        code = _CODE_NAMES.get(reply.status, f"STATUS_{reply.status}")
    outcome = Outcome(code=code, message=reply.message, messages=len(reply.messages), via="raw")
    if reply.compressed:
        outcome.notes.append(f"{reply.compressed} compressed messages (not decoded)")
    if reply.status is None:
        outcome.notes.append(f"no grpc-status: {reply.error or 'stream reset'} reset={reply.reset}")
        outcome.defects.append("decode")
    pairs = [(k.decode("latin-1"), v) for k, v in reply.metadata()]
    return outcome, reply.messages, pairs


def _decode(case: Case, outcome: Outcome, replies: list[bytes]) -> list[Message]:
    cls = message_class(case.method.output_type)
    decoded = []
    for index, data in enumerate(replies):
        try:
            decoded.append(cls.FromString(data))
        except DecodeError as exc:
            outcome.defects.append("decode")
            outcome.notes.append(f"reply {index + 1}/{len(replies)} ({len(data)} bytes): {exc}")
            break
    return decoded


def _details(outcome: Outcome, pairs: list[tuple[str, Any]]) -> None:
    for key, value in pairs:
        if key == "grpc-status-details-bin" and isinstance(value, bytes):
            try:
                status_pb2.Status.FromString(value)
            except DecodeError as exc:
                outcome.defects.append("decode")
                outcome.notes.append(f"grpc-status-details-bin: {exc}")


def _leaks(
    case: Case,
    outcome: Outcome,
    pairs: list[tuple[str, Any]],
    decoded: list[Message],
    secrets: tuple[str, ...],
) -> None:
    places: list[tuple[str, bytes]] = [("status message", outcome.message.encode())]
    for key, value in pairs:
        raw = value if isinstance(value, bytes) else str(value).encode("utf-8", "replace")
        places.append((f"metadata {key}", key.encode() + b"=" + raw))
    if case.method.server_streaming:
        for index, event in enumerate(_events(decoded)):
            if codec.event_type(event) in OPENAI.failure_events:
                places.append(
                    (f"event {index + 1} ({codec.event_type(event)})", event.SerializeToString())
                )
    for secret in secrets:
        needle = secret.encode()
        for where, haystack in places:
            if needle in haystack:
                outcome.defects.append("key_leak")
                outcome.notes.append(f"secret {secret[:10]}... in {where}")
                return


def _events(decoded: list[Message]) -> Iterator[Message]:
    """A stream's events, one by one, whether each message is an event, a batch or a
    session's event (its lane around the event)."""
    for message in decoded:
        if isinstance(message, stream_events_pb2.ResponseStreamEventBatch):
            yield from message.events
        elif isinstance(message, responses_service_pb2.ResponsesServerEvent):
            yield message.event
        else:
            yield message


def _path_escape(expect: Expect, seen: list[Request], outcome: Outcome) -> None:
    identifier = expect.segment
    assert identifier is not None
    for request in seen:
        path = request.path
        rest = path[len(expect.path_prefix) :] if path.startswith(expect.path_prefix) else None
        segment = None if rest is None else rest.split("/", 1)[0]
        problem = None
        if segment is None:
            problem = "outside the prefix"
        elif unquote(segment) != identifier:
            problem = f"segment {segment!r} is not the id"
        elif unquote(segment) in (".", "..") or segment in (".", ".."):
            problem = f"dot segment {segment!r}"
        elif not _PCHAR.match(segment):
            problem = f"unescaped characters in {segment!r}"
        if problem:
            outcome.defects.append("path_escape")
            outcome.notes.append(
                f"{request.method} {request.target!r} for id {identifier!r}: {problem}"
            )
            return


class _Runner:
    def __init__(self, run: Run, report: FamilyReport) -> None:
        self.run = run
        self.report = report
        self.slots = [_Slot(run, variant) for variant in run.variants]
        self.next_index = 0
        self.stop_at = 0.0
        self.baselines: dict[tuple[str, str], asyncio.Future[tuple[str, int]]] = {}
        self.smallest: dict[tuple[str, ...], tuple[Case, Outcome]] = {}
        self.done = 0
        self.arms: set[str] = set()

    def take(self) -> int | None:
        run = self.run
        if run.only is not None:
            if self.next_index > 0:
                return None
            self.next_index = 1
            return run.only
        while self.next_index < run.cases and time.monotonic() < self.stop_at:
            index = self.next_index
            self.next_index += 1
            categories = run.family.categories
            if run.categories is None or categories[index % len(categories)].name in run.categories:
                return index
        return None

    def slot_for(self, index: int) -> _Slot:
        """The variant of case `index`: a hash of the index, so no cycle of a generator
        lines up with the variants."""
        return self.slots[zlib.crc32(b"%d" % index) % len(self.slots)]

    async def worker(self) -> None:
        channels: dict[str, tuple[int, grpc.aio.Channel]] = {}
        try:
            while (index := self.take()) is not None:
                slot = self.slot_for(index)
                generation, channel = channels.get(slot.variant.name, (-1, None))
                if channel is None or generation != slot.generation:
                    if channel is not None:
                        await channel.close()
                    generation = slot.generation
                    channel = grpc.aio.insecure_channel(slot.target, options=CHANNEL_OPTIONS)
                    channels[slot.variant.name] = (generation, channel)
                case = self.run.family.case(self.run.seed, index)
                case.notes["variant"] = slot.variant.name
                outcome = await self.execute(case, slot, channel, generation)
                self.record(case, outcome)
        finally:
            for _, channel in channels.values():
                await channel.close()

    async def execute(
        self,
        case: Case,
        slot: _Slot,
        channel: grpc.aio.Channel,
        generation: int,
        name: str = "",
    ) -> Outcome:
        run = self.run
        name = name or f"c{case.index}"
        keys = {key for key, _ in case.metadata}
        case.metadata += [(k, v) for k, v in slot.variant.metadata if k not in keys]
        if case.responder is not None:
            assert run.upstream is not None
            run.upstream.register(name, case.responder)
            case.metadata.append((run.select_header, name))
        secrets = (*(case.secrets or run.secrets), *slot.variant.secrets)
        started = time.monotonic()
        seen: list[Request] = []
        try:
            if case.raw:
                outcome, replies, pairs = await _call_raw(slot.target, case, run.deadline)
            else:
                outcome, replies, pairs = await _call_grpc(channel, case, run.deadline)
        finally:
            if case.responder is not None:
                assert run.upstream is not None
                seen = run.upstream.unregister(name)
        outcome.elapsed = time.monotonic() - started
        if await slot.check(generation):
            outcome.defects.append("crash")
        decoded = _decode(case, outcome, replies)
        if case.method.server_streaming:
            outcome.events = sum(1 for _ in _events(decoded))
        _details(outcome, pairs)
        _leaks(case, outcome, pairs, decoded, secrets)
        if outcome.code == "UNKNOWN":
            outcome.defects.append("unknown")
        elif outcome.code not in run.allowed and outcome.code not in ("NO_STATUS", CLIENT_ERROR):
            outcome.defects.append("undocumented")
        if case.expect.segment is not None:
            _path_escape(case.expect, seen, outcome)
        if case.expect.same_as_seed is not None and "seed_script" in case.notes:
            base_code, base_count = await self.baseline(case, slot)
            # Events, not messages: how a batched stream groups them follows the reply's
            # chunks, which a split changes.
            if (outcome.code, outcome.events) != (base_code, base_count):
                outcome.defects.append("changed")
                outcome.notes.append(
                    f"seed {case.notes.get('seed')} ends {base_code} after {base_count} "
                    f"events; this ends {outcome.code} after {outcome.events}"
                )
        return outcome

    async def baseline(self, case: Case, slot: _Slot) -> tuple[str, int]:
        """The outcome of the case's request answered by its unmutated seed (once per seed
        and variant)."""
        assert case.expect.same_as_seed is not None
        key = (slot.variant.name, case.expect.same_as_seed)
        future = self.baselines.get(key)
        if future is None:
            future = asyncio.get_running_loop().create_future()
            self.baselines[key] = future
            plain = Case(
                case.family,
                case.category,
                case.index,
                "seed",
                case.method,
                case.messages,
                responder=case.notes["seed_script"],
            )
            generation = slot.generation
            async with grpc.aio.insecure_channel(slot.target, options=CHANNEL_OPTIONS) as channel:
                outcome = await self.execute(
                    plain, slot, channel, generation, "seed-" + "|".join(key)
                )
            future.set_result((outcome.code, outcome.events))
        return await future

    def record(self, case: Case, outcome: Outcome) -> None:
        category = self.report.categories[case.category]
        category.cases += 1
        category.codes[outcome.code] += 1
        if outcome.elapsed > SLOW_SECONDS:
            category.slow += 1
        if "arms" in case.notes:
            self.arms.update(case.notes["arms"])
        for kind in dict.fromkeys(outcome.defects):
            category.defects[kind] += 1
            category.labels_with_defects[f"{kind}:{case.label}"] += 1
            # What tells defects of a kind apart: the status message, or for a leak, a
            # changed outcome or a path escape, what the check noted.
            said = outcome.notes[-1] if kind in _NOTED and outcome.notes else outcome.message
            signature = (
                kind,
                case.category,
                case.notes["variant"],
                outcome.code,
                _label_key(case.label),
                _shape(said),
            )
            known = self.smallest.get(signature)
            if known is None and len(self.smallest) >= MAX_REPRODUCTIONS:
                continue
            if known is None or case.size() < known[0].size():
                self.smallest[signature] = (case, outcome)
            self.report.reproductions.setdefault(
                signature, Reproduction(signature, "", "", "", 0, "", "", [], [])
            ).count += 1
        self.done += 1
        if self.run.progress and self.done % 1000 == 0:
            self.run.progress(f"{self.run.family.name}: {self.done} cases")

    async def sampler(self) -> None:
        while True:
            for slot in self.slots:
                slot.sample()
            await asyncio.sleep(0.5)

    async def go(self) -> None:
        run = self.run
        run.out.mkdir(parents=True, exist_ok=True)
        for slot in self.slots:
            await slot.start()
        self.report.start_rss_mib = (
            max(
                (slot.process.memory().get("VmRSS", 0) if slot.process else 0)
                for slot in self.slots
            )
            / 1024
        )
        started = time.monotonic()
        self.stop_at = started + run.seconds
        sampler = asyncio.get_running_loop().create_task(self.sampler())
        try:
            async with asyncio.TaskGroup() as group:
                for _ in range(run.concurrency if run.only is None else 1):
                    group.create_task(self.worker())
        finally:
            sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sampler
            self.report.seconds = time.monotonic() - started
            for slot in self.slots:
                await slot.stop()
        self.report.peak_rss_mib = max(slot.peak_kib for slot in self.slots) / 1024
        self.report.restarts = sum(slot.generation for slot in self.slots)
        crashes = [text for slot in self.slots for text in slot.crashes]
        if crashes:
            self.report.extras["crashes"] = crashes[:5]
        self.report.extras["variants"] = ", ".join(v.name for v in run.variants)
        if self.arms:
            self.report.extras["oneof arms covered"] = len(self.arms)
        secrets = (*run.secrets, *(s for v in run.variants for s in v.secrets))
        self.report.log_leaks = _log_leaks(
            [log for slot in self.slots for log in slot.logs], secrets
        )
        self.finish_reproductions()

    def finish_reproductions(self) -> None:
        folder = self.run.out / self.run.family.name
        shutil.rmtree(folder, ignore_errors=True)
        for number, (signature, (case, outcome)) in enumerate(sorted(self.smallest.items())):
            files = _write_case(
                folder / f"{number:03d}-{signature[0]}-{case.category}", case, outcome, self.run
            )
            repro = self.report.reproductions[signature]
            repro.case_id = case.id
            repro.label = case.label
            repro.method = case.method.name
            repro.size = case.size()
            repro.code = outcome.code
            repro.message = outcome.message
            repro.notes = outcome.notes
            repro.files = files


def _label_key(label: str) -> str:
    return re.sub(r"\d+", "#", label)


def _shape(message: str) -> str:
    text = re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", message)
    text = re.sub(r"\d+", "N", text)
    return text[:70]


def _log_leaks(logs: list[Path], secrets: tuple[str, ...]) -> int:
    count = 0
    for log in logs:
        with contextlib.suppress(OSError), log.open("rb") as handle:
            for line in handle:
                if any(secret.encode() in line for secret in secrets):
                    count += 1
    return count


def _write_case(folder: Path, case: Case, outcome: Outcome, run: Run) -> list[str]:
    """The case's request, metadata and scripted reply as files, and how to replay it."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [
        f"case {case.id} (seed {run.seed}), category {case.category}, label {case.label!r}, "
        f"bridge variant {case.notes.get('variant')}",
        f"rpc {method_path(case)} via {outcome.via}",
        f"status {outcome.code}: {outcome.message!r}",
        *outcome.notes,
        f"replay: python -m tools.fuzz --family {case.family} --seed {run.seed} "
        f"--replay {case.index}",
        "metadata:",
        *(f"  {k}: {v!r}"[:2000] for k, v in case.metadata),
    ]
    (folder / "case.txt").write_text("\n".join(lines) + "\n")
    for number, message in enumerate(case.messages):
        (folder / f"request-{number}.bin").write_bytes(message.SerializeToString())
        try:
            text = text_format.MessageToString(message, as_utf8=True)
        except (DecodeError, RecursionError) as exc:
            text = f"(no text format: {exc}; see request-{number}.bin)\n"
        if len(text) > 20_000:
            text = text[:20_000] + f"\n... ({len(text)} characters in all)\n"
        (folder / f"request-{number}.txt").write_text(text)
    script = case.responder
    if script is not None and not isinstance(script, Script):
        key = case.secrets[-1] if case.secrets else ""
        script = script(Request("POST", "/v1/responses", {"authorization": f"Bearer {key}"}, b""))
    if isinstance(script, Script):
        (folder / "reply.bin").write_bytes(script.data())
    return [str(folder)]


async def run_family(run: Run) -> FamilyReport:
    """Run `run.family` against a bridge started with `run.env`; its report."""
    report = FamilyReport(run.family.name, run.seed)
    runner = _Runner(run, report)
    await runner.go()
    return report
