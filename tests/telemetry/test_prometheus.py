"""The Prometheus scrape endpoint: one exposition from several workers' (each series labelled
with its worker), served by one process or by a pool's parent for every worker, and absent
when BRIDGE_METRICS_LISTEN is unset. Real `bridge serve` processes on loopback."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import signal
from collections.abc import AsyncIterator

import aiohttp
import grpc
import grpc.aio
from prometheus_client.parser import text_string_to_metric_families

from bridge.telemetry.prometheus import PATH, WORKER_LABEL, WORKER_UP, merge
from rbridge.responses.v1 import items_pb2, responses_service_pb2, responses_service_pb2_grpc
from tests.process import BridgeProcess, bridge_process
from tools.harness.procfs import descendants, tcp_listening
from tools.harness.procs import free_port

CALLS = "rpc_server_duration_milliseconds"
# Each channel its own connection: gRPC otherwise shares one among channels to one target.
OWN_CONNECTION = [("grpc.use_local_subchannel_pool", 1)]


def samples(text: str, name: str) -> list[tuple[dict[str, str], float]]:
    """(labels, value) of every sample called `name` in an exposition."""
    return [
        (sample.labels, sample.value)
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    ]


async def scrape(port: int) -> str:
    async with (
        aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session,
        session.get(f"http://127.0.0.1:{port}{PATH}") as reply,
    ):
        assert reply.status == 200
        assert reply.headers["Content-Type"].startswith("text/plain; version=0.0.4")
        return await reply.text()


@contextlib.asynccontextmanager
async def serving(upstream: str, **env: str) -> AsyncIterator[BridgeProcess]:
    """`bridge serve` with `env`, access lines on; stopped with SIGTERM at the end."""
    async with bridge_process(upstream, {"BRIDGE_ACCESS_LOG_LEVEL": "info", **env}) as bridge:
        try:
            yield bridge
        finally:
            if bridge.process.returncode is None:
                bridge.process.send_signal(signal.SIGTERM)
                async with asyncio.timeout(30):
                    await bridge.process.wait()


async def call(port: int, connections: int, calls: int) -> None:
    """`calls` streaming calls on each of `connections` connections, all answered OK."""
    request = responses_service_pb2.CreateResponseRequest(
        model="gpt-test", input=items_pb2.Input(text="count 5 words")
    )
    for _ in range(connections):
        async with grpc.aio.insecure_channel(
            f"127.0.0.1:{port}", options=OWN_CONNECTION
        ) as channel:
            stub = responses_service_pb2_grpc.ResponsesServiceStub(channel)
            for _ in range(calls):
                events = [event async for event in stub.StreamCreateResponse(request)]
                assert events[-1].WhichOneof("event") == "completed"


def test_merge_labels_each_series_with_its_worker_and_reports_who_answered() -> None:
    """Two workers' expositions become one: every family once, every sample with `worker`,
    and `bridge_worker_scrape_up` 1 for those that answered, 0 for one that did not."""
    one = b'# TYPE calls_total counter\ncalls_total{method="A"} 3\n'
    two = b'# TYPE calls_total counter\ncalls_total{method="A"} 4\ncalls_total{method="B"} 1\n'
    text = merge({1: one, 2: two, 3: None}).decode()
    assert text.count("# TYPE calls_total counter") == 1
    assert sorted(
        (labels[WORKER_LABEL], labels["method"], value)
        for labels, value in samples(text, "calls_total")
    ) == [("1", "A", 3.0), ("2", "A", 4.0), ("2", "B", 1.0)]
    assert {labels[WORKER_LABEL]: value for labels, value in samples(text, WORKER_UP)} == {
        "1": 1.0,
        "2": 1.0,
        "3": 0.0,
    }


async def test_one_process_serves_its_metrics_on_their_own_port(simulator: str) -> None:
    """A single bridge answers /metrics on BRIDGE_METRICS_LISTEN with the calls it served,
    without a worker label, and 404 elsewhere."""
    port = free_port()
    async with serving(simulator, BRIDGE_METRICS_LISTEN=f"127.0.0.1:{port}") as bridge:
        await call(bridge.port, connections=1, calls=3)
        async with asyncio.timeout(10):
            while True:
                counts = samples(await scrape(port), f"{CALLS}_count")
                if counts and counts[0][1] >= 3:
                    break
                await asyncio.sleep(0.05)
        assert [(labels["rpc_method"], value) for labels, value in counts] == [
            ("StreamCreateResponse", 3.0)
        ]
        assert all(WORKER_LABEL not in labels for labels, _ in counts)
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/") as reply,
        ):
            assert reply.status == 404


async def test_one_endpoint_covers_every_worker(simulator: str) -> None:
    """Under `--workers 2` the parent's endpoint holds every worker's calls, each labelled with
    its worker: per worker as many as its access lines, summed as many as were made."""
    port = free_port()
    env = {"BRIDGE_WORKERS": "2", "BRIDGE_METRICS_LISTEN": f"127.0.0.1:{port}"}
    async with serving(simulator, **env) as bridge:
        await call(bridge.port, connections=12, calls=2)
        # A call is counted, and its access line written, as its stream ends: moments after
        # the client has read its last event.
        async with asyncio.timeout(10):
            while True:
                served = collections.Counter(
                    str(line["worker"]) for line in bridge.lines if line.get("event") == "rpc"
                )
                text = await scrape(port)
                counted = collections.Counter[str]()
                for labels, value in samples(text, f"{CALLS}_count"):
                    counted[labels[WORKER_LABEL]] += int(value)
                if sum(served.values()) == 24 and sum(counted.values()) >= 24:
                    break
                await asyncio.sleep(0.05)
        assert sum(counted.values()) == 24
        assert counted == served
        up = {labels[WORKER_LABEL]: value for labels, value in samples(text, WORKER_UP)}
        assert up == {"1": 1.0, "2": 1.0}
        # Only the parent listens on the metrics port; the workers answer on Unix sockets.
        workers = descendants(bridge.pid)
        assert port in tcp_listening([bridge.pid])
        assert port not in tcp_listening(workers)


async def test_nothing_listens_when_the_endpoint_is_off(simulator: str) -> None:
    """Without BRIDGE_METRICS_LISTEN a bridge, and a pool's parent and workers, listen on the
    gRPC port alone."""
    for env in ({}, {"BRIDGE_WORKERS": "2"}):
        async with serving(simulator, **env) as bridge:
            await call(bridge.port, connections=1, calls=1)
            assert tcp_listening([bridge.pid, *descendants(bridge.pid)]) == {bridge.port}
