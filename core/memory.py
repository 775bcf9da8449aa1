"""How a command-line process uses the C allocator's memory (#17): keep what it frees, prepare what it will need.

glibc hands freed memory back to the system at once — a block over its mmap threshold is a mapping of its
own, unmapped when freed, and the heap's free top is trimmed — so a job that allocates and frees arrays of
the same sizes over and over (reading a file, scoring windows) pays a page fault for every page of every
new array: in ``segment`` on 458,000 rows that was 0.1–0.3 s. A process that ends within seconds can keep
its memory instead. The web server must not (it runs for days): only ``python -m core`` does this.

Only with glibc (through ``mallopt``); elsewhere nothing happens.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

_M_TRIM_THRESHOLD: Final = -1
_M_MMAP_THRESHOLD: Final = -3
_KEPT_BLOCK: Final = 32 * 2**20
"""glibc's largest mmap threshold: blocks up to this size come from the heap."""
_CHUNK: Final = 24 * 2**20
"""Below that threshold: such blocks come from the heap, which keeps them when freed."""


def glibc() -> bool:
    """Whether the C library is glibc (the one whose ``mallopt`` knows these settings)."""
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (ValueError, OSError, AttributeError):  # no such name here (another C library, another system)
        return False


def keep_freed_memory() -> bool:
    """Let this process keep the memory it frees (blocks up to 32 MB from the heap, the heap never trimmed
    below 1 GB): the next array of a similar size reuses pages already there. Returns whether it could."""
    import ctypes

    if not glibc():
        return False
    libc = ctypes.CDLL(None)
    heap_blocks = libc.mallopt(_M_MMAP_THRESHOLD, ctypes.c_int(_KEPT_BLOCK))
    return bool(heap_blocks and libc.mallopt(_M_TRIM_THRESHOLD, ctypes.c_int(2**30)))


def prepare_memory(megabytes: int) -> int:
    """Touch ``megabytes`` of heap and free it again, kept by the C allocator: returns the megabytes prepared.

    A fresh process pays a page fault the first time it touches each page: the bootstrap's arrays took about
    a third longer in a new worker than the second time round. Done while the worker waits for its job,
    the job then finds its memory ready. Only with glibc; elsewhere nothing (0).
    """
    import ctypes

    if megabytes <= 0 or not keep_freed_memory():
        return 0
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    blocks = [libc.malloc(_CHUNK) for _ in range(max(1, megabytes * 2**20 // _CHUNK))]
    for block in blocks:
        if block:
            libc.memset(block, 0, _CHUNK)
    for block in blocks:
        libc.free(block)
    return sum(_CHUNK for block in blocks if block) // 2**20


@contextmanager
def cycles_collected_at_the_end() -> Iterator[None]:
    """Within: Python's cycle collector paused (reference counting frees everything else as it goes).

    Its passes walk every object column alive — a 458,000-row table's eleven — about 180 times in one
    ``segment``: 50-70 ms of a 2-second command (#17). A file-in/file-out job ends within seconds and leaves
    few cycles (30 MB more at its peak); they are collected when it is over.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
