"""Storing and reading datasets: one import is one transaction, all rows or none.

Data-access functions take keyword-only arguments and open their own short session.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
from sqlalchemy import Table, delete, func, insert, select, update
from sqlalchemy.engine import Connection, CursorResult, Engine
from sqlmodel import Session, SQLModel

from core.i18n import _
from core.schema import CANONICAL_COLUMNS, COUNT_COLUMNS, METRIC_COLUMNS, PERSON_COLUMNS, REQUIRED_COLUMNS
from core.store.db import retry_when_busy
from core.store.digest import sha256_bytes as sha256_bytes  # re-exported: where callers have found it
from core.store.models import Dataset

_CHUNK = 20_000
_DATASET: Table = SQLModel.metadata.tables["dataset"]
_PERSON: Table = SQLModel.metadata.tables["person"]
_RECORD: Table = SQLModel.metadata.tables["period_record"]
_SNAPSHOT: Table = SQLModel.metadata.tables["months_snapshot"]
_MONTH_COLUMNS: Final = ("person_id", "period", *METRIC_COLUMNS)


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
    created_by: str = ""  # the account that imported it; blank when generated or not recorded


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


def _aptitudes(values: pd.Series) -> list[int | None]:
    numbers = pd.to_numeric(values, errors="coerce")
    return [int(v) if 1 <= v <= 5 and v == int(v) else None for v in numbers.fillna(0).tolist()]


def _languages(values: pd.Series) -> list[str | None]:
    """Each person's plan language as stored: de, nl or en; None (the viewer's) for a blank or unknown cell."""
    return [str(v) if not pd.isna(v) and str(v) in ("de", "nl", "en") else None for v in values]


def _person_rows(dataset_id: int, frame: pd.DataFrame) -> list[dict[str, object]]:
    """One row per rep, identity taken from the rep's latest month in ``frame`` (coach fields blank when absent)."""
    people = frame.sort_values(["rep_id", "period"], kind="stable").drop_duplicates("rep_id", keep="last")
    people = people.reindex(columns=list(PERSON_COLUMNS))
    return [
        {
            "dataset_id": dataset_id,
            "rep_id": str(rep),
            "name": str(nm),
            "role": str(role),
            "team": "" if pd.isna(team) else str(team),
            "region": "" if pd.isna(region) else str(region),
            "manager": "" if pd.isna(manager) else str(manager),
            "coach_willing": willing,
            "coach_aptitude": aptitude,
            "coach_trained": trained,
            "language": language,
        }
        for rep, nm, role, team, region, manager, willing, aptitude, trained, language in zip(
            people["rep_id"],
            people["name"],
            people["role"],
            people["team"],
            people["region"],
            people["manager"],
            _willing_to_bool(people["coach_willing"]),
            _aptitudes(people["coach_aptitude"]),
            _willing_to_bool(people["coach_trained"]),
            _languages(people["language"]),
            strict=True,
        )
    ]


def _person_ids(session: Session, dataset_id: int) -> dict[str, int]:
    rows = session.execute(select(_PERSON.c.rep_id, _PERSON.c.id).where(_PERSON.c.dataset_id == dataset_id))
    return {str(rep): int(pid) for rep, pid in rows.all()}


def _insert_records(session: Session, dataset_id: int, frame: pd.DataFrame, ids: Mapping[str, int]) -> None:
    """Bulk-insert period records in chunks (Core inserts: the ORM is too slow at 480k rows)."""
    columns: dict[str, list[int | None] | list[float | None]] = {
        c: _ints(frame[c]) if c in COUNT_COLUMNS else _floats(frame[c]) for c in METRIC_COLUMNS
    }
    periods = frame["period"].astype(str).tolist()
    pids = frame["rep_id"].astype(str).map(ids).astype(np.int64).tolist()
    total = len(frame)
    for start in range(0, total, _CHUNK):
        chunk = [
            {
                "dataset_id": dataset_id,
                "person_id": pids[i],
                "period": periods[i],
                **{c: columns[c][i] for c in METRIC_COLUMNS},
            }
            for i in range(start, min(start + _CHUNK, total))
        ]
        session.execute(insert(_RECORD), chunk)


def _check_frame(frame: pd.DataFrame) -> None:
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise ValueError(_("Cannot store the table: columns missing: {columns}.").format(columns=", ".join(missing)))
    if frame.empty:
        raise ValueError(_("Cannot store an empty table: it has no rows."))


def _record_count(session: Session, dataset_id: int) -> int:
    query = select(func.count()).select_from(_RECORD).where(_RECORD.c.dataset_id == dataset_id)
    return int(session.execute(query).scalar_one())


InTransaction = Callable[[Session, int], None]
AfterAppend = Callable[[Session, int, "AppendResult"], None]


@retry_when_busy
def store_dataset(
    *,
    engine: Engine,
    frame: pd.DataFrame,
    name: str,
    source_filename: str,
    source_sha256: str,
    is_demo: bool = False,
    created_by: str = "",
    also: InTransaction | None = None,
) -> int:
    """Store a canonical table as a new dataset in one transaction.

    Args:
        engine: The database engine.
        frame: Rows in the canonical layout; (rep_id, period) unique.
        name: What the user calls this dataset.
        source_filename: The uploaded file's name (for the record, never its path).
        source_sha256: SHA-256 of the uploaded bytes.
        is_demo: Whether this is a generated demo team.
        created_by: The account that imports it (blank for generated data).
        also: Called with the session and the new dataset id inside the same transaction
            (the importer records its batch and mapping there), so all of it lands or none.

    Returns:
        The new dataset's id.

    Raises:
        ValueError: If the table is empty or misses canonical columns.
    """
    _check_frame(frame)
    with Session(engine) as session, session.begin():
        dataset = Dataset(
            name=name,
            source_filename=source_filename,
            source_sha256=source_sha256,
            row_count=len(frame),
            is_demo=is_demo,
            created_by=created_by,
        )
        session.add(dataset)
        session.flush()
        assert dataset.id is not None  # set by flush
        dataset_id = dataset.id
        person_rows = _person_rows(dataset_id, frame)
        for start in range(0, len(person_rows), _CHUNK):
            session.execute(insert(_PERSON), person_rows[start : start + _CHUNK])
        _insert_records(session, dataset_id, frame, _person_ids(session, dataset_id))
        _write_snapshot(session, dataset_id)
        if also is not None:
            also(session, dataset_id)
    return dataset_id


@dataclass(frozen=True)
class AppendResult:
    """What adding rows to an existing dataset did."""

    added: int
    replaced: int
    kept: int


def _stored_keys(session: Session, dataset_id: int) -> pd.DataFrame:
    query = (
        select(_PERSON.c.rep_id, _RECORD.c.period, _RECORD.c.id)
        .join(_PERSON, _PERSON.c.id == _RECORD.c.person_id)
        .where(_RECORD.c.dataset_id == dataset_id)
    )
    rows = session.execute(query).all()
    return pd.DataFrame(rows, columns=["rep_id", "period", "record_id"])


def overlapping_keys(*, engine: Engine, dataset_id: int, frame: pd.DataFrame) -> pd.DataFrame:
    """The (rep_id, period) pairs of ``frame`` that the dataset already holds."""
    with Session(engine) as session:
        stored = _stored_keys(session, dataset_id)
    keys = frame[["rep_id", "period"]].astype(str)
    return keys.merge(stored[["rep_id", "period"]], on=["rep_id", "period"])


@retry_when_busy
def append_to_dataset(
    *,
    engine: Engine,
    dataset_id: int,
    frame: pd.DataFrame,
    overlap: Literal["replace", "keep"],
    also: AfterAppend | None = None,
) -> AppendResult:
    """Add rows (e.g. a later month) to an existing dataset in one transaction.

    Args:
        engine: The database engine.
        dataset_id: The dataset to extend.
        frame: Canonical rows; (rep_id, period) unique within the frame.
        overlap: For a (rep_id, period) already stored: ``"replace"`` overwrites it with the new
            row (and takes the new file's name, role, team… for that person); ``"keep"`` keeps
            the stored row and skips the new one. The caller asks the user; never silent.
        also: Called inside the same transaction with the session, dataset id and result.

    Returns:
        How many rows were added, replaced and kept.

    Raises:
        ValueError: If the dataset does not exist, or the table is empty or incomplete.
    """
    _check_frame(frame)
    with Session(engine) as session, session.begin():
        # Write first, read after: touching the dataset's row takes the write lock (SQLite) or the row
        # lock (PostgreSQL) before anything is read, so two imports into one dataset run one after the
        # other instead of both inserting the same new people (an IntegrityError for the second).
        session.execute(update(_DATASET).where(_DATASET.c.id == dataset_id).values(row_count=_DATASET.c.row_count))
        dataset = session.get(Dataset, dataset_id)
        if dataset is None:
            raise ValueError(
                _("Dataset {dataset_id} does not exist (any more); choose another one.").format(dataset_id=dataset_id)
            )
        stored = _stored_keys(session, dataset_id)
        keys = frame[["rep_id", "period"]].astype(str)
        hit = keys.merge(stored, on=["rep_id", "period"], how="left")["record_id"]
        is_overlap = hit.notna().to_numpy()
        ids = _person_ids(session, dataset_id)
        new_people = [row for row in _person_rows(dataset_id, frame) if row["rep_id"] not in ids]
        for start in range(0, len(new_people), _CHUNK):
            session.execute(insert(_PERSON), new_people[start : start + _CHUNK])
        if overlap == "replace":
            for row in _person_rows(dataset_id, frame):
                if row["rep_id"] in ids:
                    session.execute(
                        update(_PERSON)
                        .where(_PERSON.c.id == ids[str(row["rep_id"])])
                        .values({k: v for k, v in row.items() if k not in ("dataset_id", "rep_id")})
                    )
            doomed = hit[is_overlap].astype(np.int64).tolist()
            for start in range(0, len(doomed), _CHUNK):
                session.execute(delete(_RECORD).where(_RECORD.c.id.in_(doomed[start : start + _CHUNK])))
            to_insert = frame
        else:
            to_insert = frame[~is_overlap]
        _insert_records(session, dataset_id, to_insert, _person_ids(session, dataset_id))
        dataset.row_count = _record_count(session, dataset_id)
        session.add(dataset)
        _write_snapshot(session, dataset_id)
        overlapping = int(is_overlap.sum())
        result = AppendResult(
            added=len(frame) - overlapping,
            replaced=overlapping if overlap == "replace" else 0,
            kept=overlapping if overlap == "keep" else 0,
        )
        if also is not None:
            also(session, dataset_id, result)
    return result


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
                created_by=ds.created_by,
            )
            for ds, count in session.execute(query).all()
        ]


def get_dataset(*, engine: Engine, dataset_id: int) -> DatasetInfo | None:
    """Return one dataset, or None when it does not exist (any more)."""
    return next((d for d in list_datasets(engine=engine) if d.id == dataset_id), None)


def load_records(*, engine: Engine, dataset_id: int) -> pd.DataFrame:
    """Read a dataset back as a canonical table, sorted by rep_id and period.

    The people (a few thousand rows) and their months (up to hundreds of thousands) are read apart and
    joined here: the people as the driver's plain tuples, the months from the dataset's snapshot in one
    piece (:class:`core.store.models.MonthsSnapshot`; row by row when there is none), so no per-row objects
    and no repeated person texts are built (#17: this was most of a page's first run).
    """
    people_query = select(_PERSON.c.id, *[_PERSON.c[c] for c in PERSON_COLUMNS]).where(
        _PERSON.c.dataset_id == dataset_id
    )
    with engine.connect() as connection:
        people = pd.DataFrame(_tuples(connection.execute(people_query)), columns=["id", *PERSON_COLUMNS])
        months = _read_months(connection, dataset_id)
    at = pd.Index(people["id"].astype(np.int64)).get_indexer(pd.Index(months["person_id"]))
    frame = people.drop(columns="id").iloc[at].reset_index(drop=True)
    frame["period"] = months["period"].to_numpy()
    for c in METRIC_COLUMNS:
        frame[c] = months[c].to_numpy()
    frame = frame.sort_values(["rep_id", "period"], kind="stable").reset_index(drop=True)
    for c in COUNT_COLUMNS:
        frame[c] = frame[c].astype("Int64")
    for c in set(METRIC_COLUMNS) - set(COUNT_COLUMNS):
        frame[c] = frame[c].astype("float64")
    _coach_labels(frame)
    return frame[list(CANONICAL_COLUMNS)]


def _months_from_rows(connection: Connection, dataset_id: int) -> pd.DataFrame:
    """A dataset's period records as stored, row by row: person_id (int), period (text), the numbers (float,
    NaN for NULL), in no particular order."""
    query = select(*[_RECORD.c[c] for c in _MONTH_COLUMNS]).where(_RECORD.c.dataset_id == dataset_id)
    rows = pd.DataFrame(_tuples(connection.execute(query)), columns=list(_MONTH_COLUMNS))
    return pd.DataFrame(
        {
            "person_id": rows["person_id"].to_numpy(dtype=np.int64),
            "period": pd.Series(rows["period"].astype(str).to_numpy(dtype=object), dtype=object),
            **{c: rows[c].to_numpy(dtype=np.float64, na_value=np.nan) for c in METRIC_COLUMNS},
        }
    )


def _read_months(connection: Connection, dataset_id: int) -> pd.DataFrame:
    """:func:`_months_from_rows`, from the dataset's snapshot when it holds as many rows as the dataset."""
    import pyarrow as pa

    query = (
        select(_SNAPSHOT.c.data)
        .join(_DATASET, _DATASET.c.id == _SNAPSHOT.c.dataset_id)
        .where(_SNAPSHOT.c.dataset_id == dataset_id, _SNAPSHOT.c.row_count == _DATASET.c.row_count)
    )
    data = connection.execute(query).scalar_one_or_none()
    if data is None:
        return _months_from_rows(connection, dataset_id)
    table = pa.ipc.open_file(pa.BufferReader(bytes(data))).read_all()
    return pd.DataFrame(
        {
            "person_id": table.column("person_id").to_numpy(),
            "period": pd.Series(table.column("period").to_numpy(zero_copy_only=False), dtype=object),
            **{c: table.column(c).to_numpy() for c in METRIC_COLUMNS},
        }
    )


def _write_snapshot(session: Session, dataset_id: int) -> None:
    """Rewrite a dataset's snapshot from its stored rows, inside the transaction that changed them."""
    import pyarrow as pa

    connection = session.connection()
    months = _months_from_rows(connection, dataset_id)
    table = pa.table(
        {
            "person_id": pa.array(months["person_id"].to_numpy(), pa.int64()),
            "period": pa.array(months["period"].tolist(), pa.string()),
            **{c: pa.array(months[c].to_numpy(), pa.float64()) for c in METRIC_COLUMNS},  # NaN stays NaN
        }
    )
    sink = pa.BufferOutputStream()
    with pa.ipc.new_file(sink, table.schema, options=pa.ipc.IpcWriteOptions(compression="zstd")) as writer:
        writer.write_table(table)
    connection.execute(delete(_SNAPSHOT).where(_SNAPSHOT.c.dataset_id == dataset_id))
    connection.execute(
        insert(_SNAPSHOT).values(dataset_id=dataset_id, row_count=len(months), data=sink.getvalue().to_pybytes())
    )


def write_missing_snapshots(*, engine: Engine) -> int:
    """Give every dataset without a matching snapshot one (datasets stored before snapshots existed).

    Each in its own transaction, after taking the dataset's write lock as an import does, so a dataset being
    extended meanwhile is snapshotted after that import, not halfway. Returns how many were written.
    """
    query = (
        select(_DATASET.c.id)
        .outerjoin(_SNAPSHOT, _SNAPSHOT.c.dataset_id == _DATASET.c.id)
        .where((_SNAPSHOT.c.dataset_id.is_(None)) | (_SNAPSHOT.c.row_count != _DATASET.c.row_count))
    )
    with engine.connect() as connection:
        missing = [int(i) for i in connection.execute(query).scalars()]
    for dataset_id in missing:
        with Session(engine) as session, session.begin():
            session.execute(update(_DATASET).where(_DATASET.c.id == dataset_id).values(row_count=_DATASET.c.row_count))
            _write_snapshot(session, dataset_id)
    return len(missing)


def _tuples(result: CursorResult[Any]) -> list[tuple[Any, ...]]:
    """A result's rows as the driver's plain tuples: SQLAlchemy's row objects cost a Python call per field when
    pandas looks at them (a tenth of a second for a few thousand people, #17)."""
    cursor = result.cursor
    return list(cursor.fetchall()) if cursor is not None else [tuple(row) for row in result.all()]


def load_people(*, engine: Engine, dataset_id: int) -> pd.DataFrame:
    """Return the people of a dataset: one row per rep; ``coach_willing`` and ``coach_trained`` are yes / no / NA,
    ``language`` the plan language (de / nl / en, NA for the viewer's)."""
    query = select(
        _PERSON.c.rep_id,
        _PERSON.c.name,
        _PERSON.c.role,
        _PERSON.c.team,
        _PERSON.c.region,
        _PERSON.c.manager,
        _PERSON.c.coach_willing,
        _PERSON.c.coach_aptitude,
        _PERSON.c.coach_trained,
        _PERSON.c.language,
    ).where(_PERSON.c.dataset_id == dataset_id)
    with engine.connect() as connection:
        people = pd.read_sql(query.order_by(_PERSON.c.rep_id), connection)
    _coach_labels(people)
    return people


def _coach_labels(frame: pd.DataFrame) -> None:
    """The stored person flags as the template writes them: yes / no / NA, aptitude as Int64 (NA unknown)."""
    frame["coach_willing"] = _willing_label(frame["coach_willing"])
    frame["coach_trained"] = _willing_label(frame["coach_trained"])
    frame["coach_aptitude"] = pd.to_numeric(frame["coach_aptitude"], errors="coerce").astype("Int64")
    frame["language"] = frame["language"].astype(object).where(frame["language"].notna(), np.nan)


def dataset_version(*, engine: Engine, dataset_id: int) -> str:
    """A token that changes whenever a dataset's rows change (for cache keys)."""
    batches = SQLModel.metadata.tables["import_batch"]
    with engine.connect() as connection:
        last_batch = connection.execute(
            select(func.max(batches.c.id)).where(batches.c.dataset_id == dataset_id)
        ).scalar_one()
        rows = connection.execute(select(_DATASET.c.row_count).where(_DATASET.c.id == dataset_id)).scalar_one_or_none()
    return f"{dataset_id}:{rows}:{last_batch}"


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
