"""The `bridge` command: serve, simulate, dev, ask, doctor, routes, protoset.

Parsing and printing only; what each command does lives in the module it
calls. Exit codes: 0 success, 1 a failed call, a port already in use or
(`serve --workers`) workers that keep failing, 2 invalid arguments or
settings, 3 an answer that is not whole (`bridge ask`: refused, incomplete,
no text), 130 interrupted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bridge import compiled
from bridge.client import DEFAULT_MODEL, DEFAULT_TARGET
from bridge.config import ConfigError, Settings, parse_hostport
from bridge.devserver import PortInUse, check_free
from bridge.workers import run_event_loop

if TYPE_CHECKING:
    from bridge.simulator import SimulatorOptions

__all__ = ["main"]

DEFAULT_SIMULATOR_LISTEN = "127.0.0.1:8080"
# The simulator's address in `bridge simulate` and `bridge dev` (make run's SIMULATOR_LISTEN).
SIMULATOR_LISTEN_VARIABLE = "BRIDGE_SIMULATOR_LISTEN"
TOKEN_VARIABLE = "BRIDGE_TOKEN"

_INCOMPLETE_ANSWER = 3


def _serve_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--listen", help="gRPC address, host:port (BRIDGE_LISTEN)")
    parser.add_argument(
        "--upstream-url",
        help="Responses API base URL (BRIDGE_UPSTREAM_URL, OPENAI_BASE_URL)",
    )
    parser.add_argument("--log-level", help="debug, info, warning, error (BRIDGE_LOG_LEVEL)")
    parser.add_argument("--log-format", help="auto, json or console (BRIDGE_LOG_FORMAT)")


def _simulator_flags(parser: argparse.ArgumentParser, listen_flag: str) -> None:
    from bridge.simulator import PROVIDERS

    parser.add_argument(
        listen_flag,
        dest="simulator_listen",
        default=os.environ.get(SIMULATOR_LISTEN_VARIABLE) or DEFAULT_SIMULATOR_LISTEN,
        help=f"the simulator's host:port ({SIMULATOR_LISTEN_VARIABLE},"
        f" default {DEFAULT_SIMULATOR_LISTEN})",
    )
    parser.add_argument(
        "--token-delay", type=float, default=0.02, help="seconds between text deltas (0.02)"
    )
    parser.add_argument(
        "--behave-like",
        choices=list(PROVIDERS),
        help="answer with the documented deviations of this provider (default openai)",
    )


def _client_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--target",
        default=os.environ.get("BRIDGE_TARGET") or DEFAULT_TARGET,
        help=f"the bridge's host:port (BRIDGE_TARGET, default {DEFAULT_TARGET})",
    )
    security = parser.add_argument_group("TLS and authentication")
    security.add_argument(
        "--tls", action="store_true", help="use TLS, trusting the system's root certificates"
    )
    security.add_argument("--ca", metavar="FILE", help="trust this CA (PEM); implies --tls")
    security.add_argument(
        "--cert", metavar="FILE", help="client certificate chain (PEM) for mutual TLS"
    )
    security.add_argument("--key", metavar="FILE", help="the client certificate's key (PEM)")
    security.add_argument("--token-file", metavar="FILE", help="send the bearer token in this file")
    security.add_argument(
        "--token",
        help=f"bearer token; visible to other users in `ps`: prefer --token-file or"
        f" {TOKEN_VARIABLE}",
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bridge",
        description="gRPC bridge to Responses APIs.",
        epilog="Each command has its own --help.",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the gRPC bridge")
    _serve_flags(serve)
    serve.add_argument(
        "--workers",
        help="processes sharing the gRPC port, or auto: one per CPU the container may use"
        " (BRIDGE_WORKERS, default 1)",
    )

    simulate = commands.add_parser("simulate", help="run the local Responses API simulator")
    _simulator_flags(simulate, "--listen")

    dev = commands.add_parser(
        "dev", help="run the simulator and the bridge pointed at it (or at a set upstream)"
    )
    _serve_flags(dev)
    _simulator_flags(dev, "--simulator-listen")

    ask = commands.add_parser(
        "ask",
        help="ask a running bridge and print the answer",
        description="Send one user message through a running bridge and print the answer."
        " Exits 1 when the call fails and 3 when the answer is refused, incomplete"
        " or holds no text (said on stderr).",
        epilog=f"The bearer token comes from --token-file, else --token, else {TOKEN_VARIABLE}.",
    )
    ask.add_argument("text")
    ask.add_argument(
        "--model",
        default=os.environ.get("BRIDGE_MODEL") or DEFAULT_MODEL,
        help=f"model id (BRIDGE_MODEL, default {DEFAULT_MODEL})",
    )
    ask.add_argument("--stream", action="store_true", help="print text as it arrives")
    ask.add_argument(
        "--timeout", type=float, default=600.0, help="deadline of the call in seconds (600)"
    )
    _client_flags(ask)

    protoset = commands.add_parser(
        "protoset",
        help="write the contract and the health service as a protoset (for grpcurl -protoset)",
    )
    protoset.add_argument("file", help="where to write it (- for stdout)")

    doctor = commands.add_parser(
        "doctor",
        help="check how an upstream differs from OpenAI and name the profile that fits",
        description="Make one small unary and one small streamed call to an upstream"
        " (BRIDGE_UPSTREAM_URL and its key, as the bridge would), report what differs"
        " from OpenAI, and name the profile to use or write it as a JSON file.",
    )
    doctor.add_argument(
        "--upstream-url", help="Responses API base URL (BRIDGE_UPSTREAM_URL, OPENAI_BASE_URL)"
    )
    doctor.add_argument(
        "--model",
        default=os.environ.get("BRIDGE_MODEL") or DEFAULT_MODEL,
        help=f"model id (BRIDGE_MODEL, default {DEFAULT_MODEL})",
    )
    doctor.add_argument(
        "--write-profile", metavar="FILE", help="write the profile the upstream needs as JSON"
    )
    doctor.add_argument("--timeout", type=float, default=60.0, help="seconds allowed per call (60)")

    routes = commands.add_parser(
        "routes",
        help="check a routes file and print its upstreams and routes",
        description="Validate a routes file as `bridge serve` would at start (with this"
        " environment's variables and BRIDGE_* defaults) and print what it says; exit 2"
        " listing every problem.",
    )
    routes.add_argument("file", nargs="?", help="the routes file (default: BRIDGE_ROUTES_FILE)")
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


def _simulator_options(args: argparse.Namespace) -> SimulatorOptions:
    from bridge.simulator import SimulatorOptions

    return SimulatorOptions(token_delay=args.token_delay, behave_like=args.behave_like)


def _token(args: argparse.Namespace) -> str | None:
    from bridge.client import read_token

    if args.token_file:
        return read_token(args.token_file)
    if args.token:
        print(
            f"warning: --token is visible to other users in `ps`; use --token-file or"
            f" {TOKEN_VARIABLE}",
            file=sys.stderr,
        )
        return str(args.token)
    return os.environ.get(TOKEN_VARIABLE) or None


def _ask(args: argparse.Namespace) -> int:
    from bridge.client import BridgeClient, channel_credentials, output_text, problem
    from rbridge.responses.v1 import items_pb2, responses_service_pb2

    try:
        credentials = channel_credentials(
            tls=args.tls, ca_file=args.ca, cert_file=args.cert, key_file=args.key
        )
        token = _token(args)
    except (ValueError, OSError) as exc:
        print(f"bridge ask: {exc}", file=sys.stderr)
        return 2
    request = responses_service_pb2.CreateResponseRequest(
        model=args.model, input=items_pb2.Input(text=args.text)
    )
    with BridgeClient(
        args.target, timeout=args.timeout, credentials=credentials, token=token
    ) as client:
        if args.stream:
            stream = client.stream(request)
            printed = False
            try:
                for text in stream.text_deltas():
                    print(text, end="", flush=True)
                    printed = True
            finally:
                # A stream cut by an error still ends its line before the error.
                if printed:
                    print()
            response = stream.accumulator.response()
        else:
            response = client.create(request)
            text = output_text(response)
            if text:
                print(text)
    trouble = problem(response)
    if trouble is None:
        return 0
    print(f"bridge ask: {trouble}", file=sys.stderr)
    return 1 if response.status in ("failed", "cancelled") else _INCOMPLETE_ANSWER


def _doctor(args: argparse.Namespace) -> int:
    import json
    from urllib.parse import urlsplit

    from bridge.doctor import examine, report
    from bridge.upstream import UpstreamFailure

    settings = Settings.load(flags={"upstream_url": args.upstream_url}, env=os.environ)
    try:
        diagnosis = asyncio.run(examine(settings, args.model, args.timeout))
    except UpstreamFailure as exc:
        print(f"bridge doctor: {settings.upstream_url}: {exc}", file=sys.stderr)
        return 1
    except TimeoutError:
        print(f"bridge doctor: no answer within {args.timeout:g} s", file=sys.stderr)
        return 1
    for line in report(diagnosis, settings.upstream_url):
        print(line)
    if args.write_profile and not diagnosis.failed:
        name = urlsplit(settings.upstream_url).hostname or "upstream"
        text = json.dumps(diagnosis.profile(name).to_json(), indent=2) + "\n"
        try:
            with open(args.write_profile, "w", encoding="utf-8") as out:
                out.write(text)
        except OSError as exc:
            print(f"bridge doctor: {exc}", file=sys.stderr)
            return 1
        print(f"wrote {args.write_profile}: BRIDGE_UPSTREAM_PROFILE={args.write_profile}")
    return 1 if diagnosis.failed else 0


def _routes(args: argparse.Namespace) -> int:
    from bridge.routing import RoutesFileError, parse_routes
    from bridge.server import upstream_options

    settings = Settings.load(env=os.environ)
    path = args.file or settings.routes_file
    if not path:
        print("bridge routes: name a routes file, or set BRIDGE_ROUTES_FILE", file=sys.stderr)
        return 2
    try:
        with open(path, "rb") as handle:
            routes = parse_routes(
                handle.read(),
                defaults=upstream_options(settings),
                env=os.environ,
                caller_key_header=settings.caller_api_key_header,
            )
    except OSError as exc:
        print(f"bridge routes: {path}: {exc.strerror}", file=sys.stderr)
        return 2
    except RoutesFileError as exc:
        print(f"bridge routes: {path} cannot be used:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    print(f"{path}: valid")
    for line in routes.describe():
        print(line)
    return 0


def _in_use(error: PortInUse, command: str) -> str:
    """One line: which address is taken, by what role, and how to choose another."""
    other = error.alternative
    if error.role == "simulator":
        flag = "--listen" if command == "simulate" else "--simulator-listen"
        how = f"{flag} {other} or {SIMULATOR_LISTEN_VARIABLE}={other}"
        what, make_variable = "the simulator's port", "SIMULATOR_LISTEN"
    elif error.role == "health":
        how = f"BRIDGE_HEALTH_LISTEN={other}"
        what, make_variable = "the bridge's health port", None
    else:
        how = f"--listen {other} or BRIDGE_LISTEN={other}"
        what, make_variable = "the bridge's gRPC port", "BRIDGE_LISTEN"
    if command == "dev" and make_variable:
        how += f" (make run {make_variable}={other})"
    return f"error: {error.address} ({what}) is already in use; choose another port: {how}"


def _cannot_listen(exc: BaseException) -> str | None:
    """One line for a listen failure other than a taken port, else None."""
    text = str(exc)
    if isinstance(exc, RuntimeError) and text.startswith("Failed to bind to address"):
        # gRPC's own message ends with advice on GRPC_VERBOSITY.
        return "error: " + text.split(";")[0]
    if isinstance(exc, OSError) and (
        "while attempting to bind" in text or text.startswith("cannot listen on")
    ):
        return f"error: {text}"
    return None


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `bridge` console script (and `python -m bridge`)."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            from bridge.server import run
            from bridge.workers import supervise, worker_count

            settings = _settings(args, workers=args.workers)
            build = compiled.status()
            if settings.compiled == "on" and not build.compiled:
                raise ConfigError([f"{compiled.ENVIRONMENT}=on: not compiled: {build.reason}"])
            check_free(settings.listen, "bridge")
            if settings.health_listen:
                check_free(settings.health_listen, "health")
            workers = worker_count(settings.workers)
            if workers > 1:
                return run_event_loop(supervise(settings, workers))
            run_event_loop(run(settings))
        elif args.command == "simulate":
            from bridge.simulator import serve

            options = _simulator_options(args)
            check_free(args.simulator_listen, "simulator")
            host, port = parse_hostport(args.simulator_listen)
            serve(host, port, options)
        elif args.command == "dev":
            from bridge.devserver import run_dev

            run_event_loop(run_dev(args, _settings, _simulator_options(args)))
        elif args.command == "ask":
            return _ask(args)
        elif args.command == "doctor":
            return _doctor(args)
        elif args.command == "routes":
            return _routes(args)
        elif args.command == "protoset":
            from bridge.client import protoset

            if args.file == "-":
                sys.stdout.buffer.write(protoset())
            else:
                with open(args.file, "wb") as out:
                    out.write(protoset())
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except PortInUse as exc:
        print(_in_use(exc, args.command), file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        import grpc

        if isinstance(exc, grpc.RpcError):
            print(f"error: {exc.code().name}: {exc.details()}", file=sys.stderr)
            return 1
        line = _cannot_listen(exc)
        if line is None:
            raise
        print(line, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
