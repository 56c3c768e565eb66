"""Per-caller limits: who a caller is, calls in flight, calls per second, the bound on
callers remembered, and the refusals a caller over its limits gets through a bridge."""

from __future__ import annotations

import asyncio
from pathlib import Path

import grpc
import grpc.aio
import pytest
from google.rpc import error_details_pb2

from bridge.routing.callers import CallerLimits, Refusal, Ticket, caller_of
from bridge.routing.routes_file import CallerLimit, LimitsSpec
from rbridge.responses.v1 import responses_service_pb2_grpc
from tests.routing.conftest import StartRouted, StartSimulator
from tests.routing.helpers import Clock, create, details, served, stream


@pytest.mark.parametrize(
    ("name", "peer", "caller"),
    [
        ("billing", "ipv4:10.0.0.7:53412", "billing"),
        (None, "ipv4:10.0.0.7:53412", "10.0.0.7"),
        (None, "ipv6:[::1]:5000", "::1"),
        (None, "ipv6:[fe80::1%eth0]:5000", "fe80::1%eth0"),
        (None, "unix:/run/bridge.sock", "unix:/run/bridge.sock"),
        (None, "", ""),
    ],
)
def test_a_caller_is_its_name_else_its_address_without_the_port(
    name: str | None, peer: str, caller: str
) -> None:
    """A token's name identifies a caller; without one, its address does, whatever
    connection (port) the call came on."""
    assert caller_of(name, peer) == caller


def test_calls_in_flight_are_bounded_per_caller() -> None:
    """The call over `concurrent` is refused until one in flight ends; other callers are
    not affected."""
    limits = CallerLimits(LimitsSpec(default=CallerLimit(concurrent=2)))
    first, second = limits.admit("a"), limits.admit("a")
    assert isinstance(first, Ticket) and isinstance(second, Ticket)
    refused = limits.admit("a")
    assert isinstance(refused, Refusal)
    assert refused.limit == "concurrent" and refused.retry_after is None
    assert "'a' has 2 calls in flight" in refused.message
    assert isinstance(limits.admit("b"), Ticket)
    first.release()
    first.release()  # a second release changes nothing
    assert isinstance(limits.admit("a"), Ticket)
    assert isinstance(limits.admit("a"), Refusal)


def test_calls_per_second_are_a_token_bucket() -> None:
    """`burst` calls pass at once, then one every 1/per_second; a refusal says how long
    to wait."""
    clock = Clock()
    limits = CallerLimits(LimitsSpec(default=CallerLimit(per_second=2, burst=3)), clock=clock)
    assert all(isinstance(limits.admit("a"), Ticket) for _ in range(3))
    refused = limits.admit("a")
    assert isinstance(refused, Refusal) and refused.limit == "per_second"
    assert refused.retry_after == pytest.approx(0.5)
    clock.now += 0.5
    assert isinstance(limits.admit("a"), Ticket)
    assert isinstance(limits.admit("a"), Refusal)
    clock.now += 10
    assert sum(isinstance(limits.admit("a"), Ticket) for _ in range(5)) == 3


def test_named_callers_have_their_own_limits_and_unlimited_ones_pass() -> None:
    """A caller listed under limits.callers has its limits; the default applies to the rest."""
    limits = CallerLimits(
        LimitsSpec(
            default=CallerLimit(concurrent=1),
            callers={"batch": CallerLimit(), "tight": CallerLimit(per_second=0.5)},
        )
    )
    tickets = [limits.admit("batch") for _ in range(100)]
    assert all(isinstance(ticket, Ticket) for ticket in tickets)
    assert isinstance(limits.admit("tight"), Ticket)
    assert isinstance(limits.admit("tight"), Refusal)
    assert isinstance(limits.admit("other"), Ticket)
    assert isinstance(limits.admit("other"), Refusal)


def test_idle_callers_are_forgotten_past_the_bound() -> None:
    """At most `max_callers` callers are remembered; idle ones go first, busy ones stay."""
    limits = CallerLimits(LimitsSpec(default=CallerLimit(concurrent=1)), max_callers=2)
    busy = limits.admit("busy")
    assert isinstance(busy, Ticket)
    for index in range(50):
        ticket = limits.admit(f"peer-{index}")
        assert isinstance(ticket, Ticket)
        ticket.release()
    assert isinstance(limits.admit("busy"), Refusal)


def test_new_limits_apply_to_calls_that_start_after_a_reload() -> None:
    """A reload keeps calls in flight counted and shrinks buckets to their new burst."""
    clock = Clock()
    limits = CallerLimits(LimitsSpec(default=CallerLimit(per_second=1, burst=10)), clock=clock)
    assert isinstance(limits.admit("a"), Ticket)
    limits.update(LimitsSpec(default=CallerLimit(per_second=1, burst=1)))
    assert isinstance(limits.admit("a"), Ticket)
    assert isinstance(limits.admit("a"), Refusal)


# -- through a bridge --------------------------------------------------------------------


async def test_a_caller_over_its_limits_is_refused_and_the_others_are_served(
    simulators: StartSimulator, routed: StartRouted, tmp_path: Path
) -> None:
    """Callers named by their tokens: one over its concurrent limit is RESOURCE_EXHAUSTED
    with QuotaFailure naming it while another is served; once its call ends it is served
    again."""
    upstream = await simulators(token_delay=0.02)
    tokens = tmp_path / "tokens"
    tokens.write_text("batch:token-of-batch-0001\ncheckout:token-of-checkout-0002\n")
    bridge = await routed(
        f"""
upstreams: {{a: {{base_url: "{upstream.url}"}}}}
routes: [{{model: "*", upstreams: [a]}}]
limits:
  default: {{concurrent: 4}}
  callers:
    batch: {{concurrent: 1}}
""",
        auth_tokens_file=str(tokens),
    )
    batch = (("authorization", "Bearer token-of-batch-0001"),)
    checkout = (("authorization", "Bearer token-of-checkout-0002"),)
    long_call = asyncio.ensure_future(
        stream(
            bridge.stub.StreamCreateResponse(create("m", "Count 40 words please"), metadata=batch)
        )
    )
    await asyncio.sleep(0.2)
    refused = await served(bridge.stub.CreateResponse(create("m"), metadata=batch))
    assert refused.code == grpc.StatusCode.RESOURCE_EXHAUSTED
    found = details(refused.error)
    quota = found[error_details_pb2.QuotaFailure]
    assert isinstance(quota, error_details_pb2.QuotaFailure)
    assert quota.violations[0].subject == "caller:batch"
    info = found[error_details_pb2.ErrorInfo]
    assert isinstance(info, error_details_pb2.ErrorInfo)
    assert info.reason == "CALLER_CONCURRENT_LIMIT"
    assert info.metadata["caller"] == "batch"
    other = await served(bridge.stub.CreateResponse(create("m"), metadata=checkout))
    assert other.code == grpc.StatusCode.OK
    assert (await long_call).code == grpc.StatusCode.OK
    again = await served(bridge.stub.CreateResponse(create("m"), metadata=batch))
    assert again.code == grpc.StatusCode.OK


async def test_callers_without_a_name_are_limited_by_their_address(
    simulators: StartSimulator, routed: StartRouted
) -> None:
    """Without authentication a caller is its address: its second call within the rate's
    interval is refused with RetryInfo, whichever connection it comes on."""
    upstream = await simulators()
    bridge = await routed(
        f"""
upstreams: {{a: {{base_url: "{upstream.url}"}}}}
routes: [{{model: "*", upstreams: [a]}}]
limits: {{default: {{per_second: 0.5}}}}
"""
    )
    assert (await served(bridge.stub.CreateResponse(create("m")))).code == grpc.StatusCode.OK
    async with grpc.aio.insecure_channel(bridge.target) as channel:
        stub = responses_service_pb2_grpc.ResponsesServiceStub(channel)
        refused = await stream(stub.StreamCreateResponse(create("m")))
    assert refused.code == grpc.StatusCode.RESOURCE_EXHAUSTED
    retry = details(refused.error)[error_details_pb2.RetryInfo]
    assert isinstance(retry, error_details_pb2.RetryInfo)
    assert 1.0 < retry.retry_delay.ToTimedelta().total_seconds() <= 2.0
    quota = details(refused.error)[error_details_pb2.QuotaFailure]
    assert isinstance(quota, error_details_pb2.QuotaFailure)
    assert quota.violations[0].subject == "caller:127.0.0.1"
