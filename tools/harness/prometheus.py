"""A real Prometheus server (Debian's `prometheus` package) on loopback, for tests.

`PrometheusServer` writes a configuration scraping the given targets every `interval`,
starts `prometheus` with its storage in a temporary directory and its web API on a free
loopback port, and answers instant queries through the HTTP API. Every wait is bounded.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import aiohttp
import yaml

from tools.harness.procs import free_port

__all__ = ["PrometheusServer", "prometheus_server"]


class PrometheusServer:
    """A started Prometheus: its URL, and queries through its HTTP API."""

    def __init__(self, url: str, session: aiohttp.ClientSession) -> None:
        self.url = url
        self._session = session

    async def query(self, expr: str) -> list[dict[str, Any]]:
        """The instant vector (or scalar, as one sample) `expr` evaluates to now.

        Raises:
            AssertionError: Prometheus refused the query.
        """
        async with self._session.get(f"{self.url}/api/v1/query", params={"query": expr}) as reply:
            body = await reply.json()
        assert body.get("status") == "success", f"{expr}: {body}"
        data = body["data"]
        if data["resultType"] == "scalar":
            return [{"metric": {}, "value": data["result"]}]
        result: list[dict[str, Any]] = data["result"]
        return result

    async def targets_up(self) -> list[dict[str, Any]]:
        """The active scrape targets whose last scrape succeeded."""
        async with self._session.get(f"{self.url}/api/v1/targets") as reply:
            body = await reply.json()
        return [t for t in body["data"]["activeTargets"] if t.get("health") == "up"]


@contextlib.asynccontextmanager
async def prometheus_server(
    targets: Sequence[str], *, job: str = "bridge", interval: float = 1.0, start_seconds: float = 30
) -> AsyncIterator[PrometheusServer]:
    """Prometheus scraping `targets` ("host:port", path /metrics) as `job` every `interval`
    seconds, yielded once it is ready; stopped, its storage removed, at the end.

    Raises:
        FileNotFoundError: `prometheus` is not installed.
    """
    binary = shutil.which("prometheus")
    if binary is None:
        raise FileNotFoundError("prometheus")
    with tempfile.TemporaryDirectory(prefix="prometheus-") as directory:
        config = Path(directory) / "prometheus.yml"
        every = f"{round(interval * 1000)}ms"  # Prometheus durations are integers
        config.write_text(
            yaml.safe_dump(
                {
                    "global": {
                        "scrape_interval": every,
                        "scrape_timeout": every,
                        "evaluation_interval": every,
                    },
                    "scrape_configs": [
                        {"job_name": job, "static_configs": [{"targets": list(targets)}]}
                    ],
                }
            )
        )
        port = free_port()
        log = Path(directory) / "prometheus.log"
        with log.open("wb") as stderr:
            process = await asyncio.create_subprocess_exec(
                binary,
                f"--config.file={config}",
                f"--storage.tsdb.path={Path(directory) / 'data'}",
                f"--web.listen-address=127.0.0.1:{port}",
                "--log.level=warn",
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=stderr,
            )
        url = f"http://127.0.0.1:{port}"
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10)) as session:
                deadline = time.monotonic() + start_seconds
                while True:
                    assert process.returncode is None, f"prometheus exited: {log.read_text()}"
                    with contextlib.suppress(aiohttp.ClientError, OSError):
                        async with session.get(f"{url}/-/ready") as reply:
                            if reply.status == 200:
                                break
                    assert time.monotonic() < deadline, "prometheus was not ready in time"
                    await asyncio.sleep(0.1)
                yield PrometheusServer(url, session)
        finally:
            if process.returncode is None:
                process.terminate()
                try:
                    async with asyncio.timeout(10):
                        await process.wait()
                except TimeoutError:
                    process.kill()
                    await process.wait()
