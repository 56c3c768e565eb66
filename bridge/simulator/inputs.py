"""Input items as the API stores and lists them, and conversation compaction (no I/O).

`input_items` turns a request's ``input`` into the item objects
``GET /v1/responses/{id}/input_items`` lists: a string becomes one user
message; an item without ``type`` but with a ``role`` is a message; string
contents become one ``input_text`` part (``output_text`` for the assistant);
items without an ``id`` get one (``msg_...`` for messages), and tool calls and
outputs without a ``status`` get ``"completed"``. Everything the client sent is kept.

`compact` answers ``POST /v1/responses/compact`` like the spec's example: the
user messages are kept (as completed message items), everything else is
replaced by one ``compaction`` item whose ``encrypted_content`` holds it
(base64 JSON behind a Fernet-like prefix). Usage counts the words of every
text (content parts, arguments, tool inputs and outputs) of the instructions
and all items as input tokens, and those of the compacted items as output
tokens.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

from bridge.simulator.script import count_tokens, opaque

__all__ = ["compact", "input_items"]

# id prefixes of the items the simulator names (others get "item").
_PREFIXES: Final = {
    "message": "msg",
    "function_call": "fc",
    "function_call_output": "fco",
    "reasoning": "rs",
    "custom_tool_call": "ctc",
    "custom_tool_call_output": "ctco",
    "computer_call": "cu",
    "computer_call_output": "cuo",
    "shell_call": "sh",
    "shell_call_output": "sho",
    "apply_patch_call": "apc",
    "apply_patch_call_output": "apco",
    "compaction": "cmp",
}
# Items whose stored form (the spec's ItemResource) requires a status.
_STATUS_ITEMS: Final = frozenset(
    {
        "function_call",
        "function_call_output",
        "custom_tool_call",
        "custom_tool_call_output",
        "computer_call",
        "computer_call_output",
        "shell_call",
        "shell_call_output",
        "apply_patch_call",
        "local_shell_call",
        "local_shell_call_output",
        "web_search_call",
        "file_search_call",
        "code_interpreter_call",
        "image_generation_call",
    }
)

IdMaker = Callable[[str, int], str]
"""Makes the id of the input item at an index, given its prefix."""


def _parts(content: object, role: str) -> object:
    """Return a message's content as a list of parts (string content becomes one part)."""
    if isinstance(content, str):
        if role == "assistant":
            return [{"type": "output_text", "annotations": [], "logprobs": [], "text": content}]
        return [{"type": "input_text", "text": content}]
    if not isinstance(content, list):
        return content
    parts: list[object] = []
    for part in content:
        if isinstance(part, dict) and part.get("type") == "input_image" and "detail" not in part:
            part = {**part, "detail": "auto"}
        if isinstance(part, dict) and part.get("type") == "output_text":
            part = {"annotations": [], **part}
        parts.append(part)
    return parts


def _item(raw: Mapping[str, Any], make_id: IdMaker, index: int) -> dict[str, Any]:
    """Return one input item in the stored, listed form."""
    kind = raw.get("type", "message" if "role" in raw else None)
    item_id = raw.get("id")
    if not isinstance(item_id, str):
        item_id = make_id(_PREFIXES.get(str(kind), "item"), index)
    if kind == "message":
        role = str(raw.get("role", "user"))
        item: dict[str, Any] = {"id": item_id, "type": "message"}
        if role == "assistant":
            item["status"] = raw.get("status") or "completed"
        item["role"] = role
        item["content"] = _parts(raw.get("content"), role)
    else:
        item = {"id": item_id, "type": kind}
        if kind in _STATUS_ITEMS and "status" not in raw:
            item["status"] = "completed"
    item.update((key, value) for key, value in raw.items() if key not in item)
    return item


def input_items(input_: object, make_id: IdMaker) -> list[dict[str, Any]]:
    """Return a request's ``input`` as stored items, in input order (see the module doc)."""
    if isinstance(input_, str):
        return [_item({"role": "user", "content": input_}, make_id, 0)]
    if not isinstance(input_, list):
        return []
    return [_item(raw, make_id, index) for index, raw in enumerate(input_) if isinstance(raw, dict)]


def _texts(value: object) -> list[str]:
    """Return every text of stored items: content parts' texts, arguments, outputs, inputs."""
    if isinstance(value, list):
        return [text for element in value for text in _texts(element)]
    if not isinstance(value, dict):
        return []
    texts = [
        value[key]
        for key in ("text", "refusal", "arguments", "output", "input")
        if isinstance(value.get(key), str)
    ]
    return texts + _texts(value.get("content")) + _texts(value.get("summary"))


def _is_user_message(item: Mapping[str, Any]) -> bool:
    """Whether ``item`` is a message from the user."""
    return item.get("type") == "message" and item.get("role") == "user"


def compact(
    *,
    response_id: str,
    created_at: int,
    items: Sequence[Mapping[str, Any]],
    instructions: str | None,
    compaction_id: str,
) -> dict[str, Any]:
    """Return the ``response.compaction`` object for a conversation of stored ``items``."""
    kept = [
        {
            "id": item["id"],
            "type": "message",
            "status": "completed",
            "content": item.get("content"),
            "role": "user",
        }
        for item in items
        if _is_user_message(item)
    ]
    dropped = [dict(item) for item in items if not _is_user_message(item)]
    input_tokens = count_tokens(instructions or "", *_texts(list(items)))
    output_tokens = count_tokens(*_texts(dropped))
    return {
        "id": response_id,
        "object": "response.compaction",
        "created_at": created_at,
        "output": [
            *kept,
            {"id": compaction_id, "type": "compaction", "encrypted_content": opaque(dropped)},
        ],
        "usage": {
            "input_tokens": input_tokens,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": input_tokens + output_tokens,
        },
    }
