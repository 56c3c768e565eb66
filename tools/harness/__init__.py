"""Process and upstream helpers shared by the benchmark, the fuzzer, the soak and tests.

- `BridgeProcess`: `bridge serve` in a subprocess with given settings, with a stats socket
  reporting its asyncio tasks, open fds and memory; `SimulatorProcess`: `bridge simulate`.
- `tools.harness.hostile.HostileUpstream`: a raw-asyncio HTTP/1.1 upstream on loopback
  that answers each request with scripted bytes (`Script`), built with the helpers of
  `tools.harness.http`.
- `tools.harness.rawgrpc.call`: one gRPC call over raw HTTP/2, with metadata no gRPC
  library would send (CR, LF, NUL, non-ASCII), and what came back.
- `tools.harness.bridge_main`: the module a `BridgeProcess` runs (`bridge serve` plus the
  stats socket).
- `ServerProcess`: any of the servers below in a subprocess; every process reports its CPU
  time (`tools.harness.procfs`: CPU, memory, fds, children, TCP connections).
- `tools.harness.events`: realistic Responses API streams and the `Shape` a benchmark asks of
  them; `tools.harness.sse_upstream`: a fast raw-asyncio upstream that streams them (burst or
  paced, plain or TLS); `tools.harness.floor`: the bare and relay gRPC servers, the floor the
  benchmark measures the bridge against.
- `tools.harness.otlp.OTLPReceiver`: an OTLP/gRPC receiver on loopback.
"""

from __future__ import annotations

from tools.harness.procs import (
    BridgeProcess,
    ProcessGone,
    ServerProcess,
    SimulatorProcess,
    Stats,
    free_port,
)

__all__ = [
    "BridgeProcess",
    "ProcessGone",
    "ServerProcess",
    "SimulatorProcess",
    "Stats",
    "free_port",
]
