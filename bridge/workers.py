"""`bridge serve --workers N`: N processes serving one gRPC port, and the parent that keeps them.

A bridge process runs one event loop and so uses one core at most. With more CPUs:

- The parent holds the port first (`devserver.reserve`: bound without SO_REUSEPORT, so a
  port anything else listens on ends the command before anything starts; port 0 is
  resolved there, once). The workers then bind it with SO_REUSEPORT, and the kernel
  spreads new *connections* among them; a connection, and every call on it, stays with
  the worker that accepted it.
- Workers are started fresh (multiprocessing's spawn: a new interpreter, never a fork of
  one running gRPC, which gRPC servers do not support).
- The health port (BRIDGE_HEALTH_LISTEN) is the parent's: SERVING while every worker
  serves, NOT_SERVING while one is missing or the pool drains. On the API port each
  worker answers for itself, that is for the connection the question came on.
- So is the Prometheus endpoint (BRIDGE_METRICS_LISTEN): each worker serves its metrics on
  a Unix socket in a directory of the parent's, which asks them all at each scrape and
  answers with every series labelled by its worker (`bridge.telemetry.prometheus`).
- A worker that exits is replaced and its exit code or signal logged. More than
  `max(RESTARTS, N)` restarts within `WINDOW_SECONDS` and the parent gives up (exit 1),
  leaving restarts to the container's own policy and its back-off. A worker that exits 2
  (invalid configuration) before it ever served stops the pool with exit 2: restarting
  cannot fix that.
- SIGTERM or SIGINT: health NOT_SERVING, SIGTERM to every worker, each draining its calls
  for BRIDGE_GRACE_SECONDS as a single bridge does; exit 0 once all are gone. A worker
  still there `EXIT_MARGIN_SECONDS` after the grace period is killed (exit 1).
- A worker whose parent is gone (its pipe reads end-of-file) drains and exits, so no
  worker outlives the parent holding the port.

What each process owns is in docs/scaling.md#workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import multiprocessing
import os
import signal
import sys
import tempfile
import time
import uuid
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, replace
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import structlog
from grpc_health.v1 import health, health_pb2

from bridge.config import WORKERS_AUTO, ConfigError, Settings, parse_hostport
from bridge.devserver import reserve

if TYPE_CHECKING:
    import grpc.aio

    from bridge.telemetry.prometheus import MetricsServer

__all__ = [
    "EXIT_MARGIN_SECONDS",
    "RESTARTS",
    "WINDOW_SECONDS",
    "Worker",
    "cgroup_cpu_quota",
    "cpu_count",
    "run_event_loop",
    "supervise",
    "worker_count",
]

log = structlog.get_logger("bridge.workers")

# The parent gives up when workers restart more than max(RESTARTS, N) times in
# WINDOW_SECONDS: a worker that keeps crashing would otherwise crash forever, and
# Kubernetes restarts a failed container with a back-off of its own.
RESTARTS = 5
WINDOW_SECONDS = 60.0
# After the grace period: time for a worker to close its upstream pool, flush its
# telemetry (2 s at most) and exit, before it is killed.
EXIT_MARGIN_SECONDS = 5.0
# The CLI's exit status for invalid settings; a worker exits with it too.
_INVALID_CONFIGURATION = 2
_SERVING = b"serving"

T = TypeVar("T")


def run_event_loop(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run `coroutine` to completion on uvloop where it is installed, as every bridge
    process (a single one, a pool's parent, each worker) runs."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is absent on Windows
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


# -- how many ------------------------------------------------------------------------


def cpu_count(quota: float | None, usable: int) -> int:
    """Workers for `auto`: the CPU quota rounded down (a worker given part of a core
    would be throttled), at most the `usable` CPUs the process may run on; at least 1."""
    if quota is not None:
        usable = min(usable, math.floor(quota))
    return max(1, usable)


def worker_count(requested: int) -> int:
    """`Settings.workers` as a number of processes: `auto` counted from this process's
    cgroup CPU quota, else the CPUs it may run on."""
    if requested != WORKERS_AUTO:
        return requested
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        usable = os.cpu_count() or 1
    return cpu_count(cgroup_cpu_quota(), usable)


def cgroup_cpu_quota(root: Path = Path("/")) -> float | None:
    """The CPU quota of this process's cgroup, in CPUs: cgroup v2 `cpu.max`, or v1
    `cpu.cfs_quota_us` / `cpu.cfs_period_us`, the smallest set on its path up to the
    hierarchy's root (a parent's quota binds its children). None when none is set.
    `root` is where /proc and /sys are found (tests give a directory of their own)."""
    try:
        memberships = (root / "proc/self/cgroup").read_text().splitlines()
        mounts = (root / "proc/self/mountinfo").read_text().splitlines()
    except OSError:
        return None
    # /proc/self/cgroup: "0::/path" for v2, "3:cpu,cpuacct:/path" for v1.
    paths: dict[str, str] = {}
    for line in memberships:
        hierarchy, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        if hierarchy == "0" and not controllers:
            paths["cgroup2"] = path
        elif "cpu" in controllers.split(","):
            paths["cgroup"] = path
    quotas: list[float] = []
    for line in mounts:
        # "36 25 0:31 / /sys/fs/cgroup/cpu rw,nosuid - cgroup cgroup rw,cpu,cpuacct"
        fields = line.split()
        if "-" not in fields:
            continue
        tail = fields[fields.index("-") + 1 :]
        kind, options = tail[0], (tail[2] if len(tail) > 2 else "")
        if kind not in paths or (kind == "cgroup" and "cpu" not in options.split(",")):
            continue
        quotas += _quotas_up(root / fields[4].lstrip("/"), fields[3], paths[kind], kind)
    return min(quotas, default=None)


def _quotas_up(mount: Path, mount_root: str, path: str, kind: str) -> list[float]:
    """The quotas set in the cgroup at `path` and every cgroup above it in this mount."""
    # Without a cgroup namespace the mount shows a subtree (mount_root) of the path.
    if os.path.commonpath([mount_root, path]) == mount_root:
        path = os.path.relpath(path, mount_root)
    here = mount / path.lstrip("/")
    if not here.is_dir():
        here = mount
    found: list[float] = []
    while True:
        quota = _quota(here, kind)
        if quota is not None:
            found.append(quota)
        if here == mount or mount not in here.parents:
            return found
        here = here.parent


def _quota(directory: Path, kind: str) -> float | None:
    try:
        if kind == "cgroup2":
            limit, period = (directory / "cpu.max").read_text().split()[:2]
            return None if limit == "max" else int(limit) / int(period)
        limit = (directory / "cpu.cfs_quota_us").read_text().strip()
        period = (directory / "cpu.cfs_period_us").read_text().strip()
        return int(limit) / int(period) if int(limit) > 0 else None
    except (OSError, ValueError, ZeroDivisionError):
        return None


# -- a worker ------------------------------------------------------------------------


@dataclass
class Worker:
    """A worker's side of its pool: its number (1 to N), the pool's id, and the pipe to
    the parent (the worker sends on it once serving; end-of-file means the parent is gone)."""

    index: int
    pool: str
    pipe: Connection
    # Where the worker serves its metrics to the parent's endpoint ("": no endpoint).
    metrics_socket: str = ""

    @property
    def log_fields(self) -> dict[str, object]:
        """What every log line of the worker carries: `worker`, its number."""
        return {"worker": self.index}

    @property
    def instance_id(self) -> str:
        """Its `service.instance.id`: the one OTEL_RESOURCE_ATTRIBUTES sets (the pod's
        name, say), else the pool's id, followed by `-<number>`; the same across restarts.
        (Left alone, the SDK would give each process a random one, and one set for the pod
        would be every worker's.)"""
        from opentelemetry.sdk.resources import OTELResourceDetector

        base = OTELResourceDetector().detect().attributes.get("service.instance.id")
        return f"{base or self.pool}-{self.index}"

    def serving(self, stop: Callable[[], None]) -> None:
        """Tell the parent this worker serves, and call `stop` once the parent is gone."""
        with contextlib.suppress(OSError):
            self.pipe.send_bytes(_SERVING)
        loop = asyncio.get_running_loop()
        descriptor = self.pipe.fileno()

        def gone() -> None:
            # The parent never writes: readable means end-of-file.
            loop.remove_reader(descriptor)
            log.warning("parent_gone")
            stop()

        loop.add_reader(descriptor, gone)


def _work(settings: Settings, worker: Worker) -> None:
    """A worker process's main: `bridge.server.run` as `worker`, its exit status the CLI's."""
    from bridge.server import run

    try:
        run_event_loop(run(settings, worker))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        sys.exit(_INVALID_CONFIGURATION)
    except KeyboardInterrupt:  # Ctrl-C reached it before it served
        sys.exit(130)
    except Exception:
        log.exception("worker_failed")
        sys.exit(1)


# -- the parent ----------------------------------------------------------------------


@dataclass
class _Slot:
    """One running worker, as the parent sees it."""

    index: int
    process: BaseProcess
    pid: int
    pipe: Connection
    descriptors: tuple[int, int]
    serving: bool = False
    served: bool = False
    exitcode: int | None = None

    def reason(self) -> dict[str, object]:
        """How it ended: its exit code, or the signal that ended it."""
        code = self.exitcode
        if code is not None and code < 0:
            return {"signal": signal.Signals(-code).name}
        return {"exit_code": code}


# An event for the supervisor's loop: ("serving" | "exited", slot), or None: stop.
_Event = tuple[str, _Slot] | None


class _Supervisor:
    def __init__(self, settings: Settings, count: int, port: int) -> None:
        host, _ = parse_hostport(settings.listen)
        shown = f"[{host}]" if ":" in host else host
        self.settings = settings
        self.count = count
        self.port = port
        # What every worker runs with: the port the parent holds, and no health port
        # of its own (the parent's answers for all).
        self.worker_settings = replace(
            settings,
            listen=f"{shown}:{port}",
            health_listen=None,
            metrics_listen=None,
            workers=count,
        )
        self.pool = str(uuid.uuid4())
        self.context = multiprocessing.get_context("spawn")
        self.slots: dict[int, _Slot] = {}
        self.events: asyncio.Queue[_Event] = asyncio.Queue()
        self.loop = asyncio.get_running_loop()
        self.draining = False
        self.announced = False
        self.serving = False
        self.health: health.aio.HealthServicer | None = None
        self.metrics_directory: tempfile.TemporaryDirectory[str] | None = None

    async def run(self) -> int:
        for sig in (signal.SIGTERM, signal.SIGINT):
            with contextlib.suppress(NotImplementedError):
                self.loop.add_signal_handler(sig, self.events.put_nowait, None)
        health_server = await self._serve_health()
        metrics_server = await self._serve_metrics()
        try:
            for index in range(1, self.count + 1):
                self._spawn(index)
            status = await self._keep()
            self.draining = True
            await self._report()
            log.info("draining", grace_seconds=self.settings.grace_seconds, workers=len(self.slots))
            clean = await self._drain()
            log.info("stopped")
            return status if status is not None else (0 if clean else 1)
        finally:
            if health_server is not None:
                await health_server.stop(None)
            if metrics_server is not None:
                await metrics_server.stop()
            if self.metrics_directory is not None:
                self.metrics_directory.cleanup()

    async def _serve_health(self) -> grpc.aio.Server | None:
        if not self.settings.health_listen:
            return None
        from bridge.server import serve_health

        self.health = health.aio.HealthServicer()
        await self._set_health(health_pb2.HealthCheckResponse.NOT_SERVING)
        return await serve_health(self.settings.health_listen, self.health)

    async def _serve_metrics(self) -> MetricsServer | None:
        if not self.settings.metrics_listen:
            return None
        from bridge.telemetry.prometheus import WorkerScraper, serve

        self.metrics_directory = tempfile.TemporaryDirectory(prefix="bridge-metrics-")
        scraper = WorkerScraper(
            lambda: {index: self._metrics_socket(index) for index in sorted(self.slots)}
        )
        server = await serve(scraper.render, address=self.settings.metrics_listen)
        log.info("metrics_serving", metrics_listen=self.settings.metrics_listen, port=server.port)
        return server

    def _metrics_socket(self, index: int) -> Path:
        assert self.metrics_directory is not None
        return Path(self.metrics_directory.name) / f"worker-{index}.sock"

    async def _set_health(self, status: health_pb2.HealthCheckResponse.ServingStatus) -> None:
        from bridge.server import SERVICE_NAME

        assert self.health is not None
        for name in ("", SERVICE_NAME):
            await self.health.set(name, status)

    def _spawn(self, index: int) -> None:
        parent_end, child_end = self.context.Pipe()
        process = self.context.Process(
            target=_work,
            args=(
                self.worker_settings,
                Worker(
                    index,
                    self.pool,
                    child_end,
                    str(self._metrics_socket(index)) if self.metrics_directory else "",
                ),
            ),
            name=f"bridge-worker-{index}",
            # Should the parent die without stopping them, multiprocessing's exit hook
            # terminates daemonic children instead of waiting for them.
            daemon=True,
        )
        process.start()
        child_end.close()
        assert process.pid is not None
        slot = _Slot(
            index, process, process.pid, parent_end, (parent_end.fileno(), process.sentinel)
        )
        self.slots[index] = slot
        self.loop.add_reader(slot.descriptors[0], self._message, slot)
        self.loop.add_reader(slot.descriptors[1], self._exited, slot)
        log.info("worker_started", worker=index, pid=process.pid)

    def _message(self, slot: _Slot) -> None:
        try:
            message = slot.pipe.recv_bytes()
        except (EOFError, OSError):
            # The worker is exiting; its sentinel says when it is gone.
            self.loop.remove_reader(slot.descriptors[0])
            return
        if message == _SERVING:
            self.events.put_nowait(("serving", slot))

    def _exited(self, slot: _Slot) -> None:
        for descriptor in slot.descriptors:
            self.loop.remove_reader(descriptor)
        slot.process.join()
        slot.exitcode = slot.process.exitcode
        slot.process.close()
        slot.pipe.close()
        if self.slots.get(slot.index) is slot:
            del self.slots[slot.index]
        self.events.put_nowait(("exited", slot))

    async def _keep(self) -> int | None:
        """Replace workers that exit until told to stop (None), or the status to stop
        with: 2 for a worker's invalid configuration, 1 when restarts exceed the bound."""
        restarts: deque[float] = deque()
        limit = max(RESTARTS, self.count)
        while (event := await self.events.get()) is not None:
            kind, slot = event
            if kind == "serving":
                slot.serving = slot.served = True
                await self._report()
                continue
            await self._report()
            fields = {"worker": slot.index, "pid": slot.pid, **slot.reason()}
            if slot.exitcode == _INVALID_CONFIGURATION and not slot.served:
                log.error("worker_exited", **fields, restart=False)
                return _INVALID_CONFIGURATION
            now = time.monotonic()
            while restarts and now - restarts[0] > WINDOW_SECONDS:
                restarts.popleft()
            if len(restarts) >= limit:
                log.error("worker_exited", **fields, restart=False)
                log.error("workers_failing", restarts=len(restarts), window_seconds=WINDOW_SECONDS)
                return 1
            restarts.append(now)
            log.warning("worker_exited", **fields, restart=True)
            self._spawn(slot.index)
        return None

    async def _drain(self) -> bool:
        """SIGTERM every worker and wait for all to exit; kill those still there after the
        grace period and margin. True when none had to be killed."""
        for slot in self.slots.values():
            slot.process.terminate()
        deadline = self.loop.time() + self.settings.grace_seconds + EXIT_MARGIN_SECONDS
        await self._wait_exits(deadline)
        clean = not self.slots
        for slot in self.slots.values():
            log.error("worker_killed", worker=slot.index, pid=slot.pid)
            slot.process.kill()
        await self._wait_exits(self.loop.time() + EXIT_MARGIN_SECONDS)
        return clean

    async def _wait_exits(self, deadline: float) -> None:
        while self.slots:
            try:
                async with asyncio.timeout_at(deadline):
                    event = await self.events.get()
            except TimeoutError:
                return
            if event is not None and event[0] == "exited":
                _, slot = event
                log.info("worker_stopped", worker=slot.index, pid=slot.pid, **slot.reason())

    async def _report(self) -> None:
        """Health and the pool's `serving` line from the workers' states."""
        serving = (
            not self.draining
            and len(self.slots) == self.count
            and all(slot.serving for slot in self.slots.values())
        )
        if serving and not self.announced:
            self.announced = True
            log.info(
                "serving",
                listen=self.settings.listen,
                port=self.port,
                upstream=self.settings.upstream_url,
                workers=self.count,
                health_listen=self.settings.health_listen,
            )
        if self.health is not None and serving != self.serving:
            await self._set_health(
                health_pb2.HealthCheckResponse.SERVING
                if serving
                else health_pb2.HealthCheckResponse.NOT_SERVING
            )
        self.serving = serving


async def supervise(settings: Settings, count: int) -> int:
    """Serve `settings.listen` with `count` worker processes until SIGTERM or SIGINT,
    then drain them; the exit status (0 once all drained).

    Raises:
        TelemetryConfigError: an OTEL_* variable names what the bridge cannot use.
        PortInUse: the port is taken; nothing was started.
        OSError: the port or the health port cannot be bound.
    """
    from bridge.logs import configure
    from bridge.telemetry.setup import check_env

    # What would stop every worker at start stops the command before any starts.
    check_env()
    configure(settings.log_level, settings.log_format)
    held = reserve(settings.listen, "bridge")
    try:
        return await _Supervisor(settings, count, held[0].getsockname()[1]).run()
    finally:
        for sock in held:
            sock.close()
