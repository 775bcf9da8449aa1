"""A worker process forked early, for a job that should run beside this process's own work (#17).

Threads share one interpreter: two jobs made of many small numpy steps (the borderline bootstrap, the
earlier windows and the trend) take turns rather than run side by side. A process has an interpreter of
its own. Forked before the file is read, it starts with every module already imported and none of the
data (forking a process that holds a big table makes both pay for copying the pages they touch: a
bootstrap forked after the read took twice as long). The job's input and result are pickled across.

Only where that is safe: on Linux, from a command line — a web server's process (Streamlit) must not
fork, and the pages keep to threads.
"""

from __future__ import annotations

import multiprocessing
import sys
from concurrent.futures import ProcessPoolExecutor
from typing import Final


def can_fork() -> bool:
    """Whether this platform forks safely (Linux; macOS's system libraries may not survive a fork)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def worker(memory_mb: int = 0) -> ProcessPoolExecutor | None:
    """A pool of one process forked now, or None where forking is not safe. Shut it down when done.

    Call it early, from the main thread, before threads or big tables exist: the copy holds the calling
    thread alone, with its language (context) as it is now. With ``memory_mb``, the worker first makes that
    much memory its own (:func:`prepare_memory`) while this process reads its input.
    """
    if not can_fork():
        return None
    from core.ingest.ahead import wait

    wait()  # no thread of ours runs while forking (the copy would hold its locks, held by nobody there)
    pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
    pool.submit(prepare_memory, memory_mb)  # forks here, while the process is small (a forking pool starts at once)
    return pool


_CHUNK: Final = 24 * 2**20
"""Below glibc's largest mmap threshold (32 MB): such blocks come from the heap, which keeps them when freed."""


def prepare_memory(megabytes: int) -> int:
    """Touch ``megabytes`` of heap and free it again, kept by the C allocator: returns the megabytes prepared.

    A fresh process pays a page fault the first time it touches each page: the bootstrap's arrays took about
    a third longer in a new worker than the second time round. Done while the worker waits for its job,
    the job then finds its memory ready. Only with glibc (its ``mallopt``); elsewhere nothing (0).
    """
    import ctypes
    import platform

    if megabytes <= 0 or platform.libc_ver()[0] != "glibc":
        return 0
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    libc.memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
    libc.mallopt(_M_MMAP_THRESHOLD, ctypes.c_int(32 * 2**20))  # blocks up to 32 MB from the heap, not mmap
    libc.mallopt(_M_TRIM_THRESHOLD, ctypes.c_int(2**30))  # and freed heap stays with the process
    blocks = [libc.malloc(_CHUNK) for _ in range(max(1, megabytes * 2**20 // _CHUNK))]
    for block in blocks:
        if block:
            libc.memset(block, 0, _CHUNK)
    for block in blocks:
        libc.free(block)
    return sum(_CHUNK for block in blocks if block) // 2**20


_M_TRIM_THRESHOLD: Final = -1
_M_MMAP_THRESHOLD: Final = -3
