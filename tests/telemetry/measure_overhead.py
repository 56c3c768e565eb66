"""What telemetry costs per streamed event: one long stream through a bridge, per mode.

Usage::

    .venv/bin/python -m tests.telemetry.measure_overhead [--words 20000] [--rounds 5]

Modes, each a bridge in its own subprocess pointed at one simulator subprocess
(token delay 0), with this process as the gRPC client:

- ``bare``: no access log, no OTEL_* variables: no interceptor, `NoTelemetry`;
- ``off``: the default: access log on, no OTEL_* variables (no spans, no metrics);
- ``traced``: access log on, traces and metrics exported over OTLP/gRPC to a
  receiver in this process (``OTEL_EXPORTER_OTLP_ENDPOINT``).

Reported per mode (median over alternating rounds): the bridge process's CPU
time per event (user + system, from /proc, Linux only), events per second, the
CPU time per unary call (1000 sequential CreateResponse calls), and each CPU
figure as a ratio to ``bare``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

MODES = ("bare", "off", "traced")
# The children are started while this process's gRPC threads run.
os.environ.setdefault("GRPC_ENABLE_FORK_SUPPORT", "false")


async def _serve_bridge(upstream_url: str, mode: str) -> None:
    from bridge.config import Settings
    from bridge.logs import configure
    from bridge.server import start

    settings = Settings(
        listen="127.0.0.1:0",
        upstream_url=upstream_url,
        access_log_level="off" if mode == "bare" else "info",
    )
    configure("info", "json")
    bridge = await start(settings)
    print(f"PORT {bridge.port}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await bridge.stop(0)
    from bridge.telemetry.setup import current

    current().shutdown()


async def _serve_simulator() -> None:
    from bridge.simulator import SimulatorOptions
    from bridge.simulator import start as start_simulator

    runner, port = await start_simulator("127.0.0.1", 0, SimulatorOptions(token_delay=0.0))
    print(f"PORT {port}", flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await runner.cleanup()


class _Child:
    def __init__(self, env: dict[str, str], *argv: str) -> None:
        self._argv = [sys.executable, "-m", "tests.telemetry.measure_overhead", *argv]
        self._env = env
        self.proc: asyncio.subprocess.Process | None = None
        self.port = 0

    async def __aenter__(self) -> _Child:
        self.proc = await asyncio.create_subprocess_exec(
            *self._argv,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=self._env,
        )
        assert self.proc.stdout is not None
        line = await asyncio.wait_for(self.proc.stdout.readline(), 30)
        self.port = int(line.split()[1])
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        self.proc.stdin.close()
        await asyncio.wait_for(self.proc.wait(), 30)

    def cpu_seconds(self) -> float:
        assert self.proc is not None
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _stream(port: int, words: int) -> int:
    import grpc.aio

    from bridge import codec
    from rbridge.responses.v1 import responses_service_pb2, responses_service_pb2_grpc

    request = codec.from_json(
        {"model": "gpt-bench", "input": f"Count {words} words"},
        responses_service_pb2.CreateResponseRequest,
    )
    options = [("grpc.max_receive_message_length", 64 * 1024 * 1024)]
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}", options=options) as channel:
        stub = responses_service_pb2_grpc.ResponsesServiceStub(channel)
        count = 0
        async for _ in stub.StreamCreateResponse(request):
            count += 1
        return count


async def _unary(port: int, calls: int) -> None:
    import grpc.aio

    from bridge import codec
    from rbridge.responses.v1 import responses_service_pb2, responses_service_pb2_grpc

    request = codec.from_json(
        {"model": "gpt-bench", "input": "Hello"}, responses_service_pb2.CreateResponseRequest
    )
    async with grpc.aio.insecure_channel(f"127.0.0.1:{port}") as channel:
        stub = responses_service_pb2_grpc.ResponsesServiceStub(channel)
        for _ in range(calls):
            await stub.CreateResponse(request)


async def _measure(words: int, rounds: int) -> dict[str, dict[str, float]]:
    from tests.telemetry.otlp_receiver import OTLPReceiver

    receiver = OTLPReceiver().start()
    base = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    envs = {
        "bare": base,
        "off": base,
        "traced": {
            **base,
            "OTEL_EXPORTER_OTLP_ENDPOINT": receiver.endpoint,
            "OTEL_METRIC_EXPORT_INTERVAL": "5000",
        },
    }
    samples: dict[str, list[tuple[float, float, float]]] = {mode: [] for mode in MODES}
    calls = 1000
    try:
        async with _Child(base, "--role", "simulator") as simulator:
            upstream = f"http://127.0.0.1:{simulator.port}/v1"
            for _ in range(rounds):
                for mode in MODES:
                    async with _Child(envs[mode], "--role", "bridge", upstream, mode) as bridge:
                        await _stream(bridge.port, 500)  # warm up
                        await _unary(bridge.port, 50)
                        cpu, started = bridge.cpu_seconds(), time.perf_counter()
                        events = await _stream(bridge.port, words)
                        wall = time.perf_counter() - started
                        cpu = bridge.cpu_seconds() - cpu
                        unary_cpu = bridge.cpu_seconds()
                        await _unary(bridge.port, calls)
                        unary_cpu = bridge.cpu_seconds() - unary_cpu
                    samples[mode].append(
                        (cpu / events * 1e6, events / wall, unary_cpu / calls * 1e6)
                    )
    finally:
        receiver.stop()
    assert receiver.spans(), "the traced bridge exported no span"
    return {
        mode: {
            "cpu_us_per_event": statistics.median(s[0] for s in runs),
            "events_per_second": statistics.median(s[1] for s in runs),
            "cpu_us_per_unary_call": statistics.median(s[2] for s in runs),
        }
        for mode, runs in samples.items()
    }


def main() -> None:
    """Run the measurement, or serve one role of it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--role", choices=("bridge", "simulator"))
    parser.add_argument("role_args", nargs="*")
    parser.add_argument("--words", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    runner: Any
    try:
        import uvloop

        runner = uvloop.run
    except ImportError:  # pragma: no cover
        runner = asyncio.run
    if args.role == "bridge":
        runner(_serve_bridge(*args.role_args))
        return
    if args.role == "simulator":
        runner(_serve_simulator())
        return
    results = runner(_measure(args.words, args.rounds))
    bare = results["bare"]["cpu_us_per_event"]
    bare_call = results["bare"]["cpu_us_per_unary_call"]
    print(
        f"{'mode':8} {'cpu us/event':>13} {'events/s':>10} {'vs bare':>8}"
        f" {'cpu us/unary call':>18} {'vs bare':>8}"
    )
    for mode, figures in results.items():
        cpu, call = figures["cpu_us_per_event"], figures["cpu_us_per_unary_call"]
        print(
            f"{mode:8} {cpu:13.2f} {figures['events_per_second']:10.0f} {cpu / bare:8.3f}"
            f" {call:18.1f} {call / bare_call:8.3f}"
        )


if __name__ == "__main__":
    main()
