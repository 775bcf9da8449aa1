"""The HR review: persistent low performers, the facts HR needs, and a case status a person sets.

PRODUCT.md ("Who uses it", HR row; "Data protection"). HR reviews only people flagged
``persistent_low`` by :func:`core.scoring.segmentation.segment` — low now and in at least 2 of the last
3 non-overlapping windows (:func:`core.scoring.tiers.persistence`), so one bad month never puts anyone here.
For each of them :func:`persistent_low_table` gathers the monthly percentile history, the gap to the
role median per metric, the support given (check-ins, a peer coach, plan edits), a manager's override
and the case status.

Cases are a record of what people did, not a decision engine: the newest :class:`core.store.models.HrCaseEntry`
per (dataset, rep_id) is the status, every earlier entry is kept as history. **Any move between the
three statuses is allowed** (a closed case can be reopened when results slide again; a conversation
can go back to open), because the people running the case know why — the note says it. Two rules keep
the record useful: keeping the same status needs a note (otherwise nothing happened), and closing a case
needs a note (how it ended). Nothing here ever recommends an employment decision.

Every change writes its :mod:`core.governance.audit` entry (``hr_case``, IDs only — never the note) in the same
transaction; exports of briefs write one ``export`` entry each.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Final, Literal

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from core.cells import cell_number, cell_text
from core.governance.audit import add_entry, record, subject_ids
from core.i18n import N_, _, ngettext
from core.plans.content import file_stem, trend_text
from core.plans.model import CheckIn, Plan
from core.plans.render import plans_zip, to_docx, to_pdf
from core.plans.words import day, metric_name, number, tier_name
from core.scoring.metrics import METRICS, MetricSpec, format_value, metric_refs, metrics_with_values
from core.store.db import retry_when_busy
from core.store.models import Dataset, HrCaseEntry, Person

CASE_STATUSES: Final = ("open", "in conversation", "closed")
"""The statuses a case can have, in their usual order; any move between them is allowed."""

NO_CASE: Final = "not opened"
"""What the table says for a person without any case entry yet."""

NOTE_LIMIT: Final = 5000
"""The longest case note kept, in characters."""

DECISION_NOTE: Final = N_(
    "This list is decision support. Coachwise never recommends an employment decision: a person reviews the facts, "
    "talks with the employee and their manager, and decides."
)

CASE_COLUMNS: Final = ["rep_id", "status", "note", "changed_by", "created_at"]

BriefFormat = Literal["pdf", "docx"]


# --------------------------------------------------------------------------- the table


def _gaps(person: pd.Series, medians: pd.DataFrame) -> list[tuple[MetricSpec, float, float]]:
    """(metric, raw value, role median) for each metric the person's role was scored on (with values)."""
    return [
        (spec, cell_number(person.get(f"{spec.id}_raw")), metric_refs(medians, spec.role, spec.id)[0])
        for spec in metrics_with_values(medians, str(person["role"]))
    ]


def _gap_size(spec: MetricSpec, gap: float) -> str:
    """A signed gap to the median: percentage points for percent metrics, else the metric's unit."""
    if math.isnan(gap):
        return _("n/a")
    sign = "−" if gap < 0 else "+"
    if spec.unit in ("%", "×"):
        return _("{sign}{points} pts").format(sign=sign, points=number(abs(gap) * 100, digits=1))
    return f"{sign}{format_value(spec, abs(gap))}"


def metric_gaps(person: pd.Series, medians: pd.DataFrame) -> pd.DataFrame:
    """Each metric of the person's role against the role median, ready to show.

    Args:
        person: One row of the segmentation.
        medians: :func:`core.scoring.metrics.role_medians` of the same segmentation.

    Returns:
        One row per metric: metric (label), value, role median (both formatted), gap (signed, in
        percentage points for percent metrics), gap_value (raw value minus median; NaN when unknown).
    """
    rows = []
    for spec, value, median in _gaps(person, medians):
        rows.append(
            {
                "metric": metric_name(spec),
                "value": format_value(spec, value),
                "role median": format_value(spec, median),
                "gap": _gap_size(spec, value - median),
                "gap_value": value - median,
            }
        )
    return pd.DataFrame(rows, columns=["metric", "value", "role median", "gap", "gap_value"])


def _override_text(person: pd.Series) -> str:
    if not bool(person.get("overridden")):
        return ""
    at = cell_text(person.get("override_at"))[:10]
    return (
        _("Tier set to {tier} by {by} on {date} (computed: {computed}): {reason}")
        if at
        else _("Tier set to {tier} by {by} (computed: {computed}): {reason}")
    ).format(
        tier=tier_name(cell_text(person.get("tier"))),
        by=cell_text(person.get("override_by")),
        date=at,
        computed=tier_name(cell_text(person.get("tier_computed"))),
        reason=cell_text(person.get("override_reason")),
    )


def _whole(value: object) -> int:
    number = cell_number(value)
    return 0 if math.isnan(number) else int(number)


def _support_text(count: int, last: date | None, coach: str, edited: Sequence[str]) -> str:
    parts = []
    if count and last is not None:
        parts.append(
            ngettext("{count} check-in, last {date}", "{count} check-ins, last {date}", count).format(
                count=count, date=day(last)
            )
        )
    if coach:
        parts.append(_("peer coach {coach}").format(coach=coach))
    if edited:
        parts.append(_("plan edited ({parts})").format(parts=", ".join(sorted(edited))))
    return "; ".join(parts) if parts else _("No support recorded yet")


TABLE_COLUMNS: Final = (
    "rep_id",
    "name",
    "role",
    "team",
    "manager",
    "tier",
    "tier_computed",
    "score",
    "percentile",
    "low_windows",
    "windows_seen",
    "trend",
    "percentiles",
    "trend_text",
    "gaps",
    *(f"gap_{spec.id}" for spec in METRICS),
    "checkins",
    "last_checkin",
    "peer_coach",
    "plan_edits",
    "support",
    "overridden",
    "override",
    "case_status",
    "case_by",
    "case_at",
    "case_note",
)
"""The columns of :func:`persistent_low_table`, in order."""


def _gap_columns(person: pd.Series, medians: pd.DataFrame) -> dict[str, object]:
    """The ``gaps`` text and one ``gap_<metric>`` per metric (NaN where the metric is not the person's)."""
    gaps: dict[str, object] = {f"gap_{spec.id}": math.nan for spec in METRICS}
    lines = []
    for spec, value, median in _gaps(person, medians):
        gaps[f"gap_{spec.id}"] = value - median
        lines.append(f"{metric_name(spec)} {_gap_size(spec, value - median)}")
    return {"gaps": " · ".join(lines), **gaps}


def _support_columns(done: Sequence[CheckIn], coach: str, edited: Sequence[str]) -> dict[str, object]:
    """The support given so far: check-ins (count, last), the peer coach, plan edits, and a sentence."""
    last = max(c.when for c in done) if done else None
    return {
        "checkins": len(done),
        "last_checkin": last,
        "peer_coach": coach,
        "plan_edits": len(edited),
        "support": _support_text(len(done), last, coach, edited),
    }


def _case_columns(latest: pd.DataFrame, rep: str) -> dict[str, object]:
    """The person's HR case in force: status (:data:`NO_CASE` when none), by whom, when, and the note."""
    if rep not in latest.index:
        return {"case_status": NO_CASE, "case_by": "", "case_at": None, "case_note": ""}
    case = latest.loc[rep]
    return {
        "case_status": str(case["status"]),
        "case_by": str(case["changed_by"]),
        "case_at": case["created_at"],
        "case_note": str(case["note"]),
    }


def persistent_low_table(
    segmented: pd.DataFrame,
    medians: pd.DataFrame,
    history: pd.DataFrame,
    checkins: Sequence[tuple[str, CheckIn]],
    cases: pd.DataFrame,
    *,
    coaches: Mapping[str, str] | None = None,
    plan_edits: Mapping[str, Mapping[str, str]] | None = None,
    trend_months: int = 12,
) -> pd.DataFrame:
    """The persistent low performers with everything HR reviews, lowest percentile first.

    Args:
        segmented: :func:`core.scoring.segmentation.segment` output with overrides applied. Only rows with
            ``persistent_low`` are kept — also people a manager moved out of the low tier (their
            ``override`` column says so), because the pattern in the data is still there.
        medians: :func:`core.scoring.metrics.role_medians` of the same segmentation.
        history: Long form rep_id, period, percentile (:func:`core.scoring.segmentation.monthly_history`).
        checkins: ``(rep_id, CheckIn)`` pairs as :func:`core.plans.store.checkins` returns them.
        cases: The cases in force, as :func:`current_cases` returns them.
        coaches: Peer coach by coachee rep_id (e.g. from the chains' pairs), if any.
        plan_edits: Plan edits in force by rep_id (:func:`core.plans.store.all_plan_edits`).
        trend_months: How many of the latest months of history go into ``percentiles``.

    Returns:
        One row per person: rep_id, name, role, team, manager, tier, tier_computed, score, percentile,
        low_windows, windows_seen, trend, percentiles (list, oldest first), trend_text, gaps (text:
        each metric's signed gap to the role median, ``"Close rate −12.0 pts · Quota attainment −30.0 pts"``),
        one ``gap_<metric>`` column per metric (raw value minus role median; NaN where the metric is
        not the person's), checkins (count), last_checkin, peer_coach, plan_edits (count), support,
        overridden, override, case_status (:data:`NO_CASE` when none), case_by, case_at, case_note.
    """
    flagged = segmented[segmented["persistent_low"].fillna(False).astype(bool)]
    logged: dict[str, list[CheckIn]] = {}
    for rep_id, entry in checkins:
        logged.setdefault(str(rep_id), []).append(entry)
    coach_of = coaches or {}
    edits = plan_edits or {}
    latest = cases.set_index("rep_id") if len(cases) else pd.DataFrame(columns=CASE_COLUMNS).set_index("rep_id")
    hist = history.sort_values(["rep_id", "period"]) if len(history) else history
    by_rep = {str(k): g for k, g in hist.groupby("rep_id", sort=False)} if len(hist) else {}

    rows: list[dict[str, object]] = []
    for _i, person in flagged.iterrows():
        rep = str(person["rep_id"])
        mine = by_rep.get(rep)
        trend = (
            [(str(p), float(v)) for p, v in zip(mine["period"], mine["percentile"], strict=True)][-trend_months:]
            if mine is not None
            else []
        )
        rows.append(
            {
                "rep_id": rep,
                "name": cell_text(person.get("name")),
                "role": str(person["role"]),
                "team": cell_text(person.get("team")),
                "manager": cell_text(person.get("manager")),
                "tier": cell_text(person.get("tier")),
                "tier_computed": cell_text(person.get("tier_computed")) or cell_text(person.get("tier")),
                "score": cell_number(person.get("score")),
                "percentile": cell_number(person.get("percentile")),
                "low_windows": _whole(person.get("low_windows")),
                "windows_seen": _whole(person.get("windows_seen")),
                "trend": cell_text(person.get("trend")) or "n/a",
                "percentiles": [v for _m, v in trend],
                "trend_text": trend_text(trend, months=6) or _("no monthly history"),
                **_gap_columns(person, medians),
                **_support_columns(logged.get(rep, []), cell_text(coach_of.get(rep)), list(edits.get(rep, {}))),
                "overridden": bool(person.get("overridden")),
                "override": _override_text(person),
                **_case_columns(latest, rep),
            }
        )
    table = pd.DataFrame(rows, columns=list(TABLE_COLUMNS))
    return table.sort_values(["percentile", "rep_id"], kind="stable").reset_index(drop=True)


def coaches_by_coachee(pairs: pd.DataFrame) -> dict[str, str]:
    """Each coachee's peer coach as the table's support text names them: ``"Name (role)"`` by coachee rep_id.

    Args:
        pairs: The chains' pairs (:attr:`core.coaching.chains.ChainResult.pairs`): coachee_id, coach_name, coach_role.
    """
    return {
        str(row.coachee_id): f"{row.coach_name} ({row.coach_role})"
        for row in pairs[["coachee_id", "coach_name", "coach_role"]].itertuples(index=False)
    }


def case_counts(table: pd.DataFrame) -> dict[str, int]:
    """How many people in :func:`persistent_low_table` have each case status, :data:`NO_CASE` first (zeros kept)."""
    counts = table["case_status"].value_counts()
    return {status: int(counts.get(status, 0)) for status in (NO_CASE, *CASE_STATUSES)}


def with_brief(table: pd.DataFrame) -> list[str]:
    """The rep_ids in :func:`persistent_low_table` who get an HR brief: those still in the low tier, sorted.

    A person a manager moved out of the low tier stays in the table (the pattern is in the data) but
    gets no brief while the override stands.
    """
    return sorted(str(r) for r in table.loc[table["tier"] == "low", "rep_id"])


# --------------------------------------------------------------------------- cases


def case_history(*, engine: Engine, dataset_id: int, rep_id: str | None = None) -> pd.DataFrame:
    """Every case entry, newest first: rep_id, status, note, changed_by, created_at."""
    query = select(
        col(HrCaseEntry.rep_id),
        col(HrCaseEntry.status),
        col(HrCaseEntry.note),
        col(HrCaseEntry.changed_by),
        col(HrCaseEntry.created_at),
    ).where(col(HrCaseEntry.dataset_id) == dataset_id)
    if rep_id is not None:
        query = query.where(col(HrCaseEntry.rep_id) == rep_id)
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(col(HrCaseEntry.id).desc())).all()
    return pd.DataFrame(rows, columns=CASE_COLUMNS)


def current_cases(*, engine: Engine, dataset_id: int) -> pd.DataFrame:
    """The case in force per person: their newest entry (columns as :func:`case_history`)."""
    return case_history(engine=engine, dataset_id=dataset_id).drop_duplicates("rep_id").reset_index(drop=True)


@retry_when_busy
def set_case_status(*, engine: Engine, dataset_id: int, rep_id: str, status: str, note: str, changed_by: str) -> None:
    """Record a case step for one person: the new status, a note, who and when — and its audit entry.

    Any move between :data:`CASE_STATUSES` is allowed. Keeping the current status needs a note (it
    then records the note), and so does closing a case.

    Raises:
        ValueError: An unknown status, a missing note where one is needed, or a dataset or person
            that does not exist.
    """
    if status not in CASE_STATUSES:
        raise ValueError(
            _("'{status}' is not a case status; use {statuses} or closed.").format(
                status=status, statuses=", ".join(CASE_STATUSES[:-1])
            )
        )
    text = note.strip()[:NOTE_LIMIT]
    with Session(engine) as session, session.begin():
        if session.get(Dataset, dataset_id) is None:
            raise ValueError(_("Dataset {dataset_id} does not exist (any more).").format(dataset_id=dataset_id))
        known = session.execute(
            select(col(Person.id)).where(col(Person.dataset_id) == dataset_id, col(Person.rep_id) == rep_id)
        ).first()
        if known is None:
            raise ValueError(_("There is no {rep_id} in this dataset.").format(rep_id=rep_id))
        current = session.execute(
            select(col(HrCaseEntry.status))
            .where(col(HrCaseEntry.dataset_id) == dataset_id, col(HrCaseEntry.rep_id) == rep_id)
            .order_by(col(HrCaseEntry.id).desc())
            .limit(1)
        ).scalar_one_or_none()
        if current == status and not text:
            raise ValueError(
                _("The case is already '{status}'; add a note to record something new.").format(status=status)
            )
        if status == "closed" and not text:
            raise ValueError(_("Say in a note how the case was closed."))
        session.add(
            HrCaseEntry(
                dataset_id=dataset_id,
                rep_id=rep_id,
                status=status,
                note=text,
                changed_by=changed_by[:200] or "unknown",
            )
        )
        add_entry(
            session,
            actor=changed_by,
            action="hr_case",
            dataset_id=dataset_id,
            subject=rep_id,
            detail=f"{current or NO_CASE} → {status}",
        )


# --------------------------------------------------------------------------- audited exports


def _briefs_only(plans: Sequence[Plan]) -> None:
    wrong = [p.rep_id for p in plans if p.kind != "hr_brief"]
    if wrong:
        raise ValueError(_("Only HR briefs are exported here; {ids} has no HR brief.").format(ids=", ".join(wrong)))


def export_brief(*, engine: Engine, actor: str, dataset_id: int, plan: Plan, fmt: BriefFormat) -> bytes:
    """Render one HR brief as PDF or Word and record the export (one ``export`` entry, the rep_id as subject).

    The entry is written after the file is rendered, so a failed rendering records nothing.
    """
    _briefs_only([plan])
    data = to_pdf(plan) if fmt == "pdf" else to_docx(plan)
    record(
        engine=engine,
        actor=actor,
        action="export",
        dataset_id=dataset_id,
        subject=plan.rep_id,
        detail=f"HR brief {fmt}",
    )
    return data


def export_briefs_zip(*, engine: Engine, actor: str, dataset_id: int, plans: Sequence[Plan], fmt: BriefFormat) -> bytes:
    """A ZIP of HR briefs (one file each and a README) and one ``export`` entry naming every rep_id."""
    _briefs_only(plans)
    if not plans:
        raise ValueError(_("There are no HR briefs to export."))
    data = plans_zip(plans, fmt, file_stem=file_stem, audience="manager")
    record(
        engine=engine,
        actor=actor,
        action="export",
        dataset_id=dataset_id,
        subject=subject_ids(p.rep_id for p in plans),
        detail=f"ZIP of {len(plans)} HR briefs {fmt}",  # i18n: data (audit detail)
    )
    return data
