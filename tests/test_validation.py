"""Create requests are checked before any upstream call, naming each bad field."""

from __future__ import annotations

import pytest

from bridge.validation import check_create, check_json
from rbridge.responses.v1 import responses_service_pb2

Request = responses_service_pb2.CreateResponseRequest


@pytest.mark.parametrize(
    ("request_", "fields"),
    [
        (Request(model="m", input={"text": "x"}), []),
        (Request(input={"text": "x"}), ["model"]),
        (Request(model="m"), ["input"]),
        (Request(model="m", previous_response_id="resp_1"), []),
        (
            Request(model="m", input={"text": "x"}, temperature=2.5, top_p=-0.1),
            ["temperature", "top_p"],
        ),
        (Request(model="m", input={"text": "x"}, temperature=0.0, top_p=1.0), []),
        (Request(model="m", input={"text": "x"}, top_logprobs=21), ["top_logprobs"]),
    ],
)
def test_check_create(
    request_: responses_service_pb2.CreateResponseRequest, fields: list[str]
) -> None:
    """Each rule names the field it rejects, and valid requests pass."""
    assert [name for name, _ in check_create(request_)] == fields


def test_a_body_nested_past_the_limit_is_refused_by_path() -> None:
    """A request body nested deeper than the JSON depth limit is refused at its path; one
    nested exactly to the limit passes."""
    from bridge.limits import MAX_JSON_DEPTH

    def nested(levels: int) -> dict[str, object]:
        value: dict[str, object] = {"leaf": 1}
        for _ in range(levels - 1):
            value = {"a": value}
        return value

    assert check_json(nested(MAX_JSON_DEPTH)) == []
    ((path, why),) = check_json(nested(MAX_JSON_DEPTH + 1))
    assert path == ".".join(["a"] * MAX_JSON_DEPTH) and str(MAX_JSON_DEPTH) in why
