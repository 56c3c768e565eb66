"""Files re-read when they change on disk: rotated keys, tokens and certificates.

Kubernetes rotates a mounted Secret by swapping a symlink; `ReloadingFile`
notices through the (mtime, size, inode) of each resolved file, at most once
per `CHECK_INTERVAL`, and re-parses. What it does when a new version cannot
be read or parsed is the caller's choice: keep the last good value (a
credential the bridge sends), or hold nothing until the file is good again
(the tokens that let callers in: failing closed). Either way the failure is
logged, once per broken state.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

import structlog

__all__ = ["CHECK_INTERVAL", "ReloadingFile"]

log = structlog.get_logger("bridge.files")

T = TypeVar("T")

# How often a file's metadata is checked at most; rotation is seen within this.
CHECK_INTERVAL = 1.0
_NEVER = object()


class ReloadingFile(Generic[T]):
    """The parsed content of files, re-parsed when any of them changes on disk.

    Kubernetes rotates Secret volumes by swapping a symlink, so a change is
    seen through (mtime, size, inode) of the resolved file. A change that
    cannot be read or parsed is logged (once per change) and, with
    `keep_last_good`, the previous value stays; without it, `get` returns None
    until the files are good again.

    Raises (at construction):
        ValueError: the files cannot be read or parsed now.
    """

    def __init__(
        self,
        paths: list[str],
        parse: Callable[[list[bytes]], T],
        *,
        what: str,
        keep_last_good: bool = True,
    ) -> None:
        self._paths = paths
        self._parse = parse
        self._what = what
        self._keep = keep_last_good
        self._lock = threading.Lock()
        try:
            self._stamp: tuple[tuple[float, int, int], ...] | None = self._read_stamp()
            self._value: T | None = parse([Path(p).read_bytes() for p in paths])
        except OSError as exc:
            raise ValueError(
                f"{what}: cannot read {exc.filename or paths[0]}: {exc.strerror}"
            ) from None
        except ValueError as exc:
            raise ValueError(f"{what}: {exc}") from None
        self._checked = time.monotonic()
        self._bad: object = _NEVER

    def _read_stamp(self) -> tuple[tuple[float, int, int], ...]:
        stamps = []
        for path in self._paths:
            info = os.stat(path)
            stamps.append((info.st_mtime, info.st_size, info.st_ino))
        return tuple(stamps)

    def get(self) -> tuple[T | None, bool]:
        """The current value, and whether it changed since the previous call."""
        now = time.monotonic()
        if now - self._checked < CHECK_INTERVAL:
            return self._value, False
        with self._lock:
            self._checked = now
            stamp: tuple[tuple[float, int, int], ...] | None = None
            try:
                stamp = self._read_stamp()
                if stamp == self._stamp:
                    return self._value, False
                value = self._parse([Path(p).read_bytes() for p in self._paths])
            except (OSError, ValueError) as exc:
                return self._failed(stamp, exc)
            self._stamp, self._value, self._bad = stamp, value, _NEVER
            log.info("reloaded", what=self._what)
            return value, True

    def _failed(
        self, stamp: tuple[tuple[float, int, int], ...] | None, exc: Exception
    ) -> tuple[T | None, bool]:
        if stamp != self._bad:
            # Once per broken state; it is retried at every check until fixed.
            self._bad = stamp
            detail = f"{exc.strerror}: {exc.filename}" if isinstance(exc, OSError) else str(exc)
            log.error(
                "reload_failed",
                what=self._what,
                error=detail,
                kept="the previous value" if self._keep else "nothing: refusing until fixed",
            )
        if self._keep:
            return self._value, False
        changed = self._value is not None
        self._value = None
        return None, changed
