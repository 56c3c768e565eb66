"""The servers of one benchmark run, started once and shared by its workloads.

Each server runs in its own process (uvloop, loopback): the upstream
(`tools.harness.sse_upstream`, plain and TLS), the bridge (`bridge serve` through
`tools.harness.BridgeProcess`, one pointed at each upstream), the relay (one per
upstream) and the bare server (`tools.harness.floor`). Workloads ask for the ones they
need by name; those not running yet start together. With `fresh_bridges`, a workload's
shared bridges stop when it ends, so that the next workload meets new ones: a bridge
process's state (its heap, its pools) is not carried from one workload's figures to the
next, and a workload run alone measures what it measures in a full run. A workload that
needs a bridge of its own (other settings) starts one with `own_bridge`, stopped when
the workload ends.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from pathlib import Path
from typing import Any

import httpx

from tools.bench.profile import Profiler
from tools.harness.events import PREPARE, Shape
from tools.harness.procs import BridgeProcess, ServerProcess
from tools.harness.tls import Certificates, write_certificates

__all__ = ["SERVERS", "Context", "Server"]

Server = BridgeProcess | ServerProcess
# The shared servers, by name; "-tls" ones read (or are) the TLS upstream.
SERVERS = ("upstream", "upstream-tls", "bridge", "bridge-tls", "relay", "relay-tls", "bare")


class Context:
    """What a workload runs with: the mode, a scratch folder, the shared servers, the
    optional profiler, and the bridges it started itself."""

    def __init__(
        self,
        mode: str,
        folder: Path,
        profiler: Profiler | None = None,
        *,
        fresh_bridges: bool = False,
        bridge_settings: Mapping[str, str] | None = None,
    ) -> None:
        self.mode = mode
        # BRIDGE_* variables every bridge of the run gets (`--bridge-env`).
        self.bridge_settings = dict(bridge_settings or {})
        self.folder = folder
        self.profiler = profiler
        self.fresh_bridges = fresh_bridges
        self.workload = ""
        self._shared: dict[str, Server] = {}
        self._own: list[Server] = []
        self._certificates: Certificates | None = None

    def log_path(self, name: str) -> Path:
        """Where a server's stderr goes."""
        return self.folder / f"{name}.log"

    def certificates(self) -> Certificates:
        """The TLS upstream's certificate and the CA that issued it (made once)."""
        if self._certificates is None:
            self._certificates = write_certificates(self.folder / "tls")
        return self._certificates

    async def servers(self, *names: str) -> list[Server]:
        """The shared servers `names` (see SERVERS), started if need be; in that order."""
        upstreams = [name for name in names if name.startswith("upstream")]
        upstreams += [
            name.replace("bridge", "upstream").replace("relay", "upstream")
            for name in names
            if name.startswith(("bridge", "relay"))
        ]
        await self._start([name for name in dict.fromkeys(upstreams)])
        await self._start([name for name in names if not name.startswith("upstream")])
        return [self._shared[name] for name in names]

    async def _start(self, names: list[str]) -> None:
        missing = [name for name in dict.fromkeys(names) if name not in self._shared]
        made = {name: self._make(name) for name in missing}
        results = await asyncio.gather(
            *(server.start() for server in made.values()), return_exceptions=True
        )
        failures = []
        for (name, server), result in zip(made.items(), results, strict=True):
            if isinstance(result, BaseException):
                failures.append(result)
                await server.stop()
            else:
                self._shared[name] = server
        if failures:
            raise failures[0]

    def _make(self, name: str) -> Server:
        tls = name.endswith("-tls")
        log = self.log_path(name)
        if name.startswith("upstream"):
            args: list[str] = []
            if tls:
                files = self.certificates()
                args = ["--tls-cert", str(files.cert), "--tls-key", str(files.key)]
            return ServerProcess(name, "tools.harness.sse_upstream", *args, log_path=log)
        if name == "bare":
            return ServerProcess(name, "tools.harness.floor", "bare", log_path=log)
        url = self.upstream_url(tls)
        if name.startswith("relay"):
            args = ["relay", "--upstream-url", url]
            if tls:
                args += ["--ca", str(self.certificates().ca)]
            return ServerProcess(name, "tools.harness.floor", *args, log_path=log)
        label = f"{self.workload}-{name}" if self.workload else name
        return BridgeProcess(
            self.bridge_env(url, tls) | self._profiling(label), log_path=self.log_path(label)
        )

    def _profiling(self, label: str) -> dict[str, str]:
        return {} if self.profiler is None else self.profiler.bridge_env(label)

    def upstream_url(self, tls: bool = False) -> str:
        """The base URL of the shared (TLS) upstream, which must be running."""
        upstream = self._shared["upstream-tls" if tls else "upstream"]
        return f"{'https' if tls else 'http'}://127.0.0.1:{upstream.port}/v1"

    def bridge_env(self, upstream_url: str, tls: bool = False, **extra: str) -> dict[str, str]:
        """The environment of a bridge pointed at `upstream_url`: `bridge serve`'s
        defaults, a key, the CA for a TLS upstream, the run's `bridge_settings`, and
        `extra`."""
        env = {
            "BRIDGE_UPSTREAM_URL": upstream_url,
            "BRIDGE_UPSTREAM_API_KEY": "sk-bench",
            "BRIDGE_LOG_FORMAT": "json",
        }
        if tls:
            env["BRIDGE_UPSTREAM_CA_BUNDLE"] = str(self.certificates().ca)
        return env | self.bridge_settings | extra

    async def own_bridge(
        self, env: Mapping[str, str], name: str = "bridge", **options: Any
    ) -> BridgeProcess:
        """A bridge of the workload's own, stopped when the workload ends."""
        label = f"{self.workload}-{name}-{len(self._own)}"
        bridge = BridgeProcess(
            {**env, **self._profiling(label)}, log_path=self.log_path(label), **options
        )
        self._own.append(bridge)
        await bridge.start()
        return bridge

    async def own_server(self, name: str, module: str, *args: str) -> ServerProcess:
        """``python -m module args`` of the workload's own, stopped when the workload ends."""
        label = f"{self.workload}-{name}-{len(self._own)}"
        server = ServerProcess(name, module, *args, log_path=self.log_path(label))
        self._own.append(server)
        await server.start()
        return server

    async def prepare(self, shape: Shape, *servers: Server) -> None:
        """Have the upstream(s) and floor servers build what they send for `shape`."""
        from tools.bench.fleet import open_channel, prepare

        body = {"model": "bench", "stream": True, "metadata": {**shape.metadata(), PREPARE: "1"}}
        verify: str | bool = True
        if "upstream-tls" in self._shared:
            verify = str(self.certificates().ca)
        async with httpx.AsyncClient(verify=verify, timeout=120.0) as http:
            for name, upstream in self._shared.items():
                if name.startswith("upstream"):
                    scheme = "https" if name.endswith("-tls") else "http"
                    url = f"{scheme}://127.0.0.1:{upstream.port}/v1/responses"
                    (await http.post(url, json=body)).raise_for_status()
        for server in servers:
            channel = await open_channel(f"127.0.0.1:{server.port}", "bench-prepare")
            try:
                await prepare(channel, shape)
            finally:
                await channel.close()

    @contextlib.asynccontextmanager
    async def profiled(self, server: Server, name: str = "bridge") -> AsyncIterator[None]:
        """Profile `server`, the workload's `name` server, during the block, when the run
        profiles servers of that name."""
        if self.profiler is None or self.profiler.server != name:
            yield
            return
        async with self.profiler.during(server.pid, self.workload):
            yield

    async def end_workload(self) -> None:
        """Stop the servers the workload started, and with `fresh_bridges` the shared
        bridges (a cProfile dump is written then)."""
        own, self._own = self._own, []
        if self.fresh_bridges:
            own += [self._shared.pop(name) for name in list(self._shared) if "bridge" in name]
        await asyncio.gather(*(server.stop() for server in own))

    async def close(self) -> None:
        """Stop every server."""
        await self.end_workload()
        shared, self._shared = self._shared, {}
        await asyncio.gather(*(server.stop() for server in shared.values()))
