"""Storing and reading datasets: one import is one transaction, all rows or none.

Data-access functions take keyword-only arguments and open their own short session.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from sqlalchemy import Table, delete, func, insert, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

from core.models import Dataset, PeriodRecord, Person
from core.schema import CANONICAL_COLUMNS, COUNT_COLUMNS, METRIC_COLUMNS, PERSON_COLUMNS

_CHUNK = 20_000
_DATASET: Table = SQLModel.metadata.tables["dataset"]
_PERSON: Table = SQLModel.metadata.tables["person"]
_RECORD: Table = SQLModel.metadata.tables["period_record"]


@dataclass(frozen=True)
class DatasetInfo:
    """A stored dataset as pages and the command line show it (no ORM object leaks out)."""

    id: int
    name: str
    created_at: datetime
    source_filename: str
    source_sha256: str
    row_count: int
    is_demo: bool
    people: int


def sha256_bytes(data: bytes) -> str:
    """Return the hex SHA-256 of ``data``."""
    return hashlib.sha256(data).hexdigest()


def _ints(values: pd.Series) -> list[int | None]:
    return [None if pd.isna(v) else int(v) for v in values.tolist()]


def _floats(values: pd.Series) -> list[float | None]:
    return [None if pd.isna(v) else float(v) for v in values.tolist()]


def _willing_label(values: pd.Series) -> pd.Series:
    """Map the stored tri-state (1 / 0 / NULL) back to the template's yes / no / blank."""
    flags = values.astype("boolean")
    labels = pd.Series(pd.NA, index=values.index, dtype="object")
    labels[flags.fillna(False).astype(bool)] = "yes"
    labels[(~flags).fillna(False).astype(bool)] = "no"
    return labels


def _willing_to_bool(values: pd.Series) -> list[bool | None]:
    mapping = {"yes": True, "no": False}
    return [mapping.get(str(v).strip().lower()) if not pd.isna(v) else None for v in values]


def store_dataset(
    *,
    engine: Engine,
    frame: pd.DataFrame,
    name: str,
    source_filename: str,
    source_sha256: str,
    is_demo: bool = False,
) -> int:
    """Store a canonical table as a new dataset in one transaction.

    Args:
        engine: The database engine.
        frame: Rows in the canonical layout; (rep_id, period) unique.
        name: What the user calls this dataset.
        source_filename: The uploaded file's name (for the record, never its path).
        source_sha256: SHA-256 of the uploaded bytes.
        is_demo: Whether this is a generated demo team.

    Returns:
        The new dataset's id.

    Raises:
        ValueError: If the table is empty or misses canonical columns.
    """
    missing = [c for c in CANONICAL_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(f"Cannot store the table: columns missing: {', '.join(missing)}.")
    if frame.empty:
        raise ValueError("Cannot store an empty table: it has no rows.")
    people = frame.drop_duplicates("rep_id", keep="last")[list(PERSON_COLUMNS)]
    with Session(engine) as session, session.begin():
        dataset = Dataset(
            name=name,
            source_filename=source_filename,
            source_sha256=source_sha256,
            row_count=len(frame),
            is_demo=is_demo,
        )
        session.add(dataset)
        session.flush()
        assert dataset.id is not None  # set by flush
        dataset_id = dataset.id
        person_rows = [
            {
                "dataset_id": dataset_id,
                "rep_id": str(rep),
                "name": str(nm),
                "role": str(role),
                "team": "" if pd.isna(team) else str(team),
                "region": "" if pd.isna(region) else str(region),
                "manager": "" if pd.isna(manager) else str(manager),
                "coach_willing": willing,
            }
            for rep, nm, role, team, region, manager, willing in zip(
                people["rep_id"],
                people["name"],
                people["role"],
                people["team"],
                people["region"],
                people["manager"],
                _willing_to_bool(people["coach_willing"]),
                strict=True,
            )
        ]
        for start in range(0, len(person_rows), _CHUNK):
            session.execute(insert(_PERSON), person_rows[start : start + _CHUNK])
        ids: dict[str, int] = dict(
            session.execute(select(_PERSON.c.rep_id, _PERSON.c.id).where(_PERSON.c.dataset_id == dataset_id)).all()
        )
        person_ids = frame["rep_id"].astype(str).map(ids)
        columns: dict[str, list[int | None] | list[float | None]] = {
            c: _ints(frame[c]) if c in COUNT_COLUMNS else _floats(frame[c]) for c in METRIC_COLUMNS
        }
        periods = frame["period"].astype(str).tolist()
        pids = person_ids.astype(np.int64).tolist()
        total = len(frame)
        for start in range(0, total, _CHUNK):
            stop = min(start + _CHUNK, total)
            chunk = [
                {
                    "dataset_id": dataset_id,
                    "person_id": pids[i],
                    "period": periods[i],
                    **{c: columns[c][i] for c in METRIC_COLUMNS},
                }
                for i in range(start, stop)
            ]
            session.execute(insert(_RECORD), chunk)
    return dataset_id


def list_datasets(*, engine: Engine) -> list[DatasetInfo]:
    """Return every dataset, newest first, with its number of people."""
    people = select(_PERSON.c.dataset_id, func.count().label("people")).group_by(_PERSON.c.dataset_id).subquery()
    query = (
        select(Dataset, func.coalesce(people.c.people, 0))
        .outerjoin(people, people.c.dataset_id == _DATASET.c.id)
        .order_by(_DATASET.c.created_at.desc(), _DATASET.c.id.desc())
    )
    with Session(engine) as session:
        return [
            DatasetInfo(
                id=int(ds.id),
                name=ds.name,
                created_at=ds.created_at,
                source_filename=ds.source_filename,
                source_sha256=ds.source_sha256,
                row_count=ds.row_count,
                is_demo=ds.is_demo,
                people=int(count),
            )
            for ds, count in session.execute(query).all()
        ]


def get_dataset(*, engine: Engine, dataset_id: int) -> DatasetInfo | None:
    """Return one dataset, or None when it does not exist (any more)."""
    return next((d for d in list_datasets(engine=engine) if d.id == dataset_id), None)


def load_records(*, engine: Engine, dataset_id: int) -> pd.DataFrame:
    """Read a dataset back as a canonical table, sorted by rep_id and period."""
    query = (
        select(
            _PERSON.c.rep_id,
            _PERSON.c.name,
            _PERSON.c.role,
            _PERSON.c.team,
            _PERSON.c.region,
            _PERSON.c.manager,
            _RECORD.c.period,
            *[_RECORD.c[c] for c in METRIC_COLUMNS],
            _PERSON.c.coach_willing,
        )
        .join(Person, _PERSON.c.id == _RECORD.c.person_id)
        .where(_RECORD.c.dataset_id == dataset_id)
        .order_by(_PERSON.c.rep_id, _RECORD.c.period)
    )
    with engine.connect() as connection:
        frame = pd.read_sql(query, connection)
    for c in COUNT_COLUMNS:
        frame[c] = frame[c].astype("Int64")
    for c in set(METRIC_COLUMNS) - set(COUNT_COLUMNS):
        frame[c] = frame[c].astype("float64")
    frame["coach_willing"] = _willing_label(frame["coach_willing"])
    return frame[list(CANONICAL_COLUMNS)]


def load_people(*, engine: Engine, dataset_id: int) -> pd.DataFrame:
    """Return the people of a dataset: one row per rep; ``coach_willing`` is yes / no / NA."""
    query = select(
        _PERSON.c.rep_id,
        _PERSON.c.name,
        _PERSON.c.role,
        _PERSON.c.team,
        _PERSON.c.region,
        _PERSON.c.manager,
        _PERSON.c.coach_willing,
    ).where(_PERSON.c.dataset_id == dataset_id)
    with engine.connect() as connection:
        people = pd.read_sql(query.order_by(_PERSON.c.rep_id), connection)
    people["coach_willing"] = _willing_label(people["coach_willing"])
    return people


def period_range(*, engine: Engine, dataset_id: int) -> tuple[str, str, int] | None:
    """Return (first month, last month, number of months) of a dataset, or None if empty."""
    query = select(
        func.min(_RECORD.c.period), func.max(_RECORD.c.period), func.count(func.distinct(_RECORD.c.period))
    ).where(_RECORD.c.dataset_id == dataset_id)
    with engine.connect() as connection:
        first, last, months = connection.execute(query).one()
    if first is None:
        return None
    return str(first), str(last), int(months)


def delete_dataset(*, engine: Engine, dataset_id: int) -> None:
    """Delete a dataset and every row derived from it."""
    with Session(engine) as session, session.begin():
        session.execute(delete(PeriodRecord).where(_RECORD.c.dataset_id == dataset_id))
        session.execute(delete(Person).where(_PERSON.c.dataset_id == dataset_id))
        session.execute(delete(Dataset).where(_DATASET.c.id == dataset_id))
