"""The months snapshot: a dataset's records read in one piece give exactly what reading them row by row gives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.demo import DemoSpec, generate_team
from core.governance.retention import delete_dataset
from core.store.datasets import (
    append_to_dataset,
    load_records,
    sha256_bytes,
    store_dataset,
    write_missing_snapshots,
)
from core.store.models import Dataset, MonthsSnapshot


def _store(engine: Engine, frame: pd.DataFrame) -> int:
    return store_dataset(
        engine=engine, frame=frame, name="Q2", source_filename="q2.csv", source_sha256=sha256_bytes(b"q2")
    )


def _without_snapshots(engine: Engine, dataset_id: int) -> pd.DataFrame:
    """load_records the row-by-row way: the snapshot taken away for one read, then put back."""
    with Session(engine) as session, session.begin():
        kept = session.get(MonthsSnapshot, dataset_id)
        assert kept is not None, "every store writes a snapshot"
        row = (kept.dataset_id, kept.row_count, kept.data)
        session.execute(delete(MonthsSnapshot).where(MonthsSnapshot.dataset_id == dataset_id))  # type: ignore[arg-type]
    frame = load_records(engine=engine, dataset_id=dataset_id)
    with Session(engine) as session, session.begin():
        session.add(MonthsSnapshot(dataset_id=row[0], row_count=row[1], data=row[2]))
    return frame


def _snapshots(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.execute(select(func.count()).select_from(MonthsSnapshot)).scalar_one())


def test_the_snapshot_reads_as_the_rows_do(engine: Engine, small_team: pd.DataFrame) -> None:
    """Values, blanks (NULL counts and money), dtypes and order equal the row-by-row read."""
    team = small_team.copy()
    team.loc[team.index[::7], "calls"] = pd.NA  # blanks among the counts and the money
    team.loc[team.index[::5], "quota"] = np.nan
    dataset_id = _store(engine, team)
    pd.testing.assert_frame_equal(
        load_records(engine=engine, dataset_id=dataset_id), _without_snapshots(engine, dataset_id)
    )


@pytest.mark.parametrize("overlap", ["replace", "keep"])
def test_added_months_rewrite_the_snapshot(engine: Engine, overlap: str) -> None:
    """A later month (and a changed overlapping one) shows in the snapshot read exactly as in the rows."""
    first = generate_team(DemoSpec(reps=15, months=3, seed=3, end="2026-03"))
    later = generate_team(DemoSpec(reps=15, months=2, seed=4, end="2026-04"))  # 2026-03 overlaps, 2026-04 is new
    dataset_id = _store(engine, first)
    append_to_dataset(engine=engine, dataset_id=dataset_id, frame=later, overlap=overlap)  # type: ignore[arg-type]
    read = load_records(engine=engine, dataset_id=dataset_id)
    assert "2026-04" in set(read["period"])
    pd.testing.assert_frame_equal(read, _without_snapshots(engine, dataset_id))


def test_replaced_values_show_though_the_row_count_stays(engine: Engine) -> None:
    """Only overlapping months, replaced with other numbers: as many rows as before, yet the new values read."""
    first = generate_team(DemoSpec(reps=15, months=3, seed=3, end="2026-03"))
    dataset_id = _store(engine, first)
    changed = first[first["period"] == "2026-03"].copy()
    changed["revenue_won"] = changed["revenue_won"] * 2 + 1
    changed["calls"] = changed["calls"] + 3
    append_to_dataset(engine=engine, dataset_id=dataset_id, frame=changed, overlap="replace")
    read = load_records(engine=engine, dataset_id=dataset_id)
    assert len(read) == len(first)
    march = read[read["period"] == "2026-03"].set_index("rep_id")
    wanted = changed.set_index("rep_id").loc[march.index]
    pd.testing.assert_series_equal(march["revenue_won"], wanted["revenue_won"], check_names=False, check_index=False)
    pd.testing.assert_frame_equal(read, _without_snapshots(engine, dataset_id))


def test_a_snapshot_that_does_not_match_the_rows_is_not_used(engine: Engine, small_team: pd.DataFrame) -> None:
    """A snapshot holding another number of rows than the dataset is ignored: the rows are read."""
    dataset_id = _store(engine, small_team)
    with Session(engine) as session, session.begin():
        session.execute(
            update(MonthsSnapshot).where(MonthsSnapshot.dataset_id == dataset_id).values(row_count=1)  # type: ignore[arg-type]
        )
    pd.testing.assert_frame_equal(
        load_records(engine=engine, dataset_id=dataset_id), _without_snapshots(engine, dataset_id)
    )


def test_deleting_a_dataset_deletes_its_snapshot(engine: Engine, small_team: pd.DataFrame) -> None:
    """No copy of a deleted dataset's numbers stays behind; other datasets keep theirs."""
    keep = _store(engine, small_team)
    gone = _store(engine, small_team)
    assert _snapshots(engine) == 2
    delete_dataset(engine=engine, dataset_id=gone, actor="test")
    with Session(engine) as session:
        assert session.get(MonthsSnapshot, gone) is None
        assert session.get(MonthsSnapshot, keep) is not None
        assert session.get(Dataset, keep) is not None


def test_datasets_stored_before_snapshots_get_one(engine: Engine, small_team: pd.DataFrame) -> None:
    """init-db writes the missing snapshots (and the stale ones), leaves the good ones, and reads stay equal."""
    older = _store(engine, small_team)
    stale = _store(engine, small_team)
    fine = _store(engine, small_team)
    rows = _without_snapshots(engine, older)
    with Session(engine) as session, session.begin():
        session.execute(delete(MonthsSnapshot).where(MonthsSnapshot.dataset_id == older))  # type: ignore[arg-type]
        session.execute(
            update(MonthsSnapshot).where(MonthsSnapshot.dataset_id == stale).values(row_count=3)  # type: ignore[arg-type]
        )
    assert write_missing_snapshots(engine=engine) == 2
    assert write_missing_snapshots(engine=engine) == 0
    with Session(engine) as session:
        counts = {d: session.get(MonthsSnapshot, d).row_count for d in (older, stale, fine)}  # type: ignore[union-attr]
    assert counts == dict.fromkeys((older, stale, fine), len(small_team))
    pd.testing.assert_frame_equal(load_records(engine=engine, dataset_id=older), rows)
