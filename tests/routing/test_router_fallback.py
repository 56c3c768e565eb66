"""Fallback and ejection through a bridge with a routes file: the next upstream of a route
serves a call whose first upstream failed before anything reached the caller, never after,
never for a call bound to its upstream, within one attempt budget; upstreams that keep
failing are ejected, probed and returned, and the last of a route never is."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable

import grpc
import pytest
from google.rpc import error_details_pb2

from bridge.routing.router import PICK_KEY
from rbridge.responses.v1 import responses_service_pb2
from tests.conftest import access_lines
from tests.faults.fault_server import FaultServer, request_metadata
from tests.routing.conftest import StartRouted, StartSimulator
from tests.routing.helpers import Served, create, details, served, stream
from tests.support import log_lines

# What each failure kind is, on the fault server (its scenario) or as a closed port.
FAILURES = {
    "connect error": None,
    "timeout to first byte": "slow_first_byte",
    "timeout before the first event": "headers_then_hold",
    "429": "http_429_json",
    "insufficient_quota": "insufficient_quota",
    "500": "http_500_json",
    "503": "http_503_json",
}


def routes(first: str, second: str, *, extra: str = "", first_options: str = "") -> str:
    return f"""
upstreams:
  first: {{base_url: "{first}", timeouts: {{first_event: 0.3, read: 0.3}}{first_options}}}
  second: {{base_url: "{second}"}}
routes: [{{model: "*", upstreams: [first, second]}}]
default_upstream: first
{extra}
"""


async def call(stub: object, mode: str, fault: str | None, **fields: object) -> Served:
    metadata = request_metadata(fault) if fault else {}
    request = create("m", metadata=metadata, **fields)
    if mode == "unary":
        return await served(stub.CreateResponse(request))  # type: ignore[attr-defined]
    return await stream(stub.StreamCreateResponse(request))  # type: ignore[attr-defined]


# A unary reply may take as long as the model needs before its head: only streams time
# out waiting for their first byte.
CASES = [
    (kind, mode)
    for kind in FAILURES
    for mode in ("unary", "stream")
    if (kind, mode) != ("timeout to first byte", "unary")
]


@pytest.mark.parametrize(("kind", "mode"), CASES)
async def test_a_failure_before_anything_was_sent_falls_back_to_the_next_upstream(
    kind: str,
    mode: str,
    fault_server: FaultServer,
    simulators: StartSimulator,
    routed: StartRouted,
    refusing: Callable[[], int],
    log_output: io.StringIO,
) -> None:
    """Connect errors, timeouts before the first byte or event, 429s (quota included) and
    5xx at the first upstream: the second serves the call, and says so; the access log
    lists both attempts."""
    fault = FAILURES[kind]
    first = fault_server.url if fault else f"http://127.0.0.1:{refusing()}/v1"
    second = await simulators()
    bridge = await routed(routes(first, second.url))
    outcome = await call(bridge.stub, mode, fault)
    assert (outcome.code, outcome.upstream) == (grpc.StatusCode.OK, "second")
    assert outcome.response.status == "completed"
    if fault:
        assert len(fault_server.requests(fault)) == 1
    (line,) = access_lines(log_output)
    assert line["upstream"] == "second"
    assert [entry.split(":")[0] for entry in line["upstream_attempts"]] == ["first", "second"]


@pytest.mark.parametrize("mode", ["unary", "stream"])
@pytest.mark.parametrize("fault", ["http_400_json", "http_401_json", "http_404_json"])
async def test_a_client_error_does_not_fall_back(
    fault: str,
    mode: str,
    fault_server: FaultServer,
    simulators: StartSimulator,
    routed: StartRouted,
) -> None:
    """A 4xx other than 429 is the request's fault, which another upstream would not fix:
    the caller gets it, from the first upstream."""
    second = await simulators()
    bridge = await routed(routes(fault_server.url, second.url))
    outcome = await call(bridge.stub, mode, fault)
    assert outcome.code != grpc.StatusCode.OK
    assert outcome.upstream == "first"
    info = details(outcome.error)[error_details_pb2.ErrorInfo]
    assert isinstance(info, error_details_pb2.ErrorInfo)
    assert "upstreams_tried" not in info.metadata


@pytest.mark.parametrize("fault", ["mid_stream_hold", "reset_mid_stream"])
async def test_a_stream_that_fails_after_its_first_event_never_falls_back(
    fault: str, fault_server: FaultServer, simulators: StartSimulator, routed: StartRouted
) -> None:
    """Once an event reached the caller the failure is the caller's to see: its events came
    from the first upstream, and the second is never tried."""
    second = await simulators()
    bridge = await routed(routes(fault_server.url, second.url))
    outcome = await call(bridge.stub, "stream", fault)
    assert outcome.code in (grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.UNAVAILABLE)
    assert outcome.upstream == "first"
    assert outcome.events and outcome.events[0].WhichOneof("event") == "created"
    info = details(outcome.error)[error_details_pb2.ErrorInfo]
    assert isinstance(info, error_details_pb2.ErrorInfo)
    assert "upstreams_tried" not in info.metadata


async def test_calls_bound_to_an_upstream_never_fall_back(
    simulators: StartSimulator, routed: StartRouted
) -> None:
    """A response lives only at the upstream that made it: when that upstream is down, calls
    on it fail UNAVAILABLE instead of reaching another upstream; so does a picked upstream."""
    holder, other = await simulators(), await simulators()
    bridge = await routed(
        f"""
upstreams:
  holder: {{base_url: "{holder.url}", pickable: true}}
  other: {{base_url: "{other.url}"}}
routes: [{{model: "*", upstreams: [holder, other]}}]
default_upstream: holder
"""
    )
    created = await served(bridge.stub.CreateResponse(create("m")))
    assert created.upstream == "holder"
    await holder.stop()
    response_id = created.response.id
    for outcome in (
        await served(
            bridge.stub.GetResponse(
                responses_service_pb2.GetResponseRequest(response_id=response_id)
            )
        ),
        await served(bridge.stub.CreateResponse(create("m", previous_response_id=response_id))),
        await stream(
            bridge.stub.StreamCreateResponse(create("m", previous_response_id=response_id))
        ),
        await served(bridge.stub.CreateResponse(create("m"), metadata=((PICK_KEY, "holder"),))),
    ):
        assert outcome.code == grpc.StatusCode.UNAVAILABLE
        info = details(outcome.error)[error_details_pb2.ErrorInfo]
        assert isinstance(info, error_details_pb2.ErrorInfo)
        assert "upstreams_tried" not in info.metadata
    unbound = await served(bridge.stub.CreateResponse(create("m")))
    assert (unbound.code, unbound.upstream) == (grpc.StatusCode.OK, "other")


async def test_retries_and_fallbacks_share_one_attempt_budget(
    fault_server: FaultServer, simulators: StartSimulator, routed: StartRouted
) -> None:
    """With 3 attempts, a first upstream that retries once and fails twice leaves one for the
    second, which fails too; the third is never tried, and the error lists all three."""
    third = await simulators()
    bridge = await routed(
        f"""
upstreams:
  first: {{base_url: "{fault_server.url}", retries: 1}}
  second: {{base_url: "{fault_server.url}", retries: 2}}
  third: {{base_url: "{third.url}"}}
routes: [{{model: "*", upstreams: [first, second, third]}}]
default_upstream: first
attempts: 3
"""
    )
    outcome = await call(bridge.stub, "unary", "http_503_json")
    assert outcome.code == grpc.StatusCode.UNAVAILABLE
    assert len(fault_server.requests("http_503_json")) == 3
    # The last reply's upstream, whose request id the caller may need to quote.
    assert outcome.upstream == "second"
    info = details(outcome.error)[error_details_pb2.ErrorInfo]
    assert isinstance(info, error_details_pb2.ErrorInfo)
    assert info.metadata["upstreams_tried"] == "first,second,third"
    assert info.metadata["upstream_first"] == "HTTP 503 service_unavailable"
    assert info.metadata["upstream_second"] == "HTTP 503 service_unavailable"
    assert info.metadata["upstream_third"] == "not tried: no attempt left"
    assert "upstreams tried: first: HTTP 503" in outcome.error.details()  # type: ignore[union-attr]


async def test_the_callers_deadline_bounds_every_attempt(
    fault_server: FaultServer, simulators: StartSimulator, routed: StartRouted
) -> None:
    """Fallbacks happen within the caller's deadline: a first upstream that holds the call
    past it leaves none for the second, and the call ends DEADLINE_EXCEEDED on time."""
    second = await simulators()
    bridge = await routed(
        routes(fault_server.url, second.url).replace("first_event: 0.3", "first_event: 30")
    )
    request = create("m", metadata=request_metadata("slow_first_byte"))
    started = asyncio.get_running_loop().time()
    outcome = await stream(bridge.stub.StreamCreateResponse(request, timeout=0.5))
    assert outcome.code == grpc.StatusCode.DEADLINE_EXCEEDED
    assert asyncio.get_running_loop().time() - started < 2


async def test_an_upstream_that_keeps_failing_is_ejected_probed_and_returned(
    simulators: StartSimulator,
    routed: StartRouted,
    refusing: Callable[[], int],
    log_output: io.StringIO,
) -> None:
    """Two connect errors in a row eject the first upstream: calls go straight to the
    second; once its time is up it is probed, a failed probe ejects it for twice as long,
    and once it answers again it serves as before."""
    port = refusing()
    second = await simulators()
    bridge = await routed(
        routes(
            f"http://127.0.0.1:{port}/v1",
            second.url,
            extra="ejection: {consecutive_failures: 2, base_seconds: 0.4, max_seconds: 5}",
        )
    )

    async def attempts() -> list[str]:
        outcome = await call(bridge.stub, "unary", None)
        assert (outcome.code, outcome.upstream) == (grpc.StatusCode.OK, "second")
        return [entry.split(":")[0] for entry in access_lines(log_output)[-1]["upstream_attempts"]]

    assert await attempts() == ["first", "second"]
    assert await attempts() == ["first", "second"]
    ejected = [line for line in log_lines(log_output) if line["event"] == "upstream_ejected"]
    assert [(line["upstream"], line["seconds"]) for line in ejected] == [("first", 0.4)]
    assert await attempts() == ["second"]
    await asyncio.sleep(0.45)
    assert await attempts() == ["first", "second"]
    ejected = [line for line in log_lines(log_output) if line["event"] == "upstream_ejected"]
    assert [(line["upstream"], line["seconds"]) for line in ejected][-1] == ("first", 0.8)
    assert await attempts() == ["second"]
    refusing.release(port)  # type: ignore[attr-defined]
    revived = await simulators(port=port)
    assert revived.port == port
    await asyncio.sleep(0.85)
    outcome = await call(bridge.stub, "stream", None)
    assert (outcome.code, outcome.upstream) == (grpc.StatusCode.OK, "first")
    returned = [line for line in log_lines(log_output) if line["event"] == "upstream_returned"]
    assert [line["upstream"] for line in returned] == ["first"]


async def test_the_last_upstream_of_a_route_is_never_ejected(
    simulators: StartSimulator,
    routed: StartRouted,
    refusing: Callable[[], int],
    log_output: io.StringIO,
) -> None:
    """An upstream that is a route's only one keeps being tried however often it fails (the
    log says why it stays), while the same failures eject it from routes that have another."""
    port = refusing()
    healthy = await simulators()
    bridge = await routed(
        f"""
upstreams:
  down: {{base_url: "http://127.0.0.1:{port}/v1"}}
  healthy: {{base_url: "{healthy.url}"}}
routes:
  - {{model: alone, upstreams: [down]}}
  - {{model: "*", upstreams: [healthy]}}
default_upstream: healthy
ejection: {{consecutive_failures: 2}}
"""
    )
    for _ in range(4):
        outcome = await served(bridge.stub.CreateResponse(create("alone")))
        assert outcome.code == grpc.StatusCode.UNAVAILABLE
    lines = log_lines(log_output)
    assert not [line for line in lines if line["event"] == "upstream_ejected"]
    (kept,) = [line for line in lines if line["event"] == "upstream_not_ejected"]
    assert kept["upstream"] == "down" and kept["why"] == "the only upstream of a route"
