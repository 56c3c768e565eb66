"""Percentiles, medians, time budgets and CPU meters of the benchmark's processes."""

from __future__ import annotations

import asyncio
import contextlib
import math
import os
import statistics
import time
from collections.abc import Callable, Iterable, Mapping

__all__ = [
    "CpuMeter",
    "Deadline",
    "cores",
    "load_average",
    "median",
    "percentile",
    "ratio",
]


def percentile(values: Iterable[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..1); None when there are no values."""
    ordered = sorted(values)
    if not ordered:
        return None
    rank = max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))
    return ordered[rank]


def median(values: Iterable[float | None]) -> float | None:
    """The median of the values present; None when there are none."""
    present = [value for value in values if value is not None]
    return statistics.median(present) if present else None


def ratio(subject: float | None, baseline: float | None) -> float | None:
    """subject / baseline, or None when either is missing or the baseline is 0."""
    if subject is None or not baseline:
        return None
    return subject / baseline


def cores() -> int:
    """The CPUs this process may run on (its affinity, not the machine's count)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not on Linux
        return os.cpu_count() or 1


def load_average() -> str:
    """The 1/5/15-minute load averages: how much else the machine was running."""
    try:
        return " ".join(f"{value:.2f}" for value in os.getloadavg())
    except OSError:  # pragma: no cover - not available on this platform
        return "n/a"


class Deadline:
    """A wall-clock budget shared by the loops of one workload."""

    def __init__(self, seconds: float, what: str) -> None:
        self._end = time.monotonic() + seconds
        self._what = what

    def left(self) -> float:
        """Seconds left (at least 0.1, so a last wait still has a bound)."""
        return max(0.1, self._end - time.monotonic())

    def check(self) -> None:
        """Raise TimeoutError once the budget is spent."""
        if time.monotonic() > self._end:
            raise TimeoutError(f"{self._what}: time budget exceeded")


class CpuMeter:
    """CPU time of some processes over a phase, sampled every PERIOD for the busiest second.

    `readers` map a name to a function that returns that process's CPU seconds so far
    (None once it is gone): `ServerProcess.cpu_seconds`, or `tree_cpu_seconds` for a
    supervisor and its workers.
    """

    PERIOD = 0.5

    def __init__(self, readers: Mapping[str, Callable[[], float | None]]) -> None:
        self._readers = dict(readers)
        self._samples: dict[str, list[tuple[float, float]]] = {name: [] for name in readers}
        self._task: asyncio.Task[None] | None = None
        self.wall = 0.0

    async def __aenter__(self) -> CpuMeter:
        self._sample()
        self._task = asyncio.get_running_loop().create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._sample()
        first = [samples[0][0] for samples in self._samples.values() if samples]
        last = [samples[-1][0] for samples in self._samples.values() if samples]
        self.wall = max(last) - min(first) if first else 0.0

    @property
    def names(self) -> list[str]:
        """The processes metered."""
        return list(self._readers)

    def _sample(self) -> None:
        now = time.monotonic()
        for name, read in self._readers.items():
            cpu = read()
            if cpu is not None:
                self._samples[name].append((now, cpu))

    async def _run(self) -> None:
        while True:  # until __aexit__ cancels it; one sample per PERIOD
            await asyncio.sleep(self.PERIOD)
            self._sample()

    def seconds(self, name: str) -> float | None:
        """CPU seconds `name` used during the phase."""
        samples = self._samples[name]
        return samples[-1][1] - samples[0][1] if len(samples) >= 2 else None

    def cores(self, name: str) -> float | None:
        """CPU seconds per wall second: how many cores `name` kept busy on average."""
        spent = self.seconds(name)
        return None if spent is None or not self.wall else spent / self.wall

    def peak_cores(self, name: str) -> float | None:
        """The most CPU seconds per second over any two consecutive periods (~1 s)."""
        samples = self._samples[name]
        rates = [
            (later[1] - earlier[1]) / (later[0] - earlier[0])
            for earlier, later in zip(samples, samples[2:], strict=False)
            if later[0] > earlier[0]
        ]
        return max(rates) if rates else None

    def per(self, name: str, count: int) -> float | None:
        """CPU microseconds of `name` per one of `count` (events, calls)."""
        spent = self.seconds(name)
        return None if spent is None or not count else spent / count * 1e6
