"""The `bridge` command run as its own process, as a user runs it, free of the runner's
own settings (BRIDGE_*, OPENAI_* and make's variables)."""

from __future__ import annotations

import asyncio
import os
import sys

BRIDGE = [sys.executable, "-m", "bridge"]
_RUNNER_PREFIXES = ("BRIDGE_", "OPENAI_")
_RUNNER_NAMES = frozenset({"SIMULATOR_LISTEN", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"})


def clean_environment(**extra: str) -> dict[str, str]:
    """This process's environment without settings that would steer the command, plus `extra`."""
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(_RUNNER_PREFIXES) and name not in _RUNNER_NAMES
    }
    return {**env, **extra}


async def run_bridge(*args: str, wait: float = 60, **env: str) -> tuple[int, str, str]:
    """Run `bridge ARGS...` to completion: exit code, stdout and stderr."""
    process = await asyncio.create_subprocess_exec(
        *BRIDGE,
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=clean_environment(**env),
    )
    stdout, stderr = await asyncio.wait_for(process.communicate(), wait)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()
