"""The `bridge` command, run as a real process: ask, and dev (what `make run` starts)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path

import pytest

from bridge.cli import main
from bridge.config import Settings
from bridge.server import start

BRIDGE = [sys.executable, "-m", "bridge.cli"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


async def _run(*args: str, wait: float = 30) -> tuple[int, str, str]:
    process = await asyncio.create_subprocess_exec(
        *BRIDGE, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), wait)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


@pytest.mark.parametrize(
    ("flags", "expected"),
    [
        ([], "You said: What is gRPC?\n"),
        (["--stream"], "You said: What is gRPC?\n"),
    ],
    ids=["unary", "stream"],
)
async def test_ask_prints_the_answer(simulator: str, flags: list[str], expected: str) -> None:
    """`bridge ask` returns the simulator's answer through a running bridge."""
    bridge = await start(Settings(listen="127.0.0.1:0", upstream_url=simulator))
    try:
        code, out, err = await _run(
            "ask", "--target", f"127.0.0.1:{bridge.port}", *flags, "What is gRPC?"
        )
    finally:
        await bridge.stop(0)
    assert (code, out) == (0, expected), err


async def test_ask_reports_errors_without_a_traceback() -> None:
    """A failing call prints the status and exits 1."""
    code, _, err = await _run("ask", "--target", f"127.0.0.1:{_free_port()}", "hi", wait=60)
    assert code == 1
    assert err.startswith("error: UNAVAILABLE")


async def test_dev_serves_the_simulator_through_the_bridge() -> None:
    """`bridge dev` starts simulator and bridge, answers, and stops cleanly on SIGINT."""
    grpc_port, http_port = _free_port(), _free_port()
    env = {
        k: v for k, v in os.environ.items() if k not in ("BRIDGE_UPSTREAM_URL", "OPENAI_BASE_URL")
    }
    process = await asyncio.create_subprocess_exec(
        *BRIDGE,
        "dev",
        "--listen",
        f"127.0.0.1:{grpc_port}",
        "--simulator-listen",
        f"127.0.0.1:{http_port}",
        "--token-delay",
        "0",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
    )
    try:
        assert process.stdout is not None
        banner = b""
        while b"stop with Ctrl-C" not in banner:
            line = await asyncio.wait_for(process.stdout.readline(), 30)
            assert line, "bridge dev exited early"
            banner += line
        assert f"http://127.0.0.1:{http_port}/v1".encode() in banner
        code, out, err = await _run("ask", "--target", f"127.0.0.1:{grpc_port}", "ping")
        assert (code, out) == (0, "You said: ping\n"), err
    finally:
        process.send_signal(signal.SIGINT)
        await asyncio.wait_for(process.wait(), 30)
    assert process.returncode == 0


def test_invalid_configuration_exits_2(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bad settings are printed together and the command exits 2 without starting."""
    monkeypatch.setenv("BRIDGE_UPSTREAM_URL", "not-a-url")
    assert main(["serve", "--listen", "nowhere"]) == 2
    err = capsys.readouterr().err
    assert "--listen" in err and "BRIDGE_UPSTREAM_URL" in err


def test_readme_shows_the_two_commands() -> None:
    """The README tells a newcomer to run `make run` and `make test`."""
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
