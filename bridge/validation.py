"""Checks of a create request before any upstream call.

Pure. Only rules the API itself holds stable are checked: required fields and
numeric ranges. Values that providers extend (model names, enum-like strings,
tool types) pass through untouched.
"""

from __future__ import annotations

import math
from typing import Any

from rbridge.responses.v1 import responses_service_pb2

__all__ = ["Violation", "check_create", "check_json"]

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


def check_json(body: Any, path: str = "") -> list[Violation]:
    """Values in a request body that JSON cannot carry (NaN, infinities), by path.

    Free-form fields (Struct, Value) accept any double; the upstream's JSON does not.
    """
    problems: list[Violation] = []
    if isinstance(body, float):
        if not math.isfinite(body):
            problems.append((path, f"not a JSON number: {body}"))
    elif isinstance(body, dict):
        for key, value in body.items():
            problems += check_json(value, f"{path}.{key}" if path else key)
    elif isinstance(body, list):
        for index, value in enumerate(body):
            problems += check_json(value, f"{path}[{index}]")
    return problems
