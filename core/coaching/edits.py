"""Manager edits to the coaching chains — swap a coach, lock a pair, exclude a person, set a capacity.

Edits are stored per dataset (who and when) and folded into the matcher's constraints, so a
re-match respects them. The newest edit per subject is in force; the history is kept.

Starting a pair (kind ``start``, ``value`` = the first coached month as YYYYMM) records when
coaching began, for the Impact page; it also locks the pair, because a chain that runs should not
be re-matched away silently. ``stop`` ends it (and unlocks it): the pair no longer counts as
coached. A coachee has one started coach per level — a newer start at the same level replaces an older
one — and a swap (which forbids the old pair) stops it too. Locks are the same: one per coachee and level.
The level of a pair is the coach's role with the coachee's (an AE locked to an AM and to a top AE keeps
both: AM → AE and AE → AE), from the dataset's stored people; coaches no longer stored share one level.

A coach's answer to the invitation (kind ``answer``, ``value`` 1 = yes, 0 = no) replaces the file's
``coach_willing`` for matching: yes turns their invitations into pairs, no takes them out as a coach.
An AM's external coach (kind ``external``, the name in ``text``; blank clears it) fills the slot of a
core AM without an AM peer coach. The audit entry names whose answer or slot it is, not the name typed.

The levels chosen for the dataset (kind ``levels``, ``text`` the level ids as ``ae-sdr,ae-ae``, or
``none``) hold for the chains page, the plans and HR briefs alike, and for the next visit; the newest is in
force, none means the team's default. They shape every team's chains, so only an editor who sees every team
(scope None) may change them.

Every writer takes the editor's ``scope`` — the rep_ids they may change, None for a role that sees
everyone — and refuses, in one sentence and storing nothing, an edit about anyone else: a person edit
(exclude, include, capacity) needs that person in scope, a pair edit (lock, unlock, start, stop, swap)
the coachee, whose coaching it decides. Each stored edit writes one ``chain_edit`` audit entry in the
same transaction, so an edit and its record land together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from core.coaching.chains import ChainSettings, Constraints, parse_levels
from core.governance.audit import add_entry, subject_ids
from core.i18n import _
from core.months import from_yyyymm, yyyymm
from core.store.db import retry_when_busy
from core.store.models import ChainEdit, Dataset, Person

PAIR_KINDS = ("lock", "unlock", "forbid", "allow")
PERSON_KINDS = ("exclude", "include")
START_KINDS = ("start", "stop")
KINDS = (*PAIR_KINDS, *PERSON_KINDS, "capacity", *START_KINDS, "answer", "external", "levels")
VALUE_KINDS = ("capacity", "answer", "external")  # about one person, with a value or text
STARTED_COLUMNS = ("coach_id", "coachee_id", "start", "changed_by", "created_at")
NO_LEVELS = "none"  # a ``levels`` edit that switches every level off


@dataclass(frozen=True)
class ChainEdits:
    """The edits in force for one dataset."""

    constraints: Constraints
    capacity_overrides: dict[str, int]
    external_coaches: dict[str, str] = field(default_factory=dict)  # AM rep_id -> external coach's name
    levels: tuple[str, ...] | None = None  # the levels chosen for the dataset; None = the team's default

    def settings(self) -> ChainSettings:
        """The matcher's settings these edits imply (levels, capacities, external coaches), the rest default.

        The plans and HR briefs match with these, so they name the coaches of the levels the chains page runs.
        """
        return ChainSettings(
            capacity_overrides=self.capacity_overrides, external_coaches=self.external_coaches, levels=self.levels
        )


def _edit(
    *,
    dataset_id: int,
    kind: str,
    changed_by: str,
    coach_id: str | None = None,
    coachee_id: str | None = None,
    rep_id: str | None = None,
    value: int | None = None,
    text: str | None = None,
) -> ChainEdit:
    """Check one edit and return its row (not yet stored)."""
    if kind not in KINDS:
        raise ValueError(
            _("'{kind}' is not a chain edit; use one of {kinds}.").format(kind=kind, kinds=", ".join(KINDS))
        )
    if kind in (*PAIR_KINDS, *START_KINDS) and not (coach_id and coachee_id):
        raise ValueError(_("A '{kind}' edit needs both a coach and a coachee.").format(kind=kind))
    if kind in PERSON_KINDS and not rep_id:
        raise ValueError(_("A '{kind}' edit needs a person.").format(kind=kind))
    if kind == "capacity" and (not rep_id or value is None or value < 0 or value > 20):
        raise ValueError(_("A capacity is a whole number of coachees from 0 to 20 for one coach."))
    if kind == "answer" and (not rep_id or value not in (0, 1)):
        raise ValueError(_("An answer needs the coach and yes or no."))
    if kind == "external":
        text = " ".join((text or "").split())
        if not rep_id:
            raise ValueError(_("An external coach needs the Account Manager they coach."))
        if len(text) > 200:
            raise ValueError(_("An external coach's name can be at most 200 characters."))
    if kind == "levels":
        text = ",".join(parse_levels(text or "")) if (text or "").strip() != NO_LEVELS else NO_LEVELS
    if kind == "start" and (value is None or not 190001 <= value <= 299912 or not 1 <= value % 100 <= 12):
        raise ValueError(_("A start needs the first coached month as YYYYMM, e.g. 202611."))
    return ChainEdit(
        dataset_id=dataset_id,
        kind=kind,
        coach_id=coach_id,
        coachee_id=coachee_id,
        rep_id=rep_id,
        value=value,
        text=text if kind in ("external", "levels") else None,
        changed_by=changed_by[:200] or "unknown",
    )


def _check_scope(edits: list[ChainEdit], scope: frozenset[str] | None) -> None:
    """Refuse edits about people outside ``scope`` (None: everyone may be edited)."""
    if scope is None:
        return
    for edit in edits:
        if edit.kind == "levels":
            raise ValueError(
                _(
                    "The levels hold for the whole dataset, every team's chains, so only someone who sees every team "
                    "can change them; nothing was saved."
                )
            )
        if edit.kind in (*PERSON_KINDS, *VALUE_KINDS):
            if edit.rep_id not in scope:
                raise ValueError(
                    _(
                        "{person} is not one of your people, so only their manager or an admin can change "
                        "their place in the chains; nothing was saved."
                    ).format(person=edit.rep_id)
                )
        elif edit.coachee_id not in scope:
            raise ValueError(
                _(
                    "{person} is not one of your people, so only their manager or an admin can change "
                    "who coaches them; nothing was saved."
                ).format(person=edit.coachee_id)
            )


def _describe(edits: list[ChainEdit]) -> str:
    """The audit detail of edits stored together: kind and whom, e.g. "lock A1 → S1; capacity A2 = 3"."""
    parts = []
    for edit in edits:
        if edit.kind == "levels":
            parts.append(f"levels = {edit.text}")
        elif edit.kind == "answer":
            parts.append(f"answer {edit.rep_id} = {'yes' if edit.value else 'no'}")
        elif edit.kind == "external":
            done = "set" if edit.text else "cleared"
            parts.append(f"external coach for {edit.rep_id} {done}")  # i18n: data (the audit detail stays English)
        elif edit.rep_id:
            value = f" = {edit.value}" if edit.value is not None else ""
            parts.append(f"{edit.kind} {edit.rep_id}{value}")
        else:
            value = f" from {from_yyyymm(edit.value)}" if edit.kind == "start" and edit.value is not None else ""
            parts.append(f"{edit.kind} {edit.coach_id} → {edit.coachee_id}{value}")
    return "; ".join(parts)


@retry_when_busy
def _store(engine: Engine, dataset_id: int, edits: list[ChainEdit], scope: frozenset[str] | None) -> None:
    """Store edits and their audit entry in one transaction, so a multi-part edit lands whole or not at all."""
    _check_scope(edits, scope)
    with Session(engine) as session, session.begin():
        if session.get(Dataset, dataset_id) is None:
            raise ValueError(_("Dataset {dataset_id} does not exist (any more).").format(dataset_id=dataset_id))
        session.add_all(edits)
        add_entry(
            session,
            actor=edits[0].changed_by,
            action="chain_edit",
            dataset_id=dataset_id,
            subject=subject_ids(i for e in edits for i in (e.coach_id, e.coachee_id, e.rep_id) if i),
            detail=_describe(edits),
        )


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
    text: str | None = None,
    scope: frozenset[str] | None,
) -> None:
    """Store one edit (and its audit entry).

    Args:
        scope: The rep_ids the editor may change, None for a role that sees everyone.

    Raises:
        ValueError: Unknown kind, missing ids for the kind, a negative capacity, a person outside
            ``scope``, or no such dataset.
    """
    edit = _edit(
        dataset_id=dataset_id,
        kind=kind,
        changed_by=changed_by,
        coach_id=coach_id,
        coachee_id=coachee_id,
        rep_id=rep_id,
        value=value,
        text=text,
    )
    _store(engine, dataset_id, [edit], scope)


def set_levels(
    *, engine: Engine, dataset_id: int, levels: Sequence[str], changed_by: str, scope: frozenset[str] | None
) -> None:
    """Keep the levels chosen for a dataset (none at all is a choice too), audited like every chain edit.

    Raises:
        ValueError: An unknown level, an editor who does not see every team (``scope`` not None), or no
            such dataset.
    """
    text = ",".join(levels) or NO_LEVELS
    _store(engine, dataset_id, [_edit(dataset_id=dataset_id, kind="levels", text=text, changed_by=changed_by)], scope)


def swap_coach(
    *,
    engine: Engine,
    dataset_id: int,
    coachee_id: str,
    old_coach_id: str | None,
    new_coach_id: str,
    changed_by: str,
    scope: frozenset[str] | None,
) -> None:
    """Give a coachee another coach in one transaction: the old pair is forbidden, the new pair locked.

    A forbid also lifts any lock on that pair (see :func:`edits_in_force`). ``scope`` as in :func:`add_edit`.
    """
    if old_coach_id == new_coach_id:
        raise ValueError(_("Choose a different coach to swap to."))
    kinds = [("forbid", old_coach_id)] if old_coach_id else []
    kinds.append(("lock", new_coach_id))
    edits = [
        _edit(dataset_id=dataset_id, kind=kind, coach_id=coach, coachee_id=coachee_id, changed_by=changed_by)
        for kind, coach in kinds
    ]
    _store(engine, dataset_id, edits, scope)


def start_pairs(
    *,
    engine: Engine,
    dataset_id: int,
    pairs: list[tuple[str, str]],
    month: str,
    changed_by: str,
    scope: frozenset[str] | None,
) -> None:
    """Record that coaching of these (coach, coachee) pairs began in ``month``, and lock them; one transaction.

    Raises:
        ValueError: No pairs, a month that is not ``YYYY-MM``, a coachee outside ``scope`` (as in
            :func:`add_edit`), or no such dataset.
    """
    if not pairs:
        raise ValueError(_("Choose at least one pair to start."))
    try:
        value = yyyymm(month)
    except ValueError:
        raise ValueError(_("'{month}' is not a month like 2026-11.").format(month=month)) from None
    edits = [
        _edit(dataset_id=dataset_id, kind=kind, coach_id=c, coachee_id=e, value=v, changed_by=changed_by)
        for c, e in pairs
        for kind, v in (("start", value), ("lock", None))
    ]
    _store(engine, dataset_id, edits, scope)


def stop_pairs(
    *, engine: Engine, dataset_id: int, pairs: list[tuple[str, str]], changed_by: str, scope: frozenset[str] | None
) -> None:
    """Stop started pairs (they no longer count as coached) and unlock them; one transaction.

    Raises:
        ValueError: No pairs, a coachee outside ``scope`` (as in :func:`add_edit`), or no such dataset.
    """
    if not pairs:
        raise ValueError(_("Choose at least one pair to stop."))
    edits = [
        _edit(dataset_id=dataset_id, kind=kind, coach_id=c, coachee_id=e, changed_by=changed_by)
        for c, e in pairs
        for kind in ("stop", "unlock")
    ]
    _store(engine, dataset_id, edits, scope)


def _roles(engine: Engine, dataset_id: int) -> dict[str, str]:
    """rep_id → role of the dataset's stored people."""
    query = select(col(Person.rep_id), col(Person.role)).where(col(Person.dataset_id) == dataset_id)
    with engine.connect() as connection:
        return {str(rep): str(role) for rep, role in connection.execute(query).all()}


def _level_key(roles: dict[str, str], coach: object, coachee: object) -> tuple[str, str]:
    """(coachee, coach's role): one per level, since the coachee's own role is fixed (unknown coaches share one)."""
    return str(coachee), roles.get(str(coach), "")


def started_pairs(*, engine: Engine, dataset_id: int) -> pd.DataFrame:
    """The started pairs in force: coach_id, coachee_id, start (``YYYY-MM``), changed_by, created_at.

    Folded from the history oldest first: ``start`` makes the pair the coachee's started pair at its
    level (replacing another coach's at that level), ``stop`` or ``forbid`` of that pair ends it. Sorted by
    coachee, then coach.
    """
    history = edit_history(engine=engine, dataset_id=dataset_id).sort_values("id")
    relevant = history[history["kind"].isin([*START_KINDS, "forbid"])]
    roles = _roles(engine, dataset_id)
    current: dict[tuple[str, str], tuple[str, int, str, object]] = {}  # (coachee, level) -> (coach, month, by, at)
    columns = ["kind", "coach_id", "coachee_id", "value", "changed_by", "created_at"]
    for kind, coach, coachee, value, by, at in relevant[columns].itertuples(index=False):
        key = _level_key(roles, coach, coachee)
        if kind == "start":
            current[key] = (str(coach), int(value), str(by), at)
        elif key in current and current[key][0] == coach:
            del current[key]
    rows = sorted((key[0], c, from_yyyymm(v), by, at) for key, (c, v, by, at) in current.items())
    return pd.DataFrame([(c, e, v, by, at) for e, c, v, by, at in rows], columns=list(STARTED_COLUMNS))


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
            col(ChainEdit.text),
            col(ChainEdit.changed_by),
            col(ChainEdit.created_at),
        )
        .where(col(ChainEdit.dataset_id) == dataset_id)
        .order_by(col(ChainEdit.id).desc())
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    columns = ["id", "kind", "coach_id", "coachee_id", "rep_id", "value", "text", "changed_by", "created_at"]
    return pd.DataFrame(rows, columns=columns)


def edits_in_force(*, engine: Engine, dataset_id: int) -> ChainEdits:
    """Fold the history into the matcher's constraints and per-coach capacities."""
    history = edit_history(engine=engine, dataset_id=dataset_id).sort_values("id")
    locked: dict[tuple[str, str], int] = {}  # pair -> id of the lock in force, or -1
    forbidden: dict[tuple[str, str], bool] = {}
    excluded: dict[str, bool] = {}
    capacity: dict[str, int] = {}
    answers: dict[str, str] = {}
    external: dict[str, str] = {}
    levels: tuple[str, ...] | None = None
    columns = ["id", "kind", "coach_id", "coachee_id", "rep_id", "value", "text"]
    for edit_id, kind, coach, coachee, rep, value, text in history[columns].itertuples(index=False):
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
        elif kind == "answer":
            answers[rep] = "yes" if int(value) else "no"
        elif kind == "external":
            external[rep] = str(text or "") if isinstance(text, str) else ""
        elif kind == "levels":
            levels = () if text == NO_LEVELS else parse_levels(str(text))
    # A newer lock for the same coachee at the same level replaces an older one (one peer coach per level).
    roles = _roles(engine, dataset_id)
    latest_lock: dict[tuple[str, str], tuple[str, str]] = {}
    for pair, seq in sorted(locked.items(), key=lambda item: item[1]):
        if seq >= 0:
            latest_lock[_level_key(roles, *pair)] = pair
    return ChainEdits(
        constraints=Constraints(
            locked=tuple(sorted(latest_lock.values())),
            excluded=frozenset(r for r, on in excluded.items() if on),
            forbidden=tuple(sorted(p for p, on in forbidden.items() if on)),
            answers=tuple(sorted(answers.items())),
        ),
        capacity_overrides=capacity,
        external_coaches={rep: name for rep, name in sorted(external.items()) if name},
        levels=levels,
    )
