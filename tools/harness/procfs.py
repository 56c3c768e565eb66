"""What /proc says about a process: memory lines and open file descriptors (Linux)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

__all__ = ["fd_count", "fd_kinds", "memory_kib"]


def memory_kib(pid: int) -> dict[str, int]:
    """The Vm* lines of /proc/<pid>/status in KiB (VmRSS, VmHWM: peak RSS, ...); {} if gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    memory: dict[str, int] = {}
    for line in status.splitlines():
        key, _, value = line.partition(":")
        if key.startswith("Vm") and value.strip().endswith("kB"):
            memory[key] = int(value.split()[0])
    return memory


def fd_count(pid: int) -> int | None:
    """How many file descriptors the process has open; None if it is gone."""
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return None


def fd_kinds(pid: int) -> Counter[str]:
    """Open file descriptors by kind: "socket", "pipe", an anon inode's name, or the path."""
    kinds: Counter[str] = Counter()
    try:
        names = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return kinds
    for name in names:
        try:
            target = os.readlink(f"/proc/{pid}/fd/{name}")
        except OSError:
            continue
        if target.startswith(("socket:", "pipe:")):
            target = target.split(":", 1)[0]
        elif target.startswith("anon_inode:"):
            target = target.removeprefix("anon_inode:")
        kinds[target] += 1
    return kinds
