"""The command line's worker process (core.forked): it prepares its memory while the input is read."""

from __future__ import annotations

import pytest

from core.forked import can_fork, worker


@pytest.mark.skipif(not can_fork(), reason="the command line forks only where it is safe (Linux)")
def test_a_worker_with_prepared_memory_runs_its_job() -> None:
    """The preparation is the worker's first job; the next one runs after it, in the same process."""
    import os

    pool = worker(memory_mb=32)
    assert pool is not None
    try:
        assert pool.submit(os.getpid).result() != os.getpid()
    finally:
        pool.shutdown()
