"""A busy store on demand: another connection holds SQLite's write lock, as a long CLI import does."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import core.store.db


def short_timeouts(monkeypatch: pytest.MonkeyPatch, *, busy_ms: int = 50, retry_seconds: float = 0.6) -> None:
    """Let a statement wait ``busy_ms`` for a held lock and a write retry ``retry_seconds``, so tests stay fast.

    The ratio is what matters: the lock is held longer than one statement's busy timeout, as in the report.
    """
    monkeypatch.setattr(core.store.db, "BUSY_TIMEOUT_MS", busy_ms)
    monkeypatch.setattr(core.store.db, "BUSY_RETRY_SECONDS", retry_seconds)


@contextmanager
def write_lock(path: Path, *, release_after: float | None = None) -> Iterator[None]:
    """Hold the SQLite write lock on ``path`` (``BEGIN IMMEDIATE``) for the block, or for ``release_after`` seconds."""
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    timer = threading.Timer(release_after, holder.commit) if release_after is not None else None
    if timer is not None:
        timer.start()
    try:
        yield
    finally:
        if timer is not None:
            timer.join()
        else:
            holder.commit()
        holder.close()
