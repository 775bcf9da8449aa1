"""Deleting a dataset for good, and an optional retention period after which real datasets go by themselves.

PRODUCT.md ("Data protection"): an admin can delete a dataset. :func:`delete_dataset` removes the
dataset and every row that points at it — any table with a foreign key to ``dataset.id`` (people,
monthly records, import batches, tier overrides, chain edits, plan edits, check-ins, HR case entries,
and whatever table is added later with such a key) — in one transaction with one ``dataset_deleted``
audit entry (IDs and a row count only; the audit trail is kept on purpose). Then the store is compacted
so the rows are gone from the files too, not merely marked free:

* **SQLite**: ``VACUUM`` rebuilds the file without the freed pages, and
  ``PRAGMA wal_checkpoint(TRUNCATE)`` copies the write-ahead log into it and empties the ``-wal`` file
  (with WAL on, deleted pages otherwise linger there).
* **PostgreSQL**: ``VACUUM`` of the affected tables on an autocommit connection, best effort: it
  makes the dead rows' space reusable; their bytes can stay in data files until overwritten, and
  backups or WAL archives follow the server's own policy. ``VACUUM FULL`` would rewrite the tables
  but locks them, so it is left to the database administrator.

Retention (:func:`apply_retention`): the number of days is stored as the :class:`core.store.models.AppSetting`
``retention_days`` (absent = off). A real dataset is deleted when its **last import** (the newest import
batch, or its creation when it has none) is older than that — a dataset that still gets a month added
is in use, one untouched for the period is not. Demo datasets are exempt: their people are invented, so
they hold no personal data, and deleting them would only make the next start generate them again.
Each deletion writes its own audit entry with the actor :data:`POLICY_ACTOR`.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

import pandas as pd
from sqlalchemy import Table, delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, SQLModel, col

from core.governance.audit import add_entry
from core.i18n import _, current
from core.i18n.formats import format_number
from core.store.datasets import DatasetInfo
from core.store.db import retry_when_busy
from core.store.models import AppSetting, Dataset, ImportBatch
from core.store.settings import get_setting

RETENTION_KEY: Final = "retention_days"
POLICY_ACTOR: Final = "retention policy"
MAX_DAYS: Final = 36_500
"""The longest retention period accepted (about a hundred years)."""


@dataclass(frozen=True)
class Deletion:
    """What deleting one dataset did.

    Attributes:
        dataset_id: The deleted dataset.
        rows: Rows removed, the dataset's own row included.
        compacted: Whether the store was compacted afterwards (SQLite: VACUUM and an emptied WAL;
            PostgreSQL: VACUUM ran). False means the rows are deleted but their bytes may remain
            until the next compaction.
    """

    dataset_id: int
    rows: int
    compacted: bool


def dependent_tables() -> list[Table]:
    """Every table with a foreign key to ``dataset.id``, children before parents (the deletion order)."""
    dataset = SQLModel.metadata.tables["dataset"]
    return [
        table
        for table in reversed(SQLModel.metadata.sorted_tables)
        if any(fk.column.table is dataset for fk in table.foreign_keys)
    ]


def _delete_rows(session: Session, *, dataset_id: int, actor: str) -> int:
    """Delete a dataset's rows and add the audit entry, inside the caller's transaction."""
    if session.get(Dataset, dataset_id) is None:
        raise ValueError(_("There is no dataset {dataset_id} (any more).").format(dataset_id=dataset_id))
    connection = session.connection()
    removed = 0
    for table in dependent_tables():
        removed += connection.execute(delete(table).where(table.c.dataset_id == dataset_id)).rowcount
    removed += connection.execute(delete(Dataset).where(col(Dataset.id) == dataset_id)).rowcount
    add_entry(
        session,
        actor=actor,
        action="dataset_deleted",
        dataset_id=dataset_id,
        subject=str(dataset_id),
        detail=f"{removed} rows deleted",
    )
    return removed


def compact(*, engine: Engine) -> bool:
    """Make deleted rows gone from the store's files (see the module docstring); True when it worked.

    Never raises for a busy database: the deletion has already been committed, and the next
    compaction (any later deletion) finishes the job.
    """
    backend = engine.url.get_backend_name()
    try:
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            if backend == "sqlite":
                connection.exec_driver_sql("VACUUM")
                busy = connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()[0]  # i18n: data (SQL)
                return int(busy) == 0
            if backend == "postgresql":
                quote = engine.dialect.identifier_preparer.quote
                names = ", ".join(quote(t.name) for t in [*dependent_tables(), SQLModel.metadata.tables["dataset"]])
                connection.exec_driver_sql(f"VACUUM {names}")
                return True
    except SQLAlchemyError:
        return False
    return False


def delete_dataset(*, engine: Engine, dataset_id: int, actor: str) -> Deletion:
    """Delete a dataset and everything derived from it, record who did it, and compact the store.

    Args:
        engine: The database.
        dataset_id: The dataset to delete.
        actor: Who deletes it, for the audit trail (``"command line"`` from the CLI).

    Returns:
        How many rows went, and whether the files were compacted.

    Raises:
        ValueError: There is no such dataset.
    """
    with Session(engine) as session, session.begin():
        removed = _delete_rows(session, dataset_id=dataset_id, actor=actor)
    return Deletion(dataset_id=dataset_id, rows=removed, compacted=compact(engine=engine))


# --------------------------------------------------------------------------- retention period


def retention_days(*, engine: Engine) -> int | None:
    """The retention period in days, or None when automatic deletion is off."""
    value = get_setting(engine=engine, key=RETENTION_KEY)
    if value is None:
        return None
    try:
        days = int(value)
    except ValueError:
        return None
    return days if 1 <= days <= MAX_DAYS else None


def _policy_text(days: int | None) -> str:
    return "off" if days is None else f"{days} days"


@retry_when_busy
def set_retention_days(*, engine: Engine, days: int | None, actor: str) -> None:
    """Set the retention period (None switches automatic deletion off), with a ``retention_changed`` entry.

    Raises:
        ValueError: Fewer than 1 or more than :data:`MAX_DAYS` days.
    """
    if days is not None and not 1 <= days <= MAX_DAYS:
        raise ValueError(
            _("A retention period is 1 to {most} days; switch it off instead of using 0.").format(
                most=format_number(MAX_DAYS, current().language)
            )
        )
    before = retention_days(engine=engine)
    with Session(engine) as session, session.begin():
        setting = session.get(AppSetting, RETENTION_KEY)
        if days is None:
            if setting is not None:
                session.delete(setting)
        else:
            setting = setting or AppSetting(key=RETENTION_KEY, value="")
            setting.value = str(days)
            setting.updated_by = actor[:200]
            setting.updated_at = datetime.now(UTC)
            session.add(setting)
        add_entry(
            session,
            actor=actor,
            action="retention_changed",
            detail=f"{_policy_text(before)} → {_policy_text(days)}",
        )


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back without a zone; they were stored in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def last_imports(*, engine: Engine) -> dict[int, datetime]:
    """Each dataset's last import: its newest import batch, or its creation when it has none (UTC)."""
    newest = (
        select(col(ImportBatch.dataset_id), func.max(col(ImportBatch.created_at)).label("last"))
        .group_by(col(ImportBatch.dataset_id))
        .subquery()
    )
    query = select(col(Dataset.id), col(Dataset.created_at), newest.c.last).outerjoin(
        newest, newest.c.dataset_id == col(Dataset.id)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    out: dict[int, datetime] = {}
    for dataset_id, created, last in rows:
        moments = [_aware(m) for m in (created, last) if m is not None]
        out[int(dataset_id)] = max(moments)
    return out


def due_for_deletion(*, engine: Engine, days: int, now: datetime | None = None) -> list[int]:
    """The real (non-demo) datasets whose last import is more than ``days`` days before ``now``, oldest first."""
    cutoff = _aware(now or datetime.now(UTC)) - timedelta(days=days)
    with engine.connect() as connection:
        demo = {int(i) for i in connection.execute(select(col(Dataset.id)).where(col(Dataset.is_demo))).scalars() if i}
    last = last_imports(engine=engine)
    return sorted((i for i, moment in last.items() if i not in demo and moment < cutoff), key=lambda i: (last[i], i))


def apply_retention(*, engine: Engine, now: datetime | None = None) -> list[Deletion]:
    """Delete every real dataset older than the retention period (nothing when it is off).

    Each dataset goes in its own transaction with its own ``dataset_deleted`` entry (actor
    :data:`POLICY_ACTOR`); the store is compacted once at the end.

    Args:
        engine: The database.
        now: The moment to measure from (default: the current time, UTC).

    Returns:
        One :class:`Deletion` per dataset deleted.
    """
    days = retention_days(engine=engine)
    if days is None:
        return []
    removed: list[tuple[int, int]] = []
    for dataset_id in due_for_deletion(engine=engine, days=days, now=now):
        with Session(engine) as session, session.begin():
            removed.append((dataset_id, _delete_rows(session, dataset_id=dataset_id, actor=POLICY_ACTOR)))
    if not removed:
        return []
    compacted = compact(engine=engine)
    return [Deletion(dataset_id=i, rows=n, compacted=compacted) for i, n in removed]


def name_confirms(typed: str, name: str) -> bool:
    """Whether the text typed to confirm a deletion is the dataset's name (spaces around either ignored)."""
    return typed.strip() == name.strip()


def datasets_table(
    datasets: Sequence[DatasetInfo], *, last: Mapping[int, datetime], due: Collection[int]
) -> pd.DataFrame:
    """The datasets as the retention page lists them: size, age, demo or real, and whether the period takes them.

    Args:
        datasets: The stored datasets.
        last: Each dataset's last import (:func:`last_imports`); its creation where missing.
        due: The ids the retention period in force would delete (:func:`due_for_deletion`).

    Returns:
        Columns id, name, created, last import, rows, people, demo, due for deletion.
    """
    return pd.DataFrame(
        [
            {
                "id": d.id,
                "name": d.name,
                "created": d.created_at,
                "last import": last.get(d.id, d.created_at),
                "rows": d.row_count,
                "people": d.people,
                "demo": d.is_demo,
                "due for deletion": d.id in due,
            }
            for d in datasets
        ]
    )
