"""The support a person was given, with dates, for the HR brief: plan changes and started peer coaching.

Check-ins come with the plan itself (:func:`core.plans.store.checkins`); this adds what else a manager did,
read from what is stored — never assumed. Each item is ``(date, sentence)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import col

from core.coaching.edits import started_pairs
from core.i18n import N_, _, current
from core.months import month_index
from core.plans.words import metric_name, span
from core.scoring.metrics import METRICS
from core.store.models import PlanEdit

SupportItem = tuple[date, str]

_PART_NAMES = {"focus": N_("the focus areas"), "cadence": N_("the cadence"), "notes": ""}


def _part(key: str) -> str:
    if key in _PART_NAMES:
        return _(_PART_NAMES[key]) if _PART_NAMES[key] else ""
    _focus, metric, what = (key.split(":") + ["", ""])[:3]
    spec = next((m for m in METRICS if m.id == metric), None)
    label = metric_name(spec) if spec is not None else metric.replace("_", " ")
    label = label if current().language == "de" else label.lower()  # German nouns keep their capital
    return (_("the {metric} goal") if what == "goal" else _("the {metric} practice options")).format(metric=label)


def _day(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(str(value)).date()


def support_items(*, engine: Engine, dataset_id: int, names: Mapping[str, str]) -> dict[str, tuple[SupportItem, ...]]:
    """Dated support per person: plan changes (not the private notes) and started peer coaching.

    Args:
        engine: The store.
        dataset_id: The dataset.
        names: rep_id → name, to name the coach of a started pair (the ID when unknown).

    Returns:
        rep_id → ``(date, sentence)`` items, oldest first.
    """
    query = (
        select(col(PlanEdit.rep_id), col(PlanEdit.key), col(PlanEdit.value), col(PlanEdit.changed_by),
               col(PlanEdit.created_at))
        .where(col(PlanEdit.dataset_id) == dataset_id)
        .order_by(col(PlanEdit.id))
    )  # fmt: skip
    grouped: dict[tuple[str, date, str], list[str]] = {}
    with engine.connect() as connection:
        for rep, key, value, by, at in connection.execute(query).all():
            part = _part(str(key))
            if not part or not str(value).strip():
                continue  # private notes and resets to the generated text are not support
            parts = grouped.setdefault((str(rep), _day(at), str(by)), [])
            if part not in parts:
                parts.append(part)
    out: dict[str, list[SupportItem]] = {}
    for (rep, day, by), parts in grouped.items():
        out.setdefault(rep, []).append((day, _("Plan changed by {by}: {parts}.").format(by=by, parts=", ".join(parts))))
    for row in started_pairs(engine=engine, dataset_id=dataset_id).itertuples(index=False):
        index = month_index(str(row.start))
        start = date(index // 12, index % 12 + 1, 1)
        coach = names.get(str(row.coach_id), str(row.coach_id))
        out.setdefault(str(row.coachee_id), []).append(
            (
                start,
                _("Peer coaching with {coach} started in {month}.").format(coach=coach, month=span([str(row.start)])),
            )
        )
    return {rep: tuple(sorted(items)) for rep, items in out.items()}
