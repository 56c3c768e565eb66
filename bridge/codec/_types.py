"""The type-string tables: one per discriminated union of the contract.

Each table maps the JSON "type" string of a union member to the name of the
oneof arm that holds it. The codec reads these tables in both directions, so a
new member is one line here plus one arm in the proto. A member message that
serves several type strings keeps the string in its own `type` field; the
codec checks that at import time.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["PACKAGE", "UNIONS", "Union"]

PACKAGE = "rbridge.responses.v1"


@dataclass(frozen=True, slots=True)
class Union:
    """How one union message maps to JSON.

    Attributes:
        types: "type" string -> oneof arm, for JSON objects.
        untyped_arm: the arm for a JSON object without "type" (None: unknown).
        string_arm: the arm for a plain JSON string, if the union allows one.
        list_arm: the arm (a list message) for a JSON array, if allowed.
        unknown_arm: the arm that keeps any other JSON value whole.
    """

    types: dict[str, str] = field(default_factory=dict)
    untyped_arm: str | None = None
    string_arm: str | None = None
    list_arm: str | None = None
    unknown_arm: str | None = "unknown"


def _same(*names: str) -> dict[str, str]:
    return {name: name for name in names}


ITEM = Union(
    types=_same("message", "function_call", "function_call_output", "reasoning"),
    # The API's "easy input message" may omit its type.
    untyped_arm="message",
)

CONTENT_PART = Union(
    types=_same(
        "input_text",
        "input_image",
        "input_file",
        "output_text",
        "refusal",
        "reasoning_text",
        "summary_text",
        "text",
    ),
)

ANNOTATION = Union(
    types=_same("file_citation", "url_citation", "container_file_citation", "file_path"),
)

TOOL = Union(types=_same("function"))

TOOL_CHOICE = Union(
    types={
        "allowed_tools": "allowed_tools",
        "function": "function",
        "custom": "custom",
        "mcp": "mcp",
        **{
            name: "tool_type"
            for name in (
                "file_search",
                "web_search_preview",
                "web_search_preview_2025_03_11",
                "computer",
                "computer_use",
                "computer_use_preview",
                "image_generation",
                "code_interpreter",
                "programmatic_tool_calling",
                "apply_patch",
                "shell",
            )
        },
    },
    string_arm="mode",
)

TEXT_FORMAT = Union(types=_same("text", "json_object", "json_schema"))

STREAM_EVENT = Union(
    types={
        "response.output_text.delta": "output_text_delta",
        "response.function_call_arguments.delta": "function_call_arguments_delta",
        "response.reasoning_summary_text.delta": "reasoning_summary_text_delta",
        "response.reasoning_text.delta": "reasoning_text_delta",
        "response.refusal.delta": "refusal_delta",
        "response.output_item.added": "output_item_added",
        "response.output_item.done": "output_item_done",
        "response.content_part.added": "content_part_added",
        "response.content_part.done": "content_part_done",
        "response.output_text.done": "output_text_done",
        "response.created": "created",
        "response.in_progress": "in_progress",
        "response.completed": "completed",
        "error": "error",
        "response.output_text.annotation.added": "output_text_annotation_added",
        "response.queued": "queued",
        "response.failed": "failed",
        "response.incomplete": "incomplete",
        "response.refusal.done": "refusal_done",
        "response.function_call_arguments.done": "function_call_arguments_done",
        "response.reasoning_summary_part.added": "reasoning_summary_part_added",
        "response.reasoning_summary_part.done": "reasoning_summary_part_done",
        "response.reasoning_summary_text.done": "reasoning_summary_text_done",
        "response.reasoning_text.done": "reasoning_text_done",
    },
)

# Unions whose JSON is a string or an array rather than a typed object.
INPUT = Union(string_arm="text", list_arm="items", unknown_arm=None)
CONTENT = Union(string_arm="text", list_arm="parts", unknown_arm=None)
CONVERSATION_REF = Union(string_arm="id", untyped_arm="object", unknown_arm=None)

UNIONS: dict[str, Union] = {
    f"{PACKAGE}.Item": ITEM,
    f"{PACKAGE}.ContentPart": CONTENT_PART,
    f"{PACKAGE}.Annotation": ANNOTATION,
    f"{PACKAGE}.Tool": TOOL,
    f"{PACKAGE}.ToolChoice": TOOL_CHOICE,
    f"{PACKAGE}.TextFormat": TEXT_FORMAT,
    f"{PACKAGE}.ResponseStreamEvent": STREAM_EVENT,
    f"{PACKAGE}.Input": INPUT,
    f"{PACKAGE}.Content": CONTENT,
    f"{PACKAGE}.ConversationRef": CONVERSATION_REF,
}

# Fields the API always writes, as [] or {} when empty; proto3 cannot tell an
# empty list from an absent one, and OpenAI clients expect these keys.
ALWAYS_WRITTEN: dict[str, tuple[str, ...]] = {
    f"{PACKAGE}.Response": ("output", "tools", "metadata"),
    f"{PACKAGE}.OutputTextContent": ("annotations", "logprobs"),
    f"{PACKAGE}.ReasoningItem": ("summary",),
    f"{PACKAGE}.OutputTextDeltaEvent": ("logprobs",),
    f"{PACKAGE}.OutputTextDoneEvent": ("logprobs",),
}
