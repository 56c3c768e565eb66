"""Checks of a request before any upstream call.

Pure. Only rules the API itself holds stable are checked: required fields and
numeric ranges. Values that providers extend (model names, enum-like strings,
tool types) pass through untouched. What becomes part of the upstream HTTP
request outside the JSON body is checked for what HTTP can carry: an id is one
plain path segment, and a metadata value sent as a header is printable ASCII.
"""

from __future__ import annotations

import math
from typing import Any

from bridge.limits import MAX_JSON_DEPTH
from rbridge.responses.v1 import responses_service_pb2

__all__ = [
    "MIN_CALLER_KEY_LENGTH",
    "Violation",
    "check_create",
    "check_json",
    "check_metadata",
    "check_path_segment",
]

# A caller's own upstream key shorter than this is no key: refused, so that
# redacting it (wherever it occurs) cannot garble ordinary text.
MIN_CALLER_KEY_LENGTH = 8
# Characters that would change what an HTTP path means, beyond "/".
_PATH_SPECIAL = frozenset("/\\?#%")

Violation = tuple[str, str]


def check_create(request: responses_service_pb2.CreateResponseRequest) -> list[Violation]:
    """Every problem of a create request, as (field, description) pairs."""
    problems: list[Violation] = []
    extra = request.extra_fields
    if not request.model and "model" not in extra and not request.HasField("prompt"):
        problems.append(("model", "required: the model id, e.g. gpt-4.1"))
    if (
        not request.HasField("input")
        and "input" not in extra
        and not request.previous_response_id
        and not request.HasField("prompt")
        and not request.HasField("conversation")
    ):
        problems.append(("input", "required: a string or a list of items"))
    if request.HasField("temperature") and not 0.0 <= request.temperature <= 2.0:
        problems.append(("temperature", f"must be between 0 and 2, got {request.temperature}"))
    if request.HasField("top_p") and not 0.0 <= request.top_p <= 1.0:
        problems.append(("top_p", f"must be between 0 and 1, got {request.top_p}"))
    if request.HasField("top_logprobs") and not 0 <= request.top_logprobs <= 20:
        problems.append(("top_logprobs", f"must be between 0 and 20, got {request.top_logprobs}"))
    return problems


def check_json(body: Any, path: str = "", depth: int = 1) -> list[Violation]:
    """Values in a request body that JSON cannot carry (NaN, infinities), and nesting
    deeper than the bridge's limit, by path.

    Free-form fields (Struct, Value) accept any double; the upstream's JSON does
    not. A body nested deeper than `MAX_JSON_DEPTH` could only come back in
    replies the bridge cannot pass on (an upstream echoes the tools and inputs).
    """
    problems: list[Violation] = []
    if isinstance(body, float):
        if not math.isfinite(body):
            problems.append((path, f"not a JSON number: {body}"))
    elif isinstance(body, dict | list):
        if depth > MAX_JSON_DEPTH:
            return [(path, f"nested deeper than {MAX_JSON_DEPTH} levels, the bridge's limit")]
        items = body.items() if isinstance(body, dict) else enumerate(body)
        for key, value in items:
            if isinstance(value, float | dict | list):
                where = (
                    f"{path}[{key}]" if isinstance(key, int) else (f"{path}.{key}" if path else key)
                )
                problems += check_json(value, where, depth + 1)
    return problems


def check_path_segment(name: str, value: str) -> list[Violation]:
    """Problems of a non-empty `value` as one plain segment of an upstream URL path."""
    if value in (".", ".."):
        return [(name, f"{value!r} is not an id: it would name another path")]
    if not value.isascii() or not value.isprintable() or " " in value:
        return [(name, "must be printable ASCII without spaces")]
    if _PATH_SPECIAL.intersection(value):
        return [(name, "must not contain /, \\, ?, # or %")]
    return []


def check_metadata(values: dict[str, str]) -> list[Violation]:
    """Problems of metadata values that go upstream as HTTP header values."""
    return [
        (key, "metadata sent upstream must be printable ASCII (no CR, LF or NUL)")
        for key, value in values.items()
        if not (value.isascii() and value.isprintable())
    ]
