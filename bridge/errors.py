"""Upstream outcomes -> gRPC status: the one table.

Pure: no I/O. The servicer asks this module what status an upstream failure
becomes and with what message.

    HTTP status            gRPC code
    ---------------------  -------------------
    400, 422               INVALID_ARGUMENT
    401                    UNAUTHENTICATED
    403                    PERMISSION_DENIED
    404                    NOT_FOUND
    409                    ABORTED
    429                    RESOURCE_EXHAUSTED
    500                    INTERNAL
    502, 503               UNAVAILABLE
    504                    DEADLINE_EXCEEDED
    other 4xx              FAILED_PRECONDITION
    other 5xx              UNAVAILABLE
    connection failure     UNAVAILABLE
    timeout                DEADLINE_EXCEEDED
    client cancelled       CANCELLED
    reply over the limit   RESOURCE_EXHAUSTED
    unreadable reply       INTERNAL (bad encoding, invalid JSON, nested too deep)

    Error code in a stream's error event or failed response:
    rate_limit_exceeded, insufficient_quota  RESOURCE_EXHAUSTED
    invalid_prompt, invalid_image*, ...      INVALID_ARGUMENT
    server_error, anything else              INTERNAL
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import grpc
import orjson
from google.rpc import code_pb2, error_details_pb2, status_pb2

__all__ = [
    "DOMAIN",
    "UpstreamError",
    "code_for_error_code",
    "code_for_http_status",
    "connection_failed",
    "from_http",
    "timed_out",
    "to_rpc_status",
    "too_large",
    "unreadable",
]

# ErrorInfo.domain of every error the bridge reports.
DOMAIN = "responses-bridge"

_HTTP: dict[int, grpc.StatusCode] = {
    400: grpc.StatusCode.INVALID_ARGUMENT,
    401: grpc.StatusCode.UNAUTHENTICATED,
    403: grpc.StatusCode.PERMISSION_DENIED,
    404: grpc.StatusCode.NOT_FOUND,
    409: grpc.StatusCode.ABORTED,
    422: grpc.StatusCode.INVALID_ARGUMENT,
    429: grpc.StatusCode.RESOURCE_EXHAUSTED,
    500: grpc.StatusCode.INTERNAL,
    502: grpc.StatusCode.UNAVAILABLE,
    503: grpc.StatusCode.UNAVAILABLE,
    504: grpc.StatusCode.DEADLINE_EXCEEDED,
}

_RESOURCE_CODES = frozenset({"rate_limit_exceeded", "insufficient_quota"})
_INVALID_CODES = frozenset(
    {
        "invalid_prompt",
        "invalid_request_error",
        "context_length_exceeded",
        "invalid_image",
        "invalid_image_format",
        "invalid_base64_image",
        "invalid_image_url",
        "image_too_large",
        "image_too_small",
        "image_parse_error",
        "image_content_policy_violation",
        "invalid_image_mode",
        "image_file_too_large",
        "unsupported_image_media_type",
        "empty_image_file",
        "failed_to_download_image",
        "image_file_not_found",
        "bio_policy",
        "data_residency_mismatch",
    }
)


@dataclass(frozen=True)
class UpstreamError:
    """An upstream failure, ready to become a gRPC status."""

    code: grpc.StatusCode
    message: str
    http_status: int | None = None
    error_type: str | None = None
    error_code: str | None = None
    param: str | None = None
    retry_after: float | None = None
    request_id: str | None = None
    # More ErrorInfo metadata (the upstreams a routed call tried, ...).
    metadata: tuple[tuple[str, str], ...] = ()
    # The QuotaFailure subject, when not the error code (a caller over its limits).
    subject: str | None = None

    @property
    def quota(self) -> bool:
        """Whether the failure is a quota or rate limit (QuotaFailure details)."""
        return self.code is grpc.StatusCode.RESOURCE_EXHAUSTED


def code_for_http_status(status: int) -> grpc.StatusCode:
    """The gRPC code for an upstream HTTP status (>= 400)."""
    code = _HTTP.get(status)
    if code is not None:
        return code
    return grpc.StatusCode.FAILED_PRECONDITION if status < 500 else grpc.StatusCode.UNAVAILABLE


def code_for_error_code(error_code: str | None) -> grpc.StatusCode:
    """The gRPC code for the error code of an in-stream error or failed response."""
    if error_code in _RESOURCE_CODES:
        return grpc.StatusCode.RESOURCE_EXHAUSTED
    if error_code in _INVALID_CODES:
        return grpc.StatusCode.INVALID_ARGUMENT
    return grpc.StatusCode.INTERNAL


def connection_failed(detail: str) -> UpstreamError:
    """The upstream could not be reached, or dropped the connection."""
    return UpstreamError(
        code=grpc.StatusCode.UNAVAILABLE, message=f"upstream connection failed: {detail}"
    )


def timed_out(what: str, seconds: float) -> UpstreamError:
    """The upstream did not answer in time."""
    return UpstreamError(
        code=grpc.StatusCode.DEADLINE_EXCEEDED,
        message=f"upstream {what} timed out after {seconds:g}s",
    )


def too_large(what: str, limit: int) -> UpstreamError:
    """The upstream sent more than the bridge holds in one message."""
    return UpstreamError(
        code=grpc.StatusCode.RESOURCE_EXHAUSTED,
        message=f"upstream {what} is larger than the message limit of {limit} bytes "
        "(BRIDGE_MAX_MESSAGE_BYTES)",
    )


def unreadable(detail: str) -> UpstreamError:
    """The upstream's reply cannot be read as what it claims to be."""
    return UpstreamError(
        code=grpc.StatusCode.INTERNAL, message=f"upstream reply unreadable: {detail}"
    )


def from_http(
    status: int,
    body: bytes,
    content_type: str = "",
    *,
    retry_after: float | None = None,
    request_id: str | None = None,
) -> UpstreamError:
    """Describe an upstream HTTP error from its status and body (JSON or not)."""
    error: Any = None
    try:
        parsed = orjson.loads(body) if body else None
    except orjson.JSONDecodeError:
        parsed = None
    if isinstance(parsed, dict):
        error = parsed.get("error", parsed)
    if isinstance(error, dict):
        message = str(error.get("message") or "")
        return UpstreamError(
            code=code_for_http_status(status),
            message=f"upstream returned HTTP {status}: {message}".rstrip(": "),
            http_status=status,
            error_type=_str_or_none(error.get("type")),
            error_code=_str_or_none(error.get("code")),
            param=_str_or_none(error.get("param")),
            retry_after=retry_after,
            request_id=request_id,
        )
    snippet = body[:200].decode("utf-8", "replace").strip()
    kind = content_type.split(";")[0].strip() or "no content type"
    detail = f" ({kind}): {snippet}" if snippet else f" ({kind}, empty body)"
    return UpstreamError(
        code=code_for_http_status(status),
        message=f"upstream returned HTTP {status}{detail}",
        http_status=status,
        retry_after=retry_after,
        request_id=request_id,
    )


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


def to_rpc_status(error: UpstreamError) -> status_pb2.Status:
    """The google.rpc.Status for an error, with ErrorInfo and, where they apply,
    BadRequest (the upstream named a parameter), RetryInfo (it said when to
    retry) and QuotaFailure (quota or rate limit)."""
    metadata = {}
    if error.http_status is not None:
        metadata["http_status"] = str(error.http_status)
    if error.error_type:
        metadata["type"] = error.error_type
    if error.error_code:
        metadata["code"] = error.error_code
    if error.param:
        metadata["param"] = error.param
    if error.request_id:
        metadata["request_id"] = error.request_id
    metadata.update(error.metadata)
    reason = (error.error_code or error.error_type or error.code.name).upper()
    details = [error_details_pb2.ErrorInfo(reason=reason, domain=DOMAIN, metadata=metadata)]
    if error.param and error.code is grpc.StatusCode.INVALID_ARGUMENT:
        violation = error_details_pb2.BadRequest.FieldViolation(
            field=error.param, description=error.message
        )
        details.append(error_details_pb2.BadRequest(field_violations=[violation]))
    if error.retry_after is not None:
        retry = error_details_pb2.RetryInfo()
        retry.retry_delay.FromNanoseconds(int(error.retry_after * 1e9))
        details.append(retry)
    if error.quota:
        subject = error.subject or error.error_code or error.error_type or "upstream"
        details.append(
            error_details_pb2.QuotaFailure(
                violations=[
                    error_details_pb2.QuotaFailure.Violation(
                        subject=subject, description=error.message
                    )
                ]
            )
        )
    status = status_pb2.Status(code=_rpc_code(error.code), message=error.message)
    for detail in details:
        status.details.add().Pack(detail)
    return status


def _rpc_code(code: grpc.StatusCode) -> int:
    return int(code_pb2.Code.Value(code.name))
