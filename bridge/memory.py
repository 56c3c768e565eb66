"""Giving freed memory back to the system after a large request.

gRPC copies a received message out of its own buffers, and glibc keeps the
freed buffers in the process's heap, where they count in the pod's memory
for good. After a large request the edge asks the allocator to return free
pages (`malloc_trim`), which keeps RSS close to what is actually held. On a
libc without it (musl, macOS) this does nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from collections.abc import Callable

__all__ = ["release_freed_memory"]


def _trimmer() -> Callable[[], None]:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
        trim = libc.malloc_trim if libc is not None else None
    except (OSError, AttributeError):
        trim = None
    if trim is None:
        return lambda: None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int

    def release() -> None:
        trim(0)

    return release


release_freed_memory = _trimmer()
