"""Stored parts of coaching plans: a manager's edits and the check-in log, with who and when.

A check-in opens with the previous check-in's next steps: each one is marked done, in progress or
dropped, and stored with the new check-in (``check_in.previous_steps``, JSON), so the log shows what
happened to every agreed step.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Final, cast

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from core.i18n import N_, _
from core.plans.model import OUTCOMES, CheckIn, Outcome, StepOutcome, next_steps
from core.store.db import retry_when_busy
from core.store.models import CheckInRecord, Dataset, PlanEdit

EDITABLE = ("focus", "notes", "cadence")  # plus "focus:<metric>:goal" and "focus:<metric>:practice"

# What a refusal says: every sentence a reader sees, in one place (English; translated with _() where raised).
NO_NOTE: Final = N_("Write a short note of what was discussed.")
FUTURE: Final = N_("A check-in cannot be logged for a future date.")
NO_DATASET: Final = N_("Dataset {dataset_id} does not exist (any more).")
MISSING_OUTCOME: Final = N_('Say what happened to last time\'s step "{step}": done, in progress or dropped.')
UNKNOWN_OUTCOME: Final = N_('"{outcome}" is not what can happen to a step: choose done, in progress or dropped.')


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
            raise ValueError(_("'{key}' is not an editable part of a plan.").format(key=key))
    with Session(engine) as session, session.begin():
        if session.get(Dataset, dataset_id) is None:
            raise ValueError(_(NO_DATASET).format(dataset_id=dataset_id))
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


def carry_forward(previous_next_step: str, outcomes: Mapping[str, str]) -> tuple[StepOutcome, ...]:
    """Each step of the previous check-in with what happened to it, checked.

    Args:
        previous_next_step: The previous check-in's next-step text (one step per line; "" for none).
        outcomes: By step text: ``"done"``, ``"in_progress"`` or ``"dropped"``. Outcomes for steps the
            previous check-in does not hold are ignored.

    Returns:
        The steps in their order, each with its outcome; empty when there was no step to carry forward.

    Raises:
        ValueError: An outcome that is not one of the three, or a step without one.
    """
    for outcome in outcomes.values():
        if outcome not in OUTCOMES:
            raise ValueError(_(UNKNOWN_OUTCOME).format(outcome=outcome))
    carried: list[StepOutcome] = []
    for step in next_steps(previous_next_step):
        if step not in outcomes:
            raise ValueError(_(MISSING_OUTCOME).format(step=step))
        carried.append(StepOutcome(step, cast(Outcome, outcomes[step])))
    return tuple(carried)


def _to_json(carried: tuple[StepOutcome, ...]) -> str | None:
    if not carried:
        return None
    return json.dumps([{"step": c.step, "outcome": c.outcome} for c in carried], ensure_ascii=False)


def _from_json(text: object) -> tuple[StepOutcome, ...]:
    """The stored steps; an outcome that is not one of the three reads as not recorded, never as another."""
    if not isinstance(text, str) or not text:
        return ()
    try:
        rows = json.loads(text)
    except ValueError:
        return ()
    if not isinstance(rows, list):
        return ()
    out: list[StepOutcome] = []
    for row in rows:
        if isinstance(row, dict) and isinstance(row.get("step"), str):
            outcome = row.get("outcome")
            out.append(StepOutcome(row["step"], cast(Outcome, outcome) if outcome in OUTCOMES else None))
    return tuple(out)


@retry_when_busy
def add_checkin(
    *,
    engine: Engine,
    dataset_id: int,
    rep_id: str,
    held_on: date,
    note: str,
    next_step: str,
    changed_by: str,
    outcomes: Mapping[str, str] | None = None,
) -> None:
    """Log a check-in, with what happened to each next step of the one before it.

    Args:
        engine, dataset_id, rep_id: Where and for whom.
        held_on: The day of the conversation (not in the future).
        note: What was discussed.
        next_step: The next steps agreed, one per line.
        changed_by: Who logs it.
        outcomes: What happened to each step of the previous check-in (the latest one held on or before
            ``held_on``), by step text: ``"done"``, ``"in_progress"`` or ``"dropped"``.

    Raises:
        ValueError: A blank note, a date in the future, no such dataset, an unknown outcome, or a step of
            the previous check-in without an outcome.
    """
    if not note.strip():
        raise ValueError(_(NO_NOTE))
    if held_on > date.today():
        raise ValueError(_(FUTURE))
    given = dict(outcomes or {})
    carry_forward("", given)  # an unknown outcome is refused before the store is asked
    with Session(engine) as session, session.begin():
        if session.get(Dataset, dataset_id) is None:
            raise ValueError(_(NO_DATASET).format(dataset_id=dataset_id))
        previous = session.execute(
            select(col(CheckInRecord.next_step))
            .where(
                col(CheckInRecord.dataset_id) == dataset_id,
                col(CheckInRecord.rep_id) == rep_id,
                col(CheckInRecord.held_on) <= held_on,
            )
            .order_by(col(CheckInRecord.held_on).desc(), col(CheckInRecord.id).desc())
            .limit(1)
        ).scalar_one_or_none()
        carried = carry_forward(str(previous or ""), given)
        session.add(
            CheckInRecord(
                dataset_id=dataset_id,
                rep_id=rep_id,
                held_on=held_on,
                note=note.strip()[:5000],
                next_step=next_step.strip()[:2000],
                previous_steps=_to_json(carried),
                changed_by=changed_by[:200] or "unknown",
            )
        )


def checkins(*, engine: Engine, dataset_id: int, rep_id: str | None = None) -> list[tuple[str, CheckIn]]:
    """Check-ins, oldest first, as (rep_id, CheckIn); one person's or everyone's, with last time's steps."""
    query = select(
        col(CheckInRecord.rep_id),
        col(CheckInRecord.held_on),
        col(CheckInRecord.note),
        col(CheckInRecord.next_step),
        col(CheckInRecord.changed_by),
        col(CheckInRecord.previous_steps),
    ).where(col(CheckInRecord.dataset_id) == dataset_id)
    if rep_id is not None:
        query = query.where(col(CheckInRecord.rep_id) == rep_id)
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(col(CheckInRecord.held_on), col(CheckInRecord.id))).all()
    return [
        (str(r), CheckIn(when=h, note=str(n), next_step=str(s), by=str(b), carried=_from_json(p)))
        for r, h, n, s, b, p in rows
    ]
