"""`--profile DIR`: where the bridge's CPU goes during a workload, written as top functions.

With py-spy installed (the dev extra installs it), a sampler attaches to the bridge
process for each of a workload's bridge phases only (``--nonblocking``: the bridge is
never paused); its collapsed stacks go to ``DIR/<workload>.pyspy.txt`` (the input of
flamegraph tools) and the functions with the most samples, by own and by total time, to
``DIR/<workload>.txt``. Without py-spy, every bridge runs under cProfile for its whole
life (warm-up included; cProfile slows it, so the bridge's figures are not comparable
then): ``DIR/<bridge>.prof`` and the same summary in ``DIR/<bridge>.txt``, where a
shared bridge ("bridge", "bridge-tls") serves several workloads.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import pstats
import shutil
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

from tools.harness.bridge_main import PROFILE_VARIABLE

__all__ = ["Profiler", "summarize_cprofile", "summarize_stacks"]

_ROOT = str(Path(__file__).resolve().parents[2]) + "/"

TOP = 30
_RATE = 200
_STOP_TIMEOUT = 30.0
_START_TIMEOUT = 10.0


def _py_spy() -> str | None:
    here = Path(sys.executable).parent
    return shutil.which("py-spy", path=os.pathsep.join([str(here), os.environ.get("PATH", "")]))


def _frame(frame: str) -> str:
    """ "name (/path/to/file.py:12)" -> "name (pkg/file.py)": one entry per function."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    if "site-packages/" in path:
        path = path.split("site-packages/", 1)[1]
    elif path.startswith(_ROOT):
        path = path[len(_ROOT) :]
    else:
        path = "/".join(path.split("/")[-2:])
    return f"{name} ({path})" if path else name


def _ranked(counts: Counter[str], top: int) -> list[tuple[str, int]]:
    """The `top` most counted, ties by name: a summary reads the same however often made."""
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]


def summarize_stacks(text: str, top: int = TOP) -> str:
    """The top functions of py-spy's collapsed stacks, by own and by total samples."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    samples = 0
    for line in text.splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        frames = [_frame(frame) for frame in stack.split(";") if frame]
        if not frames:
            continue
        samples += count
        own[frames[-1]] += count
        # dict.fromkeys, not set: the order of ties must not change from run to run.
        for frame in dict.fromkeys(frames):
            total[frame] += count
    if not samples:
        return "no samples (the bridge was idle, or py-spy could not attach)\n"
    out = [f"{samples} samples at {_RATE} Hz", "", f"top {top} by own samples (% of all):"]
    out += [f"  {n / samples:6.1%}  {name}" for name, n in _ranked(own, top)]
    out += ["", f"top {top} by total samples, callees included (% of all):"]
    out += [f"  {n / samples:6.1%}  {name}" for name, n in _ranked(total, top)]
    return "\n".join(out) + "\n"


def summarize_cprofile(path: Path, top: int = TOP) -> str:
    """The top functions of a cProfile dump, by own and by cumulative time."""
    buffer = io.StringIO()
    stats = pstats.Stats(str(path), stream=buffer).strip_dirs()
    buffer.write(f"top {top} by own time (tottime):\n")
    stats.sort_stats("tottime").print_stats(top)
    buffer.write(f"top {top} by cumulative time:\n")
    stats.sort_stats("cumulative").print_stats(top)
    return buffer.getvalue()


def _stem(workload: str, server: str) -> str:
    """The file name a workload's profile of `server` starts with: the workload's name
    for the bridge, `<workload>.<server>` for the others."""
    return workload if server == "bridge" else f"{workload}.{server}"


class Profiler:
    """Profiles one server of each workload (the bridge, unless `server` names the relay or
    the bare server) into `folder`."""

    def __init__(self, folder: Path, server: str = "bridge") -> None:
        self.folder = folder
        self.server = server
        folder.mkdir(parents=True, exist_ok=True)
        self.py_spy = _py_spy()
        # The stacks files this run has written to: a workload's phases add up in one,
        # and a file from an earlier run into the same folder is replaced, not added to.
        self._written: set[str] = set()

    @property
    def tool(self) -> str:
        """py-spy or cProfile."""
        return "py-spy" if self.py_spy else "cProfile"

    def bridge_env(self, label: str) -> dict[str, str]:
        """What a bridge needs in its environment to be profiled (cProfile) as `label`."""
        if self.py_spy or self.server != "bridge":
            return {}
        return {PROFILE_VARIABLE: str(self.folder / f"{label}.prof")}

    @contextlib.asynccontextmanager
    async def during(self, pid: int, workload: str) -> AsyncIterator[None]:
        """Sample process `pid` for the duration of the block (py-spy; else nothing)."""
        if not self.py_spy:
            yield
            return
        name = _stem(workload, self.server)
        raw = self.folder / f"{name}.part.txt"
        proc = await asyncio.create_subprocess_exec(
            self.py_spy,
            "record",
            "--pid",
            str(pid),
            "--rate",
            str(_RATE),
            "--nonblocking",
            "--format",
            "raw",
            "--output",
            str(raw),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        # The phase starts once py-spy says it samples: on a busy machine attaching can take
        # seconds, and a phase shorter than that would leave no samples at all.
        assert proc.stdout is not None
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(_START_TIMEOUT):
                while line := await proc.stdout.readline():
                    if b"Sampling process" in line:
                        break
        try:
            yield
        finally:
            if proc.returncode is None:
                with contextlib.suppress(ProcessLookupError):
                    proc.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(proc.communicate(), _STOP_TIMEOUT)
            except TimeoutError:
                proc.kill()
                await proc.wait()
            if raw.exists():
                mode = "a" if name in self._written else "w"
                self._written.add(name)
                with (self.folder / f"{name}.pyspy.txt").open(mode) as stacks:
                    stacks.write(raw.read_text())
                raw.unlink()

    def write_summaries(self) -> list[Path]:
        """Summarize everything recorded into DIR/<name>.txt, once the bridges stopped."""
        written = []
        for stacks in sorted(self.folder.glob("*.pyspy.txt")):
            name = stacks.name.removesuffix(".pyspy.txt")
            workload, _, server = name.partition(".")
            server = server or "bridge"
            text = f"py-spy: the {server} during the {server} phases of the {workload} workload\n"
            written.append(self.folder / f"{name}.txt")
            written[-1].write_text(text + summarize_stacks(stacks.read_text()))
        for dump in sorted(self.folder.glob("*.prof")):
            text = f"cProfile: the bridge {dump.stem}, its whole life\n"
            written.append(self.folder / f"{dump.stem}.txt")
            written[-1].write_text(text + summarize_cprofile(dump))
        return written
