"""What /proc says about a process: CPU time, memory lines, open file descriptors, its
children and its TCP connections (Linux)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

__all__ = [
    "children",
    "context_switches",
    "cpu_seconds",
    "descendants",
    "fd_count",
    "fd_kinds",
    "memory_kib",
    "socket_inodes",
    "tcp_established",
    "tcp_listening",
]

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_ESTABLISHED = "01"
_LISTEN = "0A"


def cpu_seconds(pid: int) -> float | None:
    """CPU time (user + system) the process has used; None if it is gone.

    Its own time, not its children's: a server's CPU, whatever the machine runs besides.
    The sum of its threads' run time from schedstat (nanoseconds; a thread that exited
    no longer counts, and server threads live as long as their server), else utime +
    stime from stat (clock ticks, 10 ms).
    """
    try:
        threads = os.listdir(f"/proc/{pid}/task")
        return sum(_run_ns(pid, thread) for thread in threads) / 1e9
    except (OSError, ValueError):
        pass
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # Fields after the ")" that closes the command name start at field 3 (state);
    # utime and stime are fields 14 and 15.
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS


def _run_ns(pid: int, thread: str) -> int:
    try:
        return int(Path(f"/proc/{pid}/task/{thread}/schedstat").read_text().split()[0])
    except FileNotFoundError:  # the thread just exited
        return 0


def context_switches(pid: int) -> tuple[int, int] | None:
    """The context switches of the process's threads so far, voluntary (the thread
    waited: for a socket, a lock, a timer) and involuntary (the scheduler took the core
    away); None if it is gone. A thread that exited no longer counts."""
    voluntary = involuntary = 0
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    for thread in threads:
        try:
            lines = Path(f"/proc/{pid}/task/{thread}/status").read_text().splitlines()
        except OSError:  # the thread just exited
            continue
        for line in lines:
            if line.startswith("voluntary_ctxt_switches:"):
                voluntary += int(line.split()[1])
            elif line.startswith("nonvoluntary_ctxt_switches:"):
                involuntary += int(line.split()[1])
    return voluntary, involuntary


def children(pid: int) -> list[int]:
    """The process's children alive now."""
    found: list[int] = []
    try:
        threads = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for thread in threads:
        try:
            found += map(int, Path(f"/proc/{pid}/task/{thread}/children").read_text().split())
        except OSError:
            continue
    return found


def descendants(pid: int) -> list[int]:
    """The process's children, their children and so on, alive now."""
    found: list[int] = []
    todo = [pid]
    while todo:
        below = children(todo.pop())
        found += below
        todo += below
    return found


def _fd_targets(pid: int) -> list[str]:
    """What each open file descriptor of the process points at ("socket:[123]", a path)."""
    try:
        names = os.listdir(f"/proc/{pid}/fd")
    except OSError:
        return []
    targets = []
    for name in names:
        try:
            targets.append(os.readlink(f"/proc/{pid}/fd/{name}"))
        except OSError:  # closed meanwhile
            continue
    return targets


def socket_inodes(pid: int) -> set[int]:
    """The inodes of the sockets the process has open."""
    return {int(target[8:-1]) for target in _fd_targets(pid) if target.startswith("socket:[")}


def _tcp_sockets(state: str) -> list[tuple[int, int]]:
    """(local port, inode) of every TCP socket (IPv4 and IPv6) in `state`."""
    found: list[tuple[int, int]] = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == state:
                found.append((int(fields[1].rsplit(":", 1)[1], 16), int(fields[9])))
    return found


def tcp_established(local_port: int) -> set[int]:
    """The inodes of the established TCP connections (IPv4 and IPv6) whose local port is
    `local_port`: the connections a server listening there has accepted."""
    return {inode for port, inode in _tcp_sockets(_ESTABLISHED) if port == local_port}


def tcp_listening(pids: list[int]) -> set[int]:
    """The TCP ports on which any of the processes `pids` listens."""
    inodes: set[int] = set()
    for pid in pids:
        inodes |= socket_inodes(pid)
    return {port for port, inode in _tcp_sockets(_LISTEN) if inode in inodes}


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
    for target in _fd_targets(pid):
        if target.startswith(("socket:", "pipe:")):
            target = target.split(":", 1)[0]
        elif target.startswith("anon_inode:"):
            target = target.removeprefix("anon_inode:")
        kinds[target] += 1
    return kinds
