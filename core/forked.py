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

from core.memory import prepare_memory


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
