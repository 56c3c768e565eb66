"""The `bridge` command: serve, simulate, dev, ask. Parsing only; no logic."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Coroutine, Sequence
from typing import Any

from bridge.config import ConfigError, Settings, parse_hostport

__all__ = ["main"]

DEFAULT_SIMULATOR_LISTEN = "127.0.0.1:8080"


def _serve_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--listen", help="gRPC address, host:port (BRIDGE_LISTEN)")
    parser.add_argument(
        "--upstream-url",
        help="Responses API base URL (BRIDGE_UPSTREAM_URL, OPENAI_BASE_URL)",
    )
    parser.add_argument("--log-level", help="debug, info, warning, error (BRIDGE_LOG_LEVEL)")
    parser.add_argument("--log-format", help="auto, json or console (BRIDGE_LOG_FORMAT)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="bridge", description="gRPC bridge to Responses APIs.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the gRPC bridge")
    _serve_flags(serve)

    simulate = commands.add_parser("simulate", help="run the local Responses API simulator")
    simulate.add_argument("--listen", default=DEFAULT_SIMULATOR_LISTEN, help="host:port")
    simulate.add_argument("--token-delay", type=float, default=0.02, help="seconds per delta")

    dev = commands.add_parser(
        "dev", help="run the simulator and the bridge pointed at it (or at a set upstream)"
    )
    _serve_flags(dev)
    dev.add_argument("--simulator-listen", default=DEFAULT_SIMULATOR_LISTEN)
    dev.add_argument("--token-delay", type=float, default=0.02)

    ask = commands.add_parser("ask", help="ask a running bridge and print the answer")
    ask.add_argument("text")
    ask.add_argument("--target", default=os.environ.get("BRIDGE_TARGET", "127.0.0.1:50051"))
    ask.add_argument("--model", default=os.environ.get("BRIDGE_MODEL", "gpt-4.1-mini"))
    ask.add_argument("--stream", action="store_true", help="print text as it arrives")
    return parser


def _settings(args: argparse.Namespace, **overrides: str) -> Settings:
    flags: dict[str, object | None] = {
        "listen": args.listen,
        "upstream_url": args.upstream_url,
        "log_level": args.log_level,
        "log_format": args.log_format,
    }
    flags.update(overrides)
    return Settings.load(flags=flags, env=os.environ)


def _run(coroutine: Coroutine[Any, Any, None]) -> None:
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is absent on Windows
        asyncio.run(coroutine)
    else:
        uvloop.run(coroutine)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `bridge` console script."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            from bridge.server import run

            _run(run(_settings(args)))
        elif args.command == "simulate":
            from bridge.simulator import SimulatorOptions, serve

            host, port = parse_hostport(args.listen)
            serve(host, port, SimulatorOptions(token_delay=args.token_delay))
        elif args.command == "dev":
            from bridge.devserver import run_dev

            _run(run_dev(args, _settings))
        elif args.command == "ask":
            from bridge.client import BridgeClient

            with BridgeClient(args.target) as client:
                if args.stream:
                    for text in client.ask_stream(args.text, model=args.model):
                        print(text, end="", flush=True)
                    print()
                else:
                    print(client.ask(args.text, model=args.model))
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        import grpc

        if isinstance(exc, grpc.RpcError):
            print(f"error: {exc.code().name}: {exc.details()}", file=sys.stderr)
            return 1
        raise
    return 0


if __name__ == "__main__":
    sys.exit(main())
