"""The mapping of upstream failures to gRPC statuses, with details."""

from __future__ import annotations

import grpc
import pytest
from google.rpc import error_details_pb2

from bridge import errors
from tests.conftest import fixture_files, load_json


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (400, grpc.StatusCode.INVALID_ARGUMENT),
        (401, grpc.StatusCode.UNAUTHENTICATED),
        (403, grpc.StatusCode.PERMISSION_DENIED),
        (404, grpc.StatusCode.NOT_FOUND),
        (409, grpc.StatusCode.ABORTED),
        (422, grpc.StatusCode.INVALID_ARGUMENT),
        (429, grpc.StatusCode.RESOURCE_EXHAUSTED),
        (500, grpc.StatusCode.INTERNAL),
        (502, grpc.StatusCode.UNAVAILABLE),
        (503, grpc.StatusCode.UNAVAILABLE),
        (504, grpc.StatusCode.DEADLINE_EXCEEDED),
        (418, grpc.StatusCode.FAILED_PRECONDITION),
        (599, grpc.StatusCode.UNAVAILABLE),
    ],
)
def test_http_status_table(status: int, code: grpc.StatusCode) -> None:
    """Each HTTP status maps to the documented gRPC code."""
    assert errors.code_for_http_status(status) is code


@pytest.mark.parametrize(
    ("error_code", "code"),
    [
        ("rate_limit_exceeded", grpc.StatusCode.RESOURCE_EXHAUSTED),
        ("insufficient_quota", grpc.StatusCode.RESOURCE_EXHAUSTED),
        ("invalid_prompt", grpc.StatusCode.INVALID_ARGUMENT),
        ("server_error", grpc.StatusCode.INTERNAL),
        (None, grpc.StatusCode.INTERNAL),
    ],
)
def test_error_code_table(error_code: str | None, code: grpc.StatusCode) -> None:
    """In-stream error codes map to gRPC codes."""
    assert errors.code_for_error_code(error_code) is code


@pytest.mark.parametrize(
    "path", fixture_files("seeds", "*-response-error.json"), ids=lambda p: p.name
)
def test_provider_error_bodies_give_their_message(path: object) -> None:
    """Documented provider error bodies yield their message and type."""
    import json

    body = load_json(path)  # type: ignore[arg-type]
    error = errors.from_http(400, json.dumps(body).encode(), "application/json")
    assert error.code is grpc.StatusCode.INVALID_ARGUMENT
    assert body["error"]["message"] in error.message


def test_non_json_body_still_gives_a_clear_message() -> None:
    """An HTML error page becomes a message with the status, content type and a snippet."""
    error = errors.from_http(
        502, b"<html><body>Bad Gateway</body></html>", "text/html; charset=utf-8"
    )
    assert error.code is grpc.StatusCode.UNAVAILABLE
    assert (
        error.message
        == "upstream returned HTTP 502 (text/html): <html><body>Bad Gateway</body></html>"
    )


def test_rpc_status_carries_error_info_and_bad_request() -> None:
    """The rich status has ErrorInfo with the upstream's type and code, and BadRequest for param."""
    error = errors.from_http(
        400,
        b'{"error": {"message": "nope", "type": "invalid_request_error",'
        b' "param": "input", "code": "bad"}}',
    )
    status = errors.to_rpc_status(error)
    assert status.code == grpc.StatusCode.INVALID_ARGUMENT.value[0]
    info, bad_request = error_details_pb2.ErrorInfo(), error_details_pb2.BadRequest()
    assert status.details[0].Unpack(info) and status.details[1].Unpack(bad_request)
    assert info.domain == errors.DOMAIN
    assert dict(info.metadata) == {
        "http_status": "400",
        "type": "invalid_request_error",
        "code": "bad",
        "param": "input",
    }
    assert bad_request.field_violations[0].field == "input"


def test_more_metadata_and_a_quota_subject_reach_the_details() -> None:
    """An error's own ErrorInfo metadata joins the standard keys, and its QuotaFailure
    subject names what was exhausted when the error says so (a caller over its limits)."""
    error = errors.UpstreamError(
        code=grpc.StatusCode.RESOURCE_EXHAUSTED,
        message="caller 'batch' is over its limit",
        error_code="caller_concurrent_limit",
        metadata=(("caller", "batch"), ("limit", "concurrent")),
        subject="caller:batch",
    )
    status = errors.to_rpc_status(error)
    info = error_details_pb2.ErrorInfo()
    quota = error_details_pb2.QuotaFailure()
    assert status.details[0].Unpack(info) and status.details[1].Unpack(quota)
    assert info.reason == "CALLER_CONCURRENT_LIMIT"
    assert dict(info.metadata) == {
        "code": "caller_concurrent_limit",
        "caller": "batch",
        "limit": "concurrent",
    }
    assert quota.violations[0].subject == "caller:batch"
