"""Manager edits to the coaching chains — swap a coach, lock a pair, exclude a person, set a capacity.

Edits are stored per dataset (who and when) and folded into the matcher's constraints, so a
re-match respects them. The newest edit per subject is in force; the history is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from core.chains import Constraints
from core.models import ChainEdit, Dataset

PAIR_KINDS = ("lock", "unlock", "forbid", "allow")
PERSON_KINDS = ("exclude", "include")
KINDS = (*PAIR_KINDS, *PERSON_KINDS, "capacity")


@dataclass(frozen=True)
class ChainEdits:
    """The edits in force for one dataset."""

    constraints: Constraints
    capacity_overrides: dict[str, int]


def _edit(
    *,
    dataset_id: int,
    kind: str,
    changed_by: str,
    coach_id: str | None = None,
    coachee_id: str | None = None,
    rep_id: str | None = None,
    value: int | None = None,
) -> ChainEdit:
    """Check one edit and return its row (not yet stored)."""
    if kind not in KINDS:
        raise ValueError(f"'{kind}' is not a chain edit; use one of {', '.join(KINDS)}.")
    if kind in PAIR_KINDS and not (coach_id and coachee_id):
        raise ValueError(f"A '{kind}' edit needs both a coach and a coachee.")
    if kind in PERSON_KINDS and not rep_id:
        raise ValueError(f"A '{kind}' edit needs a person.")
    if kind == "capacity" and (not rep_id or value is None or value < 0 or value > 20):
        raise ValueError("A capacity is a whole number of coachees from 0 to 20 for one coach.")
    return ChainEdit(
        dataset_id=dataset_id,
        kind=kind,
        coach_id=coach_id,
        coachee_id=coachee_id,
        rep_id=rep_id,
        value=value,
        changed_by=changed_by[:200] or "unknown",
    )


def _store(engine: Engine, dataset_id: int, edits: list[ChainEdit]) -> None:
    """Store edits in one transaction, so a multi-part edit lands whole or not at all."""
    with Session(engine) as session, session.begin():
        if session.get(Dataset, dataset_id) is None:
            raise ValueError(f"Dataset {dataset_id} does not exist (any more).")
        session.add_all(edits)


def add_edit(
    *,
    engine: Engine,
    dataset_id: int,
    kind: str,
    changed_by: str,
    coach_id: str | None = None,
    coachee_id: str | None = None,
    rep_id: str | None = None,
    value: int | None = None,
) -> None:
    """Store one edit.

    Raises:
        ValueError: Unknown kind, missing ids for the kind, a negative capacity, or no such dataset.
    """
    edit = _edit(
        dataset_id=dataset_id,
        kind=kind,
        changed_by=changed_by,
        coach_id=coach_id,
        coachee_id=coachee_id,
        rep_id=rep_id,
        value=value,
    )
    _store(engine, dataset_id, [edit])


def swap_coach(
    *, engine: Engine, dataset_id: int, coachee_id: str, old_coach_id: str | None, new_coach_id: str, changed_by: str
) -> None:
    """Give a coachee another coach in one transaction: the old pair is forbidden, the new pair locked.

    A forbid also lifts any lock on that pair (see :func:`edits_in_force`).
    """
    if old_coach_id == new_coach_id:
        raise ValueError("Choose a different coach to swap to.")
    kinds = [("forbid", old_coach_id)] if old_coach_id else []
    kinds.append(("lock", new_coach_id))
    edits = [
        _edit(dataset_id=dataset_id, kind=kind, coach_id=coach, coachee_id=coachee_id, changed_by=changed_by)
        for kind, coach in kinds
    ]
    _store(engine, dataset_id, edits)


def edit_history(*, engine: Engine, dataset_id: int) -> pd.DataFrame:
    """Every edit, newest first."""
    query = (
        select(
            col(ChainEdit.id),
            col(ChainEdit.kind),
            col(ChainEdit.coach_id),
            col(ChainEdit.coachee_id),
            col(ChainEdit.rep_id),
            col(ChainEdit.value),
            col(ChainEdit.changed_by),
            col(ChainEdit.created_at),
        )
        .where(col(ChainEdit.dataset_id) == dataset_id)
        .order_by(col(ChainEdit.id).desc())
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    columns = ["id", "kind", "coach_id", "coachee_id", "rep_id", "value", "changed_by", "created_at"]
    return pd.DataFrame(rows, columns=columns)


def edits_in_force(*, engine: Engine, dataset_id: int) -> ChainEdits:
    """Fold the history into the matcher's constraints and per-coach capacities."""
    history = edit_history(engine=engine, dataset_id=dataset_id).sort_values("id")
    locked: dict[tuple[str, str], int] = {}  # pair -> id of the lock in force, or -1
    forbidden: dict[tuple[str, str], bool] = {}
    excluded: dict[str, bool] = {}
    capacity: dict[str, int] = {}
    columns = ["id", "kind", "coach_id", "coachee_id", "rep_id", "value"]
    for edit_id, kind, coach, coachee, rep, value in history[columns].itertuples(index=False):
        if kind in ("lock", "unlock"):
            locked[(coach, coachee)] = int(edit_id) if kind == "lock" else -1
            if kind == "lock":
                forbidden[(coach, coachee)] = False
        elif kind in ("forbid", "allow"):
            forbidden[(coach, coachee)] = kind == "forbid"
            if kind == "forbid":
                locked[(coach, coachee)] = -1
        elif kind in PERSON_KINDS:
            excluded[rep] = kind == "exclude"
        elif kind == "capacity":
            capacity[rep] = int(value)
    # A newer lock for the same coachee replaces an older one (one peer coach per level).
    latest_lock: dict[str, tuple[str, str]] = {}
    for pair, seq in sorted(locked.items(), key=lambda item: item[1]):
        if seq >= 0:
            latest_lock[pair[1]] = pair
    return ChainEdits(
        constraints=Constraints(
            locked=tuple(sorted(latest_lock.values())),
            excluded=frozenset(r for r, on in excluded.items() if on),
            forbidden=tuple(sorted(p for p, on in forbidden.items() if on)),
        ),
        capacity_overrides=capacity,
    )
