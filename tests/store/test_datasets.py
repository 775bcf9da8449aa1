"""Storing datasets: all rows or none, read back unchanged, deleted completely."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.demo import DEMO_NAME, ensure_demo_dataset
from core.governance.retention import delete_dataset
from core.schema import COACH_COLUMNS
from core.store.datasets import (
    get_dataset,
    list_datasets,
    load_people,
    load_records,
    period_range,
    sha256_bytes,
    store_dataset,
)
from core.store.models import Dataset, PeriodRecord, Person


def _store(engine: Engine, frame: pd.DataFrame, name: str = "Q2 export") -> int:
    return store_dataset(
        engine=engine, frame=frame, name=name, source_filename="q2.csv", source_sha256=sha256_bytes(b"q2")
    )


def _count(engine: Engine, table: type) -> int:
    with Session(engine) as session:
        return int(session.execute(select(func.count()).select_from(table)).scalar_one())


def test_round_trip(engine: Engine, small_team: pd.DataFrame) -> None:
    """What is stored reads back as the same canonical table."""
    dataset_id = _store(engine, small_team)
    back = load_records(engine=engine, dataset_id=dataset_id)
    expected = small_team.sort_values(["rep_id", "period"]).reset_index(drop=True)
    back = back.reset_index(drop=True)
    flags = ["coach_willing", *COACH_COLUMNS]
    pd.testing.assert_frame_equal(back.drop(columns=flags), expected.drop(columns=flags), check_dtype=False)
    for column in flags:
        assert back[column].astype(object).fillna("").tolist() == expected[column].astype(object).fillna("").tolist()


def test_dataset_record(engine: Engine, small_team: pd.DataFrame) -> None:
    """The dataset row keeps name, source file, its SHA-256, row count and people count."""
    dataset_id = _store(engine, small_team)
    info = get_dataset(engine=engine, dataset_id=dataset_id)
    assert info is not None
    assert (info.name, info.source_filename, info.source_sha256) == ("Q2 export", "q2.csv", sha256_bytes(b"q2"))
    assert info.row_count == len(small_team)
    assert info.people == small_team["rep_id"].nunique()
    assert not info.is_demo
    assert period_range(engine=engine, dataset_id=dataset_id) == ("2026-01", "2026-06", 6)


def test_people_table(engine: Engine, small_team: pd.DataFrame) -> None:
    """One person row per rep, with willingness stored as yes / no / unknown."""
    dataset_id = _store(engine, small_team)
    people = load_people(engine=engine, dataset_id=dataset_id)
    assert len(people) == small_team["rep_id"].nunique()
    answers = small_team.drop_duplicates("rep_id").set_index("rep_id")["coach_willing"]
    stored = people.set_index("rep_id")["coach_willing"]
    assert (stored[answers == "yes"] == "yes").all()
    assert (stored[answers == "no"] == "no").all()
    assert stored[answers.isna()].isna().all()


def test_failed_import_stores_nothing(engine: Engine, small_team: pd.DataFrame) -> None:
    """A failure half-way (duplicate rep and month) rolls back the dataset and every row."""
    _store(engine, small_team)
    before = (_count(engine, Dataset), _count(engine, Person), _count(engine, PeriodRecord))
    broken = pd.concat([small_team, small_team.tail(1)], ignore_index=True)
    with pytest.raises(Exception, match="(?i)unique"):
        _store(engine, broken, name="broken")
    assert (_count(engine, Dataset), _count(engine, Person), _count(engine, PeriodRecord)) == before


def test_missing_columns_refused(engine: Engine, small_team: pd.DataFrame) -> None:
    """A table without canonical columns is refused with the names of the missing ones."""
    with pytest.raises(ValueError, match="quota"):
        _store(engine, small_team.drop(columns=["quota"]))
    assert _count(engine, Dataset) == 0


def test_delete_removes_everything(engine: Engine, small_team: pd.DataFrame) -> None:
    """Deleting a dataset removes its people and months and leaves other datasets alone."""
    keep = _store(engine, small_team, name="keep")
    gone = _store(engine, small_team, name="gone")
    delete_dataset(engine=engine, dataset_id=gone, actor="test")
    assert [d.id for d in list_datasets(engine=engine)] == [keep]
    assert _count(engine, Person) == small_team["rep_id"].nunique()
    assert _count(engine, PeriodRecord) == len(small_team)


def test_newest_first(engine: Engine, small_team: pd.DataFrame) -> None:
    """Datasets are listed newest first."""
    first = _store(engine, small_team, name="first")
    second = _store(engine, small_team, name="second")
    assert [d.id for d in list_datasets(engine=engine)] == [second, first]


def test_demo_loaded_only_into_empty_database(engine: Engine) -> None:
    """The demo team goes into an empty database once, and never next to real data."""
    demo_id = ensure_demo_dataset(engine=engine)
    assert demo_id is not None
    info = get_dataset(engine=engine, dataset_id=demo_id)
    assert info is not None and info.is_demo and info.name == DEMO_NAME and info.people == 120
    assert ensure_demo_dataset(engine=engine) is None
    assert len(list_datasets(engine=engine)) == 1
