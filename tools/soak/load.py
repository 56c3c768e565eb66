"""The soak's load: one process per bridge, so that every client connection it opened is
closed by the operating system when it exits, and what stays open on the bridge is the
bridge's own.

`python -m tools.soak.load --target HOST:PORT --traffic simulator|faults --seconds S`
runs `--concurrency` workers until S seconds have passed, then prints one JSON line:
calls, statuses by scenario, unexpected statuses and an example message of each.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
import time
from collections import Counter
from typing import Any

import grpc
import grpc.aio

from rbridge.responses.v1 import responses_service_pb2_grpc
from tools.soak.scenarios import FAULTS, SELECT_HEADER, SIMULATED, Scenario, scenario_name

TRAFFIC = {"simulator": SIMULATED, "faults": FAULTS}


async def one_call(
    channel: grpc.aio.Channel, scenario: Scenario, rng: random.Random, faulty: bool
) -> tuple[str, str]:
    """Make one call of `scenario`; its status code name and message."""
    stub = responses_service_pb2_grpc.ResponsesServiceStub(channel)
    method = getattr(stub, scenario.rpc)
    metadata = ((SELECT_HEADER, scenario_name(scenario)),) if faulty else ()
    call = method(scenario.request(rng), metadata=metadata, timeout=scenario.deadline)
    try:
        if scenario.rpc.startswith("Stream"):
            seen = 0
            async for _ in call:
                seen += 1
                if scenario.cancel_after is not None and seen >= scenario.cancel_after:
                    call.cancel()
                    break
            code = await call.code()
            details = await call.details()
        else:
            await call
            code, details = grpc.StatusCode.OK, ""
    except grpc.aio.AioRpcError as error:
        code, details = error.code(), error.details() or ""
    except asyncio.CancelledError:
        if scenario.cancel_after is None:
            raise
        code, details = grpc.StatusCode.CANCELLED, "cancelled by the client"
    return code.name, details


async def run(
    target: str, traffic: str, seconds: float, concurrency: int, seed: int
) -> dict[str, Any]:
    """Workers calling `target` until `seconds` pass; what they saw."""
    scenarios = TRAFFIC[traffic]
    weights = [s.weight for s in scenarios]
    statuses: Counter[str] = Counter()
    unexpected: Counter[str] = Counter()
    examples: dict[str, str] = {}
    stop_at = time.monotonic() + seconds

    async def worker(number: int) -> None:
        rng = random.Random(seed * 1000 + number)
        async with grpc.aio.insecure_channel(target) as channel:
            while time.monotonic() < stop_at:
                scenario = rng.choices(scenarios, weights)[0]
                code, details = await one_call(channel, scenario, rng, traffic == "faults")
                statuses[f"{scenario.name}:{code}"] += 1
                if code != scenario.expect:
                    key = f"{scenario.name}: {code} (expected {scenario.expect})"
                    unexpected[key] += 1
                    examples.setdefault(key, details[:300])

    async with asyncio.TaskGroup() as group:
        for number in range(concurrency):
            group.create_task(worker(number))
    return {
        "calls": sum(statuses.values()),
        "statuses": dict(sorted(statuses.items())),
        "unexpected": dict(unexpected),
        "examples": examples,
    }


def main() -> int:
    """Run the load and print its JSON line."""
    parser = argparse.ArgumentParser(prog="python -m tools.soak.load")
    parser.add_argument("--target", required=True)
    parser.add_argument("--traffic", choices=sorted(TRAFFIC), required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is absent on Windows
        result = asyncio.run(
            run(args.target, args.traffic, args.seconds, args.concurrency, args.seed)
        )
    else:
        result = uvloop.run(
            run(args.target, args.traffic, args.seconds, args.concurrency, args.seed)
        )
    print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
