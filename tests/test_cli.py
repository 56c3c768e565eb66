"""The `bridge` command, run as a real process: ask, dev (what `make run` starts),
simulate and serve, their flags and variables, and their one-line errors."""

from __future__ import annotations

import asyncio
import errno
import signal
import socket
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest

from bridge.cli import main
from bridge.config import Settings
from bridge.server import RunningBridge, start
from tests.commands import BRIDGE, clean_environment, run_bridge
from tests.secured import CASES, Case, secured_bridge


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def ask(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Awaitable[tuple[int, str, str]]]:
    """`bridge ask ARGS...` in this process (its blocking client off the event loop), with
    ENV as its environment's BRIDGE_* variables: exit code, stdout and stderr."""
    for name in ("BRIDGE_TARGET", "BRIDGE_MODEL", "BRIDGE_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    async def run(*args: str, **env: str) -> tuple[int, str, str]:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        code = await asyncio.to_thread(main, ["ask", *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
async def bridge(simulator: str) -> AsyncIterator[RunningBridge]:
    # No access log: in-process `bridge ask` output is read from this process's stdout.
    running = await start(
        Settings(listen="127.0.0.1:0", upstream_url=simulator, access_log_level="off")
    )
    try:
        yield running
    finally:
        await running.stop(0)


def test_python_m_bridge_is_the_bridge_command() -> None:
    """`python -m bridge --help` lists the commands, as `bridge --help` does."""
    import subprocess

    result = subprocess.run(
        [*BRIDGE, "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: bridge ")
    for command in ("serve", "simulate", "dev", "ask", "doctor"):
        assert command in result.stdout


@pytest.mark.parametrize("flags", [[], ["--stream"]], ids=["unary", "stream"])
async def test_ask_prints_the_answer(
    bridge: RunningBridge, flags: list[str], ask: Callable[..., Awaitable[tuple[int, str, str]]]
) -> None:
    """`bridge ask` returns the simulator's answer through a running bridge."""
    code, out, err = await ask("--target", f"127.0.0.1:{bridge.port}", *flags, "What is gRPC?")
    assert (code, out, err) == (0, "You said: What is gRPC?\n", "")


async def test_ask_reads_target_and_model_from_the_environment(
    bridge: RunningBridge, ask: Callable[..., Awaitable[tuple[int, str, str]]]
) -> None:
    """BRIDGE_TARGET and BRIDGE_MODEL stand in for --target and --model."""
    code, out, err = await ask(
        "hi", BRIDGE_TARGET=f"127.0.0.1:{bridge.port}", BRIDGE_MODEL="model-x"
    )
    assert (code, out, err) == (0, "You said: hi\n", "")


@pytest.mark.parametrize(
    ("text", "flags", "code", "out", "err"),
    [
        ("please refuse", [], 3, "", "the model refused: I'm sorry, but I can't help with that."),
        ("please refuse", ["--stream"], 3, "", "the model refused: I'm sorry,"),
        (
            "incomplete: count 4 words",
            [],
            3,
            "You said: incomplete: count 4\n",
            "the response is incomplete (max_output_tokens): its text is cut short",
        ),
        (
            "incomplete: count 4 words",
            ["--stream"],
            3,
            "You said: incomplete: count 4\n",
            "the response is incomplete (max_output_tokens)",
        ),
        ("run a shell", [], 3, "", "the response holds no text (its output: shell_call)"),
        ("fail", [], 1, "", "error: INTERNAL: upstream returned HTTP 500"),
        ("fail", ["--stream"], 1, "", "error: INTERNAL: upstream response.failed"),
    ],
    ids=[
        "refused",
        "refused-stream",
        "incomplete",
        "incomplete-stream",
        "no-text",
        "failed",
        "failed-stream",
    ],
)
async def test_ask_says_when_the_answer_is_not_whole(
    bridge: RunningBridge,
    text: str,
    flags: list[str],
    code: int,
    out: str,
    err: str,
    ask: Callable[..., Awaitable[tuple[int, str, str]]],
) -> None:
    """Refused, incomplete, textless and failed answers are named on stderr, exit non-zero."""
    result = await ask("--target", f"127.0.0.1:{bridge.port}", *flags, text)
    assert result[:2] == (code, out)
    assert result[2].count("\n") == 1
    assert err in result[2]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
async def test_ask_reaches_a_secured_bridge(
    case: Case,
    simulator: str,
    tmp_path: Path,
    ask: Callable[..., Awaitable[tuple[int, str, str]]],
) -> None:
    """TLS, mutual TLS and bearer tokens from a file, a flag or BRIDGE_TOKEN work as set."""
    async with secured_bridge(tmp_path, simulator, mutual=case.mutual) as bridge:
        code, out, err = await ask(
            "--target",
            bridge.target,
            *(["--stream"] if case.mutual else []),
            *case.arguments(bridge),
            "hello",
            **dict(case.env),
        )
    if case.outcome == "ok":
        assert (code, out) == (0, "You said: hello\n"), err
        assert ("visible to other users in `ps`" in err) is case.warns
        assert err.count("\n") == int(case.warns)
    else:
        assert (code, out) == (1, "")
        assert err.startswith(f"error: {case.outcome}: "), err


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--cert", "client.pem"], "needs both its certificate and its key file"),
        (["--ca", "missing.pem"], "No such file or directory"),
        (["--token-file", "empty"], "no token in"),
    ],
    ids=["cert-without-key", "missing-ca", "empty-token-file"],
)
async def test_ask_rejects_unusable_credentials(
    tmp_path: Path,
    flags: list[str],
    message: str,
    ask: Callable[..., Awaitable[tuple[int, str, str]]],
) -> None:
    """Credential files that cannot work are a usage error (exit 2) naming the problem."""
    (tmp_path / "client.pem").write_text("x")
    (tmp_path / "empty").write_text("\n")
    paths = [str(tmp_path / flag) if not flag.startswith("--") else flag for flag in flags]
    code, out, err = await ask("--target", "127.0.0.1:1", *paths, "hi")
    assert (code, out) == (2, "")
    assert err.startswith("bridge ask: ") and message in err


async def test_ask_reports_errors_without_a_traceback() -> None:
    """A failing call prints the status and exits 1."""
    code, _, err = await run_bridge("ask", "--target", f"127.0.0.1:{_free_port()}", "hi", wait=60)
    assert code == 1
    assert err.startswith("error: UNAVAILABLE")


async def _banner(process: asyncio.subprocess.Process) -> str:
    """What `bridge dev` prints up to its "stop with Ctrl-C" line."""
    assert process.stdout is not None
    banner = b""
    while b"stop with Ctrl-C" not in banner:
        line = await asyncio.wait_for(process.stdout.readline(), 30)
        assert line, "bridge dev exited early"
        banner += line
    return banner.decode()


@pytest.mark.parametrize("by", ["flags", "variables"])
async def test_dev_serves_the_simulator_through_the_bridge(by: str) -> None:
    """`bridge dev` listens where flags or variables say, answers, and stops cleanly on SIGINT."""
    grpc_port, http_port = _free_port(), _free_port()
    bridge_address, simulator_address = f"127.0.0.1:{grpc_port}", f"127.0.0.1:{http_port}"
    if by == "flags":
        flags = ["--listen", bridge_address, "--simulator-listen", simulator_address]
        env = clean_environment()
    else:
        flags = []
        env = clean_environment(
            BRIDGE_LISTEN=bridge_address, BRIDGE_SIMULATOR_LISTEN=simulator_address
        )
    process = await asyncio.create_subprocess_exec(
        *BRIDGE,
        "dev",
        *flags,
        "--token-delay",
        "0",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    try:
        banner = await _banner(process)
        assert f"http://{simulator_address}/v1" in banner
        assert f"bridge listening on {bridge_address}" in banner
        code, out, err = await run_bridge("ask", "--target", bridge_address, "ping")
        assert (code, out) == (0, "You said: ping\n"), err
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 30)
    assert process.returncode == 0


@pytest.mark.parametrize(
    ("command", "taken", "expected"),
    [
        (["dev", "--listen", "{taken}", "--simulator-listen", "{free}"], "bridge's gRPC port",
         "--listen {other} or BRIDGE_LISTEN={other} (make run BRIDGE_LISTEN={other})"),
        (["dev", "--listen", "{free}", "--simulator-listen", "{taken}"], "simulator's port",
         "--simulator-listen {other} or BRIDGE_SIMULATOR_LISTEN={other}"
         " (make run SIMULATOR_LISTEN={other})"),
        (["simulate", "--listen", "{taken}"], "simulator's port",
         "--listen {other} or BRIDGE_SIMULATOR_LISTEN={other}"),
        (["serve", "--listen", "{taken}"], "bridge's gRPC port",
         "--listen {other} or BRIDGE_LISTEN={other}"),
        (["serve", "--workers", "2", "--listen", "{taken}"], "bridge's gRPC port",
         "--listen {other} or BRIDGE_LISTEN={other}"),
    ],
    ids=["dev-bridge", "dev-simulator", "simulate", "serve", "serve-workers"],
)  # fmt: skip
async def test_a_taken_port_is_one_line_naming_it_and_a_free_one(
    command: list[str], taken: str, expected: str
) -> None:
    """A busy port ends the command with exit 1 and one line (nothing else started): the port,
    and a free one to use."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        addresses = {"taken": f"127.0.0.1:{port}", "free": f"127.0.0.1:{_free_port()}"}
        args = [part.format(**addresses) for part in command]
        code, out, err = await run_bridge(*args)
    assert (code, out) == (1, "")
    (line,) = err.splitlines()
    prefix = f"error: 127.0.0.1:{port} (the {taken}) is already in use; choose another port: "
    assert line.startswith(prefix), line
    other = line.split("BRIDGE_")[1].split("=")[1].split(" ")[0]
    assert line == prefix + expected.format(other=other)
    host, _, suggested = other.rpartition(":")
    assert int(suggested) != port
    with socket.socket() as probe:
        try:
            probe.bind((host, int(suggested)))  # the suggestion was free
        except OSError as exc:
            # Unless another process on the machine has taken it since.
            assert exc.errno == errno.EADDRINUSE


@pytest.mark.parametrize("workers", ["1", "2"])
async def test_a_second_bridge_on_the_same_port_is_refused(
    bridge: RunningBridge, workers: str
) -> None:
    """A second bridge, of one process or of several, started on a running bridge's port is
    refused with one line instead of sharing the port."""
    code, out, err = await run_bridge(
        "serve", "--workers", workers, "--listen", f"127.0.0.1:{bridge.port}"
    )
    assert (code, out) == (1, "")
    (line,) = err.splitlines()
    assert line.startswith(f"error: 127.0.0.1:{bridge.port} (the bridge's gRPC port) is already")


async def test_telemetry_settings_a_worker_cannot_use_stop_serve_before_it_starts() -> None:
    """With workers, an OTEL_* exporter the bridge cannot use is reported once, exit 2, before
    any worker starts."""
    code, out, err = await run_bridge(
        "serve", "--workers", "2", "--listen", f"127.0.0.1:{_free_port()}",
        OTEL_TRACES_EXPORTER="zipkin",
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert err == (
        "invalid configuration:\n"
        "  - OTEL_TRACES_EXPORTER: 'zipkin' is not supported (otlp, console, none)\n"
    )


def test_invalid_configuration_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bad settings are printed together and the command exits 2 without starting."""
    monkeypatch.setenv("BRIDGE_UPSTREAM_URL", "not-a-url")
    assert main(["serve", "--listen", "nowhere", "--workers", "none"]) == 2
    err = capsys.readouterr().err
    assert "--listen" in err and "BRIDGE_UPSTREAM_URL" in err and "--workers" in err
