"""Process and upstream helpers shared by the fuzzer, the soak and tests.

- `BridgeProcess`: `bridge serve` in a subprocess with given settings, with a stats socket
  reporting its asyncio tasks, open fds and memory; `SimulatorProcess`: `bridge simulate`.
- `tools.harness.hostile.HostileUpstream`: a raw-asyncio HTTP/1.1 upstream on loopback
  that answers each request with scripted bytes (`Script`), built with the helpers of
  `tools.harness.http`.
- `tools.harness.rawgrpc.call`: one gRPC call over raw HTTP/2, with metadata no gRPC
  library would send (CR, LF, NUL, non-ASCII), and what came back.
- `tools.harness.bridge_main`: the module a `BridgeProcess` runs (`bridge serve` plus the
  stats socket).
"""

from __future__ import annotations

from tools.harness.procs import BridgeProcess, ProcessGone, SimulatorProcess, Stats, free_port

__all__ = ["BridgeProcess", "ProcessGone", "SimulatorProcess", "Stats", "free_port"]
