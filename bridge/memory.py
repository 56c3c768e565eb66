"""Giving freed memory back to the system, and keeping the collector's work small.

gRPC copies a received message out of its own buffers, and glibc keeps the
freed buffers in the process's heap, where they count in the pod's memory
for good. After a large request the edge asks the allocator to return free
pages (`malloc_trim`), which keeps RSS close to what is actually held. On a
libc without it (musl, macOS) this does nothing.

Python's cyclic garbage collector walks every tracked object in its oldest
generation, and most of them (modules, classes, descriptors, the codec's
tables) are allocated at start and live for good; every streamed event
allocates JSON objects that start young collections. `settle` moves what
start-up allocated out of the collector's reach and lets young garbage build
up longer before a collection: a tenth of the collector's CPU under stream
load (reference counting still frees almost everything at once).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
from collections.abc import Callable

__all__ = ["release_freed_memory", "settle"]

# Allocations between young collections (Python's default is 700).
YOUNG_COLLECTION_ALLOCATIONS = 5_000


def settle() -> None:
    """Exempt what exists now (start-up's objects) from collection, and collect
    the young generation less often. Call once the server is serving."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_COLLECTION_ALLOCATIONS, middle, old)


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
