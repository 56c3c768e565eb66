"""`bridge serve --workers`: the port shared by worker processes, their parent's supervision,
health and drain, and how many `auto` starts. Real processes on loopback, each wait bounded."""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import os
import signal
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import grpc
import grpc.aio
import pytest
from grpc_health.v1 import health_pb2

from bridge import codec
from bridge.config import WORKERS_AUTO, Settings
from bridge.server import start
from bridge.workers import RESTARTS, Worker, cgroup_cpu_quota, cpu_count, worker_count
from rbridge.responses.v1 import items_pb2, responses_service_pb2, responses_service_pb2_grpc
from tests.commands import run_bridge
from tests.process import BridgeProcess, bridge_process
from tests.support import health_status
from tools.harness.otlp import OTLPReceiver
from tools.harness.procs import free_port

SERVING = health_pb2.HealthCheckResponse.SERVING
NOT_SERVING = health_pb2.HealthCheckResponse.NOT_SERVING
GRACE = 3.0
# Each channel its own connection: gRPC otherwise shares one among channels to one target.
OWN_CONNECTION = [("grpc.use_local_subchannel_pool", 1)]


def _request(text: str = "hello") -> responses_service_pb2.CreateResponseRequest:
    return responses_service_pb2.CreateResponseRequest(
        model="gpt-test", input=items_pb2.Input(text=text)
    )


@contextlib.asynccontextmanager
async def _pool(upstream: str, **env: str) -> AsyncIterator[BridgeProcess]:
    """`bridge serve` with two workers, yielded once both serve; stopped with SIGTERM at the
    end, and no worker may outlive it."""
    settings = {
        "BRIDGE_WORKERS": "2",
        "BRIDGE_GRACE_SECONDS": str(GRACE),
        "BRIDGE_ACCESS_LOG_LEVEL": "info",
        **env,
    }
    async with bridge_process(upstream, settings) as bridge:
        try:
            yield bridge
        finally:
            if bridge.process.returncode is None:
                bridge.process.send_signal(signal.SIGTERM)
                async with asyncio.timeout(GRACE + 10):
                    await bridge.process.wait()
            await _gone([line["pid"] for line in _lines(bridge, "worker_started")])


def _lines(bridge: BridgeProcess, event: str, **fields: Any) -> list[dict[str, Any]]:
    """The log lines of `event` with these fields, so far."""
    return [
        line
        for line in bridge.lines
        if line.get("event") == event and all(line.get(k) == v for k, v in fields.items())
    ]


async def _poll(condition: Callable[[], Any], seconds: float = 15.0) -> Any:
    """The first true value of `condition()` (awaited if it is a coroutine), asked every
    20 ms for `seconds` at most."""
    deadline = time.monotonic() + seconds
    while True:
        value = condition()
        if inspect.isawaitable(value):
            value = await value
        if value:
            return value
        assert time.monotonic() < deadline, f"not within {seconds} s"
        await asyncio.sleep(0.02)


async def _line(bridge: BridgeProcess, event: str, **fields: Any) -> dict[str, Any]:
    """The first log line of `event` with these fields, waiting 15 s at most."""
    found: list[dict[str, Any]] = await _poll(lambda: _lines(bridge, event, **fields))
    return found[0]


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


async def _gone(pids: list[int]) -> None:
    """Wait (10 s at most) until none of `pids` runs."""
    await _poll(lambda: not any(_running(pid) for pid in pids), 10)


async def _until(status: int, target: str) -> None:
    """Poll the health service at `target` until it says `status` (10 s at most)."""

    async def says() -> bool:
        try:
            return await health_status(target) == status
        except grpc.aio.AioRpcError as error:
            # A parent busy starting a worker may answer late: ask again.
            if error.code() is not grpc.StatusCode.DEADLINE_EXCEEDED:
                raise
            return False

    await _poll(says, 10)


async def test_connections_spread_over_the_workers_and_each_names_itself(simulator: str) -> None:
    """Sixteen client connections land on both workers; every call of a connection stays on its
    worker, whose number its access lines carry and whose spans name it `<pool>-<number>`."""
    receiver = OTLPReceiver().start()
    try:
        otel = {
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
            "OTEL_METRICS_EXPORTER": "none",
            "OTEL_BSP_SCHEDULE_DELAY": "50",
        }
        async with _pool(simulator, **otel) as bridge:
            channels = [
                grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}", options=OWN_CONNECTION)
                for _ in range(16)
            ]
            try:
                for channel in channels:
                    stub = responses_service_pb2_grpc.ResponsesServiceStub(channel)
                    for _ in range(2):
                        await stub.CreateResponse(_request(), timeout=10)
            finally:
                for channel in channels:
                    await channel.close()
            await _poll(lambda: len(_lines(bridge, "rpc")) == len(_server_spans(receiver)) == 32)
            calls = _lines(bridge, "rpc")
    finally:
        receiver.stop()
    assert {line["status"] for line in calls} == {"OK"}
    workers_of: dict[str, set[int]] = {}
    for line in calls:
        workers_of.setdefault(line["peer"], set()).add(line["worker"])
    assert len(workers_of) == 16
    assert all(len(workers) == 1 for workers in workers_of.values())
    # Which worker a connection lands on is the kernel's hash of its address: all sixteen on
    # one worker would happen once in 2**15 runs.
    assert set().union(*workers_of.values()) == {1, 2}
    instances = {
        f"ipv4:127.0.0.1:{span.attributes['network.peer.port']}": span.resource[
            "service.instance.id"
        ]
        for span in _server_spans(receiver)
    }
    (pool,) = {instance.rpartition("-")[0] for instance in instances.values()}
    for peer, (worker,) in workers_of.items():
        assert instances[peer] == f"{pool}-{worker}"


def _server_spans(receiver: OTLPReceiver) -> list[Any]:
    return [span for span in receiver.spans() if span.kind == 2]  # SPAN_KIND_SERVER


async def test_a_killed_worker_is_replaced_and_why_is_logged(simulator: str) -> None:
    """A worker killed by a signal is logged with the signal and replaced under its number;
    the parent's health says NOT_SERVING until the replacement serves."""
    health_port = free_port()
    health = f"127.0.0.1:{health_port}"
    async with _pool(simulator, BRIDGE_HEALTH_LISTEN=health) as bridge:
        assert await health_status(health) == SERVING
        victim = (await _line(bridge, "worker_started", worker=1))["pid"]
        os.kill(victim, signal.SIGKILL)
        await _until(NOT_SERVING, health)
        exited = await _line(bridge, "worker_exited", worker=1)
        assert exited["pid"] == victim
        assert exited["signal"] == "SIGKILL"
        assert exited["restart"] is True
        assert exited["level"] == "warning"
        await _until(SERVING, health)
        started = [line["pid"] for line in _lines(bridge, "worker_started", worker=1)]
        assert len(started) == 2 and started[0] == victim
        assert len(_lines(bridge, "serving", worker=1)) == 2
        async with grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}") as channel:
            stub = responses_service_pb2_grpc.ResponsesServiceStub(channel)
            reply = await stub.CreateResponse(_request(), timeout=10)
        assert reply.status == "completed"


async def test_restarts_beyond_the_bound_stop_the_pool(simulator: str) -> None:
    """A worker that keeps dying is restarted RESTARTS times; at the next death the parent
    logs that workers keep failing, stops the other worker and exits 1."""
    async with _pool(simulator) as bridge:
        killed: set[int] = set()
        async with asyncio.timeout(20):
            while not _lines(bridge, "workers_failing"):
                for line in _lines(bridge, "worker_started", worker=1):
                    if line["pid"] not in killed:
                        killed.add(line["pid"])
                        with contextlib.suppress(ProcessLookupError):
                            os.kill(line["pid"], signal.SIGKILL)
                await asyncio.sleep(0.01)
            assert await bridge.process.wait() == 1
    assert len(killed) == RESTARTS + 1
    assert _lines(bridge, "workers_failing")[0]["restarts"] == RESTARTS
    assert _lines(bridge, "worker_exited", worker=1, restart=False)
    assert _lines(bridge, "worker_stopped", worker=2, exit_code=0)


async def test_sigterm_drains_every_worker_then_exits_zero(simulator_slow: str) -> None:
    """After SIGTERM the parent's health says NOT_SERVING and new connections are refused,
    while a stream in flight goes on to its end within the grace period; every worker exits
    0, then the parent does."""
    health = f"127.0.0.1:{free_port()}"
    async with _pool(simulator_slow, BRIDGE_HEALTH_LISTEN=health) as bridge:
        target = f"127.0.0.1:{bridge.port}"
        async with grpc.aio.insecure_channel(target) as channel:
            stub = responses_service_pb2_grpc.ResponsesServiceStub(channel)
            call = stub.StreamCreateResponse(_request("count 60 words"), timeout=30)
            types = [codec.event_type(await call.read()) for _ in range(3)]
            bridge.process.send_signal(signal.SIGTERM)
            terminated = time.monotonic()
            await _until(NOT_SERVING, health)
            async with grpc.aio.insecure_channel(target) as other:
                with pytest.raises(grpc.aio.AioRpcError) as refused:
                    await responses_service_pb2_grpc.ResponsesServiceStub(other).CreateResponse(
                        _request(), timeout=2
                    )
            assert refused.value.code() == grpc.StatusCode.UNAVAILABLE
            while (event := await call.read()) is not grpc.aio.EOF:
                types.append(codec.event_type(event))
            assert await call.code() == grpc.StatusCode.OK
            assert time.monotonic() - terminated < GRACE
        assert types[-1] == "response.completed"
        assert types.count("response.output_text.delta") >= 50
        async with asyncio.timeout(GRACE + 5):
            assert await bridge.process.wait() == 0
    for worker in (1, 2):
        assert _lines(bridge, "worker_stopped", worker=worker, exit_code=0)
        assert _lines(bridge, "draining", worker=worker)


async def test_nothing_else_binds_the_port_of_a_pool(simulator: str) -> None:
    """A bridge started on a pool's port, by the command (one or more workers) or in a
    process of its own without the command's check, is refused."""
    async with _pool(simulator) as bridge:
        address = f"127.0.0.1:{bridge.port}"
        for workers in ("1", "2"):
            code, out, err = await run_bridge("serve", "--workers", workers, "--listen", address)
            assert (code, out) == (1, "")
            (line,) = err.splitlines()
            assert line.startswith(f"error: {address} (the bridge's gRPC port) is already in use")
        with pytest.raises(RuntimeError, match="Failed to bind"):
            await start(Settings(listen=address, upstream_url=simulator))


def test_a_worker_is_its_own_telemetry_instance(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker's service.instance.id is the one set for the pod (else the pool's id) followed
    by its number, and every log line of it carries `worker`."""
    worker = Worker(index=2, pool="pool-id", pipe=None)  # type: ignore[arg-type]
    monkeypatch.delenv("OTEL_RESOURCE_ATTRIBUTES", raising=False)
    assert worker.instance_id == "pool-id-2"
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", "service.instance.id=pod-7f9c,team=ai")
    assert worker.instance_id == "pod-7f9c-2"
    assert worker.log_fields == {"worker": 2}


# -- how many `auto` starts ------------------------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


V2_MOUNT = "30 23 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n"
V1_MOUNT = "35 26 0:30 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"


@pytest.mark.parametrize(
    ("files", "quota"),
    [
        ({"proc/self/cgroup": "0::/\n", "proc/self/mountinfo": V2_MOUNT,
          "sys/fs/cgroup/cpu.max": "250000 100000\n"}, 2.5),
        ({"proc/self/cgroup": "0::/\n", "proc/self/mountinfo": V2_MOUNT,
          "sys/fs/cgroup/cpu.max": "max 100000\n"}, None),
        # A pod's quota on a parent binds the container's cgroup below it.
        ({"proc/self/cgroup": "0::/kubepods/pod1/c1\n", "proc/self/mountinfo": V2_MOUNT,
          "sys/fs/cgroup/kubepods/pod1/cpu.max": "150000 100000\n",
          "sys/fs/cgroup/kubepods/pod1/c1/cpu.max": "max 100000\n"}, 1.5),
        ({"proc/self/cgroup": "4:cpu,cpuacct:/\n1:name=systemd:/\n",
          "proc/self/mountinfo": V1_MOUNT,
          "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "400000\n",
          "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000\n"}, 4.0),
        ({"proc/self/cgroup": "4:cpu,cpuacct:/\n", "proc/self/mountinfo": V1_MOUNT,
          "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "-1\n",
          "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000\n"}, None),
        # Without a cgroup namespace, a v1 mount shows the container's own subtree.
        ({"proc/self/cgroup": "4:cpu,cpuacct:/docker/abc\n",
          "proc/self/mountinfo": V1_MOUNT.replace(" / /sys", " /docker/abc /sys"),
          "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us": "200000\n",
          "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us": "100000\n"}, 2.0),
        ({}, None),
    ],
    ids=["v2", "v2-unlimited", "v2-parent", "v1", "v1-unlimited", "v1-subtree", "no-cgroups"],
)  # fmt: skip
def test_the_cgroup_quota_is_read_from_v2_and_v1(
    tmp_path: Path, files: dict[str, str], quota: float | None
) -> None:
    """The CPU quota comes from cgroup v2 `cpu.max` or v1 CFS quota over period, the smallest
    on the way up; none set, none returned."""
    assert cgroup_cpu_quota(_tree(tmp_path, files)) == quota


@pytest.mark.parametrize(
    ("quota", "usable", "workers"),
    [(None, 4, 4), (2.5, 8, 2), (0.5, 8, 1), (4.0, 2, 2), (None, 1, 1)],
)
def test_auto_is_the_quota_rounded_down_within_the_usable_cpus(
    quota: float | None, usable: int, workers: int
) -> None:
    """`auto` starts one worker per whole CPU of the quota, no more than the CPUs the process
    may run on, and at least one."""
    assert cpu_count(quota, usable) == workers


def test_a_number_of_workers_is_taken_as_given() -> None:
    """A number is used as given; `auto` counts this machine's CPUs."""
    assert worker_count(3) == 3
    assert 1 <= worker_count(WORKERS_AUTO) <= len(os.sched_getaffinity(0))
