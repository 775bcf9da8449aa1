"""Stored parts of coaching plans: a manager's edits and the check-in log, with who and when."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from core.plans.model import CheckIn
from core.store.db import retry_when_busy
from core.store.models import CheckInRecord, Dataset, PlanEdit

EDITABLE = ("focus", "notes", "cadence")  # plus "focus:<metric>:goal" and "focus:<metric>:practice"


def _valid_key(key: str) -> bool:
    if key in EDITABLE:
        return True
    parts = key.split(":")
    return len(parts) == 3 and parts[0] == "focus" and parts[2] in ("goal", "practice") and bool(parts[1])


def set_plan_edit(*, engine: Engine, dataset_id: int, rep_id: str, key: str, value: str, changed_by: str) -> None:
    """Store an edit to one part of a plan; an empty value returns that part to the generated text.

    Raises:
        ValueError: Unknown part or dataset.
    """
    set_plan_edits(engine=engine, dataset_id=dataset_id, rep_id=rep_id, edits={key: value}, changed_by=changed_by)


@retry_when_busy
def set_plan_edits(*, engine: Engine, dataset_id: int, rep_id: str, edits: Mapping[str, str], changed_by: str) -> None:
    """Store edits to several parts of one plan in one transaction, so a save lands whole or not at all.

    Raises:
        ValueError: Unknown part or dataset; :class:`core.store.db.StoreBusy` when the store stays busy.
    """
    for key in edits:
        if not _valid_key(key):
            raise ValueError(f"'{key}' is not an editable part of a plan.")
    with Session(engine) as session, session.begin():
        if session.get(Dataset, dataset_id) is None:
            raise ValueError(f"Dataset {dataset_id} does not exist (any more).")
        session.add_all(
            PlanEdit(
                dataset_id=dataset_id,
                rep_id=rep_id,
                key=key,
                value=value.strip()[:5000],
                changed_by=changed_by[:200] or "unknown",
            )
            for key, value in edits.items()
        )


def plan_edits(*, engine: Engine, dataset_id: int, rep_id: str) -> dict[str, str]:
    """The edits in force for one person: the newest value per part, without parts reset to generated."""
    query = (
        select(col(PlanEdit.key), col(PlanEdit.value))
        .where(col(PlanEdit.dataset_id) == dataset_id, col(PlanEdit.rep_id) == rep_id)
        .order_by(col(PlanEdit.id))
    )
    latest: dict[str, str] = {}
    with engine.connect() as connection:
        for key, value in connection.execute(query).all():
            latest[str(key)] = str(value)
    return {k: v for k, v in latest.items() if v}


def all_plan_edits(*, engine: Engine, dataset_id: int) -> dict[str, dict[str, str]]:
    """The edits in force for everyone in a dataset, by rep_id."""
    query = (
        select(col(PlanEdit.rep_id), col(PlanEdit.key), col(PlanEdit.value))
        .where(col(PlanEdit.dataset_id) == dataset_id)
        .order_by(col(PlanEdit.id))
    )
    out: dict[str, dict[str, str]] = {}
    with engine.connect() as connection:
        for rep_id, key, value in connection.execute(query).all():
            out.setdefault(str(rep_id), {})[str(key)] = str(value)
    return {rep: {k: v for k, v in edits.items() if v} for rep, edits in out.items()}


@retry_when_busy
def add_checkin(
    *, engine: Engine, dataset_id: int, rep_id: str, held_on: date, note: str, next_step: str, changed_by: str
) -> None:
    """Log a check-in.

    Raises:
        ValueError: A blank note, a date in the future, or no such dataset.
    """
    if not note.strip():
        raise ValueError("Write a short note of what was discussed.")
    if held_on > date.today():
        raise ValueError("A check-in cannot be logged for a future date.")
    with Session(engine) as session, session.begin():
        if session.get(Dataset, dataset_id) is None:
            raise ValueError(f"Dataset {dataset_id} does not exist (any more).")
        session.add(
            CheckInRecord(
                dataset_id=dataset_id,
                rep_id=rep_id,
                held_on=held_on,
                note=note.strip()[:5000],
                next_step=next_step.strip()[:2000],
                changed_by=changed_by[:200] or "unknown",
            )
        )


def checkins(*, engine: Engine, dataset_id: int, rep_id: str | None = None) -> list[tuple[str, CheckIn]]:
    """Check-ins, oldest first, as (rep_id, CheckIn); one person's or everyone's."""
    query = select(
        col(CheckInRecord.rep_id),
        col(CheckInRecord.held_on),
        col(CheckInRecord.note),
        col(CheckInRecord.next_step),
        col(CheckInRecord.changed_by),
    ).where(col(CheckInRecord.dataset_id) == dataset_id)
    if rep_id is not None:
        query = query.where(col(CheckInRecord.rep_id) == rep_id)
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(col(CheckInRecord.held_on), col(CheckInRecord.id))).all()
    return [(str(r), CheckIn(when=h, note=str(n), next_step=str(s), by=str(b))) for r, h, n, s, b in rows]
