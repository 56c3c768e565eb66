"""Fixtures of the fault suite, and the checks that run after every one of its tests.

After each test that passed, `fault_checks` asserts, while the bridges are still up:

1. no upstream connection is left open on the fault server (closes may take up to 1 s);
2. every bridge still serves: one successful call (or SERVING health when its upstream
   is not the fault server), whose connection must close too;
3. no asyncio task is left over besides those present before the test, after a settle of
   up to 1 s (see `harness.leftover_tasks` for the grpc.aio server loops it excludes).

A test that failed (an expected failure of an `xfail` test included) is not checked again:
its own failure is the report.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Generator
from typing import Any

import pytest

from tests.faults.fault_server import FaultServer
from tests.faults.harness import Bridges, leftover_tasks


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[Any]:
    """Keep each phase's report on the item, so fixtures can tell whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
async def fault_server() -> AsyncIterator[FaultServer]:
    """The fault-injecting upstream, on a free loopback port."""
    server = FaultServer()
    await server.start()
    try:
        yield server
    finally:
        await server.close()


@pytest.fixture(params=["http1", "aiohttp", "httpx"])
async def bridges(
    fault_server: FaultServer, request: pytest.FixtureRequest
) -> AsyncIterator[Bridges]:
    """Starts bridges pointed at the fault server, over each upstream transport (the HTTP/1.1
    wire, aiohttp's client, and httpx's own, which BRIDGE_UPSTREAM_HTTP2 selects); stops
    them after the checks."""
    started = Bridges(fault_server, request.param)
    try:
        yield started
    finally:
        await started.close()


@pytest.fixture(autouse=True)
async def fault_checks(
    request: pytest.FixtureRequest, fault_server: FaultServer, bridges: Bridges
) -> AsyncIterator[None]:
    """After the test: no open upstream connection, bridges serving, no leftover task."""
    baseline = set(asyncio.all_tasks())
    yield
    report = getattr(request.node, "report_call", None)
    if report is None or not report.passed:
        return
    still_open = await fault_server.wait_all_closed(1.0)
    assert not still_open, f"upstream connections left open: {still_open}"
    await bridges.assert_serving()
    still_open = await fault_server.wait_all_closed(1.0)
    assert not still_open, f"upstream connections left open after a good call: {still_open}"
    leftover = await leftover_tasks(baseline, settle=1.0)
    assert not leftover, f"asyncio tasks left over: {leftover}"
