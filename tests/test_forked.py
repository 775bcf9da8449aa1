"""The command line's worker process (core.forked): it prepares its memory while the input is read."""

from __future__ import annotations

import platform

import pytest

from core.forked import can_fork, prepare_memory, worker


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the memory is prepared through glibc's allocator")
def test_prepared_memory_stays_with_the_process() -> None:
    """The megabytes asked for are touched and kept: the process's resident memory grows by them and stays."""
    import resource

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert prepare_memory(48) == 48
    grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before  # kilobytes
    assert grown >= 40 * 1024 or before > 400 * 1024  # a process already that big may reuse freed memory


def test_nothing_to_prepare_or_no_glibc(monkeypatch: pytest.MonkeyPatch) -> None:
    """No megabytes, or another C library (musl): nothing is touched."""
    assert prepare_memory(0) == 0
    monkeypatch.setattr(platform, "libc_ver", lambda: ("", ""))
    assert prepare_memory(64) == 0


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
