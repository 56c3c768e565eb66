"""The Grafana dashboard in deploy/grafana, evaluated by a real Prometheus: every query of every
panel returns data, with the labels its legend names, from a pool of bridge workers under mixed
traffic (streams, unary calls, upstream failures, retries, ejection, HTTP 429s).

The queries are read from the dashboard itself; Grafana's variables are replaced as Grafana
would: `$job` by the scrape job, `$__rate_interval` by a window of several scrapes.
"""

from __future__ import annotations

import asyncio
import json
import re
import signal
from pathlib import Path
from typing import Any

import grpc
import grpc.aio

from rbridge.responses.v1 import items_pb2, responses_service_pb2, responses_service_pb2_grpc
from tests.process import bridge_process
from tests.support import prometheus_tool
from tools.harness.procs import free_port
from tools.harness.prometheus import PrometheusServer, prometheus_server

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD = ROOT / "deploy" / "grafana" / "responses-bridge.json"
JOB = "bridge"
SCRAPE_SECONDS = 1.0
RATE_WINDOW = "20s"
ROUTES = """
upstreams:
  primary: {base_url: "%(url)s"}
  secondary: {base_url: "%(url)s"}
default_upstream: primary
routes:
  - {model: "*", upstreams: [primary, secondary]}
ejection: {consecutive_failures: 2}
"""
OWN_CONNECTION = [("grpc.use_local_subchannel_pool", 1)]


def queries() -> list[tuple[str, str, str]]:
    """(panel title, expression, legend) of every query of every panel of the dashboard."""
    dashboard = json.loads(DASHBOARD.read_text())
    return [
        (panel["title"], target["expr"], target.get("legendFormat", ""))
        for panel in dashboard["panels"]
        for target in panel.get("targets", [])
    ]


def resolved(expr: str) -> str:
    """`expr` with Grafana's variables replaced."""
    return expr.replace("$job", JOB).replace("$__rate_interval", RATE_WINDOW)


def legend_labels(legend: str) -> set[str]:
    return set(re.findall(r"\{\{\s*(\w+)\s*\}\}", legend))


async def unanswered(prometheus: PrometheusServer) -> list[str]:
    """What the dashboard's queries lack: no data, or no series with a label the legend shows."""
    missing: list[str] = []
    for title, expr, legend in queries():
        result: list[dict[str, Any]] = await prometheus.query(resolved(expr))
        if not result:
            missing.append(f"{title}: {expr} returned nothing")
            continue
        for label in legend_labels(legend):
            if not any(series["metric"].get(label) for series in result):
                missing.append(f"{title}: {expr} has no series with {label}")
    return missing


async def traffic(port: int) -> None:
    """Streams and unary calls that succeed, fail upstream (HTTP 500: retried, ejecting the
    upstream, spending the retry budget) and are refused (HTTP 429), on several connections so
    that both workers serve."""

    async def connection(texts: list[str]) -> None:
        async with grpc.aio.insecure_channel(
            f"127.0.0.1:{port}", options=OWN_CONNECTION
        ) as channel:
            stub = responses_service_pb2_grpc.ResponsesServiceStub(channel)
            for text in texts:
                request = responses_service_pb2.CreateResponseRequest(
                    model="gpt-test", input=items_pb2.Input(text=text)
                )
                if text.startswith("count"):
                    async for _ in stub.StreamCreateResponse(request, timeout=30):
                        pass
                else:
                    try:
                        await stub.CreateResponse(request, timeout=30)
                    except grpc.aio.AioRpcError as error:
                        assert error.code() is not grpc.StatusCode.OK

    work = ["count 30 words", "hello", "fail", "quota", "count 10 words"]
    await asyncio.gather(*(connection(work * 3) for _ in range(8)))


async def test_every_dashboard_query_returns_data_with_its_legend_labels(
    simulator: str, tmp_path: Path
) -> None:
    """A real Prometheus scraping a pool's endpoint answers each query of the dashboard with
    series carrying every label its legend shows."""
    prometheus_tool("prometheus")
    routes = tmp_path / "routes.yaml"
    routes.write_text(ROUTES % {"url": simulator})
    metrics_port = free_port()
    env = {
        "BRIDGE_WORKERS": "2",
        "BRIDGE_ROUTES_FILE": str(routes),
        "BRIDGE_METRICS_LISTEN": f"127.0.0.1:{metrics_port}",
        "BRIDGE_MAX_RETRIES": "2",
    }
    async with (
        bridge_process(simulator, env) as bridge,
        prometheus_server(
            [f"127.0.0.1:{metrics_port}"], job=JOB, interval=SCRAPE_SECONDS
        ) as prometheus,
    ):
        try:
            await traffic(bridge.port)
            # Scrapes after the traffic: every series twice in the rate window at least (a
            # scrape of a loaded machine may come late, so ask again for a while).
            await asyncio.sleep(4 * SCRAPE_SECONDS)
            assert await prometheus.targets_up(), "prometheus could not scrape the bridge"
            for _ in range(30):
                missing = await unanswered(prometheus)
                if not missing:
                    break
                await asyncio.sleep(SCRAPE_SECONDS)
            assert not missing, "\n".join(missing)
        finally:
            bridge.process.send_signal(signal.SIGTERM)
            async with asyncio.timeout(30):
                await bridge.process.wait()
