"""Process and upstream helpers shared by the fuzzer, the soak and tests.

- `BridgeProcess`: `bridge serve` in a subprocess with given settings, with a stats socket
  reporting its asyncio tasks, open fds and memory; `SimulatorProcess`: `bridge simulate`.
- `HostileUpstream`: a raw-asyncio HTTP/1.1 upstream on loopback that answers each request
  with scripted bytes (`Script`), built with the helpers of `tools.harness.http`.
- `RawGrpcClient`: a gRPC client over raw HTTP/2 that sends metadata no gRPC library
  would (CR, LF, NUL, non-ASCII), and decodes what comes back.
"""

from __future__ import annotations

from tools.harness.procs import BridgeProcess, ProcessGone, SimulatorProcess, Stats, free_port

__all__ = ["BridgeProcess", "ProcessGone", "SimulatorProcess", "Stats", "free_port"]
