"""Create requests are checked before any upstream call, naming each bad field."""

from __future__ import annotations

import pytest

from bridge.validation import check_create
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
