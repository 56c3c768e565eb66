"""`make run` as a newcomer types it: ports from make variables or the environment, and a
busy port as one line. (.ci/run also runs it, `make lint` and `make clean` on a fresh clone.)"""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
from pathlib import Path

import pytest

from tests.commands import clean_environment, run_bridge

ROOT = Path(__file__).resolve().parent.parent
MAKE = shutil.which("make")
pytestmark = pytest.mark.skipif(MAKE is None, reason="no `make` on PATH")


def _free_address() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{sock.getsockname()[1]}"


async def _make_run(*args: str, **env: str) -> asyncio.subprocess.Process:
    # Its own session: SIGINT reaches make and the bridge, as Ctrl-C in a terminal does.
    return await asyncio.create_subprocess_exec(
        str(MAKE),
        "--no-print-directory",
        "run",
        *args,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=clean_environment(**env),
        start_new_session=True,
    )


async def _stop(process: asyncio.subprocess.Process) -> None:
    if process.returncode is None:
        os.killpg(process.pid, signal.SIGINT)
        await asyncio.wait_for(process.wait(), 30)


async def _ask(target: str) -> str:
    _, stdout, _ = await run_bridge("ask", "--target", target, "hello make")
    return stdout


@pytest.mark.parametrize(
    "how", ["make-variables", "environment", "bridge-simulator-listen-variable"]
)
async def test_make_run_listens_where_it_is_told(how: str) -> None:
    """Both ports come from make's command line or the environment, and the bridge answers."""
    bridge, simulator = _free_address(), _free_address()
    if how == "make-variables":
        process = await _make_run(f"BRIDGE_LISTEN={bridge}", f"SIMULATOR_LISTEN={simulator}")
    elif how == "environment":
        process = await _make_run(BRIDGE_LISTEN=bridge, SIMULATOR_LISTEN=simulator)
    else:
        process = await _make_run(BRIDGE_LISTEN=bridge, BRIDGE_SIMULATOR_LISTEN=simulator)
    try:
        assert process.stdout is not None
        banner = ""
        while "stop with Ctrl-C" not in banner:
            line = await asyncio.wait_for(process.stdout.readline(), 120)
            assert line, f"make run exited early: {banner}"
            banner += line.decode()
        assert f"simulator listening on http://{simulator}/v1" in banner
        assert f"bridge listening on {bridge} -> http://{simulator}/v1" in banner
        assert await _ask(bridge) == "You said: hello make\n"
    finally:
        await _stop(process)
    assert process.stderr is not None
    errors = (await process.stderr.read()).decode()
    # Ctrl-C ends make by the signal, after the bridge and simulator stopped quietly.
    assert process.returncode == -signal.SIGINT
    assert "Traceback" not in errors, errors


@pytest.mark.parametrize("busy", ["BRIDGE_LISTEN", "SIMULATOR_LISTEN"])
async def test_make_run_on_a_busy_port_says_so_in_one_line(busy: str) -> None:
    """A taken port: one line naming it and the make variable to choose another, no traceback."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        taken = f"127.0.0.1:{holder.getsockname()[1]}"
        ports = {"BRIDGE_LISTEN": _free_address(), "SIMULATOR_LISTEN": _free_address()}
        ports[busy] = taken
        process = await _make_run(*(f"{name}={value}" for name, value in ports.items()))
        try:
            _, stderr = await asyncio.wait_for(process.communicate(), 120)
        finally:
            await _stop(process)
    assert process.returncode != 0
    # make adds its own "make: *** [Makefile:NN: run] Error 1" after the command's line.
    lines = [line for line in stderr.decode().splitlines() if not line.startswith("make")]
    assert len(lines) == 1, stderr.decode()
    assert lines[0].startswith(f"error: {taken} (the ")
    assert f"(make run {busy}=127.0.0.1:" in lines[0]
