"""Upstream HTTP error statuses: the mapping table, rich details, metadata and retries."""

from __future__ import annotations

import grpc
import pytest
from google.protobuf.duration_pb2 import Duration
from google.rpc import error_details_pb2

from bridge import codec
from bridge.client import output_text
from tests.faults.fault_server import HTTP_ERRORS, FaultServer
from tests.faults.harness import MODES, Bridges, invoke

# The README's table, written out here rather than read from bridge/errors.py.
EXPECTED: dict[int, tuple[grpc.StatusCode, bool]] = {
    400: (grpc.StatusCode.INVALID_ARGUMENT, False),
    401: (grpc.StatusCode.UNAUTHENTICATED, False),
    403: (grpc.StatusCode.PERMISSION_DENIED, False),
    404: (grpc.StatusCode.NOT_FOUND, False),
    409: (grpc.StatusCode.ABORTED, True),
    422: (grpc.StatusCode.INVALID_ARGUMENT, False),
    429: (grpc.StatusCode.RESOURCE_EXHAUSTED, True),
    500: (grpc.StatusCode.INTERNAL, True),
    502: (grpc.StatusCode.UNAVAILABLE, True),
    503: (grpc.StatusCode.UNAVAILABLE, True),
    504: (grpc.StatusCode.DEADLINE_EXCEEDED, True),
}
MAX_RETRIES = 2

ErrorInfo = error_details_pb2.ErrorInfo
BadRequest = error_details_pb2.BadRequest
RetryInfo = error_details_pb2.RetryInfo
QuotaFailure = error_details_pb2.QuotaFailure


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kind", ["json", "html"])
@pytest.mark.parametrize("status", sorted(EXPECTED))
async def test_http_error_maps_to_its_status_with_details(
    fault_server: FaultServer, bridges: Bridges, status: int, kind: str, mode: str
) -> None:
    """Each upstream HTTP error ends with its mapped code, message, details and request id."""
    code, retried = EXPECTED[status]
    error = HTTP_ERRORS[status]
    fault = f"http_{status}_{kind}"
    handle = await bridges.start(max_retries=MAX_RETRIES)
    outcome = await invoke(handle.channel, fault, mode)

    attempts = fault_server.requests(fault)
    assert len(attempts) == (1 + MAX_RETRIES if retried else 1)
    assert len({c.headers["idempotency-key"] for c in attempts}) == 1
    assert all(c.json["stream"] is (mode == "stream") for c in attempts)
    last = attempts[-1].request_id

    assert outcome.code == code
    assert outcome.events == []
    assert outcome.trailing["x-request-id"] == last
    assert outcome.trailing["x-bridge-upstream"] == "default"
    # Sent in the initial metadata too, but grpc-python's asyncio client may take a
    # quick failure's status before the metadata sent just ahead of it and report none.
    assert outcome.initial.get("x-request-id", last) == last
    details = outcome.details()
    info = outcome.error_info()
    if kind == "json":
        assert outcome.message == f"upstream returned HTTP {status}: {error.message}"
        assert info.reason == (error.code or error.type).upper()
        expected_metadata = {"http_status": str(status), "type": error.type, "request_id": last}
        if error.code:
            expected_metadata["code"] = error.code
        if error.param:
            expected_metadata["param"] = error.param
    else:
        assert outcome.message.startswith(f"upstream returned HTTP {status} (text/html): <html>")
        assert info.reason == code.name
        expected_metadata = {"http_status": str(status), "request_id": last}
    assert dict(info.metadata) == expected_metadata

    expected_types: set[type] = {ErrorInfo}
    if kind == "json" and error.param and code == grpc.StatusCode.INVALID_ARGUMENT:
        expected_types.add(BadRequest)
        (violation,) = details[BadRequest].field_violations
        assert violation.field == error.param
        assert violation.description == outcome.message
    if retried:
        # The fault server sends retry-after-ms: 10 with JSON errors, Retry-After: 0 with HTML.
        expected_types.add(RetryInfo)
        delay = Duration(nanos=10_000_000) if kind == "json" else Duration()
        assert details[RetryInfo].retry_delay == delay
    if code == grpc.StatusCode.RESOURCE_EXHAUSTED:
        expected_types.add(QuotaFailure)
        (violation,) = details[QuotaFailure].violations
        assert violation.subject == (error.code if kind == "json" else "upstream")
    assert set(details) == expected_types


@pytest.mark.parametrize("mode", MODES)
async def test_retry_after_one_second_is_honoured(
    fault_server: FaultServer, bridges: Bridges, mode: str
) -> None:
    """A 429 with Retry-After: 1 is retried about 1 s later; exhausted, RetryInfo says 1 s."""
    handle = await bridges.start(max_retries=1)
    outcome = await invoke(handle.channel, "rate_limited_retry_after_1s", mode)
    first, second = fault_server.requests("rate_limited_retry_after_1s")
    assert first.received_at is not None and second.received_at is not None
    assert second.received_at - first.received_at >= 0.9
    assert outcome.code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert outcome.details()[RetryInfo].retry_delay == Duration(seconds=1)
    assert outcome.initial["retry-after"] == "1"


@pytest.mark.parametrize("mode", MODES)
async def test_insufficient_quota_is_not_retried(
    fault_server: FaultServer, bridges: Bridges, mode: str
) -> None:
    """A 429 insufficient_quota is RESOURCE_EXHAUSTED with QuotaFailure, sent on without retry."""
    handle = await bridges.start(max_retries=MAX_RETRIES)
    outcome = await invoke(handle.channel, "insufficient_quota", mode)
    assert len(fault_server.requests("insufficient_quota")) == 1
    assert outcome.code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert outcome.message == "upstream returned HTTP 429: fault server says 429"
    details = outcome.details()
    assert outcome.error_info().reason == "INSUFFICIENT_QUOTA"
    (violation,) = details[QuotaFailure].violations
    assert violation.subject == "insufficient_quota"
    assert violation.description == outcome.message
    assert details[RetryInfo].retry_delay == Duration(nanos=10_000_000)


@pytest.mark.parametrize("mode", MODES)
async def test_retries_recover_from_transient_503s(
    fault_server: FaultServer, bridges: Bridges, mode: str
) -> None:
    """Two 503s then an answer end OK on the third attempt, with the same idempotency key."""
    handle = await bridges.start(max_retries=MAX_RETRIES)
    outcome = await invoke(handle.channel, "flaky_503_then_ok", mode)
    attempts = fault_server.requests("flaky_503_then_ok")
    assert [c.status for c in attempts] == [503, 503, 200]
    assert len({c.headers["idempotency-key"] for c in attempts}) == 1
    assert outcome.code == grpc.StatusCode.OK
    assert outcome.initial["x-request-id"] == attempts[-1].request_id
    if mode == "unary":
        assert outcome.response is not None
        assert output_text(outcome.response) == "recovered"
    else:
        assert codec.event_type(outcome.events[-1]) == "response.completed"


async def test_retry_after_beyond_the_deadline_fails_fast(
    fault_server: FaultServer, bridges: Bridges
) -> None:
    """A 429 asking for 30 s within a 1 s deadline ends RESOURCE_EXHAUSTED with RetryInfo 30 s."""
    handle = await bridges.start(max_retries=MAX_RETRIES)
    outcome = await invoke(handle.channel, "rate_limited_retry_after_30s", "unary", deadline=1.0)
    assert outcome.code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert outcome.details()[RetryInfo].retry_delay == Duration(seconds=30)
    assert len(fault_server.requests("rate_limited_retry_after_30s")) == 1


@pytest.mark.parametrize("mode", MODES)
async def test_retryable_status_with_a_cut_body_is_retried(
    fault_server: FaultServer, bridges: Bridges, mode: str
) -> None:
    """A 503 whose body is reset half way is retried like any connection failure."""
    handle = await bridges.start(max_retries=MAX_RETRIES)
    outcome = await invoke(handle.channel, "http_503_cut_body", mode)
    assert len(fault_server.requests("http_503_cut_body")) == 1 + MAX_RETRIES
    assert outcome.code == grpc.StatusCode.UNAVAILABLE
    assert outcome.message.startswith("upstream connection failed: ")


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("max_retries", [0, 1])
async def test_unusable_retry_after_is_ignored(
    fault_server: FaultServer, bridges: Bridges, mode: str, max_retries: int
) -> None:
    """A 429 whose Retry-After is no number ("inf") is retried by backoff and has no RetryInfo."""
    handle = await bridges.start(max_retries=max_retries)
    outcome = await invoke(handle.channel, "rate_limited_retry_after_inf", mode, deadline=1.0)
    assert outcome.code == grpc.StatusCode.RESOURCE_EXHAUSTED
    assert RetryInfo not in outcome.details()
    assert len(fault_server.requests("rate_limited_retry_after_inf")) == 1 + max_retries
