"""Credentials are removed from text, metadata and rich error details."""

from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2, status_pb2

from bridge.errors import UpstreamError, to_rpc_status
from bridge.redact import REDACTED, Redactor

KEY = "opaque-gateway-key-123"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"key {KEY} rejected", f"key {REDACTED} rejected"),
        ("Authorization: Bearer abc.def-ghi", f"Authorization: Bearer {REDACTED}"),
        ("authorization: bearer Zm9vYmFy", f"authorization: Bearer {REDACTED}"),
        (
            "Incorrect API key provided: sk-proj-AbCdEf0123456789",
            f"Incorrect API key provided: {REDACTED}",
        ),
        ('{"msg": "sk-live-0123456789abcdef"}', f'{{"msg": "{REDACTED}"}}'),
        ("nothing to hide: sk-short, bearer", "nothing to hide: sk-short, bearer"),
    ],
    ids=["configured", "bearer", "lowercase-bearer", "sk-key", "inside-json", "harmless"],
)
def test_text(text: str, expected: str) -> None:
    """Configured secrets, bearer tokens and sk- keys are replaced; other text is kept."""
    assert Redactor([KEY]).text(text) == expected


def test_status_details_stay_consistent() -> None:
    """Every string of a google.rpc.Status (message, ErrorInfo, BadRequest) is redacted."""
    error = UpstreamError(
        code=grpc.StatusCode.INVALID_ARGUMENT,
        message=f"bad: Bearer {KEY}",
        error_code="invalid_api_key",
        param=f"Bearer {KEY}",
    )
    blob = to_rpc_status(error).SerializeToString()
    cleaned = Redactor([KEY]).status_details(blob)
    assert KEY.encode() not in cleaned
    status = status_pb2.Status.FromString(cleaned)
    assert status.message == f"bad: Bearer {REDACTED}"
    info = error_details_pb2.ErrorInfo()
    assert status.details[0].Unpack(info)
    assert info.metadata["param"] == f"Bearer {REDACTED}"
    bad_request = error_details_pb2.BadRequest()
    assert status.details[1].Unpack(bad_request)
    assert KEY not in bad_request.field_violations[0].description


def test_status_details_without_secrets_are_untouched() -> None:
    """Details with nothing to hide are returned byte for byte."""
    blob = to_rpc_status(UpstreamError(grpc.StatusCode.INTERNAL, "boom")).SerializeToString()
    assert Redactor([KEY]).status_details(blob) is blob


def test_metadata() -> None:
    """String values and binary details in metadata are redacted; keys are kept."""
    blob = to_rpc_status(UpstreamError(grpc.StatusCode.INTERNAL, f"x {KEY}")).SerializeToString()
    cleaned = Redactor([KEY]).metadata(
        (("x-request-id", "req_1"), ("x-echo", f"Bearer {KEY}"), ("grpc-status-details-bin", blob))
    )
    assert cleaned[0] == ("x-request-id", "req_1")
    assert cleaned[1] == ("x-echo", f"Bearer {REDACTED}")
    assert KEY.encode() not in cleaned[2][1]  # type: ignore[operator]


def test_empty_or_short_secrets_are_ignored() -> None:
    """Missing, empty or tiny configured secrets do not redact ordinary text."""
    assert Redactor([None, "", "ab"]).text("abc ab") == "abc ab"
