"""The output items a simulated response can hold, and the stream events of each (no I/O).

Each class is one output item of the Responses API. ``item(done=False)`` is
the item as ``response.output_item.added`` announces it, ``item(done=True)``
as ``response.output_item.done`` and the final Response carry it, and
``events(index, seq)`` yields the events between those two (content parts,
deltas, progress), numbering them from the shared ``seq`` counter.
``output_tokens`` and ``reasoning_tokens`` are what the item adds to usage
(whitespace words of the text the model "generated").

Event fields follow streams recorded from api.openai.com: ``type`` first, the
other fields sorted by name (see `event`). Item shapes follow the OpenAPI
spec's item schemas and the openai SDK's models.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

__all__ = [
    "ApplyPatchOutput",
    "CodeInterpreterOutput",
    "ComputerCallOutput",
    "CustomToolCallOutput",
    "Event",
    "FileSearchOutput",
    "FunctionCallOutput",
    "ImageGenerationOutput",
    "McpCallOutput",
    "McpListToolsOutput",
    "MessageOutput",
    "Output",
    "ReasoningOutput",
    "ShellCallOutput",
    "WebSearchOutput",
    "event",
]

Event = dict[str, Any]
"""One stream event: the JSON object sent as an SSE ``data:`` line."""

# A 1x1 PNG: what the simulated image generation "draws" (base64).
PIXEL_PNG_B64 = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg"
    "=="
)


def event(kind: str, seq: Iterator[int], **fields: Any) -> Event:
    """Build one event: ``type`` first, then its fields (and the next sequence number) by name."""
    fields["sequence_number"] = next(seq)
    return {"type": kind, **dict(sorted(fields.items()))}


def _words(text: str) -> int:
    """Count whitespace-separated words: the simulator's tokens."""
    return len(text.split())


class Output(Protocol):
    """What every output item offers to the `Script` that streams it."""

    @property
    def item_id(self) -> str:
        """The item's ``id``."""
        ...

    @property
    def output_tokens(self) -> int:
        """Tokens the item adds to ``usage.output_tokens``."""
        ...

    @property
    def reasoning_tokens(self) -> int:
        """Tokens the item adds to ``usage.output_tokens_details.reasoning_tokens``."""
        ...

    def item(self, *, done: bool) -> dict[str, Any]:
        """Return the item as announced (``done=False``) or finished."""
        ...

    def events(self, index: int, seq: Iterator[int]) -> Iterator[Event]:
        """Yield the events between the item's ``added`` and ``done`` events."""
        ...


@dataclass(frozen=True, slots=True)
class MessageOutput:
    """An assistant message with one ``output_text`` (or ``refusal``) part.

    ``annotations`` are announced by ``response.output_text.annotation.added``
    after the last delta; ``incomplete`` marks a message cut short by
    ``max_output_tokens``.
    """

    item_id: str
    text: str
    chunks: Sequence[str] = ()
    refusal: bool = False
    annotations: Sequence[Mapping[str, Any]] = ()
    incomplete: bool = False

    @property
    def output_tokens(self) -> int:
        """The words of the text."""
        return _words(self.text)

    @property
    def reasoning_tokens(self) -> int:
        """None: a message is not reasoning."""
        return 0

    def item(self, *, done: bool) -> dict[str, Any]:
        """Return the output item, complete or as first announced (empty)."""
        return {
            "id": self.item_id,
            "type": "message",
            "status": ("incomplete" if self.incomplete else "completed") if done else "in_progress",
            "content": [self.part(done=True)] if done else [],
            "role": "assistant",
        }

    def part(self, *, done: bool) -> dict[str, Any]:
        """Return the content part, complete or empty."""
        if self.refusal:
            return {"type": "refusal", "refusal": self.text if done else ""}
        return {
            "type": "output_text",
            "annotations": [dict(a) for a in self.annotations] if done else [],
            "logprobs": [],
            "text": self.text if done else "",
        }

    def events(self, index: int, seq: Iterator[int]) -> Iterator[Event]:
        """Yield the content part's events: added, deltas, annotations, done."""
        common = {"content_index": 0, "item_id": self.item_id, "output_index": index}
        yield event("response.content_part.added", seq, part=self.part(done=False), **common)
        if self.refusal:
            for delta in self.chunks:
                yield event("response.refusal.delta", seq, delta=delta, **common)
            yield event("response.refusal.done", seq, refusal=self.text, **common)
        else:
            for delta in self.chunks:
                yield event("response.output_text.delta", seq, delta=delta, logprobs=[], **common)
            for number, annotation in enumerate(self.annotations):
                yield event(
                    "response.output_text.annotation.added",
                    seq,
                    annotation=dict(annotation),
                    annotation_index=number,
                    **common,
                )
            yield event("response.output_text.done", seq, logprobs=[], text=self.text, **common)
        yield event("response.content_part.done", seq, part=self.part(done=True), **common)


@dataclass(frozen=True, slots=True)
class FunctionCallOutput:
    """One ``function_call`` output item."""

    item_id: str
    call_id: str
    name: str
    arguments: str
    chunks: Sequence[str] = ()

    @property
    def output_tokens(self) -> int:
        """The words of the arguments."""
        return _words(self.arguments)

    @property
    def reasoning_tokens(self) -> int:
        """None."""
        return 0

    def item(self, *, done: bool) -> dict[str, Any]:
        """Return the output item, complete or as first announced (no arguments)."""
        return {
            "id": self.item_id,
            "type": "function_call",
            "status": "completed" if done else "in_progress",
            "arguments": self.arguments if done else "",
            "call_id": self.call_id,
            "name": self.name,
        }

    def events(self, index: int, seq: Iterator[int]) -> Iterator[Event]:
        """Yield the argument deltas and done."""
        common = {"item_id": self.item_id, "output_index": index}
        for delta in self.chunks:
            yield event("response.function_call_arguments.delta", seq, delta=delta, **common)
        # "name" is in OpenAI's spec of this event though not (yet) in every SDK's model.
        yield event(
            "response.function_call_arguments.done",
            seq,
            arguments=self.arguments,
            name=self.name,
            **common,
        )


@dataclass(frozen=True, slots=True)
class ReasoningOutput:
    """A ``reasoning`` item: summary parts and/or ``reasoning_text`` content.

    ``summary_chunks[i]`` are the deltas of ``summary[i]``; ``text`` (with
    ``text_chunks``) is the raw reasoning text, streamed as a ``reasoning_text``
    content part; ``encrypted_content`` is sent when the request includes
    ``reasoning.encrypted_content``.
    """

    item_id: str
    summary: Sequence[str] = ()
    summary_chunks: Sequence[Sequence[str]] = ()
    text: str | None = None
    text_chunks: Sequence[str] = ()
    encrypted_content: str | None = None

    @property
    def output_tokens(self) -> int:
        """Reasoning counts as output too."""
        return self.reasoning_tokens

    @property
    def reasoning_tokens(self) -> int:
        """The words of the summary and the reasoning text."""
        return sum(map(_words, self.summary)) + _words(self.text or "")

    def item(self, *, done: bool) -> dict[str, Any]:
        """Return the item: empty summary when announced, every part when done."""
        item: dict[str, Any] = {"id": self.item_id, "type": "reasoning"}
        if self.encrypted_content is not None:
            item["encrypted_content"] = self.encrypted_content
        item["summary"] = (
            [{"type": "summary_text", "text": text} for text in self.summary] if done else []
        )
        if self.text is not None:
            item["content"] = [{"type": "reasoning_text", "text": self.text}] if done else []
        return item

    def events(self, index: int, seq: Iterator[int]) -> Iterator[Event]:
        """Yield each summary part's events, then the reasoning text's."""
        common = {"item_id": self.item_id, "output_index": index}
        for number, (text, chunks) in enumerate(
            zip(self.summary, self.summary_chunks, strict=True)
        ):
            part = {"summary_index": number, **common}
            yield event(
                "response.reasoning_summary_part.added",
                seq,
                part={"type": "summary_text", "text": ""},
                **part,
            )
            for delta in chunks:
                yield event("response.reasoning_summary_text.delta", seq, delta=delta, **part)
            yield event("response.reasoning_summary_text.done", seq, text=text, **part)
            yield event(
                "response.reasoning_summary_part.done",
                seq,
                part={"type": "summary_text", "text": text},
                **part,
            )
        if self.text is None:
            return
        content = {"content_index": 0, **common}
        yield event(
            "response.content_part.added",
            seq,
            part={"type": "reasoning_text", "text": ""},
            **content,
        )
        for delta in self.text_chunks:
            yield event("response.reasoning_text.delta", seq, delta=delta, **content)
        yield event("response.reasoning_text.done", seq, text=self.text, **content)
        yield event(
            "response.content_part.done",
            seq,
            part={"type": "reasoning_text", "text": self.text},
            **content,
        )


def _progress(
    prefix: str, stages: Sequence[str], index: int, item_id: str, seq: Iterator[int]
) -> Iterator[Event]:
    """Yield ``response.<prefix>.<stage>`` for each stage: the hosted tools' progress events."""
    for stage in stages:
        yield event(f"response.{prefix}.{stage}", seq, item_id=item_id, output_index=index)


@dataclass(frozen=True, slots=True)
class WebSearchOutput:
    """A ``web_search_call`` searching for ``query`` (with ``sources`` when included)."""

    item_id: str
    query: str
    sources: Sequence[str] | None = None

    output_tokens = 0
    reasoning_tokens = 0

    def item(self, *, done: bool) -> dict[str, Any]:
        """Return the call: the action's query and sources once done."""
        action: dict[str, Any] = {"type": "search"}
        if done:
            action["query"] = self.query
            if self.sources is not None:
                action["sources"] = [{"type": "url", "url": url} for url in self.sources]
        return {
            "id": self.item_id,
            "type": "web_search_call",
            "status": "completed" if done else "in_progress",
            "action": action,
        }

    def events(self, index: int, seq: Iterator[int]) -> Iterator[Event]:
        """Yield in_progress, searching, completed."""
        stages = ("in_progress", "searching", "completed")
        yield from _progress("web_search_call", stages, index, self.item_id, seq)


@dataclass(frozen=True, slots=True)
class FileSearchOutput:
    """A ``file_search_call`` for ``query`` (with ``results`` when included)."""

    item_id: str
    query: str
    results: Sequence[Mapping[str, Any]] | None = None

    output_tokens = 0
    reasoning_tokens = 0

    def item(self, *, done: bool) -> dict[str, Any]:
        """Return the call: queries and results once done."""
        return {
            "id": self.item_id,
            "type": "file_search_call",
            "status": "completed" if done else "in_progress",
            "queries": [self.query] if done else [],
            "results": [dict(r) for r in self.results]
            if done and self.results is not None
            else None,
        }

    def events(self, index: int, seq: Iterator[int]) -> Iterator[Event]:
        """Yield in_progress, searching, completed."""
        stages = ("in_progress", "searching", "completed")
        yield from _progress("file_search_call", stages, index, self.item_id, seq)


@dataclass(frozen=True, slots=True)
class CodeInterpreterOutput:
    """A ``code_interpreter_call`` whose code is streamed (outputs when included)."""

    item_id: str
    container_id: str
    code: str
    chunks: Sequence[str] = ()
    logs: str | None = None

    @property
    def output_tokens(self) -> int:
        """The words of the code."""
        return _words(self.code)

    reasoning_tokens = 0

    def item(self, *, done: bool) -> dict[str, Any]:
        """Return the call: code and outputs once done."""
        return {
            "id": self.item_id,
            "type": "code_interpreter_call",
            "status": "completed" if done else "in_progress",
            "code": self.code if done else "",
            "container_id": self.container_id,
            "outputs": [{"type": "logs", "logs": self.logs}]
            if done and self.logs is not None
            else None,
        }

    def events(self, index: int, seq: Iterator[int]) -> Iterator[Event]:
        """Yield in_progress, the code deltas and done, interpreting, completed."""
        common = {"item_id": self.item_id, "output_index": index}
        yield from _progress("code_interpreter_call", ("in_progress",), index, self.item_id, seq)
        for delta in self.chunks:
            yield event("response.code_interpreter_call_code.delta", seq, delta=delta, **common)
        yield event("response.code_interpreter_call_code.done", seq, code=self.code, **common)
        stages = ("interpreting", "completed")
        yield from _progress("code_interpreter_call", stages, index, self.item_id, seq)


@dataclass(frozen=True, slots=True)
class ImageGenerationOutput:
    """An ``image_generation_call`` with ``partial_images`` partial images."""

    item_id: str
    revised_prompt: str
    partial_images: int = 1
    image_b64: str = PIXEL_PNG_B64
    settings: Mapping[str, str] = field(
        default_factory=lambda: {
            "background": "opaque",
            "output_format": "png",
            "quality": "low",
            "size": "1024x1024",
        }
    )

    output_tokens = 0
    reasoning_tokens = 0

    def item(self, *, done: bool) -> dict[str, Any]:
        """Return the call: the image (base64) and its settings once done."""
        if not done:
            return {
                "id": self.item_id,
                "type": "image_generation_call",
                "status": "in_progress",
                "result": None,
            }
        return {
            "id": self.item_id,
            "type": "image_generation_call",
            "status": "completed",
            **self.settings,
            "result": self.image_b64,
            "revised_prompt": self.revised_prompt,
        }

    def events(self, index: int, seq: Iterator[int]) -> Iterator[Event]:
        """Yield in_progress, generating, the partial images, completed."""
        prefix = "image_generation_call"
        yield from _progress(prefix, ("in_progress", "generating"), index, self.item_id, seq)
        for number in range(self.partial_images):
            yield event(
                f"response.{prefix}.partial_image",
                seq,
                item_id=self.item_id,
                output_index=index,
                partial_image_b64=self.image_b64,
                partial_image_index=number,
                **self.settings,
            )
        yield from _progress(prefix, ("completed",), index, self.item_id, seq)


# The one tool the simulated MCP server lists.
MCP_ECHO_TOOL: Mapping[str, Any] = {
    "annotations": None,
    "description": "Echo the input back.",
    "input_schema": {
        "type": "object",
        "properties": {"input": {"type": "string"}},
        "required": ["input"],
        "additionalProperties": False,
    },
    "name": "echo",
}


@dataclass(frozen=True, slots=True)
class McpListToolsOutput:
    """An ``mcp_list_tools`` item: the simulated server lists its ``echo`` tool."""

    item_id: str
    server_label: str

    output_tokens = 0
    reasoning_tokens = 0

    def item(self, *, done: bool) -> dict[str, Any]:
        """Return the list: empty when announced."""
        return {
            "id": self.item_id,
            "type": "mcp_list_tools",
            "server_label": self.server_label,
            "tools": [dict(MCP_ECHO_TOOL)] if done else [],
        }

    def events(self, index: int, seq: Iterator[int]) -> Iterator[Event]:
        """Yield in_progress, completed."""
        stages = ("in_progress", "completed")
        yield from _progress("mcp_list_tools", stages, index, self.item_id, seq)


@dataclass(frozen=True, slots=True)
class McpCallOutput:
    """An ``mcp_call`` of the ``echo`` tool, with streamed arguments and its output."""

    item_id: str
    server_label: str
    arguments: str
    output: str
    chunks: Sequence[str] = ()
    name: str = "echo"

    @property
    def output_tokens(self) -> int:
        """The words of the arguments."""
        return _words(self.arguments)

    reasoning_tokens = 0

    def item(self, *, done: bool) -> dict[str, Any]:
        """Return the call: arguments and output once done."""
        return {
            "id": self.item_id,
            "type": "mcp_call",
            "status": "completed" if done else "in_progress",
            "approval_request_id": None,
            "arguments": self.arguments if done else "",
            "error": None,
            "name": self.name,
            "output": self.output if done else None,
            "server_label": self.server_label,
        }

    def events(self, index: int, seq: Iterator[int]) -> Iterator[Event]:
        """Yield in_progress, the argument deltas and done, completed."""
        common = {"item_id": self.item_id, "output_index": index}
        yield from _progress("mcp_call", ("in_progress",), index, self.item_id, seq)
        for delta in self.chunks:
            yield event("response.mcp_call_arguments.delta", seq, delta=delta, **common)
        yield event("response.mcp_call_arguments.done", seq, arguments=self.arguments, **common)
        yield from _progress("mcp_call", ("completed",), index, self.item_id, seq)


@dataclass(frozen=True, slots=True)
class CustomToolCallOutput:
    """A ``custom_tool_call`` whose free-form input is streamed."""

    item_id: str
    call_id: str
    name: str
    input: str
    chunks: Sequence[str] = ()

    @property
    def output_tokens(self) -> int:
        """The words of the input."""
        return _words(self.input)

    reasoning_tokens = 0

    def item(self, *, done: bool) -> dict[str, Any]:
        """Return the call: its input once done (the schema has no status)."""
        return {
            "id": self.item_id,
            "type": "custom_tool_call",
            "call_id": self.call_id,
            "input": self.input if done else "",
            "name": self.name,
        }

    def events(self, index: int, seq: Iterator[int]) -> Iterator[Event]:
        """Yield the input deltas and done."""
        common = {"item_id": self.item_id, "output_index": index}
        for delta in self.chunks:
            yield event("response.custom_tool_call_input.delta", seq, delta=delta, **common)
        yield event("response.custom_tool_call_input.done", seq, input=self.input, **common)


@dataclass(frozen=True, slots=True)
class ShellCallOutput:
    """A ``shell_call`` asking the client to run one command (streamed)."""

    item_id: str
    call_id: str
    command: str
    chunks: Sequence[str] = ()
    environment: Mapping[str, Any] | None = None

    @property
    def output_tokens(self) -> int:
        """The words of the command."""
        return _words(self.command)

    reasoning_tokens = 0

    def item(self, *, done: bool) -> dict[str, Any]:
        """Return the call: its command once done."""
        return {
            "id": self.item_id,
            "type": "shell_call",
            "status": "completed" if done else "in_progress",
            "action": {
                "commands": [self.command] if done else [],
                "max_output_length": None,
                "timeout_ms": None,
            },
            "call_id": self.call_id,
            "environment": dict(self.environment) if self.environment is not None else None,
        }

    def events(self, index: int, seq: Iterator[int]) -> Iterator[Event]:
        """Yield the command's added, deltas and done."""
        common = {"command_index": 0, "output_index": index}
        yield event("response.shell_call_command.added", seq, command="", **common)
        for delta in self.chunks:
            yield event("response.shell_call_command.delta", seq, delta=delta, **common)
        yield event("response.shell_call_command.done", seq, command=self.command, **common)


@dataclass(frozen=True, slots=True)
class ApplyPatchOutput:
    """An ``apply_patch_call`` creating one file (no events between added and done)."""

    item_id: str
    call_id: str
    path: str
    diff: str

    @property
    def output_tokens(self) -> int:
        """The words of the diff."""
        return _words(self.diff)

    reasoning_tokens = 0

    def item(self, *, done: bool) -> dict[str, Any]:
        """Return the call with its operation."""
        return {
            "id": self.item_id,
            "type": "apply_patch_call",
            "status": "completed" if done else "in_progress",
            "call_id": self.call_id,
            "operation": {"type": "create_file", "diff": self.diff, "path": self.path},
        }

    def events(self, index: int, seq: Iterator[int]) -> Iterator[Event]:
        """Yield nothing: the spec streams no patch deltas."""
        return iter(())


@dataclass(frozen=True, slots=True)
class ComputerCallOutput:
    """A ``computer_call`` typing ``text``.

    With the GA ``computer`` tool the action goes in ``actions`` (a batch),
    otherwise (``computer_use_preview``) in ``action``.
    """

    item_id: str
    call_id: str
    text: str
    batched: bool = False

    @property
    def output_tokens(self) -> int:
        """The words typed."""
        return _words(self.text)

    reasoning_tokens = 0

    def item(self, *, done: bool) -> dict[str, Any]:
        """Return the call with its action(s)."""
        action = {"type": "type", "text": self.text}
        item: dict[str, Any] = {
            "id": self.item_id,
            "type": "computer_call",
            "status": "completed" if done else "in_progress",
            "call_id": self.call_id,
        }
        if self.batched:
            item["actions"] = [action]
        else:
            item["action"] = action
        item["pending_safety_checks"] = []
        return item

    def events(self, index: int, seq: Iterator[int]) -> Iterator[Event]:
        """Yield nothing: a computer call is announced whole."""
        return iter(())
