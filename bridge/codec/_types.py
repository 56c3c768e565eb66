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


# Input items, output items and item resources share type strings; one table.
ITEM = Union(
    types=_same(
        "message",
        "function_call",
        "function_call_output",
        "reasoning",
        "file_search_call",
        "computer_call",
        "computer_call_output",
        "web_search_call",
        "tool_search_call",
        "tool_search_output",
        "additional_tools",
        "compaction",
        "image_generation_call",
        "code_interpreter_call",
        "local_shell_call",
        "local_shell_call_output",
        "shell_call",
        "shell_call_output",
        "apply_patch_call",
        "apply_patch_call_output",
        "mcp_list_tools",
        "mcp_approval_request",
        "mcp_approval_response",
        "mcp_call",
        "custom_tool_call",
        "custom_tool_call_output",
        "compaction_trigger",
        "item_reference",
        "program",
        "program_output",
        "configuration_update",
    ),
    # The API's "easy input message" may omit its type (so may an item
    # reference, which then decodes as a message holding only an id).
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
        "computer_screenshot",
    ),
)

ANNOTATION = Union(
    types=_same("file_citation", "url_citation", "container_file_citation", "file_path"),
)

TOOL = Union(
    types={
        **_same(
            "function",
            "file_search",
            "computer",
            "computer_use_preview",
            "mcp",
            "code_interpreter",
            "programmatic_tool_calling",
            "image_generation",
            "local_shell",
            "shell",
            "custom",
            "namespace",
            "tool_search",
            "apply_patch",
        ),
        # Dated aliases share their tool's message, which keeps the string.
        "web_search": "web_search",
        "web_search_2025_08_26": "web_search",
        "web_search_preview": "web_search_preview",
        "web_search_preview_2025_03_11": "web_search_preview",
    },
)

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
        "response.audio.delta": "audio_delta",
        "response.audio.done": "audio_done",
        "response.audio.transcript.delta": "audio_transcript_delta",
        "response.audio.transcript.done": "audio_transcript_done",
        "response.code_interpreter_call_code.delta": "code_interpreter_call_code_delta",
        "response.code_interpreter_call_code.done": "code_interpreter_call_code_done",
        "response.code_interpreter_call.completed": "code_interpreter_call_completed",
        "response.code_interpreter_call.in_progress": "code_interpreter_call_in_progress",
        "response.code_interpreter_call.interpreting": "code_interpreter_call_interpreting",
        "response.file_search_call.completed": "file_search_call_completed",
        "response.file_search_call.in_progress": "file_search_call_in_progress",
        "response.file_search_call.searching": "file_search_call_searching",
        "response.shell_call_command.added": "shell_call_command_added",
        "response.shell_call_command.delta": "shell_call_command_delta",
        "response.shell_call_command.done": "shell_call_command_done",
        "response.shell_call_output_content.delta": "shell_call_output_content_delta",
        "response.shell_call_output_content.done": "shell_call_output_content_done",
        "response.web_search_call.completed": "web_search_call_completed",
        "response.web_search_call.in_progress": "web_search_call_in_progress",
        "response.web_search_call.searching": "web_search_call_searching",
        "response.image_generation_call.completed": "image_generation_call_completed",
        "response.image_generation_call.generating": "image_generation_call_generating",
        "response.image_generation_call.in_progress": "image_generation_call_in_progress",
        "response.image_generation_call.partial_image": "image_generation_call_partial_image",
        "response.mcp_call_arguments.delta": "mcp_call_arguments_delta",
        "response.mcp_call_arguments.done": "mcp_call_arguments_done",
        "response.mcp_call.completed": "mcp_call_completed",
        "response.mcp_call.failed": "mcp_call_failed",
        "response.mcp_call.in_progress": "mcp_call_in_progress",
        "response.mcp_list_tools.completed": "mcp_list_tools_completed",
        "response.mcp_list_tools.failed": "mcp_list_tools_failed",
        "response.mcp_list_tools.in_progress": "mcp_list_tools_in_progress",
        "response.custom_tool_call_input.delta": "custom_tool_call_input_delta",
        "response.custom_tool_call_input.done": "custom_tool_call_input_done",
        "response.compaction.compacting": "compaction_compacting",
    },
)

# Unions nested in items, tools and the response.
TOOL_CALL_CALLER = Union(types=_same("direct", "program"))

COMPUTER_ACTION = Union(
    types={
        **_same("click", "double_click", "drag", "keypress", "move", "screenshot", "scroll"),
        "type": "type_text",
        "wait": "wait",
    },
)

WEB_SEARCH_ACTION = Union(types=_same("search", "open_page", "find_in_page"))

CODE_INTERPRETER_OUTPUT = Union(types=_same("logs", "image"))

SHELL_CALL_OUTCOME = Union(types=_same("timeout", "exit"))

APPLY_PATCH_OPERATION = Union(types=_same("create_file", "delete_file", "update_file"))

# Older upstreams send an MCP call's error as a plain string.
MCP_CALL_ERROR = Union(
    types=_same("mcp_protocol_error", "mcp_tool_execution_error", "http_error"),
    string_arm="message",
)

FILE_SEARCH_FILTER = Union(
    types={
        **{op: "comparison" for op in ("eq", "ne", "gt", "gte", "lt", "lte", "in", "nin")},
        "and": "compound",
        "or": "compound",
    },
)

CONTAINER_NETWORK_POLICY = Union(types=_same("disabled", "allowlist"))

CODE_INTERPRETER_CONTAINER = Union(types=_same("auto"), string_arm="id")

SHELL_ENVIRONMENT = Union(types=_same("container_auto", "local", "container_reference"))

SKILL = Union(types=_same("skill_reference", "inline"))

CUSTOM_TOOL_FORMAT = Union(types=_same("text", "grammar"))

PROMPT_CACHE_DIAGNOSTICS = Union(
    types=_same("cache_miss", "cache_hit", "comparison_response_not_found", "unavailable"),
)

# Unions whose JSON is a string or an array rather than a typed object.
INPUT = Union(string_arm="text", list_arm="items", unknown_arm=None)
CONTENT = Union(string_arm="text", list_arm="parts", unknown_arm=None)
CONVERSATION_REF = Union(string_arm="id", untyped_arm="object", unknown_arm=None)
MCP_ALLOWED_TOOLS = Union(list_arm="tool_names", untyped_arm="filter", unknown_arm=None)
MCP_REQUIRE_APPROVAL = Union(string_arm="mode", untyped_arm="filter", unknown_arm=None)

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
    f"{PACKAGE}.ToolCallCaller": TOOL_CALL_CALLER,
    f"{PACKAGE}.ComputerAction": COMPUTER_ACTION,
    f"{PACKAGE}.WebSearchAction": WEB_SEARCH_ACTION,
    f"{PACKAGE}.CodeInterpreterOutput": CODE_INTERPRETER_OUTPUT,
    f"{PACKAGE}.ShellCallOutcome": SHELL_CALL_OUTCOME,
    f"{PACKAGE}.ApplyPatchOperation": APPLY_PATCH_OPERATION,
    f"{PACKAGE}.McpCallError": MCP_CALL_ERROR,
    f"{PACKAGE}.FileSearchFilter": FILE_SEARCH_FILTER,
    f"{PACKAGE}.ContainerNetworkPolicy": CONTAINER_NETWORK_POLICY,
    f"{PACKAGE}.CodeInterpreterContainer": CODE_INTERPRETER_CONTAINER,
    f"{PACKAGE}.ShellEnvironment": SHELL_ENVIRONMENT,
    f"{PACKAGE}.Skill": SKILL,
    f"{PACKAGE}.CustomToolFormat": CUSTOM_TOOL_FORMAT,
    f"{PACKAGE}.PromptCacheDiagnostics": PROMPT_CACHE_DIAGNOSTICS,
    f"{PACKAGE}.McpAllowedTools": MCP_ALLOWED_TOOLS,
    f"{PACKAGE}.McpRequireApproval": MCP_REQUIRE_APPROVAL,
}

# Fields of the bridge's own, outside the API's JSON: never read from or
# written to JSON by the codec.
BRIDGE_FIELDS = frozenset({"raw_json"})

# Fields the API always writes, as [] or {} when empty; proto3 cannot tell an
# empty list from an absent one, and OpenAI clients expect these keys.
# The list is every list or map the `openai` package's models require
# (tests/test_openai_models.py checks it against them).
ALWAYS_WRITTEN: dict[str, tuple[str, ...]] = {
    f"{PACKAGE}.Response": ("output", "tools", "metadata"),
    f"{PACKAGE}.OutputTextContent": ("annotations", "logprobs"),
    f"{PACKAGE}.ReasoningItem": ("summary",),
    f"{PACKAGE}.OutputTextDeltaEvent": ("logprobs",),
    f"{PACKAGE}.OutputTextDoneEvent": ("logprobs",),
    f"{PACKAGE}.LogProb": ("bytes", "top_logprobs"),
    f"{PACKAGE}.TopLogProb": ("bytes",),
    f"{PACKAGE}.AllowedToolsChoice": ("tools",),
    # Items.
    f"{PACKAGE}.FileSearchCallItem": ("queries",),
    f"{PACKAGE}.ComputerCallItem": ("pending_safety_checks",),
    f"{PACKAGE}.DragAction": ("path",),
    f"{PACKAGE}.KeyPressAction": ("keys",),
    f"{PACKAGE}.ToolSearchOutputItem": ("tools",),
    f"{PACKAGE}.AdditionalToolsItem": ("tools",),
    f"{PACKAGE}.ImageModerationDetails": ("categories",),
    f"{PACKAGE}.LocalShellExecAction": ("command", "env"),
    f"{PACKAGE}.ShellAction": ("commands",),
    f"{PACKAGE}.ShellCallOutputItem": ("output",),
    f"{PACKAGE}.McpListToolsItem": ("tools",),
    # Tools.
    f"{PACKAGE}.FileSearchTool": ("vector_store_ids",),
    f"{PACKAGE}.CompoundFilter": ("filters",),
    f"{PACKAGE}.ContainerNetworkPolicyAllowlist": ("allowed_domains",),
    f"{PACKAGE}.NamespaceTool": ("tools",),
    # Events and the other endpoints' replies.
    f"{PACKAGE}.ShellCallOutputContentDoneEvent": ("output",),
    f"{PACKAGE}.ListInputItemsResponse": ("data",),
    f"{PACKAGE}.CompactedResponse": ("output",),
}
