"""A busy store: writes wait out another writer's lock, then refuse in one sentence; imports into one dataset queue."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

import core.store.datasets
from core.demo import DemoSpec, generate_team
from core.scoring.overrides import override_history, set_override
from core.store.datasets import append_to_dataset, load_records, sha256_bytes, store_dataset
from core.store.db import StoreBusy, init_db, make_engine

from busy import short_timeouts, write_lock


def _sqlite(tmp_path: Path) -> tuple[Engine, Path]:
    path = tmp_path / "busy.db"
    engine = make_engine(f"sqlite:///{path}")
    init_db(engine)
    return engine, path


def _dataset(engine: Engine, team: pd.DataFrame) -> int:
    return store_dataset(engine=engine, frame=team, name="t", source_filename="t.csv", source_sha256=sha256_bytes(b"t"))


def _override(engine: Engine, dataset_id: int) -> None:
    set_override(engine=engine, dataset_id=dataset_id, rep_id="E10001", tier="core", reason="ramping", changed_by="m")


def test_write_waits_out_a_lock_held_longer_than_the_busy_timeout(
    tmp_path: Path, small_team: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An override saved while another connection holds the write lock past the busy timeout is stored, not lost."""
    short_timeouts(monkeypatch, busy_ms=50, retry_seconds=5.0)
    engine, path = _sqlite(tmp_path)
    dataset_id = _dataset(engine, small_team)
    with write_lock(path, release_after=0.5):
        _override(engine, dataset_id)
    assert override_history(engine=engine, dataset_id=dataset_id)["reason"].tolist() == ["ramping"]


def test_a_store_that_stays_busy_is_one_sentence(
    tmp_path: Path, small_team: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the lock outlasts the retries, the write raises StoreBusy: a ValueError saying nothing was saved, no SQL."""
    short_timeouts(monkeypatch, busy_ms=50, retry_seconds=0.4)
    engine, path = _sqlite(tmp_path)
    dataset_id = _dataset(engine, small_team)
    started = time.monotonic()
    with write_lock(path), pytest.raises(StoreBusy) as info:
        _override(engine, dataset_id)
    assert time.monotonic() - started < 5  # bounded
    message = str(info.value)
    assert isinstance(info.value, ValueError) and "nothing was saved" in message and "try again" in message
    assert "INSERT" not in message and "E10001" not in message and info.value.__cause__ is None
    assert override_history(engine=engine, dataset_id=dataset_id).empty


def test_a_read_only_store_is_not_retried(
    tmp_path: Path, small_team: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a busy store is retried: a read-only one fails at once with its own error (for describe_store_error)."""
    from sqlalchemy.exc import OperationalError

    short_timeouts(monkeypatch, busy_ms=50, retry_seconds=30.0)
    engine, _ = _sqlite(tmp_path)
    dataset_id = _dataset(engine, small_team)
    event.listen(engine, "connect", lambda connection, _record: connection.execute("PRAGMA query_only=ON"))
    engine.dispose()
    started = time.monotonic()
    with pytest.raises(OperationalError, match="readonly"):
        _override(engine, dataset_id)
    assert time.monotonic() - started < 2


def test_two_replace_imports_into_one_dataset_run_one_after_the_other(
    tmp_path: Path, small_team: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two simultaneous 'replace' imports of new people into one dataset both land instead of an IntegrityError."""
    short_timeouts(monkeypatch, busy_ms=50, retry_seconds=10.0)
    engine, _ = _sqlite(tmp_path)
    dataset_id = _dataset(engine, small_team)
    later = generate_team(DemoSpec(reps=12, months=2, seed=5, end="2026-08")).assign(
        rep_id=lambda f: "N" + f["rep_id"].astype(str)  # people the dataset does not hold yet
    )
    both_read = threading.Barrier(2, timeout=1.0)
    read_keys = core.store.datasets._stored_keys

    def stored_keys_in_step(session: object, dataset: int) -> pd.DataFrame:
        keys = read_keys(session, dataset)  # type: ignore[arg-type]
        try:
            both_read.wait()  # without serialising, both imports read before either writes
        except threading.BrokenBarrierError:
            pass
        return keys

    monkeypatch.setattr(core.store.datasets, "_stored_keys", stored_keys_in_step)
    errors: list[BaseException] = []

    def replace() -> None:
        try:
            append_to_dataset(engine=engine, dataset_id=dataset_id, frame=later, overlap="replace")
        except BaseException as exc:  # noqa: BLE001  (collected for the assertion below)
            errors.append(exc)

    threads = [threading.Thread(target=replace) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    stored = load_records(engine=engine, dataset_id=dataset_id)
    assert len(stored) == len(small_team) + len(later)


def test_threads_writing_overrides_while_a_large_import_runs_lose_nothing(
    tmp_path: Path, small_team: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Load: 8 threads save overrides at once while a ~17,000-row import holds the write lock; all 8 are stored."""
    short_timeouts(monkeypatch, busy_ms=50, retry_seconds=60.0)
    engine, _ = _sqlite(tmp_path)
    dataset_id = _dataset(engine, small_team)
    big = generate_team(DemoSpec(reps=1500, months=12, seed=3, end="2026-06"))
    people = sorted(small_team["rep_id"].unique())[:8]
    importing, go = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def slow_import() -> None:
        def hold(_session: object, _dataset_id: int) -> None:
            importing.set()
            go.wait(10)  # the writers have started while the import still holds the lock

        store_dataset(engine=engine, frame=big, name="big", source_filename="b.csv", source_sha256="0" * 64, also=hold)

    def write(rep_id: str) -> None:
        try:
            set_override(
                engine=engine, dataset_id=dataset_id, rep_id=rep_id, tier="core", reason=f"for {rep_id}", changed_by="m"
            )
        except BaseException as exc:  # noqa: BLE001  (collected for the assertion below)
            errors.append(exc)

    importer = threading.Thread(target=slow_import)
    importer.start()
    assert importing.wait(60)
    writers = [threading.Thread(target=write, args=(rep,)) for rep in people]
    for writer in writers:
        writer.start()
    time.sleep(0.5)  # ten busy timeouts: every writer has met the lock at least once
    go.set()
    importer.join()
    for writer in writers:
        writer.join()
    assert errors == []
    stored = override_history(engine=engine, dataset_id=dataset_id)
    assert sorted(stored["reason"]) == sorted(f"for {rep}" for rep in people)
